//! Who may write which event about which case: the rule the back office checks before it stores
//! a device's events, and the phone checks before it signs one — so an honest phone never
//! produces an event the back office would refuse.
//!
//! An actor is a device (bound at enrolment to one officer's certificate, unknown before) or
//! the back office; the back-office web page's roles will be actors too. A device writes about
//! a case only while its officer is on it — named on the case when it was opened, or in the
//! back office's latest assignment, which replaces that list (an officer removed by the back
//! office can no longer write). It changes only the records it made itself, signs a slot of a
//! record of another device only when the slot is its officer's, and captures evidence only as
//! itself. A closed case takes nothing but being archived; an archived one, nothing. Only the
//! back office issues back-office kinds, and a kind this code does not know is refused rather
//! than logged forever.
//!
//! The rule is a pure function of the actor, the event and what an index of the case file says
//! (`CaseIndex`), so the store applies the same rule on both sides from its own tables.

use casetrail_model::{CaseId, CaseStatus, DeviceId, RecordId, SlotId};
use casetrail_protocol::events::v1::Event;

/// Who writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A device; `officer` is the certificate number it is enrolled for (`None` before it has
    /// enrolled: the officer checks wait for the back office then).
    Device {
        /// The device.
        device: DeviceId,
        /// Its officer's certificate number, once enrolled.
        officer: Option<String>,
    },
    /// The back office's own chain.
    BackOffice,
}

/// What the rule needs to know of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseStanding {
    /// Its status now.
    pub status: CaseStatus,
    /// The officers on it now (certificate numbers).
    pub officers: Vec<String>,
    /// Whether the back office assigned it (then `officers` is its latest assignment).
    pub assigned: bool,
    /// The officers named when it was opened.
    pub named: Vec<String>,
}

/// What the store can tell the rule, from its tables.
pub trait CaseIndex {
    /// The case's standing, if the case is held.
    fn standing(&self, case: CaseId) -> Option<CaseStanding>;
    /// The device that made a record, if the record is held.
    fn record_owner(&self, record: RecordId) -> Option<DeviceId>;
    /// The certificate number a signature slot is for, if it is an officer's.
    fn slot_officer(&self, slot: SlotId) -> Option<String>;
}

/// Why an event may not be written. Each code has words in the catalogues (`denied-<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Denial {
    /// Only the back office issues this kind.
    BackofficeOnly,
    /// The back office's chain issues only back-office kinds and its genesis.
    DeviceKindFromBackoffice,
    /// An event about a case the store does not hold.
    UnknownCase,
    /// The device's officer is not (or no longer) on the case.
    NotOnCase,
    /// The back office's assignment took the device's officer off the case.
    RemovedFromCase,
    /// The case is closed: only archiving it is allowed.
    CaseClosed,
    /// The case is archived: nothing more.
    CaseArchived,
    /// The record was made by another device.
    RecordOfAnotherDevice,
    /// A slot of another device's record that is not this device's officer's.
    SlotOfAnotherOfficer,
    /// Evidence said to be captured by another device, or by someone not on the case.
    CaptureNotOwn,
    /// A case opened by a device whose officer is not among its officers.
    OpenerNotNamed,
    /// A kind this code does not know.
    UnknownKind,
}

impl Denial {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Denial::BackofficeOnly => "backoffice_only",
            Denial::DeviceKindFromBackoffice => "device_kind_from_backoffice",
            Denial::UnknownCase => "unknown_case",
            Denial::NotOnCase => "not_on_case",
            Denial::RemovedFromCase => "removed_from_case",
            Denial::CaseClosed => "case_closed",
            Denial::CaseArchived => "case_archived",
            Denial::RecordOfAnotherDevice => "record_of_another_device",
            Denial::SlotOfAnotherOfficer => "slot_of_another_officer",
            Denial::CaptureNotOwn => "capture_not_own",
            Denial::OpenerNotNamed => "opener_not_named",
            Denial::UnknownKind => "unknown_kind",
        }
    }

    /// Every denial, for the catalogue test.
    pub const ALL: &'static [Denial] = &[
        Denial::BackofficeOnly,
        Denial::DeviceKindFromBackoffice,
        Denial::UnknownCase,
        Denial::NotOnCase,
        Denial::RemovedFromCase,
        Denial::CaseClosed,
        Denial::CaseArchived,
        Denial::RecordOfAnotherDevice,
        Denial::SlotOfAnotherOfficer,
        Denial::CaptureNotOwn,
        Denial::OpenerNotNamed,
        Denial::UnknownKind,
    ];
}

/// Whether `actor` may write `event` (`None`: a kind this code does not know — refused from a
/// device, kept unread from the back office, whose newer software may add kinds).
pub fn authorize(
    actor: &Actor,
    event: Option<&Event>,
    index: &impl CaseIndex,
) -> Result<(), Denial> {
    let Some(event) = event else {
        return match actor {
            Actor::BackOffice => Ok(()),
            Actor::Device { .. } => Err(Denial::UnknownKind),
        };
    };
    let (device, officer) = match actor {
        Actor::BackOffice => {
            return match event {
                Event::DeviceGenesis(_) => Ok(()),
                e if e.is_backoffice() => Ok(()),
                _ => Err(Denial::DeviceKindFromBackoffice),
            };
        }
        Actor::Device { device, officer } => (*device, officer.as_deref()),
    };
    if event.is_backoffice() {
        return Err(Denial::BackofficeOnly);
    }
    let case = match event {
        Event::DeviceGenesis(_) | Event::ClockSkewObserved(_) => return Ok(()),
        Event::CaseOpened(e) => {
            return match officer {
                Some(o) if !e.case.officers.iter().any(|x| x.cert_no == o) => {
                    Err(Denial::OpenerNotNamed)
                }
                _ => Ok(()),
            };
        }
        other => match other.case_id() {
            Some(case) => case,
            None => return Err(Denial::UnknownKind),
        },
    };
    let standing = index.standing(case).ok_or(Denial::UnknownCase)?;
    let archiving =
        matches!(event, Event::CaseStatusChanged(e) if e.to == CaseStatus::Archived.as_str());
    open_for(standing.status, archiving)?;
    if let Some(o) = officer {
        if !standing.officers.iter().any(|x| x == o) {
            let removed = standing.assigned && standing.named.iter().any(|x| x == o);
            return Err(if removed {
                Denial::RemovedFromCase
            } else {
                Denial::NotOnCase
            });
        }
    }
    let own = |record: RecordId| index.record_owner(record) == Some(device);
    match event {
        Event::RecordAmended(e) if !own(e.record_id) => Err(Denial::RecordOfAnotherDevice),
        Event::RecordFinalized(e) if !own(e.record_id) => Err(Denial::RecordOfAnotherDevice),
        Event::RecordVoided(e) if !own(e.record_id) => Err(Denial::RecordOfAnotherDevice),
        Event::SlotSigned(v) if !own(v.record_id) => {
            slot_of(officer, index.slot_officer(v.slot_id))
        }
        Event::SlotRefused(v) if !own(v.record_id) => {
            slot_of(officer, index.slot_officer(v.slot_id))
        }
        Event::EvidenceCaptured(e)
            if e.item.device_id != device || !standing.officers.contains(&e.item.captured_by) =>
        {
            Err(Denial::CaptureNotOwn)
        }
        _ => Ok(()),
    }
}

/// Whether a case in `status` takes an event: an archived case nothing, an ended one only being
/// archived (`archiving`).
pub fn open_for(status: CaseStatus, archiving: bool) -> Result<(), Denial> {
    match status {
        CaseStatus::Archived => Err(Denial::CaseArchived),
        s if s.is_ended() && !archiving => Err(Denial::CaseClosed),
        _ => Ok(()),
    }
}

/// A slot of another device's record: only its own officer's.
fn slot_of(officer: Option<&str>, slot: Option<String>) -> Result<(), Denial> {
    match (officer, slot) {
        (Some(o), Some(s)) if o == s => Ok(()),
        _ => Err(Denial::SlotOfAnotherOfficer),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use casetrail_model::{CaseDraft, Officer};
    use casetrail_protocol::events::v1;

    use super::*;

    #[derive(Default)]
    struct Index {
        cases: HashMap<CaseId, CaseStanding>,
        records: HashMap<RecordId, DeviceId>,
        slots: HashMap<SlotId, String>,
    }

    impl CaseIndex for Index {
        fn standing(&self, case: CaseId) -> Option<CaseStanding> {
            self.cases.get(&case).cloned()
        }
        fn record_owner(&self, record: RecordId) -> Option<DeviceId> {
            self.records.get(&record).copied()
        }
        fn slot_officer(&self, slot: SlotId) -> Option<String> {
            self.slots.get(&slot).cloned()
        }
    }

    fn id(n: u128) -> uuid::Uuid {
        uuid::Uuid::from_u128(n)
    }

    fn phone(n: u128, officer: &str) -> Actor {
        Actor::Device {
            device: DeviceId(id(n)),
            officer: Some(officer.into()),
        }
    }

    fn voided(record: RecordId, case: CaseId) -> Event {
        Event::RecordVoided(v1::RecordVoided {
            record_id: record,
            case_id: case,
            reason: "x".into(),
        })
    }

    fn archived(case: CaseId) -> Event {
        Event::CaseStatusChanged(v1::CaseStatusChanged {
            case_id: case,
            from: "closed".into(),
            to: "archived".into(),
            reason: "归档".into(),
        })
    }

    #[test]
    fn a_device_writes_only_about_its_officers_cases_and_only_its_own_records() {
        let case = CaseId(id(1));
        let record = RecordId(id(2));
        let mut index = Index::default();
        index.cases.insert(
            case,
            CaseStanding {
                status: CaseStatus::Investigating,
                officers: vec!["A".into(), "B".into()],
                assigned: false,
                named: vec!["A".into(), "B".into()],
            },
        );
        index.records.insert(record, DeviceId(id(10)));
        let a = phone(10, "A");
        let b = phone(11, "B");
        let c = phone(12, "C");
        assert_eq!(authorize(&a, Some(&voided(record, case)), &index), Ok(()));
        assert_eq!(
            authorize(&b, Some(&voided(record, case)), &index),
            Err(Denial::RecordOfAnotherDevice)
        );
        assert_eq!(
            authorize(&c, Some(&voided(record, case)), &index),
            Err(Denial::NotOnCase)
        );
        // The back office took B off the case.
        let s = index.cases.get_mut(&case).unwrap();
        s.officers = vec!["A".into()];
        s.assigned = true;
        assert_eq!(
            authorize(&b, Some(&archived(case)), &index),
            Err(Denial::RemovedFromCase)
        );
        // Closed: only archiving; archived: nothing.
        index.cases.get_mut(&case).unwrap().status = CaseStatus::Closed;
        assert_eq!(authorize(&a, Some(&archived(case)), &index), Ok(()));
        assert_eq!(
            authorize(&a, Some(&voided(record, case)), &index),
            Err(Denial::CaseClosed)
        );
        index.cases.get_mut(&case).unwrap().status = CaseStatus::Archived;
        assert_eq!(
            authorize(&a, Some(&archived(case)), &index),
            Err(Denial::CaseArchived)
        );
        // An unknown case, an unknown kind, a back-office kind from a phone.
        assert_eq!(
            authorize(&a, Some(&voided(record, CaseId(id(99)))), &index),
            Err(Denial::UnknownCase)
        );
        assert_eq!(authorize(&a, None, &index), Err(Denial::UnknownKind));
        assert_eq!(authorize(&Actor::BackOffice, None, &index), Ok(()));
        let assign = Event::CaseAssigned(v1::CaseAssigned {
            case_id: case,
            case_no: String::new(),
            title: String::new(),
            officers: vec!["A".into()],
            note: String::new(),
        });
        assert_eq!(
            authorize(&a, Some(&assign), &index),
            Err(Denial::BackofficeOnly)
        );
        assert_eq!(authorize(&Actor::BackOffice, Some(&assign), &index), Ok(()));
        assert_eq!(
            authorize(&Actor::BackOffice, Some(&archived(case)), &index),
            Err(Denial::DeviceKindFromBackoffice)
        );
    }

    #[test]
    fn a_case_is_opened_only_by_one_of_its_officers_and_any_device_before_enrolment() {
        let draft = CaseDraft {
            officers: vec![Officer {
                cert_no: "A".into(),
                ..Officer::default()
            }],
            ..CaseDraft::default()
        };
        let opened = Event::CaseOpened(v1::CaseOpened {
            case_id: CaseId(id(1)),
            case: (&draft).into(),
        });
        let index = Index::default();
        assert_eq!(authorize(&phone(1, "A"), Some(&opened), &index), Ok(()));
        assert_eq!(
            authorize(&phone(1, "C"), Some(&opened), &index),
            Err(Denial::OpenerNotNamed)
        );
        let unenrolled = Actor::Device {
            device: DeviceId(id(1)),
            officer: None,
        };
        assert_eq!(authorize(&unenrolled, Some(&opened), &index), Ok(()));
    }
}
