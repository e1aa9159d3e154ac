//! Test support: seeded randomness that prints its seed, and re-running this test binary as a
//! child process in a given role (the self-re-exec pattern used for kill -9 tests).
//!
//! A child that is to be killed *signals* what it is doing: one line on stdout per step
//! ([`signal`]). The parent reads them as they come ([`Signalling`]) and times its kill from
//! the child's own signals — after so many of its steps, then a random fraction of how long
//! the child's own last step took — never from a fixed delay on the wall clock, which a loaded
//! machine stretches until the kill lands before the child has started. So a kill loop is
//! exactly as strict on a busy 2-core machine as on an idle one.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

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

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
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

/// How long a parent waits for a child's next signal before calling it stuck. Generous on
/// purpose: it bounds a broken child, not a slow one (a child starting on a loaded machine can
/// take seconds before its first signal).
pub const SIGNAL_TIMEOUT: Duration = Duration::from_secs(300);

/// In a child: reports one step to the parent — one line on stdout, flushed at once. Written
/// to the handle itself, because the test harness captures `println!`.
pub fn signal(line: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()
}

/// A signal from a child: the line and when the parent read it.
#[derive(Debug, Clone)]
pub struct Signal {
    /// The line, without the test harness's `test name ... ` prefix.
    pub line: String,
    /// When the parent's reader saw it.
    pub at: Instant,
}

/// What a killed child left: every signal it gave, and whether it was still running when the
/// kill came (a child that had exited by itself was not killed at all — a test must say so).
#[derive(Debug)]
pub struct Killed {
    /// Every signal, in order, including those written just before the kill.
    pub signals: Vec<String>,
    /// False if the child had already exited (crashed or finished) before the kill.
    pub was_running: bool,
}

impl Killed {
    /// The last signal that `pred` accepts: where the child was when it died.
    pub fn last(&self, pred: impl Fn(&str) -> bool) -> Option<&str> {
        self.signals
            .iter()
            .rev()
            .map(String::as_str)
            .find(|l| pred(l))
    }
}

/// A child process of this test binary whose signals are read on a thread as they come. Killed
/// with SIGKILL when dropped, so a failing parent never leaves a child running.
#[derive(Debug)]
pub struct Signalling {
    child: Child,
    lines: Receiver<Signal>,
    reader: Option<JoinHandle<()>>,
    seen: Vec<String>,
}

impl Signalling {
    /// Spawns this test binary running only the test `name`, with `env` set.
    pub fn spawn(name: &str, env: &[(&str, String)]) -> std::io::Result<Self> {
        let mut child = spawn_self(name, env)?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| std::io::Error::other("child stdout not piped"))?;
        let (tx, lines) = mpsc::channel();
        let reader = std::thread::Builder::new()
            .name("child-signals".into())
            .spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    let signal = Signal {
                        line: strip_harness(&line).to_owned(),
                        at: Instant::now(),
                    };
                    if tx.send(signal).is_err() {
                        break;
                    }
                }
            })?;
        Ok(Self {
            child,
            lines,
            reader: Some(reader),
            seen: Vec::new(),
        })
    }

    /// The next signal. Panics, naming `what` was awaited and what the child said, if the
    /// child exits or stays silent for [`SIGNAL_TIMEOUT`].
    pub fn next(&mut self, what: &str) -> Signal {
        match self.lines.recv_timeout(SIGNAL_TIMEOUT) {
            Ok(s) => {
                self.seen.push(s.line.clone());
                s
            }
            Err(RecvTimeoutError::Timeout) => panic!(
                "child silent for {SIGNAL_TIMEOUT:?} while awaiting {what}; it said {:?}",
                self.seen
            ),
            Err(RecvTimeoutError::Disconnected) => panic!(
                "child exited ({:?}) while awaiting {what}; it said {:?}",
                self.child.try_wait(),
                self.seen
            ),
        }
    }

    /// The next signal that `pred` accepts (the ones before it are kept for [`Killed`]).
    pub fn wait_for(&mut self, what: &str, pred: impl Fn(&str) -> bool) -> Signal {
        loop {
            let s = self.next(what);
            if pred(&s.line) {
                return s;
            }
        }
    }

    /// Kills the child with SIGKILL now, reaps it, and collects every signal it gave.
    pub fn kill(mut self) -> std::io::Result<Killed> {
        let was_running = self.child.try_wait()?.is_none();
        if was_running {
            self.child.kill()?;
            self.child.wait()?;
        }
        // The pipe still holds what the child wrote before it died: read it to the end.
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        let mut signals = std::mem::take(&mut self.seen);
        signals.extend(self.lines.try_iter().map(|s| s.line));
        Ok(Killed {
            signals,
            was_running,
        })
    }
}

impl Drop for Signalling {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A line without the `test name ... ` that the harness writes, without a newline, before the
/// test's own output.
fn strip_harness(line: &str) -> &str {
    line.strip_prefix("test ")
        .and_then(|rest| rest.split_once(" ... "))
        .map_or(line, |(_, after)| after)
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
