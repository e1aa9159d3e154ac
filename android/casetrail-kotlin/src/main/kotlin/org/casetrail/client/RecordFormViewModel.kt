/**
 * The record form (文书/笔录), rendered from the core's form schema of the kind chosen: every kind
 * with the same code (see [FormModel.kt][rowsOf]). It opens with what the core fills from the
 * case and its clock, is saved as a draft on every change (kept on the phone, not journaled, so a
 * form survives the app being killed), is saved as a record, amended with a reason, finalized.
 *
 * The pickers offer the case's own officers, parties, evidence and records; every problem the core
 * finds comes back on the path of its field, in the core's words (with the article for a required
 * field). Nothing here knows a rule, a list or a default of its own.
 */
package org.casetrail.client

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import org.casetrail.CaseDetail
import org.casetrail.DraftFor
import org.casetrail.FieldEntry
import org.casetrail.FieldProblem
import org.casetrail.FieldValue
import org.casetrail.FormDraftView
import org.casetrail.FormSchemaView
import org.casetrail.KindView
import org.casetrail.RecordView

data class RecordFormState(
    val kinds: List<KindView> = emptyList(),
    /** The case: its officers, parties, evidence and records for the pickers; whether it is major. */
    val case: CaseDetail? = null,
    /** Forms of this case in progress, most recent first (offer to resume them). */
    val drafts: List<FormDraftView> = emptyList(),
    val schema: FormSchemaView? = null,
    /** The values by concrete path. */
    val values: Map<String, FieldValue> = emptyMap(),
    /** Item counts of lists, by concrete path, beyond what [values] show. */
    val addedItems: Map<String, Int> = emptyMap(),
    /** The draft this form is saved to. */
    val draftId: String? = null,
    /** Problems by row path. */
    val fieldErrors: Map<String, UiText> = emptyMap(),
    /** An error that belongs to no field. */
    val error: UiError? = null,
    val saving: Boolean = false,
    /** The record as saved, then finalized. */
    val record: RecordView? = null,
) {
    val kind: String? get() = schema?.kind
    val majorCase: Boolean get() = case?.isMajor == true
    private val index: SchemaIndex? get() = schema?.let(::SchemaIndex)

    /** The rows of each section, in order: what the screen shows. */
    val sections: List<Pair<String, List<FormRow>>>
        get() {
            val ix = index ?: return emptyList()
            val items = itemCounts(values, addedItems)
            return ix.schema.sections.map { it.label to rowsOf(ix, it.id, values, items, majorCase) }
        }

    val rows: List<FormRow> get() = sections.flatMap { it.second }

    /** The values shown, as the core takes them. */
    val entries: List<FieldEntry>
        get() = shownValues(rows, values).map { (path, value) -> FieldEntry(path, value) }

    val canSave: Boolean get() = schema != null && !saving
    val canFinalize: Boolean get() = record?.status == "draft" && !saving
}

class RecordFormViewModel(
    private val repo: CaseTrailRepository,
    val caseId: String,
    scope: CoroutineScope,
) : CoreViewModel<RecordFormState>(RecordFormState(), scope) {
    /** Draft saves go one at a time, so the first one's id is known to the next. */
    private val saves = Mutex()

    /** Loads the kinds, the case and its forms in progress; with [amend], starts from that record. */
    fun load(amend: RecordView? = null): Job = launch {
        val kinds = repo.recordKinds()
        val case = repo.caseDetail(caseId)
        val drafts = repo.formDrafts(caseId)
        update {
            it.copy(
                kinds = kinds.valueOrNull() ?: it.kinds,
                case = case.valueOrNull() ?: it.case,
                drafts = drafts.valueOrNull() ?: it.drafts,
                error = kinds.errorOrNull() ?: case.errorOrNull() ?: drafts.errorOrNull(),
            )
        }
        if (amend != null) open(amend.kind, amend.fields, record = amend)
    }

    /** Starts a new record of kind [code], with what the core fills from the case. */
    fun selectKind(code: String): Job = launch {
        when (val defaults = repo.formDefaults(caseId, code)) {
            is Outcome.Ok -> open(code, defaults.value)
            is Outcome.Failed -> update { it.copy(error = defaults.error) }
        }
    }

    /** Starts a record of [kind] from the core's filled-in example (demo and training). */
    fun fillSample(kind: String): Job = launch {
        when (val sample = repo.sampleRecordFields(caseId, kind)) {
            is Outcome.Ok -> open(kind, sample.value)
            is Outcome.Failed -> update { it.copy(error = sample.error) }
        }
    }

    /** Goes on with a form in progress. */
    fun resume(draft: FormDraftView): Job = launch {
        val record = draft.amends?.let { id -> repo.caseDetail(caseId).valueOrNull()?.records?.firstOrNull { it.id == id } }
        open(draft.kind, draft.fields, record = record, draftId = draft.id)
        problems(draft.problems)
    }

    /** Sets the value at [path] (an empty value clears it), and saves the draft. */
    fun edit(path: String, value: FieldValue): Job {
        update { s ->
            val values = if (value is FieldValue.Empty) s.values - path else s.values + (path to value)
            s.copy(values = values, fieldErrors = s.fieldErrors - path)
        }
        return saveDraft()
    }

    /** Adds an item to the list at [list] (up to its maximum), and saves the draft. */
    fun addItem(list: String): Job {
        update { s ->
            val row = s.rows.firstOrNull { it.path == list && it.kind == RowKind.LIST } ?: return@update s
            val max = row.field.maxItems?.toInt() ?: Int.MAX_VALUE
            if (row.items >= max) s else s.copy(addedItems = s.addedItems + (list to row.items + 1))
        }
        return saveDraft()
    }

    /** Removes item [index] of the list at [list]; the items after it move up. Saves the draft. */
    fun removeItem(list: String, index: Int): Job {
        update { s ->
            val count = itemCounts(s.values, s.addedItems)[list] ?: return@update s
            s.copy(
                values = removeItem(s.values, list, index),
                addedItems = s.addedItems + (list to count - 1),
                fieldErrors = emptyMap(),
            )
        }
        return saveDraft()
    }

    /** Throws the form in progress away. */
    fun discard(): Job = launch {
        val id = state.value.draftId ?: return@launch
        repo.discardFormDraft(id)
        update { it.copy(draftId = null, schema = null, values = emptyMap(), addedItems = emptyMap()) }
    }

    /**
     * Saves the form as a record: a new draft record the first time, then an amendment (a new
     * version) with [reason], which the core requires for every amendment.
     */
    fun save(reason: String = ""): Job = launch {
        update { it.copy(saving = true, error = null, fieldErrors = emptyMap()) }
        val id = writeDraft() ?: return@launch update { it.copy(saving = false) }
        when (val saved = repo.saveDraftAsRecord(id, reason)) {
            is Outcome.Ok -> update { it.copy(saving = false, record = saved.value, draftId = null) }
            is Outcome.Failed -> failed(saved.error)
        }
    }

    /** Finalizes the saved record: the core checks it against the regulation and adds its slots. */
    fun finalizeRecord(): Job = launch {
        val record = state.value.record ?: return@launch
        update { it.copy(saving = true, error = null, fieldErrors = emptyMap()) }
        when (val done = repo.finalizeRecord(record.id)) {
            is Outcome.Ok -> update { it.copy(saving = false, record = done.value) }
            is Outcome.Failed -> failed(done.error)
        }
    }

    fun dismissError() = update { it.copy(error = null) }

    private suspend fun open(
        kind: String,
        fields: List<FieldEntry>,
        record: RecordView? = null,
        draftId: String? = null,
    ) {
        when (val schema = repo.formSchema(kind)) {
            is Outcome.Failed -> update { it.copy(error = schema.error) }
            is Outcome.Ok -> update {
                it.copy(
                    schema = schema.value,
                    values = fields.associate { e -> e.path to e.value },
                    addedItems = emptyMap(),
                    draftId = draftId,
                    fieldErrors = emptyMap(),
                    error = null,
                    record = record,
                )
            }
        }
    }

    private fun saveDraft(): Job = launch { writeDraft() }

    /** Saves the shown values to the draft (creating it the first time); its id, or null on failure. */
    private suspend fun writeDraft(): String? = saves.withLock {
        val s = state.value
        val kind = s.kind ?: return null
        val target = s.record?.let { DraftFor.Amendment(it.id) } ?: DraftFor.NewRecord(caseId, kind)
        when (val saved = repo.saveFormDraft(s.draftId, target, s.entries)) {
            is Outcome.Ok -> {
                update { it.copy(draftId = saved.value.id) }
                saved.value.id
            }
            is Outcome.Failed -> {
                update { it.copy(error = saved.error) }
                null
            }
        }
    }

    private fun failed(error: UiError) = update { s ->
        val rows = s.rows
        val onFields = error.problems.mapNotNull { p -> rowFor(rows, p.path)?.let { it to UiText.Core(p.message) } }
        if (error.kind == ErrorKind.INVALID && onFields.size == error.problems.size && onFields.isNotEmpty()) {
            s.copy(saving = false, fieldErrors = onFields.toMap())
        } else {
            s.copy(saving = false, fieldErrors = onFields.toMap(), error = error)
        }
    }

    private fun problems(problems: List<FieldProblem>) = update { s ->
        val rows = s.rows
        s.copy(fieldErrors = problems.mapNotNull { p -> rowFor(rows, p.path)?.let { it to UiText.Core(p.message) } }.toMap())
    }
}
