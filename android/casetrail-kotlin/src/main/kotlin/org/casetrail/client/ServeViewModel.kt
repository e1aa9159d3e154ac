/**
 * Serving a finalized document (送达, Art. 17): the method, who received it, the witnesses of a
 * service left at the premises (each may sign on the phone), the photos or video made, and what
 * the method itself needs (a tracking number, the notice medium, why other methods failed).
 *
 * Nothing here knows a method: the methods are the core's pick-list ([Lists.SERVICE_METHOD]),
 * and which inputs a method needs is read from the service receipt's form schema — each input is
 * shown while the relevance of its schema field holds for the chosen method. The officers and the
 * address start from the core's defaults for a new service receipt of the case; the receiver's
 * relation left empty takes the form's default; the time of service is the core's clock. Every
 * problem the core finds comes back on the input it concerns, in its words.
 */
package org.casetrail.client

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import org.casetrail.CaseDetail
import org.casetrail.Choice
import org.casetrail.EvidenceView
import org.casetrail.FieldProblem
import org.casetrail.FieldValue
import org.casetrail.FormSchemaView
import org.casetrail.PadLimits
import org.casetrail.PadStrokes
import org.casetrail.RecordView
import org.casetrail.ServeInput
import org.casetrail.WitnessInput

/** The record kind a service is written as. */
const val SERVICE_RECEIPT = "service_receipt"

/** The service's own inputs, named as the service receipt's form (and the core's problems) name them. */
object ServeField {
    const val METHOD = "method"
    const val ADDRESS = "address"
    const val RECEIVER = "receiver"
    const val OFFICERS = "officers"
    const val REFUSAL_REASON = "refusal_reason"
    const val WITNESSES = "witnesses"
    const val AV_EVIDENCE = "av_evidence"
    const val TRACKING_NO = "tracking_no"
    const val NOTICE_MEDIUM = "notice_medium"
    const val WHY_OTHER_METHODS_FAILED = "why_other_methods_failed"
}

/** A witness of the service as the officer enters it. */
data class ServeWitness(
    val name: String = "",
    /** A code of [Lists.WITNESS_RELATION]. */
    val relation: String = "",
    /** Their role in words (社区工作人员 …). */
    val role: String = "",
    /** What they drew on the pad, if they signed on the phone. */
    val strokes: PadStrokes? = null,
)

data class ServeState(
    val document: RecordView,
    val case: CaseDetail? = null,
    val schema: FormSchemaView? = null,
    val methods: List<Choice> = emptyList(),
    val relations: List<Choice> = emptyList(),
    val witnessRelations: List<Choice> = emptyList(),
    /** What the core accepts from a witness's signature pad. */
    val padLimits: PadLimits? = null,
    val method: String = "",
    val address: String = "",
    val receiverName: String = "",
    /** A code of [relations]; empty takes the service form's default for a receiver. */
    val receiverRelation: String = "",
    /** Certificate numbers of the serving officers. */
    val officers: List<String> = emptyList(),
    val refusalReason: String = "",
    val witnesses: List<ServeWitness> = emptyList(),
    val evidence: List<String> = emptyList(),
    val trackingNo: String = "",
    val noticeMedium: String = "",
    val whyOtherMethodsFailed: String = "",
    val submitting: Boolean = false,
    /** The core's problems by input ([ServeField]). */
    val fieldErrors: Map<String, UiText> = emptyMap(),
    val error: UiError? = null,
    /** The service receipt once written. */
    val receipt: RecordView? = null,
) {
    /** The case's photos, audio and video that can be linked to the service. */
    val available: List<EvidenceView> get() = case?.evidence?.filter { it.countsAsAvRecord }.orEmpty()

    /**
     * Whether the input [field] (one of [ServeField]) is asked for the chosen method: while its
     * field of the service receipt's schema is relevant. An input the schema does not have is
     * always asked; none is asked before a method is chosen.
     */
    fun shows(field: String): Boolean {
        if (field == ServeField.METHOD) return true
        if (method.isEmpty()) return false
        val f = schema?.let(::SchemaIndex)?.children(null)?.firstOrNull { it.name == field } ?: return true
        return relevant(f, "", mapOf(ServeField.METHOD to FieldValue.Text(method)), case?.isMajor == true)
    }

    /** The core's label of the service receipt's field behind input [field], if the schema has it. */
    fun labelOf(field: String): String? =
        schema?.let(::SchemaIndex)?.children(null)?.firstOrNull { it.name == field }?.label

    /** The relation a new witness gets: the schema's default for a witness of the receipt. */
    val newWitnessRelation: String
        get() = schema?.let(::SchemaIndex)?.children(null)?.firstOrNull { it.name == ServeField.WITNESSES }?.personRelation.orEmpty()

    val canSubmit: Boolean get() = method.isNotEmpty() && !submitting && receipt == null

    /** The service as the core takes it; what the method does not ask stays empty. */
    val input: ServeInput
        get() {
            fun text(field: String, value: String) = if (shows(field)) value.trim() else ""
            return ServeInput(
                documentId = document.id,
                method = method,
                servedAt = null,
                address = text(ServeField.ADDRESS, address),
                receiverName = text(ServeField.RECEIVER, receiverName).ifEmpty { null },
                receiverRelation = text(ServeField.RECEIVER, receiverRelation),
                officers = officers,
                refusalReason = text(ServeField.REFUSAL_REASON, refusalReason),
                witnesses = if (shows(ServeField.WITNESSES)) {
                    witnesses.filter { it.name.isNotBlank() || it.role.isNotBlank() }
                        .map { WitnessInput(it.name.trim(), it.relation, it.role.trim(), it.strokes) }
                } else {
                    emptyList()
                },
                avEvidence = if (shows(ServeField.AV_EVIDENCE)) evidence else emptyList(),
                trackingNo = text(ServeField.TRACKING_NO, trackingNo),
                noticeMedium = text(ServeField.NOTICE_MEDIUM, noticeMedium),
                whyOtherMethodsFailed = text(ServeField.WHY_OTHER_METHODS_FAILED, whyOtherMethodsFailed),
            )
        }
}

/** The input of a problem path the core names (`witnesses[0].name` → `witnesses`). */
internal fun serveField(path: String): String = path.substringBefore('.').substringBefore('[')

class ServeViewModel(
    private val repo: CaseTrailRepository,
    document: RecordView,
    scope: CoroutineScope,
) : CoreViewModel<ServeState>(ServeState(document), scope) {

    /** Loads the case, the receipt's schema, the pick-lists and the core's defaults (officers, address). */
    fun load(): Job = launch {
        val caseId = state.value.document.caseId
        val case = repo.caseDetail(caseId)
        val schema = repo.formSchema(SERVICE_RECEIPT)
        val methods = repo.choices(Lists.SERVICE_METHOD)
        val relations = repo.choices(Lists.RELATION)
        val witnessRelations = repo.choices(Lists.WITNESS_RELATION)
        val limits = repo.padLimits()
        val defaults = repo.formDefaults(caseId, SERVICE_RECEIPT).valueOrNull().orEmpty()
        val officers = defaults.filter { serveField(it.path) == ServeField.OFFICERS }
            .mapNotNull { (it.value as? FieldValue.Text)?.value }
        val address = defaults.firstOrNull { it.path == ServeField.ADDRESS }?.value as? FieldValue.Text
        update { s ->
            s.copy(
                case = case.valueOrNull() ?: s.case,
                schema = schema.valueOrNull() ?: s.schema,
                methods = methods.valueOrNull() ?: s.methods,
                relations = relations.valueOrNull() ?: s.relations,
                witnessRelations = witnessRelations.valueOrNull() ?: s.witnessRelations,
                padLimits = limits.valueOrNull() ?: s.padLimits,
                officers = s.officers.ifEmpty { officers },
                address = s.address.ifEmpty { address?.value.orEmpty() },
                error = case.errorOrNull() ?: schema.errorOrNull() ?: methods.errorOrNull()
                    ?: relations.errorOrNull() ?: witnessRelations.errorOrNull() ?: limits.errorOrNull(),
            )
        }
    }

    /** Reloads the case (after a capture), keeping what was entered. */
    fun refreshCase(): Job = launch {
        when (val case = repo.caseDetail(state.value.document.caseId)) {
            is Outcome.Ok -> update { it.copy(case = case.value) }
            is Outcome.Failed -> update { it.copy(error = case.error) }
        }
    }

    fun setMethod(code: String) = edit(ServeField.METHOD) { it.copy(method = code) }

    fun setAddress(text: String) = edit(ServeField.ADDRESS) { it.copy(address = text) }

    fun setReceiverName(text: String) = edit(ServeField.RECEIVER) { it.copy(receiverName = text) }

    /** A code of [ServeState.relations]; empty takes the form's default. */
    fun setReceiverRelation(code: String) = edit(ServeField.RECEIVER) { it.copy(receiverRelation = code) }

    /** Adds or removes a serving officer. */
    fun toggleOfficer(certNo: String) = edit(ServeField.OFFICERS) { s ->
        s.copy(officers = if (certNo in s.officers) s.officers - certNo else s.officers + certNo)
    }

    fun setRefusalReason(text: String) = edit(ServeField.REFUSAL_REASON) { it.copy(refusalReason = text) }

    fun addWitness() = edit(ServeField.WITNESSES) { it.copy(witnesses = it.witnesses + ServeWitness(relation = it.newWitnessRelation)) }

    fun removeWitness(index: Int) = edit(ServeField.WITNESSES) { s ->
        s.copy(witnesses = s.witnesses.filterIndexed { i, _ -> i != index })
    }

    fun setWitness(index: Int, witness: ServeWitness) = edit(ServeField.WITNESSES) { s ->
        s.copy(witnesses = s.witnesses.mapIndexed { i, w -> if (i == index) witness else w })
    }

    /** Links or unlinks a photo/audio/video of the case. */
    fun toggleEvidence(id: String) = edit(ServeField.AV_EVIDENCE) { s ->
        s.copy(evidence = if (id in s.evidence) s.evidence - id else s.evidence + id)
    }

    fun setTrackingNo(text: String) = edit(ServeField.TRACKING_NO) { it.copy(trackingNo = text) }

    fun setNoticeMedium(text: String) = edit(ServeField.NOTICE_MEDIUM) { it.copy(noticeMedium = text) }

    fun setWhyOtherMethodsFailed(text: String) =
        edit(ServeField.WHY_OTHER_METHODS_FAILED) { it.copy(whyOtherMethodsFailed = text) }

    /** Serves the document; the core's problems land on their inputs. */
    fun submit(): Job = launch {
        val s = state.value
        if (!s.canSubmit) return@launch
        update { it.copy(submitting = true, error = null, fieldErrors = emptyMap()) }
        val outcome = repo.serveDocument(s.input)
        update {
            when (outcome) {
                is Outcome.Ok -> it.copy(submitting = false, receipt = outcome.value)
                is Outcome.Failed -> {
                    val problems = outcome.error.problems.ifEmpty {
                        val text = (outcome.error.text as? UiText.Core)?.text.orEmpty()
                        listOfNotNull(outcome.error.field?.let { f -> FieldProblem(f, outcome.error.code, text) })
                    }
                    val onFields = problems.associate { p -> serveField(p.path) to UiText.Core(p.message) }
                    if (outcome.error.kind == ErrorKind.INVALID && onFields.isNotEmpty()) {
                        it.copy(submitting = false, fieldErrors = onFields)
                    } else {
                        it.copy(submitting = false, error = outcome.error)
                    }
                }
            }
        }
    }

    fun dismissError() = update { it.copy(error = null) }

    private fun edit(field: String, change: (ServeState) -> ServeState) =
        update { change(it).let { s -> s.copy(fieldErrors = s.fieldErrors - field) } }
}
