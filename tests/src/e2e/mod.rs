//! End-to-end scenarios.

mod crash;
mod field;
mod media;
mod sync;
