//! `CaseTrail`: one handle on a workspace, organised around what the screens do. Local calls are
//! plain blocking calls (the apps make them off the main thread); the handle is shared freely
//! between threads — capture while a sync runs is safe, the store serialises writes.

use std::str::FromStr;
use std::sync::Arc;
use std::time::SystemTime;

use casetrail_core::i18n::Lang;
use casetrail_core::media::{Stroke, StrokePoint, Strokes};
use casetrail_core::model::bodies::ServiceMethod;
use casetrail_core::model::{
    CaseId, CaseSource, CaseStatus, CertStatus, Crs, EvidenceId, EvidenceKind, IdDocType,
    LocationReading, PartyKind, Person, PersonRelation, Procedure, RecordBody, RecordId,
    RecordKind, RecordedActivity, RefusalReason, SlotId, ViolationType,
};
use casetrail_core::store::CaseSummary;
use casetrail_core::{
    CaptureRequest, RefusalRequest, ServeRequest, SignRequest, WitnessInput as CoreWitness,
};
use casetrail_core::{DraftTarget, Error, ValidationCode, Workspace};

use crate::case_input::{BadCode, CaseDraftInput};
use crate::error::CaseTrailError;
use crate::form::{DraftFor, FieldEntry, FieldProblem, FormDraftView, FormSchemaView};
use crate::types::*;
use crate::vault::{KeyVault, VaultBridge};

/// Results at the boundary.
pub type Result<T, E = CaseTrailError> = std::result::Result<T, E>;

/// A workspace on the phone: cases, records, evidence, signatures, rules, sync.
#[derive(uniffi::Object)]
pub struct CaseTrail {
    pub(crate) ws: Arc<Workspace>,
    lang: std::sync::RwLock<Lang>,
}

impl std::fmt::Debug for CaseTrail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaseTrail").finish_non_exhaustive()
    }
}

/// The language `lang` names; empty means the default (Chinese). A language without a catalogue
/// is an error naming it and the supported ones, in Chinese (the default: the caller's language
/// is the one that could not be read).
fn parse_lang(lang: &str) -> Result<Lang> {
    if lang.trim().is_empty() {
        return Ok(Lang::default());
    }
    casetrail_core::parse_language(lang).map_err(|e| CaseTrailError::from_core(e, Lang::default()))
}

impl CaseTrail {
    pub(crate) fn lang(&self) -> Lang {
        self.lang.read().map(|l| *l).unwrap_or_default()
    }

    /// Now, by the workspace clock (the one every event is timed by).
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.ws.clock().now().utc
    }

    pub(crate) fn err(&self, e: Error) -> CaseTrailError {
        CaseTrailError::from_core(e, self.lang())
    }

    fn bad(&self, field: &str) -> CaseTrailError {
        CaseTrailError::bad_input(field, self.lang())
    }

    fn id<T: FromStr>(&self, field: &str, s: &str) -> Result<T> {
        s.trim().parse().map_err(|_| self.bad(field))
    }

    fn code<T>(&self, field: &str, s: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T> {
        if s.trim().is_empty() {
            return Err(self.err(Error::invalid(field, ValidationCode::Required)));
        }
        parse(s.trim()).ok_or_else(|| self.bad(field))
    }

    fn body_json(&self, kind: RecordKind, json: &str) -> Result<RecordBody> {
        let value: serde_json::Value = serde_json::from_str(json).map_err(|_| self.bad("body"))?;
        casetrail_core::rules::parse_body(kind, &value).map_err(|e| self.err(e.into()))
    }

    fn body_fields(&self, kind: RecordKind, fields: &[FieldEntry]) -> Result<RecordBody> {
        let entries: Vec<_> = fields.iter().map(FieldEntry::to_core).collect();
        casetrail_core::rules::body_from_entries(kind, &entries)
            .and_then(|body| casetrail_core::rules::parse_body(kind, &body))
            .map_err(|e| self.err(e.into()))
    }

    fn evidence_view(&self, item: &casetrail_core::model::EvidenceItem) -> EvidenceView {
        let (original, derivative, _) = self.ws.evidence_paths(item);
        EvidenceView::new(
            item,
            (
                original.display().to_string(),
                derivative.map(|d| d.display().to_string()),
            ),
        )
    }

    fn strokes(&self, field: &str, s: &PadStrokes) -> Result<Strokes> {
        let strokes = Strokes {
            width: s.width,
            height: s.height,
            strokes: s
                .strokes
                .iter()
                .map(|points| Stroke {
                    points: points
                        .iter()
                        .map(|p| StrokePoint {
                            x: p.x,
                            y: p.y,
                            t_ms: p.t_ms,
                            pressure: p.pressure,
                        })
                        .collect(),
                })
                .collect(),
        };
        strokes
            .validate()
            .map_err(|e| self.err(Error::from(e.within(field))))?;
        Ok(strokes)
    }

    fn person(&self, field: &str, name: &str, relation: &str) -> Result<Person> {
        let relation = self.code(
            &format!("{field}.relation"),
            relation,
            PersonRelation::parse,
        )?;
        Ok(Person {
            name: name.trim().to_owned(),
            relation,
            ..Default::default()
        })
    }

    fn witness(&self, w: &WitnessInput) -> Result<CoreWitness> {
        Ok(CoreWitness {
            person: self.person("witness", &w.name, &w.relation)?,
            role_text: w.role_text.clone(),
            strokes: w
                .strokes
                .as_ref()
                .map(|s| self.strokes("witness.strokes", s))
                .transpose()?,
        })
    }

    fn ids<T: FromStr>(&self, field: &str, ids: &[String]) -> Result<Vec<T>> {
        ids.iter().map(|i| self.id(field, i)).collect()
    }

    fn refusal_request(&self, input: &RefusalInput) -> Result<RefusalRequest> {
        Ok(RefusalRequest {
            record_id: self.id("record_id", &input.record_id)?,
            slot_id: self.id::<SlotId>("slot_id", &input.slot_id)?,
            content_hash: self.id("content_hash", &input.content_hash)?,
            reason: self.code("reason", &input.reason, RefusalReason::parse)?,
            reason_text: input.reason_text.clone(),
            noted_by: input.noted_by.clone(),
            annotation: input.annotation.clone(),
            witness: input
                .witness
                .as_ref()
                .map(|w| self.witness(w))
                .transpose()?,
            av_evidence: self.ids::<EvidenceId>("av_evidence", &input.av_evidence)?,
        })
    }

    fn capture_request(&self, input: &CaptureInput) -> Result<CaptureRequest> {
        Ok(CaptureRequest {
            case_id: self.id("case_id", &input.case_id)?,
            record_id: input
                .record_id
                .as_deref()
                .map(|r| self.id("record_id", r))
                .transpose()?,
            kind: input
                .kind
                .as_deref()
                .map(|k| self.code("kind", k, EvidenceKind::parse))
                .transpose()?,
            activity: self.code("activity", &input.activity, RecordedActivity::parse)?,
            purpose: input.purpose.clone(),
            category: None,
            captured_at: None,
            captured_by: input.captured_by.clone(),
            location: input.location.as_ref().map(|l| match l {
                Location::Fix {
                    lat,
                    lon,
                    accuracy_m,
                    gcj02,
                } => LocationReading::Fix {
                    lat: *lat,
                    lon: *lon,
                    accuracy_m: *accuracy_m,
                    crs: if *gcj02 { Crs::Gcj02 } else { Crs::Wgs84 },
                    fixed_at: None,
                },
                Location::NoFix { reason } => LocationReading::NoFix {
                    reason: reason.clone(),
                },
            }),
            address: input.address.clone(),
            original_name: input.original_name.clone(),
        })
    }
}

#[uniffi::export]
impl CaseTrail {
    /// Opens the workspace at `home` (creating it, and the device key, on first use), with the
    /// host's vault. `lang` is `zh` (default) or `en`: the language of labels and messages.
    #[uniffi::constructor]
    pub fn open(home: String, vault: Arc<dyn KeyVault>, lang: String) -> Result<Arc<Self>> {
        let lang = parse_lang(&lang)?;
        let ws = Workspace::open(
            &home,
            Arc::new(VaultBridge(vault)),
            Arc::new(casetrail_core::store::clock::SystemClock::new()),
        )
        .map_err(|e| CaseTrailError::from_core(e, lang))?;
        Ok(Arc::new(Self {
            ws: Arc::new(ws),
            lang: std::sync::RwLock::new(lang),
        }))
    }

    /// Switches the language of labels and messages (`zh` or `en`, as `zh-CN` or `en-US` too).
    /// Any other language is an `Invalid` error (field `lang`, code `unsupported_language`)
    /// naming it and the supported ones, in the current language; the language is unchanged.
    pub fn set_language(&self, lang: String) -> Result<()> {
        let new = casetrail_core::parse_language(&lang).map_err(|e| self.err(e))?;
        if let Ok(mut l) = self.lang.write() {
            *l = new;
        }
        Ok(())
    }

    /// Draws watermarks with the platform's font first (a TrueType/OpenType file, e.g. the
    /// system's Noto Sans CJK), so rare characters in names and addresses render; the bundled
    /// font stays behind it. A file that is not a font is refused and changes nothing.
    pub fn set_watermark_font(&self, path: String) -> Result<()> {
        let bytes = std::fs::read(&path).map_err(|_| self.bad("font"))?;
        self.ws.set_watermark_font(bytes).map_err(|e| self.err(e))
    }

    /// This device's id (derived from its key).
    pub fn device_id(&self) -> String {
        self.ws.device_id().to_string()
    }

    /// Every case, newest first.
    pub fn list_cases(&self) -> Result<Vec<CaseRow>> {
        let lang = self.lang();
        Ok(self
            .ws
            .list_cases()
            .map_err(|e| self.err(e))?
            .iter()
            .map(|c| CaseRow::new(c, lang))
            .collect())
    }

    /// Opens a case (or an inspection) from what the inspector entered: case number, title,
    /// cause, legal basis, officers, parties (see `sample_case_draft`). A code not in its list
    /// is an `Invalid` error naming its path; the model's rules then run (two officers, a
    /// check digit …), every problem named by path.
    pub fn create_case(&self, draft: CaseDraftInput) -> Result<CaseRow> {
        let draft = draft.to_core().map_err(|BadCode(path)| self.bad(&path))?;
        let case = self.ws.create_case(draft).map_err(|e| self.err(e))?;
        Ok(CaseRow::new(&CaseSummary::of(&case), self.lang()))
    }

    /// A filled-in example case (two officers, one company), for training mode and tests.
    pub fn sample_case_draft(&self, case_no: String) -> CaseDraftInput {
        CaseDraftInput::of(&casetrail_core::sample::case_draft(&case_no))
    }

    /// A case with its records and evidence.
    pub fn case_detail(&self, case_id: String) -> Result<CaseDetail> {
        let id: CaseId = self.id("case_id", &case_id)?;
        let lang = self.lang();
        let case = self.ws.case(id).map_err(|e| self.err(e))?;
        Ok(CaseDetail {
            case: CaseRow::new(&CaseSummary::of(&case), lang),
            is_major: case.info.is_major,
            officers: case.info.officers.iter().map(OfficerView::new).collect(),
            parties: case.info.parties.iter().map(PartyView::new).collect(),
            draft: CaseDraftInput::of(&case.info),
            records: self
                .ws
                .records(id)
                .map_err(|e| self.err(e))?
                .iter()
                .map(|r| RecordView::new(r, lang))
                .collect(),
            evidence: self
                .ws
                .evidence(id)
                .map_err(|e| self.err(e))?
                .iter()
                .map(|row| self.evidence_view(&row.item))
                .collect(),
        })
    }

    /// Moves a case to another status (`filed`, `closed`, `archived` …), with the reason.
    /// Closing and archiving are refused while a blocking finding stands.
    pub fn change_status(
        &self,
        case_id: String,
        status: String,
        reason: String,
    ) -> Result<CaseRow> {
        let id: CaseId = self.id("case_id", &case_id)?;
        let to = self.code("status", &status, CaseStatus::parse)?;
        let case = self
            .ws
            .change_status(id, to, &reason)
            .map_err(|e| self.err(e))?;
        Ok(CaseRow::new(&CaseSummary::of(&case), self.lang()))
    }

    /// Every kind of record, in the order of the stages.
    pub fn record_kinds(&self) -> Vec<KindView> {
        let lang = self.lang();
        RecordKind::ALL
            .iter()
            .map(|k| KindView {
                code: k.as_str().to_owned(),
                label: casetrail_core::i18n::tr(lang, &format!("kind-{}", k.as_str())),
            })
            .collect()
    }

    /// A pick-list with its labels, so the apps hard-code no codes: `refusal_reason`,
    /// `relation` (of a receiver or person present), `witness_relation` (those who may witness
    /// a refusal or a service: not the party or who speaks for it), `activity` (what a capture
    /// records),
    /// `evidence_kind`, `case_status`, `service_method`, and for a new case `violation_type`,
    /// `case_source`, `procedure`, `party_kind`, `id_doc_type`, `cert_status`. (Record kinds:
    /// `record_kinds`; a record form's own lists come with its schema.)
    pub fn choices(&self, list: String) -> Result<Vec<Choice>> {
        fn labelled<T: Copy>(
            lang: Lang,
            all: &[T],
            code: impl Fn(T) -> &'static str,
            prefix: &str,
        ) -> Vec<Choice> {
            all.iter()
                .map(|&v| Choice {
                    code: code(v).to_owned(),
                    label: casetrail_core::i18n::tr(lang, &format!("{prefix}{}", code(v))),
                })
                .collect()
        }
        let lang = self.lang();
        Ok(match list.trim() {
            "refusal_reason" => labelled(
                lang,
                RefusalReason::ALL,
                RefusalReason::as_str,
                "refusal-reason-",
            ),
            "relation" => labelled(
                lang,
                PersonRelation::ALL,
                PersonRelation::as_str,
                "relation-",
            ),
            "witness_relation" => {
                let witnesses: Vec<_> = PersonRelation::ALL
                    .iter()
                    .copied()
                    .filter(|r| r.can_witness())
                    .collect();
                labelled(lang, &witnesses, PersonRelation::as_str, "relation-")
            }
            "activity" => labelled(
                lang,
                RecordedActivity::ALL,
                RecordedActivity::as_str,
                "activity-",
            ),
            "evidence_kind" => labelled(
                lang,
                EvidenceKind::ALL,
                EvidenceKind::as_str,
                "evidence-kind-",
            ),
            "case_status" => labelled(lang, CaseStatus::ALL, CaseStatus::as_str, "status-"),
            "service_method" => labelled(
                lang,
                ServiceMethod::ALL,
                ServiceMethod::as_str,
                "service-method-",
            ),
            "violation_type" => labelled(
                lang,
                ViolationType::ALL,
                ViolationType::as_str,
                "violation-type-",
            ),
            "case_source" => labelled(lang, CaseSource::ALL, CaseSource::as_str, "case-source-"),
            "procedure" => labelled(lang, Procedure::ALL, Procedure::as_str, "procedure-"),
            "party_kind" => labelled(lang, &PartyKind::ALL, PartyKind::as_str, "party-kind-"),
            "id_doc_type" => labelled(lang, IdDocType::ALL, IdDocType::as_str, "id-doc-type-"),
            "cert_status" => labelled(lang, &CertStatus::ALL, CertStatus::as_str, "cert-status-"),
            _ => return Err(self.bad("list")),
        })
    }

    /// The label of a field of a document body or a case draft, by its dotted path as the JSON
    /// and `Invalid.field` name it: `interviewee.id_doc.number` → 被询问人 › 身份证件 › 号码.
    /// Segments without a label stay as written.
    pub fn field_label(&self, path: String) -> String {
        casetrail_core::i18n::field_label(self.lang(), &path)
    }

    /// A filled-in example of a `kind` form for this case (about its first party), for demos,
    /// training mode and tests: 询问笔录, 现场检查笔录 and 责令改正通知书 have one; other kinds
    /// get what their form opens with.
    pub fn sample_record_fields(&self, case_id: String, kind: String) -> Result<Vec<FieldEntry>> {
        use casetrail_core::sample;
        let id: CaseId = self.id("case_id", &case_id)?;
        let case = self.ws.case(id).map_err(|e| self.err(e))?;
        let kind = self.code("kind", &kind, RecordKind::parse)?;
        let now = self.now();
        let party = case.info.parties.first().map(|p| p.id);
        let body = match (kind, party) {
            (RecordKind::InquiryRecord, _) => {
                RecordBody::InquiryRecord(sample::inquiry_record(now))
            }
            (RecordKind::OnsiteInspectionRecord, Some(party)) => {
                RecordBody::OnsiteInspectionRecord(sample::onsite_record(now, party))
            }
            (RecordKind::RectificationOrder, Some(party)) => {
                RecordBody::RectificationOrder(sample::rectification_order(now, party))
            }
            (kind, _) => return self.form_defaults(case_id, kind.as_str().to_owned()),
        };
        let value = body.to_value().map_err(|e| self.err(e.into()))?;
        Ok(FieldEntry::of_body(kind, &value))
    }

    /// Adds a draft record of `kind` with its body JSON (scripts and tests; apps fill forms
    /// with `add_record_fields`). The JSON is checked against the kind's schema: every problem
    /// comes back at once, by path, in `Invalid.problems`.
    pub fn add_record(
        &self,
        case_id: String,
        kind: String,
        body_json: String,
    ) -> Result<RecordView> {
        let case: CaseId = self.id("case_id", &case_id)?;
        let kind = self.code("kind", &kind, RecordKind::parse)?;
        let body = self.body_json(kind, &body_json)?;
        let r = self.ws.add_record(case, body).map_err(|e| self.err(e))?;
        Ok(RecordView::new(&r, self.lang()))
    }

    /// Amends a record with a body JSON: a new version, with the reason; the old one stays.
    pub fn amend_record(
        &self,
        record_id: String,
        body_json: String,
        reason: String,
    ) -> Result<RecordView> {
        let id: RecordId = self.id("record_id", &record_id)?;
        let kind = self.ws.record(id).map_err(|e| self.err(e))?.kind;
        let body = self.body_json(kind, &body_json)?;
        let r = self
            .ws
            .amend_record(id, body, &reason)
            .map_err(|e| self.err(e))?;
        Ok(RecordView::new(&r, self.lang()))
    }

    /// The form of a record kind: sections, typed fields with labels, help, requirements and
    /// their articles, limits, defaults and relevance, and who signs — everything a screen
    /// needs to render and fill it.
    pub fn form_schema(&self, kind: String) -> Result<FormSchemaView> {
        let kind = self.code("kind", &kind, RecordKind::parse)?;
        Ok(FormSchemaView::new(
            casetrail_core::rules::form_schema(kind),
            self.lang(),
        ))
    }

    /// What a new form of `kind` opens with for this case: officers, party, place, and times
    /// from the workspace clock.
    pub fn form_defaults(&self, case_id: String, kind: String) -> Result<Vec<FieldEntry>> {
        let case: CaseId = self.id("case_id", &case_id)?;
        let kind = self.code("kind", &kind, RecordKind::parse)?;
        let body = self.ws.form_defaults(case, kind).map_err(|e| self.err(e))?;
        Ok(FieldEntry::of_body(kind, &body))
    }

    /// What is wrong with these fields of a `kind` form now, every problem by path (empty
    /// when they would save). Required fields left empty are reported at finalize.
    pub fn check_fields(&self, kind: String, fields: Vec<FieldEntry>) -> Result<Vec<FieldProblem>> {
        let kind = self.code("kind", &kind, RecordKind::parse)?;
        let entries: Vec<_> = fields.iter().map(FieldEntry::to_core).collect();
        Ok(
            match casetrail_core::rules::body_from_entries(kind, &entries) {
                Ok(_) => Vec::new(),
                Err(e) => FieldProblem::all(&e, self.lang()),
            },
        )
    }

    /// Adds a draft record of `kind` from a form's fields.
    pub fn add_record_fields(
        &self,
        case_id: String,
        kind: String,
        fields: Vec<FieldEntry>,
    ) -> Result<RecordView> {
        let case: CaseId = self.id("case_id", &case_id)?;
        let kind = self.code("kind", &kind, RecordKind::parse)?;
        let body = self.body_fields(kind, &fields)?;
        let r = self.ws.add_record(case, body).map_err(|e| self.err(e))?;
        Ok(RecordView::new(&r, self.lang()))
    }

    /// Amends a record from a form's fields (all of them, not only the changed ones), with
    /// the reason.
    pub fn amend_record_fields(
        &self,
        record_id: String,
        fields: Vec<FieldEntry>,
        reason: String,
    ) -> Result<RecordView> {
        let id: RecordId = self.id("record_id", &record_id)?;
        let kind = self.ws.record(id).map_err(|e| self.err(e))?.kind;
        let body = self.body_fields(kind, &fields)?;
        let r = self
            .ws
            .amend_record(id, body, &reason)
            .map_err(|e| self.err(e))?;
        Ok(RecordView::new(&r, self.lang()))
    }

    /// Saves a form in progress — call it on every change. `draft_id` is `None` the first
    /// time, then the id returned. It is kept on the phone only (not signed, not synced) and
    /// survives the app being killed; it is saved even while fields are wrong, and says what is.
    pub fn save_form_draft(
        &self,
        draft_id: Option<String>,
        target: DraftFor,
        fields: Vec<FieldEntry>,
    ) -> Result<FormDraftView> {
        let target = match target {
            DraftFor::NewRecord { case_id, kind } => DraftTarget::New {
                case_id: self.id("case_id", &case_id)?,
                kind: self.code("kind", &kind, RecordKind::parse)?,
            },
            DraftFor::Amendment { record_id } => {
                DraftTarget::Amend(self.id("record_id", &record_id)?)
            }
        };
        let saved = self
            .ws
            .save_form_draft(
                draft_id.as_deref(),
                target,
                fields.iter().map(FieldEntry::to_core).collect(),
            )
            .map_err(|e| self.err(e))?;
        Ok(FormDraftView::new(
            &saved.draft,
            &saved.problems,
            self.lang(),
        ))
    }

    /// The forms in progress of a case, most recent first.
    pub fn form_drafts(&self, case_id: String) -> Result<Vec<FormDraftView>> {
        let case: CaseId = self.id("case_id", &case_id)?;
        let lang = self.lang();
        Ok(self
            .ws
            .form_drafts(case)
            .map_err(|e| self.err(e))?
            .iter()
            .map(|d| FormDraftView::new(&d.draft, &d.problems, lang))
            .collect())
    }

    /// Throws a form in progress away.
    pub fn discard_form_draft(&self, draft_id: String) -> Result<()> {
        self.ws
            .discard_form_draft(&draft_id)
            .map_err(|e| self.err(e))
    }

    /// Saves a form in progress as what it is for (a new record, or an amendment with
    /// `reason`); the draft is gone once the record is written.
    pub fn save_draft_as_record(&self, draft_id: String, reason: String) -> Result<RecordView> {
        let r = self
            .ws
            .save_draft_as_record(&draft_id, &reason)
            .map_err(|e| self.err(e))?;
        Ok(RecordView::new(&r, self.lang()))
    }

    /// Finalizes a record: checks it against the regulation and creates its signature slots.
    pub fn finalize_record(&self, record_id: String) -> Result<RecordView> {
        let id: RecordId = self.id("record_id", &record_id)?;
        let r = self.ws.finalize_record(id).map_err(|e| self.err(e))?;
        Ok(RecordView::new(&r, self.lang()))
    }

    /// Voids a record, with the reason; it stays in the case file, marked.
    pub fn void_record(&self, record_id: String, reason: String) -> Result<RecordView> {
        let id: RecordId = self.id("record_id", &record_id)?;
        let r = self.ws.void_record(id, &reason).map_err(|e| self.err(e))?;
        Ok(RecordView::new(&r, self.lang()))
    }

    /// Captures a file (photo, video, audio, scan) from a path: the original is stored untouched
    /// and signed; a photo also gets its watermarked copy.
    pub fn capture_file(&self, input: CaptureInput, path: String) -> Result<EvidenceView> {
        let req = self.capture_request(&input)?;
        let c = self
            .ws
            .capture_file(std::path::Path::new(&path), req)
            .map_err(|e| self.err(e))?;
        Ok(self.evidence_view(&c.item))
    }

    /// Captures bytes (a camera buffer).
    pub fn capture_bytes(&self, input: CaptureInput, bytes: Vec<u8>) -> Result<EvidenceView> {
        let req = self.capture_request(&input)?;
        let c = self
            .ws
            .capture_bytes(&bytes, req)
            .map_err(|e| self.err(e))?;
        Ok(self.evidence_view(&c.item))
    }

    /// Signs a slot with what was drawn on the pad, bound to the content hash the signer saw.
    pub fn sign_slot(
        &self,
        record_id: String,
        slot_id: String,
        content_hash: String,
        strokes: PadStrokes,
        affirmation: String,
    ) -> Result<RecordView> {
        let req = SignRequest {
            record_id: self.id("record_id", &record_id)?,
            slot_id: self.id::<SlotId>("slot_id", &slot_id)?,
            content_hash: self.id("content_hash", &content_hash)?,
            strokes: self.strokes("strokes", &strokes)?,
            affirmation,
        };
        let r = self.ws.sign_slot(req).map_err(|e| self.err(e))?;
        Ok(RecordView::new(&r, self.lang()))
    }

    /// Records a refusal to sign, with everything Art. 9 asks for, in one call.
    pub fn refuse_slot(&self, input: RefusalInput) -> Result<RecordView> {
        let req = self.refusal_request(&input)?;
        let r = self.ws.refuse_slot(req).map_err(|e| self.err(e))?;
        Ok(RecordView::new(&r, self.lang()))
    }

    /// What a refusal sheet still lacks, every problem by field (`reason`, `reason_text`,
    /// `annotation`, `noted_by`, `av_evidence`, `witness.…`): empty when `refuse_slot` would
    /// record it now. A record or slot that cannot take a refusal at all is an error.
    pub fn check_refusal(&self, input: RefusalInput) -> Result<Vec<FieldProblem>> {
        let lang = self.lang();
        let mut found = Vec::new();
        // A field that cannot even be read is a problem of its own; the rest are still checked.
        let mut note = |e: CaseTrailError| match e {
            CaseTrailError::Invalid { problems, .. } => {
                found.extend(problems);
                Ok(())
            }
            other => Err(other),
        };
        let reason = match self.code("reason", &input.reason, RefusalReason::parse) {
            Ok(r) => Some(r),
            Err(e) => {
                note(e)?;
                None
            }
        };
        let witness = match input.witness.as_ref().map(|w| self.witness(w)).transpose() {
            Ok(w) => w,
            Err(e) => {
                note(e)?;
                None
            }
        };
        let av_evidence = match self.ids::<EvidenceId>("av_evidence", &input.av_evidence) {
            Ok(ids) => ids,
            Err(e) => {
                note(e)?;
                Vec::new()
            }
        };
        let req = RefusalRequest {
            record_id: self.id("record_id", &input.record_id)?,
            slot_id: self.id::<SlotId>("slot_id", &input.slot_id)?,
            content_hash: self.id("content_hash", &input.content_hash)?,
            // Unread, the reason is taken as one that needs no words, so only its own problem shows.
            reason: reason.unwrap_or(RefusalReason::DisputesContent),
            reason_text: input.reason_text.clone(),
            noted_by: input.noted_by.clone(),
            annotation: input.annotation.clone(),
            witness,
            av_evidence,
        };
        match self.ws.check_refusal(&req) {
            Ok(()) => {}
            Err(e) => note(CaseTrailError::from_core(e, lang))?,
        }
        Ok(found)
    }

    /// Serves a finalized document; returns the service record (送达回证) with its slots.
    pub fn serve_document(&self, input: ServeInput) -> Result<RecordView> {
        let mut req = ServeRequest::new(
            self.id("document_id", &input.document_id)?,
            self.code("method", &input.method, ServiceMethod::parse)?,
        );
        req.served_at = input.served_at.map(chrono::DateTime::<chrono::Utc>::from);
        req.address = input.address.clone();
        req.receiver = match input.receiver_name.as_deref() {
            Some(name) => {
                // No relation given: the service form's default for a receiver (the core's).
                let relation = match input.receiver_relation.trim() {
                    "" => casetrail_core::rules::form_schema(RecordKind::ServiceReceipt)
                        .default_relation("receiver")
                        .map_or("", PersonRelation::as_str),
                    given => given,
                };
                Some(self.person("receiver", name, relation)?)
            }
            None => None,
        };
        req.officers = input.officers.clone();
        req.refusal_reason = input.refusal_reason.clone();
        req.witnesses = input
            .witnesses
            .iter()
            .map(|w| self.witness(w))
            .collect::<Result<_>>()?;
        req.av_evidence = self.ids("av_evidence", &input.av_evidence)?;
        req.tracking_no = input.tracking_no.clone();
        req.entrusted_to = input.entrusted_to.clone();
        req.entrust_reason = input.entrust_reason.clone();
        req.electronic_channel = input.electronic_channel.clone();
        req.electronic_consent = input
            .electronic_consent
            .as_deref()
            .map(|r| self.id("electronic_consent", r))
            .transpose()?;
        let instant = |t: Option<SystemTime>| t.map(chrono::DateTime::<chrono::Utc>::from);
        req.electronic_arrived_at = instant(input.electronic_arrived_at);
        req.published_at = instant(input.published_at);
        req.return_receipt_on = input
            .return_receipt_on
            .map(|d| {
                chrono::NaiveDate::from_ymd_opt(d.year, d.month, d.day)
                    .ok_or_else(|| self.bad("return_receipt_on"))
            })
            .transpose()?;
        req.notice_medium = input.notice_medium.clone();
        req.why_other_methods_failed = input.why_other_methods_failed.clone();
        let r = self.ws.serve_document(req).map_err(|e| self.err(e))?;
        Ok(RecordView::new(&r, self.lang()))
    }

    /// What the regulation still requires of a case, blocking first.
    pub fn findings(&self, case_id: String) -> Result<Vec<FindingView>> {
        let id: CaseId = self.id("case_id", &case_id)?;
        let lang = self.lang();
        let mut out: Vec<FindingView> = self
            .ws
            .check_case(id, self.now())
            .map_err(|e| self.err(e))?
            .iter()
            .map(|f| FindingView::new(f, lang))
            .collect();
        out.sort_by_key(|f| !f.blocking);
        Ok(out)
    }

    /// Every deadline of a case with its state now.
    pub fn deadlines(&self, case_id: String) -> Result<Vec<DeadlineView>> {
        let id: CaseId = self.id("case_id", &case_id)?;
        let lang = self.lang();
        Ok(self
            .ws
            .deadlines(id, self.now())
            .map_err(|e| self.err(e))?
            .iter()
            .map(|d| DeadlineView::new(d, lang))
            .collect())
    }

    /// Open deadlines across all cases, soonest first.
    pub fn due(&self) -> Result<Vec<DeadlineView>> {
        let lang = self.lang();
        Ok(self
            .ws
            .due(self.now())
            .map_err(|e| self.err(e))?
            .iter()
            .map(|d| DeadlineView::new(d, lang))
            .collect())
    }

    /// What the signature pad may hand over: the canvas sides and how much ink.
    pub fn pad_limits(&self) -> PadLimits {
        use casetrail_core::media as pad;
        PadLimits {
            min_side: pad::MIN_SIDE,
            max_side: pad::MAX_SIDE,
            max_strokes: pad::MAX_STROKES as u32,
            max_points: pad::MAX_POINTS as u32,
        }
    }

    /// Checks the whole signed journal.
    pub fn verify_journal(&self) -> Result<VerifyView> {
        let report = self.ws.verify_journal().map_err(|e| self.err(e))?;
        Ok(VerifyView {
            sound: report.is_sound(),
            events: report.events,
            defects: report
                .defects
                .iter()
                .map(|d| format!("{}: {}", d.seq, d.kind.as_str()))
                .collect(),
        })
    }
}
