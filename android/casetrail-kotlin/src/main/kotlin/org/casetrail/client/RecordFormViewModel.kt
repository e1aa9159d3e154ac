/**
 * The record form (文书/笔录): pick a kind, fill the fields of its empty template, save it as a
 * draft (or amend an existing record, with the reason), finalize it.
 *
 * The form is generated from the kind's template JSON: every scalar, at any depth of nested
 * objects, is one field named by its dotted path (`interviewee.name`), which is how the core names
 * the field of a validation error, so an error lands next to its field. Each field is shown under
 * the core's label for its path (被询问人 › 姓名/名称), looked up once per path when the form loads
 * (every kind's template) or takes a new body (a sample, the amended record). Lists and
 * not-yet-filled objects are edited as JSON (or plain text, for a date). The rules themselves stay
 * in the core: the form only checks what it must to build the JSON.
 */
package org.casetrail.client

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import org.casetrail.KindView
import org.casetrail.RecordView

/** How a field is edited. */
enum class FieldType {
    /** Text. */
    TEXT,

    /** A yes/no switch; the value is `true` or `false`. */
    FLAG,

    /** A number. */
    NUMBER,

    /** Anything else: a list or object as JSON, a date as text; blank is null. */
    VALUE,
}

/**
 * One field of the form: [path] is its dotted JSON path (the key of [RecordFormState.fieldErrors]),
 * [label] the core's label for it in the workspace's language, or the path if there is none yet.
 */
data class FormField(val path: String, val type: FieldType, val value: String, val label: String = path)

data class RecordFormState(
    val kinds: List<KindView> = emptyList(),
    val kind: String? = null,
    /** The body the fields were taken from (template, sample or the amended record). */
    val base: Json = Json.Obj(emptyMap()),
    val fields: List<FormField> = emptyList(),
    /** The core's labels of the field paths met so far, by path. */
    val labels: Map<String, String> = emptyMap(),
    /** Errors by field path (a path of [fields]). */
    val fieldErrors: Map<String, UiText> = emptyMap(),
    /** An error that belongs to no field. */
    val error: UiError? = null,
    val saving: Boolean = false,
    /** The record as saved (draft), then finalized. */
    val record: RecordView? = null,
) {
    /** Saving again amends [record] (a finalized one becomes a new draft version). */
    val canSave: Boolean get() = kind != null && !saving
    val canFinalize: Boolean get() = record?.status == "draft" && !saving
}

class RecordFormViewModel(
    private val repo: CaseTrailRepository,
    val caseId: String,
    scope: CoroutineScope,
) : CoreViewModel<RecordFormState>(RecordFormState(), scope) {

    /**
     * Loads the kinds and the labels of their templates' fields (and of [amend]'s); with [amend],
     * starts from that record's body instead of a template.
     */
    fun load(amend: RecordView? = null): Job = launch {
        when (val kinds = repo.recordKinds()) {
            is Outcome.Failed -> update { it.copy(error = kinds.error) }
            is Outcome.Ok -> {
                learnLabels(kinds.value.map { it.templateJson } + listOfNotNull(amend?.contentJson))
                update { it.copy(kinds = kinds.value) }
                if (amend != null) fill(amend.kind, amend.contentJson, amend)
            }
        }
    }

    /** Starts a new record of kind [code] from its empty template. */
    fun selectKind(code: String) {
        val kind = state.value.kinds.firstOrNull { it.code == code } ?: return
        fill(kind.code, kind.templateJson, null)
    }

    /**
     * Starts a record of [kind] from the core's filled-in example for this case (demo and
     * training; kinds without one get their empty form).
     */
    fun fillSample(kind: String): Job = launch {
        when (val sample = repo.sampleRecordJson(caseId, kind)) {
            is Outcome.Ok -> {
                learnLabels(listOf(sample.value))
                fill(kind, sample.value, null)
            }
            is Outcome.Failed -> update { it.copy(error = sample.error) }
        }
    }

    /** Sets the field at [path] to [value] (`true`/`false` for a [FieldType.FLAG]). */
    fun edit(path: String, value: String) = update { s ->
        s.copy(
            fields = s.fields.map { if (it.path == path) it.copy(value = value) else it },
            fieldErrors = s.fieldErrors - path,
        )
    }

    /**
     * Saves the form: a new draft the first time, then an amendment (a new version) with
     * [reason], which the core requires for every amendment.
     */
    fun save(reason: String = ""): Job = launch {
        val s = state.value
        val kind = s.kind ?: return@launch
        val (body, errors) = build(s.base, s.fields)
        if (errors.isNotEmpty()) {
            update { it.copy(fieldErrors = errors) }
            return@launch
        }
        update { it.copy(saving = true, error = null, fieldErrors = emptyMap()) }
        val json = body.render()
        val record = s.record
        val saved = if (record == null) repo.addRecord(caseId, kind, json) else repo.amendRecord(record.id, json, reason)
        finish(saved)
    }

    /** Finalizes the saved draft: the core checks it against the regulation and adds its slots. */
    fun finalizeRecord(): Job = launch {
        val record = state.value.record ?: return@launch
        update { it.copy(saving = true, error = null, fieldErrors = emptyMap()) }
        finish(repo.finalizeRecord(record.id))
    }

    fun dismissError() = update { it.copy(error = null) }

    /**
     * Asks the core, once, for the labels of the field paths of [bodies] not labelled yet. A field
     * whose label cannot be had keeps its path: the form stays usable.
     */
    private suspend fun learnLabels(bodies: List<String>) {
        val known = state.value.labels
        val paths = bodies.flatMap { fieldsOf(Json.parseOrNull(it) ?: Json.Null) }.map { it.path }.toSet() - known.keys
        if (paths.isEmpty()) return
        val labels = repo.fieldLabels(paths) as? Outcome.Ok ?: return
        update { it.copy(labels = it.labels + labels.value) }
    }

    private fun fill(kind: String, json: String, record: RecordView?) {
        val base = Json.parseOrNull(json) ?: Json.Obj(emptyMap())
        update {
            it.copy(
                kind = kind,
                base = base,
                fields = fieldsOf(base, it.labels),
                fieldErrors = emptyMap(),
                error = null,
                record = record,
            )
        }
    }

    private fun finish(outcome: Outcome<RecordView>) = update { s ->
        when (outcome) {
            is Outcome.Ok -> s.copy(saving = false, record = outcome.value)
            is Outcome.Failed -> {
                val field = outcome.error.field?.let { fieldFor(s.fields, it) }
                if (outcome.error.kind == ErrorKind.INVALID && field != null) {
                    s.copy(saving = false, fieldErrors = mapOf(field to outcome.error.text))
                } else {
                    s.copy(saving = false, error = outcome.error)
                }
            }
        }
    }
}

/** The form fields of a body: its scalars by dotted path, labelled from [labels] (else the path). */
internal fun fieldsOf(body: Json, labels: Map<String, String> = emptyMap()): List<FormField> {
    val out = ArrayList<FormField>()
    fun walk(v: Json, path: String) {
        if (v is Json.Obj && v.fields.isNotEmpty()) {
            v.fields.forEach { (k, child) -> walk(child, if (path.isEmpty()) k else "$path.$k") }
        } else if (path.isNotEmpty()) {
            val (type, value) = when (v) {
                is Json.Str -> FieldType.TEXT to v.value
                is Json.Bool -> FieldType.FLAG to v.value.toString()
                is Json.Num -> FieldType.NUMBER to v.text
                Json.Null -> FieldType.VALUE to ""
                else -> FieldType.VALUE to v.render()
            }
            out += FormField(path, type, value, labels[path] ?: path)
        }
    }
    walk(body, "")
    return out
}

/** The field an error at [errorPath] belongs to: the field itself, or the nearest enclosing one. */
internal fun fieldFor(fields: List<FormField>, errorPath: String): String? =
    fields
        .map { it.path }
        .filter { errorPath == it || errorPath.startsWith("$it.") || errorPath.startsWith("$it[") }
        .maxByOrNull { it.length }

/** The body with the fields' values put back, or the fields whose text cannot be JSON. */
internal fun build(base: Json, fields: List<FormField>): Pair<Json, Map<String, UiText>> {
    val errors = LinkedHashMap<String, UiText>()
    var body = base
    for (f in fields) {
        val value: Json? = when (f.type) {
            FieldType.TEXT -> Json.Str(f.value)
            FieldType.FLAG -> Json.Bool(f.value.trim() == "true")
            FieldType.NUMBER ->
                if (f.value.isBlank()) Json.Null
                else (Json.parseOrNull(f.value.trim()) as? Json.Num).also {
                    if (it == null) errors[f.path] = UiText.App(Msg.BAD_NUMBER)
                }
            FieldType.VALUE -> valueOf(f.value).also { if (it == null) errors[f.path] = UiText.App(Msg.BAD_JSON) }
        }
        if (value != null) body = body.with(f.path.split('.'), value)
    }
    return body to errors
}

/** A free field: blank is null, JSON is taken as JSON, a bare word or date as text. */
private fun valueOf(text: String): Json? {
    val t = text.trim()
    if (t.isEmpty()) return Json.Null
    Json.parseOrNull(t)?.let { return it }
    return if (t.first() in "[{\"") null else Json.Str(t)
}

private fun Json.with(path: List<String>, value: Json): Json {
    if (path.isEmpty()) return value
    val obj = this as? Json.Obj ?: Json.Obj(emptyMap())
    val key = path.first()
    val child = obj.fields[key] ?: Json.Null
    return Json.Obj(LinkedHashMap(obj.fields).apply { put(key, child.with(path.drop(1), value)) })
}
