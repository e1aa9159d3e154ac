//! Time as the device knows it: wall clock (UTC), zone offset, and a monotonic reading with the
//! boot it belongs to. The phone's wall clock can be wrong or jump; the monotonic clock and boot
//! id let a reader order and bound events even then (seq orders them regardless).
//!
//! The host can supply its own `Clock` (Android's `elapsedRealtimeNanos` and boot count); the
//! `SystemClock` here reads Linux's CLOCK_BOOTTIME and `/proc/sys/kernel/random/boot_id`.
//! Tests use `FixedClock` to simulate time.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use casetrail_model::CHINA_OFFSET_S;
use casetrail_protocol::journal::RecordedAt;
use chrono::{DateTime, DurationRound, TimeDelta, Utc};

/// A source of time readings.
pub trait Clock: Send + Sync {
    /// The current reading.
    fn now(&self) -> RecordedAt;
}

/// The operating system's clocks.
#[derive(Debug, Clone)]
pub struct SystemClock {
    boot: String,
    offset_s: i32,
}

impl SystemClock {
    /// Reads the boot id once; the zone offset is China's unless the host says otherwise.
    pub fn new() -> Self {
        let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
            .map(|s| s.trim().to_owned())
            .unwrap_or_else(|_| "unknown".to_owned());
        Self {
            boot,
            offset_s: CHINA_OFFSET_S,
        }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> RecordedAt {
        let ts = rustix::time::clock_gettime(rustix::time::ClockId::Boottime);
        let mono_ns = (ts.tv_sec as u64)
            .saturating_mul(1_000_000_000)
            .saturating_add(ts.tv_nsec as u64);
        RecordedAt {
            utc: truncate_micros(Utc::now()),
            offset_s: self.offset_s,
            mono_ns,
            boot: self.boot.clone(),
        }
    }
}

/// Drops sub-microsecond precision so the stored time has one spelling everywhere.
pub fn truncate_micros(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(t)
}

/// A clock the caller sets: tests and simulations. Each reading advances the monotonic clock
/// by one microsecond so readings stay distinct.
#[derive(Debug)]
pub struct FixedClock {
    utc_us: AtomicI64,
    mono_ns: AtomicU64,
}

impl FixedClock {
    /// A clock showing `at`.
    pub fn new(at: DateTime<Utc>) -> Self {
        Self {
            utc_us: AtomicI64::new(at.timestamp_micros()),
            mono_ns: AtomicU64::new(1_000_000),
        }
    }

    /// Sets the wall clock (it may go backwards: the monotonic clock does not).
    pub fn set(&self, at: DateTime<Utc>) {
        self.utc_us.store(at.timestamp_micros(), Ordering::SeqCst);
    }

    /// Moves both clocks forward.
    pub fn advance(&self, by: TimeDelta) {
        self.utc_us
            .fetch_add(by.num_microseconds().unwrap_or(0), Ordering::SeqCst);
        self.mono_ns.fetch_add(
            by.num_nanoseconds().unwrap_or(0).max(0) as u64,
            Ordering::SeqCst,
        );
    }
}

impl Clock for FixedClock {
    fn now(&self) -> RecordedAt {
        let us = self.utc_us.load(Ordering::SeqCst);
        RecordedAt {
            utc: DateTime::from_timestamp_micros(us).unwrap_or_default(),
            offset_s: CHINA_OFFSET_S,
            mono_ns: self.mono_ns.fetch_add(1_000, Ordering::SeqCst),
            boot: "fixed-clock".to_owned(),
        }
    }
}
