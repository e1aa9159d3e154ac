//! End-to-end scenarios.

mod crash;
mod field;
mod media;
mod sync;
mod sync_faults;
