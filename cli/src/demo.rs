//! `casetrail demo`: a whole site visit, end to end, in a fresh workspace — the inspection
//! notice served in advance, certificates shown, an inquiry with questions and answers, an
//! on-site inspection with real photos watermarked, the party refusing to sign (reason, witness,
//! photo), a rectification order served by leaving it at the premises, then what the regulation
//! still requires, the deadlines, and the journal verified. It uses only the public core API,
//! exactly as the phone app does.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;

use casetrail_core::Workspace;
use casetrail_core::model::bodies::{InspectionNotice, ServiceMethod};
use casetrail_core::model::{
    CaseId, Crs, EvidenceId, EvidenceKind, LocationReading, Person, PersonRelation, RecordBody,
    RecordId, RecordedActivity, RefusalReason, SignerRole,
};
use casetrail_core::sample;
use casetrail_core::{CaptureRequest, RefusalRequest, ServeRequest, WitnessInput};

use crate::output::Out;

/// Two real photos of the premises and one taken during the refusal (see
/// tests/fixtures/photos/MANIFEST.md for where they come from).
const PREMISES: &[u8] =
    include_bytes!("../../tests/fixtures/photos/iphone6plus-2448x2448-o6-gps.jpg");
const LEDGER: &[u8] = include_bytes!("../../tests/fixtures/photos/orient-portrait-8.jpg");
const REFUSAL: &[u8] = include_bytes!("../../tests/fixtures/photos/orient-landscape-6.jpg");
/// The service left at the premises has a photo of its own (one original backs one act).
const SERVICE: &[u8] = include_bytes!("../../tests/fixtures/photos/xiaomi-mi3-4208x3120.jpg");

fn here() -> Option<LocationReading> {
    Some(LocationReading::Fix {
        lat: 41.87654,
        lon: 123.90412,
        accuracy_m: Some(5.0),
        crs: Crs::Wgs84,
        fixed_at: None,
    })
}

const ADDRESS: &str = "辽宁省抚顺市望花区和平路东段18号";

/// A photo taken at `at` (the story happens over the past hours; the photo says when it was
/// taken, inside the act it documents).
fn capture(
    ws: &Workspace,
    case: CaseId,
    record: Option<RecordId>,
    bytes: &[u8],
    activity: RecordedActivity,
    purpose: &str,
    at: DateTime<Utc>,
) -> anyhow::Result<EvidenceId> {
    let req = CaptureRequest {
        case_id: case,
        record_id: record,
        kind: Some(EvidenceKind::Photo),
        activity,
        purpose: purpose.into(),
        category: None,
        captured_at: Some(at),
        captured_by: sample::officers()[0].cert_no.clone(),
        location: here(),
        address: ADDRESS.into(),
        original_name: String::new(),
    };
    Ok(ws.capture_bytes(bytes, req)?.item.id)
}

pub fn run(out: &Out, home: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let home = match home {
        Some(h) => {
            if h.join(casetrail_core::DB_FILE).exists() {
                anyhow::bail!(out.ta("cli-demo-exists", &[("home", &h.display().to_string())]));
            }
            h
        }
        None => std::env::temp_dir().join(format!(
            "casetrail-demo-{}",
            Utc::now().format("%Y%m%d-%H%M%S-%f")
        )),
    };
    let ws = Workspace::open_default(&home)?;
    let mut n = 0;
    let mut step = |id: &str, args: &[(&str, &str)]| {
        n += 1;
        let mut all = vec![("n", n.to_string())];
        all.extend(args.iter().map(|(k, v)| (*k, (*v).to_owned())));
        let borrowed: Vec<(&str, &str)> = all.iter().map(|(k, v)| (*k, v.as_str())).collect();
        out.say(out.ta(id, &borrowed));
    };
    out.say(out.t("demo-title"));
    out.say(out.ta("demo-workspace", &[("home", &home.display().to_string())]));
    out.say(out.ta("demo-device", &[("id", &ws.device_id().to_string())]));
    out.say("");

    let now = Utc::now();
    let officers = sample::officers();
    let certs: Vec<String> = officers.iter().map(|o| o.cert_no.clone()).collect();
    let case = ws.create_case(sample::case_draft(&format!(
        "望统检〔{}〕7号",
        now.format("%Y")
    )))?;
    let party = case.info.parties[0].clone();
    let names: Vec<String> = officers
        .iter()
        .map(|o| format!("{}（{}）", o.name, o.cert_no))
        .collect();
    step(
        "demo-case-opened",
        &[("no", &case.info.case_no), ("title", &case.info.title)],
    );
    out.say(out.ta("demo-officers", &[("officers", &names.join(list_sep(out)))]));
    out.say(out.ta(
        "demo-party",
        &[
            ("name", &party.name),
            ("uscc", party.uscc.as_deref().unwrap_or("-")),
        ],
    ));

    // 1. The inspection notice, served in advance (Art. 8), receipt signed.
    let notice = ws.add_record(
        case.id,
        RecordBody::InspectionNotice(InspectionNotice {
            doc_no: format!("望统检通〔{}〕7号", now.format("%Y")),
            party_id: Some(party.id),
            basis: "《中华人民共和国统计法》第三十八条".into(),
            scope: "2025年统计数据".into(),
            content: "《工业产销总值及主要产品产量》(B204-1表)及相关原始记录、台账".into(),
            method: "现场检查".into(),
            scheduled_at: Some(now - TimeDelta::hours(2)),
            demands: vec![
                "2025年销售台账".into(),
                "增值税纳税申报表".into(),
                "统计原始记录".into(),
            ],
            officers: certs.clone(),
            contact: "024-57651234".into(),
        }),
    )?;
    let notice = ws.finalize_record(notice.id)?;
    let mut serve = ServeRequest::new(notice.id, ServiceMethod::Direct);
    serve.served_at = Some(now - TimeDelta::days(3));
    serve.address = party.address.clone();
    serve.officers = certs.clone();
    serve.receiver = Some(Person {
        name: "孙丽".into(),
        relation: PersonRelation::StatStaff,
        ..Default::default()
    });
    let receipt = ws.serve_document(serve)?;
    crate::field::sign_all_pending(&ws, &receipt, 1)?;
    step("demo-notice-served", &[]);

    // The story of the day: the inspection from 2½ hours ago for 90 minutes (its photos inside
    // it), then the inquiry of the statistician for 45 minutes, then the order left at the
    // premises now. The same two officers never do two things at once.
    let onsite_start = now - TimeDelta::minutes(150);
    // 2. On site: the on-site inspection record with two photos; certificates shown.
    let onsite = ws.add_record(
        case.id,
        RecordBody::OnsiteInspectionRecord(sample::onsite_record(onsite_start, party.id)),
    )?;
    capture(
        &ws,
        case.id,
        Some(onsite.id),
        PREMISES,
        RecordedActivity::OnsiteInspection,
        "企业生产经营现场",
        onsite_start + TimeDelta::minutes(15),
    )?;
    capture(
        &ws,
        case.id,
        Some(onsite.id),
        LEDGER,
        RecordedActivity::EvidenceCollection,
        "2025年销售台账",
        onsite_start + TimeDelta::minutes(40),
    )?;
    let onsite = ws.finalize_record(onsite.id)?;
    step("demo-onsite", &[("hash", &onsite.content_hash.short())]);

    // 3. The inquiry: questions and answers, read back, signed by the interviewee and officers.
    let inquiry_body = sample::inquiry_record(now - TimeDelta::minutes(55));
    let turns = inquiry_body.qa.len().to_string();
    let inquiry = ws.add_record(case.id, RecordBody::InquiryRecord(inquiry_body))?;
    let inquiry = ws.finalize_record(inquiry.id)?;
    crate::field::sign_all_pending(&ws, &inquiry, 10)?;
    step(
        "demo-inquiry",
        &[("count", &turns), ("hash", &inquiry.content_hash.short())],
    );

    // 4. The party refuses to sign the on-site record: reason, witness, a photo there and then.
    for (i, slot) in onsite
        .slots
        .iter()
        .filter(|s| s.spec.role == Some(SignerRole::Officer))
        .enumerate()
    {
        ws.sign_slot(casetrail_core::SignRequest {
            record_id: onsite.id,
            slot_id: slot.id,
            content_hash: onsite.content_hash,
            strokes: sample::handwriting(20 + i as u32),
            affirmation: String::new(),
        })?;
    }
    let photo = capture(
        &ws,
        case.id,
        Some(onsite.id),
        REFUSAL,
        RecordedActivity::RefusalToSign,
        "当事人拒绝签字的现场",
        onsite_start + TimeDelta::minutes(85),
    )?;
    let party_slot = onsite
        .slots
        .iter()
        .find(|s| s.spec.role == Some(SignerRole::Party))
        .map(|s| s.id);
    if let Some(slot_id) = party_slot {
        ws.refuse_slot(RefusalRequest {
            record_id: onsite.id,
            slot_id,
            content_hash: onsite.content_hash,
            reason: RefusalReason::DisputesContent,
            reason_text: "法定代表人称核实数未扣除预计订单，拒绝签字".into(),
            noted_by: certs[0].clone(),
            annotation: "当事人对笔录内容有异议，拒绝签字。已当场拍照，并请园区物业经理见证。"
                .into(),
            witness: Some(WitnessInput {
                person: Person {
                    name: "刘建华".into(),
                    relation: PersonRelation::Witness,
                    position: "物业经理".into(),
                    ..Default::default()
                },
                role_text: "园区物业经理".into(),
                strokes: Some(sample::handwriting(30)),
            }),
            av_evidence: vec![photo],
        })?;
    }
    step("demo-refusal", &[]);

    // 5. A rectification order, left at the premises (Art. 17): witness, photo, signatures.
    let order = ws.add_record(
        case.id,
        RecordBody::RectificationOrder(sample::rectification_order(now, party.id)),
    )?;
    let order = ws.finalize_record(order.id)?;
    let shot = capture(
        &ws,
        case.id,
        None,
        SERVICE,
        RecordedActivity::ServiceLeave,
        "留置送达过程",
        now,
    )?;
    let mut leave = ServeRequest::new(order.id, ServiceMethod::LeaveAtPremises);
    leave.address = party.address.clone();
    leave.officers = certs.clone();
    leave.refusal_reason = "法定代表人拒绝签收".into();
    leave.witnesses = vec![WitnessInput {
        person: Person {
            name: "刘建华".into(),
            relation: PersonRelation::GrassrootsRep,
            ..Default::default()
        },
        role_text: "社区网格员".into(),
        strokes: None,
    }];
    leave.av_evidence = vec![shot];
    let left = ws.serve_document(leave)?;
    crate::field::sign_all_pending(&ws, &left, 40)?;
    step(
        "demo-leave",
        &[("no", &format!("望统责改〔{}〕3号", now.format("%Y")))],
    );

    // 6. What the regulation still requires, and what is due.
    out.say("");
    let findings = ws.check_case(case.id, Utc::now())?;
    crate::rules::print_findings(out, &case.info.case_no, &findings);
    out.say("");
    let due = ws
        .deadlines(case.id, Utc::now())?
        .into_iter()
        .filter(|d| d.state.is_open())
        .collect::<Vec<_>>();
    crate::rules::print_due(out, &due);

    // 7. The journal, verified.
    let report = ws.verify_journal()?;
    out.say("");
    if report.is_sound() {
        step("demo-verified", &[("events", &report.events.to_string())]);
    } else {
        crate::journal::print_report(out, &report);
    }
    // 8. Back at the bureau: the back office receives everything, verifiably.
    out.say("");
    let synced = backoffice_act(out, &home, &ws, &certs, case.id, &mut step)?;
    out.say("");
    out.say(out.ta(
        "demo-explore",
        &[
            ("home", &home.display().to_string()),
            ("case", &case.id.to_string()[..8]),
        ],
    ));
    if out.json {
        out.print_json(&json!({
            "home": home.display().to_string(),
            "case": crate::cases::case_json(&case, &ws.records(case.id)?, &ws.evidence(case.id)?),
            "findings": findings.iter().map(|f| crate::rules::finding_json(out, f)).collect::<Vec<_>>(),
            "journal": report,
        }))?;
    }
    Ok(if report.is_sound() && synced {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Prints one numbered step of the demo.
type Step<'a> = dyn FnMut(&str, &[(&str, &str)]) + 'a;

/// The demo's last act: a back office on loopback, the device enrolled with a one-time code,
/// a sync with a progress bar, the signed receipts, a decision pulled back, and the case as
/// the bureau sees it. Returns whether everything was acknowledged.
fn backoffice_act(
    out: &Out,
    home: &std::path::Path,
    ws: &Workspace,
    certs: &[String],
    case: CaseId,
    step: &mut Step<'_>,
) -> anyhow::Result<bool> {
    use std::sync::Arc;

    use casetrail_core::store::clock::SystemClock;
    use casetrail_core::sync::{EnrolOptions, SyncOptions};
    use casetrail_server::{SqliteStorage, Storage};

    let data = home.with_file_name(format!(
        "{}-backoffice",
        home.file_name()
            .map_or("casetrail".into(), |n| n.to_string_lossy())
    ));
    let rt = crate::sync::runtime()?;
    let storage = Arc::new(SqliteStorage::open_for_serving(
        &data,
        Arc::new(SystemClock::new()),
    )?);
    let running = rt.block_on(casetrail_server::start(
        storage.clone(),
        "127.0.0.1:0".parse()?,
        casetrail_server::ServeOptions::default(),
    ))?;
    let url = running.url(false);
    step(
        "demo-backoffice",
        &[("url", &url), ("data", &data.display().to_string())],
    );
    let code = storage.issue_enrol_code(&certs[0], 1)?;
    rt.block_on(ws.enrol(&EnrolOptions {
        url: url.clone(),
        code: code.clone(),
        ca_pem: None,
    }))?;
    step("demo-enrolled", &[("code", &code), ("officer", &certs[0])]);
    let opts = SyncOptions::default();
    let first = crate::sync::run_once(out, &rt, ws, &opts)?;
    crate::sync::print_report(out, &first.report, &first.status);
    if let Some(e) = &first.error {
        out.error(&anyhow::Error::new(crate::sync::clone_error(e)));
    }
    if let Some(held) = ws.held_checkpoint()? {
        step("demo-synced", &[("size", &held.size.to_string())]);
        for line in held.note.lines() {
            out.say(format!("　　{line}"));
        }
    }
    // A leader at the bureau assigns the case; the phone pulls the signed decision.
    storage.assign(case, certs.to_vec(), "")?;
    let second = crate::sync::run_once(out, &rt, ws, &opts)?;
    step(
        "demo-pulled",
        &[
            ("count", &second.report.pulled.to_string()),
            ("officers", &certs.join(list_sep(out))),
        ],
    );
    out.say("");
    print_backoffice_cases(out, &storage.cases(Utc::now())?);
    rt.block_on(running.stop())?;
    Ok(first.complete() && second.complete())
}

/// The cases as the back office sees them.
pub fn print_backoffice_cases(out: &Out, cases: &[casetrail_core::protocol::wire::BackofficeCase]) {
    out.say(out.t("demo-backoffice-view"));
    for c in cases {
        out.say(out.ta(
            "backoffice-case",
            &[
                ("no", &c.case_no),
                ("title", &c.title),
                ("status", &out.t(&format!("status-{}", c.status))),
            ],
        ));
        let pending = c
            .records
            .iter()
            .filter(|r| r["media_pending"].as_bool() == Some(true))
            .count();
        out.say(out.ta(
            "backoffice-case-records",
            &[
                ("records", &c.records.len().to_string()),
                ("pending", &pending.to_string()),
                ("evidence", &c.evidence.len().to_string()),
                ("missing", &c.media_pending.to_string()),
            ],
        ));
        out.say(out.ta(
            "backoffice-case-findings",
            &[
                ("blocking", &c.blocking.to_string()),
                ("total", &c.findings.len().to_string()),
            ],
        ));
        for d in &c.decisions {
            out.say(out.ta(
                "backoffice-case-decision",
                &[
                    (
                        "subject",
                        &out.t(&format!("decision-{}", d["subject"].as_str().unwrap_or(""))),
                    ),
                    ("by", d["decided_by"].as_str().unwrap_or("")),
                ],
            ));
        }
        if !c.flags.is_empty() {
            out.say(out.ta(
                "backoffice-case-flags",
                &[("count", &c.flags.len().to_string())],
            ));
        }
    }
}

fn list_sep(out: &Out) -> &'static str {
    if out.lang_name() == "zh" { "、" } else { ", " }
}
