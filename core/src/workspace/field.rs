//! The moments of a site visit that must stand up later before the legal office and a court:
//! a handwritten signature bound to what the signer saw, a refusal to sign recorded in one call
//! with everything Art. 9 asks for, and the service of a document by any of the methods of
//! Art. 17.
//!
//! Each call checks everything first and writes everything in one transaction: a refusal without
//! audio/video, a leave-at-premises service without a witness, a signature bound to an older
//! version of the record are refused with a specific error, and nothing is written.

use chrono::{DateTime, NaiveDate, Utc};

use super::Workspace;
use crate::error::{Error, Result};
use crate::media::{Area, StoredBlob, Strokes};
use crate::model::bodies::{ServiceMethod, ServiceRecord};
use crate::model::validate::{LONG_TEXT, SHORT_TEXT, free_text, optional_line};
use crate::model::{
    CaseFile, EvidenceId, EvidenceItem, EvidenceKind, Person, Record, RecordBody, RecordId,
    RecordStatus, RecordedActivity, Refusal, RefusalReason, SignatureMark, SignatureSlot,
    SignerRole, SlotId, SlotOutcome, StoredFile, ValidationCode, ValidationError, Witness,
};
use crate::protocol::Hash;
use crate::protocol::events::v1::{self, Event};
use crate::rules;

/// A handwritten signature for one slot.
#[derive(Debug, Clone, PartialEq)]
pub struct SignRequest {
    /// The record.
    pub record_id: RecordId,
    /// The slot.
    pub slot_id: SlotId,
    /// The content hash of the version the signer was shown.
    pub content_hash: Hash,
    /// The strokes as the screen captured them.
    pub strokes: Strokes,
    /// The affirmation the signer wrote or accepted ('' takes the slot's own).
    pub affirmation: String,
}

/// A witness to a refusal or a service.
#[derive(Debug, Clone, PartialEq)]
pub struct WitnessInput {
    /// Who.
    pub person: Person,
    /// Role in words when no ID is taken (社区工作人员, 物业经理 …).
    pub role_text: String,
    /// The witness's own signature, if given.
    pub strokes: Option<Strokes>,
}

/// A refusal to sign, recorded in one call (Art. 9).
#[derive(Debug, Clone, PartialEq)]
pub struct RefusalRequest {
    /// The record.
    pub record_id: RecordId,
    /// The slot the party refuses.
    pub slot_id: SlotId,
    /// The content hash of the version the party refuses to sign.
    pub content_hash: Hash,
    /// Reason from the pick list.
    pub reason: RefusalReason,
    /// Reason in words (required for `other`).
    pub reason_text: String,
    /// Certificate number of the officer who notes the refusal.
    pub noted_by: String,
    /// The officer's annotation on the record.
    pub annotation: String,
    /// A witness, when one was present.
    pub witness: Option<WitnessInput>,
    /// Photo/audio/video made there and then (at least one).
    pub av_evidence: Vec<EvidenceId>,
}

/// Serving a document (送达, Art. 17). Fields a method does not use are left empty.
#[derive(Debug, Clone, PartialEq)]
pub struct ServeRequest {
    /// The document served (finalized, outward).
    pub document: RecordId,
    /// How.
    pub method: ServiceMethod,
    /// When it was handed over, left, or (mail) posted.
    pub served_at: Option<DateTime<Utc>>,
    /// Where.
    pub address: String,
    /// Who received it (direct, entrusted, forwarded).
    pub receiver: Option<Person>,
    /// Serving officers (certificate numbers, at least two).
    pub officers: Vec<String>,
    /// Why the recipient refused (leave at premises).
    pub refusal_reason: String,
    /// When they refused (leave at premises).
    pub refused_at: Option<DateTime<Utc>>,
    /// Witnesses (leave at premises), each with the role in words and, if they signed on the
    /// phone, their signature (their slot is then signed as the service is recorded).
    pub witnesses: Vec<WitnessInput>,
    /// Registered-mail tracking number.
    pub tracking_no: String,
    /// Date on the return receipt (mail).
    pub return_receipt_on: Option<NaiveDate>,
    /// Body entrusted or forwarded to, and why.
    pub entrusted_to: String,
    /// Why it was entrusted or forwarded.
    pub entrust_reason: String,
    /// Electronic channel, consent record and arrival time.
    pub electronic_channel: String,
    /// The party's consent to electronic service.
    pub electronic_consent: Option<RecordId>,
    /// When it reached the recipient's system.
    pub electronic_arrived_at: Option<DateTime<Utc>>,
    /// Public notice: medium, publication time, why other methods failed.
    pub notice_medium: String,
    /// When the notice was published.
    pub published_at: Option<DateTime<Utc>>,
    /// Why every other method failed.
    pub why_other_methods_failed: String,
    /// Audio/video/screenshots of the service.
    pub av_evidence: Vec<EvidenceId>,
}

impl ServeRequest {
    /// A request with only the method and document set.
    pub fn new(document: RecordId, method: ServiceMethod) -> Self {
        Self {
            document,
            method,
            served_at: None,
            address: String::new(),
            receiver: None,
            officers: Vec::new(),
            refusal_reason: String::new(),
            refused_at: None,
            witnesses: Vec::new(),
            tracking_no: String::new(),
            return_receipt_on: None,
            entrusted_to: String::new(),
            entrust_reason: String::new(),
            electronic_channel: String::new(),
            electronic_consent: None,
            electronic_arrived_at: None,
            notice_medium: String::new(),
            published_at: None,
            why_other_methods_failed: String::new(),
            av_evidence: Vec::new(),
        }
    }
}

/// The slot of the record's current version, checked for signing: the record finalized, the
/// content hash the signer saw equal to the current one, the slot not already signed.
fn open_slot<'a>(
    record: &'a Record,
    slot_id: SlotId,
    content_hash: &Hash,
) -> Result<&'a SignatureSlot> {
    if record.status != RecordStatus::Finalized {
        return Err(Error::state("record_not_finalized"));
    }
    if *content_hash != record.content_hash {
        // The signer was shown another version: a signature must bind to what they saw.
        return Err(Error::invalid("content_hash", ValidationCode::Inconsistent));
    }
    let slot = record
        .slots
        .iter()
        .find(|s| s.id == slot_id)
        .ok_or_else(|| Error::not_found("slot", slot_id.to_string()))?;
    if matches!(
        slot.outcome(),
        Some(SlotOutcome::Signed { .. } | SlotOutcome::Sealed { .. })
    ) {
        return Err(Error::state("slot_already_signed"));
    }
    Ok(slot)
}

impl Workspace {
    /// Stores signature strokes (original) and their rendering (derivative) and returns the
    /// evidence item describing them. Nothing is journaled here: the files written are pushed to
    /// `written`, to be settled with the journal commit or discarded without it.
    fn store_signature(
        &self,
        record: &Record,
        strokes: &Strokes,
        at: DateTime<Utc>,
        written: &mut Vec<StoredBlob>,
    ) -> Result<EvidenceItem> {
        let png = strokes.render_png()?;
        let json = serde_json::to_vec(strokes)?;
        let original = self.media.ingest_bytes(Area::Originals, &json)?;
        written.push(original.clone());
        let image = self.media.ingest_bytes(Area::Derivatives, &png)?;
        written.push(image.clone());
        let operator = record.body.officers().first().cloned().unwrap_or_default();
        Ok(EvidenceItem {
            id: EvidenceId::new(),
            case_id: record.case_id,
            record_id: Some(record.id),
            kind: EvidenceKind::Signature,
            category: None,
            activity: RecordedActivity::for_record(&record.body),
            purpose: String::new(),
            original: StoredFile {
                sha256: original.sha256,
                size: original.size,
                mime: "application/json".into(),
            },
            derivative: Some(StoredFile {
                sha256: image.sha256,
                size: image.size,
                mime: "image/png".into(),
            }),
            captured_at: at,
            captured_by: operator,
            location: None,
            address: String::new(),
            device_id: self.device_id(),
        })
    }

    /// Signs a slot with handwritten strokes, bound to the content hash the signer was shown.
    /// A slot the party refused earlier can be signed later (they changed their mind): the
    /// refusal stays in the slot's history.
    pub fn sign_slot(&self, req: SignRequest) -> Result<Record> {
        free_text("affirmation", &req.affirmation, LONG_TEXT)?;
        req.strokes.validate()?;
        let record = self.record(req.record_id)?;
        let slot = open_slot(&record, req.slot_id, &req.content_hash)?.clone();
        let at = self.ledger.now();
        let affirmation = if req.affirmation.trim().is_empty() {
            slot.spec.affirmation.clone()
        } else {
            req.affirmation.clone()
        };
        let mut written = Vec::new();
        self.with_files(&mut written, |written| {
            let signature = self.store_signature(&record, &req.strokes, at.utc, written)?;
            self.ledger.append_at(at, |v| {
                // Check again inside the write: another call may have signed or amended meanwhile.
                let record = v.record(req.record_id)?;
                super::writable(&v.case(record.case_id)?)?;
                open_slot(&record, req.slot_id, &req.content_hash)?;
                Ok(Event::SlotSigned(v1::SlotSigned {
                    record_id: record.id,
                    case_id: record.case_id,
                    slot_id: req.slot_id,
                    version: record.version,
                    content_hash: record.content_hash,
                    affirmation,
                    signature: (&signature).into(),
                }))
            })
        })?;
        self.record(req.record_id)
    }

    /// Records a refusal to sign in one call: the reason, the noting officer's annotation, a
    /// witness if one was present, and at least one photo/audio/video made there and then.
    pub fn refuse_slot(&self, req: RefusalRequest) -> Result<Record> {
        refusal_input(&req)?;
        let record = self.record(req.record_id)?;
        let file = self.case_file(record.case_id)?;
        let at = self.ledger.now();
        check_refusal(&file, &record, &req, at.utc)?;
        let mut written = Vec::new();
        self.with_files(&mut written, |written| {
            let witness_signature = match req.witness.as_ref().and_then(|w| w.strokes.as_ref()) {
                Some(s) => Some(self.store_signature(&record, s, at.utc, written)?),
                None => None,
            };
            let refusal = Refusal {
                reason: req.reason,
                reason_text: req.reason_text.clone(),
                noted_by: req.noted_by.clone(),
                annotation: req.annotation.clone(),
                witness: req.witness.as_ref().map(|w| Witness {
                    person: w.person.clone(),
                    role_text: w.role_text.clone(),
                    signature: witness_signature.as_ref().map(|e| SignatureMark {
                        strokes_sha256: e.original.sha256,
                        image_sha256: e.derivative.as_ref().map(|d| d.sha256).unwrap_or_default(),
                        evidence_id: e.id,
                    }),
                }),
                av_evidence: req.av_evidence.clone(),
                content_hash: record.content_hash,
            };
            let now = at.utc;
            self.ledger.append_at(at, |v| {
                let record = v.record(req.record_id)?;
                let file = v.case_file(record.case_id)?;
                super::writable(&file.case)?;
                check_refusal(&file, &record, &req, now)?;
                Ok(Event::SlotRefused(v1::SlotRefused {
                    record_id: record.id,
                    case_id: record.case_id,
                    slot_id: req.slot_id,
                    version: record.version,
                    refusal: (&refusal).into(),
                    witness_signature: witness_signature.as_ref().map(Into::into),
                }))
            })
        })?;
        self.record(req.record_id)
    }

    /// Serves a finalized outward document: the service record is created and finalized in one
    /// transaction, with the method's required fields and evidence checked first (Art. 17). Its
    /// signature slots (serving officers, recipient or witnesses) are then signed with
    /// `sign_slot`. The legal service date follows from the method (`rules::service`).
    pub fn serve_document(&self, req: ServeRequest) -> Result<Record> {
        let document = self.record(req.document)?;
        let req_doc = rules::requirement(document.kind);
        if !req_doc.served {
            return Err(Error::invalid("document", ValidationCode::NotAllowed));
        }
        if document.status != RecordStatus::Finalized {
            return Err(Error::state("record_not_finalized"));
        }
        // Who may witness, and that a leave-at-premises service has a witness, are checked by
        // `rules::check_finalize` below, the same rule `finalize_record` runs.
        let value = document.body.to_value()?;
        let doc_no = value
            .get("doc_no")
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        let title = format!(
            "{} {doc_no}",
            crate::i18n::tr(
                crate::i18n::Lang::Zh,
                &format!("kind-{}", document.kind.as_str())
            )
        );
        let party = value
            .get("party_id")
            .and_then(|v| v.as_str())
            .and_then(|p| p.parse().ok());
        for (i, w) in req.witnesses.iter().enumerate() {
            optional_line(
                &format!("witnesses[{i}].role_text"),
                &w.role_text,
                SHORT_TEXT,
            )?;
            if let Some(s) = &w.strokes {
                s.validate()
                    .map_err(|e| e.within(&format!("witnesses[{i}]")))?;
            }
        }
        let at = self.ledger.now();
        let now = at.utc;
        // Served now unless the officer says when; a refusal to accept is at the service.
        let served_at = req.served_at.or(Some(now));
        let refused_at = match req.refused_at {
            None if !req.refusal_reason.trim().is_empty() => served_at,
            given => given,
        };
        let witnesses: Vec<Person> = req
            .witnesses
            .iter()
            .map(|w| {
                let mut person = w.person.clone();
                if person.position.trim().is_empty() {
                    person.position = w.role_text.trim().to_owned();
                }
                person
            })
            .collect();
        let body = RecordBody::ServiceReceipt(ServiceRecord {
            document: Some(document.id),
            document_title: title.trim().to_owned(),
            recipient_party: party,
            method: Some(req.method),
            address: req.address,
            served_at,
            receiver: req.receiver,
            officers: req.officers,
            refusal_reason: req.refusal_reason,
            refused_at,
            witnesses,
            tracking_no: req.tracking_no,
            return_receipt_on: req.return_receipt_on,
            entrusted_to: req.entrusted_to,
            entrust_reason: req.entrust_reason,
            electronic_channel: req.electronic_channel,
            electronic_consent: req.electronic_consent,
            electronic_arrived_at: req.electronic_arrived_at,
            notice_medium: req.notice_medium,
            published_at: req.published_at,
            why_other_methods_failed: req.why_other_methods_failed,
            av_evidence: req.av_evidence,
        });
        body.validate()?;
        let record_id = RecordId::new();
        let content = v1::content(body.to_json()?)?;
        let hash = Hash::digest(content.get().as_bytes());
        self.store().append_all(self.ledger.key(), at, |v| {
            let file = v.case_file(document.case_id)?;
            super::writable(&file.case)?;
            rules::check_finalize(&file, None, &body, now)?;
            let slots = rules::slots_for(&file.case, &body)
                .iter()
                .map(|spec| v1::NewSlot {
                    slot_id: SlotId::new(),
                    spec: spec.into(),
                })
                .collect();
            Ok::<_, Error>(vec![
                Event::RecordAdded(v1::RecordAdded {
                    record_id,
                    case_id: document.case_id,
                    kind: body.kind().as_str().to_owned(),
                    content: content.clone(),
                }),
                Event::RecordFinalized(v1::RecordFinalized {
                    record_id,
                    case_id: document.case_id,
                    version: 1,
                    content_hash: hash,
                    slots,
                }),
            ])
        })?;
        // Witnesses who signed on the phone: their slots, signed on the receipt just written.
        let mut served = self.record(record_id)?;
        for w in &req.witnesses {
            let Some(strokes) = &w.strokes else { continue };
            let slot = served.slots.iter().find(|s| {
                s.spec.role == Some(SignerRole::Witness)
                    && s.spec.signer_name == w.person.name
                    && s.history.is_empty()
            });
            if let Some(slot) = slot {
                served = self.sign_slot(SignRequest {
                    record_id,
                    slot_id: slot.id,
                    content_hash: hash,
                    strokes: strokes.clone(),
                    affirmation: String::new(),
                })?;
            }
        }
        Ok(served)
    }
}

impl Workspace {
    /// Whether `req` would be recorded now, without recording it: every problem of its fields
    /// at once (what a refusal sheet shows before it can be submitted), then the state of the
    /// record and slot. The screens ask this instead of keeping a copy of the rule.
    pub fn check_refusal(&self, req: &RefusalRequest) -> Result<()> {
        let fields = refusal_input(req);
        let record = self.record(req.record_id)?;
        let file = self.case_file(record.case_id)?;
        let state = check_refusal(&file, &record, req, self.ledger.now().utc);
        match (fields, state) {
            (
                Err(Error::Store(crate::store::Error::Validation(mut all))),
                Err(Error::Store(crate::store::Error::Validation(v))),
            ) => {
                all.also.extend(v.flattened());
                Err(all.into())
            }
            (Err(e), _) | (Ok(()), Err(e)) => Err(e),
            (Ok(()), Ok(())) => Ok(()),
        }
    }
}

/// The fields of a refusal, each checked: every problem at once.
fn refusal_input(req: &RefusalRequest) -> Result<()> {
    let mut problems = Vec::new();
    let mut keep = |r: std::result::Result<(), ValidationError>| {
        if let Err(e) = r {
            problems.extend(e.flattened());
        }
    };
    if req.reason == RefusalReason::Other && req.reason_text.trim().is_empty() {
        keep(Err(ValidationError::new(
            "reason_text",
            ValidationCode::Required,
        )));
    }
    keep(free_text("reason_text", &req.reason_text, LONG_TEXT));
    if req.annotation.trim().is_empty() {
        keep(Err(ValidationError::new(
            "annotation",
            ValidationCode::Required,
        )));
    }
    keep(free_text("annotation", &req.annotation, LONG_TEXT));
    if req.av_evidence.is_empty() {
        keep(Err(ValidationError::new(
            "av_evidence",
            ValidationCode::Required,
        )));
    }
    if let Some(w) = &req.witness {
        keep(rules::check_witness("witness.person", &w.person));
        keep(optional_line("witness.role_text", &w.role_text, SHORT_TEXT));
        if let Some(s) = &w.strokes {
            keep(s.validate().map_err(|e| e.within("witness")));
        }
    }
    ValidationError::all(problems).map_or(Ok(()), |e| Err(e.into()))
}

/// Everything a refusal must satisfy against the current state.
fn check_refusal(
    file: &CaseFile,
    record: &Record,
    req: &RefusalRequest,
    now: DateTime<Utc>,
) -> Result<()> {
    let slot = open_slot(record, req.slot_id, &req.content_hash)?;
    if slot.spec.role.is_some_and(|r| r.is_officer()) {
        return Err(Error::invalid("slot_id", ValidationCode::NotAllowed));
    }
    if matches!(slot.outcome(), Some(SlotOutcome::Refused(_))) {
        return Err(Error::state("slot_already_refused"));
    }
    let officer = file
        .case
        .officer(&req.noted_by)
        .ok_or_else(|| Error::invalid("noted_by", ValidationCode::UnknownReference))?;
    if !officer.is_valid_on(rules::local_date(now)) {
        return Err(Error::invalid(
            "noted_by",
            ValidationCode::CertificateNotValid,
        ));
    }
    for (i, id) in req.av_evidence.iter().enumerate() {
        let ok = file
            .evidence_item(*id)
            .is_some_and(|e| e.kind.counts_as_av_record());
        if !ok {
            return Err(ValidationError::new(
                format!("av_evidence[{i}]"),
                ValidationCode::UnknownReference,
            )
            .into());
        }
    }
    Ok(())
}
