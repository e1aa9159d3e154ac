//! End-to-end scenarios.

mod capture_crash;
mod crash;
mod draft_crash;
mod field;
mod format;
mod media;
mod security;
mod sync;
mod sync_faults;
