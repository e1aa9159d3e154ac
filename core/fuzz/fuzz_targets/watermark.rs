//! Fuzz target: the whole decode + orient + watermark + encode path on arbitrary bytes, as a
//! capture runs it (sniff the type, read EXIF, watermark). It must never panic, and must either
//! return an error or a JPEG that decodes.
#![no_main]

use casetrail_core::media::{self, BandFacts, DecodeLimits, Fonts, Orientation, WatermarkSpec};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let sniffed = media::inspect::sniff(data);
    let exif = media::inspect::read_exif(data);
    let orientation = exif.and_then(|e| e.orientation).map(Orientation::from_exif).unwrap_or(Orientation::Normal);
    let facts = BandFacts {
        bureau: "望花区统计局",
        case_no: "望统检〔2026〕7号",
        activity: "现场检查",
        at: chrono::DateTime::from_timestamp(1_764_000_000, 0).unwrap_or_default(),
        location: None,
        address: "",
        officers: vec![("李明", "LN210404-0012")],
        device: "b4193061",
        short_hash: "3b41ff6b8a430948",
    };
    // Small limits keep each run fast; the limit logic itself is part of what is fuzzed.
    let limits = DecodeLimits { max_side: 4096, max_pixels: 4_000_000 };
    if let Ok(d) = media::watermark(data, &sniffed.mime, orientation, &WatermarkSpec::from_facts(&facts), &Fonts::default(), &limits) {
        assert!(media::codec::decode_jpeg(&d.jpeg, &DecodeLimits::default()).is_ok());
    }
});
