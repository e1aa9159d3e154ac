//! A scriptable loopback TCP proxy that injects network faults between a device HTTP client and
//! the back-office server.
//!
//! Why: the reliability scenarios S10/S11/S17/S18 need the network to misbehave on purpose —
//! connections cut mid-request and mid-response, stalls, resets, corrupted bytes, slow links —
//! and to do so reproducibly, which a real network never does.
//!
//! What it guarantees: each accepted TCP connection takes exactly one [`Fault`] (the next queued
//! one, else the default), and that fault happens exactly where scripted: a cut after `k` bytes
//! forwards exactly `k` bytes (the proxy never reads past the budget), a flipped byte is exactly
//! the one at offset `k`. [`ProxyStats`] counts what went through so a test can assert it. The
//! proxy uses only std threads and sockets; I/O errors end the affected connection, never panic.
//! Dropping the proxy stops it: live connections are closed and every thread is joined.
//!
//! A fault applies per connection, not per request: HTTP clients reuse keep-alive connections.

use std::collections::VecDeque;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How often blocked reads, writes and sleeps look at the stop and kill flags.
const POLL: Duration = Duration::from_millis(50);
/// Largest read forwarded in one piece.
const CHUNK: usize = 16 * 1024;
/// How long to wait for the upstream to accept a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// What the proxy does to one TCP connection.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Fault {
    /// Forward everything both ways, with half-close (FIN) passed on.
    #[default]
    Pass,
    /// Forward `k` bytes client→server, then close both sides (a cut mid-request).
    CutUpstreamAfter(u64),
    /// Forward `k` bytes server→client, then close both sides (a cut mid-response).
    CutDownstreamAfter(u64),
    /// Forward `k` bytes client→server, then stop reading and close without a FIN.
    ///
    /// std has no stable `SO_LINGER`, so the reset is the kernel's own: closing a socket whose
    /// received data was never read sends RST. The client is therefore reset whenever it sent
    /// more than `k` bytes (the usual case: `k` inside a request); if it sent exactly `k` and
    /// waits, it sees an ordinary close instead.
    ResetAfter(u64),
    /// Forward nothing either way for the duration (the upstream is never contacted), then close.
    Stall(Duration),
    /// Forward server→client one byte per write with `delay` after each byte.
    Slice {
        /// Pause after each byte.
        delay: Duration,
    },
    /// Limit each direction to `bytes_per_sec` (0 is treated as 1).
    Throttle {
        /// Bandwidth per direction.
        bytes_per_sec: u64,
    },
    /// Flip (xor 0xFF) the byte at offset `k` of the client→server stream; pass all else.
    FlipUpstreamByte(u64),
    /// Accept, then close at once without contacting the upstream.
    Refuse,
}

/// Counters since the proxy started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProxyStats {
    /// Connections accepted from clients.
    pub connections: u64,
    /// Bytes forwarded client→server.
    pub bytes_upstream: u64,
    /// Bytes forwarded server→client.
    pub bytes_downstream: u64,
    /// Connections that were given a fault other than [`Fault::Pass`].
    pub faults_applied: u64,
}

/// A fault-injecting proxy on `127.0.0.1`, forwarding to one upstream; runs until dropped.
#[derive(Debug)]
pub struct FaultProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl FaultProxy {
    /// Binds `127.0.0.1:0` and starts forwarding every connection to `upstream`.
    pub fn start(upstream: SocketAddr) -> io::Result<FaultProxy> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let worker = Arc::clone(&shared);
        let accept = thread::Builder::new()
            .name("fault-proxy-accept".into())
            .spawn(move || accept_loop(&listener, upstream, &worker))?;
        Ok(FaultProxy {
            addr,
            shared,
            accept: Some(accept),
        })
    }

    /// The address clients connect to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL clients use, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Queues `fault` for the next accepted connection (after those already queued).
    pub fn push(&self, fault: Fault) {
        self.shared.script().queue.push_back(fault);
    }

    /// Sets the fault for connections accepted while the queue is empty (initially `Pass`).
    pub fn set_default(&self, fault: Fault) {
        self.shared.script().default = fault;
    }

    /// Empties the queue and resets the default to `Pass`.
    pub fn clear(&self) {
        let mut script = self.shared.script();
        script.queue.clear();
        script.default = Fault::Pass;
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> ProxyStats {
        let s = &self.shared;
        ProxyStats {
            connections: s.connections.load(Ordering::SeqCst),
            bytes_upstream: s.bytes_upstream.load(Ordering::SeqCst),
            bytes_downstream: s.bytes_downstream.load(Ordering::SeqCst),
            faults_applied: s.faults_applied.load(Ordering::SeqCst),
        }
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join(); // the accept thread joins every connection thread
        }
    }
}

/// The fault script: queued faults first, then the default.
#[derive(Debug, Default)]
struct Script {
    queue: VecDeque<Fault>,
    default: Fault,
}

/// State shared by the handle and all proxy threads.
#[derive(Debug, Default)]
struct Shared {
    stop: AtomicBool,
    script: Mutex<Script>,
    connections: AtomicU64,
    bytes_upstream: AtomicU64,
    bytes_downstream: AtomicU64,
    faults_applied: AtomicU64,
}

impl Shared {
    fn script(&self) -> MutexGuard<'_, Script> {
        self.script.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Counts a new connection and hands it its fault.
    fn take_fault(&self) -> Fault {
        let fault = {
            let mut script = self.script();
            script
                .queue
                .pop_front()
                .unwrap_or_else(|| script.default.clone())
        };
        self.connections.fetch_add(1, Ordering::SeqCst);
        if fault != Fault::Pass {
            self.faults_applied.fetch_add(1, Ordering::SeqCst);
        }
        fault
    }

    /// Sleeps for `d`, waking early if the proxy stops; false if it stopped.
    fn nap(&self, d: Duration) -> bool {
        let end = Instant::now() + d;
        loop {
            if self.stopped() {
                return false;
            }
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return true;
            }
            thread::sleep(left.min(POLL));
        }
    }
}

fn accept_loop(listener: &TcpListener, upstream: SocketAddr, shared: &Arc<Shared>) {
    let mut conns: Vec<JoinHandle<()>> = Vec::new();
    while !shared.stopped() {
        match listener.accept() {
            Ok((client, _)) => {
                let fault = shared.take_fault();
                let worker = Arc::clone(shared);
                conns.retain(|h| !h.is_finished());
                // If the thread cannot be spawned the client is dropped, i.e. closed.
                if let Ok(h) = thread::Builder::new()
                    .name("fault-proxy-conn".into())
                    .spawn(move || serve(client, upstream, fault, &worker))
                {
                    conns.push(h);
                }
            }
            Err(_) => thread::sleep(Duration::from_millis(5)),
        }
    }
    for h in conns {
        let _ = h.join();
    }
}

/// Runs one client connection under `fault`; returns when it is over.
fn serve(client: TcpStream, upstream: SocketAddr, fault: Fault, shared: &Arc<Shared>) {
    match fault {
        Fault::Refuse => {}
        Fault::Stall(d) => {
            shared.nap(d);
            let _ = client.shutdown(Shutdown::Both);
        }
        _ => {
            let _ = forward(client, upstream, fault, shared);
        }
    }
}

/// Connects to the upstream and pumps both directions until the connection is over.
fn forward(
    client: TcpStream,
    upstream: SocketAddr,
    fault: Fault,
    shared: &Arc<Shared>,
) -> io::Result<()> {
    client.set_nonblocking(false)?;
    let server = TcpStream::connect_timeout(&upstream, CONNECT_TIMEOUT)?;
    for s in [&client, &server] {
        s.set_nodelay(true)?;
        s.set_read_timeout(Some(POLL))?;
        s.set_write_timeout(Some(POLL))?;
    }
    let conn = Arc::new(Conn {
        client,
        server,
        killed: AtomicBool::new(false),
    });
    let pump = |dir| Pump {
        dir,
        fault: fault.clone(),
        conn: Arc::clone(&conn),
        shared: Arc::clone(shared),
    };
    let (up, down) = (pump(Dir::Up), pump(Dir::Down));
    drop(conn); // the pumps own the sockets: they close when both pumps are done
    let down = thread::Builder::new()
        .name("fault-proxy-down".into())
        .spawn(move || down.run())?;
    up.run();
    let _ = down.join();
    Ok(())
}

/// Which way a pump copies.
#[derive(Debug, Clone, Copy)]
enum Dir {
    /// client→server
    Up,
    /// server→client
    Down,
}

/// How a pump ends the connection.
#[derive(Debug, Clone, Copy)]
enum End {
    /// Shut down both sockets both ways (FIN to both peers).
    Cut,
    /// Just let go of the sockets: unread received data makes the kernel send RST.
    Reset,
}

/// One proxied connection: both sockets, and whether a pump has ended it.
#[derive(Debug)]
struct Conn {
    client: TcpStream,
    server: TcpStream,
    killed: AtomicBool,
}

impl Conn {
    /// Ends the connection; only the first call counts, so a cut stays a cut and a reset a reset.
    fn kill(&self, end: End) {
        if !self.killed.swap(true, Ordering::SeqCst) && matches!(end, End::Cut) {
            let _ = self.client.shutdown(Shutdown::Both);
            let _ = self.server.shutdown(Shutdown::Both);
        }
    }

    fn killed(&self) -> bool {
        self.killed.load(Ordering::SeqCst)
    }
}

/// Copies one direction of a connection, applying the fault.
struct Pump {
    dir: Dir,
    fault: Fault,
    conn: Arc<Conn>,
    shared: Arc<Shared>,
}

impl Pump {
    /// Bytes this direction may forward before the connection ends, and how it ends.
    fn budget(&self) -> Option<(u64, End)> {
        match (self.dir, &self.fault) {
            (Dir::Up, Fault::CutUpstreamAfter(k)) | (Dir::Down, Fault::CutDownstreamAfter(k)) => {
                Some((*k, End::Cut))
            }
            (Dir::Up, Fault::ResetAfter(k)) => Some((*k, End::Reset)),
            _ => None,
        }
    }

    fn run(self) {
        if let Some(end) = self.pump() {
            self.conn.kill(end);
        }
    }

    /// Forwards until EOF (passed on as a half-close: `None`) or until the connection must end.
    fn pump(&self) -> Option<End> {
        let (mut from, to) = match self.dir {
            Dir::Up => (&self.conn.client, &self.conn.server),
            Dir::Down => (&self.conn.server, &self.conn.client),
        };
        let budget = self.budget();
        let started = Instant::now();
        let mut buf = vec![0u8; CHUNK];
        let mut sent = 0u64;
        loop {
            if let Some((_, end)) = budget.filter(|(k, _)| sent >= *k) {
                return Some(end);
            }
            if self.conn.killed() || self.shared.stopped() {
                return Some(End::Cut); // no-op if another pump already ended the connection
            }
            // Never read past the budget, so a cut or reset lands exactly at `k`.
            let left = budget.map_or(CHUNK, |(k, _)| usize::try_from(k - sent).unwrap_or(CHUNK));
            let cap = match &self.fault {
                Fault::Slice { .. } if matches!(self.dir, Dir::Down) => 1,
                Fault::Throttle { bytes_per_sec } => {
                    usize::try_from(bytes_per_sec / 20).unwrap_or(CHUNK).max(1)
                }
                _ => CHUNK,
            }
            .min(left)
            .min(CHUNK);
            let n = match from.read(&mut buf[..cap]) {
                Ok(0) => {
                    let _ = to.shutdown(Shutdown::Write);
                    return None;
                }
                Ok(n) => n,
                Err(e) if transient(&e) => continue,
                Err(_) => return Some(End::Cut),
            };
            match (self.dir, &self.fault) {
                (Dir::Up, Fault::FlipUpstreamByte(k)) => {
                    let at = k.checked_sub(sent).and_then(|i| usize::try_from(i).ok());
                    if let Some(b) = at.and_then(|i| buf[..n].get_mut(i)) {
                        *b ^= 0xFF;
                    }
                }
                (_, Fault::Throttle { bytes_per_sec }) => {
                    let due = Duration::from_secs_f64(sent as f64 / (*bytes_per_sec).max(1) as f64);
                    self.shared.nap(due.saturating_sub(started.elapsed()));
                }
                _ => {}
            }
            if !self.send(to, &buf[..n]) {
                return Some(End::Cut);
            }
            sent += n as u64;
            if let (Dir::Down, Fault::Slice { delay }) = (self.dir, &self.fault) {
                self.shared.nap(*delay);
            }
        }
    }

    /// Writes all of `data`, counting it; false if the connection failed, was killed or stopped.
    fn send(&self, mut to: &TcpStream, mut data: &[u8]) -> bool {
        let counter = match self.dir {
            Dir::Up => &self.shared.bytes_upstream,
            Dir::Down => &self.shared.bytes_downstream,
        };
        while !data.is_empty() {
            if self.conn.killed() || self.shared.stopped() {
                return false;
            }
            match to.write(data) {
                Ok(0) => return false,
                Ok(n) => {
                    counter.fetch_add(n as u64, Ordering::SeqCst);
                    data = &data[n..];
                }
                Err(e) if transient(&e) => {}
                Err(_) => return false,
            }
        }
        true
    }
}

/// A timeout or interruption: try again after checking the flags.
fn transient(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::{self, Receiver};

    /// An echo server; reports every byte each connection received, and how many it accepted.
    fn echo() -> (SocketAddr, Receiver<Vec<u8>>, Arc<AtomicU64>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = mpsc::channel();
        let accepted = Arc::new(AtomicU64::new(0));
        let count = Arc::clone(&accepted);
        thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                count.fetch_add(1, Ordering::SeqCst);
                let tx = tx.clone();
                thread::spawn(move || {
                    let (mut got, mut buf) = (Vec::new(), [0u8; 8192]);
                    while let Ok(n @ 1..) = stream.read(&mut buf) {
                        got.extend_from_slice(&buf[..n]);
                        let _ = stream.write_all(&buf[..n]);
                    }
                    let _ = stream.shutdown(Shutdown::Write);
                    let _ = tx.send(got);
                });
            }
        });
        (addr, rx, accepted)
    }

    /// A proxy in front of a fresh echo server, with `fault` queued.
    fn setup(fault: Fault) -> (FaultProxy, Receiver<Vec<u8>>, Arc<AtomicU64>) {
        let (addr, received, accepted) = echo();
        let proxy = FaultProxy::start(addr).unwrap();
        proxy.push(fault);
        (proxy, received, accepted)
    }

    fn upstream_got(received: &Receiver<Vec<u8>>) -> Vec<u8> {
        received.recv_timeout(Duration::from_secs(3)).unwrap()
    }

    fn pattern(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 31 % 251) as u8).collect()
    }

    /// Sends `data` then FIN while reading everything back: what came back, and how reading ended.
    fn exchange(proxy: &FaultProxy, data: &[u8]) -> (Vec<u8>, io::Result<()>) {
        let mut s = TcpStream::connect(proxy.addr()).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
        let (mut w, data) = (s.try_clone().unwrap(), data.to_vec());
        let writer = thread::spawn(move || {
            let _ = w.write_all(&data);
            let _ = w.shutdown(Shutdown::Write);
        });
        let (mut got, mut buf) = (Vec::new(), [0u8; 8192]);
        let end = loop {
            match s.read(&mut buf) {
                Ok(0) => break Ok(()),
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) => break Err(e),
            }
        };
        writer.join().unwrap();
        (got, end)
    }

    /// The connection was closed (EOF or error), not left hanging until the read timeout.
    fn assert_closed(end: &io::Result<()>) {
        if let Err(e) = end {
            assert!(!transient(e), "connection left hanging: {e}");
        }
    }

    #[test]
    fn pass_round_trips_one_mib_intact() {
        let (proxy, received, _) = setup(Fault::Pass);
        let data = pattern(1 << 20);
        let (back, end) = exchange(&proxy, &data);
        end.unwrap();
        assert!(back == data, "echo differs");
        assert!(
            upstream_got(&received) == data,
            "upstream received different bytes"
        );
        let stats = ProxyStats {
            connections: 1,
            bytes_upstream: 1 << 20,
            bytes_downstream: 1 << 20,
            faults_applied: 0,
        };
        assert_eq!(proxy.stats(), stats);
        assert_eq!(
            proxy.url(),
            format!("http://127.0.0.1:{}", proxy.addr().port())
        );
    }

    #[test]
    fn cut_upstream_delivers_exactly_k_then_closes() {
        let (proxy, received, _) = setup(Fault::CutUpstreamAfter(1000));
        let data = pattern(10_000);
        let (back, end) = exchange(&proxy, &data);
        assert_closed(&end);
        assert!(back.len() <= 1000);
        assert_eq!(upstream_got(&received), data[..1000]);
        assert_eq!(proxy.stats().bytes_upstream, 1000);
    }

    #[test]
    fn cut_downstream_delivers_exactly_k() {
        let (proxy, _, _) = setup(Fault::CutDownstreamAfter(1234));
        let data = pattern(10_000);
        let (back, end) = exchange(&proxy, &data);
        assert_closed(&end);
        assert_eq!(back, data[..1234]);
        assert_eq!(proxy.stats().bytes_downstream, 1234);
    }

    #[test]
    fn reset_after_k_resets_the_client() {
        let (proxy, received, _) = setup(Fault::ResetAfter(1000));
        let (_, end) = exchange(&proxy, &pattern(5000));
        assert_eq!(upstream_got(&received), pattern(1000));
        if cfg!(target_os = "linux") {
            assert_eq!(end.unwrap_err().kind(), ErrorKind::ConnectionReset);
        } else {
            assert_closed(&end);
        }
    }

    #[test]
    fn flip_alters_exactly_that_byte() {
        let (proxy, received, _) = setup(Fault::FlipUpstreamByte(500));
        let mut want = pattern(2000);
        let (back, end) = exchange(&proxy, &want);
        end.unwrap();
        want[500] ^= 0xFF;
        assert_eq!(upstream_got(&received), want);
        assert_eq!(back, want);
    }

    #[test]
    fn stall_forwards_nothing_then_closes() {
        // The stall outlasts the client's read timeout by far more than a loaded machine
        // delays a thread, so the read times out inside it even under load.
        let (proxy, _, accepted) = setup(Fault::Stall(Duration::from_millis(1_000)));
        let start = Instant::now();
        let mut s = TcpStream::connect(proxy.addr()).unwrap();
        s.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
        s.set_read_timeout(Some(Duration::from_millis(250)))
            .unwrap();
        let err = s.read(&mut [0u8; 64]).unwrap_err();
        assert!(
            transient(&err),
            "expected a timeout during the stall, got {err}"
        );
        s.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
        assert_closed(&s.read(&mut [0u8; 64]).map(|n| assert_eq!(n, 0)));
        assert!(start.elapsed() >= Duration::from_millis(1_000));
        assert_eq!(accepted.load(Ordering::SeqCst), 0, "upstream was contacted");
    }

    #[test]
    fn slice_dribbles_the_response() {
        let (proxy, _, _) = setup(Fault::Slice {
            delay: Duration::from_millis(20),
        });
        let start = Instant::now();
        let (back, end) = exchange(&proxy, b"0123456789");
        end.unwrap();
        assert_eq!(back, b"0123456789");
        assert!(start.elapsed() >= Duration::from_millis(180));
    }

    #[test]
    fn throttle_limits_bandwidth() {
        let (proxy, _, _) = setup(Fault::Throttle {
            bytes_per_sec: 64 * 1024,
        });
        let data = pattern(128 * 1024);
        let start = Instant::now();
        let (back, end) = exchange(&proxy, &data);
        end.unwrap();
        let took = start.elapsed();
        assert!(back == data, "throttled echo differs");
        assert!(
            took >= Duration::from_millis(1500),
            "128 KiB at 64 KiB/s took only {took:?}"
        );
    }

    #[test]
    fn queue_order_default_clear_and_stats() {
        let (proxy, _, _) = setup(Fault::CutDownstreamAfter(10));
        proxy.push(Fault::Refuse);
        proxy.set_default(Fault::CutDownstreamAfter(20));
        let data = pattern(100);
        let lens: Vec<usize> = (0..3).map(|_| exchange(&proxy, &data).0.len()).collect();
        assert_eq!(lens, [10, 0, 20]);
        proxy.clear();
        assert_eq!(exchange(&proxy, &data).0, data);
        // Upstream counts may trail the cuts by a moment (longer on a loaded machine); let
        // them settle. The deadline only bounds a count that never arrives.
        let want = ProxyStats {
            connections: 4,
            bytes_upstream: 300,
            bytes_downstream: 130,
            faults_applied: 3,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while proxy.stats() != want && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(proxy.stats(), want);
    }

    #[test]
    fn drop_closes_live_connections() {
        let (proxy, _, _) = setup(Fault::Pass);
        let mut s = TcpStream::connect(proxy.addr()).unwrap();
        let mut buf = [0u8; 4];
        s.write_all(b"ping").unwrap();
        s.read_exact(&mut buf).unwrap();
        let start = Instant::now();
        drop(proxy);
        s.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
        assert_closed(&s.read(&mut buf).map(|n| assert_eq!(n, 0)));
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "drop took {:?}",
            start.elapsed()
        );
    }
}
