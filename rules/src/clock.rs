//! Time you can trust: which events of a case were recorded while the phone's wall clock was
//! off. Every event carries the wall clock and a monotonic reading with its boot id, and each
//! sync journals the wall clock's skew against the back office's (`device.clock_skew`). Two
//! things give a clock away:
//!
//! - **a jump**: between two consecutive events of one chain in the same boot, the wall clock
//!   moved more than `SKEW_LIMIT` away from the monotonic clock (someone set it, ±10 years or
//!   five minutes);
//! - **a skew**: an event in the same boot as a skew observation, whose wall time, carried
//!   from that observation along the monotonic clock, is more than `SKEW_LIMIT` off the back
//!   office's.
//!
//! Guarantees: pure (the caller gives the events); nothing here reorders anything — order is
//! the chain's `seq`, never the wall clock; a flag names the event and the size of the skew.

use casetrail_protocol::DeviceId;
use casetrail_protocol::journal::RecordedAt;

/// How far the wall clock may be off before the events recorded under it are flagged.
pub const SKEW_LIMIT_MS: i64 = 5 * 60 * 1000;

/// One event of a case, with the reading of the event just before it in its chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimedEvent {
    /// Its chain.
    pub device: DeviceId,
    /// Its place in the chain.
    pub seq: u64,
    /// Its clocks.
    pub at: RecordedAt,
    /// The clocks of the chain's previous event, if there is one.
    pub prev: Option<RecordedAt>,
}

/// A skew the device observed against the back office during a sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkewAnchor {
    /// The chain.
    pub device: DeviceId,
    /// The observation's place in the chain.
    pub seq: u64,
    /// Its clocks.
    pub at: RecordedAt,
    /// Device time minus back-office time, milliseconds.
    pub skew_ms: i64,
}

/// Why an event's time is not to be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockFlagKind {
    /// The wall clock jumped just before it.
    Jump,
    /// The wall clock was off the back office's by this much.
    Skew,
}

/// An event recorded under a wall clock that was off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockFlag {
    /// The chain.
    pub device: DeviceId,
    /// The event.
    pub seq: u64,
    /// Which evidence gave it away.
    pub kind: ClockFlagKind,
    /// How far off, milliseconds (positive: the wall clock ahead).
    pub skew_ms: i64,
}

/// Wall-clock time minus monotonic time from `a` to `b`, if both are of one boot.
fn drift_ms(a: &RecordedAt, b: &RecordedAt) -> Option<i64> {
    if a.boot != b.boot {
        return None;
    }
    let wall = (b.utc - a.utc).num_milliseconds();
    let mono = (b.mono_ns as i128 - a.mono_ns as i128) / 1_000_000;
    Some(wall - i64::try_from(mono).ok()?)
}

/// The events of `timeline` recorded under a clock more than `SKEW_LIMIT_MS` off, each once
/// (a jump before a skew), in the order given.
pub fn clock_flags(timeline: &[TimedEvent], anchors: &[SkewAnchor]) -> Vec<ClockFlag> {
    let mut out = Vec::new();
    for e in timeline {
        let jump = e.prev.as_ref().and_then(|p| drift_ms(p, &e.at));
        if let Some(d) = jump.filter(|d| d.abs() > SKEW_LIMIT_MS) {
            out.push(ClockFlag {
                device: e.device,
                seq: e.seq,
                kind: ClockFlagKind::Jump,
                skew_ms: d,
            });
            continue;
        }
        // The nearest observation of this chain in the same boot, carried along the monotonic
        // clock: the skew then, plus how far the wall clock drifted since.
        let skew = anchors
            .iter()
            .filter(|a| a.device == e.device)
            .filter_map(|a| drift_ms(&a.at, &e.at).map(|d| (a.seq.abs_diff(e.seq), a.skew_ms + d)))
            .min_by_key(|(distance, _)| *distance)
            .map(|(_, skew)| skew);
        if let Some(s) = skew.filter(|s| s.abs() > SKEW_LIMIT_MS) {
            out.push(ClockFlag {
                device: e.device,
                seq: e.seq,
                kind: ClockFlagKind::Skew,
                skew_ms: s,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, TimeDelta, Utc};

    fn at(utc: DateTime<Utc>, mono_s: u64, boot: &str) -> RecordedAt {
        RecordedAt {
            utc,
            offset_s: 28_800,
            mono_ns: mono_s * 1_000_000_000,
            boot: boot.into(),
        }
    }

    fn t0() -> DateTime<Utc> {
        "2026-12-01T01:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_clock_set_ten_years_ahead_or_back_is_a_jump_naming_its_size() {
        let device = DeviceId::new();
        let ten_years = TimeDelta::days(3652);
        let a = at(t0(), 100, "b1");
        let ahead = at(t0() + ten_years + TimeDelta::seconds(60), 160, "b1");
        let back = at(t0() + TimeDelta::seconds(120), 220, "b1");
        let timeline = vec![
            TimedEvent {
                device,
                seq: 2,
                at: ahead.clone(),
                prev: Some(a),
            },
            TimedEvent {
                device,
                seq: 3,
                at: back,
                prev: Some(ahead),
            },
        ];
        let flags = clock_flags(&timeline, &[]);
        assert_eq!(flags.len(), 2);
        assert!(flags.iter().all(|f| f.kind == ClockFlagKind::Jump));
        assert_eq!(flags[0].skew_ms, ten_years.num_milliseconds());
        assert_eq!(flags[1].skew_ms, -ten_years.num_milliseconds());
    }

    #[test]
    fn a_steady_clock_and_a_reboot_are_not_flagged() {
        let device = DeviceId::new();
        let a = at(t0(), 100, "b1");
        let b = at(t0() + TimeDelta::seconds(90), 190, "b1");
        // After a reboot the monotonic clock restarts: nothing can be said from it.
        let c = at(t0() + TimeDelta::hours(3), 5, "b2");
        let timeline = vec![
            TimedEvent {
                device,
                seq: 2,
                at: b.clone(),
                prev: Some(a),
            },
            TimedEvent {
                device,
                seq: 3,
                at: c,
                prev: Some(b),
            },
        ];
        assert!(clock_flags(&timeline, &[]).is_empty());
    }

    #[test]
    fn a_skew_seen_at_a_sync_flags_the_events_of_that_boot() {
        let device = DeviceId::new();
        // At the sync the phone was 7 minutes ahead; an hour earlier on the monotonic clock it
        // recorded an event whose wall clock ran with it: 7 minutes ahead too.
        let sync = at(t0() + TimeDelta::hours(1), 3_700, "b1");
        let anchor = SkewAnchor {
            device,
            seq: 9,
            at: sync,
            skew_ms: 7 * 60_000,
        };
        let event = TimedEvent {
            device,
            seq: 4,
            at: at(t0(), 100, "b1"),
            prev: None,
        };
        let flags = clock_flags(std::slice::from_ref(&event), std::slice::from_ref(&anchor));
        assert_eq!(flags.len(), 1);
        assert_eq!(
            (flags[0].kind, flags[0].skew_ms),
            (ClockFlagKind::Skew, 7 * 60_000)
        );
        // Two minutes off is within the limit; another boot cannot be judged.
        let small = SkewAnchor {
            skew_ms: 2 * 60_000,
            ..anchor.clone()
        };
        assert!(clock_flags(std::slice::from_ref(&event), &[small]).is_empty());
        let other_boot = TimedEvent {
            at: at(t0(), 100, "b0"),
            ..event
        };
        assert!(clock_flags(&[other_boot], &[anchor]).is_empty());
    }
}
