"""Fixtures for the Python binding tests: a key vault in memory, a fresh workspace on disk, and
a real back office (`casetrail server run`) on loopback.

Run through `scripts/test-bindings`, which generates the bindings and sets CASETRAIL_BIN and
FIXTURES; the generated module `casetrail` and the native library sit on PYTHONPATH.
"""

import os
import pathlib
import subprocess
import threading

import pytest

import casetrail as ct

REPO = pathlib.Path(__file__).resolve().parents[3]
FIXTURES = pathlib.Path(os.environ.get("FIXTURES", REPO / "tests" / "fixtures"))
CASETRAIL_BIN = os.environ.get("CASETRAIL_BIN", str(REPO / "target" / "debug" / "casetrail"))
OFFICER = "LN210404-0012"


class MemoryVault(ct.KeyVault):
    """What the Android Keystore / iOS Keychain do for the app, kept in a dict."""

    def __init__(self):
        self.secrets = {}
        self.lock = threading.Lock()

    def seal(self, name, secret):
        with self.lock:
            if name in self.secrets:
                raise ct.CaseTrailError.KeyVault(user_message=f"{name} is already sealed")
            self.secrets[name] = bytes(secret)

    def unseal(self, name):
        with self.lock:
            return self.secrets.get(name)


class BackOffice:
    """`casetrail server run` as a child process on a free loopback port."""

    def __init__(self, data):
        self.data = data
        self.proc = subprocess.Popen(
            [CASETRAIL_BIN, "--json", "server", "run", "--data", str(data),
             "--addr", "127.0.0.1:0"],
            stdout=subprocess.PIPE, text=True)
        self.url = None
        for line in self.proc.stdout:
            if '"url"' in line:
                self.url = next(p for p in line.split('"') if p.startswith("http://"))
                break
        if self.url is None:
            self.proc.kill()
            raise RuntimeError("the back office did not announce its url")

    def enrol_code(self, officer=OFFICER):
        out = subprocess.run(
            [CASETRAIL_BIN, "server", "enrol-code", "--data", str(self.data),
             "--officer", officer],
            check=True, capture_output=True, text=True)
        return out.stdout.strip()

    def stop(self):
        self.proc.kill()
        self.proc.wait()


@pytest.fixture
def vault():
    return MemoryVault()


@pytest.fixture
def workspace(tmp_path, vault):
    return ct.CaseTrail.open(str(tmp_path / "phone"), vault, "zh")


@pytest.fixture
def backoffice(tmp_path):
    server = BackOffice(tmp_path / "backoffice")
    yield server
    server.stop()


@pytest.fixture
def photo_path():
    return FIXTURES / "photos" / "orient-landscape-6.jpg"
