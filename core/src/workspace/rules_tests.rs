//! Every rule: a case that breaks it (the finding appears, citing its article) and the same case
//! once mended (it disappears); the deadlines across real holiday periods; the text catalogues.

use chrono::{DateTime, TimeDelta, Utc};

use crate::i18n::{self, Lang};
use crate::model::bodies::*;
use crate::model::*;
use crate::present::describe_error;
use crate::rules::*;
use crate::sample;
use crate::store::Error as StoreError;
use crate::workspace::tests::{fixture, t};

fn codes(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.code.as_str()).collect()
}

fn has(findings: &[Finding], code: &str) -> bool {
    findings.iter().any(|f| f.code == code)
}

fn approval() -> Option<Approval> {
    Some(Approval {
        approver: "张局长".into(),
        approver_title: "局长".into(),
        opinion: "同意".into(),
        result: Some(ApprovalResult::Approved),
        decided_at: Some(t("2026-11-28T03:00:00Z")),
    })
}

fn evidence(
    file: &CaseFile,
    record: Option<RecordId>,
    kind: EvidenceKind,
    at: DateTime<Utc>,
) -> EvidenceItem {
    EvidenceItem {
        id: EvidenceId::new(),
        case_id: file.case.id,
        record_id: record,
        kind,
        category: Some(LegalCategory::Audiovisual),
        activity: RecordedActivity::OnsiteInspection,
        purpose: String::new(),
        original: StoredFile {
            sha256: crate::protocol::Hash::ZERO,
            size: 1,
            mime: "image/jpeg".into(),
        },
        derivative: None,
        captured_at: at,
        captured_by: "LN210404-0012".into(),
        location: None,
        address: String::new(),
        device_id: DeviceId::new(),
    }
}

#[test]
fn draft_missing_fields_and_officers_then_mended() {
    let f = fixture();
    let now = t("2026-11-28T04:00:00Z");
    let case = f.ws.create_case(sample::case_draft("R-1")).unwrap();
    let mut body = sample::inquiry_record(t("2026-11-28T01:40:00Z"));
    body.qa.clear();
    body.officers.truncate(1);
    let r =
        f.ws.add_record(case.id, RecordBody::InquiryRecord(body))
            .unwrap();
    let found = f.ws.check_case(case.id, now).unwrap();
    assert!(has(&found, "record_draft"));
    let missing = found
        .iter()
        .find(|x| x.code == "record_missing_field")
        .unwrap();
    assert_eq!(missing.detail.as_deref(), Some("qa"));
    assert_eq!(missing.severity, Severity::Blocking);
    assert!(
        missing.citations(Lang::Zh).contains("《实施办法》第九条"),
        "{}",
        missing.citations(Lang::Zh)
    );
    assert_eq!(missing.message(Lang::Zh), "询问笔录缺少“问答”");
    assert_eq!(
        missing.message(Lang::En),
        "Inquiry record lacks “questions and answers”"
    );
    assert!(has(&found, "record_officers"));
    let mended =
        f.ws.amend_record(
            r.id,
            RecordBody::InquiryRecord(sample::inquiry_record(t("2026-11-28T01:40:00Z"))),
            "补充",
        )
        .unwrap();
    f.ws.finalize_record(mended.id).unwrap();
    let found = f.ws.check_case(case.id, now).unwrap();
    for gone in ["record_draft", "record_missing_field", "record_officers"] {
        assert!(
            !has(&found, gone),
            "{gone} still reported: {:?}",
            codes(&found)
        );
    }
    // What remains for this record are the three signatures (interviewee, two officers).
    assert_eq!(
        found
            .iter()
            .filter(|x| x.code == "signature_pending")
            .count(),
        3
    );
}

#[test]
fn finalize_names_every_missing_field_with_its_article() {
    let f = fixture();
    let case = f.ws.create_case(sample::case_draft("R-1b")).unwrap();
    let mut body = sample::inquiry_record(t("2026-11-28T01:40:00Z"));
    body.qa.clear();
    body.place.clear();
    body.read_back = None;
    let r =
        f.ws.add_record(case.id, RecordBody::InquiryRecord(body))
            .unwrap();
    let err = f.ws.finalize_record(r.id).unwrap_err();
    let crate::Error::Store(StoreError::Validation(v)) = &err else {
        panic!("{err:?}");
    };
    let fields: Vec<&str> = v.each().iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        ["place", "qa", "read_back"],
        "all at once, in table order"
    );
    assert!(
        v.each().iter().all(|e| e.code == ValidationCode::Required
            && e.record_kind == Some(RecordKind::InquiryRecord))
    );
    let zh = describe_error(Lang::Zh, &err);
    assert!(
        zh.contains("地点：必填（依据：《实施办法》第九条")
            && zh.contains("问答：必填")
            && zh.contains("核对方式：必填"),
        "{zh}"
    );
    let en = describe_error(Lang::En, &err);
    assert!(
        en.contains("questions and answers: required (Measures"),
        "{en}"
    );
}

#[test]
fn a_form_opens_with_the_case_defaults_and_the_workspace_clock() {
    let f = fixture();
    let case = f.ws.create_case(sample::case_draft("R-1c")).unwrap();
    f.clock.set(t("2026-12-01T02:00:00Z"));
    let d =
        f.ws.form_defaults(case.id, RecordKind::InquiryRecord)
            .unwrap();
    let certs: Vec<&str> = case
        .info
        .officers
        .iter()
        .map(|o| o.cert_no.as_str())
        .collect();
    assert_eq!(d["officers"], serde_json::json!(certs));
    assert_eq!(d["start_at"], "2026-12-01T02:00:00Z", "the workspace clock");
    // What the form opens with is a valid draft.
    let body = RecordBody::from_json(RecordKind::InquiryRecord, &d.to_string()).unwrap();
    f.ws.add_record(case.id, body).unwrap();
}

#[test]
fn signatures_and_refusals_are_checked() {
    let f = fixture();
    let now = t("2026-11-28T04:00:00Z");
    let case = f.ws.create_case(sample::case_draft("R-2")).unwrap();
    let r =
        f.ws.add_record(
            case.id,
            RecordBody::InquiryRecord(sample::inquiry_record(t("2026-11-28T01:40:00Z"))),
        )
        .unwrap();
    f.ws.finalize_record(r.id).unwrap();
    let mut file = f.ws.case_file(case.id).unwrap();
    let pending = completeness(&file, now);
    let sig = pending
        .iter()
        .find(|x| x.code == "signature_pending")
        .unwrap();
    assert_eq!(sig.message(Lang::Zh), "询问笔录待被询问人孙丽签名");
    assert!(sig.citations(Lang::En).contains("Measures, Art. 9"));
    // Sign every slot (in memory: the rule is a pure function of the file).
    let mark = SignatureMark {
        strokes_sha256: crate::protocol::Hash::ZERO,
        image_sha256: crate::protocol::Hash::ZERO,
        evidence_id: EvidenceId::new(),
    };
    let hash = file.records[0].content_hash;
    for slot in &mut file.records[0].slots {
        slot.history.push(SlotEntry {
            at: now,
            outcome: SlotOutcome::Signed {
                mark: mark.clone(),
                content_hash: hash,
                affirmation: String::new(),
            },
        });
    }
    assert!(!has(&completeness(&file, now), "signature_pending"));
    // The interviewee refuses: a refusal without AV is incomplete (Art. 9).
    let refusal = Refusal {
        reason: RefusalReason::DisputesContent,
        reason_text: String::new(),
        noted_by: "LN210404-0012".into(),
        annotation: "被询问人对笔录内容有异议，拒绝签字".into(),
        witness: None,
        av_evidence: vec![],
        content_hash: hash,
    };
    file.records[0].slots[0].history = vec![SlotEntry {
        at: now,
        outcome: SlotOutcome::Refused(Box::new(refusal.clone())),
    }];
    let found = completeness(&file, now);
    let f1 = found
        .iter()
        .find(|x| x.code == "refusal_incomplete")
        .unwrap();
    assert_eq!(f1.detail.as_deref(), Some("av_evidence"));
    // Mended: a video made there and then.
    let video = evidence(&file, Some(r.id), EvidenceKind::Video, now);
    let mut with_av = refusal.clone();
    with_av.av_evidence = vec![video.id];
    file.evidence.push(video);
    file.records[0].slots[0].history = vec![SlotEntry {
        at: now,
        outcome: SlotOutcome::Refused(Box::new(with_av.clone())),
    }];
    assert!(!has(&completeness(&file, now), "refusal_incomplete"));
    // A noting officer who is not on the case does not count.
    with_av.noted_by = "XX-1".into();
    file.records[0].slots[0].history = vec![SlotEntry {
        at: now,
        outcome: SlotOutcome::Refused(Box::new(with_av)),
    }];
    assert!(has(&completeness(&file, now), "refusal_incomplete"));
}

#[test]
fn onsite_inspection_needs_av_or_a_reason_and_a_notice_served_in_advance() {
    let f = fixture();
    let now = t("2026-11-28T04:00:00Z");
    let case = f.ws.create_case(sample::case_draft("R-3")).unwrap();
    let party = case.info.parties[0].id;
    let onsite =
        f.ws.add_record(
            case.id,
            RecordBody::OnsiteInspectionRecord(sample::onsite_record(
                t("2026-11-28T01:00:00Z"),
                party,
            )),
        )
        .unwrap();
    f.ws.finalize_record(onsite.id).unwrap();
    let found = f.ws.check_case(case.id, now).unwrap();
    let av = found
        .iter()
        .find(|x| x.code == "av_required_or_reason")
        .unwrap();
    assert!(av.citations(Lang::Zh).contains("第十二条"));
    assert!(has(&found, "inspection_notice_missing"));
    // Mend 1: a reason AV was unsuitable (a new version, finalized).
    let mut body = sample::onsite_record(t("2026-11-28T01:00:00Z"), party);
    body.av_unsuitable_reason = "涉及商业秘密，经负责人同意不录像".into();
    f.ws.amend_record(
        onsite.id,
        RecordBody::OnsiteInspectionRecord(body),
        "补记不适宜音像记录的理由",
    )
    .unwrap();
    f.ws.finalize_record(onsite.id).unwrap();
    assert!(!has(
        &f.ws.check_case(case.id, now).unwrap(),
        "av_required_or_reason"
    ));
    // Mend 2 (instead): a photo linked to the record satisfies Art. 12 as well.
    let mut file = f.ws.case_file(case.id).unwrap();
    if let RecordBody::OnsiteInspectionRecord(b) = &mut file.records[0].body {
        b.av_unsuitable_reason.clear();
    }
    assert!(has(&completeness(&file, now), "av_required_or_reason"));
    let photo = evidence(&file, Some(onsite.id), EvidenceKind::Photo, now);
    file.evidence.push(photo);
    assert!(!has(&completeness(&file, now), "av_required_or_reason"));

    // The inspection notice: present but not served → warning, served before → gone.
    let notice_body = InspectionNotice {
        doc_no: "望统检通〔2026〕7号".into(),
        party_id: Some(party),
        basis: "统计法第三十八条".into(),
        scope: "2025年统计数据".into(),
        content: "B204-1表".into(),
        method: "现场检查".into(),
        scheduled_at: Some(t("2026-11-28T01:00:00Z")),
        demands: vec!["销售台账".into()],
        officers: sample::officers().into_iter().map(|o| o.cert_no).collect(),
        contact: "024-1234".into(),
    };
    let notice =
        f.ws.add_record(case.id, RecordBody::InspectionNotice(notice_body))
            .unwrap();
    f.ws.finalize_record(notice.id).unwrap();
    let found = f.ws.check_case(case.id, now).unwrap();
    assert!(!has(&found, "inspection_notice_missing"));
    assert!(has(&found, "inspection_notice_not_in_advance"));
    assert!(
        has(&found, "document_not_served"),
        "an outward document must be served"
    );
    let service = ServiceRecord {
        document: Some(notice.id),
        document_title: "统计执法检查通知书 望统检通〔2026〕7号".into(),
        recipient_party: Some(party),
        method: Some(ServiceMethod::Direct),
        address: "公司".into(),
        served_at: Some(t("2026-11-25T02:00:00Z")),
        receiver: Some(sample::interviewee()),
        officers: sample::officers().into_iter().map(|o| o.cert_no).collect(),
        ..Default::default()
    };
    let s =
        f.ws.add_record(case.id, RecordBody::ServiceReceipt(service))
            .unwrap();
    f.ws.finalize_record(s.id).unwrap();
    let found = f.ws.check_case(case.id, now).unwrap();
    assert!(
        !has(&found, "inspection_notice_not_in_advance"),
        "{:?}",
        codes(&found)
    );
    assert!(!has(&found, "document_not_served"));
}

#[test]
fn av_required_kinds_and_service_methods() {
    let f = fixture();
    let now = t("2026-11-28T04:00:00Z");
    let case = f.ws.create_case(sample::case_draft("R-4")).unwrap();
    let certs: Vec<String> = sample::officers().into_iter().map(|o| o.cert_no).collect();
    // Art. 11: obstruction needs AV; Art. 14: collective discussion and expert panels; Art. 18: interviews.
    let obstruction = NonCooperationRecord {
        occurred_at: Some(now),
        place: "财务室".into(),
        conduct: "拒绝提供台账".into(),
        persons: vec![],
        officers: certs.clone(),
    };
    let o =
        f.ws.add_record(case.id, RecordBody::NonCooperationRecord(obstruction))
            .unwrap();
    // Art. 11 is enforced at finalize too: no audio/video, no finalized obstruction record.
    let err = f.ws.finalize_record(o.id).unwrap_err();
    assert!(
        matches!(err, crate::Error::Store(StoreError::Validation(ref v)) if v.field == "av_evidence"),
        "{err:?}"
    );
    let minutes = Minutes {
        held_at: Some(now),
        place: "会议室".into(),
        host: "局长".into(),
        participants: vec!["甲".into(), "乙".into()],
        topic: "案件处理".into(),
        minutes: "讨论".into(),
        conclusion: "处罚".into(),
    };
    let c =
        f.ws.add_record(
            case.id,
            RecordBody::CollectiveDiscussionMinutes(minutes.clone()),
        )
        .unwrap();
    f.ws.finalize_record(c.id).unwrap();
    let e =
        f.ws.add_record(case.id, RecordBody::ExpertPanelMinutes(minutes))
            .unwrap();
    f.ws.finalize_record(e.id).unwrap();
    let mut file = f.ws.case_file(case.id).unwrap();
    let found = completeness(&file, now);
    let av: Vec<&Finding> = found.iter().filter(|x| x.code == "av_required").collect();
    assert_eq!(av.len(), 3, "{:?}", codes(&found));
    assert!(
        av.iter()
            .any(|x| x.citations(Lang::Zh).contains("第十一条"))
    );
    assert!(
        av.iter()
            .any(|x| x.citations(Lang::Zh).contains("第十四条"))
    );
    for r in [o.id, c.id, e.id] {
        let v = evidence(&file, Some(r), EvidenceKind::Video, now);
        file.evidence.push(v);
    }
    assert!(!has(&completeness(&file, now), "av_required"));
    // A handwritten signature image is not an audio/video record.
    file.evidence.retain(|x| x.record_id != Some(o.id));
    let sig = evidence(&file, Some(o.id), EvidenceKind::Signature, now);
    file.evidence.push(sig);
    assert!(has(&completeness(&file, now), "av_required"));

    // Art. 17 leave-at-premises: refusal reason and date, witness, AV. Finalize refuses a
    // missing witness; the completeness report names a missing AV.
    let mut leave = ServiceRecord {
        document_title: "责令改正通知书".into(),
        method: Some(ServiceMethod::LeaveAtPremises),
        address: "公司前台".into(),
        served_at: Some(now),
        officers: certs.clone(),
        refusal_reason: "法定代表人拒绝签收".into(),
        refused_at: Some(now),
        ..Default::default()
    };
    let l =
        f.ws.add_record(case.id, RecordBody::ServiceReceipt(leave.clone()))
            .unwrap();
    let err = f.ws.finalize_record(l.id).unwrap_err();
    assert!(
        matches!(err, crate::Error::Store(StoreError::Validation(ref v)) if v.field == "witnesses"),
        "{err:?}"
    );
    let draft_findings = f.ws.check_case(case.id, now).unwrap();
    assert!(
        draft_findings
            .iter()
            .any(|x| x.code == "service_method_fields" && x.detail.as_deref() == Some("witnesses"))
    );
    // Issue 14: the witness rule runs at finalize too. A witness whose relation was not given
    // (the type's default, `legal_rep`) or who speaks for the party is refused, naming the field.
    leave.witnesses = vec![Person {
        name: "刘物业".into(),
        ..Default::default()
    }];
    f.ws.amend_record(
        l.id,
        RecordBody::ServiceReceipt(leave.clone()),
        "补充见证人",
    )
    .unwrap();
    let err = f.ws.finalize_record(l.id).unwrap_err();
    assert!(
        matches!(err, crate::Error::Store(StoreError::Validation(ref v))
            if v.field == "witnesses[0].relation" && v.code == ValidationCode::NotAllowed),
        "{err:?}"
    );
    let zh = describe_error(Lang::Zh, &err);
    assert!(zh.contains("见证人"), "{zh}");
    let en = describe_error(Lang::En, &err);
    assert!(en.to_lowercase().contains("witness"), "{en}");
    leave.witnesses[0].relation = PersonRelation::GrassrootsRep;
    f.ws.amend_record(l.id, RecordBody::ServiceReceipt(leave), "更正见证人身份")
        .unwrap();
    // Art. 17: without audio/video of the service it cannot be finalized either.
    let err = f.ws.finalize_record(l.id).unwrap_err();
    assert!(
        matches!(err, crate::Error::Store(StoreError::Validation(ref v)) if v.field == "av_evidence"),
        "{err:?}"
    );
    let mut file = f.ws.case_file(case.id).unwrap();
    assert!(has(&completeness(&file, now), "service_av_required"));
    let v = evidence(&file, Some(l.id), EvidenceKind::Video, now);
    file.evidence.push(v);
    assert!(!has(&completeness(&file, now), "service_av_required"));
    let body = &file.record(l.id).unwrap().body;
    let roles: Vec<_> = crate::rules::slots_for(&file.case, body)
        .iter()
        .map(|s| s.role.unwrap())
        .collect();
    assert_eq!(
        roles,
        [
            SignerRole::ServingOfficer,
            SignerRole::ServingOfficer,
            SignerRole::Witness
        ]
    );

    // Public notice: the reason other methods failed, the medium, and screenshots.
    let public = ServiceRecord {
        document_title: "行政处罚决定书".into(),
        method: Some(ServiceMethod::PublicNotice),
        officers: certs,
        notice_medium: "区政府网站".into(),
        published_at: Some(now),
        why_other_methods_failed: "当事人下落不明，直接、邮寄送达均被退回".into(),
        ..Default::default()
    };
    let p =
        f.ws.add_record(case.id, RecordBody::ServiceReceipt(public))
            .unwrap();
    let mut file = f.ws.case_file(case.id).unwrap();
    assert!(has(
        &completeness(&file, now),
        "service_screenshots_required"
    ));
    let shot = evidence(&file, Some(p.id), EvidenceKind::Screenshot, now);
    file.evidence.push(shot);
    assert!(!has(
        &completeness(&file, now),
        "service_screenshots_required"
    ));
}

fn filed_penalty_case(
    f: &crate::workspace::tests::Fixture,
    no: &str,
    major: bool,
) -> (CaseId, PartyId) {
    let mut draft = sample::case_draft(no);
    draft.is_major = major;
    draft.initial_status = CaseStatus::Filed;
    let case = f.ws.create_case(draft).unwrap();
    (case.id, case.info.parties[0].id)
}

#[test]
fn case_level_rules_follow_the_stages() {
    let f = fixture();
    let now = t("2026-11-28T04:00:00Z");
    let (id, party) = filed_penalty_case(&f, "R-5", true);
    let found = f.ws.check_case(id, now).unwrap();
    assert!(has(&found, "initiation_approval_missing"));
    assert!(has(&found, "legal_review_missing"), "major case (Art. 6)");
    assert!(
        !has(&found, "decision_missing"),
        "not yet at the decision stage"
    );
    // The initiation form of a major case needs the legality review before it can be finalized.
    let mut form = CaseInitiationApproval {
        case_source: "双随机抽查".into(),
        cause: "提供不真实统计资料".into(),
        party_summary: "抚顺市宏达机械制造有限公司".into(),
        facts_and_reason: "上报数与台账差额948万元".into(),
        handling_unit: "统计执法监督科".into(),
        leader_approval: approval(),
        ..Default::default()
    };
    let r =
        f.ws.add_record(id, RecordBody::CaseInitiationApproval(form.clone()))
            .unwrap();
    assert!(
        matches!(f.ws.finalize_record(r.id), Err(crate::Error::Store(StoreError::Validation(ref v))) if v.field == "legal_review")
    );
    form.legal_review = approval();
    f.ws.amend_record(
        r.id,
        RecordBody::CaseInitiationApproval(form),
        "补充法制审核意见",
    )
    .unwrap();
    f.ws.finalize_record(r.id).unwrap();
    let found = f.ws.check_case(id, now).unwrap();
    assert!(
        !has(&found, "initiation_approval_missing") && !has(&found, "legal_review_missing"),
        "{:?}",
        codes(&found)
    );

    // Decided without the path to it: prior notice, approval, collective discussion, decision.
    f.ws.change_status(id, CaseStatus::Decided, "作出决定")
        .unwrap();
    let found = f.ws.check_case(id, now).unwrap();
    assert!(has(&found, "decision_missing"));
    assert!(has(&found, "final_report_missing"));
    let decision = PenaltyDecision {
        doc_no: "望统罚决〔2026〕3号".into(),
        party_id: Some(party),
        facts: "提供不真实统计资料".into(),
        evidence: vec![EvidenceUse {
            evidence: "销售台账".into(),
            proves: "实际产值".into(),
        }],
        penalty: Some(Penalty {
            warning: true,
            fine_fen: Some(5_000_000),
            ..Default::default()
        }),
        basis: sample::case_draft("x").legal_basis,
        payment_terms: "15日内缴至指定银行".into(),
        remedies: "60日内向区人民政府申请复议或6个月内起诉".into(),
        decided_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 27),
        sealed: true,
        ..Default::default()
    };
    f.ws.add_record(id, RecordBody::PenaltyDecision(decision))
        .unwrap();
    let found = f.ws.check_case(id, now).unwrap();
    for code in [
        "prior_notice_missing",
        "leader_approval_missing",
        "collective_discussion_missing",
        "rights_notice_missing",
        "publication_missing",
    ] {
        assert!(has(&found, code), "{code} missing from {:?}", codes(&found));
    }
    assert!(!has(&found, "decision_missing"));
    let publication = found
        .iter()
        .find(|x| x.code == "publication_missing")
        .unwrap();
    assert_eq!(
        publication.severity,
        Severity::Warning,
        "a warning until the case ends"
    );
    for body in [
        RecordBody::PenaltyPriorNotice(PenaltyPriorNotice {
            doc_no: "告知".into(),
            ..Default::default()
        }),
        RecordBody::PenaltyDecisionApproval(ApprovalForm {
            subject: "处罚".into(),
            ..Default::default()
        }),
        RecordBody::CollectiveDiscussionMinutes(Minutes::default()),
        RecordBody::InvestigationFinalReport(InvestigationFinalReport::default()),
        RecordBody::PublicationRecord(PublicationRecord::default()),
    ] {
        f.ws.add_record(id, body).unwrap();
    }
    let found = f.ws.check_case(id, now).unwrap();
    for code in [
        "prior_notice_missing",
        "leader_approval_missing",
        "collective_discussion_missing",
        "rights_notice_missing",
        "publication_missing",
        "final_report_missing",
    ] {
        assert!(!has(&found, code), "{code} still reported");
    }
    // Hearing requested → the hearing record is required.
    let h =
        f.ws.add_record(id, RecordBody::HearingRequest(HearingRequest::default()))
            .unwrap();
    assert!(has(
        &f.ws.check_case(id, now).unwrap(),
        "hearing_record_missing"
    ));
    f.ws.void_record(h.id, "当事人撤回听证申请").unwrap();
    assert!(
        !has(&f.ws.check_case(id, now).unwrap(), "hearing_record_missing"),
        "void records do not count"
    );
}

#[test]
fn emergency_start_and_rectification() {
    let f = fixture();
    let now = t("2026-11-28T04:00:00Z");
    let mut draft = sample::case_draft("R-6");
    draft.emergency_start = true;
    let case = f.ws.create_case(draft).unwrap();
    assert!(has(
        &f.ws.check_case(case.id, now).unwrap(),
        "emergency_approval_missing"
    ));
    let rec = EmergencyStartRecord {
        started_at: Some(now),
        reason: "当事人正在转移统计资料".into(),
        measures: "先行检查".into(),
        reported_to: "分管局长".into(),
        supplementary_approval: approval(),
    };
    let r =
        f.ws.add_record(case.id, RecordBody::EmergencyStartRecord(rec))
            .unwrap();
    f.ws.finalize_record(r.id).unwrap();
    assert!(!has(
        &f.ws.check_case(case.id, now).unwrap(),
        "emergency_approval_missing"
    ));

    let order = RectificationOrder {
        due_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 10),
        ..Default::default()
    };
    let o =
        f.ws.add_record(case.id, RecordBody::RectificationOrder(order))
            .unwrap();
    let found = f.ws.check_case(case.id, now).unwrap();
    let c = found
        .iter()
        .find(|x| x.code == "compliance_check_missing")
        .unwrap();
    assert_eq!(c.severity, Severity::Warning, "before the due date");
    let later = f.ws.check_case(case.id, t("2026-12-11T04:00:00Z")).unwrap();
    assert_eq!(
        later
            .iter()
            .find(|x| x.code == "compliance_check_missing")
            .unwrap()
            .severity,
        Severity::Blocking
    );
    let check = ComplianceCheckRecord {
        order: Some(o.id),
        ..Default::default()
    };
    f.ws.add_record(case.id, RecordBody::ComplianceCheckRecord(check))
        .unwrap();
    assert!(!has(
        &f.ws.check_case(case.id, t("2026-12-11T04:00:00Z")).unwrap(),
        "compliance_check_missing"
    ));
}

#[test]
fn closing_is_blocked_until_mended_or_overridden_by_a_leader() {
    let f = fixture();
    let now = t("2026-11-28T04:00:00Z");
    let case = f.ws.create_case(sample::case_draft("R-7")).unwrap();
    let body = sample::inquiry_record(t("2026-11-28T01:40:00Z"));
    let r =
        f.ws.add_record(case.id, RecordBody::InquiryRecord(body))
            .unwrap();
    let err =
        f.ws.change_status(case.id, CaseStatus::InspectionClosed, "检查结束")
            .unwrap_err();
    let crate::Error::Blocked { findings } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(findings[0].code, "record_draft");
    assert!(describe_error(Lang::Zh, &err).contains("尚未定稿"));
    // An override needs a finalized, approving leader-approval record of the case.
    let key = findings[0].key();
    let pending =
        f.ws.add_record(
            case.id,
            RecordBody::LeaderApproval(ApprovalForm {
                subject: "同意结案".into(),
                approval: None,
                ..Default::default()
            }),
        )
        .unwrap();
    assert!(
        f.ws.approve_override(case.id, vec![key.clone()], pending.id, "x")
            .is_err(),
        "not finalized"
    );
    let approval_record =
        f.ws.add_record(
            case.id,
            RecordBody::LeaderApproval(ApprovalForm {
                subject: "同意未定稿笔录结案".into(),
                proposal: "笔录因故未完成".into(),
                approval: approval(),
            }),
        )
        .unwrap();
    f.ws.finalize_record(approval_record.id).unwrap();
    let bogus = FindingKey {
        code: "av_required".into(),
        subject: "case".into(),
    };
    assert!(
        f.ws.approve_override(case.id, vec![bogus], approval_record.id, "x")
            .is_err(),
        "only standing findings"
    );
    assert!(
        f.ws.approve_override(case.id, vec![key.clone()], approval_record.id, " ")
            .is_err(),
        "reason required"
    );
    // The pending leader-approval draft and its slot are further blockers; override them all.
    let mut file = f.ws.case_file(case.id).unwrap();
    file.case.status = CaseStatus::InspectionClosed;
    let keys: Vec<FindingKey> = completeness(&file, now)
        .iter()
        .filter(|x| x.blocks())
        .map(Finding::key)
        .collect();
    assert!(keys.len() >= 2);
    let file =
        f.ws.approve_override(
            case.id,
            keys,
            approval_record.id,
            "被询问人突发疾病，笔录未能完成，经局长批准结案",
        )
        .unwrap();
    assert_eq!(file.overrides.len(), 1);
    let closed =
        f.ws.change_status(case.id, CaseStatus::InspectionClosed, "检查结束")
            .unwrap();
    assert_eq!(closed.status, CaseStatus::InspectionClosed);
    // The override stays visible in the report, marked.
    let report = f.ws.check_case(case.id, now).unwrap();
    assert!(
        report
            .iter()
            .any(|x| x.overridden && x.code == "record_draft")
    );
    assert!(report.iter().all(|x| !x.blocks()));
    assert!(f.ws.verify_journal().unwrap().is_sound());
    assert_eq!(
        f.ws.record(r.id).unwrap().status,
        RecordStatus::Draft,
        "the draft stays, as it was"
    );
}

#[test]
fn deadlines_across_holidays_midnight_and_emergency() {
    let f = fixture();
    // Emergency start at 2025-01-27 23:30 Beijing time (15:30 UTC): due 24 h later, across midnight.
    f.clock.set(t("2025-01-27T15:30:00Z"));
    let mut draft = sample::case_draft("D-1");
    draft.emergency_start = true;
    draft.initial_status = CaseStatus::Filed;
    let case = f.ws.create_case(draft).unwrap();
    let items = f.ws.deadlines(case.id, t("2025-01-28T03:00:00Z")).unwrap();
    let emergency = items
        .iter()
        .find(|d| d.deadline.kind == DeadlineKind::EmergencySupplement24h)
        .unwrap();
    assert_eq!(
        emergency.deadline.due,
        t("2025-01-28T15:30:00Z"),
        "Beijing 2025-01-28 23:30"
    );
    assert_eq!(
        emergency.state,
        DeadlineState::Ok,
        "11.5 h elapsed: warning starts at 12 h"
    );
    let at = |s| {
        f.ws.deadlines(case.id, t(s))
            .unwrap()
            .into_iter()
            .find(|d| d.deadline.kind == DeadlineKind::EmergencySupplement24h)
            .unwrap()
            .state
    };
    assert_eq!(at("2025-01-28T03:30:00Z"), DeadlineState::Warning, "12 h");
    assert_eq!(
        at("2025-01-28T12:00:00Z"),
        DeadlineState::Critical,
        "20.5 h"
    );
    assert_eq!(
        at("2025-01-28T15:31:00Z"),
        DeadlineState::Missed,
        "missed its 24 h approval"
    );
    // 90 days from filing on 2025-01-27 (Beijing 23:30) → 2025-04-27 (Sun), rolled to Mon 04-28?
    // 2025-04-27 is a make-up working day (劳动节调休), so it stands.
    let decision = items
        .iter()
        .find(|d| d.deadline.kind == DeadlineKind::CaseDecision90d)
        .unwrap();
    assert_eq!(
        decision.deadline.due,
        end_of_day(chrono::NaiveDate::from_ymd_opt(2025, 4, 27).unwrap())
    );
    assert!(!decision.deadline.provisional);

    // A preservation notice on Fri 2025-01-24 during Spring Festival: 7 working days =
    // 01-26 (Sun make-up), 01-27, 02-05, 02-06, 02-07, 02-08 (Sat make-up), 02-10.
    let notice = PreservationNotice {
        from_date: chrono::NaiveDate::from_ymd_opt(2025, 1, 24),
        ..Default::default()
    };
    let n =
        f.ws.add_record(case.id, RecordBody::PreservationNotice(notice))
            .unwrap();
    let file = f.ws.case_file(case.id).unwrap();
    let mut file_final = file.clone();
    let rec = file_final
        .records
        .iter_mut()
        .find(|r| r.id == n.id)
        .unwrap();
    rec.status = RecordStatus::Finalized;
    rec.finalized_at = Some(t("2025-01-24T02:00:00Z"));
    let ds = deadlines(&file_final, WorkCalendar::china());
    let p = ds
        .iter()
        .find(|d| d.kind == DeadlineKind::Preservation7wd)
        .unwrap();
    assert_eq!(
        p.due,
        end_of_day(chrono::NaiveDate::from_ymd_opt(2025, 2, 10).unwrap())
    );

    // National Day 2024: a decision dated Fri 2024-09-27 must be served within 7 working days:
    // 09-29 (Sun make-up), 09-30, 10-08, 10-09, 10-10, 10-11, 10-12 (Sat make-up).
    let mut file2 = file.clone();
    let decision = PenaltyDecision {
        decided_on: chrono::NaiveDate::from_ymd_opt(2024, 9, 27),
        ..Default::default()
    };
    let mut rec = file2.records[0].clone();
    rec.id = RecordId::new();
    rec.kind = RecordKind::PenaltyDecision;
    rec.body = RecordBody::PenaltyDecision(decision);
    rec.status = RecordStatus::Finalized;
    rec.finalized_at = Some(t("2024-09-27T02:00:00Z"));
    file2.records.push(rec);
    let ds = deadlines(&file2, WorkCalendar::china());
    let s = ds
        .iter()
        .find(|d| d.kind == DeadlineKind::DecisionService7wd)
        .unwrap();
    assert_eq!(
        s.due,
        end_of_day(chrono::NaiveDate::from_ymd_opt(2024, 10, 12).unwrap())
    );
    let p = ds
        .iter()
        .find(|d| d.kind == DeadlineKind::Publication7wd)
        .unwrap();
    assert_eq!(p.due, s.due);

    // Asia/Shanghai has no daylight saving: the offset is +08:00 in January and in July.
    for day in ["2025-01-15", "2025-07-15"] {
        let d: chrono::NaiveDate = day.parse().unwrap();
        assert_eq!(end_of_day(d).format("%H:%M:%S").to_string(), "15:59:59");
    }
}

#[test]
fn av_upload_deadline_and_retention() {
    let f = fixture();
    let now = t("2026-11-28T04:00:00Z");
    let (id, _) = filed_penalty_case(&f, "D-2", false);
    let mut file = f.ws.case_file(id).unwrap();
    let video = evidence(&file, None, EvidenceKind::Video, now);
    file.evidence.push(video.clone());
    let ds = deadlines(&file, WorkCalendar::china());
    let up = ds
        .iter()
        .find(|d| d.kind == DeadlineKind::AvUpload24h)
        .unwrap();
    assert_eq!(up.state(now + TimeDelta::hours(11)), DeadlineState::Ok);
    assert_eq!(
        up.state(now + TimeDelta::hours(12)),
        DeadlineState::Warning,
        "warning at 12 h"
    );
    assert_eq!(
        up.state(now + TimeDelta::hours(20)),
        DeadlineState::Critical,
        "critical at 20 h"
    );
    assert_eq!(up.state(now + TimeDelta::hours(25)), DeadlineState::Missed);
    file.uploads.insert(video.id, now + TimeDelta::hours(2));
    let ds = deadlines(&file, WorkCalendar::china());
    assert_eq!(
        ds.iter()
            .find(|d| d.kind == DeadlineKind::AvUpload24h)
            .unwrap()
            .state(now + TimeDelta::hours(30)),
        DeadlineState::Met
    );

    // Routine: at least a year; nothing purged while the case is open.
    let r = retention(&file, &video);
    assert_eq!(r.class, RetentionClass::Routine);
    assert_eq!(r.retain_until, Some(t("2027-11-28T04:00:00Z")));
    assert!(
        !may_purge(&file, &video, t("2028-01-01T00:00:00Z")),
        "case still open"
    );
    let mut closed = file.clone();
    closed.case.status = CaseStatus::Closed;
    assert!(
        !may_purge(&closed, &video, t("2027-06-01T00:00:00Z")),
        "not a year yet"
    );
    assert!(may_purge(&closed, &video, t("2027-12-01T00:00:00Z")));
    // Used in a general-procedure penalty case: permanent, never purged.
    f.ws.add_record(id, RecordBody::PenaltyDecision(PenaltyDecision::default()))
        .unwrap();
    let mut penal = f.ws.case_file(id).unwrap();
    penal.evidence.push(video.clone());
    penal.uploads = file.uploads.clone();
    penal.case.status = CaseStatus::Closed;
    assert_eq!(retention(&penal, &video).class, RetentionClass::Permanent);
    assert!(!may_purge(&penal, &video, t("2099-01-01T00:00:00Z")));
    assert!(
        retention(&penal, &video)
            .cite
            .render(Lang::Zh)
            .contains("第二十三条")
    );
}

#[test]
fn every_code_kind_field_and_deadline_has_text_in_both_languages() {
    let mut missing = Vec::new();
    let mut need = |id: String| {
        for lang in [Lang::Zh, Lang::En] {
            if !i18n::has_message(lang, &id) {
                missing.push(format!("{lang:?}:{id}"));
            }
        }
    };
    for code in FindingCode::ALL {
        need(format!("finding-{code}"));
        need(format!("finding-{code}-fix"));
    }
    for k in DeadlineKind::ALL {
        need(format!("deadline-{}", k.as_str()));
    }
    for s in ["ok", "warning", "critical", "missed", "met", "elapsed"] {
        need(format!("deadline-state-{s}"));
    }
    for k in RecordKind::ALL {
        need(format!("kind-{}", k.as_str()));
        for field in k
            .empty_body()
            .to_value()
            .unwrap()
            .as_object()
            .unwrap()
            .keys()
        {
            need(format!("field-{field}"));
        }
    }
    let nested = [
        serde_json::to_value(Person::default()).unwrap(),
        serde_json::to_value(IdDocument::default()).unwrap(),
        serde_json::to_value(Approval::default()).unwrap(),
        serde_json::to_value(QaTurn::default()).unwrap(),
        serde_json::to_value(CertificateShown::default()).unwrap(),
        serde_json::to_value(ListedItem::default()).unwrap(),
        serde_json::to_value(DataCheck::default()).unwrap(),
        serde_json::to_value(EvidenceUse::default()).unwrap(),
        serde_json::to_value(Penalty::default()).unwrap(),
        serde_json::to_value(EvidenceCaption::default()).unwrap(),
        serde_json::to_value(Party::default()).unwrap(),
        serde_json::to_value(Officer::default()).unwrap(),
        serde_json::to_value(LegalBasis::default()).unwrap(),
        serde_json::to_value(CaseDraft::default()).unwrap(),
    ];
    for v in nested {
        for field in v.as_object().unwrap().keys() {
            need(format!("field-{field}"));
        }
    }
    for s in CaseStatus::ALL {
        need(format!("status-{}", s.as_str()));
    }
    for r in SignerRole::ALL {
        need(format!("role-{}", r.as_str()));
    }
    assert!(missing.is_empty(), "missing text: {missing:?}");
}

/// Issue 14, "findings say who and why": an officer finding names the officer, the
/// certificate and the exact reason; mended, it is gone.
#[test]
fn an_officer_finding_names_who_and_why() {
    let f = fixture();
    let now = t("2026-11-28T04:00:00Z");
    let case = f.ws.create_case(sample::case_draft("R-OFF")).unwrap();
    let r =
        f.ws.add_record(
            case.id,
            RecordBody::InquiryRecord(sample::inquiry_record(t("2026-11-28T01:40:00Z"))),
        )
        .unwrap();
    f.ws.finalize_record(r.id).unwrap();
    let mut file = f.ws.case_file(case.id).unwrap();
    assert!(!has(&completeness(&file, now), "record_officers"));
    let day = |s: &str| s.parse::<chrono::NaiveDate>().ok();
    // Not yet valid on the day.
    file.case.info.officers[0].cert_valid_from = day("2030-01-01");
    file.case.info.officers[0].cert_valid_to = day("2031-01-01");
    let found = completeness(&file, now);
    let o = found.iter().find(|x| x.code == "record_officers").unwrap();
    assert_eq!(o.detail.as_deref(), Some("not_yet_valid"));
    let zh = o.message(Lang::Zh);
    for want in ["李明", "LN210404-0012", "2030-01-01", "尚未生效"] {
        assert!(zh.contains(want), "{want} not in {zh}");
    }
    assert!(
        !zh.contains("执法人员[") && !zh.contains("officers["),
        "{zh}"
    );
    let en = o.message(Lang::En);
    for want in ["李明", "LN210404-0012", "valid from 2030-01-01"] {
        assert!(en.contains(want), "{want} not in {en}");
    }
    assert!(o.citations(Lang::Zh).contains("《实施办法》第九条"));
    assert!(
        o.remedy(Lang::Zh).contains("有效执法证"),
        "{}",
        o.remedy(Lang::Zh)
    );
    // Expired before the day.
    file.case.info.officers[0].cert_valid_from = day("2019-01-01");
    file.case.info.officers[0].cert_valid_to = day("2020-01-01");
    let found = completeness(&file, now);
    let o = found.iter().find(|x| x.code == "record_officers").unwrap();
    assert_eq!(o.detail.as_deref(), Some("expired"));
    assert!(o.message(Lang::Zh).contains("已于 2020-01-01 到期"));
    assert!(o.message(Lang::En).contains("expired on 2020-01-01"));
    // Missing from the case.
    file.case.info.officers.remove(0);
    let found = completeness(&file, now);
    let o = found.iter().find(|x| x.code == "record_officers").unwrap();
    assert_eq!(o.detail.as_deref(), Some("unknown"));
    assert!(
        o.message(Lang::Zh)
            .contains("LN210404-0012 不是本案的执法人员")
    );
    // Mended: the case's own officers again.
    let file = f.ws.case_file(case.id).unwrap();
    assert!(!has(&completeness(&file, now), "record_officers"));
}

/// Issue 14, "remedies fit the role of the slot": an officer signs (an officer cannot
/// refuse); a witness is found or the reason for none recorded; a party's refusal is recorded
/// with its reason, a witness and audio/video.
#[test]
fn signature_remedies_fit_the_role_of_the_slot() {
    let f = fixture();
    let now = t("2026-11-28T04:00:00Z");
    let case = f.ws.create_case(sample::case_draft("R-ROLE")).unwrap();
    let r =
        f.ws.add_record(
            case.id,
            RecordBody::InquiryRecord(sample::inquiry_record(t("2026-11-28T01:40:00Z"))),
        )
        .unwrap();
    f.ws.finalize_record(r.id).unwrap();
    let mut file = f.ws.case_file(case.id).unwrap();
    let witness = SignatureSlot {
        id: SlotId::new(),
        spec: SlotSpec {
            role: Some(SignerRole::Witness),
            signer_name: "刘物业".into(),
            cert_no: None,
            required: true,
            affirmation: String::new(),
        },
        history: Vec::new(),
        ..file.records[0].slots[0].clone()
    };
    file.records[0].slots.push(witness);
    let found = completeness(&file, now);
    let remedy = |role: SignerRole, lang| {
        found
            .iter()
            .find(|x| x.code == "signature_pending" && x.detail.as_deref() == Some(role.as_str()))
            .map(|x| x.remedy(lang))
            .unwrap()
    };
    let officer = remedy(SignerRole::Officer, Lang::Zh);
    assert!(
        officer.contains("本人签名") && officer.contains("不存在拒签"),
        "{officer}"
    );
    assert!(!officer.contains("记录拒签原因"), "{officer}");
    assert!(remedy(SignerRole::Officer, Lang::En).contains("cannot refuse"));
    let w = remedy(SignerRole::Witness, Lang::Zh);
    assert!(
        w.contains("刘物业") && w.contains("没有见证人的原因"),
        "{w}"
    );
    assert!(remedy(SignerRole::Witness, Lang::En).contains("why there is no witness"));
    let party = remedy(SignerRole::Interviewee, Lang::Zh);
    assert!(party.contains("拒签原因") && party.contains("见证人") && party.contains("音像"));
    assert!(remedy(SignerRole::Interviewee, Lang::En).contains("if they refuse"));
}

/// Issue 14, "citations": a pending signature cites the articles of its record kind, from the
/// requirement table — a service receipt (送达回证) Art. 17, never Art. 9/11 — for every kind.
#[test]
fn a_pending_signature_cites_its_kinds_articles_for_every_kind() {
    let f = fixture();
    let now = t("2026-11-28T04:00:00Z");
    let case = f.ws.create_case(sample::case_draft("R-CITE")).unwrap();
    let r =
        f.ws.add_record(
            case.id,
            RecordBody::InquiryRecord(sample::inquiry_record(t("2026-11-28T01:40:00Z"))),
        )
        .unwrap();
    f.ws.finalize_record(r.id).unwrap();
    let base = f.ws.case_file(case.id).unwrap();
    for &kind in RecordKind::ALL {
        let mut file = base.clone();
        file.records[0].kind = kind;
        file.records[0].body = kind.empty_body();
        let found = completeness(&file, now);
        let pending: Vec<_> = found
            .iter()
            .filter(|x| x.code == "signature_pending")
            .collect();
        assert!(!pending.is_empty(), "{kind}");
        for p in pending {
            assert_eq!(p.cite, requirement(kind).cite, "{kind}");
        }
    }
    let mut file = base.clone();
    file.records[0].kind = RecordKind::ServiceReceipt;
    file.records[0].body = RecordKind::ServiceReceipt.empty_body();
    let found = completeness(&file, now);
    let p = found
        .iter()
        .find(|x| x.code == "signature_pending")
        .unwrap();
    let zh = p.citations(Lang::Zh);
    assert!(zh.contains("《实施办法》第十七条"), "{zh}");
    assert!(!zh.contains("第九条") && !zh.contains("第十一条"), "{zh}");
    // Mended: signed, the finding is gone.
    let hash = file.records[0].content_hash;
    for slot in &mut file.records[0].slots {
        slot.history.push(SlotEntry {
            at: now,
            outcome: SlotOutcome::Signed {
                mark: SignatureMark {
                    strokes_sha256: crate::protocol::Hash::ZERO,
                    image_sha256: crate::protocol::Hash::ZERO,
                    evidence_id: EvidenceId::new(),
                },
                content_hash: hash,
                affirmation: String::new(),
            },
        });
    }
    assert!(!has(&completeness(&file, now), "signature_pending"));
}

#[test]
fn a_named_complaint_not_taken_up_is_answered_in_writing() {
    // Art. 7 ¶2: broken, then mended.
    let f = fixture();
    let now = t("2026-11-28T04:00:00Z");
    let mut draft = sample::case_draft("R-7");
    draft.initial_status = CaseStatus::ClueRegistered;
    let case = f.ws.create_case(draft).unwrap();
    let complaint = ComplaintRecord {
        received_at: Some(now),
        channel: "12345热线".into(),
        named: true,
        reporter: "王某".into(),
        summary: "反映某公司虚报产值".into(),
        handling: "经审查不启动执法程序".into(),
    };
    let r =
        f.ws.add_record(case.id, RecordBody::ComplaintRecord(complaint))
            .unwrap();
    f.ws.finalize_record(r.id).unwrap();
    let ended = |ws: &crate::Workspace| {
        let mut file = ws.case_file(case.id).unwrap();
        file.case.status = CaseStatus::NotInitiated;
        completeness(&file, now)
    };
    // Still under review: nothing yet. Not taken up: the complainant must be told.
    assert!(!has(
        &f.ws.check_case(case.id, now).unwrap(),
        "complaint_reply_missing"
    ));
    let found = ended(&f.ws);
    let reply = found
        .iter()
        .find(|x| x.code == "complaint_reply_missing")
        .unwrap();
    assert!(reply.blocks());
    assert_eq!(reply.cite[0].render(Lang::Zh), "《实施办法》第七条");
    let notice = Notice {
        recipient: "王某".into(),
        content: "经审查，不予启动执法程序".into(),
        issued_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 28),
        ..Default::default()
    };
    f.ws.add_record(case.id, RecordBody::NonInitiationNotice(notice))
        .unwrap();
    assert!(!has(&ended(&f.ws), "complaint_reply_missing"));
}

#[test]
fn the_court_is_asked_only_after_a_demand_notice_and_its_result_is_recorded() {
    // Art. 20 and 行政强制法 §54: broken three ways, then mended.
    let f = fixture();
    let now = t("2026-12-20T04:00:00Z");
    let case = f.ws.create_case(sample::case_draft("R-20")).unwrap();
    let party = case.info.parties[0].id;
    let certs: Vec<String> = case
        .info
        .officers
        .iter()
        .map(|o| o.cert_no.clone())
        .collect();
    let application = CourtEnforcementApplication {
        court: "望花区人民法院".into(),
        filed_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 15),
        documents: vec!["行政处罚决定书".into(), "催告书".into()],
        result: String::new(),
    };
    let a =
        f.ws.add_record(
            case.id,
            RecordBody::CourtEnforcementApplication(application.clone()),
        )
        .unwrap();
    let found = f.ws.check_case(case.id, now).unwrap();
    assert!(has(&found, "demand_notice_missing"), "{:?}", codes(&found));

    // A demand notice served five days before the application: too early.
    let demand = DemandNotice {
        doc_no: "望统催〔2026〕1号".into(),
        party_id: Some(party),
        obligation: "缴纳罚款人民币壹万元".into(),
        due_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 9),
        method: "直接送达".into(),
        amount_fen: Some(1_000_000),
        defense_right_told: true,
    };
    let d =
        f.ws.add_record(case.id, RecordBody::DemandNotice(demand))
            .unwrap();
    f.ws.finalize_record(d.id).unwrap();
    let mut serve = crate::ServeRequest::new(d.id, ServiceMethod::Direct);
    serve.served_at = Some(t("2026-12-10T02:00:00Z"));
    serve.address = "辽宁省抚顺市望花区和平路东段18号".into();
    serve.receiver = Some(Person {
        name: "赵建国".into(),
        relation: PersonRelation::LegalRep,
        ..Default::default()
    });
    serve.officers = certs;
    f.ws.serve_document(serve).unwrap();
    let found = f.ws.check_case(case.id, now).unwrap();
    assert!(!has(&found, "demand_notice_missing"));
    let early = found
        .iter()
        .find(|x| x.code == "demand_period_not_elapsed")
        .unwrap();
    assert_eq!(early.cite[0].render(Lang::Zh), "《行政强制法》第五十四条");

    // Filed eleven days after: in time. The case ended without the court's result: blocking.
    let mut later = application.clone();
    later.filed_on = chrono::NaiveDate::from_ymd_opt(2026, 12, 21);
    f.ws.amend_record(
        a.id,
        RecordBody::CourtEnforcementApplication(later.clone()),
        "更正申请日期",
    )
    .unwrap();
    let mut file = f.ws.case_file(case.id).unwrap();
    file.case.status = CaseStatus::Closed;
    let found = completeness(&file, now);
    assert!(
        !has(&found, "demand_period_not_elapsed"),
        "{:?}",
        codes(&found)
    );
    assert!(has(&found, "enforcement_result_missing"));
    later.result = "法院裁定准予执行，罚款已划缴".into();
    f.ws.amend_record(
        a.id,
        RecordBody::CourtEnforcementApplication(later),
        "补记执行结果",
    )
    .unwrap();
    let mut file = f.ws.case_file(case.id).unwrap();
    file.case.status = CaseStatus::Closed;
    assert!(!has(
        &completeness(&file, now),
        "enforcement_result_missing"
    ));
}

#[test]
fn in_advance_means_before_the_act_began_and_a_service_follows_its_document() {
    // Issue 14: order rules compare instants, not days.
    let f = fixture();
    let now = t("2026-12-01T04:00:00Z");
    let case = f.ws.create_case(sample::case_draft("R-8")).unwrap();
    let party = case.info.parties[0].id;
    let certs: Vec<String> = sample::officers().into_iter().map(|o| o.cert_no).collect();
    // The inspection began at 09:00 Beijing time (01:00 UTC).
    let onsite =
        f.ws.add_record(
            case.id,
            RecordBody::OnsiteInspectionRecord(sample::onsite_record(
                t("2026-12-01T01:00:00Z"),
                party,
            )),
        )
        .unwrap();
    f.ws.finalize_record(onsite.id).unwrap();
    let notice = InspectionNotice {
        doc_no: "望统检通〔2026〕8号".into(),
        party_id: Some(party),
        basis: "统计法第三十八条".into(),
        scope: "2025年统计数据".into(),
        content: "B204-1表".into(),
        method: "现场检查".into(),
        scheduled_at: Some(t("2026-12-01T01:00:00Z")),
        demands: vec!["销售台账".into()],
        officers: certs.clone(),
        contact: "024-1234".into(),
    };
    let n =
        f.ws.add_record(case.id, RecordBody::InspectionNotice(notice))
            .unwrap();
    f.ws.finalize_record(n.id).unwrap();
    let serve = |at: &str| {
        let mut req = crate::ServeRequest::new(n.id, ServiceMethod::Direct);
        req.served_at = Some(t(at));
        req.address = "公司前台".into();
        req.receiver = Some(sample::interviewee());
        req.officers = certs.clone();
        req
    };
    // Handed over the same morning, at 10:00 — after the inspection began: not in advance.
    let late = f.ws.serve_document(serve("2026-12-01T02:00:00Z")).unwrap();
    let found = f.ws.check_case(case.id, now).unwrap();
    assert!(
        has(&found, "inspection_notice_not_in_advance"),
        "{:?}",
        codes(&found)
    );
    f.ws.void_record(late.id, "送达时间在检查开始之后，重新送达")
        .unwrap();
    // At 08:30 the same morning: in advance.
    f.ws.serve_document(serve("2026-12-01T00:30:00Z")).unwrap();
    assert!(!has(
        &f.ws.check_case(case.id, now).unwrap(),
        "inspection_notice_not_in_advance"
    ));

    // A decision dated 2026-12-20 cannot be served on the 19th; nor next year, which has not come.
    let decision = PenaltyDecision {
        decided_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 20),
        ..Default::default()
    };
    let d =
        f.ws.add_record(case.id, RecordBody::PenaltyDecision(decision))
            .unwrap();
    let mut file = f.ws.case_file(case.id).unwrap();
    let before = ServiceRecord {
        document: Some(d.id),
        document_title: "行政处罚决定书".into(),
        method: Some(ServiceMethod::Direct),
        address: "公司前台".into(),
        served_at: Some(t("2026-12-19T02:00:00Z")),
        receiver: Some(sample::interviewee()),
        officers: certs.clone(),
        ..Default::default()
    };
    file.records.iter_mut().for_each(|r| {
        if r.id == d.id {
            r.status = RecordStatus::Finalized;
        }
    });
    let later = t("2026-12-21T00:00:00Z");
    let e = check_finalize(
        &file,
        None,
        &RecordBody::ServiceReceipt(before.clone()),
        later,
    )
    .unwrap_err();
    assert_eq!(
        (e.field.as_str(), e.rule()),
        ("served_at", "too_early"),
        "{e:?}"
    );
    let future = ServiceRecord {
        served_at: Some(t("2027-12-19T02:00:00Z")),
        ..before.clone()
    };
    let e = check_finalize(&file, None, &RecordBody::ServiceReceipt(future), later).unwrap_err();
    assert_eq!(
        (e.field.as_str(), e.rule()),
        ("served_at", "in_future"),
        "{e:?}"
    );
    let on_the_day = ServiceRecord {
        served_at: Some(t("2026-12-20T02:00:00Z")),
        ..before
    };
    assert_eq!(
        check_finalize(&file, None, &RecordBody::ServiceReceipt(on_the_day), later),
        Ok(())
    );
}

#[test]
fn audio_video_belongs_inside_its_act_and_to_one_act_only() {
    // Issue 14: AV linked to an act overlaps its time; one original does not back two acts.
    let f = fixture();
    let now = t("2026-11-28T06:00:00Z");
    let case = f.ws.create_case(sample::case_draft("R-9")).unwrap();
    let party = case.info.parties[0].id;
    let start = t("2026-11-28T01:00:00Z"); // 90 minutes, to 02:30
    let onsite =
        f.ws.add_record(
            case.id,
            RecordBody::OnsiteInspectionRecord(sample::onsite_record(start, party)),
        )
        .unwrap();
    let inquiry =
        f.ws.add_record(
            case.id,
            RecordBody::InquiryRecord(sample::inquiry_record(t("2026-11-28T03:00:00Z"))),
        )
        .unwrap();
    let mut file = f.ws.case_file(case.id).unwrap();
    let inside = evidence(
        &file,
        Some(onsite.id),
        EvidenceKind::Photo,
        t("2026-11-28T01:20:00Z"),
    );
    file.evidence.push(inside.clone());
    let found = completeness(&file, now);
    assert!(!has(&found, "av_outside_act") && !has(&found, "same_original_twice"));
    // Taken after the inspection ended: named, with both times.
    let late = evidence(
        &file,
        Some(onsite.id),
        EvidenceKind::Photo,
        t("2026-11-28T04:00:00Z"),
    );
    file.evidence.push(late.clone());
    let found = completeness(&file, now);
    let outside = found.iter().find(|x| x.code == "av_outside_act").unwrap();
    let words = outside.message(Lang::Zh);
    assert!(
        words.contains("12:00") && words.contains("现场检查笔录"),
        "{words}"
    );
    // A refusal photo documents the refusal, an act of its own: not judged by the window.
    file.evidence.retain(|e| e.id != late.id);
    let mut refusal = late.clone();
    refusal.activity = RecordedActivity::RefusalToSign;
    file.evidence.push(refusal.clone());
    assert!(!has(&completeness(&file, now), "av_outside_act"));
    file.evidence.retain(|e| e.id != refusal.id);
    // The inspection's photo linked again to the inquiry, as another item: the same original.
    let mut again = inside.clone();
    again.id = EvidenceId::new();
    again.record_id = Some(inquiry.id);
    again.captured_at = t("2026-11-28T03:10:00Z");
    file.evidence.push(again.clone());
    let found = completeness(&file, now);
    let twice = found
        .iter()
        .find(|x| x.code == "same_original_twice")
        .unwrap();
    assert_eq!(twice.subject, Subject::Evidence { evidence: again.id });
    assert!(!twice.blocks());
    file.evidence.retain(|e| e.id != again.id);
    assert!(!has(&completeness(&file, now), "same_original_twice"));
}
