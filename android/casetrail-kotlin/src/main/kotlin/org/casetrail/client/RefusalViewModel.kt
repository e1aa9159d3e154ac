/**
 * The refusal sheet (拒签, Art. 9): when a party will not sign, the officer records the reason,
 * notes it on the record, names a witness if one is present and links photos, audio or video made
 * there and then — all in one call to the core, which writes all of it or nothing.
 *
 * The reasons and the witness's relations are the core's pick-lists ([Lists.REFUSAL_REASON],
 * [Lists.WITNESS_RELATION]), codes and labels alike, loaded with the case. What the sheet still
 * lacks is the core's answer too: after every change the sheet asks `check_refusal`, which
 * applies the very rule `refuse_slot` does and names every gap by field, so no copy of the rule
 * lives here. Whether the slot can be refused at all is the core's `SlotView.canRefuse`; which
 * evidence counts as audio/video is `EvidenceView.countsAsAvRecord`.
 */
package org.casetrail.client

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import org.casetrail.CaptureInput
import org.casetrail.Choice
import org.casetrail.EvidenceView
import org.casetrail.Location
import org.casetrail.OfficerView
import org.casetrail.RecordView
import org.casetrail.RefusalInput
import org.casetrail.SlotView
import org.casetrail.WitnessInput

/** The sheet's own field of a problem path the core names (`witness.person.name` → `witness`). */
internal fun sheetField(path: String): String = path.substringBefore('.').substringBefore('[')

data class RefusalState(
    val record: RecordView,
    val slot: SlotView,
    /** The case's officers: the noting officer is one of them. */
    val officers: List<OfficerView> = emptyList(),
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
    /**
     * What the core says the sheet still lacks, by sheet field (`reason`, `reason_text`,
     * `noted_by`, `annotation`, `witness`, `av_evidence`), in its words; null until it was asked.
     */
    val gaps: Map<String, UiText>? = null,
    /** Set once the officer tried to submit an incomplete sheet: the screen marks what is missing. */
    val showMissing: Boolean = false,
    val submitting: Boolean = false,
    /** Errors by sheet field, from the core's answer to the submission. */
    val fieldErrors: Map<String, UiText> = emptyMap(),
    val error: UiError? = null,
    /** The record after the refusal was recorded. */
    val refused: RecordView? = null,
) {
    val hasWitness: Boolean get() = witnessName.isNotBlank() || witnessRole.isNotBlank()

    /** The sheet fields still lacking (the core's answer), plus `slot` when the slot cannot be refused. */
    val missing: Set<String>
        get() = buildSet {
            if (!slot.canRefuse) add("slot")
            addAll(gaps?.keys.orEmpty())
        }

    val canSubmit: Boolean get() = gaps != null && missing.isEmpty() && !submitting && refused == null

    /** The refusal as the core takes it. */
    val input: RefusalInput
        get() = RefusalInput(
            recordId = record.id,
            slotId = slot.id,
            contentHash = record.contentHash,
            reason = reason,
            reasonText = reasonText.trim(),
            notedBy = notedBy,
            annotation = annotation.trim(),
            witness = if (hasWitness) WitnessInput(witnessName.trim(), witnessRelation, witnessRole.trim(), null) else null,
            avEvidence = evidence.map { it.id },
        )
}

class RefusalViewModel(
    private val repo: CaseTrailRepository,
    record: RecordView,
    slot: SlotView,
    scope: CoroutineScope,
) : CoreViewModel<RefusalState>(RefusalState(record, slot), scope) {

    /** The core's checks, one at a time, each on the sheet as it is when it runs. */
    private val checks = Mutex()

    /** Loads the case's officers, its photos, audio and video, and the reasons and relations. */
    fun load(): Job = launch {
        val detail = repo.caseDetail(state.value.record.caseId)
        val reasons = repo.choices(Lists.REFUSAL_REASON)
        val relations = repo.choices(Lists.WITNESS_RELATION)
        update { s ->
            val case = detail.valueOrNull()
            val officers = case?.officers ?: s.officers
            s.copy(
                officers = officers,
                available = case?.evidence?.filter { it.countsAsAvRecord } ?: s.available,
                notedBy = s.notedBy.ifBlank { officers.firstOrNull()?.certNo.orEmpty() },
                reasons = reasons.valueOrNull() ?: s.reasons,
                relations = relations.valueOrNull() ?: s.relations,
                error = detail.errorOrNull() ?: reasons.errorOrNull() ?: relations.errorOrNull() ?: s.error,
            )
        }
        check().join()
    }

    /** Asks the core what the sheet still lacks. */
    fun check(): Job = launch {
        checks.withLock {
            val asked = state.value
            if (!asked.slot.canRefuse) return@withLock update { it.copy(gaps = emptyMap()) }
            when (val found = repo.checkRefusal(asked.input)) {
                is Outcome.Ok -> update { s ->
                    // A newer edit will be checked after this one; keep only an answer for what is there.
                    if (s.input != asked.input) s
                    else s.copy(gaps = found.value.associate { sheetField(it.path) to UiText.Core(it.message) })
                }
                is Outcome.Failed -> update { it.copy(gaps = mapOf("slot" to found.error.text), error = found.error) }
            }
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
        if (!evidence.countsAsAvRecord || s.evidence.any { it.id == evidence.id }) s else s.copy(evidence = s.evidence + evidence)
    }

    fun detach(evidenceId: String) = edit("av_evidence") { s -> s.copy(evidence = s.evidence.filterNot { it.id == evidenceId }) }

    /**
     * Captures the camera's file at [path] as evidence of the refusal (activity
     * `refusal_to_sign`, taken by the noting officer) and links it; [locate] gives where (a fix,
     * or why there is none).
     */
    fun captureAndAttach(
        path: String,
        purpose: String,
        kind: String? = null,
        locate: (suspend () -> Location)? = null,
    ): Job = launch {
        val location = locate?.invoke()
        val s = state.value
        val input = CaptureInput(
            caseId = s.record.caseId,
            recordId = s.record.id,
            kind = kind,
            activity = "refusal_to_sign",
            purpose = purpose,
            capturedBy = s.notedBy,
            location = location,
            address = "",
            originalName = path.substringAfterLast('/'),
        )
        when (val captured = repo.captureFile(input, path)) {
            is Outcome.Failed -> update { it.copy(error = captured.error) }
            is Outcome.Ok -> {
                val item = captured.value
                update { it.copy(available = it.available + item) }
                if (item.countsAsAvRecord) {
                    attach(item).join()
                } else {
                    update { it.copy(fieldErrors = it.fieldErrors + ("av_evidence" to UiText.App(Msg.AV_EVIDENCE_REQUIRED))) }
                }
            }
        }
    }

    /** Records the refusal; an incomplete sheet is not sent, its gaps are shown instead. */
    fun submit(): Job = launch {
        check().join()
        val s = state.value
        if (!s.canSubmit) {
            update { it.copy(showMissing = true) }
            return@launch
        }
        update { it.copy(submitting = true, error = null, fieldErrors = emptyMap()) }
        val outcome = repo.refuseSlot(s.input)
        update {
            when (outcome) {
                is Outcome.Ok -> it.copy(submitting = false, refused = outcome.value)
                is Outcome.Failed -> {
                    val problems = outcome.error.problems.associate { p -> sheetField(p.path) to UiText.Core(p.message) }
                    if (outcome.error.kind == ErrorKind.INVALID && problems.isNotEmpty()) {
                        it.copy(submitting = false, fieldErrors = problems)
                    } else {
                        it.copy(submitting = false, error = outcome.error)
                    }
                }
            }
        }
    }

    fun dismissError() = update { it.copy(error = null) }

    /** Changes the sheet, clears [field]'s error, and asks the core again what is lacking. */
    private fun edit(field: String, change: (RefusalState) -> RefusalState): Job {
        update { change(it).let { s -> s.copy(fieldErrors = s.fieldErrors - field) } }
        return check()
    }
}
