//! What a file is (its type sniffed from the content, never from the name) and what its EXIF
//! says (orientation, time taken, GPS, camera).
//!
//! EXIF is hostile input like everything else: the parser returns errors for malformed data, and
//! a photo whose EXIF cannot be read is still a photo — it is stored and watermarked, upright as
//! stored, with the EXIF summary left empty.

use std::io::Cursor;

use serde::{Deserialize, Serialize};

/// The broad family of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// A still image.
    Image,
    /// Video.
    Video,
    /// Audio.
    Audio,
    /// Anything else (PDF, office document, archive, unknown).
    Other,
}

/// A sniffed type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sniffed {
    /// MIME type from the content (`application/octet-stream` when unknown).
    pub mime: String,
    /// Its family.
    pub family: Family,
}

impl Sniffed {
    /// Whether the core can decode it to watermark it (JPEG, PNG).
    pub fn decodable(&self) -> bool {
        matches!(self.mime.as_str(), "image/jpeg" | "image/png")
    }
}

/// Sniffs the type from the first bytes of a file.
pub fn sniff(head: &[u8]) -> Sniffed {
    match infer::get(head) {
        Some(t) => {
            let family = match t.matcher_type() {
                infer::MatcherType::Image => Family::Image,
                infer::MatcherType::Video => Family::Video,
                infer::MatcherType::Audio => Family::Audio,
                _ => Family::Other,
            };
            Sniffed {
                mime: t.mime_type().to_owned(),
                family,
            }
        }
        None => Sniffed {
            mime: "application/octet-stream".to_owned(),
            family: Family::Other,
        },
    }
}

/// What the EXIF block says, as far as it could be read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExifSummary {
    /// Orientation tag (1–8), if present.
    pub orientation: Option<u32>,
    /// DateTimeOriginal as written (camera local time, `YYYY:MM:DD HH:MM:SS`).
    pub taken_at: Option<String>,
    /// OffsetTimeOriginal, if the camera wrote one (`+08:00`).
    pub offset: Option<String>,
    /// GPS latitude and longitude in degrees (WGS-84), if present.
    pub gps: Option<(f64, f64)>,
    /// Camera make and model.
    pub camera: Option<String>,
}

impl ExifSummary {
    /// As evidence format v1 records it.
    pub fn to_v1(&self) -> crate::protocol::events::v1::Exif {
        crate::protocol::events::v1::Exif {
            orientation: self.orientation,
            taken_at: self.taken_at.clone(),
            offset: self.offset.clone(),
            gps: self.gps,
            camera: self.camera.clone(),
        }
    }
}

/// Reads the EXIF of an image; `None` when there is none or it cannot be read.
pub fn read_exif(bytes: &[u8]) -> Option<ExifSummary> {
    let exif = exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .ok()?;
    let get = |tag| exif.get_field(tag, exif::In::PRIMARY);
    let ascii = |tag| {
        get(tag).and_then(|f| match &f.value {
            exif::Value::Ascii(v) => v
                .first()
                .map(|s| String::from_utf8_lossy(s).trim().to_owned()),
            _ => None,
        })
    };
    let orientation = get(exif::Tag::Orientation).and_then(|f| f.value.get_uint(0));
    let dms = |tag, reference| -> Option<f64> {
        let f = get(tag)?;
        let exif::Value::Rational(parts) = &f.value else {
            return None;
        };
        if parts.len() < 3 || parts.iter().any(|r| r.denom == 0) {
            return None;
        }
        let deg = parts[0].to_f64() + parts[1].to_f64() / 60.0 + parts[2].to_f64() / 3600.0;
        let sign = match ascii(reference).as_deref() {
            Some("S") | Some("W") => -1.0,
            _ => 1.0,
        };
        Some(sign * deg).filter(|v| v.is_finite())
    };
    let gps = match (
        dms(exif::Tag::GPSLatitude, exif::Tag::GPSLatitudeRef),
        dms(exif::Tag::GPSLongitude, exif::Tag::GPSLongitudeRef),
    ) {
        (Some(lat), Some(lon)) if lat.abs() <= 90.0 && lon.abs() <= 180.0 => Some((lat, lon)),
        _ => None,
    };
    let camera = match (ascii(exif::Tag::Make), ascii(exif::Tag::Model)) {
        (Some(make), Some(model)) => Some(format!("{make} {model}")),
        (a, b) => a.or(b),
    };
    Some(ExifSummary {
        orientation,
        taken_at: ascii(exif::Tag::DateTimeOriginal),
        offset: ascii(exif::Tag::OffsetTimeOriginal),
        gps,
        camera,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_content() {
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0]).mime,
            "image/jpeg"
        );
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").mime, "image/png");
        assert_eq!(sniff(b"hello, this is text").family, Family::Other);
        assert_eq!(sniff(b"").mime, "application/octet-stream");
        let mut mp4 = vec![0, 0, 0, 0x18];
        mp4.extend_from_slice(b"ftypmp42\0\0\0\0mp42isom");
        assert_eq!(sniff(&mp4).family, Family::Video);
        let mut heic = vec![0, 0, 0, 0x18];
        heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
        let h = sniff(&heic);
        assert_eq!(h.family, Family::Image);
        assert!(!h.decodable());
    }
}
