//! An in-memory back office for the sync engine's unit tests: the real server storage
//! (verification, Merkle log, checkpoints, receipts) called directly, without HTTP, with
//! faults injected call by call. So the engine's retry, wedge, resume and cancellation logic is
//! tested in milliseconds, against answers that are really signed and really verified.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use casetrail_server::{Appended, ServerError, SqliteStorage, Storage};
use parking_lot::Mutex;

use super::transport::{Answer, ChunkOutcome, Failure, Refusal, Transport};
use crate::SyncError;
use crate::protocol::Hash;
use crate::protocol::wire::{
    BackofficeEvents, ChallengeRequest, ChallengeResponse, EnrolRequest, EnrolResponse,
    MediaCreate, MediaStatus, PushRequest, PushResponse, TokenRequest, TokenResponse,
};

/// The calls of the protocol, for scripting faults and counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Call {
    Enrol,
    Challenge,
    Token,
    Push,
    Pull,
    MediaCreate,
    MediaAppend,
}

/// What an injected fault does instead of (or after) the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// The connection fails before the server sees the request.
    Network,
    /// The request reaches the server and is applied, then the answer is lost.
    LostAnswer,
    /// The server answers with this status and code.
    Status(u16, &'static str),
    /// The call never answers (until the run is cancelled).
    Hang,
    /// The answer's first receipt is tampered with (a forged inclusion proof).
    ForgeReceipt,
}

/// The in-memory transport.
pub(crate) struct MemoryTransport {
    server: Arc<SqliteStorage>,
    token: Mutex<Option<String>>,
    /// Scripted faults in order: the call, how many of its calls to let through first, the fault.
    faults: Mutex<VecDeque<(Call, usize, Fault)>>,
    calls: Mutex<Vec<Call>>,
    appended_bytes: Mutex<u64>,
}

fn refusal(e: ServerError) -> Failure {
    Failure::Status(Refusal {
        status: e.status(),
        code: e.code().to_owned(),
        retry_after: None,
    })
}

impl MemoryTransport {
    pub fn new(server: Arc<SqliteStorage>) -> Self {
        Self {
            server,
            token: Mutex::new(None),
            faults: Mutex::new(VecDeque::new()),
            calls: Mutex::new(Vec::new()),
            appended_bytes: Mutex::new(0),
        }
    }

    /// The next `times` calls of `call` fail with `fault`.
    pub fn fail(&self, call: Call, fault: Fault, times: usize) {
        self.fail_after(call, 0, fault, times);
    }

    /// After `skip` more calls of `call` go through, the next `times` fail with `fault`.
    pub fn fail_after(&self, call: Call, skip: usize, fault: Fault, times: usize) {
        let mut faults = self.faults.lock();
        for i in 0..times {
            faults.push_back((call, if i == 0 { skip } else { 0 }, fault));
        }
    }

    /// How many times `call` was made.
    pub fn count(&self, call: Call) -> usize {
        self.calls.lock().iter().filter(|c| **c == call).count()
    }

    /// Bytes of media the server stored from chunks (answered or not).
    pub fn appended_bytes(&self) -> u64 {
        *self.appended_bytes.lock()
    }

    /// Takes the first fault scripted for `call` whose calls to let through are used up.
    fn fault(&self, call: Call) -> Option<Fault> {
        self.calls.lock().push(call);
        let mut faults = self.faults.lock();
        let i = faults.iter().position(|(c, _, _)| *c == call)?;
        if faults[i].1 > 0 {
            faults[i].1 -= 1;
            return None;
        }
        faults.remove(i).map(|(_, _, f)| f)
    }

    /// Runs `apply` against the server, with the fault scripted for `call`.
    async fn call<T>(
        &self,
        call: Call,
        apply: impl FnOnce(&SqliteStorage) -> Result<T, ServerError>,
    ) -> Answer<T> {
        let fault = self.fault(call);
        self.run(fault, apply).await
    }

    /// Runs `apply` against the server, with `fault`.
    async fn run<T>(
        &self,
        fault: Option<Fault>,
        apply: impl FnOnce(&SqliteStorage) -> Result<T, ServerError>,
    ) -> Answer<T> {
        match fault {
            Some(Fault::Network) => Err(SyncError::Network("connection reset".into()).into()),
            Some(Fault::Status(status, code)) => Err(Failure::Status(Refusal {
                status,
                code: code.to_owned(),
                retry_after: None,
            })),
            Some(Fault::Hang) => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                Err(SyncError::Network("hung".into()).into())
            }
            Some(Fault::LostAnswer) => {
                let _ = apply(&self.server);
                Err(SyncError::Network("answer lost".into()).into())
            }
            Some(Fault::ForgeReceipt) | None => apply(&self.server).map_err(refusal),
        }
    }

    fn device(&self) -> Result<crate::model::DeviceId, ServerError> {
        let token = self
            .token
            .lock()
            .clone()
            .ok_or(ServerError::Unauthorized("no_token"))?;
        self.server.authenticate(&token)
    }
}

impl Transport for MemoryTransport {
    async fn enrol(&self, req: &EnrolRequest) -> Answer<EnrolResponse> {
        self.call(Call::Enrol, |s| s.enrol(req)).await
    }

    async fn challenge(&self, req: &ChallengeRequest) -> Answer<ChallengeResponse> {
        self.call(Call::Challenge, |s| s.challenge(req.device_id))
            .await
    }

    async fn token(&self, req: &TokenRequest) -> Answer<TokenResponse> {
        self.call(Call::Token, |s| s.token(req)).await
    }

    fn set_token(&self, token: Option<String>) {
        *self.token.lock() = token;
    }

    async fn push(&self, req: &PushRequest) -> Answer<PushResponse> {
        let device = self.device().map_err(refusal)?;
        let fault = self.fault(Call::Push);
        let mut resp = self.run(fault, |s| s.push(device, req)).await?;
        if fault == Some(Fault::ForgeReceipt)
            && let Some(r) = resp.receipts.first_mut()
        {
            r.inclusion.reverse();
            r.inclusion.push(base64::Engine::encode(
                &base64::engine::general_purpose::STANDARD,
                [7u8; 32],
            ));
        }
        Ok(resp)
    }

    async fn pull(&self, after: u64) -> Answer<BackofficeEvents> {
        let device = self.device().map_err(refusal)?;
        self.call(Call::Pull, |s| s.backoffice_events(device, after))
            .await
    }

    async fn media_create(&self, req: &MediaCreate) -> Answer<MediaStatus> {
        let device = self.device().map_err(refusal)?;
        self.call(Call::MediaCreate, |s| s.media_create(device, req))
            .await
    }

    async fn media_append(
        &self,
        sha256: &Hash,
        offset: u64,
        chunk: Vec<u8>,
    ) -> Answer<ChunkOutcome> {
        let device = self.device().map_err(refusal)?;
        let checksum = Hash::digest(&chunk);
        let len = chunk.len() as u64;
        let outcome = self
            .call(Call::MediaAppend, |s| {
                let stored = s.media_append(device, sha256, offset, &checksum, &chunk)?;
                *self.appended_bytes.lock() += len;
                Ok(stored)
            })
            .await?;
        Ok(match outcome {
            Appended::Offset(o) => ChunkOutcome::Stored(o),
            Appended::Complete(status) => ChunkOutcome::Complete(status),
        })
    }
}
