//! Capturing evidence: the host hands over a file (a phone camera writes one) with its readings
//! — time, GPS fix or why there is none, address — and the core stores the original untouched,
//! makes the watermarked derivative of a photo, and journals both hashes in one signed event.
//!
//! The original is kept whatever happens to the watermark: a truncated JPEG, a HEIC the core
//! cannot decode, a "photo" that is really something else are all stored and journaled with a
//! specific outcome, and no derivative is written for them. Only an empty file is refused
//! outright: there is nothing to keep.

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::Workspace;
use crate::error::{Error, Result};
use crate::i18n::{Lang, tr};
use crate::media::{
    self, Area, BandFacts, DecodeLimits, ExifSummary, Family, MediaError, Orientation, Sniffed,
    StoredBlob, WatermarkSpec,
};
use crate::model::v1::code_of;
use crate::model::validate::{LONG_TEXT, SHORT_TEXT, free_text, optional_line};
use crate::model::{
    CaseId, EvidenceId, EvidenceItem, EvidenceKind, LegalCategory, LocationReading, RecordId,
    RecordedActivity, StoredFile, ValidationCode,
};
use crate::protocol::events::v1::{self, Event, WatermarkOutcome};
use crate::store::{EvidenceRow, Table};

/// Largest still image the core reads whole to watermark (bigger ones are kept unwatermarked).
pub const MAX_PHOTO_BYTES: u64 = 80 * 1024 * 1024;

/// What the host knows about a capture.
#[derive(Debug, Clone, PartialEq)]
pub struct CaptureRequest {
    /// The case.
    pub case_id: CaseId,
    /// The record the evidence belongs to, if any.
    pub record_id: Option<RecordId>,
    /// What the host says it is (photo, video, screenshot …); the content decides in the end.
    pub kind: Option<EvidenceKind>,
    /// The activity recorded.
    pub activity: RecordedActivity,
    /// 证明对象.
    pub purpose: String,
    /// Evidence category.
    pub category: Option<LegalCategory>,
    /// When it was captured (the host's reading); now if absent.
    pub captured_at: Option<DateTime<Utc>>,
    /// Certificate number of the capturing officer.
    pub captured_by: String,
    /// GPS fix, or why there is none.
    pub location: Option<LocationReading>,
    /// Reverse-geocoded address, if the host has one.
    pub address: String,
    /// The file's name as the host had it (informational only).
    pub original_name: String,
}

/// The result of a capture.
#[derive(Debug, Clone, PartialEq)]
pub struct Captured {
    /// The journaled item.
    pub item: EvidenceItem,
    /// EXIF summary, if the file had readable EXIF.
    pub exif: Option<ExifSummary>,
    /// What became of the watermark.
    pub watermark: WatermarkOutcome,
    /// Where the original is.
    pub original_path: PathBuf,
    /// Where the derivative is, if one was made.
    pub derivative_path: Option<PathBuf>,
    /// Where the thumbnail is, if one was made.
    pub thumbnail_path: Option<PathBuf>,
}

fn check_location(loc: &Option<LocationReading>) -> Result<()> {
    match loc {
        Some(LocationReading::Fix {
            lat,
            lon,
            accuracy_m,
            ..
        }) => {
            if !(lat.is_finite() && (-90.0..=90.0).contains(lat)) {
                return Err(Error::invalid("location.lat", ValidationCode::OutOfRange));
            }
            if !(lon.is_finite() && (-180.0..=180.0).contains(lon)) {
                return Err(Error::invalid("location.lon", ValidationCode::OutOfRange));
            }
            if accuracy_m.is_some_and(|a| !(a.is_finite() && (0.0..=100_000.0).contains(&a))) {
                return Err(Error::invalid(
                    "location.accuracy_m",
                    ValidationCode::OutOfRange,
                ));
            }
            Ok(())
        }
        Some(LocationReading::NoFix { reason }) => {
            Ok(optional_line("location.reason", reason, SHORT_TEXT)?)
        }
        None => Ok(()),
    }
}

impl Workspace {
    /// Captures the file at `path` (streamed: a large video never sits in memory).
    pub fn capture_file(&self, path: &Path, req: CaptureRequest) -> Result<Captured> {
        let file = std::fs::File::open(path)?;
        self.capture_reader(std::io::BufReader::with_capacity(media::CHUNK, file), req)
    }

    /// Captures bytes the host holds in memory (screenshots, small files).
    pub fn capture_bytes(&self, bytes: &[u8], req: CaptureRequest) -> Result<Captured> {
        self.capture_reader(bytes, req)
    }

    /// Captures from any reader.
    pub fn capture_reader(&self, reader: impl Read, req: CaptureRequest) -> Result<Captured> {
        free_text("purpose", &req.purpose, LONG_TEXT)?;
        optional_line("address", &req.address, SHORT_TEXT)?;
        optional_line("original_name", &req.original_name, SHORT_TEXT)?;
        check_location(&req.location)?;
        let captured_at = req.captured_at.unwrap_or_else(|| self.clock().now().utc);
        // Check the case, record and officer before storing anything.
        let case = self.case(req.case_id)?;
        super::writable(&case)?;
        if let Some(r) = req.record_id {
            let record = self.record(r)?;
            if record.case_id != req.case_id {
                return Err(Error::invalid(
                    "record_id",
                    ValidationCode::UnknownReference,
                ));
            }
        }
        let officer = case
            .officer(&req.captured_by)
            .ok_or_else(|| Error::invalid("captured_by", ValidationCode::UnknownReference))?;
        if !officer.is_valid_on(crate::rules::local_date(captured_at)) {
            return Err(Error::invalid(
                "captured_by",
                ValidationCode::CertificateNotValid,
            ));
        }

        let blob = self.media.ingest(Area::Originals, reader).map_err(|e| {
            if e.kind() == std::io::ErrorKind::InvalidInput {
                Error::invalid("file", ValidationCode::Required)
            } else {
                Error::from(e).normalise()
            }
        })?;
        let sniffed = media::sniff(&blob.head);
        let kind = match sniffed.family {
            Family::Image if imageish(req.kind) => req.kind.unwrap_or(EvidenceKind::Photo),
            Family::Image => EvidenceKind::Photo,
            Family::Video => EvidenceKind::Video,
            Family::Audio => EvidenceKind::Audio,
            Family::Other if req.kind == Some(EvidenceKind::Scan) => EvidenceKind::Scan,
            Family::Other => EvidenceKind::File,
        };
        let claimed_kind = req.kind.filter(|k| *k != kind);
        let mut written = vec![blob.clone()];
        self.with_files(&mut written, |written| {
            self.capture_stored(
                &case,
                &req,
                captured_at,
                (blob, &sniffed),
                kind,
                claimed_kind,
                written,
            )
        })
    }

    /// The rest of a capture once the original is stored: the watermark, then the journal.
    /// Every file written is pushed to `written`, so the caller can settle or discard them.
    #[allow(clippy::too_many_arguments)]
    fn capture_stored(
        &self,
        case: &crate::model::Case,
        req: &CaptureRequest,
        captured_at: DateTime<Utc>,
        (blob, sniffed): (StoredBlob, &Sniffed),
        kind: EvidenceKind,
        claimed_kind: Option<EvidenceKind>,
        written: &mut Vec<StoredBlob>,
    ) -> Result<Captured> {
        let mut exif = None;
        let mut derivative = None;
        let mut derivative_path = None;
        let mut thumbnail_path = None;
        let watermark = if sniffed.family != Family::Image {
            if imageish(req.kind) && req.kind.is_some() && req.kind != Some(EvidenceKind::Scan) {
                failed(MediaError::NotAnImage)
            } else {
                WatermarkOutcome::NotApplicable
            }
        } else if !sniffed.decodable() {
            failed(MediaError::Unsupported)
        } else if blob.size > MAX_PHOTO_BYTES {
            failed(MediaError::TooLarge {
                width: 0,
                height: 0,
            })
        } else {
            let bytes = self.media.read(Area::Originals, &blob.sha256)?;
            exif = media::read_exif(&bytes);
            let orientation = exif
                .as_ref()
                .and_then(|e| e.orientation)
                .map(Orientation::from_exif)
                .unwrap_or(Orientation::Normal);
            let spec = self.band_spec(case, req, captured_at, &blob.sha256)?;
            let fonts = self.fonts.read().clone();
            match media::watermark(
                &bytes,
                &sniffed.mime,
                orientation,
                &spec,
                &fonts,
                &DecodeLimits::default(),
            ) {
                Ok(d) => {
                    let stored = self.media.ingest_bytes(Area::Derivatives, &d.jpeg)?;
                    written.push(stored.clone());
                    derivative = Some(StoredFile {
                        sha256: stored.sha256,
                        size: stored.size,
                        mime: "image/jpeg".into(),
                    });
                    derivative_path = Some(stored.path);
                    // A thumbnail is a cache: failing to write one loses nothing.
                    thumbnail_path = self.media.put_cache(&blob.sha256, &d.thumbnail).ok();
                    WatermarkOutcome::Made {
                        width: d.width as u32,
                        height: d.height as u32,
                        orientation: orientation.exif_value(),
                        lines: spec.lines,
                    }
                }
                Err(error) => failed(error),
            }
        };

        let item = EvidenceItem {
            id: EvidenceId::new(),
            case_id: req.case_id,
            record_id: req.record_id,
            kind,
            category: req.category,
            activity: req.activity,
            purpose: req.purpose.clone(),
            original: StoredFile {
                sha256: blob.sha256,
                size: blob.size,
                mime: sniffed.mime.clone(),
            },
            derivative,
            captured_at,
            captured_by: req.captured_by.clone(),
            location: req.location.clone(),
            address: req.address.clone(),
            device_id: self.device_id(),
        };
        let event = v1::EvidenceCaptured {
            item: (&item).into(),
            exif: exif.as_ref().map(ExifSummary::to_v1),
            claimed_kind: claimed_kind.as_ref().map(code_of),
            original_name: req.original_name.clone(),
            watermark: watermark.clone(),
        };
        self.ledger.append(|v| {
            // The case may have been archived meanwhile.
            super::writable(&v.case(req.case_id)?)?;
            Ok::<_, Error>(Event::EvidenceCaptured(event))
        })?;
        Ok(Captured {
            item,
            exif,
            watermark,
            original_path: blob.path,
            derivative_path,
            thumbnail_path,
        })
    }

    fn band_spec(
        &self,
        case: &crate::model::Case,
        req: &CaptureRequest,
        at: DateTime<Utc>,
        original: &crate::protocol::Hash,
    ) -> Result<WatermarkSpec> {
        // The officers of the record when it names them, else those of the case.
        let record_officers: Vec<String> = match req.record_id {
            Some(r) => self.record(r)?.body.officers().to_vec(),
            None => Vec::new(),
        };
        let certs: Vec<&str> = if record_officers.is_empty() {
            case.info
                .officers
                .iter()
                .map(|o| o.cert_no.as_str())
                .collect()
        } else {
            record_officers.iter().map(String::as_str).collect()
        };
        let officers: Vec<(&str, &str)> = certs
            .iter()
            .filter_map(|c| {
                case.officer(c)
                    .map(|o| (o.name.as_str(), o.cert_no.as_str()))
            })
            .collect();
        let bureau = case
            .info
            .officers
            .first()
            .map(|o| o.unit.as_str())
            .unwrap_or_default();
        let activity = tr(Lang::Zh, &format!("activity-{}", req.activity.as_str()));
        let device = self.device_id().to_string();
        let short = original.short();
        let facts = BandFacts {
            bureau,
            case_no: &case.info.case_no,
            activity: &activity,
            at,
            location: req.location.as_ref(),
            address: &req.address,
            officers,
            device: &device[..8],
            short_hash: &short,
        };
        Ok(WatermarkSpec::from_facts(&facts))
    }

    /// Uses the host's font for watermarks (the bundled fallback stays behind it).
    pub fn set_watermark_font(&self, bytes: Vec<u8>) -> Result<()> {
        let fonts = media::Fonts::with_host_font(bytes)
            .map_err(|_| Error::invalid("font", ValidationCode::BadFormat))?;
        *self.fonts.write() = fonts;
        Ok(())
    }

    /// The evidence of a case, oldest first.
    pub fn evidence(&self, case: CaseId) -> Result<Vec<EvidenceRow>> {
        self.store().read(|v| Ok(v.evidence(case)?))
    }

    /// One evidence item with its capture details.
    pub fn evidence_item(&self, id: EvidenceId) -> Result<EvidenceRow> {
        self.store().read(|v| Ok(v.evidence_item(id)?))
    }

    /// Where the files of an evidence item are: original, derivative, thumbnail.
    pub fn evidence_paths(
        &self,
        item: &EvidenceItem,
    ) -> (PathBuf, Option<PathBuf>, Option<PathBuf>) {
        let original = self.media.path_of(Area::Originals, &item.original.sha256);
        let derivative = item
            .derivative
            .as_ref()
            .map(|d| self.media.path_of(Area::Derivatives, &d.sha256));
        let thumb = self.media.path_of(Area::Thumbnails, &item.original.sha256);
        (original, derivative, thumb.exists().then_some(thumb))
    }

    /// Resolves an evidence id or a unique prefix of one.
    pub fn resolve_evidence(&self, prefix: &str) -> Result<EvidenceId> {
        let id = self
            .store()
            .read(|v| Ok::<_, Error>(v.resolve(Table::Evidence, prefix)?))?;
        id.parse().map_err(|_| Error::not_found("evidence", id))
    }
}

/// Whether the host's claim is of a still image (or no claim at all).
fn imageish(k: Option<EvidenceKind>) -> bool {
    matches!(
        k,
        None | Some(EvidenceKind::Photo | EvidenceKind::Screenshot | EvidenceKind::Scan)
    )
}

/// The outcome of a photo that could not be watermarked.
fn failed(error: MediaError) -> WatermarkOutcome {
    WatermarkOutcome::Failed {
        error: error.to_v1(),
    }
}
