//! The domain model: cases, parties, officers, records with their typed bodies, evidence
//! metadata and signature slots (domain.md §2, §6).
//!
//! Everything that enters the core is validated here first. Types come in two forms where it
//! matters: the *draft* the inspector enters (`CaseDraft`) and the *saved* item the journal
//! produced (`Case`, with id, status and times). Validation errors name the field path and the
//! rule, never the value.

pub mod bodies;
mod case;
mod case_file;
mod evidence;
mod ids;
mod people;
mod record;
mod signature;
pub mod validate;

pub(crate) use case::code_enum;
pub use case::{
    Case, CaseDraft, CaseSource, CaseStage, CaseStatus, LegalBasis, MIN_OFFICERS, Procedure,
    ViolationType,
};
pub use case_file::{
    BackofficeDecision, CaseFile, DecisionSubject, FindingKey, Override, StatusChange,
};
pub use evidence::{
    Crs, EvidenceItem, EvidenceKind, LegalCategory, LocationReading, RecordedActivity, StoredFile,
};
pub use ids::{CaseId, DeviceId, EvidenceId, PartyId, RecordId, SlotId};
pub use people::{
    CertStatus, IdDocType, IdDocument, NamedRepresentative, Officer, Party, PartyKind, Person,
    PersonRelation,
};
pub use record::{Record, RecordBody, RecordKind, RecordStatus};
pub use signature::{
    Refusal, RefusalReason, SignatureMark, SignatureSlot, SignerRole, SlotEntry, SlotOutcome,
    SlotSpec, Witness,
};
