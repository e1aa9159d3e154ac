//! The `Transport` over HTTP: one reqwest client per run, TLS through rustls with the bureau's
//! CA pinned (no system roots, no platform verifier), plain HTTP only to loopback, no redirects,
//! every answer read with a size cap. Failures come back classified, so the engine knows what
//! to retry (network, 429, 5xx), what to park (other 4xx) and what to raise as an alarm (TLS,
//! redirects, garbage).

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::transport::{Answer, ChunkOutcome, Failure, Refusal, Transport};
use crate::SyncError;
use crate::protocol::Hash;
use crate::protocol::wire::{
    API, BackofficeEvents, CHECKSUM_MISMATCH, ChallengeRequest, ChallengeResponse, EnrolRequest,
    EnrolResponse, ErrorBody, MAX_RESPONSE_BYTES, MediaCreate, MediaStatus, PushRequest,
    PushResponse, TokenRequest, TokenResponse, UPLOAD_CHECKSUM, UPLOAD_OFFSET,
};

/// Timeouts of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// To establish a connection.
    pub connect: Duration,
    /// Between two reads of an answer (a stalled server frees the worker after this).
    pub read: Duration,
    /// For a whole request.
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            read: Duration::from_secs(30),
            request: Duration::from_secs(300),
        }
    }
}

/// The connection to one back office.
pub(crate) struct HttpTransport {
    http: reqwest::Client,
    base: Url,
    token: parking_lot::Mutex<Option<String>>,
}

impl HttpTransport {
    /// A client for `url`, trusting only `ca_pem` for TLS. Plain HTTP is allowed to loopback
    /// only.
    pub fn new(url: &str, ca_pem: Option<&str>, timeouts: Timeouts) -> Result<Self, SyncError> {
        let base = check_url(url)?;
        let tls = tls_config(ca_pem)?;
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .https_only(base.scheme() == "https")
            .connect_timeout(timeouts.connect)
            .read_timeout(timeouts.read)
            .timeout(timeouts.request)
            .pool_idle_timeout(Duration::from_secs(30))
            .user_agent(concat!("casetrail/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SyncError::Tls(error_chain(&e)))?;
        Ok(Self {
            http,
            base,
            token: parking_lot::Mutex::new(None),
        })
    }

    fn url(&self, path: &str) -> Result<Url, Failure> {
        self.base
            .join(&format!("{API}{path}"))
            .map_err(|e| Failure::Sync(SyncError::BadAddress(e.to_string())))
    }

    fn request(&self, method: Method, path: &str) -> Result<reqwest::RequestBuilder, Failure> {
        let mut req = self.http.request(method, self.url(path)?);
        if let Some(token) = self.token.lock().as_ref() {
            req = req.header(AUTHORIZATION, format!("Bearer {token}"));
        }
        Ok(req)
    }

    /// POSTs JSON, reads JSON.
    async fn post<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        path: &str,
        body: &Req,
    ) -> Result<Resp, Failure> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Failure::Sync(SyncError::Untrusted(e.to_string())))?;
        let req = self
            .request(Method::POST, path)?
            .header(CONTENT_TYPE, "application/json")
            .body(bytes);
        let (_, body) = send(req).await?;
        parse(&body)
    }

    /// GETs JSON.
    async fn get<Resp: DeserializeOwned>(&self, path: &str) -> Result<Resp, Failure> {
        let (_, body) = send(self.request(Method::GET, path)?).await?;
        parse(&body)
    }

    /// PATCHes a chunk in the tus manner.
    async fn patch_chunk(
        &self,
        sha256: &Hash,
        offset: u64,
        chunk: Vec<u8>,
    ) -> Result<ChunkOutcome, Failure> {
        let checksum = format!("sha256 {}", B64.encode(Hash::digest(&chunk).as_bytes()));
        let req = self
            .request(Method::PATCH, &format!("/media/{sha256}"))?
            .header(CONTENT_TYPE, "application/offset+octet-stream")
            .header(UPLOAD_OFFSET, offset.to_string())
            .header(UPLOAD_CHECKSUM, checksum)
            .body(chunk);
        let (headers, body) = send(req).await?;
        if body.is_empty() {
            let new = headers
                .get(UPLOAD_OFFSET)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok())
                .ok_or_else(|| untrusted("PATCH answer without a valid Upload-Offset"))?;
            Ok(ChunkOutcome::Stored(new))
        } else {
            Ok(ChunkOutcome::Complete(parse(&body)?))
        }
    }
}

impl Transport for HttpTransport {
    async fn enrol(&self, req: &EnrolRequest) -> Answer<EnrolResponse> {
        self.post("/enrol", req).await
    }

    async fn challenge(&self, req: &ChallengeRequest) -> Answer<ChallengeResponse> {
        self.post("/auth/challenge", req).await
    }

    async fn token(&self, req: &TokenRequest) -> Answer<TokenResponse> {
        self.post("/auth/token", req).await
    }

    fn set_token(&self, token: Option<String>) {
        *self.token.lock() = token;
    }

    async fn push(&self, req: &PushRequest) -> Answer<PushResponse> {
        self.post("/journal", req).await
    }

    async fn pull(&self, after: u64) -> Answer<BackofficeEvents> {
        self.get(&format!("/backoffice/events?after={after}")).await
    }

    async fn media_create(&self, req: &MediaCreate) -> Answer<MediaStatus> {
        self.post("/media", req).await
    }

    async fn media_append(
        &self,
        sha256: &Hash,
        offset: u64,
        chunk: Vec<u8>,
    ) -> Answer<ChunkOutcome> {
        self.patch_chunk(sha256, offset, chunk).await
    }
}

fn untrusted(what: &str) -> Failure {
    Failure::Sync(SyncError::Untrusted(what.to_owned()))
}

/// Sends a request and reads the answer with a size cap.
async fn send(req: reqwest::RequestBuilder) -> Result<(HeaderMap, Vec<u8>), Failure> {
    let mut resp = req.send().await.map_err(|e| Failure::Sync(classify(&e)))?;
    let status = resp.status();
    if status.is_redirection() {
        return Err(untrusted("the back office answered with a redirect"));
    }
    if let Some(len) = resp.content_length()
        && len > MAX_RESPONSE_BYTES as u64
    {
        return Err(untrusted("answer larger than the limit"));
    }
    let headers = resp.headers().clone();
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| Failure::Sync(classify(&e)))?
    {
        if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(untrusted("answer larger than the limit"));
        }
        body.extend_from_slice(&chunk);
    }
    if status.is_success() {
        return Ok((headers, body));
    }
    let code = serde_json::from_slice::<ErrorBody>(&body)
        .map(|e| e.code)
        .unwrap_or_else(|_| match status.as_u16() {
            CHECKSUM_MISMATCH => "checksum_mismatch".to_owned(),
            _ => status
                .canonical_reason()
                .unwrap_or("error")
                .to_lowercase()
                .replace(' ', "_"),
        });
    Err(Failure::Status(Refusal {
        status: status.as_u16(),
        code: code.chars().take(64).collect(),
        retry_after: retry_after(&headers, status),
    }))
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, Failure> {
    serde_json::from_slice(body).map_err(|e| {
        Failure::Sync(SyncError::Untrusted(format!(
            "answer is not what the protocol says: {e}"
        )))
    })
}

/// `Retry-After` in seconds (the HTTP-date form is not used by our server and is ignored).
fn retry_after(headers: &HeaderMap, status: StatusCode) -> Option<Duration> {
    if !(status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()) {
        return None;
    }
    headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// Sorts a reqwest error into TLS (security), or network (transient).
fn classify(e: &reqwest::Error) -> SyncError {
    let chain = error_chain(e);
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.downcast_ref::<rustls::Error>().is_some() {
            return SyncError::Tls(chain);
        }
        source = s.source();
    }
    if chain.contains("certificate") || chain.contains("tls") || chain.contains("TLS") {
        return SyncError::Tls(chain);
    }
    SyncError::Network(chain)
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// Accepts https, and http only to loopback.
pub(crate) fn check_url(url: &str) -> Result<Url, SyncError> {
    let mut parsed = Url::parse(url).map_err(|e| SyncError::BadAddress(e.to_string()))?;
    match parsed.scheme() {
        "https" => {}
        "http" if is_loopback(&parsed) => {}
        "http" => {
            return Err(SyncError::BadAddress(
                "plain HTTP is allowed only to this machine (loopback); use https".into(),
            ));
        }
        other => return Err(SyncError::BadAddress(format!("unsupported scheme {other}"))),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(SyncError::BadAddress("credentials in the address".into()));
    }
    parsed.set_query(None);
    parsed.set_fragment(None);
    parsed.set_path("/");
    Ok(parsed)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// A rustls configuration trusting only the pinned CA (or nothing, for loopback HTTP).
fn tls_config(ca_pem: Option<&str>) -> Result<rustls::ClientConfig, SyncError> {
    let mut roots = rustls::RootCertStore::empty();
    if let Some(pem) = ca_pem {
        use rustls::pki_types::pem::PemObject as _;
        let certs = rustls::pki_types::CertificateDer::pem_slice_iter(pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| SyncError::Tls(format!("pinned CA: {e}")))?;
        if certs.is_empty() {
            return Err(SyncError::Tls(
                "pinned CA: no certificate in the PEM".into(),
            ));
        }
        for cert in certs {
            roots
                .add(cert)
                .map_err(|e| SyncError::Tls(format!("pinned CA: {e}")))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| SyncError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_loopback() {
        assert!(check_url("http://127.0.0.1:8080").is_ok());
        assert!(check_url("http://[::1]:8080/x?y#z").is_ok());
        assert!(check_url("http://localhost:1").is_ok());
        assert!(check_url("https://tjj.example.cn").is_ok());
        for bad in [
            "http://10.0.0.1:8080",
            "http://tjj.example.cn",
            "ftp://127.0.0.1",
            "https://user:pw@tjj.example.cn",
            "not a url",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn retry_after_only_for_overload() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(
            retry_after(&h, StatusCode::SERVICE_UNAVAILABLE),
            Some(Duration::from_secs(7))
        );
        assert_eq!(retry_after(&h, StatusCode::BAD_REQUEST), None);
    }

    #[test]
    fn garbage_ca_is_refused() {
        assert!(matches!(
            tls_config(Some("nonsense")),
            Err(SyncError::Tls(_))
        ));
        assert!(tls_config(None).is_ok());
    }
}
