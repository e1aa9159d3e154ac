"""Every error the apps can meet crosses the boundary as its own type, with a stable code and
words for the user in the workspace's language, and nothing is written when a call fails."""

import asyncio
import socket
import threading
import uuid

import pytest

import casetrail as ct
from conftest import FIXTURES, MemoryVault, REPO
from test_refusal_flow import capture_input, finalized_inquiry, new_case


def test_invalid_input_names_the_field(workspace):
    with pytest.raises(ct.CaseTrailError.Invalid) as e:
        draft = workspace.sample_case_draft("望统检〔2026〕9号")
        draft.cause = "no_such_cause"
        workspace.create_case(draft)
    assert e.value.field == "cause" and e.value.code == "bad_format"
    assert "格式" in e.value.user_message
    with pytest.raises(ct.CaseTrailError.Invalid) as e:
        workspace.add_record(str(uuid.uuid4()), "no_such_kind", "{}")
    assert e.value.field == "kind"
    assert workspace.list_cases() == []


def test_not_found(workspace):
    missing = str(uuid.uuid4())
    with pytest.raises(ct.CaseTrailError.NotFound) as e:
        workspace.case_detail(missing)
    assert e.value.id == missing


def test_not_allowed_and_the_record_stays(workspace):
    case = new_case(workspace)
    fields = workspace.sample_record_fields(case.id, "inquiry_record")
    record = workspace.add_record_fields(case.id, "inquiry_record", fields)
    voided = workspace.void_record(record.id, "录入错误，另行制作")
    assert voided.status == "void"
    with pytest.raises(ct.CaseTrailError.NotAllowed) as e:
        workspace.void_record(record.id, "再次作废")
    assert e.value.reason
    detail = workspace.case_detail(case.id)
    assert [r.status for r in detail.records] == ["void"], "a void record stays in the file"


def test_blocked_lists_the_findings(workspace):
    case = new_case(workspace)
    filed = workspace.change_status(case.id, "filed", "同意立案")
    assert (filed.status, filed.status_label) == ("filed", "已立案")
    assert workspace.list_cases() == [filed]
    case = filed
    finalized_inquiry(workspace, case)
    with pytest.raises(ct.CaseTrailError.Blocked) as e:
        workspace.change_status(case.id, "closed", "调查结束")
    assert "signature_pending" in e.value.findings
    assert "孙丽" in e.value.user_message and "{" not in e.value.user_message
    assert workspace.list_cases()[0].status == case.status


class BrokenVault(ct.KeyVault):
    def seal(self, name, secret):
        raise ct.CaseTrailError.KeyVault(user_message="钥匙串不可用")

    def unseal(self, name):
        return None


class CrashingVault(ct.KeyVault):
    def seal(self, name, secret):
        raise RuntimeError("a bug in the host")

    def unseal(self, name):
        raise RuntimeError("a bug in the host")


def test_key_vault_failures(tmp_path):
    for vault in (BrokenVault(), CrashingVault()):
        with pytest.raises(ct.CaseTrailError.KeyVault):
            ct.CaseTrail.open(str(tmp_path / type(vault).__name__), vault, "zh")


def test_another_vault_cannot_open_the_workspace(tmp_path, vault):
    home = str(tmp_path / "phone")
    ws = ct.CaseTrail.open(home, vault, "zh")
    ws.create_case(ws.sample_case_draft("望统检〔2026〕7号"))
    del ws
    with pytest.raises(ct.CaseTrailError.KeyVault):
        ct.CaseTrail.open(home, MemoryVault(), "zh")


def test_storage(tmp_path, vault):
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    with pytest.raises(ct.CaseTrailError.Storage) as e:
        ct.CaseTrail.open(str(not_a_dir), vault, "zh")
    assert e.value.code


def test_not_enrolled(workspace):
    with pytest.raises(ct.CaseTrailError.NotEnrolled) as e:
        asyncio.run(workspace.sync(False, None, None))
    assert "登记码" in e.value.user_message and "casetrail" not in e.value.user_message


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_offline(workspace):
    with pytest.raises(ct.CaseTrailError.Offline) as e:
        asyncio.run(workspace.enrol(f"http://127.0.0.1:{closed_port()}", "AAAA-BBBB-CCCC-DDDD",
                                    None))
    # Words for the inspector; the technical detail goes to the log sink.
    assert "稍后" in e.value.user_message and "127.0.0.1" not in e.value.user_message
    assert workspace.enrolment() is None


def test_rejected_enrolment_code(workspace, backoffice):
    with pytest.raises(ct.CaseTrailError.Rejected) as e:
        asyncio.run(workspace.enrol(backoffice.url, "AAAA-BBBB-CCCC-DDDD", None))
    assert e.value.code
    assert workspace.enrolment() is None


def test_untrusted_answer(workspace):
    """A "back office" that answers anything but the protocol raises the alarm."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)

    def answer():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
            conn.close()

    threading.Thread(target=answer, daemon=True).start()
    try:
        with pytest.raises(ct.CaseTrailError.Untrusted):
            asyncio.run(workspace.enrol(f"http://127.0.0.1:{server.getsockname()[1]}",
                                        "AAAA-BBBB-CCCC-DDDD", None))
    finally:
        server.close()


def test_cancelled(workspace, backoffice):
    asyncio.run(workspace.enrol(backoffice.url, backoffice.enrol_code(), None))
    new_case(workspace)
    token = ct.CancelToken()
    token.cancel()
    with pytest.raises(ct.CaseTrailError.Cancelled):
        asyncio.run(workspace.sync(False, None, token))
    assert workspace.sync_status(False).events_pending > 0
    report = asyncio.run(workspace.sync(False, None, ct.CancelToken()))
    assert report.status.complete


def test_watermark_font(workspace, tmp_path):
    not_a_font = tmp_path / "font.ttf"
    not_a_font.write_bytes(b"\x00\x01\x00\x00 not really")
    for path in (not_a_font, tmp_path / "missing.ttf"):
        with pytest.raises(ct.CaseTrailError.Invalid) as e:
            workspace.set_watermark_font(str(path))
        assert e.value.field == "font"
    font = REPO / "core" / "assets" / "fonts" / "casetrail-fallback-sc.otf"
    workspace.set_watermark_font(str(font))
    case = new_case(workspace)
    photo = FIXTURES / "photos" / "orient-portrait-8.jpg"
    shot = workspace.capture_file(
        capture_input(case.id, None, "photo", photo.name), str(photo))
    assert shot.derivative_path is not None
