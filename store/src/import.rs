//! Import of another chain's events: a phone's journal arriving at the back office, the back
//! office's decisions arriving on a phone.
//!
//! Nothing is stored before it is verified. A batch is one chain's events in `seq` order; each
//! is checked (canonical header, allowed algorithm, trusted key, body hash, strict ed25519
//! signature, link to the previous event) and the whole batch is committed in one transaction,
//! or none of it is. An event already held with the same hash is answered "already held" (an
//! identical re-send is harmless); the same `seq` with a different hash is a conflict and is
//! never stored over the original.

use casetrail_protocol::events::v1::Event;
use casetrail_protocol::journal::{ChainHead, DefectKind, EventHeader, StoredEvent, check_events};
use std::cell::RefCell;
use std::collections::HashMap;

use casetrail_protocol::{CaseId, DeviceId, Hash, RecordId, SlotId};
use casetrail_rules::{CaseIndex, CaseStanding};
use ed25519_dalek::VerifyingKey;
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};

use crate::error::{Error, ImportRefusal, Result};
use crate::{ExtensionTx, Store, chain_head, insert_event, projection};

/// What became of one imported event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imported {
    /// Newly stored at this journal position.
    New(i64),
    /// Held already, byte for byte, at this position.
    AlreadyHeld(i64),
}

impl Imported {
    /// The journal position.
    pub fn pos(self) -> i64 {
        match self {
            Imported::New(p) | Imported::AlreadyHeld(p) => p,
        }
    }
}

impl Store {
    /// Verifies and stores `events` (one chain, seq order). `after_each` runs in the same
    /// transaction for every event, new or already held, so the caller can keep its own books
    /// (the back office appends new events to its log there). All or nothing.
    pub fn import(
        &self,
        events: &[StoredEvent],
        mut after_each: impl FnMut(&ExtensionTx<'_>, &StoredEvent, &EventHeader, Imported) -> Result<()>,
    ) -> Result<Vec<Imported>> {
        let Some(first) = events.first() else {
            return Ok(Vec::new());
        };
        let device = first.device_id;
        if events
            .windows(2)
            .any(|w| w[1].device_id != device || w[1].seq != w[0].seq + 1)
        {
            return Err(ImportRefusal::NotOneChain.into());
        }
        let mut writer = self.writer.lock();
        // Importing may extend a chain this connection caches: read it afresh afterwards.
        writer.heads.remove(&device);
        let tx = writer
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let key = foreign_key(&tx, device)?;
        let actor = crate::View::new(&tx).actor_of(device)?;
        // Only the back office's chain may show a phone events as stubs (other cases').
        let stubs = actor == casetrail_rules::Actor::BackOffice;
        let mut head = chain_head(&tx, device)?;
        let mut out = Vec::with_capacity(events.len());
        // Signatures first, on every core: they do not depend on each other or on the store.
        let checked = check_events(events, &key, stubs);
        let index = BatchIndex::new(crate::View::new(&tx));
        for (offered, header) in events.iter().zip(checked) {
            let header = header.map_err(|kind| defect(offered.seq, kind))?;
            let outcome = match held(&tx, device, offered.seq)? {
                Some((pos, hash)) if hash == offered.event_hash => Imported::AlreadyHeld(pos),
                Some((_, hash)) => {
                    return Err(ImportRefusal::Conflict {
                        seq: offered.seq,
                        held: hash,
                        offered: offered.event_hash,
                    }
                    .into());
                }
                None => {
                    if offered.seq != head.next_seq {
                        return Err(ImportRefusal::Gap {
                            expected: head.next_seq,
                            got: offered.seq,
                        }
                        .into());
                    }
                    if header.prev != head.prev {
                        return Err(defect(offered.seq, DefectKind::BrokenLink));
                    }
                    let event = if stubs && offered.is_stub() {
                        None
                    } else {
                        let event = Event::parse(&header.kind, &offered.body)
                            .map_err(|_| defect(offered.seq, DefectKind::AlteredBody))?;
                        // Who may write this about that case, checked before anything is stored.
                        casetrail_rules::authorize(&actor, event.as_ref(), &index).map_err(
                            |denial| ImportRefusal::Denied {
                                seq: offered.seq,
                                kind: header.kind.clone(),
                                denial,
                            },
                        )?;
                        event
                    };
                    let pos = insert_event(&tx, offered, &header, None)?;
                    if let Some(event) = event {
                        // The header's case is what a case's journal is gathered by: it must be
                        // the case the body is about.
                        if event.case_id() != header.case {
                            return Err(ImportRefusal::NotApplicable {
                                seq: offered.seq,
                                reason: "the header names another case than the body".into(),
                            }
                            .into());
                        }
                        projection::apply(&tx, pos, &header, &event).map_err(|e| {
                            ImportRefusal::NotApplicable {
                                seq: offered.seq,
                                reason: e.to_string(),
                            }
                        })?;
                        index.applied(&event);
                    }
                    head = ChainHead {
                        next_seq: offered.seq + 1,
                        prev: offered.event_hash,
                    };
                    Imported::New(pos)
                }
            };
            after_each(&ExtensionTx { tx: &tx }, offered, &header, outcome)?;
            out.push(outcome);
        }
        tx.commit().map_err(|e| Error::from(e).normalise())?;
        Ok(out)
    }
}

/// The store as the rule of who may write sees it during one import. A batch is mostly one
/// case's records, so a case's standing (status, officers) is read once and kept until an event
/// of the batch that may change it has been projected; then it is read again. Only the kinds
/// known to leave a standing alone keep it: a new kind clears it, so the cache can only cost a
/// read, never decide on a stale standing.
struct BatchIndex<'a> {
    view: crate::View<'a>,
    standing: RefCell<HashMap<CaseId, Option<CaseStanding>>>,
}

impl<'a> BatchIndex<'a> {
    fn new(view: crate::View<'a>) -> Self {
        Self {
            view,
            standing: RefCell::new(HashMap::new()),
        }
    }

    /// After `event` was projected: forgets its case's standing unless the event cannot change it.
    fn applied(&self, event: &Event) {
        let keeps = matches!(
            event,
            Event::RecordAdded(_)
                | Event::RecordAmended(_)
                | Event::RecordFinalized(_)
                | Event::RecordVoided(_)
                | Event::EvidenceCaptured(_)
                | Event::SlotSigned(_)
                | Event::SlotRefused(_)
                | Event::ClockSkewObserved(_)
        );
        if !keeps {
            match event.case_id() {
                Some(case) => {
                    self.standing.borrow_mut().remove(&case);
                }
                None => self.standing.borrow_mut().clear(),
            }
        }
    }
}

impl CaseIndex for BatchIndex<'_> {
    fn standing(&self, case: CaseId) -> Option<CaseStanding> {
        if let Some(held) = self.standing.borrow().get(&case) {
            return held.clone();
        }
        let read = CaseIndex::standing(&self.view, case);
        self.standing.borrow_mut().insert(case, read.clone());
        read
    }

    fn record_owner(&self, record: RecordId) -> Option<DeviceId> {
        CaseIndex::record_owner(&self.view, record)
    }

    fn slot_officer(&self, slot: SlotId) -> Option<String> {
        CaseIndex::slot_officer(&self.view, slot)
    }
}

fn defect(seq: u64, kind: DefectKind) -> Error {
    ImportRefusal::Defect { seq, kind }.into()
}

/// The key of a chain this store may import: trusted, and not our own.
fn foreign_key(tx: &Transaction<'_>, device: DeviceId) -> Result<VerifyingKey> {
    let key: Option<Vec<u8>> = tx
        .query_row(
            "SELECT public_key FROM devices WHERE device_id = ?1 AND role != 'self'",
            params![device.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    let Some(key) = key else {
        return Err(ImportRefusal::UnknownDevice(device).into());
    };
    crate::view::key_of(&key)
}

/// The event held at `(device, seq)`: its position and hash.
fn held(tx: &Transaction<'_>, device: DeviceId, seq: u64) -> Result<Option<(i64, Hash)>> {
    let row: Option<(i64, Vec<u8>)> = tx
        .prepare_cached("SELECT pos, event_hash FROM journal WHERE device_id = ?1 AND seq = ?2")?
        .query_row(params![device.to_string(), seq as i64], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    row.map(|(pos, hash)| {
        Hash::from_slice(&hash)
            .map(|h| (pos, h))
            .ok_or_else(|| Error::Journal("bad stored hash".into()))
    })
    .transpose()
}
