//! Fuzz target: signature strokes as a host might send them (JSON), validated and rendered.
#![no_main]

use casetrail_core::media::Strokes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(strokes) = serde_json::from_slice::<Strokes>(data) {
        let _ = strokes.render_png();
    }
});
