//! Service of documents (送达): which documents have been served, and the legal service date each
//! method yields (民事诉讼法 §85–95, applied by 行政处罚法 §61).
//!
//! - direct, entrusted, forwarded: the day the receipt was signed (§87, §91);
//! - leave at premises: the day the document was left (§89);
//! - registered mail: the day on the return receipt (§91);
//! - electronic: the day it reached the recipient's system (§90);
//! - public notice: deemed served 30 days after publication (§95).

use chrono::{Days, NaiveDate};

use super::local_date;
use casetrail_model::bodies::{ServiceMethod, ServiceRecord};
use casetrail_model::{CaseFile, RecordBody, RecordId, RecordStatus};

/// Days after publication a public notice is deemed served (民诉法 §95).
pub const PUBLIC_NOTICE_DAYS: u64 = 30;

/// The legal service date of a service record, in local (Asia/Shanghai) days.
pub fn legal_service_day(s: &ServiceRecord) -> Option<NaiveDate> {
    match s.method? {
        ServiceMethod::Direct
        | ServiceMethod::Entrusted
        | ServiceMethod::Forwarded
        | ServiceMethod::LeaveAtPremises => s.served_at.map(local_date),
        ServiceMethod::Postal => s.return_receipt_on,
        ServiceMethod::Electronic => s.electronic_arrived_at.map(local_date),
        ServiceMethod::PublicNotice => s
            .published_at
            .map(|p| local_date(p) + Days::new(PUBLIC_NOTICE_DAYS)),
    }
}

/// When a service took effect, as an instant where the method gives one (handed over, left,
/// arrived); otherwise the start of its legal service day (Beijing time), for methods that
/// count by day (mail, public notice).
pub fn legal_service_instant(s: &ServiceRecord) -> Option<chrono::DateTime<chrono::Utc>> {
    match s.method? {
        ServiceMethod::Direct
        | ServiceMethod::Entrusted
        | ServiceMethod::Forwarded
        | ServiceMethod::LeaveAtPremises => s.served_at,
        ServiceMethod::Electronic => s.electronic_arrived_at,
        ServiceMethod::Postal | ServiceMethod::PublicNotice => {
            legal_service_day(s).map(casetrail_model::start_of_local_day)
        }
    }
}

/// The earliest instant `document` was served (`legal_service_instant`), if it was.
pub fn served_at(file: &CaseFile, document: RecordId) -> Option<chrono::DateTime<chrono::Utc>> {
    services_of(file, document)
        .filter_map(|(_, s)| legal_service_instant(s))
        .min()
}

/// Finalized service records of `document`, with their bodies.
pub fn services_of(
    file: &CaseFile,
    document: RecordId,
) -> impl Iterator<Item = (RecordId, &ServiceRecord)> {
    file.live_records()
        .filter(|r| r.status == RecordStatus::Finalized)
        .filter_map(move |r| match &r.body {
            RecordBody::ServiceReceipt(s) if s.document == Some(document) => Some((r.id, s)),
            _ => None,
        })
}

/// The earliest legal service day of `document`, if it has been served.
pub fn served_on(file: &CaseFile, document: RecordId) -> Option<NaiveDate> {
    services_of(file, document)
        .filter_map(|(_, s)| legal_service_day(s))
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_method_has_its_service_date() {
        let at = "2026-11-27T17:30:00Z".parse().ok(); // 2026-11-28 01:30 Beijing time
        let day = NaiveDate::from_ymd_opt(2026, 11, 28);
        let mut s = ServiceRecord {
            method: Some(ServiceMethod::Direct),
            served_at: at,
            ..Default::default()
        };
        assert_eq!(legal_service_day(&s), day, "local date, not the UTC one");
        s.method = Some(ServiceMethod::LeaveAtPremises);
        assert_eq!(legal_service_day(&s), day);
        s.method = Some(ServiceMethod::Postal);
        assert_eq!(
            legal_service_day(&s),
            None,
            "mail counts from the return receipt"
        );
        s.return_receipt_on = NaiveDate::from_ymd_opt(2026, 12, 2);
        assert_eq!(legal_service_day(&s), s.return_receipt_on);
        s.method = Some(ServiceMethod::PublicNotice);
        s.published_at = at;
        assert_eq!(legal_service_day(&s), NaiveDate::from_ymd_opt(2026, 12, 28));
        s.method = Some(ServiceMethod::Electronic);
        assert_eq!(legal_service_day(&s), None);
        s.electronic_arrived_at = at;
        assert_eq!(legal_service_day(&s), day);
        s.method = None;
        assert_eq!(legal_service_day(&s), None);
    }
}
