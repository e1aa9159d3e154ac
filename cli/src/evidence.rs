//! `casetrail evidence add|show`: capture a file as evidence for a record, and show an item's
//! hashes, metadata and where its files are.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use serde_json::json;

use casetrail_core::CaptureRequest;
use casetrail_core::model::{Crs, EvidenceKind, LocationReading, RecordedActivity};
use casetrail_core::protocol::events::v1::WatermarkOutcome;

use crate::output::{Out, open_existing};

/// Exit code when the original was kept but no watermark could be made for an image.
pub const EXIT_NO_WATERMARK: u8 = 4;

#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Capture FILE as evidence for RECORD: original kept untouched, photo watermarked.
    Add(Box<AddArgs>),
    /// Show an evidence item: hashes, metadata, watermark, where its files are.
    Show {
        /// Evidence id or a unique prefix.
        evidence: String,
    },
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// Record id or a unique prefix.
    record: String,
    /// The file (photo, video, audio, screenshot, scan, other).
    file: PathBuf,
    /// What the file is meant to be: photo, video, audio, screenshot, scan, file.
    #[arg(long)]
    kind: Option<String>,
    /// Activity recorded (default: from the record kind).
    #[arg(long)]
    activity: Option<String>,
    /// Certificate number of the capturing officer (default: the record's first officer).
    #[arg(long)]
    by: Option<String>,
    /// Latitude in degrees.
    #[arg(long, requires = "lon", allow_hyphen_values = true)]
    lat: Option<f64>,
    /// Longitude in degrees.
    #[arg(long, requires = "lat", allow_hyphen_values = true)]
    lon: Option<f64>,
    /// Horizontal accuracy in metres.
    #[arg(long)]
    accuracy: Option<f64>,
    /// The coordinates are GCJ-02 (Chinese map SDKs), not WGS-84.
    #[arg(long)]
    gcj02: bool,
    /// No GPS fix, and why.
    #[arg(long, conflicts_with = "lat")]
    no_fix: Option<String>,
    /// Address (reverse-geocoded).
    #[arg(long, default_value = "")]
    address: String,
    /// 证明对象: what this evidence proves.
    #[arg(long, default_value = "")]
    purpose: String,
    /// A TrueType/OpenType font to draw the watermark with (default: the bundled one).
    #[arg(long)]
    font: Option<PathBuf>,
}

pub fn run(out: &Out, home: &Path, cmd: EvidenceCommand) -> anyhow::Result<ExitCode> {
    let ws = open_existing(out, home)?;
    match cmd {
        EvidenceCommand::Add(a) => {
            let record = ws.record(ws.resolve_record(&a.record)?)?;
            let case = ws.case(record.case_id)?;
            let bad = |what: &str, v: &str| {
                anyhow::anyhow!(out.ta("cli-bad-value", &[("what", what), ("value", v)]))
            };
            let kind = a
                .kind
                .as_deref()
                .map(|k| EvidenceKind::parse(k).ok_or_else(|| bad("--kind", k)))
                .transpose()?;
            let activity = match a.activity.as_deref() {
                Some(x) => RecordedActivity::parse(x).ok_or_else(|| bad("--activity", x))?,
                None => RecordedActivity::for_record(&record.body),
            };
            let captured_by =
                a.by.clone()
                    .or_else(|| record.body.officers().first().cloned())
                    .or_else(|| case.info.officers.first().map(|o| o.cert_no.clone()))
                    .unwrap_or_default();
            let location = match (a.lat, a.lon, &a.no_fix) {
                (Some(lat), Some(lon), _) => Some(LocationReading::Fix {
                    lat,
                    lon,
                    accuracy_m: a.accuracy,
                    crs: if a.gcj02 { Crs::Gcj02 } else { Crs::Wgs84 },
                    fixed_at: None,
                }),
                (_, _, Some(reason)) => Some(LocationReading::NoFix {
                    reason: reason.clone(),
                }),
                _ => None,
            };
            if let Some(font) = &a.font {
                ws.set_watermark_font(std::fs::read(font)?)?;
            }
            let req = CaptureRequest {
                case_id: record.case_id,
                record_id: Some(record.id),
                kind,
                activity,
                purpose: a.purpose.clone(),
                category: None,
                captured_at: None,
                captured_by,
                location,
                address: a.address.clone(),
                original_name: a
                    .file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            };
            let captured = ws.capture_file(&a.file, req)?;
            let failed = matches!(captured.watermark, WatermarkOutcome::Failed { .. });
            if out.json {
                out.print_json(&json!({
                    "item": captured.item,
                    "exif": captured.exif,
                    "watermark": captured.watermark,
                    "original_path": captured.original_path,
                    "derivative_path": captured.derivative_path,
                    "thumbnail_path": captured.thumbnail_path,
                }))?;
            } else {
                let item = &captured.item;
                out.say(out.ta(
                    "cli-evidence-saved",
                    &[
                        (
                            "kind",
                            &out.t(&format!("evidence-kind-{}", item.kind.as_str())),
                        ),
                        ("id", &item.id.to_string()),
                        ("sha", &item.original.sha256.to_hex()),
                        ("size", &item.original.size.to_string()),
                        ("mime", &item.original.mime),
                    ],
                ));
                print_watermark(
                    out,
                    &captured.watermark,
                    item.derivative.as_ref().map(|d| d.sha256.to_hex()),
                );
            }
            Ok(if failed {
                ExitCode::from(EXIT_NO_WATERMARK)
            } else {
                ExitCode::SUCCESS
            })
        }
        EvidenceCommand::Show { evidence } => {
            let row = ws.evidence_item(ws.resolve_evidence(&evidence)?)?;
            let (original, derivative, thumb) = ws.evidence_paths(&row.item);
            let file = ws.case_file(row.item.case_id)?;
            let retention = casetrail_core::rules::retention(&file, &row.item);
            if out.json {
                out.print_json(&json!({
                    "item": row.item,
                    "details": row.details,
                    "retention": retention,
                    "original_path": original,
                    "derivative_path": derivative,
                    "thumbnail_path": thumb,
                }))?;
            } else {
                let item = &row.item;
                out.say(format!(
                    "{}  {}",
                    item.id,
                    out.t(&format!("evidence-kind-{}", item.kind.as_str()))
                ));
                out.say(out.ta(
                    "cli-evidence-original",
                    &[
                        ("sha", &item.original.sha256.to_hex()),
                        ("size", &item.original.size.to_string()),
                        ("mime", &item.original.mime),
                    ],
                ));
                if let Some(d) = &item.derivative {
                    out.say(out.ta(
                        "cli-evidence-derivative",
                        &[("sha", &d.sha256.to_hex()), ("size", &d.size.to_string())],
                    ));
                }
                out.say(out.ta(
                    "cli-evidence-captured",
                    &[
                        ("at", &out.time(item.captured_at)),
                        ("by", &item.captured_by),
                        (
                            "activity",
                            &out.t(&format!("activity-{}", item.activity.as_str())),
                        ),
                    ],
                ));
                out.say(
                    out.ta(
                        "cli-evidence-files",
                        &[
                            ("original", &original.display().to_string()),
                            (
                                "derivative",
                                &derivative
                                    .map(|p| p.display().to_string())
                                    .unwrap_or_else(|| "-".into()),
                            ),
                        ],
                    ),
                );
                let class = match retention.retain_until {
                    None => out.t("cli-retention-permanent"),
                    Some(until) => out.ta("cli-retention-until", &[("until", &out.time(until))]),
                };
                out.say(class);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_watermark(out: &Out, w: &WatermarkOutcome, derivative: Option<String>) {
    match w {
        WatermarkOutcome::Made { width, height, .. } => out.say(out.ta(
            "cli-evidence-watermarked",
            &[
                ("w", &width.to_string()),
                ("h", &height.to_string()),
                ("sha", &derivative.unwrap_or_default()),
            ],
        )),
        WatermarkOutcome::NotApplicable => out.say(out.t("cli-evidence-no-watermark-needed")),
        WatermarkOutcome::Failed { error } => out.say(out.ta(
            "cli-evidence-watermark-failed",
            &[("why", &out.t(&format!("media-{}", error.code)))],
        )),
    }
}
