//! The HTTP API of docs/protocol.md over axum. Handlers are thin: parse, authenticate, call the
//! storage on the blocking pool, answer. Every refusal is a JSON `ErrorBody` with a stable code;
//! JSON bodies and chunks have size limits; nothing is acknowledged before storage returned.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use casetrail_model::{BackofficeDecision, DecisionSubject};
use casetrail_protocol::Hash;
use casetrail_protocol::wire::{
    self, ChallengeRequest, EnrolRequest, ErrorBody, MediaCreate, PushRequest, TokenRequest,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::{Result, ServerError};
use crate::storage::{Appended, Storage};

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    /// The storage.
    pub storage: Arc<dyn Storage>,
    /// The bearer token of the back-office API (`None`: that API is off).
    pub admin_token: Option<Arc<str>>,
}

/// The router.
pub fn router(state: AppState) -> Router {
    let json_limit = DefaultBodyLimit::max(wire::MAX_JSON_BYTES);
    Router::new()
        .route("/v1/health", get(|| async { "ok" }))
        .route("/v1/enrol", post(enrol))
        .route("/v1/auth/challenge", post(challenge))
        .route("/v1/auth/token", post(token))
        .route("/v1/journal", post(push))
        .route("/v1/backoffice/events", get(backoffice_events))
        .route("/v1/media", post(media_create))
        .route(
            "/v1/media/{sha256}",
            axum::routing::patch(media_patch)
                .head(media_head)
                .layer(DefaultBodyLimit::max(wire::MAX_CHUNK_BYTES)),
        )
        .route("/v1/admin/cases", get(admin_cases))
        .route("/v1/admin/decisions", post(admin_decide))
        .layer(json_limit)
        .with_state(state)
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let message = match &self {
            ServerError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                "internal error".to_owned()
            }
            other => other.to_string(),
        };
        let body = ErrorBody {
            code: self.code().to_owned(),
            message,
        };
        let mut resp = (status, axum::Json(body)).into_response();
        if let ServerError::Conflict {
            offset: Some(offset),
            ..
        } = self
        {
            resp.headers_mut()
                .insert(wire::UPLOAD_OFFSET, HeaderValue::from(offset));
        }
        if status == StatusCode::INSUFFICIENT_STORAGE {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(60));
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

async fn device(state: &AppState, headers: &HeaderMap) -> Result<casetrail_model::DeviceId> {
    let token = bearer(headers)?;
    blocking(state, move |s| s.authenticate(&token)).await
}

fn admin(state: &AppState, headers: &HeaderMap) -> Result<()> {
    let expected = state
        .admin_token
        .as_ref()
        .ok_or(ServerError::Forbidden("admin_api_off"))?;
    let given = bearer(headers)?;
    // Compare digests, so timing says nothing about the token.
    if Hash::digest(given.as_bytes()) == Hash::digest(expected.as_bytes()) {
        Ok(())
    } else {
        Err(ServerError::Unauthorized("bad_token"))
    }
}

async fn enrol(State(state): State<AppState>, body: Bytes) -> Result<Response> {
    let req: EnrolRequest = parse(&body)?;
    let resp = blocking(&state, move |s| s.enrol(&req)).await?;
    Ok(axum::Json(resp).into_response())
}

async fn challenge(State(state): State<AppState>, body: Bytes) -> Result<Response> {
    let req: ChallengeRequest = parse(&body)?;
    let resp = blocking(&state, move |s| s.challenge(req.device_id)).await?;
    Ok(axum::Json(resp).into_response())
}

async fn token(State(state): State<AppState>, body: Bytes) -> Result<Response> {
    let req: TokenRequest = parse(&body)?;
    let resp = blocking(&state, move |s| s.token(&req)).await?;
    Ok(axum::Json(resp).into_response())
}

async fn push(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Response> {
    let device = device(&state, &headers).await?;
    let req: PushRequest = parse(&body)?;
    let resp = blocking(&state, move |s| s.push(device, &req)).await?;
    Ok(axum::Json(resp).into_response())
}

#[derive(Deserialize)]
struct After {
    after: Option<u64>,
}

async fn backoffice_events(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<After>,
) -> Result<Response> {
    let device = device(&state, &headers).await?;
    let after = q.after.unwrap_or(0);
    let resp = blocking(&state, move |s| s.backoffice_events(device, after)).await?;
    Ok(axum::Json(resp).into_response())
}

async fn media_create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let device = device(&state, &headers).await?;
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
    headers: HeaderMap,
    Path(sha): Path<String>,
) -> Result<Response> {
    device(&state, &headers).await?;
    let sha = sha_param(&sha)?;
    let status = blocking(&state, move |s| s.media_status(&sha))
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
    headers: HeaderMap,
    Path(sha): Path<String>,
    body: Bytes,
) -> Result<Response> {
    let device = device(&state, &headers).await?;
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
    let outcome = blocking(&state, move |s| {
        s.media_append(device, &sha, offset, &checksum, &body)
    })
    .await?;
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

async fn admin_cases(State(state): State<AppState>, headers: HeaderMap) -> Result<Response> {
    admin(&state, &headers)?;
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

async fn admin_decide(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    admin(&state, &headers)?;
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
