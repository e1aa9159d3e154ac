//! The bodies of journal events, by format version. Version 1 is the only one; a v2 would be a
//! module beside it, chosen by the header's `v`, and v1 stays readable forever.

pub mod v1;
