"""The refusal-to-sign flow through the generated Python bindings, end to end: a case, an inquiry
record, the officers sign, the interviewee refuses (reason, witness, photo and video), the
regulation's findings and deadlines follow, and a sync to a real back office on loopback carries
all of it, verified."""

import asyncio
import hashlib
import threading

import casetrail as ct
from conftest import OFFICER


def strokes(seed):
    """A short handwritten mark on a 480x200 pad, different for each seed."""
    points = [ct.PadPoint(x=40.0 + 12 * i, y=80.0 + (seed * 7 + i * 5) % 60, t_ms=16 * i,
                          pressure=0.5) for i in range(24)]
    return ct.PadStrokes(width=480, height=200, strokes=[points])


def capture_input(case_id, record_id, kind, name):
    return ct.CaptureInput(
        case_id=case_id, record_id=record_id, kind=kind, activity="refusal_to_sign",
        purpose="当事人拒绝签字的现场", captured_by=OFFICER,
        location=ct.Location.FIX(lat=41.8869, lon=123.8712, accuracy_m=6.0, gcj02=False),
        address="辽宁省抚顺市望花区和平路东段18号", original_name=name)


def new_case(ws, case_no="望统检〔2026〕41号"):
    return ws.create_case(ws.sample_case_draft(case_no))


def finalized_inquiry(ws, case):
    fields = ws.sample_record_fields(case.id, "inquiry_record")
    record = ws.add_record_fields(case.id, "inquiry_record", fields)
    assert record.status == "draft"
    return ws.finalize_record(record.id)


class Recorder(ct.SyncListener):
    def __init__(self):
        self.seen = []
        self.lock = threading.Lock()

    def on_progress(self, progress):
        with self.lock:
            self.seen.append(progress)


def test_refusal_to_sign_then_sync(workspace, backoffice, photo_path):
    ws = workspace
    case = new_case(ws)
    assert [c.case_no for c in ws.list_cases()] == ["望统检〔2026〕41号"]
    assert case.stage_label == "调查取证"

    inquiry = finalized_inquiry(ws, case)
    assert inquiry.status == "finalized"
    roles = sorted(s.role for s in inquiry.slots)
    assert roles == ["interviewee", "officer", "officer"]
    interviewee = next(s for s in inquiry.slots if s.role == "interviewee")
    pending = [f for f in ws.findings(case.id) if f.code == "signature_pending"]
    assert len(pending) == 3 and all(f.blocking for f in pending)
    assert any(interviewee.signer_name in f.message for f in pending)

    for i, slot in enumerate(s for s in inquiry.slots if s.role == "officer"):
        signed = ws.sign_slot(inquiry.id, slot.id, inquiry.content_hash, strokes(i), "")
        assert next(s for s in signed.slots if s.id == slot.id).state == "signed"

    # The photo, from a file: the original is kept byte for byte, a watermarked copy is made.
    photo = ws.capture_file(capture_input(case.id, inquiry.id, "photo", photo_path.name),
                            str(photo_path))
    original = photo_path.read_bytes()
    assert photo.kind == "photo"
    assert photo.sha256 == hashlib.sha256(original).hexdigest()
    assert open(photo.original_path, "rb").read() == original
    assert photo.derivative_path and photo.derivative_sha256 != photo.sha256

    # The video, from the camera's buffer. Each AV item starts its own 24-hour upload clock.
    clip = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(4096)
    video = ws.capture_bytes(capture_input(case.id, inquiry.id, "video", "refusal.mp4"), clip)
    assert video.kind == "video" and video.size == len(clip)
    av = [d for d in ws.deadlines(case.id) if d.kind == "av_upload_24h"]
    assert len(av) == 2 and all(d.state == "ok" and d.met_at is None for d in av)

    # A refusal without a witness or audio/video is refused, and nothing is written.
    events = ws.verify_journal().events
    bare = ct.RefusalInput(
        record_id=inquiry.id, slot_id=interviewee.id, content_hash=inquiry.content_hash,
        reason="disputes_content", reason_text="被询问人认为笔录记载的数字有误",
        noted_by=OFFICER, annotation="被询问人拒绝签字，执法人员注明原因并现场录像",
        witness=None, av_evidence=[])
    try:
        ws.refuse_slot(bare)
        raise AssertionError("a refusal without witness or AV must be refused")
    except ct.CaseTrailError.Invalid as e:
        assert e.user_message
    assert ws.verify_journal().events == events

    witness = ct.WitnessInput(name="刘建华", relation="witness", role_text="园区物业经理",
                              strokes=strokes(9))
    bare.witness = witness
    bare.av_evidence = [photo.id, video.id]
    refused = ws.refuse_slot(bare)
    assert next(s for s in refused.slots if s.id == interviewee.id).state == "refused"
    still = [f for f in ws.findings(case.id) if f.code == "signature_pending"]
    assert still == [], [f.message for f in still]

    verify = ws.verify_journal()
    assert verify.sound and verify.defects == [] and verify.events > events

    # Sync: enrol with a one-time code, then everything reaches the back office, verified.
    status = ws.sync_status(False)
    assert not status.enrolled and status.events_pending == verify.events
    assert status.media_pending >= 2
    asyncio.run(ws.enrol(backoffice.url, backoffice.enrol_code(), None))
    assert ws.enrolment().officer == OFFICER
    recorder = Recorder()
    report = asyncio.run(ws.sync(False, recorder, None))
    assert report.status.complete, report
    # Acknowledged: everything captured, plus the clock-skew reading this sync made; the
    # journal also holds what was pulled from the back office's own chain.
    assert report.events_acked == verify.events + 1
    assert ws.verify_journal().events == report.events_acked + report.pulled
    assert report.media_acked == status.media_pending
    assert report.status.events_pending == 0 and report.status.media_pending == 0
    assert report.status.checkpoint_size >= verify.events
    assert any(isinstance(p, ct.SyncProgress.MEDIA) and p.files_done == p.files_total
               for p in recorder.seen)
    av = [d for d in ws.deadlines(case.id) if d.kind == "av_upload_24h"]
    assert len(av) == 2 and all(d.state == "met" and d.met_at is not None for d in av)


def test_english_labels_and_messages(workspace):
    workspace.set_language("en")
    reasons = {c.code: c.label for c in workspace.choices("refusal_reason")}
    assert reasons["disputes_content"] == "Disputes the content of the record"
    assert workspace.field_label("qa[2].answer") == "questions and answers[2] › answer"
    case = new_case(workspace)
    assert case.stage_label == "Investigation"
    try:
        workspace.case_detail("no-such-case")
        raise AssertionError("a bad id must be refused")
    except ct.CaseTrailError.Invalid as e:
        assert e.field == "case_id" and e.user_message.isascii()
