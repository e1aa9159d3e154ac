//! End-to-end scenarios.

mod crash;
mod field;
mod format;
mod media;
mod sync;
mod sync_faults;
