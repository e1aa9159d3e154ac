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

/// The Beijing calendar date of an instant.
pub fn local_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&china_zone()).date_naive()
}
