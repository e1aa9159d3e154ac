//! End-to-end scenarios.

mod crash;
