//! The records that cross the boundary, shaped for the screens: what a list row, a case screen,
//! a signature pad and a sync status bar need, with codes (stable) and labels (in the
//! workspace's language) side by side. Rich document bodies cross as JSON of the core's own
//! types, validated by the core.

use std::time::SystemTime;

use casetrail_core::DueItem;
use casetrail_core::i18n::{self, Lang};
use casetrail_core::model::{EvidenceItem, Officer, Party, Record, RecordStatus, SignatureSlot};
use casetrail_core::present::describe_sync_reason;
use casetrail_core::rules::Finding;
use casetrail_core::store::CaseSummary;
use casetrail_core::sync::{MediaState, Progress, SyncReport, SyncStatus};

fn time(t: chrono::DateTime<chrono::Utc>) -> SystemTime {
    SystemTime::from(t)
}

/// One row of the case list.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CaseRow {
    /// Case id.
    pub id: String,
    /// 案号.
    pub case_no: String,
    /// 案件名称.
    pub title: String,
    /// Stage code and label.
    pub stage: String,
    /// Stage label.
    pub stage_label: String,
    /// Status code.
    pub status: String,
    /// Status label.
    pub status_label: String,
    /// When it was opened.
    pub opened_at: SystemTime,
}

impl CaseRow {
    pub(crate) fn new(c: &CaseSummary, lang: Lang) -> Self {
        Self {
            id: c.id.to_string(),
            case_no: c.case_no.clone(),
            title: c.title.clone(),
            stage: c.stage.as_str().to_owned(),
            stage_label: i18n::tr(lang, &format!("stage-{}", c.stage.as_str())),
            status: c.status.as_str().to_owned(),
            status_label: i18n::tr(lang, &format!("status-{}", c.status.as_str())),
            opened_at: time(c.opened_at),
        }
    }
}

/// A signature slot of a finalized record, with where it stands.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SlotView {
    /// Slot id.
    pub id: String,
    /// Signer role code (`party`, `officer`, `witness` …).
    pub role: String,
    /// Role label.
    pub role_label: String,
    /// Who should sign.
    pub signer_name: String,
    /// Whether the record needs it.
    pub required: bool,
    /// Whether a refusal can be recorded for it at all: the signer is not one of the officers
    /// (who sign, never refuse).
    pub refusable: bool,
    /// Whether it can be signed now: pending, on a finalized record.
    pub can_sign: bool,
    /// Whether a refusal can be recorded now: refusable, on a finalized record, not refused
    /// already (a signature after a refusal supersedes it; a refusal after one does not).
    pub can_refuse: bool,
    /// The words the signer affirms above the signature (以上笔录我看过，与我说的相符 …); may be
    /// empty.
    pub affirmation: String,
    /// The latest outcome, as the core names it: `pending`, `signed`, `sealed`, `refused`,
    /// `unable`, `absent`, `not_required`.
    pub state: String,
    /// State label.
    pub state_label: String,
    /// When that happened.
    pub at: Option<SystemTime>,
}

impl SlotView {
    fn new(s: &SignatureSlot, finalized: bool, lang: Lang) -> Self {
        let role = s.spec.role.map(|r| r.as_str()).unwrap_or("other");
        let last = s.history.last();
        let state = s.status();
        Self {
            id: s.id.to_string(),
            role: role.to_owned(),
            role_label: i18n::tr(lang, &format!("role-{role}")),
            signer_name: s.spec.signer_name.clone(),
            required: s.spec.required,
            refusable: s.spec.role.is_none_or(|r| !r.is_officer()),
            can_sign: finalized && state == "pending",
            can_refuse: finalized
                && s.spec.role.is_none_or(|r| !r.is_officer())
                && matches!(state, "pending" | "unable" | "absent"),
            affirmation: s.spec.affirmation.clone(),
            state: state.to_owned(),
            state_label: i18n::tr(lang, &format!("slot-{state}")),
            at: last.map(|e| time(e.at)),
        }
    }
}

/// A record (文书/笔录) as the case screen shows it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RecordView {
    /// Record id.
    pub id: String,
    /// Case id.
    pub case_id: String,
    /// Kind code.
    pub kind: String,
    /// Kind label.
    pub kind_label: String,
    /// `draft`, `finalized`, `void`.
    pub status: String,
    /// Status label.
    pub status_label: String,
    /// Version (amendments make new ones).
    pub version: u32,
    /// Its fields, typed, by path (what a form shows).
    pub fields: Vec<crate::form::FieldEntry>,
    /// The body JSON of this version, as stored: the exact bytes signed.
    pub content_json: String,
    /// SHA-256 of that JSON: what a signer signs.
    pub content_hash: String,
    /// Created.
    pub created_at: SystemTime,
    /// Finalized.
    pub finalized_at: Option<SystemTime>,
    /// Its signature slots (once finalized).
    pub slots: Vec<SlotView>,
    /// An outward document, finalized: it can be served (Art. 17).
    pub can_serve: bool,
}

impl RecordView {
    pub(crate) fn new(r: &Record, lang: Lang) -> Self {
        Self {
            id: r.id.to_string(),
            case_id: r.case_id.to_string(),
            kind: r.kind.as_str().to_owned(),
            kind_label: i18n::tr(lang, &format!("kind-{}", r.kind.as_str())),
            status: r.status.as_str().to_owned(),
            status_label: i18n::tr(lang, &format!("record-status-{}", r.status.as_str())),
            version: r.version,
            fields: serde_json::from_str(&r.content)
                .map(|body| crate::form::FieldEntry::of_body(r.kind, &body))
                .unwrap_or_default(),
            content_json: r.content.clone(),
            content_hash: r.content_hash.to_string(),
            created_at: time(r.created_at),
            finalized_at: r.finalized_at.map(time),
            slots: r
                .slots
                .iter()
                .map(|s| SlotView::new(s, r.status == RecordStatus::Finalized, lang))
                .collect(),
            can_serve: r.status == RecordStatus::Finalized
                && casetrail_core::rules::requirement(r.kind).served,
        }
    }
}

/// An evidence item: the untouched original, the watermarked copy if any.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct EvidenceView {
    /// Evidence id.
    pub id: String,
    /// Case id.
    pub case_id: String,
    /// Record it belongs to.
    pub record_id: Option<String>,
    /// Kind code (`photo`, `video`, `audio`, `signature` …).
    pub kind: String,
    /// SHA-256 of the original.
    pub sha256: String,
    /// Size of the original.
    pub size: u64,
    /// MIME type sniffed from the content.
    pub mime: String,
    /// Audio or video: must reach the back office within 24 hours (Art. 21).
    pub is_av: bool,
    /// Counts as an audio-visual record of an act (a refusal, a service): photo, audio,
    /// video, screenshot.
    pub counts_as_av_record: bool,
    /// When it was captured.
    pub captured_at: SystemTime,
    /// SHA-256 of the watermarked copy, if one was made.
    pub derivative_sha256: Option<String>,
    /// Where the original is on disk (to display it).
    pub original_path: String,
    /// Where the watermarked copy is.
    pub derivative_path: Option<String>,
}

impl EvidenceView {
    pub(crate) fn new(item: &EvidenceItem, paths: (String, Option<String>)) -> Self {
        Self {
            id: item.id.to_string(),
            case_id: item.case_id.to_string(),
            record_id: item.record_id.map(|r| r.to_string()),
            kind: item.kind.as_str().to_owned(),
            sha256: item.original.sha256.to_string(),
            size: item.original.size,
            mime: item.original.mime.clone(),
            is_av: item.kind.is_av(),
            counts_as_av_record: item.kind.counts_as_av_record(),
            captured_at: time(item.captured_at),
            derivative_sha256: item.derivative.as_ref().map(|d| d.sha256.to_string()),
            original_path: paths.0,
            derivative_path: paths.1,
        }
    }
}

/// An officer on a case.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct OfficerView {
    /// 姓名.
    pub name: String,
    /// 工作单位.
    pub unit: String,
    /// 统计执法证号: how records, captures and refusals name the officer.
    pub cert_no: String,
}

impl OfficerView {
    pub(crate) fn new(o: &Officer) -> Self {
        Self {
            name: o.name.clone(),
            unit: o.unit.clone(),
            cert_no: o.cert_no.clone(),
        }
    }
}

/// A party of a case (当事人).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PartyView {
    /// Its id: how record bodies name it.
    pub id: String,
    /// `legal_person`, `other_org`, `individual_business`, `natural_person`.
    pub kind: String,
    /// 名称 or 姓名.
    pub name: String,
    /// 住所/经营地址.
    pub address: String,
}

impl PartyView {
    pub(crate) fn new(p: &Party) -> Self {
        Self {
            id: p.id.to_string(),
            kind: p.kind.as_str().to_owned(),
            name: p.name.clone(),
            address: p.address.clone(),
        }
    }
}

/// What the signature pad may hand over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct PadLimits {
    /// Smallest canvas side, pixels.
    pub min_side: u32,
    /// Largest canvas side, pixels.
    pub max_side: u32,
    /// Most strokes.
    pub max_strokes: u32,
    /// Most points, all strokes together.
    pub max_points: u32,
}

/// Everything the case screen shows.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CaseDetail {
    /// The case row.
    pub case: CaseRow,
    /// 重大案件: forms show the fields a major case needs.
    pub is_major: bool,
    /// The officers on the case.
    pub officers: Vec<OfficerView>,
    /// Its parties.
    pub parties: Vec<PartyView>,
    /// The case as entered.
    pub draft: crate::case_input::CaseDraftInput,
    /// Records, oldest first.
    pub records: Vec<RecordView>,
    /// Evidence, oldest first.
    pub evidence: Vec<EvidenceView>,
}

/// One thing the regulation still requires.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FindingView {
    /// Stable code.
    pub code: String,
    /// `code@subject`, as overrides name it.
    pub key: String,
    /// Keeps the case from closing.
    pub blocking: bool,
    /// Set aside by a leader's approval.
    pub overridden: bool,
    /// What is missing.
    pub message: String,
    /// What would satisfy it.
    pub remedy: String,
    /// The articles it comes from.
    pub cite: Vec<String>,
}

impl FindingView {
    pub(crate) fn new(f: &Finding, lang: Lang) -> Self {
        let key = f.key();
        Self {
            code: f.code.as_str().to_owned(),
            key: format!("{}@{}", key.code, key.subject),
            blocking: f.blocks(),
            overridden: f.overridden,
            message: f.message(lang),
            remedy: f.remedy(lang),
            cite: f.cite.iter().map(|c| c.render(lang)).collect(),
        }
    }
}

/// A deadline and where it stands.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DeadlineView {
    /// The case.
    pub case_id: String,
    /// 案号.
    pub case_no: String,
    /// Kind code.
    pub kind: String,
    /// What it is, in words.
    pub label: String,
    /// When it is due.
    pub due: SystemTime,
    /// `missed`, `critical`, `warning`, `ok`, `met`, `elapsed`.
    pub state: String,
    /// State label.
    pub state_label: String,
    /// Computed on a provisional holiday calendar.
    pub provisional: bool,
    /// When it was met.
    pub met_at: Option<SystemTime>,
}

impl DeadlineView {
    pub(crate) fn new(d: &DueItem, lang: Lang) -> Self {
        Self {
            case_id: d.deadline.case_id.to_string(),
            case_no: d.case_no.clone(),
            kind: d.deadline.kind.as_str().to_owned(),
            label: d.deadline.label(lang),
            due: time(d.deadline.due),
            state: d.state.as_str().to_owned(),
            state_label: i18n::tr(lang, &format!("deadline-state-{}", d.state.as_str())),
            provisional: d.deadline.provisional,
            met_at: d.deadline.met_at.map(time),
        }
    }
}

/// A kind of record the app can create (its form: `form_schema`).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct KindView {
    /// Kind code.
    pub code: String,
    /// Label.
    pub label: String,
}

/// One entry of a pick-list: the code the core takes, and its label.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Choice {
    /// Stable code, as the calls take it.
    pub code: String,
    /// Label in the workspace's language.
    pub label: String,
}

/// Where the phone was (a fix, or why there is none).
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum Location {
    /// A fix.
    Fix {
        /// Latitude, degrees.
        lat: f64,
        /// Longitude, degrees.
        lon: f64,
        /// Horizontal accuracy, metres.
        accuracy_m: Option<f64>,
        /// GCJ-02 (Chinese map SDKs) rather than raw WGS-84.
        gcj02: bool,
    },
    /// No fix, and why.
    NoFix {
        /// Indoors, permission denied, timed out …
        reason: String,
    },
}

/// What is being captured.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CaptureInput {
    /// The case.
    pub case_id: String,
    /// The record it belongs to.
    pub record_id: Option<String>,
    /// What the host thinks it is (`photo`, `video`, `audio` …); the content decides.
    pub kind: Option<String>,
    /// The activity recorded (`onsite_inspection`, `inquiry`, `service_leave` …).
    pub activity: String,
    /// Why it was taken.
    pub purpose: String,
    /// The officer's certificate number.
    pub captured_by: String,
    /// Where.
    pub location: Option<Location>,
    /// The address, in words.
    pub address: String,
    /// The file name the host had.
    pub original_name: String,
}

/// One point of a stroke on the signature pad.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct PadPoint {
    /// x, pad pixels.
    pub x: f32,
    /// y, pad pixels.
    pub y: f32,
    /// Milliseconds since the first touch.
    pub t_ms: u32,
    /// Pressure 0–1 (1 if the screen has none).
    pub pressure: f32,
}

/// What was drawn on the signature pad.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PadStrokes {
    /// Pad width in pixels.
    pub width: u32,
    /// Pad height in pixels.
    pub height: u32,
    /// Strokes, each a list of points.
    pub strokes: Vec<Vec<PadPoint>>,
}

/// A witness to a refusal or a service.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct WitnessInput {
    /// Name.
    pub name: String,
    /// Relation code (`witness`, `grassroots_rep`, `other` …).
    pub relation: String,
    /// Role in words (物业经理 …).
    pub role_text: String,
    /// The witness's own signature, if given.
    pub strokes: Option<PadStrokes>,
}

/// A refusal to sign (Art. 9): reason, noting officer, witness, audio/video.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RefusalInput {
    /// The record.
    pub record_id: String,
    /// The slot refused.
    pub slot_id: String,
    /// The content hash of the version shown to the party.
    pub content_hash: String,
    /// Reason code: `disputes_content`, `refuses_to_cooperate`, `needs_authorisation`,
    /// `claims_no_authority`, `refuses_document`, or `other` (then `reason_text` says why).
    pub reason: String,
    /// The reason in words (required for `other`).
    pub reason_text: String,
    /// The officer who notes it (certificate number).
    pub noted_by: String,
    /// The annotation written on the record.
    pub annotation: String,
    /// The witness.
    pub witness: Option<WitnessInput>,
    /// Evidence ids of the photos/video of the refusal.
    pub av_evidence: Vec<String>,
}

/// Serving a document (Art. 17). Fields a method does not use stay empty (every one but the
/// document, the method and the officers has a default).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ServeInput {
    /// The finalized document served.
    pub document_id: String,
    /// Method code (`direct`, `leave_at_premises`, `mail`, `electronic`, `entrusted`, `public_notice`).
    pub method: String,
    /// When (default: now, by the workspace clock).
    #[uniffi(default)]
    pub served_at: Option<SystemTime>,
    /// Where.
    #[uniffi(default)]
    pub address: String,
    /// Who received it, if someone did.
    #[uniffi(default)]
    pub receiver_name: Option<String>,
    /// The receiver's relation to the case (a code of `choices("relation")`); empty takes the
    /// service form's default for a receiver.
    #[uniffi(default)]
    pub receiver_relation: String,
    /// The serving officers (certificate numbers).
    pub officers: Vec<String>,
    /// Why it was refused (leave at premises).
    #[uniffi(default)]
    pub refusal_reason: String,
    /// Witnesses (leave at premises); a witness's strokes sign their slot on the receipt.
    #[uniffi(default)]
    pub witnesses: Vec<WitnessInput>,
    /// Photos/video of the service.
    #[uniffi(default)]
    pub av_evidence: Vec<String>,
    /// Postal tracking number (mail).
    #[uniffi(default)]
    pub tracking_no: String,
    /// Where it was published (public notice).
    #[uniffi(default)]
    pub notice_medium: String,
    /// Why other methods failed (public notice).
    #[uniffi(default)]
    pub why_other_methods_failed: String,
    /// The body entrusted or forwarded to (entrusted, forwarded).
    #[uniffi(default)]
    pub entrusted_to: String,
    /// Why it was entrusted or forwarded.
    #[uniffi(default)]
    pub entrust_reason: String,
    /// The electronic channel (electronic).
    #[uniffi(default)]
    pub electronic_channel: String,
    /// The record of the party's consent to electronic service (electronic).
    #[uniffi(default)]
    pub electronic_consent: Option<String>,
    /// When it reached the recipient's system (electronic).
    #[uniffi(default)]
    pub electronic_arrived_at: Option<SystemTime>,
    /// When the notice was published (public notice).
    #[uniffi(default)]
    pub published_at: Option<SystemTime>,
    /// The date on the return receipt (mail).
    #[uniffi(default)]
    pub return_receipt_on: Option<crate::case_input::Day>,
}

/// Sync progress, for a progress bar.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum SyncProgress {
    /// Authenticating.
    Connecting,
    /// Journal events acknowledged.
    Events {
        /// Done.
        done: u64,
        /// Total.
        total: u64,
    },
    /// Back-office events received.
    Pulled {
        /// How many.
        count: u64,
    },
    /// Bytes of files acknowledged.
    Media {
        /// Bytes done.
        done: u64,
        /// Bytes total.
        total: u64,
        /// Files done.
        files_done: u64,
        /// Files total.
        files_total: u64,
    },
    /// Waiting before a retry.
    Waiting {
        /// Milliseconds.
        millis: u64,
        /// Why (the failure's code).
        reason: String,
        /// Why, in words, in the workspace's language.
        reason_label: String,
    },
}

impl SyncProgress {
    /// The core's progress, its codes in words in `lang`.
    pub fn new(p: Progress, lang: Lang) -> Self {
        match p {
            Progress::Connecting => SyncProgress::Connecting,
            Progress::Events { done, total } => SyncProgress::Events { done, total },
            Progress::Pulled { count } => SyncProgress::Pulled { count },
            Progress::Media {
                done,
                total,
                files_done,
                files_total,
            } => SyncProgress::Media {
                done,
                total,
                files_done,
                files_total,
            },
            Progress::Waiting { millis, reason } => SyncProgress::Waiting {
                millis,
                reason_label: describe_sync_reason(lang, &reason),
                reason,
            },
        }
    }
}

/// A file parked after a permanent failure.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct WedgedFile {
    /// Its evidence item.
    pub evidence_id: String,
    /// SHA-256.
    pub sha256: String,
    /// Why (the failure's code).
    pub reason: String,
    /// Why, in words, in the workspace's language.
    pub reason_label: String,
}

/// What is still owed to the back office.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SyncStatusView {
    /// Enrolled with a back office.
    pub enrolled: bool,
    /// Journal events without a receipt.
    pub events_pending: u64,
    /// Why the journal is parked, if it is (the failure's code).
    pub journal_wedged: Option<String>,
    /// The same in words, in the workspace's language.
    pub journal_wedged_label: Option<String>,
    /// Files without a receipt.
    pub media_pending: u64,
    /// Their bytes.
    pub media_pending_bytes: u64,
    /// Files parked.
    pub media_wedged: Vec<WedgedFile>,
    /// Capture time of the oldest undelivered audio/video.
    pub oldest_av_pending: Option<SystemTime>,
    /// `ok`, `warning` (≥ 12 h), `critical` (≥ 20 h).
    pub av_state: String,
    /// The same in words.
    pub av_state_label: String,
    /// Size of the back office's log at the checkpoint held.
    pub checkpoint_size: Option<u64>,
    /// Incidents recorded.
    pub incidents: u64,
    /// Nothing pending, nothing wedged.
    pub complete: bool,
}

impl SyncStatusView {
    /// The status, with its codes in words in `lang`.
    pub fn new(s: &SyncStatus, lang: Lang) -> Self {
        let words = |code: &str| describe_sync_reason(lang, code);
        Self {
            enrolled: s.enrolled,
            events_pending: s.events_pending,
            journal_wedged: s.journal_wedged.clone(),
            journal_wedged_label: s.journal_wedged.as_deref().map(words),
            media_pending: s.media_pending,
            media_pending_bytes: s.media_pending_bytes,
            media_wedged: s
                .media_wedged
                .iter()
                .map(|i| WedgedFile {
                    evidence_id: i.evidence_id.to_string(),
                    sha256: i.sha256.to_string(),
                    reason: match &i.state {
                        MediaState::Wedged(r) => r.clone(),
                        _ => String::new(),
                    },
                    reason_label: match &i.state {
                        MediaState::Wedged(r) => words(r),
                        _ => String::new(),
                    },
                })
                .collect(),
            oldest_av_pending: s.oldest_av_pending.map(time),
            av_state: s.av_state.clone(),
            av_state_label: i18n::tr(lang, &format!("sync-av-{}", s.av_state)),
            checkpoint_size: s.checkpoint_size,
            incidents: s.incidents,
            complete: s.complete(),
        }
    }
}

/// What a sync run achieved.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SyncReportView {
    /// Events sent.
    pub events_sent: u64,
    /// Events acknowledged with verified receipts.
    pub events_acked: u64,
    /// Back-office events applied.
    pub pulled: u64,
    /// Files acknowledged with verified receipts.
    pub media_acked: u64,
    /// Bytes of files sent.
    pub media_bytes_sent: u64,
    /// What is still owed.
    pub status: SyncStatusView,
}

impl SyncReportView {
    /// The report, with its codes in words in `lang`.
    pub fn new(r: &SyncReport, lang: Lang) -> Self {
        Self {
            events_sent: r.events_sent,
            events_acked: r.events_acked,
            pulled: r.pulled,
            media_acked: r.media_acked,
            media_bytes_sent: r.media_bytes_sent,
            status: SyncStatusView::new(&r.status, lang),
        }
    }
}

/// The back office this device is enrolled with.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct EnrolmentView {
    /// Its address.
    pub url: String,
    /// The officer this device is bound to.
    pub officer: String,
    /// The back office's signing chain.
    pub server_device_id: String,
}

impl From<&casetrail_core::store::Enrolment> for EnrolmentView {
    fn from(e: &casetrail_core::store::Enrolment) -> Self {
        Self {
            url: e.url.clone(),
            officer: e.officer.clone(),
            server_device_id: e.server_device_id.to_string(),
        }
    }
}

/// The journal checked.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct VerifyView {
    /// No defect.
    pub sound: bool,
    /// Events checked.
    pub events: u64,
    /// Each defect: `seq: kind`.
    pub defects: Vec<String>,
}
