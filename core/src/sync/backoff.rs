//! When to try again after a transient failure: capped exponential backoff with full jitter
//! (AWS Architecture Blog, "Exponential Backoff And Jitter"), and the server's `Retry-After`
//! honoured up to the same cap, so a fleet of phones coming back online does not hammer the
//! back office in step and a hostile server cannot park a phone for days.

use std::time::Duration;

/// A backoff policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The first delay's upper bound.
    pub base: Duration,
    /// No delay is longer than this (reliability F11: ≤ 5 min).
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            base: Duration::from_secs(1),
            cap: Duration::from_secs(300),
        }
    }
}

impl Backoff {
    /// The delay before retry number `attempt` (0 for the first retry). `retry_after` is what
    /// the server asked for; `random` is any random value (full jitter picks uniformly in
    /// `0..=min(cap, base·2^attempt)`).
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>, random: u64) -> Duration {
        if let Some(asked) = retry_after {
            return asked.min(self.cap);
        }
        let ceiling = self
            .base
            .saturating_mul(1u32.checked_shl(attempt.min(20)).unwrap_or(u32::MAX))
            .min(self.cap);
        let millis = ceiling.as_millis() as u64;
        Duration::from_millis(random % (millis + 1))
    }

    /// `delay` with fresh randomness.
    pub fn next_delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let mut bytes = [0u8; 8];
        // Without randomness, fall back to the ceiling: slower, never a hot loop.
        let random = match getrandom::fill(&mut bytes) {
            Ok(()) => u64::from_le_bytes(bytes),
            Err(_) => u64::MAX,
        };
        self.delay(attempt, retry_after, random)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_exponentially_and_is_capped() {
        let b = Backoff::default();
        // With the largest random value the delay is the ceiling itself.
        let ceilings: Vec<u64> = (0..12)
            .map(|a| b.delay(a, None, u64::MAX).as_secs())
            .collect();
        // Full jitter draws in 0..=ceiling; u64::MAX % (ceiling+1) is not the ceiling, so check
        // the bound instead.
        for (attempt, c) in ceilings.iter().enumerate() {
            let ceiling = (1u64 << attempt).min(300);
            assert!(*c <= ceiling, "attempt {attempt}: {c} > {ceiling}");
        }
        assert!(b.delay(40, None, 299_999) <= Duration::from_secs(300));
        assert_eq!(b.delay(40, None, 300_000), Duration::from_secs(300));
    }

    #[test]
    fn jitter_spreads_delays() {
        let b = Backoff::default();
        let delays: std::collections::BTreeSet<_> =
            (0..50).map(|_| b.next_delay(6, None)).collect();
        assert!(delays.len() > 10, "{delays:?}");
        assert!(delays.iter().all(|d| *d <= Duration::from_secs(64)));
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let b = Backoff::default();
        assert_eq!(
            b.delay(0, Some(Duration::from_secs(2)), 0),
            Duration::from_secs(2)
        );
        assert_eq!(
            b.delay(0, Some(Duration::from_secs(86_400)), 0),
            Duration::from_secs(300)
        );
    }
}
