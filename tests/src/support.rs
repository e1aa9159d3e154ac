//! Test support: seeded randomness that prints its seed, and re-running this test binary as a
//! child process in a given role (the self-re-exec pattern used for kill -9 tests).

use std::process::{Child, Command, Stdio};

/// A small, seeded xorshift generator: every randomised test prints its seed and accepts
/// `TEST_SEED` to replay a failure exactly.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// Seeded from `TEST_SEED` or the clock; prints the seed so a failure can be replayed.
    pub fn from_env(test: &str) -> Self {
        let seed = std::env::var("TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(1)
            });
        eprintln!("{test}: TEST_SEED={seed}");
        Self::new(seed)
    }

    /// A generator with a fixed seed.
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `lo..hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo).max(1)
    }
}

/// Spawns this test binary running only the test `name`, with `env` set, stdout piped.
pub fn spawn_self(name: &str, env: &[(&str, String)]) -> std::io::Result<Child> {
    let exe = std::env::current_exe()?;
    let mut cmd = Command::new(exe);
    cmd.args([name, "--exact", "--nocapture", "--test-threads", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn()
}

/// How many iterations a loop test runs: `env` if set, else `default`, times 25 under `SOAK=1`.
pub fn cycles(env: &str, default: u64) -> u64 {
    let base = std::env::var(env)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    if std::env::var("SOAK").is_ok_and(|v| v == "1") {
        base * 25
    } else {
        base
    }
}
