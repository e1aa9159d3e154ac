/**
 * The refusal sheet (拒签, Art. 9): when a party will not sign, the officer records the reason,
 * notes it on the record, names a witness if one is present and links photos, audio or video made
 * there and then — all in one call to the core, which writes all of it or nothing.
 *
 * The reasons and the witness's relations are the core's pick-lists ([Lists.REFUSAL_REASON],
 * [Lists.WITNESS_RELATION]), codes and labels alike, loaded with the case.
 *
 * The sheet cannot be submitted until what the core requires is there ([RefusalState.missing]
 * mirrors `Workspace::refuse_slot`): a reason from the pick list (and words for `other`), a noting
 * officer who is on the case, an annotation, at least one photo/audio/video of the case, and a
 * name for a witness whose other details were given. Only party-side slots that are not already
 * refused can be refused. The core still checks everything; its errors land on the same fields.
 */
package org.casetrail.client

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import org.casetrail.CaptureInput
import org.casetrail.Choice
import org.casetrail.EvidenceView
import org.casetrail.RecordView
import org.casetrail.RefusalInput
import org.casetrail.SlotView
import org.casetrail.WitnessInput

/** Evidence kinds that count as an audio/video record of the refusal. */
val AV_KINDS = setOf("photo", "video", "audio", "screenshot")

/**
 * Whether [slot] of [record] can take a refusal: a slot the core marks refusable (not an
 * officer's) of a finalized record, not yet refused.
 */
fun canRefuse(record: RecordView, slot: SlotView): Boolean =
    record.status == "finalized" && slot.refusable && slot.state != "refused"

/** Something the refusal still needs before it can be submitted. */
enum class RefusalNeed {
    /** The slot is an officer's, already refused, or the record is not finalized. */
    REFUSABLE_SLOT,
    REASON,
    REASON_TEXT,
    NOTED_BY,
    ANNOTATION,
    AV_EVIDENCE,
    WITNESS_NAME,
}

data class RefusalState(
    val record: RecordView,
    val slot: SlotView,
    /** The case's officers: the noting officer is one of them. */
    val officers: List<OfficerRef> = emptyList(),
    /** Photos, audio and video of the case that can be linked. */
    val available: List<EvidenceView> = emptyList(),
    /** The reasons to pick from, as the core lists and labels them. */
    val reasons: List<Choice> = emptyList(),
    /** The relations a witness can have to the case, as the core lists and labels them. */
    val relations: List<Choice> = emptyList(),
    /** The code of the chosen reason. */
    val reason: String = "",
    val reasonText: String = "",
    val notedBy: String = "",
    val annotation: String = "",
    val witnessName: String = "",
    /** A code of [relations]; a witness proper unless the officer picks another. */
    val witnessRelation: String = "witness",
    val witnessRole: String = "",
    /** Evidence linked to the refusal. */
    val evidence: List<EvidenceView> = emptyList(),
    /** Set once the officer tried to submit an incomplete sheet: the screen marks what is missing. */
    val showMissing: Boolean = false,
    val submitting: Boolean = false,
    /** Errors by sheet field (`reason`, `reason_text`, `noted_by`, `annotation`, `witness`, `av_evidence`). */
    val fieldErrors: Map<String, UiText> = emptyMap(),
    val error: UiError? = null,
    /** The record after the refusal was recorded. */
    val refused: RecordView? = null,
) {
    val hasWitness: Boolean get() = witnessName.isNotBlank() || witnessRole.isNotBlank()

    val missing: Set<RefusalNeed>
        get() = buildSet {
            if (!canRefuse(record, slot)) add(RefusalNeed.REFUSABLE_SLOT)
            // Before the list is loaded only the core can say whether the code is one of its own.
            if (reason.isBlank() || reasons.isNotEmpty() && reasons.none { it.code == reason }) {
                add(RefusalNeed.REASON)
            }
            if (reason == "other" && reasonText.isBlank()) add(RefusalNeed.REASON_TEXT)
            if (notedBy.isBlank() || officers.isNotEmpty() && officers.none { it.certNo == notedBy }) {
                add(RefusalNeed.NOTED_BY)
            }
            if (annotation.isBlank()) add(RefusalNeed.ANNOTATION)
            if (evidence.none { it.kind in AV_KINDS }) add(RefusalNeed.AV_EVIDENCE)
            if (hasWitness && witnessName.isBlank()) add(RefusalNeed.WITNESS_NAME)
        }

    val canSubmit: Boolean get() = missing.isEmpty() && !submitting && refused == null
}

class RefusalViewModel(
    private val repo: CaseTrailRepository,
    record: RecordView,
    slot: SlotView,
    scope: CoroutineScope,
) : CoreViewModel<RefusalState>(RefusalState(record, slot), scope) {

    /** Loads the case's officers, its photos, audio and video, and the reasons and relations. */
    fun load(): Job = launch {
        val detail = repo.caseDetail(state.value.record.caseId)
        val reasons = repo.choices(Lists.REFUSAL_REASON)
        val relations = repo.choices(Lists.WITNESS_RELATION)
        update { s ->
            val case = detail.valueOrNull()
            val officers = case?.let { officersOf(it.draftJson) } ?: s.officers
            s.copy(
                officers = officers,
                available = case?.evidence?.filter { it.kind in AV_KINDS } ?: s.available,
                notedBy = s.notedBy.ifBlank { officers.firstOrNull()?.certNo.orEmpty() },
                reasons = reasons.valueOrNull() ?: s.reasons,
                relations = relations.valueOrNull() ?: s.relations,
                error = detail.errorOrNull() ?: reasons.errorOrNull() ?: relations.errorOrNull() ?: s.error,
            )
        }
    }

    fun setReason(code: String) = edit("reason") { it.copy(reason = code) }

    fun setReasonText(text: String) = edit("reason_text") { it.copy(reasonText = text) }

    fun setNotedBy(certNo: String) = edit("noted_by") { it.copy(notedBy = certNo) }

    fun setAnnotation(text: String) = edit("annotation") { it.copy(annotation = text) }

    fun setWitnessName(name: String) = edit("witness") { it.copy(witnessName = name) }

    fun setWitnessRelation(code: String) = edit("witness") { it.copy(witnessRelation = code) }

    /** The witness's role in words (物业经理 …). */
    fun setWitnessRole(text: String) = edit("witness") { it.copy(witnessRole = text) }

    /** Links a photo/audio/video of the case to the refusal. */
    fun attach(evidence: EvidenceView) = edit("av_evidence") { s ->
        if (evidence.kind !in AV_KINDS || s.evidence.any { it.id == evidence.id }) s else s.copy(evidence = s.evidence + evidence)
    }

    fun detach(evidenceId: String) = update { s -> s.copy(evidence = s.evidence.filterNot { it.id == evidenceId }) }

    /**
     * Captures the camera's file at [path] as evidence of the refusal (activity
     * `refusal_to_sign`, taken by the noting officer) and links it.
     */
    fun captureAndAttach(path: String, purpose: String, kind: String? = null): Job = launch {
        val s = state.value
        val input = CaptureInput(
            caseId = s.record.caseId,
            recordId = s.record.id,
            kind = kind,
            activity = "refusal_to_sign",
            purpose = purpose,
            capturedBy = s.notedBy,
            location = null,
            address = "",
            originalName = path.substringAfterLast('/'),
        )
        when (val captured = repo.captureFile(input, path)) {
            is Outcome.Failed -> update { it.copy(error = captured.error) }
            is Outcome.Ok -> {
                val item = captured.value
                update { it.copy(available = it.available + item) }
                if (item.kind in AV_KINDS) {
                    attach(item)
                } else {
                    update { it.copy(fieldErrors = it.fieldErrors + ("av_evidence" to UiText.App(Msg.AV_EVIDENCE_REQUIRED))) }
                }
            }
        }
    }

    /** Records the refusal; an incomplete sheet is not sent, its gaps are shown instead. */
    fun submit(): Job = launch {
        val s = state.value
        if (!s.canSubmit) {
            update { it.copy(showMissing = true) }
            return@launch
        }
        update { it.copy(submitting = true, error = null, fieldErrors = emptyMap()) }
        val input = RefusalInput(
            recordId = s.record.id,
            slotId = s.slot.id,
            contentHash = s.record.contentHash,
            reason = s.reason,
            reasonText = s.reasonText.trim(),
            notedBy = s.notedBy,
            annotation = s.annotation.trim(),
            witness = if (s.hasWitness) WitnessInput(s.witnessName.trim(), s.witnessRelation, s.witnessRole.trim(), null) else null,
            avEvidence = s.evidence.map { it.id },
        )
        val outcome = repo.refuseSlot(input)
        update {
            when (outcome) {
                is Outcome.Ok -> it.copy(submitting = false, refused = outcome.value)
                is Outcome.Failed -> {
                    val field = outcome.error.field?.substringBefore('.')?.substringBefore('[')
                    if (outcome.error.kind == ErrorKind.INVALID && field != null) {
                        it.copy(submitting = false, fieldErrors = mapOf(field to outcome.error.text))
                    } else {
                        it.copy(submitting = false, error = outcome.error)
                    }
                }
            }
        }
    }

    fun dismissError() = update { it.copy(error = null) }

    private fun edit(field: String, change: (RefusalState) -> RefusalState) =
        update { change(it).let { s -> s.copy(fieldErrors = s.fieldErrors - field) } }
}
