//! The site visit through the public core API, offline, on a real workspace with real photos:
//! signatures bound to what the signer saw, the refusal to sign, every method of service, and
//! obstruction — with the journal events, the rendered signatures and the completeness report
//! checked before and after, and every bad input refused with nothing written.

use std::path::Path;
use std::sync::Arc;

use chrono::{TimeDelta, Utc};

use casetrail_core::Workspace;
use casetrail_core::media::{Stroke, StrokePoint, Strokes};
use casetrail_core::model::bodies::*;
use casetrail_core::model::{
    CaseId, Crs, EvidenceId, EvidenceKind, LocationReading, PartyId, Person, PersonRelation,
    Record, RecordBody, RecordId, RecordedActivity, RefusalReason, SignerRole, SlotOutcome,
};
use casetrail_core::protocol::events::v1::Event;
use casetrail_core::rules::DeadlineKind;
use casetrail_core::sample;
use casetrail_core::store::Error as StoreError;
use casetrail_core::store::clock::SystemClock;
use casetrail_core::store::vault::FileVault;
use casetrail_core::{CaptureRequest, RefusalRequest, ServeRequest, SignRequest, WitnessInput};

fn workspace(dir: &Path) -> Workspace {
    let vault = Arc::new(FileVault::open(dir.join("keys")).unwrap());
    Workspace::open(dir.join("ws"), vault, Arc::new(SystemClock::new())).unwrap()
}

fn photo(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/photos")
        .join(name)
}

const LI: &str = "LN210404-0012";
const WANG: &str = "LN210404-0027";

fn certs() -> Vec<String> {
    vec![LI.into(), WANG.into()]
}

fn capture(
    ws: &Workspace,
    case: CaseId,
    record: Option<RecordId>,
    file: &Path,
    kind: EvidenceKind,
    activity: RecordedActivity,
) -> EvidenceId {
    let req = CaptureRequest {
        case_id: case,
        record_id: record,
        kind: Some(kind),
        activity,
        purpose: String::new(),
        category: None,
        captured_at: None,
        captured_by: LI.into(),
        location: Some(LocationReading::Fix {
            lat: 41.87654,
            lon: 123.90412,
            accuracy_m: Some(5.0),
            crs: Crs::Wgs84,
            fixed_at: None,
        }),
        address: "辽宁省抚顺市望花区和平路东段18号".into(),
        original_name: String::new(),
    };
    ws.capture_file(file, req).unwrap().item.id
}

fn visit(ws: &Workspace, no: &str) -> (CaseId, PartyId) {
    let case = ws.create_case(sample::case_draft(no)).unwrap();
    (case.id, case.info.parties[0].id)
}

fn codes(ws: &Workspace, case: CaseId) -> Vec<(String, String)> {
    ws.check_case(case, Utc::now())
        .unwrap()
        .iter()
        .map(|f| (f.code.as_str().to_owned(), f.key().subject))
        .collect()
}

fn journal_kinds(ws: &Workspace) -> Vec<String> {
    ws.store()
        .read(|v| v.journal())
        .unwrap()
        .iter()
        .map(|e| e.parsed_header().unwrap().kind)
        .collect()
}

fn party_slot(r: &Record) -> casetrail_core::model::SlotId {
    r.slots
        .iter()
        .find(|s| s.spec.role == Some(SignerRole::Party))
        .unwrap()
        .id
}

#[test]
fn the_party_refuses_to_sign_the_onsite_record_then_changes_its_mind() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let (case, party) = visit(&ws, "F-1");
    let onsite = ws
        .add_record(
            case,
            RecordBody::OnsiteInspectionRecord(sample::onsite_record(Utc::now(), party)),
        )
        .unwrap();
    // Two real photos of the premises, watermarked, linked to the record (Art. 12).
    let p1 = capture(
        &ws,
        case,
        Some(onsite.id),
        &photo("iphone6plus-2448x2448-o6-gps.jpg"),
        EvidenceKind::Photo,
        RecordedActivity::OnsiteInspection,
    );
    let _p2 = capture(
        &ws,
        case,
        Some(onsite.id),
        &photo("canon-t6-2000x1072.jpg"),
        EvidenceKind::Photo,
        RecordedActivity::OnsiteInspection,
    );
    let onsite = ws.finalize_record(onsite.id).unwrap();
    let slot = party_slot(&onsite);
    let before = codes(&ws, case);
    assert!(
        before.contains(&("signature_pending".into(), slot.to_string())),
        "{before:?}"
    );
    assert!(
        !before.iter().any(|(c, _)| c == "av_required_or_reason"),
        "photos satisfy Art. 12"
    );

    // A refusal without audio/video is refused, and nothing is written.
    let events = ws.verify_journal().unwrap().events;
    let mut req = RefusalRequest {
        record_id: onsite.id,
        slot_id: slot,
        content_hash: onsite.content_hash,
        reason: RefusalReason::DisputesContent,
        reason_text: "法定代表人认为核实数有误".into(),
        noted_by: LI.into(),
        annotation: "当事人拒绝签字，执法人员注明原因并现场录像".into(),
        witness: Some(WitnessInput {
            person: Person {
                name: "刘建华".into(),
                relation: PersonRelation::Witness,
                ..Default::default()
            },
            role_text: "园区物业经理".into(),
            strokes: Some(sample::handwriting(7)),
        }),
        av_evidence: vec![],
    };
    let err = ws.refuse_slot(req.clone()).unwrap_err();
    assert_eq!(err.code(), "validation");
    assert_eq!(ws.verify_journal().unwrap().events, events);
    // An officer's slot cannot be "refused"; a stale content hash is refused.
    let officer_slot = onsite
        .slots
        .iter()
        .find(|s| s.spec.role == Some(SignerRole::Officer))
        .unwrap()
        .id;
    let video = capture(
        &ws,
        case,
        Some(onsite.id),
        &photo("orient-landscape-6.jpg"),
        EvidenceKind::Photo,
        RecordedActivity::RefusalToSign,
    );
    req.av_evidence = vec![video];
    let mut officer = req.clone();
    officer.slot_id = officer_slot;
    assert_eq!(ws.refuse_slot(officer).unwrap_err().code(), "validation");
    // The party's own representative cannot witness its refusal.
    let mut partisan = req.clone();
    if let Some(w) = partisan.witness.as_mut() {
        w.person.relation = PersonRelation::LegalRep;
    }
    assert!(matches!(
        ws.refuse_slot(partisan).unwrap_err(),
        casetrail_core::Error::Store(StoreError::Validation(ref v)) if v.field == "witness.person.relation"
    ));
    let events = ws.verify_journal().unwrap().events;
    let mut stale = req.clone();
    stale.content_hash = casetrail_core::protocol::Hash::digest(b"another version");
    assert_eq!(ws.refuse_slot(stale).unwrap_err().code(), "validation");
    assert_eq!(ws.verify_journal().unwrap().events, events);

    // The refusal, in one call.
    let refused = ws.refuse_slot(req.clone()).unwrap();
    let s = refused.slots.iter().find(|s| s.id == slot).unwrap();
    let Some(SlotOutcome::Refused(r)) = s.outcome() else {
        panic!("{:?}", s.history)
    };
    assert_eq!(r.av_evidence, vec![video]);
    assert_eq!(r.content_hash, onsite.content_hash);
    let witness_sig = r.witness.as_ref().unwrap().signature.as_ref().unwrap();
    let sig_row = ws.evidence_item(witness_sig.evidence_id).unwrap();
    let (orig, deriv, _) = ws.evidence_paths(&sig_row.item);
    let strokes: Strokes = serde_json::from_slice(&std::fs::read(orig).unwrap()).unwrap();
    assert_eq!(
        strokes,
        sample::handwriting(7),
        "the witness's strokes are kept as captured"
    );
    let png = image::load_from_memory(&std::fs::read(deriv.unwrap()).unwrap()).unwrap();
    assert_eq!((png.width(), png.height()), (480, 200));
    assert_eq!(
        journal_kinds(&ws).last().map(String::as_str),
        Some("slot.refused")
    );
    let after = codes(&ws, case);
    assert!(
        !after.contains(&("signature_pending".into(), slot.to_string())),
        "{after:?}"
    );
    assert!(!after.iter().any(|(c, _)| c == "refusal_incomplete"));
    assert!(ws.refuse_slot(req).is_err(), "refused once is enough");

    // The party changes its mind: the slot is signed; the refusal stays in its history.
    let signed = ws
        .sign_slot(SignRequest {
            record_id: onsite.id,
            slot_id: slot,
            content_hash: onsite.content_hash,
            strokes: sample::handwriting(3),
            affirmation: String::new(),
        })
        .unwrap();
    let s = signed.slots.iter().find(|s| s.id == slot).unwrap();
    assert_eq!(
        s.history
            .iter()
            .map(|e| e.outcome.code())
            .collect::<Vec<_>>(),
        ["refused", "signed"]
    );
    let Some(SlotOutcome::Signed { affirmation, .. }) = s.outcome() else {
        panic!()
    };
    assert_eq!(affirmation, "以上记录属实", "the slot's own affirmation");
    assert!(ws.verify_journal().unwrap().is_sound());
    let _ = p1;
}

#[test]
fn signatures_bind_to_the_version_the_signer_saw() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let (case, _) = visit(&ws, "F-2");
    let inquiry = ws
        .add_record(
            case,
            RecordBody::InquiryRecord(sample::inquiry_record(Utc::now())),
        )
        .unwrap();
    let inquiry = ws.finalize_record(inquiry.id).unwrap();
    let slot = inquiry.slots[0].id;
    let signed = ws
        .sign_slot(SignRequest {
            record_id: inquiry.id,
            slot_id: slot,
            content_hash: inquiry.content_hash,
            strokes: sample::handwriting(1),
            affirmation: "以上笔录我看过，与我说的相符".into(),
        })
        .unwrap();
    let Some(SlotOutcome::Signed {
        mark, content_hash, ..
    }) = signed.slots[0].outcome()
    else {
        panic!()
    };
    assert_eq!(*content_hash, inquiry.content_hash);
    let row = ws.evidence_item(mark.evidence_id).unwrap();
    assert_eq!(row.item.kind, EvidenceKind::Signature);
    assert_eq!(
        row.item.derivative.as_ref().unwrap().sha256,
        mark.image_sha256
    );
    let (_, png, _) = ws.evidence_paths(&row.item);
    let img = image::load_from_memory(&std::fs::read(png.unwrap()).unwrap())
        .unwrap()
        .into_rgba8();
    assert!(
        img.pixels().filter(|p| p[3] > 0).count() > 300,
        "ink on the rendered signature"
    );
    assert!(
        ws.sign_slot(SignRequest {
            record_id: inquiry.id,
            slot_id: slot,
            content_hash: inquiry.content_hash,
            strokes: sample::handwriting(1),
            affirmation: String::new()
        })
        .is_err(),
        "signed once"
    );
    let events = ws.verify_journal().unwrap().events;
    // A correction makes a new version; a signature for the old one is refused, nothing written.
    let mut corrected = sample::inquiry_record(Utc::now());
    corrected.place = "二楼会议室".into();
    let v2 = ws
        .amend_record(inquiry.id, RecordBody::InquiryRecord(corrected), "地点有误")
        .unwrap();
    let v2 = ws.finalize_record(v2.id).unwrap();
    let events_after_amend = ws.verify_journal().unwrap().events;
    assert_eq!(events_after_amend, events + 2);
    let stale = ws.sign_slot(SignRequest {
        record_id: inquiry.id,
        slot_id: v2.slots[0].id,
        content_hash: inquiry.content_hash,
        strokes: sample::handwriting(2),
        affirmation: String::new(),
    });
    assert_eq!(
        stale.unwrap_err().code(),
        "validation",
        "bound to an older version"
    );
    let old_slot = ws.sign_slot(SignRequest {
        record_id: inquiry.id,
        slot_id: slot,
        content_hash: v2.content_hash,
        strokes: sample::handwriting(2),
        affirmation: String::new(),
    });
    assert!(
        old_slot.is_err(),
        "a slot of the old version is not a slot of this one"
    );
    // Bad strokes.
    let mut empty = sample::handwriting(1);
    empty.strokes.clear();
    let mut nan = sample::handwriting(1);
    nan.strokes[0].points[0].x = f32::NAN;
    let huge = Strokes {
        width: 480,
        height: 200,
        strokes: vec![Stroke {
            points: vec![
                StrokePoint {
                    x: 1.0,
                    y: 1.0,
                    t_ms: 0,
                    pressure: 0.5
                };
                60_000
            ],
        }],
    };
    let mut giant_canvas = sample::handwriting(1);
    giant_canvas.width = 1_000_000;
    for bad in [empty, nan, huge, giant_canvas] {
        let err = ws
            .sign_slot(SignRequest {
                record_id: inquiry.id,
                slot_id: v2.slots[0].id,
                content_hash: v2.content_hash,
                strokes: bad,
                affirmation: String::new(),
            })
            .unwrap_err();
        assert_eq!(err.code(), "validation");
    }
    assert_eq!(
        ws.verify_journal().unwrap().events,
        events_after_amend,
        "nothing written"
    );
    // Malformed stroke JSON from a host is refused when parsed.
    assert!(
        serde_json::from_str::<Strokes>(
            r#"{"width":480,"height":200,"strokes":[{"points":[{"x":"a"}]}]}"#
        )
        .is_err()
    );
}

fn order(ws: &Workspace, case: CaseId, party: PartyId, no: &str) -> Record {
    let body = RectificationOrder {
        doc_no: no.into(),
        party_id: Some(party),
        violation: "提供不真实统计资料".into(),
        basis: sample::case_draft("x").legal_basis,
        requirement: "重新核报2025年B204-1表".into(),
        due_on: Some((Utc::now() + TimeDelta::days(15)).date_naive()),
    };
    let r = ws
        .add_record(case, RecordBody::RectificationOrder(body))
        .unwrap();
    ws.finalize_record(r.id).unwrap()
}

#[test]
fn every_method_of_service() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let (case, party) = visit(&ws, "F-3");
    let now = Utc::now();
    let receiver = || {
        Some(Person {
            name: "孙丽".into(),
            relation: PersonRelation::ReceivingClerk,
            ..Default::default()
        })
    };

    // Direct: receipt signed by serving officers and the recipient.
    let doc = order(&ws, case, party, "望统责改〔2026〕1号");
    assert!(codes(&ws, case).contains(&("document_not_served".into(), doc.id.to_string())));
    let mut req = ServeRequest::new(doc.id, ServiceMethod::Direct);
    req.served_at = Some(now);
    req.address = "公司前台".into();
    req.officers = certs();
    let no_receiver = ws.serve_document(req.clone()).unwrap_err();
    assert_eq!(no_receiver.code(), "validation");
    req.receiver = receiver();
    let direct = ws.serve_document(req).unwrap();
    assert_eq!(
        direct.status,
        casetrail_core::model::RecordStatus::Finalized
    );
    let roles: Vec<_> = direct.slots.iter().map(|s| s.spec.role.unwrap()).collect();
    assert_eq!(
        roles,
        [
            SignerRole::ServingOfficer,
            SignerRole::ServingOfficer,
            SignerRole::Recipient
        ]
    );
    assert!(!codes(&ws, case).contains(&("document_not_served".into(), doc.id.to_string())));
    let RecordBody::ServiceReceipt(s) = &direct.body else {
        panic!()
    };
    assert_eq!(
        casetrail_core::rules::legal_service_day(s),
        Some(casetrail_core::rules::local_date(now))
    );

    // Leave at premises: no witness → refused, nothing written; with witness and photo → done.
    let doc = order(&ws, case, party, "望统责改〔2026〕2号");
    let events = ws.verify_journal().unwrap().events;
    // No service or refusal time given: the workspace clock's now is both.
    let mut leave = ServeRequest::new(doc.id, ServiceMethod::LeaveAtPremises);
    leave.address = "公司前台".into();
    leave.officers = certs();
    leave.refusal_reason = "法定代表人拒绝签收".into();
    let err = ws.serve_document(leave.clone()).unwrap_err();
    assert!(
        matches!(err, casetrail_core::Error::Store(StoreError::Validation(ref v)) if v.field == "witnesses"),
        "{err:?}"
    );
    leave.witnesses = vec![WitnessInput {
        person: Person {
            name: "刘建华".into(),
            relation: PersonRelation::GrassrootsRep,
            ..Default::default()
        },
        role_text: "社区网格员".into(),
        strokes: Some(sample::handwriting(3)),
    }];
    let err = ws.serve_document(leave.clone()).unwrap_err();
    assert!(
        matches!(err, casetrail_core::Error::Store(StoreError::Validation(ref v)) if v.field == "av_evidence"),
        "{err:?}"
    );
    assert_eq!(
        ws.verify_journal().unwrap().events,
        events,
        "nothing written"
    );
    leave.av_evidence = vec![capture(
        &ws,
        case,
        None,
        &photo("orient-landscape-6.jpg"),
        EvidenceKind::Photo,
        RecordedActivity::ServiceLeave,
    )];
    let before = chrono::Utc::now();
    let left = ws.serve_document(leave).unwrap();
    let RecordBody::ServiceReceipt(kept) = &left.body else {
        panic!()
    };
    let served_at = kept.served_at.expect("a service time, from the clock");
    assert!(served_at >= before - TimeDelta::seconds(1) && served_at <= chrono::Utc::now());
    assert_eq!(kept.refused_at, Some(served_at), "refused as it was served");
    assert_eq!(
        kept.witnesses[0].position, "社区网格员",
        "the witness's role kept"
    );
    let witness_slot = left
        .slots
        .iter()
        .find(|s| s.spec.role == Some(SignerRole::Witness))
        .unwrap();
    assert_eq!(
        witness_slot.status(),
        "signed",
        "the witness signed on the phone"
    );
    let roles: Vec<_> = left.slots.iter().map(|s| s.spec.role.unwrap()).collect();
    assert_eq!(
        roles,
        [
            SignerRole::ServingOfficer,
            SignerRole::ServingOfficer,
            SignerRole::Witness
        ]
    );
    assert!(
        !codes(&ws, case)
            .iter()
            .any(|(c, s)| c == "service_av_required" && *s == left.id.to_string())
    );

    // Registered mail: tracking number; the service date is the one on the return receipt.
    let doc = order(&ws, case, party, "望统责改〔2026〕3号");
    let mut mail = ServeRequest::new(doc.id, ServiceMethod::Postal);
    mail.address = "辽宁省抚顺市望花区和平路东段18号".into();
    mail.officers = certs();
    mail.tracking_no = "EMS1234567890CN".into();
    mail.return_receipt_on = Some((now + TimeDelta::days(3)).date_naive());
    let posted = ws.serve_document(mail).unwrap();
    assert!(
        posted.slots.is_empty(),
        "nobody signs a posted document on the spot"
    );
    let RecordBody::ServiceReceipt(s) = &posted.body else {
        panic!()
    };
    assert_eq!(
        casetrail_core::rules::legal_service_day(s),
        Some((now + TimeDelta::days(3)).date_naive())
    );

    // Entrusted and forwarded: the reason, and the receipt signed.
    for method in [ServiceMethod::Entrusted, ServiceMethod::Forwarded] {
        let doc = order(&ws, case, party, &format!("望统责改〔2026〕{method:?}号"));
        let mut e = ServeRequest::new(doc.id, method);
        e.served_at = Some(now);
        e.officers = certs();
        e.receiver = receiver();
        e.entrusted_to = "某街道办事处".into();
        assert_eq!(
            ws.serve_document(e.clone()).unwrap_err().code(),
            "validation",
            "reason required"
        );
        e.entrust_reason = "当事人在外地，委托当地机关代为送达".into();
        let served = ws.serve_document(e).unwrap();
        assert!(
            served
                .slots
                .iter()
                .any(|s| s.spec.role == Some(SignerRole::Recipient))
        );
    }

    // Electronic: with the party's written consent.
    let consent = ws
        .add_record(
            case,
            RecordBody::ServiceAddressConfirmation(ServiceAddressConfirmation {
                party_id: Some(party),
                address: "公司".into(),
                electronic_consent: true,
                electronic_address: "tongji@example.cn".into(),
            }),
        )
        .unwrap();
    let doc = order(&ws, case, party, "望统责改〔2026〕6号");
    let mut e = ServeRequest::new(doc.id, ServiceMethod::Electronic);
    e.officers = certs();
    e.electronic_channel = "电子邮件".into();
    e.electronic_consent = Some(consent.id);
    e.electronic_arrived_at = Some(now);
    ws.serve_document(e).unwrap();

    // Public notice: why other methods failed, the medium, screenshots; deemed served +30 days.
    let doc = order(&ws, case, party, "望统责改〔2026〕7号");
    let shot_path = dir.path().join("notice.png");
    image::RgbImage::from_fn(800, 600, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 200])
    })
    .save(&shot_path)
    .unwrap();
    let shot = capture(
        &ws,
        case,
        None,
        &shot_path,
        EvidenceKind::Screenshot,
        RecordedActivity::ServicePublicNotice,
    );
    let mut public = ServeRequest::new(doc.id, ServiceMethod::PublicNotice);
    public.officers = certs();
    public.notice_medium = "望花区人民政府网站".into();
    public.published_at = Some(now);
    public.why_other_methods_failed = "当事人下落不明，直接送达和邮寄送达均未成功".into();
    assert!(
        ws.serve_document(public.clone()).is_err(),
        "screenshots required"
    );
    public.av_evidence = vec![shot];
    let p = ws.serve_document(public).unwrap();
    let RecordBody::ServiceReceipt(s) = &p.body else {
        panic!()
    };
    assert_eq!(
        casetrail_core::rules::legal_service_day(s),
        Some((casetrail_core::rules::local_date(now)) + chrono::Days::new(30))
    );
    let due = ws.deadlines(case, now).unwrap();
    assert!(
        due.iter()
            .any(|d| d.deadline.kind == DeadlineKind::PublicNotice30d)
    );
    // Only outward, finalized documents are served.
    let draft = ws
        .add_record(
            case,
            RecordBody::RectificationOrder(RectificationOrder::default()),
        )
        .unwrap();
    assert!(
        ws.serve_document(ServeRequest::new(draft.id, ServiceMethod::Direct))
            .is_err()
    );
    assert!(
        ws.serve_document(ServeRequest::new(consent.id, ServiceMethod::Direct))
            .is_err()
    );
    assert!(ws.verify_journal().unwrap().is_sound());
    // The decision's service date feeds its deadlines.
    let decision = ws
        .add_record(
            case,
            RecordBody::PenaltyDecision(PenaltyDecision {
                doc_no: "望统罚决〔2026〕3号".into(),
                party_id: Some(party),
                facts: "提供不真实统计资料".into(),
                evidence: vec![EvidenceUse {
                    evidence: "现场照片".into(),
                    proves: "实际经营情况".into(),
                }],
                penalty: Some(Penalty {
                    warning: true,
                    fine_fen: Some(3_000_000),
                    ..Default::default()
                }),
                basis: sample::case_draft("x").legal_basis,
                payment_terms: "15日内".into(),
                remedies: "60日内申请复议，6个月内起诉".into(),
                decided_on: Some(now.date_naive()),
                sealed: true,
                ..Default::default()
            }),
        )
        .unwrap();
    let decision = ws.finalize_record(decision.id).unwrap();
    let mut d = ServeRequest::new(decision.id, ServiceMethod::Direct);
    d.served_at = Some(now);
    d.address = "公司".into();
    d.officers = certs();
    d.receiver = receiver();
    ws.serve_document(d).unwrap();
    let kinds: Vec<DeadlineKind> = ws
        .deadlines(case, now)
        .unwrap()
        .iter()
        .map(|d| d.deadline.kind)
        .collect();
    for k in [
        DeadlineKind::FinePayment15d,
        DeadlineKind::Reconsideration60d,
        DeadlineKind::Litigation6m,
    ] {
        assert!(kinds.contains(&k), "{k:?} starts with the service");
    }
}

#[test]
fn obstruction_needs_audio_video() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let (case, _) = visit(&ws, "F-4");
    let body = NonCooperationRecord {
        occurred_at: Some(Utc::now()),
        place: "财务室".into(),
        conduct: "拒绝提供销售台账并阻止检查".into(),
        persons: vec![],
        officers: certs(),
    };
    let r = ws
        .add_record(case, RecordBody::NonCooperationRecord(body))
        .unwrap();
    let err = ws.finalize_record(r.id).unwrap_err();
    assert!(
        matches!(err, casetrail_core::Error::Store(StoreError::Validation(ref v)) if v.field == "av_evidence")
    );
    capture(
        &ws,
        case,
        Some(r.id),
        &photo("orient-portrait-8.jpg"),
        EvidenceKind::Photo,
        RecordedActivity::Obstruction,
    );
    ws.finalize_record(r.id).unwrap();
    assert!(
        !codes(&ws, case)
            .iter()
            .any(|(c, s)| c == "av_required" && *s == r.id.to_string())
    );
    let events = ws.store().read(|v| v.journal()).unwrap();
    let last = events.last().unwrap();
    let header = last.parsed_header().unwrap();
    assert!(matches!(
        Event::parse(&header.kind, &last.body).unwrap(),
        Some(Event::RecordFinalized(_))
    ));
}
