//! casetrail-e2e: whole-system scenarios that need more than one process or component — kill -9
//! crash loops, direct tampering with the files, and device ↔ server over loopback.
//!
//! One test binary (every scenario is a module of `e2e`), so the suite links once. Helpers for
//! child processes and seeded randomness live in `support`.

pub mod backoffice;
pub mod fault_proxy;
pub mod format_v1;
pub mod support;

#[cfg(test)]
mod e2e;
