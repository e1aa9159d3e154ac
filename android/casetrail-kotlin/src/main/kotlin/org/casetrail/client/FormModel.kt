/**
 * A record form as a screen renders it, worked out from the core's form schema alone: no kind
 * has code of its own here, and no rule, list or default is copied from the core.
 *
 * The schema's fields come flat, each naming its parent; [rowsOf] expands them into the rows a
 * screen shows for the values at hand — a list's items, a group's or person's fields under it,
 * and only the fields whose relevance holds. Values are kept by concrete path (`qa[0].answer`,
 * `officers[1]`, `interviewee.name`), the paths the core's entries and problems use.
 */
package org.casetrail.client

import org.casetrail.FieldKind
import org.casetrail.FieldNeed
import org.casetrail.FieldRelevance
import org.casetrail.FieldValue
import org.casetrail.FormFieldView
import org.casetrail.FormSchemaView

/** What a row of the form is. */
enum class RowKind {
    /** A value to edit. */
    VALUE,

    /** The heading of a group or person; its fields follow, one level deeper. */
    GROUP,

    /** The heading of a list, with its item count; add or remove items here. */
    LIST,
}

/**
 * One row: the field of the schema at a concrete [path], how deep it sits, and for a [RowKind.LIST]
 * how many items it has.
 */
data class FormRow(
    val path: String,
    val field: FormFieldView,
    val kind: RowKind,
    val depth: Int,
    val items: Int = 0,
) {
    /** Whether the row must be filled to finalize, on this case. */
    fun required(majorCase: Boolean): Boolean = needed(field, majorCase)

    val isComposite: Boolean get() = this.field.kind == FieldKind.PERSON || this.field.kind == FieldKind.GROUP
}

/** Whether [field] must be filled to finalize (given its parent is, for a field inside a group). */
fun needed(field: FormFieldView, majorCase: Boolean): Boolean =
    when (field.need) {
        FieldNeed.REQUIRED, FieldNeed.REQUIRED_IF_RELEVANT, FieldNeed.REQUIRED_IN_GROUP -> true
        FieldNeed.REQUIRED_IF_MAJOR -> majorCase
        FieldNeed.OPTIONAL -> false
    }

/** The schema's fields by the path of their parent (`null`: top level), in order. */
class SchemaIndex(val schema: FormSchemaView) {
    private val all = schema.sections.flatMap { s -> s.fields.map { s.id to it } }
    private val byParent = all.groupBy({ it.second.parent }, { it.second })

    /** The fields directly under [parent] (`null`: the top level), in order. */
    fun children(parent: String?): List<FormFieldView> = byParent[parent].orEmpty()

    /** The top-level fields of section [id]. */
    fun topOf(id: String): List<FormFieldView> = all.filter { it.first == id && it.second.parent == null }.map { it.second }

    /** The field of the schema at a concrete [path] (`qa[0].answer` → `qa[].answer`). */
    fun fieldAt(path: String): FormFieldView? {
        val schemaPath = path.replace(Regex("\\[\\d+]"), "[]")
        return all.firstOrNull { it.second.path == schemaPath }?.second
    }
}

/** How many items each list has: the highest index among [values] plus one, or [explicit] if more. */
fun itemCounts(values: Map<String, FieldValue>, explicit: Map<String, Int> = emptyMap()): Map<String, Int> {
    val counts = HashMap(explicit)
    val index = Regex("\\[(\\d+)]")
    for (path in values.keys) {
        for (m in index.findAll(path)) {
            val list = path.substring(0, m.range.first)
            val n = m.groupValues[1].toInt() + 1
            if ((counts[list] ?: 0) < n) counts[list] = n
        }
    }
    return counts
}

/** Whether [field], inside [prefix] (a concrete path, "" at the top), is shown given [values]. */
fun relevant(field: FormFieldView, prefix: String, values: Map<String, FieldValue>, majorCase: Boolean): Boolean {
    fun at(path: String): FieldValue? =
        (if (prefix.isEmpty()) null else values["$prefix.$path"]) ?: values[path]
    return when (val r = field.relevant) {
        is FieldRelevance.Always -> true
        is FieldRelevance.MajorCase -> majorCase
        is FieldRelevance.Equals -> (at(r.path) as? FieldValue.Text)?.value in r.anyOf
        is FieldRelevance.IsTrue -> (at(r.path) as? FieldValue.YesNo)?.value == true
    }
}

/** The rows a screen shows for section [sectionId], for these values and item counts. */
fun rowsOf(
    index: SchemaIndex,
    sectionId: String,
    values: Map<String, FieldValue>,
    items: Map<String, Int>,
    majorCase: Boolean,
): List<FormRow> {
    val out = ArrayList<FormRow>()
    fun expand(f: FormFieldView, prefix: String, depth: Int) {
        if (!relevant(f, prefix, values, majorCase)) return
        val path = if (prefix.isEmpty()) f.name else "$prefix.${f.name}"
        val composite = f.kind == FieldKind.PERSON || f.kind == FieldKind.GROUP
        if (f.maxItems != null) {
            val n = items[path] ?: 0
            out += FormRow(path, f, RowKind.LIST, depth, n)
            for (i in 0 until n) {
                val item = "$path[$i]"
                if (composite) {
                    out += FormRow(item, f, RowKind.GROUP, depth + 1)
                    index.children(f.path).forEach { expand(it, item, depth + 2) }
                } else {
                    out += FormRow(item, f, RowKind.VALUE, depth + 1)
                }
            }
        } else if (composite) {
            out += FormRow(path, f, RowKind.GROUP, depth)
            index.children(f.path).forEach { expand(it, path, depth + 1) }
        } else {
            out += FormRow(path, f, RowKind.VALUE, depth)
        }
    }
    index.topOf(sectionId).forEach { expand(it, "", 0) }
    return out
}

/** The values of [rows] only: what is shown is what is saved (a hidden field's value is dropped). */
fun shownValues(rows: List<FormRow>, values: Map<String, FieldValue>): Map<String, FieldValue> {
    val shown = rows.filter { it.kind == RowKind.VALUE }.map { it.path }.toSet()
    return values.filterKeys { it in shown }
}

/**
 * [values] with item [index] of the list at [list] removed: the items after it move up one, so
 * paths stay numbered from 0 without gaps.
 */
fun removeItem(values: Map<String, FieldValue>, list: String, index: Int): Map<String, FieldValue> {
    val prefix = "$list["
    val out = LinkedHashMap<String, FieldValue>()
    for ((path, v) in values) {
        if (!path.startsWith(prefix)) {
            out[path] = v
            continue
        }
        val close = path.indexOf(']', prefix.length)
        val i = path.substring(prefix.length, close).toIntOrNull() ?: continue
        when {
            i < index -> out[path] = v
            i > index -> out["$list[${i - 1}]${path.substring(close + 1)}"] = v
        }
    }
    return out
}

/** The row a problem at [problemPath] shows under: that row, or the nearest shown one above it. */
fun rowFor(rows: List<FormRow>, problemPath: String): String? =
    rows.map { it.path }
        .filter { problemPath == it || problemPath.startsWith("$it.") || problemPath.startsWith("$it[") }
        .maxByOrNull { it.length }
