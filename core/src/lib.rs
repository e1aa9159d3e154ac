//! casetrail-core: the inspector's phone core — the workspace the apps and the command line
//! open, evidence media (originals, watermarks, signatures), and the sync client.
//!
//! It stands on the crates below it, from the bottom up: `protocol` (the evidence format and
//! the wire), `i18n` (the words), `model` (the domain), `rules` (the regulation), `store` (the
//! signed journal in SQLite, the key vault, the clock). Here, in the same direction: `media`
//! (files, codecs, watermarks), `workspace` (the operations the screens call), `sync` (delivery
//! to the back office), and `present` (errors in words, the top). `docs/DESIGN.md` draws it.
//!
//! The lower crates are re-exported under their short names, so a host needs this one crate.

pub use casetrail_i18n as i18n;
pub use casetrail_model as model;
pub use casetrail_protocol as protocol;
pub use casetrail_rules as rules;
pub use casetrail_store as store;

mod error;
pub mod media;
pub mod messages;
pub mod present;
pub mod sample;
pub mod sync;
mod workspace;

pub use error::{Error, Result, SyncError, parse_language};
pub use model::{ValidationCode, ValidationError};
pub use workspace::{
    CaptureRequest, Captured, DB_FILE, DraftTarget, DueItem, MAX_PHOTO_BYTES, MEDIA_DIR,
    RefusalRequest, SavedDraft, ServeRequest, SignRequest, SyncIncident, WitnessInput, Workspace,
};
