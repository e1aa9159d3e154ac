//! casetrail-core: the shared core of the inspector's phone app.
//!
//! It records the whole process of a statistics enforcement case as the regulation demands —
//! typed records, evidence, signatures and refusals — in an append-only journal that the device
//! signs event by event, keeps it in SQLite with projections the screens query, knows what the
//! regulation still requires, and (in later modules) captures media and syncs verifiably.
//!
//! Module map: `model` (what a case is), `journal` (signed chain, verification), `store`
//! (SQLite), `identity` (device key, vault), `rules` (the regulation as data), `workspace` (the
//! API the apps call), `i18n` (zh/en text), `clock`, `events`, `error`.

pub mod clock;
pub mod error;
pub mod events;
pub mod i18n;
pub mod identity;
pub mod journal;
pub mod media;
pub mod model;
pub mod rules;
pub mod sample;
pub mod store;
pub mod sync;
pub mod workspace;

pub use error::{Error, Result, ValidationCode, ValidationError};
pub use workspace::Workspace;
