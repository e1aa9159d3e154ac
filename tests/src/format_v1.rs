//! The golden vectors of evidence format v1 (`tests/fixtures/format-v1/`): a phone's journal
//! with every event kind, the back office's chain, a signed checkpoint over both with inclusion
//! and consistency proofs, and media receipts — all from fixed keys, a fixed clock and fixed ids,
//! through the same conversions (`model::v1`) and sealing (`protocol::journal`) the app uses.
//!
//! `build` makes them; the tests in `e2e::format` check that the committed files verify, that
//! their projections equal the committed expectation, that a fresh build is byte for byte the
//! committed one, and that the committed v1 workspace still opens. The layout is the one
//! `tests/format-v1/README.md` documents for the independent Python verifier.
//! `CASETRAIL_WRITE_VECTORS=1 cargo test -p casetrail-e2e format` rewrites them — only ever to
//! add a kind; a changed byte in an existing vector means the format changed.

// Fixture builder: a step that fails is a bug in the builder, and should stop it, named.
#![allow(clippy::expect_used)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use casetrail_core::model::bodies::{Approval, ApprovalForm, ApprovalResult, InquiryRecord};
use casetrail_core::model::{
    BackofficeDecision, CaseDraft, CaseId, CaseStatus, DecisionSubject, DeviceId, EvidenceId,
    EvidenceItem, EvidenceKind, FindingKey, IdDocType, IdDocument, LocationReading, Person,
    PersonRelation, RecordBody, RecordId, RecordedActivity, Refusal, RefusalReason, SignatureMark,
    SignerRole, SlotId, SlotSpec, StoredFile, Witness,
};
use casetrail_core::protocol::checkpoint::Checkpoint;
use casetrail_core::protocol::events::v1::{self, Event};
use casetrail_core::protocol::journal::{self, ChainHead, RecordedAt, StoredEvent};
use casetrail_core::protocol::receipts::sign_media_receipt;
use casetrail_core::protocol::wire::MediaReceipt;
use casetrail_core::protocol::{DeviceKey, Hash, merkle};
use casetrail_core::sample;
use chrono::{DateTime, TimeDelta, Utc};
use ct_merkle::mem_backed_tree::MemoryBackedTree;
use serde_json::json;
use sha2::Sha256;
use uuid::Uuid;

/// The phone's seed (the worked example of docs/format.md uses the same).
pub const PHONE_SEED: [u8; 32] = [7; 32];
/// The back office's seed.
pub const BACKOFFICE_SEED: [u8; 32] = [9; 32];
/// The name the back office signs checkpoints under.
pub const KEY_NAME: &str = "casetrail-backoffice";

/// The vectors, as the files hold them.
pub struct Vectors {
    /// `keys.json`.
    pub keys: String,
    /// `events.jsonl`.
    pub events: String,
    /// `checkpoint.txt`.
    pub checkpoint: String,
    /// `inclusion.json`.
    pub inclusion: String,
    /// `consistency.json`.
    pub consistency: String,
    /// `media-receipts.json`.
    pub receipts: String,
    /// The events themselves, in storage order.
    pub stored: Vec<StoredEvent>,
}

impl Vectors {
    /// The files, by name.
    pub fn files(&self) -> [(&'static str, &str); 6] {
        [
            ("keys.json", &self.keys),
            ("events.jsonl", &self.events),
            ("checkpoint.txt", &self.checkpoint),
            ("inclusion.json", &self.inclusion),
            ("consistency.json", &self.consistency),
            ("media-receipts.json", &self.receipts),
        ]
    }
}

/// A fixed id: a UUIDv7 shape with a counter.
fn id(n: u128) -> Uuid {
    Uuid::from_u128(0x019a_b000_0000_7000_8000_0000_0000_0000 | n)
}

fn t(s: &str) -> DateTime<Utc> {
    s.parse().expect("time")
}

/// One chain being written with a fixed clock.
struct Chain<'a> {
    key: &'a DeviceKey,
    head: ChainHead,
    at: DateTime<Utc>,
    mono_ns: u64,
    boot: &'static str,
    out: Vec<StoredEvent>,
}

impl<'a> Chain<'a> {
    fn new(key: &'a DeviceKey, start: &str, boot: &'static str) -> Self {
        Self {
            key,
            head: ChainHead::GENESIS,
            at: t(start),
            mono_ns: 5_000_000_000,
            boot,
            out: Vec::new(),
        }
    }

    /// Seals `event` one minute after the last.
    fn push(&mut self, event: Event) -> StoredEvent {
        let at = RecordedAt {
            utc: self.at,
            offset_s: 28_800,
            mono_ns: self.mono_ns,
            boot: self.boot.to_owned(),
        };
        self.at += TimeDelta::seconds(61) + TimeDelta::microseconds(250_000);
        self.mono_ns += 61_250_000_000;
        let body = event.to_bytes().expect("body");
        let e = journal::seal(self.key, self.head, at, event.kind(), event.case_id(), body);
        self.head = ChainHead {
            next_seq: e.seq + 1,
            prev: e.event_hash,
        };
        self.out.push(e.clone());
        e
    }
}

fn genesis(key: &DeviceKey, software: &str) -> Event {
    Event::DeviceGenesis(v1::DeviceGenesis {
        public_key: hex::encode(key.verifying_key().as_bytes()),
        alg: journal::ALG_ED25519.to_owned(),
        software: software.to_owned(),
    })
}

fn file(content: &[u8], mime: &str) -> StoredFile {
    StoredFile {
        sha256: Hash::digest(content),
        size: content.len() as u64,
        mime: mime.to_owned(),
    }
}

/// Every file an evidence item of the vectors names, with its bytes (the receipts cover them).
fn files() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    vec![
        (
            "photo",
            b"\xff\xd8\xff\xe0 photo bytes of the vectors".to_vec(),
            "image/jpeg",
        ),
        (
            "photo-derivative",
            b"\xff\xd8\xff\xe0 watermarked copy".to_vec(),
            "image/jpeg",
        ),
        (
            "video",
            b"\0\0\0\x18ftypmp42 video bytes of the vectors".to_vec(),
            "video/mp4",
        ),
        (
            "heic",
            b"\0\0\0\x18ftypheic a heic photo".to_vec(),
            "image/heic",
        ),
        (
            "strokes",
            br#"{"strokes":[],"width":600,"height":200}"#.to_vec(),
            "application/json",
        ),
        (
            "strokes-png",
            b"\x89PNG signature image".to_vec(),
            "image/png",
        ),
        (
            "witness-strokes",
            br#"{"strokes":[],"width":600,"height":201}"#.to_vec(),
            "application/json",
        ),
        (
            "witness-png",
            b"\x89PNG witness signature".to_vec(),
            "image/png",
        ),
    ]
}

fn stored(name: &str) -> StoredFile {
    let (_, bytes, mime) = files()
        .into_iter()
        .find(|(n, _, _)| *n == name)
        .expect("file of the vectors");
    file(&bytes, mime)
}

#[allow(clippy::too_many_arguments)]
fn item(
    n: u128,
    case: CaseId,
    record: Option<RecordId>,
    kind: EvidenceKind,
    original: &str,
    derivative: Option<&str>,
    at: &str,
    device: DeviceId,
) -> EvidenceItem {
    EvidenceItem {
        id: EvidenceId(id(n)),
        case_id: case,
        record_id: record,
        kind,
        category: None,
        activity: RecordedActivity::OnsiteInspection,
        purpose: "现场检查情况".into(),
        original: stored(original),
        derivative: derivative.map(stored),
        captured_at: t(at),
        captured_by: "LN210404-0012".into(),
        location: Some(LocationReading::Fix {
            lat: 41.87654,
            lon: 123.90412,
            accuracy_m: Some(5.0),
            crs: casetrail_core::model::Crs::Wgs84,
            fixed_at: Some(t(at)),
        }),
        address: "抚顺市望花区和平路西段12号".into(),
        device_id: device,
    }
}

fn mark(e: &EvidenceItem) -> SignatureMark {
    SignatureMark {
        strokes_sha256: e.original.sha256,
        image_sha256: e.derivative.as_ref().map(|d| d.sha256).unwrap_or_default(),
        evidence_id: e.id,
    }
}

/// Builds the vectors.
pub fn build() -> Vectors {
    let phone = DeviceKey::from_seed(PHONE_SEED);
    let bureau = DeviceKey::from_seed(BACKOFFICE_SEED);
    let dev = phone.device_id();
    let case = CaseId(id(1));
    let r1 = RecordId(id(2));
    let r2 = RecordId(id(3));
    let r3 = RecordId(id(4));
    let mut draft: CaseDraft = sample::case_draft("望统检〔2026〕7号");
    draft.parties[0].id = casetrail_core::model::PartyId(id(5));

    let mut p = Chain::new(&phone, "2026-11-20T01:30:00.120Z", "3f1c9a52-vectors-phone");
    p.push(genesis(&phone, "casetrail-core 0.1.0"));
    p.push(Event::CaseOpened(v1::CaseOpened {
        case_id: case,
        case: (&draft).into(),
    }));
    let inquiry = RecordBody::InquiryRecord(sample::inquiry_record(t("2026-11-20T01:40:00Z")));
    p.push(Event::RecordAdded(v1::RecordAdded {
        record_id: r1,
        case_id: case,
        kind: inquiry.kind().as_str().to_owned(),
        content: v1::content(inquiry.to_json().expect("json")).expect("raw"),
    }));
    let first_hash = Hash::digest(inquiry.to_json().expect("json").as_bytes());
    let mut corrected: InquiryRecord = sample::inquiry_record(t("2026-11-20T01:40:00Z"));
    corrected.place = "财务室".into();
    let corrected = RecordBody::InquiryRecord(corrected);
    let corrected_json = corrected.to_json().expect("json");
    let content_hash = Hash::digest(corrected_json.as_bytes());
    p.push(Event::RecordAmended(v1::RecordAmended {
        record_id: r1,
        case_id: case,
        version: 2,
        amends_version: 1,
        amends_hash: first_hash,
        content: v1::content(corrected_json).expect("raw"),
        reason: "询问地点有误".into(),
    }));
    let slot_party = SlotId(id(6));
    let slot_officer = SlotId(id(7));
    let slot = |role, name: &str, cert: Option<&str>| SlotSpec {
        role: Some(role),
        signer_name: name.into(),
        cert_no: cert.map(Into::into),
        required: true,
        affirmation: "以上笔录我看过，与我说的相符".into(),
    };
    p.push(Event::RecordFinalized(v1::RecordFinalized {
        record_id: r1,
        case_id: case,
        version: 2,
        content_hash,
        slots: vec![
            v1::NewSlot {
                slot_id: slot_party,
                spec: (&slot(SignerRole::Interviewee, "孙丽", None)).into(),
            },
            v1::NewSlot {
                slot_id: slot_officer,
                spec: (&slot(SignerRole::Officer, "李明", Some("LN210404-0012"))).into(),
            },
        ],
    }));
    let photo = item(
        10,
        case,
        Some(r1),
        EvidenceKind::Photo,
        "photo",
        Some("photo-derivative"),
        "2026-11-20T01:45:10.500Z",
        dev,
    );
    p.push(Event::EvidenceCaptured(v1::EvidenceCaptured {
        item: (&photo).into(),
        exif: Some(v1::Exif {
            orientation: Some(6),
            taken_at: Some("2026:11:20 09:45:10".into()),
            offset: Some("+08:00".into()),
            gps: Some((41.87654, 123.90412)),
            camera: Some("Xiaomi MI 3".into()),
        }),
        claimed_kind: None,
        original_name: "IMG_0001.jpg".into(),
        watermark: v1::WatermarkOutcome::Made {
            width: 3120,
            height: 4208,
            orientation: 6,
            lines: vec![
                "望花区统计局　案号 望统检〔2026〕7号　现场检查".into(),
                "2026-11-20 09:45:10 北京时间　N41.87654 E123.90412 ±5m".into(),
            ],
        },
    }));
    let video = item(
        11,
        case,
        Some(r1),
        EvidenceKind::Video,
        "video",
        None,
        "2026-11-20T01:50:00Z",
        dev,
    );
    p.push(Event::EvidenceCaptured(v1::EvidenceCaptured {
        item: (&video).into(),
        exif: None,
        claimed_kind: None,
        original_name: "VID_0001.mp4".into(),
        watermark: v1::WatermarkOutcome::NotApplicable,
    }));
    let heic = item(
        12,
        case,
        None,
        EvidenceKind::Photo,
        "heic",
        None,
        "2026-11-20T01:51:00Z",
        dev,
    );
    p.push(Event::EvidenceCaptured(v1::EvidenceCaptured {
        item: (&heic).into(),
        exif: None,
        claimed_kind: Some("photo".into()),
        original_name: "IMG_0002.heic".into(),
        watermark: v1::WatermarkOutcome::Failed {
            error: v1::WatermarkFailure {
                code: "unsupported".into(),
                detail: None,
                width: None,
                height: None,
            },
        },
    }));
    let signature = item(
        13,
        case,
        Some(r1),
        EvidenceKind::Signature,
        "strokes",
        Some("strokes-png"),
        "2026-11-20T01:55:00Z",
        dev,
    );
    p.push(Event::SlotSigned(v1::SlotSigned {
        record_id: r1,
        case_id: case,
        slot_id: slot_officer,
        version: 2,
        content_hash,
        affirmation: "以上笔录我看过，与我说的相符".into(),
        signature: (&signature).into(),
    }));
    let witness_sig = item(
        14,
        case,
        Some(r1),
        EvidenceKind::Signature,
        "witness-strokes",
        Some("witness-png"),
        "2026-11-20T01:56:00Z",
        dev,
    );
    let refusal = Refusal {
        reason: RefusalReason::DisputesContent,
        reason_text: "对笔录内容有异议".into(),
        noted_by: "LN210404-0012".into(),
        annotation: "当事人拒绝签字，已当场录像".into(),
        witness: Some(Witness {
            person: Person {
                name: "刘建华".into(),
                id_doc: Some(IdDocument {
                    doc_type: IdDocType::ResidentIdCard,
                    number: "210404198001011234".into(),
                }),
                employer: "和平路社区居委会".into(),
                position: "主任".into(),
                phone: "13800000000".into(),
                relation: PersonRelation::Witness,
            },
            role_text: "社区工作人员".into(),
            signature: Some(mark(&witness_sig)),
        }),
        av_evidence: vec![video.id],
        content_hash,
    };
    p.push(Event::SlotRefused(v1::SlotRefused {
        record_id: r1,
        case_id: case,
        slot_id: slot_party,
        version: 2,
        refusal: (&refusal).into(),
        witness_signature: Some((&witness_sig).into()),
    }));
    let approval = RecordBody::LeaderApproval(ApprovalForm {
        subject: "对当事人拒签作出处理".into(),
        proposal: "拟按规定记录后结案".into(),
        approval: Some(Approval {
            approver: "张局长".into(),
            approver_title: "局长".into(),
            opinion: "同意".into(),
            result: Some(ApprovalResult::Approved),
            decided_at: Some(t("2026-11-20T02:10:00Z")),
        }),
    });
    let approval_json = approval.to_json().expect("json");
    p.push(Event::RecordAdded(v1::RecordAdded {
        record_id: r2,
        case_id: case,
        kind: approval.kind().as_str().to_owned(),
        content: v1::content(approval_json.clone()).expect("raw"),
    }));
    p.push(Event::RecordFinalized(v1::RecordFinalized {
        record_id: r2,
        case_id: case,
        version: 1,
        content_hash: Hash::digest(approval_json.as_bytes()),
        slots: Vec::new(),
    }));
    let spare = RecordBody::InquiryRecord(InquiryRecord::default());
    p.push(Event::RecordAdded(v1::RecordAdded {
        record_id: r3,
        case_id: case,
        kind: spare.kind().as_str().to_owned(),
        content: v1::content(spare.to_json().expect("json")).expect("raw"),
    }));
    p.push(Event::RecordVoided(v1::RecordVoided {
        record_id: r3,
        case_id: case,
        reason: "重复制作".into(),
    }));
    p.push(Event::CaseStatusChanged(v1::CaseStatusChanged {
        case_id: case,
        from: CaseStatus::PreCheck.as_str().into(),
        to: CaseStatus::Filed.as_str().into(),
        reason: "发现违法线索，立案".into(),
    }));
    p.push(Event::OverrideApproved(v1::OverrideApproved {
        case_id: case,
        findings: vec![
            (&FindingKey {
                code: "signature_pending".into(),
                subject: slot_party.to_string(),
            })
                .into(),
        ],
        reason: "当事人拒签，已按规定记录".into(),
        approval_record: r2,
    }));
    p.push(Event::ClockSkewObserved(v1::ClockSkewObserved {
        server_time: t("2026-11-20T02:30:00.250Z"),
        skew_ms: -1200,
    }));

    let mut b = Chain::new(&bureau, "2026-11-20T02:31:00Z", "b0a71d8e-vectors-bureau");
    b.push(genesis(&bureau, "casetrail-server 0.1.0"));
    b.push(Event::CaseAssigned(v1::CaseAssigned {
        case_id: case,
        case_no: draft.case_no.clone(),
        title: draft.title.clone(),
        officers: vec!["LN210404-0012".into(), "LN210404-0027".into()],
        note: "请于本周内完成调查".into(),
    }));
    b.push(Event::BackofficeDecided(v1::BackofficeDecided {
        case_id: case,
        decision: (&BackofficeDecision {
            subject: DecisionSubject::CaseInitiation,
            result: ApprovalResult::Approved,
            decided_by: "张局长".into(),
            opinion: "同意立案".into(),
            decided_at: t("2026-11-20T02:35:00Z"),
        })
            .into(),
    }));
    b.push(Event::DeviceRevoked(v1::DeviceRevoked {
        device_id: dev,
        effective_at: t("2026-12-31T16:00:00Z"),
        reason: "手机遗失".into(),
    }));

    // Storage order as a back office holds them: the phone's journal, then its own chain.
    let mut events = p.out;
    events.extend(b.out);
    for (i, e) in events.iter_mut().enumerate() {
        e.pos = i as i64 + 1;
    }

    let keys = json!({
        "devices": [
            {"device_id": dev, "public_key": hex::encode(phone.verifying_key().as_bytes()), "role": "device"},
            {"device_id": bureau.device_id(), "public_key": hex::encode(bureau.verifying_key().as_bytes()), "role": "backoffice"},
        ],
        "log": {
            "origin": format!("casetrail.backoffice/{}", bureau.device_id()),
            "key_name": KEY_NAME,
            "public_key": hex::encode(bureau.verifying_key().as_bytes()),
        },
    });
    let origin = format!("casetrail.backoffice/{}", bureau.device_id());

    let mut lines = String::new();
    for e in &events {
        let header = journal::EventHeader::parse_canonical(&e.header).expect("header");
        let line = json!({
            "device": e.device_id,
            "seq": e.seq,
            "kind": header.kind,
            "header": B64.encode(&e.header),
            "body": B64.encode(&e.body),
            "body_sha256": Hash::digest(&e.body),
            "event_hash": e.event_hash,
            "sig_alg": e.sig_alg,
            "signature": B64.encode(&e.signature),
        });
        lines.push_str(&serde_json::to_string(&line).expect("line"));
        lines.push('\n');
    }

    // The log: one leaf per event hash, in storage order.
    let mut tree = MemoryBackedTree::<Sha256, [u8; 32]>::new();
    for e in &events {
        tree.push(*e.event_hash.as_bytes());
    }
    let size = tree.len();
    let root = Hash::from_slice(tree.root().as_bytes()).expect("root");
    let leaves: Vec<Hash> = events
        .iter()
        .map(|e| merkle::leaf_hash(e.event_hash.as_bytes()))
        .collect();
    assert_eq!(
        merkle::root_of(&leaves),
        root,
        "two Merkle implementations agree"
    );
    let checkpoint = Checkpoint {
        origin: origin.clone(),
        size,
        root,
    }
    .sign(KEY_NAME, &bureau);
    let split = |bytes: &[u8]| bytes.chunks(32).map(|h| B64.encode(h)).collect::<Vec<_>>();
    let inclusion: Vec<_> = events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            json!({
                "event_hash": e.event_hash,
                "leaf_index": i,
                "tree_size": size,
                "path": split(tree.prove_inclusion(i).as_bytes()),
            })
        })
        .collect();
    // An older checkpoint (after the phone's journal alone) and the proof from it to the last.
    let old_size = (events.len() - 4) as u64;
    let old_root = merkle::root_of(&leaves[..old_size as usize]);
    let old = Checkpoint {
        origin: origin.clone(),
        size: old_size,
        root: old_root,
    }
    .sign(KEY_NAME, &bureau);
    let consistency = json!([{
        "old_checkpoint": old,
        "path": split(tree.prove_consistency((size - old_size) as usize).as_bytes()),
    }]);
    let receipts: Vec<MediaReceipt> = files()
        .iter()
        .enumerate()
        .map(|(i, (_, bytes, _))| {
            let at = format!("2026-11-20T02:{:02}:00.000000Z", 40 + i);
            sign_media_receipt(&bureau, Hash::digest(bytes), bytes.len() as u64, &at)
        })
        .collect();
    let pretty = |v: &serde_json::Value| serde_json::to_string_pretty(v).expect("json") + "\n";
    Vectors {
        keys: pretty(&keys),
        events: lines,
        checkpoint,
        inclusion: pretty(&json!(inclusion)),
        consistency: pretty(&consistency),
        receipts: pretty(&json!(receipts)),
        stored: events,
    }
}

/// Writes a small v1 workspace into `dir` through the real workspace (a case, an inquiry signed
/// by an officer and refused by the interviewee with a witness and a video, a photo), with its
/// file vault beside it: the committed one is what older builds left on phones, and every
/// later build must open it. Never called over an existing one.
pub fn write_workspace(dir: &std::path::Path) {
    use std::sync::Arc;

    use casetrail_core::model::RecordStatus;
    use casetrail_core::store::clock::FixedClock;
    use casetrail_core::store::vault::FileVault;
    use casetrail_core::{CaptureRequest, RefusalRequest, SignRequest, WitnessInput, Workspace};

    assert!(
        !dir.exists(),
        "the v1 workspace is history: never rewritten"
    );
    let clock = Arc::new(FixedClock::new(t("2026-11-20T01:30:00Z")));
    let vault = Arc::new(FileVault::open(dir.join("keys")).expect("vault"));
    let ws = Workspace::open(dir, vault, clock.clone()).expect("workspace");
    let case = ws
        .create_case(sample::case_draft("望统检〔2026〕7号"))
        .expect("case");
    clock.advance(TimeDelta::minutes(10));
    let record = ws
        .add_record(
            case.id,
            RecordBody::InquiryRecord(sample::inquiry_record(t("2026-11-20T01:40:00Z"))),
        )
        .expect("record");
    clock.advance(TimeDelta::minutes(30));
    let capture = |kind| CaptureRequest {
        case_id: case.id,
        record_id: Some(record.id),
        kind: Some(kind),
        activity: RecordedActivity::Inquiry,
        purpose: String::new(),
        category: None,
        captured_at: None,
        captured_by: "LN210404-0012".into(),
        location: None,
        address: String::new(),
        original_name: String::new(),
    };
    let mut jpeg = Vec::new();
    image::RgbImage::from_fn(96, 64, |x, y| image::Rgb([x as u8 * 2, y as u8 * 3, 90]))
        .write_to(
            &mut std::io::Cursor::new(&mut jpeg),
            image::ImageFormat::Jpeg,
        )
        .expect("jpeg");
    ws.capture_bytes(&jpeg, capture(EvidenceKind::Photo))
        .expect("photo");
    let video = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom a short video".to_vec();
    let video = ws
        .capture_bytes(&video, capture(EvidenceKind::Video))
        .expect("video")
        .item;
    let record = ws.finalize_record(record.id).expect("finalize");
    assert_eq!(record.status, RecordStatus::Finalized);
    for slot in &record.slots {
        if slot.spec.role.is_some_and(|r| r.is_officer()) {
            ws.sign_slot(SignRequest {
                record_id: record.id,
                slot_id: slot.id,
                content_hash: record.content_hash,
                strokes: sample::handwriting(3),
                affirmation: String::new(),
            })
            .expect("sign");
        } else if slot.spec.role == Some(SignerRole::Interviewee) {
            ws.refuse_slot(RefusalRequest {
                record_id: record.id,
                slot_id: slot.id,
                content_hash: record.content_hash,
                reason: RefusalReason::DisputesContent,
                reason_text: String::new(),
                noted_by: "LN210404-0012".into(),
                annotation: "被询问人拒绝签字".into(),
                witness: Some(WitnessInput {
                    person: Person {
                        name: "刘建华".into(),
                        relation: PersonRelation::Witness,
                        ..Person::default()
                    },
                    role_text: "物业经理".into(),
                    strokes: Some(sample::handwriting(4)),
                }),
                av_evidence: vec![video.id],
            })
            .expect("refuse");
        }
    }
}
