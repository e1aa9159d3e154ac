//! The HTTP API of docs/protocol.md over axum. Handlers are thin: parse, call the storage on
//! the blocking pool, answer. Every refusal is a JSON `ErrorBody` with a stable code, counted
//! and, for a server fault, logged with its request id; nothing is acknowledged before storage
//! returned.
//!
//! Nobody can wear it down: a device's routes authenticate the bearer token *before* the body
//! is read; each route has a body limit of its own (64 KiB for enrolment and challenges, a
//! batch for pushes, a chunk for uploads); a whole request has a deadline and a stalled body
//! times out; requests in flight are capped; challenges are rate-limited per device and per
//! address and write nothing. Headers and idle connections time out in `lib.rs`, which also
//! caps connections.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, DefaultBodyLimit, MatchedPath, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use casetrail_model::{BackofficeDecision, DecisionSubject, DeviceId};
use casetrail_protocol::Hash;
use casetrail_protocol::wire::{
    self, ChallengeRequest, EnrolRequest, ErrorBody, MediaCreate, PushRequest, TokenRequest,
};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};
use tower_http::trace::TraceLayer;

use crate::error::{Result, ServerError};
use crate::limits::Limits;
use crate::metrics::{Metrics, Reason, Route, RouteStatus};
use crate::storage::{Appended, Storage};

/// The body limit of the routes that take small JSON (enrolment, challenges, tokens, files
/// announced, admin decisions).
const SMALL_JSON_BYTES: usize = 64 * 1024;

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    /// The storage.
    pub storage: Arc<dyn Storage>,
    /// The bearer token of the back-office API (`None`: that API is off).
    pub admin_token: Option<Arc<str>>,
    /// What is counted.
    pub metrics: Arc<Metrics>,
    /// Challenges per device.
    by_device: Arc<DefaultKeyedRateLimiter<DeviceId>>,
    /// Challenges per address.
    by_address: Arc<DefaultKeyedRateLimiter<IpAddr>>,
}

impl AppState {
    /// The shared state of a router over `storage`.
    pub fn new(storage: Arc<dyn Storage>, admin_token: Option<String>, limits: &Limits) -> Self {
        let per_minute =
            NonZeroU32::new(limits.challenges_per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::per_minute(per_minute);
        Self {
            storage,
            admin_token: admin_token.map(Arc::from),
            metrics: Arc::new(Metrics::default()),
            by_device: Arc::new(RateLimiter::keyed(quota)),
            by_address: Arc::new(RateLimiter::keyed(quota.allow_burst(
                NonZeroU32::new(per_minute.get().saturating_mul(4)).unwrap_or(per_minute),
            ))),
        }
    }

    /// Forgets rate-limit state of keys idle long enough to be full again.
    pub fn forget_idle_limits(&self) {
        self.by_device.retain_recent();
        self.by_address.retain_recent();
    }
}

/// A device the bearer token of the request belongs to (set by `authenticated`).
#[derive(Debug, Clone, Copy)]
struct Authenticated(DeviceId);

/// Request ids: a per-process random prefix and a counter, so log lines of one request can be
/// found together without revealing anything.
#[derive(Clone)]
struct MakeId {
    prefix: Arc<str>,
    next: Arc<AtomicU64>,
}

impl MakeId {
    fn new() -> Self {
        let mut raw = [0u8; 4];
        let _ = getrandom::fill(&mut raw);
        Self {
            prefix: Arc::from(hex::encode(raw)),
            next: Arc::new(AtomicU64::new(1)),
        }
    }
}

impl MakeRequestId for MakeId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

/// The router of the devices' API.
pub fn router(state: AppState, limits: &Limits) -> Router {
    let devices = Router::new()
        .route("/v1/journal", limited(post(push), wire::MAX_JSON_BYTES))
        .route("/v1/backoffice/events", get(backoffice_events))
        .route("/v1/media", limited(post(media_create), SMALL_JSON_BYTES))
        .route(
            "/v1/media/{sha256}",
            limited(
                axum::routing::patch(media_patch).head(media_head),
                wire::MAX_CHUNK_BYTES,
            ),
        )
        .route_layer(middleware::from_fn_with_state(state.clone(), authenticated));
    let admin = Router::new()
        .route("/v1/admin/cases", get(admin_cases))
        .route(
            "/v1/admin/decisions",
            limited(post(admin_decide), SMALL_JSON_BYTES),
        )
        .route_layer(middleware::from_fn_with_state(state.clone(), admin));
    let open = Router::new()
        .route("/v1/health", get(|| async { "ok" }))
        .route("/v1/enrol", limited(post(enrol), SMALL_JSON_BYTES))
        .route(
            "/v1/auth/challenge",
            limited(post(challenge), SMALL_JSON_BYTES),
        )
        .route("/v1/auth/token", limited(post(token), SMALL_JSON_BYTES));
    let trace = TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<Body>| {
        let id = req
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        let route = req
            .extensions()
            .get::<MatchedPath>()
            .map_or("-", |m| m.as_str());
        tracing::info_span!("request", id, method = %req.method(), route)
    });
    Router::new()
        .merge(open)
        .merge(devices)
        .merge(admin)
        .layer(middleware::from_fn_with_state(state.clone(), count))
        .layer(RequestBodyTimeoutLayer::new(limits.request_timeout))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout,
        ))
        .layer(GlobalConcurrencyLimitLayer::new(
            limits.max_in_flight.max(1),
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(trace)
        .layer(SetRequestIdLayer::x_request_id(MakeId::new()))
        .with_state(state)
}

/// A route's body limit: a body that declares more is refused (413) before any of it is read,
/// and one that sends more than it may is cut off at the limit.
fn limited(route: MethodRouter<AppState>, max: usize) -> MethodRouter<AppState> {
    route
        .layer(DefaultBodyLimit::max(max))
        .layer(middleware::from_fn_with_state(max, declared_length))
}

/// Refuses a request whose `Content-Length` is over `max`.
async fn declared_length(State(max): State<usize>, req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return ServerError::TooLarge.into_response();
    }
    next.run(req).await
}

/// The router of the admin address: the metrics.
pub fn admin_router(metrics: Arc<Metrics>) -> Router {
    Router::new().route(
        "/metrics",
        get(move || {
            let metrics = metrics.clone();
            async move {
                (
                    [(
                        header::CONTENT_TYPE,
                        "application/openmetrics-text; version=1.0.0; charset=utf-8",
                    )],
                    metrics.render(),
                )
            }
        }),
    )
}

/// Counts every answer by route and status, its duration, and refusals by code.
async fn count(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched".to_owned(), |m| m.as_str().to_owned());
    let started = Instant::now();
    let resp = next.run(req).await;
    let status = resp.status().as_u16();
    let m = &state.metrics;
    m.requests
        .get_or_create(&RouteStatus {
            route: route.clone(),
            status,
        })
        .inc();
    m.durations
        .get_or_create(&Route { route })
        .observe(started.elapsed().as_secs_f64());
    if let Some(code) = resp.extensions().get::<Refused>() {
        m.refusals
            .get_or_create(&Reason {
                reason: code.0.to_owned(),
            })
            .inc();
    }
    resp
}

/// The code a response refused with (for the counters).
#[derive(Debug, Clone, Copy)]
struct Refused(&'static str);

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let message = match &self {
            ServerError::Internal(detail) => {
                // In the request's span: its id ties this line to the answer the device got.
                tracing::error!(%detail, "internal error");
                "internal error".to_owned()
            }
            other => other.to_string(),
        };
        let code = self.code();
        let body = ErrorBody {
            code: code.to_owned(),
            message,
        };
        let mut resp = (status, axum::Json(body)).into_response();
        resp.extensions_mut().insert(Refused(code));
        match self {
            ServerError::Conflict {
                offset: Some(offset),
                ..
            } => {
                resp.headers_mut()
                    .insert(wire::UPLOAD_OFFSET, HeaderValue::from(offset));
            }
            ServerError::QuotaExceeded { retry_after, .. } => {
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
            }
            ServerError::StorageFull => {
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(60));
            }
            _ => {}
        }
        resp
    }
}

fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<T> {
    serde_json::from_slice(body).map_err(|_| ServerError::BadRequest("malformed_json"))
}

/// Runs a storage call on the blocking pool.
async fn blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&dyn Storage) -> Result<T> + Send + 'static,
) -> Result<T> {
    let storage = state.storage.clone();
    tokio::task::spawn_blocking(move || f(storage.as_ref()))
        .await
        .map_err(|e| ServerError::Internal(e.to_string()))?
}

fn bearer(headers: &HeaderMap) -> Result<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .filter(|t| !t.is_empty() && t.len() <= 256)
        .map(str::to_owned)
        .ok_or(ServerError::Unauthorized("no_token"))
}

/// Authenticates a device's request from its headers alone, before its body is read.
async fn authenticated(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let token = match bearer(req.headers()) {
        Ok(t) => t,
        Err(e) => return e.into_response(),
    };
    match blocking(&state, move |s| s.authenticate(&token)).await {
        Ok(device) => {
            req.extensions_mut().insert(Authenticated(device));
            next.run(req).await
        }
        Err(e) => e.into_response(),
    }
}

/// Lets the back-office API through only with its token.
async fn admin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(expected) = state.admin_token.as_ref() else {
        return ServerError::Forbidden("admin_api_off").into_response();
    };
    let given = match bearer(req.headers()) {
        Ok(t) => t,
        Err(e) => return e.into_response(),
    };
    // Compare digests, so timing says nothing about the token.
    if Hash::digest(given.as_bytes()) != Hash::digest(expected.as_bytes()) {
        return ServerError::Unauthorized("bad_token").into_response();
    }
    next.run(req).await
}

async fn enrol(State(state): State<AppState>, body: Bytes) -> Result<Response> {
    let req: EnrolRequest = parse(&body)?;
    let resp = blocking(&state, move |s| s.enrol(&req)).await?;
    Ok(axum::Json(resp).into_response())
}

async fn challenge(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Bytes,
) -> Result<Response> {
    if state.by_address.check_key(&peer.ip()).is_err() {
        return Err(ServerError::QuotaExceeded {
            code: "too_many_challenges",
            retry_after: 60,
        });
    }
    let req: ChallengeRequest = parse(&body)?;
    if state.by_device.check_key(&req.device_id).is_err() {
        return Err(ServerError::QuotaExceeded {
            code: "too_many_challenges",
            retry_after: 60,
        });
    }
    let resp = blocking(&state, move |s| s.challenge(req.device_id)).await?;
    Ok(axum::Json(resp).into_response())
}

async fn token(State(state): State<AppState>, body: Bytes) -> Result<Response> {
    let req: TokenRequest = parse(&body)?;
    let resp = blocking(&state, move |s| s.token(&req)).await?;
    Ok(axum::Json(resp).into_response())
}

async fn push(
    State(state): State<AppState>,
    axum::Extension(Authenticated(device)): axum::Extension<Authenticated>,
    body: Bytes,
) -> Result<Response> {
    let push: PushRequest = parse(&body)?;
    let resp = blocking(&state, move |s| s.push(device, &push)).await?;
    Ok(axum::Json(resp).into_response())
}

#[derive(Deserialize)]
struct After {
    after: Option<u64>,
}

async fn backoffice_events(
    State(state): State<AppState>,
    axum::Extension(Authenticated(device)): axum::Extension<Authenticated>,
    Query(q): Query<After>,
) -> Result<Response> {
    let after = q.after.unwrap_or(0);
    let resp = blocking(&state, move |s| s.backoffice_events(device, after)).await?;
    Ok(axum::Json(resp).into_response())
}

async fn media_create(
    State(state): State<AppState>,
    axum::Extension(Authenticated(device)): axum::Extension<Authenticated>,
    body: Bytes,
) -> Result<Response> {
    let req: MediaCreate = parse(&body)?;
    let resp = blocking(&state, move |s| s.media_create(device, &req)).await?;
    Ok(axum::Json(resp).into_response())
}

fn sha_param(sha: &str) -> Result<Hash> {
    sha.parse()
        .map_err(|_| ServerError::BadRequest("bad_sha256"))
}

async fn media_head(
    State(state): State<AppState>,
    axum::Extension(Authenticated(device)): axum::Extension<Authenticated>,
    Path(sha): Path<String>,
) -> Result<Response> {
    let sha = sha_param(&sha)?;
    let status = blocking(&state, move |s| s.media_status(device, &sha))
        .await?
        .ok_or(ServerError::NotFound("unknown_upload"))?;
    Ok((
        StatusCode::OK,
        [
            (wire::UPLOAD_OFFSET, status.offset.to_string()),
            (wire::UPLOAD_LENGTH, status.size.to_string()),
            (header::CACHE_CONTROL.as_str(), "no-store".to_owned()),
        ],
    )
        .into_response())
}

async fn media_patch(
    State(state): State<AppState>,
    axum::Extension(Authenticated(device)): axum::Extension<Authenticated>,
    Path(sha): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let sha = sha_param(&sha)?;
    let offset: u64 = headers
        .get(wire::UPLOAD_OFFSET)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .ok_or(ServerError::BadRequest("bad_upload_offset"))?;
    let checksum = headers
        .get(wire::UPLOAD_CHECKSUM)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("sha256 "))
        .and_then(|b| B64.decode(b).ok())
        .and_then(|b| Hash::from_slice(&b))
        .ok_or(ServerError::BadRequest("bad_upload_checksum"))?;
    let len = body.len() as u64;
    let outcome = blocking(&state, move |s| {
        s.media_append(device, &sha, offset, &checksum, &body)
    })
    .await?;
    state.metrics.media_bytes.inc_by(len);
    Ok(match outcome {
        Appended::Offset(new) => (
            StatusCode::NO_CONTENT,
            [
                (wire::UPLOAD_OFFSET, new.to_string()),
                (header::CACHE_CONTROL.as_str(), "no-store".to_owned()),
            ],
        )
            .into_response(),
        Appended::Complete(status) => {
            let mut resp = axum::Json(&status).into_response();
            resp.headers_mut()
                .insert(wire::UPLOAD_OFFSET, HeaderValue::from(status.offset));
            resp
        }
    })
}

async fn admin_cases(State(state): State<AppState>) -> Result<Response> {
    let now = chrono::Utc::now();
    let cases = blocking(&state, move |s| s.cases(now)).await?;
    Ok(axum::Json(cases).into_response())
}

/// A decision entered through the back-office API.
#[derive(Deserialize)]
struct DecisionRequest {
    /// Case id, id prefix or 案号.
    case: String,
    subject: String,
    result: casetrail_model::bodies::ApprovalResult,
    decided_by: String,
    #[serde(default)]
    opinion: String,
}

async fn admin_decide(State(state): State<AppState>, body: Bytes) -> Result<Response> {
    let req: DecisionRequest = parse(&body)?;
    let subject =
        DecisionSubject::parse(&req.subject).ok_or(ServerError::BadRequest("bad_subject"))?;
    blocking(&state, move |s| {
        let case = s.resolve_case(&req.case)?;
        s.decide(
            case,
            BackofficeDecision {
                subject,
                result: req.result,
                decided_by: req.decided_by,
                opinion: req.opinion,
                decided_at: chrono::Utc::now(),
            },
        )
    })
    .await?;
    Ok(StatusCode::CREATED.into_response())
}

/// How long between two sweeps of stale uploads and idle rate-limit keys.
pub const SWEEP_EVERY: Duration = Duration::from_secs(600);
