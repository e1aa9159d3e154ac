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

/// The reference photos: the committed fixtures, plus the two large ones when
/// `scripts/fetch-photos` has put them in `.tools/photos/`. Returns (file name, path).
pub fn photos() -> Vec<(String, std::path::PathBuf)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out = Vec::new();
    for dir in [
        "tests/fixtures/photos",
        "tests/fixtures/photos/synthetic",
        ".tools/photos",
    ] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".jpg") || name.ends_with(".mpo") {
                out.push((name, e.path()));
            }
        }
    }
    out.sort();
    out
}

/// The files of `tests/fixtures/photos/bad/`.
pub fn bad_photos() -> Vec<(String, std::path::PathBuf)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/photos/bad");
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Peak resident memory of this process so far, in bytes (Linux `VmHWM`).
pub fn peak_rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<u64>().ok())
            })
        })
        .map(|kb| kb * 1024)
        .unwrap_or(0)
}
