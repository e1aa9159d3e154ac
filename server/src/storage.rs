//! What the back office keeps, behind a trait so that a PostgreSQL backend (a province
//! outgrowing one machine) can replace the embedded SQLite one without touching the HTTP layer.
//!
//! Every method is a complete, durable step: when it returns `Ok`, what it wrote survives a
//! crash, and only then does the HTTP layer answer. Methods block; the HTTP layer calls them on
//! tokio's blocking pool.

use casetrail_model::{BackofficeDecision, CaseId, DeviceId};
use casetrail_protocol::Hash;
use casetrail_protocol::wire::{
    BackofficeCase, BackofficeEvents, ChallengeResponse, EnrolRequest, EnrolResponse, MediaCreate,
    MediaStatus, PushRequest, PushResponse, TokenRequest, TokenResponse,
};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::error::Result;

/// What appending a chunk achieved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Appended {
    /// Stored; the new durable offset.
    Offset(u64),
    /// The file is complete and verified; its status carries the signed receipt.
    Complete(MediaStatus),
}

/// An incident the back office recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Incident {
    /// When.
    pub at: String,
    /// The device concerned.
    pub device_id: Option<String>,
    /// Kind.
    pub kind: String,
    /// What exactly.
    pub detail: String,
}

/// An enrolled device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceInfo {
    /// Its id.
    pub device_id: DeviceId,
    /// The officer (certificate number).
    pub officer: String,
    /// When it enrolled.
    pub enrolled_at: String,
    /// When its key was revoked from, if it was.
    pub revoked_at: Option<String>,
}

/// The back office's storage.
pub trait Storage: Send + Sync + 'static {
    /// Issues a one-time enrolment code bound to an officer, valid for `hours`.
    fn issue_enrol_code(&self, officer: &str, hours: u32) -> Result<String>;
    /// Enrols a device with a code and its key.
    fn enrol(&self, req: &EnrolRequest) -> Result<EnrolResponse>;
    /// A single-use challenge for an enrolled, unrevoked device.
    fn challenge(&self, device: DeviceId) -> Result<ChallengeResponse>;
    /// A short-lived token for a correctly signed, unused challenge.
    fn token(&self, req: &TokenRequest) -> Result<TokenResponse>;
    /// The device a bearer token belongs to (refused if expired or revoked).
    fn authenticate(&self, token: &str) -> Result<DeviceId>;
    /// Verifies and stores a batch of the device's journal; answers with receipts.
    fn push(&self, device: DeviceId, req: &PushRequest) -> Result<PushResponse>;
    /// The back office's own signed events after `after`, as `device` may see them (events
    /// about other officers' cases as stubs).
    fn backoffice_events(&self, device: DeviceId, after: u64) -> Result<BackofficeEvents>;
    /// Starts or finds an upload.
    fn media_create(&self, device: DeviceId, req: &MediaCreate) -> Result<MediaStatus>;
    /// Where this device's upload of a file stands, if it exists.
    fn media_status(&self, device: DeviceId, sha256: &Hash) -> Result<Option<MediaStatus>>;
    /// Drops uploads untouched for too long; returns how many.
    fn expire_uploads(&self, now: DateTime<Utc>) -> Result<usize>;
    /// Appends a chunk at `offset` with its SHA-256.
    fn media_append(
        &self,
        device: DeviceId,
        sha256: &Hash,
        offset: u64,
        checksum: &Hash,
        chunk: &[u8],
    ) -> Result<Appended>;
    /// Signs a decision on a case.
    fn decide(&self, case: CaseId, decision: BackofficeDecision) -> Result<()>;
    /// Signs the assignment of a case to officers.
    fn assign(&self, case: CaseId, officers: Vec<String>, note: &str) -> Result<()>;
    /// Revokes a device key from `effective_at`; flags what it signed from then on.
    fn revoke(&self, device: DeviceId, effective_at: DateTime<Utc>, reason: &str) -> Result<()>;
    /// Every case held, with records, evidence, receipts and the completeness report at `now`.
    fn cases(&self, now: DateTime<Utc>) -> Result<Vec<BackofficeCase>>;
    /// The enrolled devices.
    fn devices(&self) -> Result<Vec<DeviceInfo>>;
    /// The incidents recorded.
    fn incidents(&self) -> Result<Vec<Incident>>;
    /// Finds a case by id, id prefix or 案号.
    fn resolve_case(&self, key: &str) -> Result<CaseId>;
}
