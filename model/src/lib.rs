//! casetrail-model: the domain — cases, parties, officers, records with their typed bodies,
//! evidence metadata and signature slots (domain.md §2, §6).
//!
//! Everything that enters casetrail is validated here first. Types come in two forms where it
//! matters: the *draft* the inspector enters (`CaseDraft`) and the *saved* item the journal
//! produced (`Case`, with id, status and times). Validation errors name the field path and the
//! rule, never the value.

pub mod bodies;
mod case;
mod case_file;
mod error;
mod evidence;
mod people;
mod record;
mod signature;
mod time;
pub mod v1;
pub mod validate;

pub use case::{
    Case, CaseDraft, CaseSource, CaseStage, CaseStatus, LegalBasis, MIN_OFFICERS, Procedure,
    ViolationType,
};
pub use case_file::{
    BackofficeDecision, CaseFile, DecisionSubject, FindingKey, Override, StatusChange,
};
pub use casetrail_protocol::{CaseId, DeviceId, EvidenceId, Hash, PartyId, RecordId, SlotId};
pub use error::{ValidationCode, ValidationError};
pub use evidence::{
    Crs, EvidenceItem, EvidenceKind, LegalCategory, LocationReading, RecordedActivity, StoredFile,
};
pub use people::{
    CertStatus, IdDocType, IdDocument, NamedRepresentative, Officer, Party, PartyKind, Person,
    PersonRelation,
};
pub use record::{MAX_FEN, Record, RecordBody, RecordKind, RecordStatus};
pub use signature::{
    Refusal, RefusalReason, SignatureMark, SignatureSlot, SignerRole, SlotEntry, SlotOutcome,
    SlotSpec, Witness,
};
pub use time::{CHINA_OFFSET_S, china_zone, local_date, start_of_local_day};
pub use v1::FromV1Error;
