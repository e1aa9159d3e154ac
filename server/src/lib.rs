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
mod log;
mod push;
mod sqlite;
pub mod storage;
mod uploads;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use error::{Result, ServerError};
pub use sqlite::{KEY_NAME, MIGRATIONS, SqliteStorage};
pub use storage::{Appended, DeviceInfo, Incident, Storage};
pub use uploads::MAX_FILE_BYTES;

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
}

impl Running {
    /// The base URL (`http://…` or `https://…`).
    pub fn url(&self, tls: bool) -> String {
        format!("{}://{}", if tls { "https" } else { "http" }, self.addr)
    }

    /// Stops accepting, lets requests in flight finish (up to 5 s), and waits.
    pub async fn stop(self) -> std::io::Result<()> {
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

/// Starts serving `storage` on `addr` (port 0 picks one). Without `tls` the address must be
/// loopback.
pub async fn start(
    storage: Arc<dyn Storage>,
    addr: SocketAddr,
    tls: Option<&TlsFiles>,
    admin_token: Option<String>,
) -> Result<Running> {
    if tls.is_none() && !addr.ip().is_loopback() {
        return Err(ServerError::BadRequest(
            "plain_http_only_on_loopback: give --tls-cert and --tls-key to listen on other addresses",
        ));
    }
    let listener = std::net::TcpListener::bind(addr)?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let app = http::router(http::AppState {
        storage,
        admin_token: admin_token.map(Arc::from),
    });
    let handle = axum_server::Handle::new();
    let task = match tls {
        None => {
            let server = axum_server::from_tcp(listener)?.handle(handle.clone());
            tokio::spawn(server.serve(app.into_make_service()))
        }
        Some(files) => {
            let config =
                axum_server::tls_rustls::RustlsConfig::from_config(Arc::new(server_tls(files)?));
            let server =
                axum_server::tls_rustls::from_tcp_rustls(listener, config)?.handle(handle.clone());
            tokio::spawn(server.serve(app.into_make_service()))
        }
    };
    Ok(Running { addr, handle, task })
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
