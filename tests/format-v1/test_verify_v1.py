"""Tests of the independent format-v1 verifier.

The journals here are built in Python from docs/format.md alone (header template of §5.2,
hashes of §5.5, the Merkle tree of §9.1, the note of §9.2, the receipt text of §10), not with
the verifier's own helpers, so the two sides check each other. A second test runs the verifier
on the golden vectors the Rust side writes into tests/fixtures/format-v1/, when they exist.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from nacl.signing import SigningKey

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))

import verify_v1 as v  # noqa: E402

#: The golden vectors; FORMAT_V1_VECTORS=DIR runs the same test on another vector directory
#: (an export of a real journal, say).
FIXTURES = Path(os.environ.get("FORMAT_V1_VECTORS", REPO / "tests" / "fixtures" / "format-v1"))
MERKLE_VECTORS = REPO / "tests" / "fixtures" / "merkle"
FORMAT_MD = REPO / "docs" / "format.md"

# ---------------------------------------------------------------------------------------------
# Building a journal from the spec.
# ---------------------------------------------------------------------------------------------


def sha(*parts: bytes) -> bytes:
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.digest()


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def uuid8(pk: bytes) -> str:
    b = bytearray(sha(pk)[:16])
    b[6] = (b[6] & 0x0F) | 0x80
    b[8] = (b[8] & 0x3F) | 0x80
    h = b.hex()
    return "-".join((h[:8], h[8:12], h[12:16], h[16:20], h[20:]))


def compact(obj) -> bytes:
    """Compact JSON with raw UTF-8 (§2.1); fine for the ASCII-and-CJK bodies built here."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def header_text(device, seq, prev, utc, mono_ns, kind, case, body_hash, offset_s=28800, boot="boot-1"):
    case_json = "null" if case is None else f'"{case}"'
    return (
        f'{{"v":1,"device":"{device}","seq":{seq},"prev":"{prev}",'
        f'"at":{{"utc":"{utc}","offset_s":{offset_s},"mono_ns":{mono_ns},"boot":"{boot}"}},'
        f'"kind":"{kind}","case":{case_json},"body_hash":"{body_hash}"}}'
    ).encode("utf-8")


class Chain:
    def __init__(self, seed: int, role: str):
        self.key = SigningKey(bytes([seed]) * 32)
        self.pk = bytes(self.key.verify_key)
        self.device = uuid8(self.pk)
        self.role = role
        self.seq = 0
        self.prev = "0" * 64

    def seal(self, kind: str, body: bytes, case=None, utc="2026-11-28T03:04:05.123456Z", prev=None):
        self.seq += 1
        body_hash = sha(body).hex()
        header = header_text(self.device, self.seq, self.prev if prev is None else prev, utc,
                             1_000 * self.seq + 42, kind, case, body_hash)
        eh = sha(b"casetrail/event/v1", header)
        sig = self.key.sign(eh).signature
        self.prev = eh.hex()
        return {
            "device": self.device, "seq": self.seq, "kind": kind, "header": b64(header),
            "body": b64(body), "body_sha256": body_hash, "event_hash": eh.hex(),
            "sig_alg": "ed25519", "signature": b64(sig),
        }


def mth(leaves: list[bytes]) -> bytes:
    if not leaves:
        return sha(b"")
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return sha(b"\x01", mth(leaves[:k]), mth(leaves[k:]))


def audit_path(leaves: list[bytes], m: int) -> list[bytes]:
    if len(leaves) <= 1:
        return []
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    if m < k:
        return audit_path(leaves[:k], m) + [mth(leaves[k:])]
    return audit_path(leaves[k:], m - k) + [mth(leaves[:k])]


def consistency(leaves: list[bytes], m: int) -> list[bytes]:
    def sub(m, d, complete):
        if m == len(d):
            return [] if complete else [mth(d)]
        k = 1 << ((len(d) - 1).bit_length() - 1)
        if m <= k:
            return sub(m, d[:k], complete) + [mth(d[k:])]
        return sub(m - k, d[k:], False) + [mth(d[:k])]

    return sub(m, leaves, True)


def note(origin: str, size: int, root: bytes, key: SigningKey, name="casetrail-backoffice") -> str:
    text = f"{origin}\n{size}\n{b64(root)}\n"
    kid = sha(name.encode(), b"\n\x01", bytes(key.verify_key))[:4]
    return text + f"\n\u2014 {name} {b64(kid + key.sign(text.encode()).signature)}\n"


CASE = "01a236f6-542d-70c7-8244-62c0c257969b"
RECORD = "01a236f6-542e-7451-b5b1-6e2c9abd2bd6"
CONTENT = ('{"doc_no":"望统检通〔2026〕7号","party_id":"01a236f6-542d-70c7-8244-62bf3b40b072",'
           '"scope":"2025年统计数据","scheduled_at":"2026-12-02T11:34:02.797941523Z"}')


def build(directory: Path) -> dict:
    """A phone chain of four events and a back-office chain of one, interleaved, with a
    checkpoint over all five event hashes, inclusion proofs, a consistency proof and a media
    receipt."""
    phone, office = Chain(7, "device"), Chain(9, "backoffice")
    officer = {"name": "李明", "unit": "望花区统计局", "cert_no": "LN210404-0012",
               "cert_valid_from": "2024-01-01", "cert_valid_to": "2029-12-31", "cert_status": "valid"}
    case = {"case_no": "望统检〔2026〕7号", "title": "现场检查", "cause": "false_data", "cause_text": "",
            "legal_basis": [{"law": "中华人民共和国统计法", "version": "2024", "article": "44", "clause": None}],
            "procedure": "general", "is_major": False, "emergency_start": False, "source": "double_random",
            "handling_unit": "望花区统计局", "initial_status": "pre_check",
            "officers": [officer, dict(officer, name="王芳", cert_no="LN210404-0027")], "parties": []}
    added = (f'{{"record_id":"{RECORD}","case_id":"{CASE}","kind":"inspection_notice","content":'
             + CONTENT + "}").encode()
    events = [
        phone.seal("device.genesis", compact({"public_key": phone.pk.hex(), "alg": "ed25519",
                                               "software": "casetrail-core 0.1.0"})),
        phone.seal("case.opened", compact({"case_id": CASE, "case": case}), CASE,
                   utc="2026-11-28T03:04:06Z"),
        office.seal("device.genesis", compact({"public_key": office.pk.hex(), "alg": "ed25519",
                                                "software": "casetrail-core 0.1.0"})),
        phone.seal("record.added", added, CASE, utc="2026-11-28T03:04:07.120Z"),
        phone.seal("record.finalized", compact({"record_id": RECORD, "case_id": CASE, "version": 1,
                                                 "content_hash": sha(CONTENT.encode()).hex(), "slots": []}),
                   CASE, utc="2026-11-28T03:04:08.000001Z"),
    ]
    origin = f"casetrail.backoffice/{office.device}"
    leaves = [sha(b"\x00", bytes.fromhex(e["event_hash"])) for e in events]
    root = mth(leaves)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "keys.json").write_text(json.dumps({
        "devices": [{"device_id": c.device, "public_key": c.pk.hex(), "role": c.role} for c in (phone, office)],
        "log": {"origin": origin, "key_name": "casetrail-backoffice", "public_key": office.pk.hex()},
    }, indent=1))
    write_events(directory, events)
    (directory / "checkpoint.txt").write_bytes(note(origin, len(leaves), root, office.key).encode())
    (directory / "inclusion.json").write_text(json.dumps([
        {"event_hash": e["event_hash"], "leaf_index": i, "tree_size": len(leaves),
         "path": [b64(h) for h in audit_path(leaves, i)]} for i, e in enumerate(events)]))
    (directory / "consistency.json").write_text(json.dumps([
        {"old_checkpoint": note(origin, 3, mth(leaves[:3]), office.key),
         "path": [b64(h) for h in consistency(leaves, 3)]}]))
    photo = b"not really a jpeg"
    received = "2026-11-28T03:20:00.000000Z"
    text = f"casetrail/media-receipt/v1\n{sha(photo).hex()}\n{len(photo)}\n{received}\n"
    (directory / "media-receipts.json").write_text(json.dumps([
        {"sha256": sha(photo).hex(), "size": len(photo), "received_at": received,
         "signature": b64(office.key.sign(text.encode()).signature)}]))
    return {"phone": phone, "office": office, "events": events, "origin": origin, "leaves": leaves}


def write_events(directory: Path, events: list[dict]) -> None:
    (directory / "events.jsonl").write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events))


def read_events(directory: Path) -> list[dict]:
    return [json.loads(line) for line in (directory / "events.jsonl").read_text().splitlines() if line.strip()]


def flip(b64text: str, at: int, mask: int = 0x01) -> str:
    raw = bytearray(base64.b64decode(b64text))
    raw[at] ^= mask
    return b64(bytes(raw))


def defects(directory: Path) -> set[tuple]:
    return v.verify_dir(str(directory)).codes()


@pytest.fixture
def journal(tmp_path):
    d = tmp_path / "vectors"
    built = build(d)
    built["dir"] = d
    return built


# ---------------------------------------------------------------------------------------------
# The spec's worked example.
# ---------------------------------------------------------------------------------------------


def test_worked_example_in_format_md_recomputes():
    """Every value of docs/format.md §14 is recomputed here and must appear on the page."""
    page = FORMAT_MD.read_text(encoding="utf-8")
    c = Chain(7, "device")
    assert c.pk.hex() == "ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c"
    assert c.device == "fe812c12-f3ab-8ce6-ac5d-b69ac352f906" == v.device_id_of(c.pk)
    body1 = compact({"public_key": c.pk.hex(), "alg": "ed25519", "software": "casetrail-core 0.1.0"})
    h1 = header_text(c.device, 1, "0" * 64, "2026-11-28T03:04:05.123456Z", 42, "device.genesis", None, sha(body1).hex())
    e1 = sha(b"casetrail/event/v1", h1)
    body2 = f'{{"case_id":"{CASE}","from":"pre_check","to":"filed","reason":"立案审批通过"}}'.encode()
    h2 = header_text(c.device, 2, e1.hex(), "2026-11-28T03:10:00.120Z", 354995000042, "case.status_changed", CASE, sha(body2).hex())
    e2 = sha(b"casetrail/event/v1", h2)
    h0 = header_text(c.device, 1, "0" * 64, "2026-11-28T03:04:05.123456Z", 42, "case.opened", None, sha(b"{}").hex())
    e0 = sha(b"casetrail/event/v1", h0)
    office = SigningKey(bytes([9]) * 32)
    opk = bytes(office.verify_key)
    origin = f"casetrail.backoffice/{uuid8(opk)}"
    leaves = [sha(b"\x00", e1), sha(b"\x00", e2)]
    receipt_text = "casetrail/media-receipt/v1\n" + sha(b"abc").hex() + "\n3\n2026-11-28T03:20:00.000000Z\n"
    expected = [
        h1.decode(), body1.decode(), sha(body1).hex(), e1.hex(), c.key.sign(e1).signature.hex(),
        b64(c.key.sign(e1).signature), h2.decode(), body2.decode(), e2.hex(),
        c.key.sign(e2).signature.hex(), b64(c.key.sign(e2).signature), h0.decode(), e0.hex(),
        c.key.sign(e0).signature.hex(), opk.hex(), uuid8(opk), v.key_id("casetrail-backoffice", opk).hex(),
        leaves[0].hex(), leaves[1].hex(), mth(leaves).hex(), note(origin, 2, mth(leaves), office),
        json.dumps([b64(leaves[0])]), json.dumps([b64(leaves[1])]),
        receipt_text.rstrip("\n"), b64(office.sign(receipt_text.encode()).signature),
    ]
    missing = [x for x in expected if x.rstrip("\n") not in page]
    assert not missing, f"not in docs/format.md: {missing}"
    assert len(h1) == 341 and len(h2) == 387 and len(body1) == 131 and len(body2) == 112
    # The verifier reads them as canonical and the signatures hold.
    for h, e in ((h1, e1), (h2, e2), (h0, e0)):
        assert v.parse_header(h).to_bytes() == h
        assert v.ed25519_verify(c.pk, e, c.key.sign(e).signature)
    cp, problems = v.check_checkpoint(note(origin, 2, mth(leaves), office), origin, "casetrail-backoffice", opk)
    assert not problems and cp.size == 2 and cp.root == mth(leaves)


# ---------------------------------------------------------------------------------------------
# A sound journal, and every tampering named.
# ---------------------------------------------------------------------------------------------


def test_built_journal_is_sound(journal):
    r = v.verify_dir(str(journal["dir"]))
    assert r.sound, r.defects
    assert not r.warnings, r.warnings
    assert (r.events, r.stubs, len(r.chains)) == (5, 0, 2)
    assert r.checkpoint["verified"] and r.checkpoint["size"] == 5
    assert (r.inclusion_proofs, r.consistency_proofs, r.media_receipts) == (5, 1, 1)
    phone = next(c for c in r.chains if c["role"] == "device")
    assert phone["last_seq"] == 4 and phone["head"] == journal["events"][4]["event_hash"]


def test_cli_exit_codes_and_json(journal, tmp_path):
    script = str(HERE / "verify_v1.py")
    ok = subprocess.run([sys.executable, script, "--json", str(journal["dir"])], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["sound"] is True
    text = subprocess.run([sys.executable, script, str(journal["dir"])], capture_output=True, text=True)
    assert text.returncode == 0 and "SOUND" in text.stdout
    events = read_events(journal["dir"])
    events[1]["body"] = flip(events[1]["body"], 3)
    write_events(journal["dir"], events)
    bad = subprocess.run([sys.executable, script, "--json", str(journal["dir"])], capture_output=True, text=True)
    assert bad.returncode == 1
    report = json.loads(bad.stdout)
    assert [(d["device"], d["seq"], d["code"]) for d in report["defects"]] == \
        [(journal["phone"].device, 2, "altered_body")]
    assert subprocess.run([sys.executable, script], capture_output=True).returncode == 2
    assert subprocess.run([sys.executable, script, str(tmp_path / "nowhere")], capture_output=True).returncode == 2
    (journal["dir"] / "keys.json").write_text("{not json")
    assert subprocess.run([sys.executable, script, str(journal["dir"])], capture_output=True).returncode == 2


def _boot_offset(header_b64: str) -> int:
    """A byte inside the value of at.boot: changing it keeps the header canonical."""
    raw = base64.b64decode(header_b64)
    return raw.index(b'"boot":"') + len(b'"boot":"') + 1


def test_flipped_header_byte_is_a_bad_signature(journal):
    dev = journal["phone"].device
    events = read_events(journal["dir"])
    events[3]["header"] = flip(events[3]["header"], _boot_offset(events[3]["header"]))
    write_events(journal["dir"], events)
    # The stored event hash no longer matches, and the signature fails; the next event's link
    # is not judged against an untrusted event.
    assert defects(journal["dir"]) == {(dev, 3, "index_mismatch"), (dev, 3, "bad_signature")}
    # An attacker who also rewrites the stored index leaves only the signature to betray him.
    events[3]["event_hash"] = sha(b"casetrail/event/v1", base64.b64decode(events[3]["header"])).hex()
    write_events(journal["dir"], events)
    assert defects(journal["dir"]) == {(dev, 3, "bad_signature")}


def test_flipped_body_byte_is_an_altered_body(journal):
    dev = journal["phone"].device
    events = read_events(journal["dir"])
    events[4]["body"] = flip(events[4]["body"], 10)
    write_events(journal["dir"], events)
    assert defects(journal["dir"]) == {(dev, 4, "altered_body")}


def test_flipped_signature_byte_is_a_bad_signature(journal):
    office = journal["office"].device
    events = read_events(journal["dir"])
    events[2]["signature"] = flip(events[2]["signature"], 0)
    write_events(journal["dir"], events)
    assert defects(journal["dir"]) == {(office, 1, "bad_signature")}


@pytest.mark.parametrize("change, code", [
    (lambda h: h.replace(b'{"v":1,', b'{"v":1, ', 1), "non_canonical_header"),
    (lambda h: h.replace(b'"seq":2', b'"seq":2.0', 1), "malformed_header"),
    (lambda h: h.replace(b'{"v":1,', b'{"v":1,"x":1,', 1), "malformed_header"),
    (lambda h: h.replace(b'{"v":1,', b'{"v":2,', 1), "unsupported_version"),
    # A missing "case" reads as null, and then the bytes differ from the canonical form.
    (lambda h: h.replace(b',"case":"' + CASE.encode() + b'"', b"", 1), "non_canonical_header"),
    (lambda h: h.replace(CASE.encode(), CASE.upper().encode(), 1), "non_canonical_header"),
    (lambda h: h[:-66] + h[-66:].upper(), "malformed_header"),  # upper-case hex in body_hash
    (lambda h: h.replace(b"03:04:06Z", b"03:04:06.000Z", 1), "non_canonical_header"),
    (lambda h: h.replace(b"2026-11-28", b"2026-02-30", 1), "malformed_header"),
    (lambda h: h.replace(b'Z"', b'+00:00"', 1), "non_canonical_header"),
    (lambda h: h.replace(b'"mono_ns":', b'"mono_ns":-', 1), "malformed_header"),
    (lambda h: h + b"\n", "non_canonical_header"),
    (lambda h: b"\xef\xbb\xbf" + h, "malformed_header"),
    (lambda h: h.replace(b'"kind":"case.opened"', b'"kind":"case.opened","kind":"case.opened"', 1), "malformed_header"),
], ids=['space', 'float_seq', 'unknown_member', 'v2', 'missing_case', 'upper_uuid', 'upper_hash', 'zero_fraction', 'impossible_date', 'offset', 'negative_mono', 'trailing_newline', 'bom', 'duplicate_member'])
def test_canonical_form_check(journal, change, code):
    dev = journal["phone"].device
    events = read_events(journal["dir"])
    raw = base64.b64decode(events[1]["header"])
    new = change(raw)
    assert new != raw
    events[1]["header"] = b64(new)
    write_events(journal["dir"], events)
    found = defects(journal["dir"])
    assert found == {(dev, 2, code)}, found


def test_gap(journal):
    dev = journal["phone"].device
    events = read_events(journal["dir"])
    del events[1]
    write_events(journal["dir"], events)
    r = v.verify_dir(str(journal["dir"]))
    assert r.codes() == {(dev, 2, "gap")}
    # The log still proves the removed event: noted, with the proof verified.
    assert [w.code for w in r.warnings] == ["inclusion_for_absent_event"]


def test_reorder(journal):
    dev = journal["phone"].device
    events = read_events(journal["dir"])
    events[3], events[4] = events[4], events[3]
    write_events(journal["dir"], events)
    assert defects(journal["dir"]) == {(dev, 3, "reorder")}


def test_duplicate(journal):
    dev = journal["phone"].device
    events = read_events(journal["dir"])
    events.append(dict(events[1]))
    write_events(journal["dir"], events)
    assert defects(journal["dir"]) == {(dev, 2, "duplicate_seq")}


def test_broken_link(journal):
    """A validly signed event whose prev is wrong (a device that forked its own chain)."""
    phone = journal["phone"]
    events = read_events(journal["dir"])
    events.append(phone.seal("record.voided", compact({"record_id": RECORD, "case_id": CASE, "reason": "x"}),
                             CASE, prev="ab" * 32))
    write_events(journal["dir"], events)
    assert defects(journal["dir"]) == {(phone.device, 5, "broken_link")}


def test_stub_verifies_and_is_checked(journal):
    dev = journal["phone"].device
    events = read_events(journal["dir"])
    events[3]["body"] = None
    del events[4]["body"]
    write_events(journal["dir"], events)
    r = v.verify_dir(str(journal["dir"]))
    assert r.sound and r.stubs == 2
    events[3]["header"] = flip(events[3]["header"], _boot_offset(events[3]["header"]))
    events[3]["event_hash"] = sha(b"casetrail/event/v1", base64.b64decode(events[3]["header"])).hex()
    write_events(journal["dir"], events)
    assert defects(journal["dir"]) == {(dev, 3, "bad_signature")}


def test_unknown_kind_verifies_and_is_noted(journal):
    phone = journal["phone"]
    events = read_events(journal["dir"])
    events.append(phone.seal("future.kind", b'{"anything":[1,2,3]}'))
    write_events(journal["dir"], events)
    r = v.verify_dir(str(journal["dir"]))
    assert r.sound
    assert [(w.device, w.seq, w.code) for w in r.warnings] == [(phone.device, 5, "unknown_kind")]


def test_backoffice_kind_from_a_phone_is_noted_not_honoured(journal):
    phone = journal["phone"]
    events = read_events(journal["dir"])
    events.append(phone.seal("backoffice.case_assigned", compact(
        {"case_id": CASE, "case_no": "x", "title": "y", "officers": [], "note": ""}), CASE))
    write_events(journal["dir"], events)
    r = v.verify_dir(str(journal["dir"]))
    assert r.sound
    assert [(w.seq, w.code) for w in r.warnings] == [(5, "backoffice_event_from_device")]


def test_header_case_differing_from_body_is_noted(journal):
    phone = journal["phone"]
    events = read_events(journal["dir"])
    other = "01a236f6-0000-7000-8000-000000000000"
    events.append(phone.seal("record.voided", compact({"record_id": RECORD, "case_id": CASE, "reason": "x"}), other))
    write_events(journal["dir"], events)
    r = v.verify_dir(str(journal["dir"]))
    assert r.sound and [w.code for w in r.warnings] == ["case_mismatch"]


def test_keys(journal):
    keys_path = journal["dir"] / "keys.json"
    keys = json.loads(keys_path.read_text())
    office = journal["office"].device
    # A key listed under the wrong id: the listing is a defect, the events verify under the id
    # the key derives.
    wrong = copy.deepcopy(keys)
    wrong["devices"][1]["device_id"] = "00000000-0000-8000-8000-000000000000"
    keys_path.write_text(json.dumps(wrong))
    assert {c for (_, _, c) in defects(journal["dir"])} == {"key_mismatch"}
    # A chain without a trusted key.
    missing = copy.deepcopy(keys)
    del missing["devices"][1]
    keys_path.write_text(json.dumps(missing))
    assert defects(journal["dir"]) == {(office, 1, "unknown_key")}
    # A small-order key is never trusted.
    weak = copy.deepcopy(keys)
    weak["devices"][1]["public_key"] = "01" + "00" * 31
    keys_path.write_text(json.dumps(weak))
    found = defects(journal["dir"])
    assert ("weak_key" in {c for (_, _, c) in found}) and (office, 1, "unknown_key") in found


def test_forged_checkpoint(journal):
    cp_path = journal["dir"] / "checkpoint.txt"
    good = cp_path.read_text()
    lines = good.split("\n")
    codes = lambda: {c for (_, _, c) in defects(journal["dir"])}  # noqa: E731
    # Another size under the same signature.
    cp_path.write_text("\n".join([lines[0], "4"] + lines[2:]))
    assert "bad_checkpoint_signature" in codes()
    # Another root under the same signature.
    cp_path.write_text("\n".join(lines[:2] + [b64(sha(b"forged"))] + lines[3:]))
    assert "bad_checkpoint_signature" in codes()
    # Signed by another key under the right name.
    root = mth(journal["leaves"])
    cp_path.write_text(note(journal["origin"], 5, root, SigningKey(bytes([4]) * 32)))
    assert codes() == {"bad_checkpoint_signature"}
    # The right key, another log.
    cp_path.write_text(note("casetrail.backoffice/other", 5, root, journal["office"].key))
    assert codes() == {"wrong_origin"}
    # Not a signed note at all.
    cp_path.write_text(good.replace("\n\n", "\n", 1))
    assert "malformed_checkpoint" in codes()
    cp_path.write_text(good)
    assert codes() == set()


def test_bad_proofs_and_receipts(journal):
    inc = json.loads((journal["dir"] / "inclusion.json").read_text())
    inc[3]["path"][0] = b64(sha(b"not a node"))
    (journal["dir"] / "inclusion.json").write_text(json.dumps(inc))
    found = defects(journal["dir"])
    assert found == {(journal["phone"].device, 3, "bad_inclusion_proof")}
    inc[3]["path"][0], inc[3]["leaf_index"] = inc[2]["path"][0], 7
    (journal["dir"] / "inclusion.json").write_text(json.dumps(inc))
    assert {c for (_, _, c) in defects(journal["dir"])} == {"bad_inclusion_proof"}
    build(journal["dir"])
    rec = json.loads((journal["dir"] / "media-receipts.json").read_text())
    rec[0]["size"] += 1
    (journal["dir"] / "media-receipts.json").write_text(json.dumps(rec))
    assert defects(journal["dir"]) == {(None, None, "bad_receipt_signature")}
    con = json.loads((journal["dir"] / "consistency.json").read_text())
    con[0]["path"] = con[0]["path"][:-1]
    (journal["dir"] / "consistency.json").write_text(json.dumps(con))
    assert {c for (_, _, c) in defects(journal["dir"])} == {"bad_receipt_signature", "bad_consistency_proof"}


def test_merkle_against_transparency_dev_vectors():
    """The verifier's RFC 9162 proof checks agree with every transparency-dev/merkle vector."""
    if not MERKLE_VECTORS.is_dir():
        pytest.skip(f"{MERKLE_VECTORS} not present")
    dec = lambda s: base64.b64decode(s or "")  # noqa: E731
    positive = negative = 0
    for path in sorted(MERKLE_VECTORS.rglob("*.json")):
        t = json.loads(path.read_text())
        try:
            if "leafHash" in t:
                v.verify_inclusion(t["leafIdx"], t["treeSize"], dec(t["leafHash"]),
                                   [dec(p) for p in t["proof"] or []], dec(t["root"]))
            else:
                v.verify_consistency(t["size1"], t["size2"], [dec(p) for p in t["proof"] or []],
                                     dec(t["root1"]), dec(t["root2"]))
            failed = False
        except v.ProofError:
            failed = True
        assert failed == t["wantErr"], path
        negative += failed
        positive += not failed
    assert positive >= 10 and negative >= 150, (positive, negative)


def test_merkle_trees_of_many_sizes():
    for n in range(1, 40):
        leaves = [sha(b"\x00", bytes([i])) for i in range(n)]
        root = mth(leaves)
        assert v.root_of(leaves) == root
        for i in range(n):
            v.verify_inclusion(i, n, leaves[i], audit_path(leaves, i), root)
            with pytest.raises(v.ProofError):
                v.verify_inclusion(i, n, leaves[i], audit_path(leaves, i), sha(b"other"))
        for m in range(1, n + 1):
            v.verify_consistency(m, n, consistency(leaves, m), mth(leaves[:m]), root)


# ---------------------------------------------------------------------------------------------
# The golden vectors of the Rust side.
# ---------------------------------------------------------------------------------------------


def test_golden_vectors_from_rust():
    if not FIXTURES.is_dir():
        pytest.skip(f"{FIXTURES}/ does not exist yet: the Rust generator writes it")
    report = v.verify_dir(str(FIXTURES))
    assert report.sound, "\n".join(f"{d.where()} {d.code} {d.detail}" for d in report.defects)
    assert report.events > 0

    keys_report = v.Report()
    keys, _ = v.load_keys(json.loads((FIXTURES / "keys.json").read_text()), keys_report)
    entries = v.read_entries((FIXTURES / "events.jsonl").read_text(encoding="utf-8"))

    def found(es):
        r = v.Report()
        v.verify_events(es, keys, r)
        return r.codes()

    assert found(entries) == set()
    missed = []
    for k, e in enumerate(entries):
        header = base64.b64decode(e.header_b64)
        spots = sorted({0, len(header) // 3, len(header) // 2, 2 * len(header) // 3, len(header) - 1,
                        _boot_offset(e.header_b64) if b'"boot":"' in header else 0})
        mutations = [("header", at, _with(e, header_b64=flip(e.header_b64, at))) for at in spots]
        if e.body_b64 is not None:
            body = base64.b64decode(e.body_b64)
            for at in sorted({0, len(body) // 2, len(body) - 1}):
                mutations.append(("body", at, _with(e, body_b64=flip(e.body_b64, at))))
        for part, at, bad in mutations:
            es = list(entries)
            es[k] = bad
            if not any(dv == e.device and s == e.seq for (dv, s, _) in found(es)):
                missed.append(f"{e.device}:{e.seq} {part} byte {at}")
    assert not missed, f"flipped bytes not detected: {missed}"


def _with(entry, **changes):
    new = copy.copy(entry)
    for k, val in changes.items():
        setattr(new, k, val)
    return new


def test_small_order_keys_are_weak():
    small_order = [
        "0100000000000000000000000000000000000000000000000000000000000000",  # identity
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # order 2
        "0000000000000000000000000000000000000000000000000000000000000000",  # order 4
        "0000000000000000000000000000000000000000000000000000000000000080",  # order 4
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",  # order 8
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",  # order 8
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  # order 8
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",  # order 8
    ]
    for k in small_order:
        assert v.key_problem(bytes.fromhex(k)) == "weak_key", k
    assert v.key_problem(bytes.fromhex("ed" + "ff" * 30 + "7f")) == "bad_key"  # y = p: not canonical
    for seed in range(1, 20):
        assert v.key_problem(bytes(SigningKey(bytes([seed]) * 32).verify_key)) is None
