//! casetrail-server: the back office's sync receiver.
//!
//! It enrols phones with one-time codes, authenticates them by their device keys, verifies
//! every journal event (chain and signature) before storing it, keeps an append-only Merkle log
//! of what it accepted and answers with signed checkpoints and inclusion proofs, receives files
//! resumably and acknowledges each with a signed receipt only once its whole SHA-256 checks, and
//! signs the back office's own decisions for the phones to pull. Everything it acknowledges is
//! durable first.
//!
//! Embedded default: SQLite and a blob directory in one data folder (`SqliteStorage`), behind
//! the `Storage` trait. Plain HTTP is served only on loopback; anything else needs TLS.
//!
//! It stands on the evidence format (`casetrail-protocol`), the durable store and the rules —
//! never on the phone core: no image codecs, fonts or HTTP client are linked in.

mod auth;
mod backoffice;
mod blobs;
mod cases;
pub mod error;
pub mod http;
mod limits;
mod log;
mod metrics;
mod push;
mod sqlite;
pub mod storage;
mod upload_locks;
mod uploads;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use error::{Result, ServerError};
pub use limits::Limits;
pub use sqlite::{KEY_NAME, MIGRATIONS, SqliteStorage};
pub use storage::{Appended, DeviceInfo, Incident, Storage};

/// The file holding the bearer token of the back-office API, created on first start (0600).
pub const ADMIN_TOKEN_FILE: &str = "admin-token";

/// TLS certificate chain and key, PEM files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// Certificate chain.
    pub cert: PathBuf,
    /// Private key.
    pub key: PathBuf,
}

/// A running server.
#[derive(Debug)]
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    handle: axum_server::Handle<SocketAddr>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    sweeper: tokio::task::JoinHandle<()>,
}

impl Running {
    /// The base URL (`http://…` or `https://…`).
    pub fn url(&self, tls: bool) -> String {
        format!("{}://{}", if tls { "https" } else { "http" }, self.addr)
    }

    /// Stops accepting, lets requests in flight finish (up to 5 s), and waits.
    pub async fn stop(self) -> std::io::Result<()> {
        self.sweeper.abort();
        self.handle
            .graceful_shutdown(Some(std::time::Duration::from_secs(5)));
        self.task
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))?
    }

    /// Waits until the server ends (it runs until stopped).
    pub async fn wait(self) -> std::io::Result<()> {
        self.task
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))?
    }

    /// A handle that can stop the server from elsewhere (a signal handler).
    pub fn stopper(&self) -> impl Fn() + Send + Sync + 'static {
        let handle = self.handle.clone();
        move || handle.graceful_shutdown(Some(std::time::Duration::from_secs(5)))
    }
}

/// Reads the admin token of `data`, creating it on first use.
pub fn admin_token(data: &Path) -> Result<String> {
    use std::io::Write as _;
    let path = data.join(ADMIN_TOKEN_FILE);
    match std::fs::read_to_string(&path) {
        Ok(t) if !t.trim().is_empty() => return Ok(t.trim().to_owned()),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e.into()),
    }
    let mut raw = [0u8; 32];
    getrandom::fill(&mut raw).map_err(|e| ServerError::Internal(e.to_string()))?;
    let token = hex::encode(raw);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut file = opts.open(&path)?;
    file.write_all(token.as_bytes())?;
    file.sync_all()?;
    Ok(token)
}

/// How to serve: TLS, the back-office API's token, the limits, where the metrics are read.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    /// Certificate and key; without them the address must be loopback.
    pub tls: Option<TlsFiles>,
    /// The bearer token of the back-office API (`None`: that API is off).
    pub admin_token: Option<String>,
    /// Quotas and bounds of the HTTP server (the storage's quotas are set on the storage).
    pub limits: Limits,
    /// Where `/metrics` is served (loopback or an internal address), if anywhere.
    pub metrics_addr: Option<SocketAddr>,
}

/// An acceptor that turns connections away beyond the cap and keeps the gauge of open ones.
#[derive(Clone)]
struct Capped<A> {
    inner: A,
    handle: axum_server::Handle<SocketAddr>,
    max: usize,
    metrics: Arc<metrics::Metrics>,
}

impl<I, S, A: axum_server::accept::Accept<I, S>> axum_server::accept::Accept<I, S> for Capped<A>
where
    A::Future: Send + 'static,
    A::Stream: Send + 'static,
    A::Service: Send + 'static,
{
    type Stream = A::Stream;
    type Service = A::Service;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = std::io::Result<(A::Stream, A::Service)>> + Send>,
    >;

    fn accept(&self, stream: I, service: S) -> Self::Future {
        let open = self.handle.connection_count();
        self.metrics.connections.set(open as i64);
        if open > self.max {
            self.metrics.connections_refused.inc();
            return Box::pin(std::future::ready(Err(std::io::Error::other(
                "too many connections",
            ))));
        }
        Box::pin(self.inner.accept(stream, service))
    }
}

/// Starts serving `storage` on `addr` (port 0 picks one). Without TLS the address must be
/// loopback. Stale uploads and idle rate-limit state are swept every ten minutes.
pub async fn start(
    storage: Arc<dyn Storage>,
    addr: SocketAddr,
    opts: ServeOptions,
) -> Result<Running> {
    if opts.tls.is_none() && !addr.ip().is_loopback() {
        return Err(ServerError::BadRequest(
            "plain_http_only_on_loopback: give --tls-cert and --tls-key to listen on other addresses",
        ));
    }
    let listener = std::net::TcpListener::bind(addr)?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let limits = opts.limits.clone();
    let state = http::AppState::new(storage.clone(), opts.admin_token.clone(), &limits);
    let metrics = state.metrics.clone();
    let app =
        http::router(state.clone(), &limits).into_make_service_with_connect_info::<SocketAddr>();
    let handle = axum_server::Handle::new();
    let capped = |inner| Capped {
        inner,
        handle: handle.clone(),
        max: limits.max_connections.max(1),
        metrics: metrics.clone(),
    };
    let task = match &opts.tls {
        None => {
            let mut server = axum_server::from_tcp(listener)?
                .handle(handle.clone())
                .first_request_timeout(limits.header_timeout)
                .map(capped);
            server
                .http_builder()
                .http1()
                .header_read_timeout(limits.header_timeout);
            tokio::spawn(server.serve(app))
        }
        Some(files) => {
            let config =
                axum_server::tls_rustls::RustlsConfig::from_config(Arc::new(server_tls(files)?));
            let mut server = axum_server::tls_rustls::from_tcp_rustls(listener, config)?
                .handle(handle.clone())
                .first_request_timeout(limits.header_timeout)
                .map(|tls| tls.acceptor(capped(axum_server::accept::DefaultAcceptor)));
            server
                .http_builder()
                .http1()
                .header_read_timeout(limits.header_timeout);
            tokio::spawn(server.serve(app))
        }
    };
    if let Some(maddr) = opts.metrics_addr {
        let listener = tokio::net::TcpListener::bind(maddr).await?;
        let router = http::admin_router(metrics);
        tokio::spawn(async move { axum::serve(listener, router).await });
    }
    let sweeper = tokio::spawn(async move {
        let mut every = tokio::time::interval(http::SWEEP_EVERY);
        loop {
            every.tick().await;
            state.forget_idle_limits();
            let s = storage.clone();
            match tokio::task::spawn_blocking(move || s.expire_uploads(chrono::Utc::now())).await {
                Ok(Ok(n)) if n > 0 => tracing::info!(uploads = n, "dropped stale uploads"),
                Ok(Err(e)) => tracing::error!(error = %e, "could not sweep stale uploads"),
                _ => {}
            }
        }
    });
    tracing::info!(
        %addr,
        tls = opts.tls.is_some(),
        metrics = ?opts.metrics_addr,
        max_connections = limits.max_connections,
        "serving"
    );
    Ok(Running {
        addr,
        handle,
        task,
        sweeper,
    })
}

/// A rustls server configuration from PEM files (ring provider, safe defaults).
fn server_tls(files: &TlsFiles) -> Result<rustls::ServerConfig> {
    use rustls::pki_types::pem::PemObject as _;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let bad = |what: &str| ServerError::Internal(format!("TLS {what}"));
    let certs = CertificateDer::pem_file_iter(&files.cert)
        .map_err(|e| bad(&format!("certificate {}: {e}", files.cert.display())))?
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| bad(&format!("certificate: {e}")))?;
    let key = PrivateKeyDer::from_pem_file(&files.key)
        .map_err(|e| bad(&format!("key {}: {e}", files.key.display())))?;
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| bad(&e.to_string()))?
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .map_err(|e| bad(&e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}
