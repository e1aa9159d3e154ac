//! Evidence media: the untouched original, its watermarked derivative, a thumbnail, and
//! handwritten signatures.
//!
//! `watermark` is the pure pipeline — bytes in, JPEG out — that capture, the benchmark and the
//! fuzz target share: decode (bounded, strict), make upright (EXIF orientation), bring to 4:2:0,
//! draw the band, encode at quality 85. It never panics on input and never returns a derivative
//! of a damaged image. `store` keeps the bytes; `inspect` says what a file is; `signature`
//! renders strokes.

mod codec;
mod inspect;
mod planes;
mod signature;
mod store;
mod text;
mod watermark;

use serde::{Deserialize, Serialize};

pub use codec::{DecodeLimits, decode_jpeg};
pub use inspect::{ExifSummary, Family, Sniffed, read_exif, sniff};
pub use planes::Orientation;
pub use signature::{MAX_POINTS, MAX_SIDE, MAX_STROKES, MIN_SIDE, Stroke, StrokePoint, Strokes};
pub use store::{Area, CHUNK, MediaStore, StoredBlob, hash_file};
pub use text::Fonts;
pub use watermark::{Band, BandFacts, WatermarkSpec};

/// Why a file could not be watermarked (its original is kept all the same).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum MediaError {
    /// The file is empty.
    #[error("the file is empty")]
    Empty,
    /// Larger than the decode limits.
    #[error("image too large to decode ({width}×{height})")]
    TooLarge {
        /// Declared width (0 when unknown).
        width: u64,
        /// Declared height (0 when unknown).
        height: u64,
    },
    /// Truncated, or corrupt image data.
    #[error("corrupt image: {detail}")]
    Corrupt {
        /// The decoder's description of the defect.
        detail: String,
    },
    /// A format the core cannot decode (HEIC …): convert to JPEG on the phone.
    #[error("format not supported for watermarking; convert to JPEG on the phone")]
    Unsupported,
    /// Said to be a photo, but its content is not an image.
    #[error("not an image")]
    NotAnImage,
    /// The host's font bytes are not a font.
    #[error("the font is not a TrueType/OpenType font")]
    BadFont,
    /// Reading or writing the file failed.
    #[error("file error: {detail}")]
    Io {
        /// What failed.
        detail: String,
    },
}

impl MediaError {
    /// As evidence format v1 records it: the code and the detail, not this type.
    pub fn to_v1(&self) -> crate::protocol::events::v1::WatermarkFailure {
        let mut out = crate::protocol::events::v1::WatermarkFailure {
            code: self.code().to_owned(),
            detail: None,
            width: None,
            height: None,
        };
        match self {
            MediaError::TooLarge { width, height } => {
                out.width = Some(*width);
                out.height = Some(*height);
            }
            MediaError::Corrupt { detail } | MediaError::Io { detail } => {
                out.detail = Some(detail.clone());
            }
            _ => {}
        }
        out
    }

    /// Every code `code` can return, in the order `index` gives.
    pub const CODES: [&'static str; 7] = [
        "empty",
        "too_large",
        "corrupt",
        "unsupported",
        "not_an_image",
        "bad_font",
        "io",
    ];

    /// Its place in `CODES`. No wildcard: a new error does not compile until it is placed there.
    fn index(&self) -> usize {
        match self {
            MediaError::Empty => 0,
            MediaError::TooLarge { .. } => 1,
            MediaError::Corrupt { .. } => 2,
            MediaError::Unsupported => 3,
            MediaError::NotAnImage => 4,
            MediaError::BadFont => 5,
            MediaError::Io { .. } => 6,
        }
    }

    /// Stable code: the one journals carry (evidence format v1) and the catalogues' `media-*`.
    pub fn code(&self) -> &'static str {
        Self::CODES[self.index()]
    }
}

/// A watermarked derivative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derived {
    /// The JPEG bytes.
    pub jpeg: Vec<u8>,
    /// Upright width.
    pub width: usize,
    /// Upright height.
    pub height: usize,
    /// The orientation applied.
    pub orientation: Orientation,
    /// Where the band went.
    pub band: Band,
    /// A small JPEG for lists (never evidence).
    pub thumbnail: Vec<u8>,
}

/// Long side of thumbnails.
pub const THUMB_SIDE: usize = 320;

/// Decodes `bytes` (a JPEG or PNG, as sniffed), turns it upright per `orientation`, draws the
/// band and encodes the derivative; the thumbnail is made on a second thread meanwhile.
pub fn watermark(
    bytes: &[u8],
    mime: &str,
    orientation: Orientation,
    spec: &WatermarkSpec,
    fonts: &Fonts,
    limits: &DecodeLimits,
) -> Result<Derived, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    let decoded = match mime {
        "image/jpeg" => codec::decode_jpeg(bytes, limits)?,
        "image/png" => codec::decode_other(bytes, limits)?,
        _ => return Err(MediaError::Unsupported),
    };
    let mut img = planes::orient(decoded, orientation);
    let (width, height) = (img.width(), img.height());
    let thumb_src = downscale(&img, THUMB_SIDE);
    let band = watermark::draw_band(&mut img, spec, fonts);
    let (jpeg, thumbnail) = std::thread::scope(|s| {
        let thumb = s.spawn(|| codec::encode_jpeg(&thumb_src, 75));
        let jpeg = codec::encode_jpeg(&img, codec::QUALITY);
        (jpeg, thumb.join())
    });
    let thumbnail = thumbnail.map_err(|_| MediaError::Corrupt {
        detail: "thumbnail encoder failed".into(),
    })??;
    Ok(Derived {
        jpeg: jpeg?,
        width,
        height,
        orientation,
        band,
        thumbnail,
    })
}

/// A box-filtered copy whose long side is at most `side` (an integer factor, so it is cheap).
pub fn downscale(img: &planes::YuvImage, side: usize) -> planes::YuvImage {
    let f = img.width().max(img.height()).div_ceil(side.max(1)).max(1);
    let shrink = |p: &planes::Plane, f: usize| {
        let (w, h) = (p.width.div_ceil(f), p.height.div_ceil(f));
        let mut data = Vec::with_capacity(w * h);
        for y in 0..h {
            for x in 0..w {
                let (mut sum, mut n) = (0u32, 0u32);
                // Sample a sparse grid of the block: enough for a thumbnail, cheap for 12 MP.
                let step = (f / 4).max(1);
                for yy in (y * f..((y + 1) * f).min(p.height)).step_by(step) {
                    for xx in (x * f..((x + 1) * f).min(p.width)).step_by(step) {
                        sum += u32::from(p.data[yy * p.width + xx]);
                        n += 1;
                    }
                }
                data.push((sum / n.max(1)) as u8);
            }
        }
        planes::Plane {
            width: w,
            height: h,
            data,
        }
    };
    let y = shrink(&img.y, f);
    let chroma = img.chroma.as_ref().map(|(u, v)| {
        let (cw, ch) = (y.width.div_ceil(2), y.height.div_ceil(2));
        let fit = |p: planes::Plane| {
            // Chroma shrinks by the same factor; trim or pad by one sample to match.
            let mut out = planes::Plane::filled(cw, ch, 128);
            for yy in 0..ch.min(p.height) {
                for xx in 0..cw.min(p.width) {
                    out.data[yy * cw + xx] = p.data[yy * p.width + xx];
                }
            }
            out
        };
        (fit(shrink(u, f)), fit(shrink(v, f)))
    });
    planes::YuvImage { y, chroma }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The v1 record of a failure is byte for byte what the serde form of `MediaError` always
    /// wrote into journals.
    #[test]
    fn v1_failures_are_the_bytes_journals_hold() {
        for e in [
            MediaError::Empty,
            MediaError::TooLarge {
                width: 9000,
                height: 12000,
            },
            MediaError::Corrupt {
                detail: "premature end".into(),
            },
            MediaError::Unsupported,
            MediaError::NotAnImage,
            MediaError::BadFont,
            MediaError::Io {
                detail: "read".into(),
            },
        ] {
            assert_eq!(
                serde_json::to_string(&e.to_v1()).unwrap(),
                serde_json::to_string(&e).unwrap()
            );
        }
    }

    fn fixture(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/photos")
            .join(name);
        std::fs::read(path).unwrap_or_default()
    }

    fn spec() -> WatermarkSpec {
        WatermarkSpec {
            lines: vec![
                "望花区统计局　案号 望统检〔2026〕7号".into(),
                "无定位".into(),
            ],
        }
    }

    /// The fuzz-regression corpus: inputs that once broke the pipeline, kept as tests.
    #[test]
    fn fuzz_regressions_stay_fixed() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/fuzz");
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            if entry.path().extension().is_some_and(|e| e == "md") {
                continue;
            }
            let bytes = std::fs::read(entry.path()).unwrap_or_default();
            let sniffed = inspect::sniff(&bytes);
            let _ = inspect::read_exif(&bytes);
            let _ = watermark(
                &bytes,
                &sniffed.mime,
                Orientation::Normal,
                &spec(),
                &Fonts::default(),
                &DecodeLimits::default(),
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

        /// The CI version of the fuzz target: mutated real photos never panic the pipeline, and
        /// whatever it returns as a derivative decodes.
        #[test]
        fn mutated_photos_never_panic(
            which in 0usize..3,
            edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..12),
            cut in any::<prop::sample::Index>(),
            truncate in any::<bool>(),
        ) {
            let name = ["orient-landscape-6.jpg", "bad/malformed-app1-exif.jpg", "orient-portrait-8.jpg"][which];
            let mut bytes = fixture(name);
            prop_assume!(!bytes.is_empty());
            for (i, b) in edits {
                let at = i.index(bytes.len());
                bytes[at] = b;
            }
            if truncate {
                bytes.truncate(cut.index(bytes.len()) + 1);
            }
            let sniffed = inspect::sniff(&bytes);
            let orientation = inspect::read_exif(&bytes).and_then(|e| e.orientation).map(Orientation::from_exif).unwrap_or(Orientation::Normal);
            if let Ok(d) = watermark(&bytes, &sniffed.mime, orientation, &spec(), &Fonts::default(), &DecodeLimits::default()) {
                prop_assert!(codec::decode_jpeg(&d.jpeg, &DecodeLimits::default()).is_ok());
            }
        }
    }
}
