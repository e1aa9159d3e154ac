//! The back office's own chain: a workspace opened by the server signs leaders' approvals, legal
//! review opinions, case assignments and device revocations as events of its chain, which the
//! phones pull and verify with the key they learnt at enrolment.
//!
//! Only a workspace marked as the back office may sign these (and the projection honours them
//! only from such a chain), so a phone can never approve its own case.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Workspace, required_reason};
use crate::error::{Error, Result, ValidationCode};
use crate::events::{BackofficeDecided, CaseAssigned, DeviceRevoked, Event};
use crate::identity::DeviceKey;
use crate::journal::StoredEvent;
use crate::model::{BackofficeDecision, CaseId, DeviceId};

impl Workspace {
    /// Marks this workspace as the back office's (idempotent). Done by the server on start.
    pub fn make_backoffice(&self) -> Result<()> {
        self.store.write(|tx| {
            tx.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('backoffice', '1')",
                [],
            )?;
            Ok(())
        })
    }

    /// Whether this workspace is the back office's.
    pub fn is_backoffice(&self) -> Result<bool> {
        self.store.read(|c| {
            Ok(c.query_row(
                "SELECT 1 FROM meta WHERE key = 'backoffice'",
                [],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
        })
    }

    /// The key this workspace signs with; the back office also signs its checkpoints and media
    /// receipts with it (each in its own domain-separated format).
    pub fn signing_key(&self) -> &DeviceKey {
        &self.key
    }

    fn append_backoffice(&self, event: Event) -> Result<StoredEvent> {
        if !self.is_backoffice()? {
            return Err(Error::InvalidState {
                reason: "not_backoffice",
            });
        }
        Ok(self
            .store
            .append(&self.key, self.clock.now(), |_| Ok(event))?
            .stored)
    }

    /// Signs a decision on a case the back office holds.
    pub fn backoffice_decide(
        &self,
        case_id: CaseId,
        decision: BackofficeDecision,
    ) -> Result<StoredEvent> {
        self.case(case_id)?;
        if decision.decided_by.trim().is_empty() {
            return Err(Error::invalid("decided_by", ValidationCode::Required));
        }
        self.append_backoffice(Event::BackofficeDecided(BackofficeDecided {
            case_id,
            decision,
        }))
    }

    /// Signs the assignment of a case the back office holds to officers (certificate numbers).
    pub fn backoffice_assign(
        &self,
        case_id: CaseId,
        officers: Vec<String>,
        note: &str,
    ) -> Result<StoredEvent> {
        let case = self.case(case_id)?;
        if officers.iter().all(|o| o.trim().is_empty()) {
            return Err(Error::invalid("officers", ValidationCode::Required));
        }
        self.append_backoffice(Event::CaseAssigned(CaseAssigned {
            case_id,
            case_no: case.info.case_no.clone(),
            title: case.info.title.clone(),
            officers,
            note: note.to_owned(),
        }))
    }

    /// Signs the revocation of a device key from `effective_at`.
    pub fn backoffice_revoke(
        &self,
        device_id: DeviceId,
        effective_at: DateTime<Utc>,
        reason: &str,
    ) -> Result<StoredEvent> {
        required_reason(reason)?;
        let known = self.store.read(|c| {
            Ok(c.query_row(
                "SELECT 1 FROM devices WHERE device_id = ?1 AND role = 'peer'",
                params![device_id.to_string()],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
        })?;
        if !known {
            return Err(Error::NotFound {
                what: "device",
                id: device_id.to_string(),
            });
        }
        self.append_backoffice(Event::DeviceRevoked(DeviceRevoked {
            device_id,
            effective_at,
            reason: reason.to_owned(),
        }))
    }
}
