//! The back office's own acts, signed into its chain: leaders' approvals and legal review
//! opinions, case assignments and device revocations. Phones pull them and verify them with the
//! key they learnt at enrolment; the store honours these kinds only from a chain marked as the
//! back office's, so a phone can never approve its own case.
//!
//! Each act is appended and logged as the next leaf of the Merkle log in one transaction, so the
//! log never misses one of the back office's own events.

use casetrail_model::{BackofficeDecision, CaseId, DeviceId, ValidationCode};
use casetrail_protocol::events::v1::{self, Event};
use casetrail_store::{Appended, ExtensionTx};
use chrono::{DateTime, Utc};
use rusqlite::params;

use crate::error::{Result, ServerError};
use crate::log;
use crate::sqlite::{SqliteStorage, ts};

impl SqliteStorage {
    /// Appends one of the back office's own events, logging it in the same transaction; `also`
    /// runs there too (the server's own tables).
    fn act(
        &self,
        build: impl FnOnce(casetrail_store::View<'_>) -> Result<Event>,
        mut also: impl FnMut(&ExtensionTx<'_>) -> casetrail_store::Result<()>,
    ) -> Result<()> {
        let _tree = self.log.lock();
        let now = ts(self.now());
        self.ledger.append_with(build, |x, a: &Appended| {
            log::append_leaf(x.sql(), a.stored.pos, &a.stored.event_hash, &now)?;
            also(x)
        })?;
        Ok(())
    }

    /// Signs a decision on a case the back office holds.
    pub(crate) fn sign_decision(
        &self,
        case_id: CaseId,
        decision: BackofficeDecision,
    ) -> Result<()> {
        if decision.decided_by.trim().is_empty() {
            return Err(invalid("decided_by", ValidationCode::Required));
        }
        self.act(
            |v| {
                v.case(case_id).map_err(known_case)?;
                Ok(Event::BackofficeDecided(v1::BackofficeDecided {
                    case_id,
                    decision: (&decision).into(),
                }))
            },
            |_| Ok(()),
        )
    }

    /// Signs the assignment of a case the back office holds to officers (certificate numbers).
    pub(crate) fn sign_assignment(
        &self,
        case_id: CaseId,
        officers: Vec<String>,
        note: &str,
    ) -> Result<()> {
        if officers.iter().all(|o| o.trim().is_empty()) {
            return Err(invalid("officers", ValidationCode::Required));
        }
        self.act(
            |v| {
                let case = v.case(case_id).map_err(known_case)?;
                Ok(Event::CaseAssigned(v1::CaseAssigned {
                    case_id,
                    case_no: case.info.case_no.clone(),
                    title: case.info.title.clone(),
                    officers: officers.clone(),
                    note: note.to_owned(),
                }))
            },
            |_| Ok(()),
        )
    }

    /// Revokes a device key from `effective_at`: signs the revocation, stops its tokens, and
    /// flags what it signed from then on.
    pub(crate) fn sign_revocation(
        &self,
        device_id: DeviceId,
        effective_at: DateTime<Utc>,
        reason: &str,
    ) -> Result<()> {
        if reason.trim().is_empty() {
            return Err(invalid("reason", ValidationCode::Required));
        }
        casetrail_model::validate::free_text(
            "reason",
            reason,
            casetrail_model::validate::LONG_TEXT,
        )
        .map_err(|_| ServerError::BadRequest("invalid"))?;
        self.device_row(device_id)?;
        self.act(
            |v| {
                if !v.is_peer(device_id)? {
                    return Err(ServerError::NotFound("unknown_device"));
                }
                Ok(Event::DeviceRevoked(v1::DeviceRevoked {
                    device_id,
                    effective_at,
                    reason: reason.to_owned(),
                }))
            },
            |x| {
                x.sql().execute(
                    "UPDATE srv_devices SET revoked_at = ?2, revoke_reason = ?3 WHERE device_id = ?1",
                    params![device_id.to_string(), ts(effective_at), reason],
                )?;
                x.sql().execute(
                    "DELETE FROM srv_tokens WHERE device_id = ?1",
                    params![device_id.to_string()],
                )?;
                self.flag_after_revocation(x, device_id, effective_at)?;
                Ok(())
            },
        )
    }
}

/// A field the operator got wrong: a clear refusal, not a server fault.
fn invalid(_field: &str, _code: ValidationCode) -> ServerError {
    ServerError::BadRequest("invalid")
}

/// A case the operator named that the back office does not hold.
fn known_case(e: casetrail_store::Error) -> ServerError {
    match e {
        casetrail_store::Error::NotFound { .. } => ServerError::NotFound("unknown_case"),
        other => other.into(),
    }
}
