//! The binding generator, pinned to the same uniffi as the library:
//! `cargo run -p casetrail-ffi --features bindgen --bin uniffi-bindgen -- generate --library
//! target/debug/libcasetrail_ffi.so --language kotlin --out-dir out/`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
