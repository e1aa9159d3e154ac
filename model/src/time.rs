//! The bureau's time zone. Enforcement happens in China: dates on documents, working days and
//! the end of a day period are Beijing time (UTC+8, no daylight saving), whatever zone a device
//! is set to.

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, Utc};

/// The zone the bureau works in: Asia/Shanghai, UTC+8.
pub const CHINA_OFFSET_S: i32 = 8 * 3600;

/// The bureau's zone as a chrono offset.
pub fn china_zone() -> FixedOffset {
    FixedOffset::east_opt(CHINA_OFFSET_S).unwrap_or_else(|| Utc.fix())
}

/// The instant a Beijing calendar day begins (00:00 UTC+8).
pub fn start_of_local_day(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
        - chrono::TimeDelta::seconds(i64::from(CHINA_OFFSET_S))
}

/// The Beijing calendar date of an instant.
pub fn local_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&china_zone()).date_naive()
}

#[cfg(test)]
mod start_of_day_tests {
    use super::*;

    #[test]
    fn a_beijing_day_begins_at_four_pm_utc_the_day_before() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 20).unwrap();
        let start = start_of_local_day(day);
        assert_eq!(start.to_rfc3339(), "2026-12-19T16:00:00+00:00");
        assert_eq!(local_date(start), day);
        assert_eq!(
            local_date(start - chrono::TimeDelta::seconds(1)),
            day.pred_opt().unwrap()
        );
    }
}
