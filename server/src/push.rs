//! Journals in, the log grows, receipts out: a device's batch is verified and imported by the
//! store (all or nothing), each new event becomes the next leaf of the Merkle log in the same
//! transaction, and the answer carries a signed checkpoint, a consistency proof from the size
//! the device holds, and an inclusion proof per event. Events a revoked device signed after its
//! revocation are flagged. The back office's own events go out to the phones in seq order.

use casetrail_model::DeviceId;
use casetrail_protocol::checkpoint::Checkpoint;
use casetrail_protocol::journal::{EventHeader, StoredEvent};
use casetrail_protocol::wire::{
    self, BackofficeEvents, EventReceipt, PushRequest, PushResponse, WireEvent,
};
use casetrail_store::{ExtensionTx, ImportRefusal, Imported};
use chrono::{DateTime, Utc};
use rusqlite::params;

use crate::error::{Result, ServerError};
use crate::log::{self, MerkleLog};
use crate::sqlite::{KEY_NAME, SqliteStorage, ts};

/// Back-office events per page.
const EVENTS_PAGE: usize = 500;

impl SqliteStorage {
    /// Verifies and stores a batch of the device's journal; answers with receipts.
    pub(crate) fn accept_push(&self, device: DeviceId, req: &PushRequest) -> Result<PushResponse> {
        if req.events.is_empty() || req.events.len() > wire::MAX_BATCH {
            return Err(ServerError::BadRequest("bad_batch"));
        }
        let events: Vec<StoredEvent> = req
            .events
            .iter()
            .map(WireEvent::to_stored)
            .collect::<Option<_>>()
            .ok_or(ServerError::BadRequest("malformed_event"))?;
        if let Some(other) = events.iter().find(|e| e.device_id != device) {
            self.incident(
                Some(device),
                "not_your_chain",
                &format!("offered event {} of device {}", other.seq, other.device_id),
            );
            return Err(ServerError::Forbidden("not_your_chain"));
        }
        let (_, revoked) = self.device_row(device)?;
        // Checked and counted by the events that are new: a batch sent again after a cut
        // connection costs nothing twice.
        let held = self.store().read(|v| v.chain_seq(device))?;
        let offered_new = events.iter().filter(|e| e.seq > held).count() as u64;
        self.check_quota(device, offered_new, 0)?;
        let mut tree = self.log.lock();
        let now = ts(self.now());
        let mut new = 0u64;
        let imported = self.store().import(&events, |x, event, header, outcome| {
            if let Imported::New(pos) = outcome {
                new += 1;
                log::append_leaf(x.sql(), pos, &event.event_hash, &now)?;
                if revoked.is_some_and(|r| header.at.utc >= r) {
                    flag(x, device, event.seq, &now)?;
                }
            }
            Ok(())
        });
        match imported {
            Ok(_) => {}
            Err(casetrail_store::Error::Refused(why)) => {
                drop(tree);
                return Err(self.refused(device, why));
            }
            Err(e) => return Err(e.into()),
        }
        self.add_usage(device, new, 0)?;
        self.read(|x| tree.catch_up(x.sql()))?;
        let (_, note) = self.checkpoint(&tree)?;
        let receipts = self.read(|x| {
            events
                .iter()
                .map(|e| {
                    let leaf_index = log::leaf_of(x.sql(), &e.event_hash)?;
                    Ok(EventReceipt {
                        device_id: e.device_id,
                        seq: e.seq,
                        event_hash: e.event_hash,
                        leaf_index,
                        inclusion: tree.inclusion(leaf_index)?,
                    })
                })
                .collect::<Result<Vec<_>>>()
        })?;
        Ok(PushResponse {
            receipts,
            checkpoint: note,
            consistency: tree.consistency(req.known_size),
        })
    }

    /// The answer to a refused batch, kept as an incident.
    fn refused(&self, device: DeviceId, why: ImportRefusal) -> ServerError {
        match why {
            ImportRefusal::Conflict { seq, held, offered } => {
                self.incident(
                    Some(device),
                    "conflict",
                    &format!("seq {seq}: held {held}, offered {offered}"),
                );
                ServerError::Conflict {
                    code: "conflict",
                    offset: None,
                }
            }
            ImportRefusal::UnknownDevice(_) => ServerError::Forbidden("unknown_device"),
            ImportRefusal::Denied { seq, kind, denial } => {
                let detail = format!("event {seq} ({kind}): {}", denial.code());
                self.incident(Some(device), "denied_event", &detail);
                ServerError::ForbiddenEvent { detail }
            }
            other => {
                self.incident(Some(device), "refused_events", &other.to_string());
                ServerError::Unprocessable {
                    code: "refused_events",
                    detail: other.to_string(),
                }
            }
        }
    }

    /// The back office's own signed events after `after`, a page at a time, as `device` may
    /// see them: in full when they are about its own cases or itself, else as stubs (header and
    /// signature, body withheld), so its copy of the chain still verifies and nothing else leaks.
    pub(crate) fn own_events_after(
        &self,
        device: DeviceId,
        after: u64,
    ) -> Result<BackofficeEvents> {
        let me = self.device_id();
        let (_, officer) = self.device_officer(device)?;
        let events = self.store().read(|v| {
            v.chain(me, after, EVENTS_PAGE)?
                .into_iter()
                .map(|e| {
                    Ok(if visible(&v, &e, device, &officer)? {
                        e
                    } else {
                        e.to_stub()
                    })
                })
                .collect::<casetrail_store::Result<Vec<_>>>()
        })?;
        Ok(BackofficeEvents {
            events: events.iter().map(WireEvent::from_stored).collect(),
        })
    }

    /// Signs the checkpoint of the current tree, keeping it.
    pub(crate) fn checkpoint(&self, tree: &MerkleLog) -> Result<(Checkpoint, String)> {
        let cp = Checkpoint {
            origin: self.origin.clone(),
            size: tree.size(),
            root: tree.root(),
        };
        let note = cp.sign(KEY_NAME, self.key());
        let now = ts(self.now());
        self.write(|x| {
            x.sql().execute(
                "INSERT OR IGNORE INTO srv_checkpoints (size, root, note, issued_at) VALUES (?1, ?2, ?3, ?4)",
                params![cp.size as i64, cp.root.as_bytes().as_slice(), note, now],
            )?;
            Ok(())
        })?;
        Ok((cp, note))
    }

    /// Logs every journal event not logged yet and brings the tree up to date. The back office
    /// logs its own events as it appends them; this catches up a folder where that was cut
    /// short (a crash between the two, in software before they shared a transaction).
    pub(crate) fn catch_up_log(&self) -> Result<()> {
        let mut tree = self.log.lock();
        let now = ts(self.now());
        let held = self.store().read(|v| v.journal_len())?;
        if self.read(|x| log::leaf_count(x.sql()))? != held {
            let index = self.store().read(|v| v.journal_index())?;
            self.write(|x| log::append_missing(x.sql(), &index, &now))?;
        }
        self.read(|x| tree.catch_up(x.sql()))
    }

    /// Flags every event `device` signed at or after `from` (a revocation's effective time).
    pub(crate) fn flag_after_revocation(
        &self,
        x: &ExtensionTx<'_>,
        device: DeviceId,
        from: DateTime<Utc>,
    ) -> casetrail_store::Result<usize> {
        let now = ts(self.now());
        let mut flagged = 0;
        for event in x.view().chain(device, 0, usize::MAX)? {
            let Ok(h) = EventHeader::parse_canonical(&event.header) else {
                continue;
            };
            if h.at.utc >= from {
                flagged += flag(x, device, event.seq, &now)?;
            }
        }
        Ok(flagged)
    }
}

/// Flags one event as signed after its device's revocation.
fn flag(
    x: &ExtensionTx<'_>,
    device: DeviceId,
    seq: u64,
    now: &str,
) -> casetrail_store::Result<usize> {
    Ok(x.sql().execute(
        "INSERT OR IGNORE INTO srv_flags (device_id, seq, flag, at)
         VALUES (?1, ?2, 'signed_after_revocation', ?3)",
        params![device.to_string(), seq as i64, now],
    )?)
}

/// Whether `device` (enrolled for `officer`) may read a back-office event in full: the chain's
/// genesis; a revocation of itself; an assignment naming its officer; anything about a case its
/// officer is on now.
fn visible(
    view: &casetrail_store::View<'_>,
    event: &StoredEvent,
    device: DeviceId,
    officer: &str,
) -> casetrail_store::Result<bool> {
    use casetrail_protocol::events::v1::Event;
    let Ok(header) = event.parsed_header() else {
        return Ok(false);
    };
    let Ok(Some(parsed)) = Event::parse(&header.kind, &event.body) else {
        return Ok(false);
    };
    Ok(match &parsed {
        Event::DeviceGenesis(_) => true,
        Event::DeviceRevoked(r) => r.device_id == device,
        // An assignment reaches the officers it names and every device that holds the case,
        // so a phone taken off a case learns it (and stops writing about it).
        Event::CaseAssigned(a) => {
            a.officers.iter().any(|o| o == officer)
                || view
                    .journal_for_case(a.case_id)?
                    .iter()
                    .any(|e| e.device_id == device)
        }
        other => match other.case_id() {
            Some(case) => view
                .case_standing(case)?
                .is_some_and(|s| s.officers.iter().any(|o| o == officer)),
            None => false,
        },
    })
}
