//! How much the back office takes, from whom, for how long: the quotas of each device and the
//! bounds of the HTTP server, in one place, each with a default fit for a district bureau and
//! configurable on `casetrail server run`.
//!
//! Without them the back office could be worn down by anyone who can reach it: bodies read
//! before the token is checked, connections left open, challenge rows written for nobody, a
//! device declaring 64 GiB uploads by the dozen or appending events forever.

use std::time::Duration;

use chrono::TimeDelta;

/// The limits of one back office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// The largest file accepted (a long body-camera video).
    pub max_file_bytes: u64,
    /// Uploads one device may have open (announced, not complete) at once.
    pub open_uploads: u32,
    /// Bytes of files one device may send per UTC day.
    pub bytes_per_day: u64,
    /// Journal events one device may send per UTC day.
    pub events_per_day: u64,
    /// An upload untouched this long is dropped (its device starts it again).
    pub partial_ttl: TimeDelta,
    /// Time to read a request's headers (also the idle time of a kept-alive connection).
    pub header_timeout: Duration,
    /// Time for a whole request, body included.
    pub request_timeout: Duration,
    /// Connections open at once; one more is closed as soon as it is accepted (and counted in
    /// the metrics), so a flood cannot exhaust the process's file descriptors.
    pub max_connections: usize,
    /// Requests answered at once.
    pub max_in_flight: usize,
    /// Challenges one device, or one address, may ask for per minute.
    pub challenges_per_minute: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 64 * 1024 * 1024 * 1024,
            open_uploads: 16,
            bytes_per_day: 64 * 1024 * 1024 * 1024,
            events_per_day: 200_000,
            partial_ttl: TimeDelta::days(7),
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(300),
            max_connections: 256,
            max_in_flight: 64,
            challenges_per_minute: 30,
        }
    }
}
