use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use rusqlite::Connection;

use super::*;
use crate::model::bodies::InquiryRecord;
use crate::protocol::Hash;
use crate::protocol::journal::DefectKind;
use crate::sample;
use crate::store::Error as StoreError;
use crate::store::clock::FixedClock;
use crate::store::vault::FileVault;

pub(crate) fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

pub(crate) struct Fixture {
    pub dir: tempfile::TempDir,
    pub clock: Arc<FixedClock>,
    pub ws: Workspace,
}

pub(crate) fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    // Later than every act the tests record: an act after the clock has not happened yet.
    let clock = Arc::new(FixedClock::new(t("2026-12-31T01:30:00Z")));
    let vault = Arc::new(FileVault::open(dir.path().join("keys")).unwrap());
    let ws = Workspace::open(dir.path().join("ws"), vault, clock.clone()).unwrap();
    Fixture { dir, clock, ws }
}

fn journal_len(ws: &Workspace) -> usize {
    ws.store().read(|v| v.journal()).unwrap().len()
}

#[test]
fn opening_creates_an_identity_once_and_checks_pragmas_every_time() {
    let f = fixture();
    let id = f.ws.device_id();
    let report = f.ws.verify_journal().unwrap();
    assert!(report.is_sound(), "{report:?}");
    assert_eq!(report.events, 1, "genesis only");
    drop(f.ws);
    let vault = Arc::new(FileVault::open(f.dir.path().join("keys")).unwrap());
    let ws = Workspace::open(f.dir.path().join("ws"), vault, f.clock.clone()).unwrap();
    assert_eq!(ws.device_id(), id);
    assert_eq!(journal_len(&ws), 1, "no second genesis");
    // The store's connections run with the durability pragmas.
    ws.store().check_pragmas().unwrap();
    // A vault without the key for this workspace is refused, not silently replaced.
    let other_vault = Arc::new(FileVault::open(f.dir.path().join("other-keys")).unwrap());
    let err = Workspace::open(f.dir.path().join("ws"), other_vault, f.clock.clone()).unwrap_err();
    assert_eq!(err.code(), "crypto");
}

#[test]
fn a_site_visit_case_with_inquiry_and_onsite_records() {
    let f = fixture();
    let case =
        f.ws.create_case(sample::case_draft("望统检〔2026〕7号"))
            .unwrap();
    assert_eq!(case.status, CaseStatus::PreCheck);
    assert_eq!(case.stage(), crate::model::CaseStage::Investigation);
    let inquiry =
        f.ws.add_record(
            case.id,
            RecordBody::InquiryRecord(sample::inquiry_record(t("2026-11-28T01:40:00Z"))),
        )
        .unwrap();
    assert_eq!((inquiry.status, inquiry.version), (RecordStatus::Draft, 1));
    assert_eq!(
        inquiry.content_hash,
        Hash::digest(inquiry.content.as_bytes())
    );
    assert!(inquiry.slots.is_empty(), "slots come with finalization");
    let inquiry = f.ws.finalize_record(inquiry.id).unwrap();
    assert_eq!(inquiry.status, RecordStatus::Finalized);
    let roles: Vec<_> = inquiry
        .slots
        .iter()
        .map(|s| s.spec.role.unwrap().as_str())
        .collect();
    assert_eq!(roles, ["interviewee", "officer", "officer"]);
    assert_eq!(inquiry.slots[0].spec.signer_name, "孙丽");
    assert_eq!(
        inquiry.slots[0].spec.affirmation,
        crate::rules::AFFIRM_INQUIRY
    );
    assert_eq!(inquiry.slots[1].spec.signer_name, "李明");
    let party = case.info.parties[0].id;
    let onsite =
        f.ws.add_record(
            case.id,
            RecordBody::OnsiteInspectionRecord(sample::onsite_record(
                t("2026-11-28T01:35:00Z"),
                party,
            )),
        )
        .unwrap();
    let onsite = f.ws.finalize_record(onsite.id).unwrap();
    assert_eq!(
        onsite.slots[0].spec.signer_name,
        "抚顺市宏达机械制造有限公司"
    );
    let records = f.ws.records(case.id).unwrap();
    assert_eq!(records.len(), 2);
    let report = f.ws.verify_journal().unwrap();
    assert!(report.is_sound(), "{report:?}");
    assert_eq!(report.events, 6);
}

#[test]
fn finalize_refuses_missing_fields_and_writes_nothing() {
    let f = fixture();
    let case = f.ws.create_case(sample::case_draft("C-1")).unwrap();
    let mut body = sample::inquiry_record(t("2026-11-28T01:40:00Z"));
    body.qa.clear();
    let r =
        f.ws.add_record(case.id, RecordBody::InquiryRecord(body.clone()))
            .unwrap();
    let before = journal_len(&f.ws);
    let err = f.ws.finalize_record(r.id).unwrap_err();
    match err {
        Error::Store(StoreError::Validation(v)) => {
            assert_eq!((v.field.as_str(), v.code), ("qa", ValidationCode::Required))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(journal_len(&f.ws), before, "nothing written");
    assert_eq!(f.ws.record(r.id).unwrap().status, RecordStatus::Draft);

    // One officer only: an enforcement record needs two.
    body = sample::inquiry_record(t("2026-11-28T01:40:00Z"));
    body.officers.truncate(1);
    let r =
        f.ws.add_record(case.id, RecordBody::InquiryRecord(body))
            .unwrap();
    let err = f.ws.finalize_record(r.id).unwrap_err();
    assert!(
        matches!(err, Error::Store(StoreError::Validation(ref v)) if v.field == "officers" && v.code == ValidationCode::TooFew { min: 2 }),
        "{err:?}"
    );

    // A certificate that was not shown (Art. 9).
    let mut body = sample::inquiry_record(t("2026-11-28T01:40:00Z"));
    body.certificates[1].shown = false;
    let r =
        f.ws.add_record(case.id, RecordBody::InquiryRecord(body))
            .unwrap();
    let err = f.ws.finalize_record(r.id).unwrap_err();
    assert!(
        matches!(err, Error::Store(StoreError::Validation(ref v)) if v.field == "certificates[1]"),
        "{err:?}"
    );

    // An officer who is not on the case is refused already in the draft.
    let mut body = sample::inquiry_record(t("2026-11-28T01:40:00Z"));
    body.officers[1] = "XX-9999".into();
    let before = journal_len(&f.ws);
    let err =
        f.ws.add_record(case.id, RecordBody::InquiryRecord(body))
            .unwrap_err();
    assert!(
        matches!(err, Error::Store(StoreError::Validation(ref v)) if v.code == ValidationCode::UnknownReference),
        "{err:?}"
    );
    assert_eq!(journal_len(&f.ws), before);
}

#[test]
fn an_expired_certificate_blocks_finalization() {
    let f = fixture();
    let case = f.ws.create_case(sample::case_draft("C-2")).unwrap();
    let r =
        f.ws.add_record(
            case.id,
            RecordBody::InquiryRecord(sample::inquiry_record(t("2028-07-01T01:40:00Z"))),
        )
        .unwrap();
    // 王芳's certificate ends 2028-06-30 (Asia/Shanghai): an inquiry held 2028-07-01 09:40 is
    // after it.
    f.clock.set(t("2028-07-01T02:00:00Z"));
    let err = f.ws.finalize_record(r.id).unwrap_err();
    assert!(
        matches!(err, Error::Store(StoreError::Validation(ref v)) if v.field == "officers[1]" && v.code == ValidationCode::CertificateNotValid),
        "{err:?}"
    );
    // The act is judged on its own day, not on the day it is entered: an inquiry held at 23:59
    // local time on the certificate's last day (UTC 15:59) finalizes, entered the day after.
    let mut held = sample::inquiry_record(t("2028-06-30T15:20:00Z"));
    held.end_at = Some(t("2028-06-30T15:59:00Z"));
    f.ws.amend_record(r.id, RecordBody::InquiryRecord(held), "更正询问时间")
        .unwrap();
    f.ws.finalize_record(r.id).unwrap();
}

#[test]
fn an_act_is_judged_on_its_own_day_and_cannot_be_in_the_future() {
    // Issue 14: an officer whose certificate starts 2026-11-27 cannot have held an inquiry on
    // 2026-11-12, whenever it is entered; and an act after now has not happened.
    let f = fixture();
    let mut draft = sample::case_draft("C-3");
    draft.officers[0].cert_valid_from = chrono::NaiveDate::from_ymd_opt(2026, 11, 27);
    let case = f.ws.create_case(draft).unwrap();
    let r =
        f.ws.add_record(
            case.id,
            RecordBody::InquiryRecord(sample::inquiry_record(t("2026-11-12T01:40:00Z"))),
        )
        .unwrap();
    let err = f.ws.finalize_record(r.id).unwrap_err();
    assert!(
        matches!(err, Error::Store(StoreError::Validation(ref v)) if v.field == "officers[0]" && v.code == ValidationCode::CertificateNotValid),
        "{err:?}"
    );
    let later = sample::inquiry_record(f.clock.now().utc + TimeDelta::hours(2));
    let r2 =
        f.ws.add_record(case.id, RecordBody::InquiryRecord(later))
            .unwrap();
    let err = f.ws.finalize_record(r2.id).unwrap_err();
    assert!(
        matches!(err, Error::Store(StoreError::Validation(ref v)) if v.field == "start_at" && v.code == ValidationCode::InFuture),
        "{err:?}"
    );
    assert!(crate::present::describe_error(crate::i18n::Lang::Zh, &err).contains("尚未发生"));
    // Within the clocks' tolerance it is now.
    let now = sample::inquiry_record(f.clock.now().utc + TimeDelta::minutes(2));
    let r3 =
        f.ws.add_record(case.id, RecordBody::InquiryRecord(now))
            .unwrap();
    f.ws.finalize_record(r3.id).unwrap();
}

#[test]
fn amendments_keep_every_version_and_void_keeps_the_record() {
    let f = fixture();
    let case = f.ws.create_case(sample::case_draft("C-3")).unwrap();
    let body = sample::inquiry_record(t("2026-11-28T01:40:00Z"));
    let r =
        f.ws.add_record(case.id, RecordBody::InquiryRecord(body.clone()))
            .unwrap();
    let r = f.ws.finalize_record(r.id).unwrap();
    let v1_hash = r.content_hash;
    let mut corrected = body.clone();
    corrected.place = "二楼会议室".into();
    assert!(
        f.ws.amend_record(r.id, RecordBody::InquiryRecord(corrected.clone()), " ")
            .is_err(),
        "reason required"
    );
    let r2 =
        f.ws.amend_record(
            r.id,
            RecordBody::InquiryRecord(corrected.clone()),
            "地点记录有误",
        )
        .unwrap();
    assert_eq!((r2.version, r2.status), (2, RecordStatus::Draft));
    assert_ne!(r2.content_hash, v1_hash);
    let versions = f.ws.record_versions(r.id).unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0].content_hash, v1_hash);
    assert_eq!(versions[1].reason, "地点记录有误");
    assert!(matches!(
        f.ws.amend_record(r.id, RecordBody::InquiryRecord(corrected), "again"),
        Err(Error::Store(StoreError::InvalidState {
            reason: "no_change"
        }))
    ));
    let kind_change = f.ws.amend_record(
        r.id,
        RecordBody::InquiryRecord(InquiryRecord::default()),
        "x",
    );
    assert!(
        kind_change.is_ok(),
        "same kind, emptied draft is a valid amendment"
    );
    let voided = f.ws.void_record(r.id, "重复制作").unwrap();
    assert_eq!(voided.status, RecordStatus::Void);
    assert_eq!(voided.void_reason.as_deref(), Some("重复制作"));
    assert!(matches!(
        f.ws.void_record(r.id, "again"),
        Err(Error::Store(StoreError::InvalidState { .. }))
    ));
    assert!(matches!(
        f.ws.finalize_record(r.id),
        Err(Error::Store(StoreError::InvalidState { .. }))
    ));
    assert_eq!(
        f.ws.records(case.id).unwrap().len(),
        1,
        "still in the case file"
    );
}

#[test]
fn nothing_can_be_deleted_or_edited_through_sql_either() {
    let f = fixture();
    let case = f.ws.create_case(sample::case_draft("C-4")).unwrap();
    let r =
        f.ws.add_record(
            case.id,
            RecordBody::InquiryRecord(sample::inquiry_record(t("2026-11-28T01:40:00Z"))),
        )
        .unwrap();
    f.ws.store()
        .with_raw_connection(|c| {
            assert!(c.execute("DELETE FROM journal", []).is_err());
            assert!(c.execute("UPDATE journal SET body = x'00'", []).is_err());
            assert!(c.execute("DELETE FROM records", []).is_err());
            assert!(
                c.execute("UPDATE record_versions SET content = ''", [])
                    .is_err()
            );
            Ok(())
        })
        .unwrap();
    assert_eq!(f.ws.record(r.id).unwrap().content, r.content);
}

#[test]
fn projections_rebuild_from_the_journal_identically() {
    let f = fixture();
    let case = f.ws.create_case(sample::case_draft("C-5")).unwrap();
    let party = case.info.parties[0].id;
    let a =
        f.ws.add_record(
            case.id,
            RecordBody::InquiryRecord(sample::inquiry_record(t("2026-11-28T01:40:00Z"))),
        )
        .unwrap();
    f.clock.advance(TimeDelta::minutes(5));
    f.ws.finalize_record(a.id).unwrap();
    let b =
        f.ws.add_record(
            case.id,
            RecordBody::OnsiteInspectionRecord(sample::onsite_record(
                t("2026-11-28T01:35:00Z"),
                party,
            )),
        )
        .unwrap();
    let mut changed = sample::onsite_record(t("2026-11-28T01:35:00Z"), party);
    changed.party_opinion = "无异议".into();
    f.ws.amend_record(
        b.id,
        RecordBody::OnsiteInspectionRecord(changed),
        "补记当事人意见",
    )
    .unwrap();
    f.ws.finalize_record(b.id).unwrap();
    f.ws.change_status(case.id, CaseStatus::Filed, "发现违法线索，立案")
        .unwrap();
    let c =
        f.ws.add_record(case.id, RecordBody::InquiryRecord(InquiryRecord::default()))
            .unwrap();
    f.ws.void_record(c.id, "误建").unwrap();

    let (live, again) =
        f.ws.store()
            .rebuild_and_compare(&f.dir.path().join("rebuilt.db"))
            .unwrap();
    assert!(live.iter().map(|(_, rows)| rows.len()).sum::<usize>() > 8);
    assert_eq!(live, again);
}

#[test]
fn status_changes_follow_the_rules() {
    let f = fixture();
    let case = f.ws.create_case(sample::case_draft("C-6")).unwrap();
    assert!(
        f.ws.change_status(case.id, CaseStatus::PreCheck, "same")
            .is_err()
    );
    assert!(f.ws.change_status(case.id, CaseStatus::Filed, "").is_err());
    f.ws.change_status(case.id, CaseStatus::Closed, "结案")
        .unwrap();
    assert!(
        f.ws.change_status(case.id, CaseStatus::Filed, "reopen")
            .is_err()
    );
    f.ws.change_status(case.id, CaseStatus::Archived, "归档")
        .unwrap();
    let err =
        f.ws.add_record(case.id, RecordBody::InquiryRecord(InquiryRecord::default()))
            .unwrap_err();
    assert!(matches!(
        err,
        Error::Store(StoreError::InvalidState {
            reason: "case_archived"
        })
    ));
    assert!(
        matches!(
            f.ws.create_case(sample::case_draft("C-6")),
            Err(Error::Store(StoreError::Validation(_)))
        ),
        "case_no unique"
    );
}

#[test]
fn ids_resolve_by_unique_prefix() {
    let f = fixture();
    let a = f.ws.create_case(sample::case_draft("C-7")).unwrap();
    let b = f.ws.create_case(sample::case_draft("C-8")).unwrap();
    let full = a.id.to_string();
    assert_eq!(f.ws.resolve_case(&full).unwrap(), a.id);
    assert_eq!(f.ws.resolve_case(&full.to_uppercase()).unwrap(), a.id);
    // UUIDv7 created in the same millisecond share a long prefix; find the shortest unique one.
    let common = full
        .chars()
        .zip(b.id.to_string().chars())
        .take_while(|(x, y)| x == y)
        .count();
    assert_eq!(f.ws.resolve_case(&full[..common + 1]).unwrap(), a.id);
    assert!(matches!(
        f.ws.resolve_case(&full[..common]),
        Err(Error::Store(StoreError::Ambiguous { count: 2, .. }))
    ));
    assert!(matches!(
        f.ws.resolve_case("zz"),
        Err(Error::Store(StoreError::NotFound { .. }))
    ));
    assert!(matches!(
        f.ws.resolve_case("'; drop table cases; --"),
        Err(Error::Store(StoreError::NotFound { .. }))
    ));
}

#[test]
fn direct_tampering_with_the_database_file_is_named_by_verify() {
    let f = fixture();
    let case = f.ws.create_case(sample::case_draft("C-9")).unwrap();
    let r =
        f.ws.add_record(
            case.id,
            RecordBody::InquiryRecord(sample::inquiry_record(t("2026-11-28T01:40:00Z"))),
        )
        .unwrap();
    f.ws.finalize_record(r.id).unwrap();
    assert!(f.ws.verify_journal().unwrap().is_sound());
    // Another connection, as an attacker with the file would have it: drop the guard, edit a body.
    let raw = Connection::open(f.ws.home().join(DB_FILE)).unwrap();
    raw.execute_batch("DROP TRIGGER journal_no_update;")
        .unwrap();
    let n = raw
        .execute("UPDATE journal SET body = CAST(replace(CAST(body AS TEXT), '孙丽', '孙莉') AS BLOB) WHERE seq = 3", [])
        .unwrap();
    assert_eq!(n, 1);
    let report = f.ws.verify_journal().unwrap();
    assert_eq!(report.defects.len(), 1, "{report:?}");
    assert_eq!(
        (report.defects[0].seq, report.defects[0].kind),
        (3, DefectKind::AlteredBody)
    );
    // Delete the middle event too.
    raw.execute_batch("DROP TRIGGER journal_no_delete;")
        .unwrap();
    raw.execute("DELETE FROM journal WHERE seq = 2", [])
        .unwrap();
    let report = f.ws.verify_journal().unwrap();
    let found: Vec<_> = report.defects.iter().map(|d| (d.seq, d.kind)).collect();
    assert!(found.contains(&(2, DefectKind::Gap)), "{found:?}");
    assert!(found.contains(&(3, DefectKind::AlteredBody)), "{found:?}");
}

#[test]
fn a_clock_jumping_ten_years_never_reorders_the_journal_and_is_flagged() {
    // reliability.md F18: seq strictly monotonic under jumps of ±10 years; the jumps flagged.
    let f = fixture();
    let case = f.ws.create_case(sample::case_draft("T-18")).unwrap();
    let steady =
        f.ws.add_record(
            case.id,
            RecordBody::InquiryRecord(sample::inquiry_record(t("2026-11-28T01:00:00Z"))),
        )
        .unwrap();
    f.clock.advance(TimeDelta::minutes(3));
    f.ws.void_record(steady.id, "重复制作").unwrap();
    assert!(
        !f.ws
            .check_case(case.id, f.clock.now().utc)
            .unwrap()
            .iter()
            .any(|x| x.code == "clock_unreliable"),
        "a clock that runs with the monotonic one is not flagged"
    );
    let ten_years = TimeDelta::days(3652);
    let before = f.clock.now().utc;
    let mut jumped = Vec::new();
    for (i, jump) in [ten_years, -ten_years, -ten_years, ten_years]
        .into_iter()
        .enumerate()
    {
        f.clock.set(f.clock.now().utc + jump);
        let r =
            f.ws.add_record(
                case.id,
                RecordBody::InquiryRecord(sample::inquiry_record(
                    before - TimeDelta::hours(i as i64),
                )),
            )
            .unwrap();
        jumped.push(r.id);
    }
    // The journal's order is the chain's, whatever the wall clock said: strictly increasing seq.
    let journal = f.ws.store().read(|v| v.journal()).unwrap();
    let seqs: Vec<u64> = journal
        .iter()
        .filter(|e| e.device_id == f.ws.device_id())
        .map(|e| e.seq)
        .collect();
    assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1), "{seqs:?}");
    assert!(f.ws.verify_journal().unwrap().is_sound());
    let found = f.ws.check_case(case.id, f.clock.now().utc).unwrap();
    let flag = found
        .iter()
        .find(|x| x.code == "clock_unreliable")
        .expect("the jumps are flagged");
    assert_eq!(flag.severity, crate::rules::Severity::Warning);
    let facts: std::collections::HashMap<_, _> = flag.facts.iter().cloned().collect();
    assert_eq!(facts["count"], "4", "each jumped event: {facts:?}");
    assert_eq!(facts["minutes"], (ten_years.num_minutes()).to_string());
    let words = flag.message(crate::i18n::Lang::Zh);
    assert!(words.contains("5 分钟") && words.contains('#'), "{words}");
}
