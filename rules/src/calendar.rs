//! China's working-day calendar (工作日历): statutory holidays and 调休 make-up working days, from
//! the State Council General Office's annual notices, loaded from `rules/data/cn-workdays.toml`.
//!
//! A date is a working day if it is a listed make-up working day, or a Monday–Friday that is not
//! a listed holiday. Years the file does not cover, and years marked `provisional` (no notice
//! published yet), fall back to that rule with only the fixed holidays; any deadline computed
//! across such a year says so (`provisional`), so nobody relies on it blindly.
//!
//! Counting follows 民事诉讼法 §85 as 行政处罚法 applies it: the first day is not counted; a
//! period counted in calendar days that ends on a non-working day ends on the next working day.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;

/// The calendar data file, compiled in.
pub const DATA: &str = include_str!("../data/cn-workdays.toml");

#[derive(Debug, Deserialize)]
struct File {
    year: Vec<YearEntry>,
}

#[derive(Debug, Deserialize)]
struct YearEntry {
    year: i32,
    provisional: bool,
    notice: String,
    holidays: Vec<NaiveDate>,
    makeup_workdays: Vec<NaiveDate>,
}

/// Facts about one year of the calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearInfo {
    /// The notice it comes from.
    pub notice: String,
    /// No notice published yet: only the fixed holidays are known.
    pub provisional: bool,
}

/// The working-day calendar.
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    holidays: BTreeSet<NaiveDate>,
    makeup: BTreeSet<NaiveDate>,
    years: BTreeMap<i32, YearInfo>,
}

/// Why calendar data could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The TOML does not parse.
    #[error("calendar data does not parse: {0}")]
    Parse(String),
    /// A date sits in the wrong year table, or in both lists.
    #[error("calendar data is inconsistent: {0}")]
    Inconsistent(String),
}

impl WorkCalendar {
    /// Parses calendar data and checks it for consistency.
    pub fn parse(text: &str) -> Result<Self, CalendarError> {
        let file: File = toml::from_str(text).map_err(|e| CalendarError::Parse(e.to_string()))?;
        let mut cal = WorkCalendar::default();
        for y in file.year {
            for d in y.holidays.iter().chain(&y.makeup_workdays) {
                if d.year() != y.year {
                    return Err(CalendarError::Inconsistent(format!(
                        "{d} listed under {}",
                        y.year
                    )));
                }
            }
            for d in &y.makeup_workdays {
                if y.holidays.contains(d) {
                    return Err(CalendarError::Inconsistent(format!(
                        "{d} is both holiday and workday"
                    )));
                }
                if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                    return Err(CalendarError::Inconsistent(format!(
                        "make-up workday {d} is not a weekend day"
                    )));
                }
            }
            cal.holidays.extend(y.holidays);
            cal.makeup.extend(y.makeup_workdays);
            if cal
                .years
                .insert(
                    y.year,
                    YearInfo {
                        notice: y.notice,
                        provisional: y.provisional,
                    },
                )
                .is_some()
            {
                return Err(CalendarError::Inconsistent(format!(
                    "year {} listed twice",
                    y.year
                )));
            }
        }
        Ok(cal)
    }

    /// The compiled-in China calendar.
    pub fn china() -> &'static WorkCalendar {
        static CAL: OnceLock<WorkCalendar> = OnceLock::new();
        // The data is checked by a test; if it were ever broken, fall back to plain weekdays
        // (every deadline then reports itself provisional) rather than refuse to work.
        CAL.get_or_init(|| WorkCalendar::parse(DATA).unwrap_or_default())
    }

    /// Whether `day` is a working day.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.makeup.contains(&day) {
            return true;
        }
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&day)
    }

    /// Whether the calendar for `year` comes from a published notice.
    pub fn is_authoritative(&self, year: i32) -> bool {
        self.years.get(&year).is_some_and(|y| !y.provisional)
    }

    /// The years covered, with their source.
    pub fn years(&self) -> &BTreeMap<i32, YearInfo> {
        &self.years
    }

    /// The `n`th working day after `start` (start itself not counted). Returns the day and
    /// whether every year crossed is authoritative.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> (NaiveDate, bool) {
        let mut day = start;
        let mut left = n;
        let mut sure = self.is_authoritative(start.year());
        while left > 0 {
            day = day + Days::new(1);
            sure &= self.is_authoritative(day.year());
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        (day, sure)
    }

    /// A period of `n` calendar days after `start` (start not counted); if it ends on a
    /// non-working day it ends on the next working day (民诉法 §85).
    pub fn add_calendar_days(&self, start: NaiveDate, n: u32) -> (NaiveDate, bool) {
        self.roll_forward(start + Days::new(u64::from(n)))
    }

    /// A period of `n` months after `start`, rolled forward off non-working days. A day that does
    /// not exist in the target month (31 March + 1 month) becomes the month's last day.
    pub fn add_months(&self, start: NaiveDate, n: u32) -> (NaiveDate, bool) {
        let end = start
            .checked_add_months(chrono::Months::new(n))
            .unwrap_or(start);
        self.roll_forward(end)
    }

    fn roll_forward(&self, mut day: NaiveDate) -> (NaiveDate, bool) {
        let mut sure = self.is_authoritative(day.year());
        while !self.is_working_day(day) {
            day = day + Days::new(1);
            sure &= self.is_authoritative(day.year());
        }
        (day, sure)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_data_file_is_consistent_and_covers_2024_to_2027() {
        let cal = WorkCalendar::parse(DATA).unwrap();
        for y in 2024..=2027 {
            assert!(cal.years().contains_key(&y), "{y}");
        }
        assert!(
            cal.is_authoritative(2024) && cal.is_authoritative(2025) && cal.is_authoritative(2026)
        );
        assert!(
            !cal.is_authoritative(2027),
            "no 2027 notice yet: provisional"
        );
    }

    #[test]
    fn spring_festival_2025_with_its_make_up_saturdays() {
        let cal = WorkCalendar::china();
        // 2025-01-26 (Sun) and 2025-02-08 (Sat) are make-up working days; 01-28..02-04 off.
        assert!(cal.is_working_day(d("2025-01-26")));
        assert!(cal.is_working_day(d("2025-02-08")));
        for day in ["2025-01-28", "2025-01-31", "2025-02-03", "2025-02-04"] {
            assert!(!cal.is_working_day(d(day)), "{day}");
        }
        // 5 working days after Fri 2025-01-24: 01-26 (Sun, make-up), 01-27, 02-05, 02-06, 02-07.
        assert_eq!(
            cal.add_working_days(d("2025-01-24"), 5),
            (d("2025-02-07"), true)
        );
        // 7 working days after Mon 2025-01-27: 02-05, 06, 07, 08 (Sat, make-up), 10, 11, 12.
        assert_eq!(cal.add_working_days(d("2025-01-27"), 7).0, d("2025-02-12"));
    }

    #[test]
    fn national_day_2024() {
        let cal = WorkCalendar::china();
        assert!(cal.is_working_day(d("2024-09-29")), "Sunday make-up");
        assert!(cal.is_working_day(d("2024-10-12")), "Saturday make-up");
        assert!(!cal.is_working_day(d("2024-10-07")));
        // 3 working days after Fri 2024-09-27: 09-29 (Sun), 09-30, 10-08.
        assert_eq!(cal.add_working_days(d("2024-09-27"), 3).0, d("2024-10-08"));
        // 15 calendar days after 2024-09-22 end 2024-10-07, a holiday: roll to 10-08.
        assert_eq!(
            cal.add_calendar_days(d("2024-09-22"), 15).0,
            d("2024-10-08")
        );
    }

    #[test]
    fn first_day_not_counted_and_weekends() {
        let cal = WorkCalendar::china();
        // Mon 2026-03-02 + 5 WD = Mon 2026-03-09 (no holidays).
        assert_eq!(cal.add_working_days(d("2026-03-02"), 5).0, d("2026-03-09"));
        // A Saturday start: the first working day after it is Monday.
        assert_eq!(cal.add_working_days(d("2026-03-07"), 1).0, d("2026-03-09"));
        assert_eq!(cal.add_working_days(d("2026-03-02"), 0).0, d("2026-03-02"));
        // 30 calendar days after 2026-03-01 = 03-31 (Tue).
        assert_eq!(
            cal.add_calendar_days(d("2026-03-01"), 30).0,
            d("2026-03-31")
        );
        assert_eq!(cal.add_months(d("2026-03-31"), 6).0, d("2026-09-30"));
    }

    #[test]
    fn unknown_years_are_flagged_provisional() {
        let cal = WorkCalendar::china();
        let (_, sure) = cal.add_working_days(d("2027-12-20"), 10);
        assert!(!sure);
        let (_, sure) = cal.add_working_days(d("2030-06-03"), 2);
        assert!(!sure);
        assert!(WorkCalendar::parse("[[year]]\nyear = 2024\nprovisional = false\nnotice = \"x\"\nholidays = [2025-01-01]\nmakeup_workdays = []").is_err());
        assert!(WorkCalendar::parse("not toml [").is_err());
    }
}
