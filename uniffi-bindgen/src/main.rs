//! The binding generator of casetrail-ffi, pinned to the library's uniffi (the generated code
//! and the library's scaffolding must come from the same uniffi version). It reads the
//! interface from the built library itself:
//!
//! ```sh
//! cargo build -p casetrail-ffi
//! cargo run -p casetrail-uniffi-bindgen -- generate --library target/debug/libcasetrail_ffi.so \
//!     --language kotlin --out-dir out/
//! ```
//!
//! It is a crate of its own so that its dependencies never join the library's build: running it
//! does not rebuild casetrail-ffi (or the core) under another feature set.

fn main() {
    uniffi::uniffi_bindgen_main()
}
