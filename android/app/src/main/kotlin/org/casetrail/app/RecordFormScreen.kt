/**
 * The record form: pick a kind (or go on with a form in progress), fill the rows the core's form
 * schema gives for it, save (an amendment asks for its reason), finalize. Every kind is rendered
 * by the same code: a row is edited as its field's kind says, lists grow and shrink within the
 * schema's bounds, groups are headings with their fields indented under them. The form is saved
 * as a draft on every change; the core's problems appear under the row they concern.
 */
package org.casetrail.app

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.DatePicker
import androidx.compose.material3.DatePickerDialog
import androidx.compose.material3.DropdownMenuItem
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.ExposedDropdownMenuBox
import androidx.compose.material3.ExposedDropdownMenuDefaults
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.MenuAnchorType
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.TimePicker
import androidx.compose.material3.rememberDatePickerState
import androidx.compose.material3.rememberTimePickerState
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import java.time.Instant
import java.time.LocalDate
import java.time.LocalDateTime
import java.time.LocalTime
import java.time.ZoneId
import java.time.ZoneOffset
import java.time.format.DateTimeFormatter
import org.casetrail.CaseDetail
import org.casetrail.Choice
import org.casetrail.FieldKind
import org.casetrail.FieldValue
import org.casetrail.RecordView
import org.casetrail.client.CaseTrailRepository
import org.casetrail.client.FormRow
import org.casetrail.client.RecordFormViewModel
import org.casetrail.client.RowKind

@Composable
fun RecordFormScreen(repo: CaseTrailRepository, caseId: String, amend: RecordView?, back: () -> Unit) {
    val vm = coreViewModel { RecordFormViewModel(repo, caseId, it) }
    val state by vm.state.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { if (vm.state.value.kinds.isEmpty()) vm.load(amend) }
    var reason by rememberSaveable { mutableStateOf("") }
    var discarding by rememberSaveable { mutableStateOf(false) }
    val title = state.schema?.label ?: stringResource(R.string.record_form_title)

    ScreenFrame(
        title = title,
        onBack = back,
        actions = {
            if (state.schema != null && state.draftId != null) {
                TextButton(onClick = { discarding = true }) { Text(stringResource(R.string.record_discard)) }
            }
        },
    ) { padding ->
        LazyColumn(Modifier.padding(padding).padding(horizontal = 16.dp)) {
            item { ErrorBanner(state.error, vm::dismissError) }
            if (state.schema == null) {
                // Forms left unfinished (the app closed, the phone restarted): go on with one.
                if (state.drafts.isNotEmpty()) {
                    item { SectionTitle(stringResource(R.string.record_drafts)) }
                    items(state.drafts, key = { it.id }) { d ->
                        ListItem(
                            headlineContent = { Text(d.kindLabel) },
                            supportingContent = {
                                val amends = if (d.amends != null) " · " + stringResource(R.string.record_draft_amends) else ""
                                Text(stringResource(R.string.record_draft_saved, moment(d.updatedAt)) + amends)
                            },
                            modifier = Modifier.clickable { vm.resume(d) },
                        )
                    }
                }
                item { SectionTitle(stringResource(R.string.record_kind)) }
                items(state.kinds, key = { it.code }) { k ->
                    ListItem(headlineContent = { Text(k.label) }, modifier = Modifier.clickable { vm.selectKind(k.code) })
                }
                return@LazyColumn
            }
            item {
                val kind = state.kind
                if (kind != null && state.record == null) {
                    TextButton(onClick = { vm.fillSample(kind) }) { Text(stringResource(R.string.record_fill_sample)) }
                }
            }
            state.sections.forEach { (sectionTitle, rows) ->
                if (rows.isEmpty()) return@forEach
                item { SectionTitle(sectionTitle) }
                items(rows, key = { "${it.kind}:${it.path}" }) { row ->
                    FormRowView(row, state.case, state.majorCase, state.values[row.path], state.fieldErrors[row.path]?.resolve(), vm)
                }
            }
            item {
                val record = state.record
                if (record != null) {
                    Text(stringResource(R.string.record_saved, record.version.toInt(), record.statusLabel))
                    OutlinedTextField(
                        reason,
                        { reason = it },
                        label = { Text(stringResource(R.string.record_amend_reason)) },
                        modifier = Modifier.fillMaxWidth(),
                    )
                }
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp), modifier = Modifier.padding(vertical = 12.dp)) {
                    Button(onClick = { vm.save(reason) }, enabled = state.canSave) { Text(stringResource(R.string.record_save)) }
                    Button(onClick = { vm.finalizeRecord() }, enabled = state.canFinalize) { Text(stringResource(R.string.record_finalize)) }
                }
            }
        }
    }

    if (discarding) {
        AlertDialog(
            onDismissRequest = { discarding = false },
            title = { Text(stringResource(R.string.record_discard)) },
            text = { Text(stringResource(R.string.record_discard_confirm)) },
            confirmButton = {
                TextButton(onClick = {
                    discarding = false
                    // Back to the kinds and the forms still in progress, without this one.
                    vm.discard().invokeOnCompletion { vm.load() }
                }) { Text(stringResource(R.string.record_discard)) }
            },
            dismissButton = { TextButton(onClick = { discarding = false }) { Text(stringResource(R.string.cancel)) } },
        )
    }
}

/** `qa[2]` → (`qa`, 2): the list and index of an item row; null for any other row. */
private fun itemOf(path: String): Pair<String, Int>? =
    Regex("^(.*)\\[(\\d+)]$").find(path)?.let { it.groupValues[1] to it.groupValues[2].toInt() }

/**
 * One row of the form, indented by its depth: a heading for a group or a list (with add and
 * remove), else the editor its field's kind calls for. Under it: the help, the articles that
 * require it, and the core's problem if there is one.
 */
@Composable
private fun FormRowView(
    row: FormRow,
    case: CaseDetail?,
    majorCase: Boolean,
    value: FieldValue?,
    error: String?,
    vm: RecordFormViewModel,
) {
    val f = row.field
    val required = row.required(majorCase)
    val label = if (required) "${f.label} *" else f.label
    val item = itemOf(row.path)
    Column(Modifier.fillMaxWidth().padding(start = (row.depth * 16).dp, top = 2.dp, bottom = 2.dp)) {
        Row(verticalAlignment = Alignment.CenterVertically, modifier = Modifier.fillMaxWidth()) {
            Column(Modifier.weight(1f)) {
                when (row.kind) {
                    RowKind.LIST -> Text(stringResource(R.string.form_list_count, label, row.items), style = MaterialTheme.typography.titleSmall)
                    RowKind.GROUP ->
                        Text(if (item != null) "${f.label} ${item.second + 1}" else label, style = MaterialTheme.typography.titleSmall)
                    RowKind.VALUE -> Editor(row, if (item != null) "${f.label} ${item.second + 1}" else label, case, value, error != null) {
                        vm.edit(row.path, it)
                    }
                }
            }
            if (row.kind == RowKind.LIST) {
                val max = f.maxItems?.toInt() ?: Int.MAX_VALUE
                TextButton(onClick = { vm.addItem(row.path) }, enabled = row.items < max) { Text(stringResource(R.string.form_add)) }
            }
            if (item != null) {
                TextButton(onClick = { vm.removeItem(item.first, item.second) }) { Text(stringResource(R.string.form_remove)) }
            }
        }
        // Help and the articles once per field: on its row, not on each item of its list.
        if (item == null) {
            if (f.help.isNotBlank()) Text(f.help, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
            if (required && f.requiredBy.isNotEmpty()) {
                Text(
                    stringResource(R.string.form_required_by, f.requiredBy.joinToString("；")),
                    style = MaterialTheme.typography.bodySmall,
                    color = MaterialTheme.colorScheme.onSurfaceVariant,
                )
            }
        }
        if (error != null) Text(error, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodySmall)
    }
}

/** The editor of a value row, by its field's kind; [onChange] gets [FieldValue.Empty] to clear it. */
@Composable
private fun Editor(row: FormRow, label: String, case: CaseDetail?, value: FieldValue?, isError: Boolean, onChange: (FieldValue) -> Unit) {
    val f = row.field
    when (f.kind) {
        FieldKind.TEXT, FieldKind.ADDRESS, FieldKind.LONG_TEXT -> OutlinedTextField(
            value = (value as? FieldValue.Text)?.value.orEmpty(),
            onValueChange = { onChange(if (it.isEmpty()) FieldValue.Empty else FieldValue.Text(it)) },
            label = { Text(label) },
            isError = isError,
            singleLine = f.kind != FieldKind.LONG_TEXT,
            minLines = if (f.kind == FieldKind.LONG_TEXT) 3 else 1,
            modifier = Modifier.fillMaxWidth(),
        )
        FieldKind.INTEGER -> NumberEditor(row.path, label, (value as? FieldValue.Integer)?.value?.toString(), false, isError, onChange) { text ->
            text.toLongOrNull()?.let { FieldValue.Integer(it) }
        }
        FieldKind.DECIMAL -> NumberEditor(row.path, label, (value as? FieldValue.Decimal)?.value?.toString(), true, isError, onChange) { text ->
            text.toDoubleOrNull()?.takeIf { it.isFinite() }?.let { FieldValue.Decimal(it) }
        }
        FieldKind.DATE -> DateEditor(label, value as? FieldValue.Date, isError, onChange)
        FieldKind.DATE_TIME -> DateTimeEditor(label, (value as? FieldValue.Instant)?.value, isError, onChange)
        FieldKind.YES_NO -> Row(verticalAlignment = Alignment.CenterVertically, modifier = Modifier.fillMaxWidth()) {
            Text(label, modifier = Modifier.weight(1f))
            Switch(checked = (value as? FieldValue.YesNo)?.value == true, onCheckedChange = { onChange(FieldValue.YesNo(it)) })
        }
        FieldKind.CHOICE -> Picker(label, f.choices, value, isError, onChange)
        FieldKind.PARTY -> Picker(label, case?.parties.orEmpty().map { Choice(it.id, it.name) }, value, isError, onChange)
        FieldKind.OFFICER_CERTIFICATE ->
            Picker(label, case?.officers.orEmpty().map { Choice(it.certNo, "${it.name}（${it.certNo}）") }, value, isError, onChange)
        FieldKind.EVIDENCE -> Picker(
            label,
            case?.evidence.orEmpty().map { Choice(it.id, "${it.kind} · ${day(it.capturedAt)} · ${it.sha256.take(8)}") },
            value,
            isError,
            onChange,
        )
        FieldKind.RECORD ->
            Picker(label, case?.records.orEmpty().map { Choice(it.id, "${it.kindLabel} · v${it.version}") }, value, isError, onChange)
        // Composite fields are headings (GROUP rows), never value rows.
        FieldKind.PERSON, FieldKind.GROUP -> Text(label)
    }
}

/**
 * A number typed as text: what is typed stays as typed (`-`, `1.`) and the value is set when it
 * parses; otherwise the app's "enter a number" shows. A value changed from elsewhere (a sample,
 * a draft resumed, an item removed above) replaces the text.
 */
@Composable
private fun NumberEditor(
    path: String,
    label: String,
    current: String?,
    decimal: Boolean,
    isError: Boolean,
    onChange: (FieldValue) -> Unit,
    parse: (String) -> FieldValue?,
) {
    var text by rememberSaveable(path) { mutableStateOf(current.orEmpty()) }
    LaunchedEffect(current) {
        val typed = parse(text)
        if (typed != current?.let(parse) && !(current == null && typed == null)) text = current.orEmpty()
    }
    val bad = text.isNotEmpty() && parse(text) == null
    OutlinedTextField(
        value = text,
        onValueChange = {
            text = it
            val parsed = if (it.isEmpty()) FieldValue.Empty else parse(it)
            if (parsed != null) onChange(parsed)
        },
        label = { Text(label) },
        isError = isError || bad,
        supportingText = if (bad) ({ Text(stringResource(R.string.msg_bad_number)) }) else null,
        singleLine = true,
        keyboardOptions = KeyboardOptions(keyboardType = if (decimal) KeyboardType.Decimal else KeyboardType.Number),
        modifier = Modifier.fillMaxWidth(),
    )
}

/** A pick-list as a dropdown: the codes with their labels; the first entry clears the value. */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
private fun Picker(label: String, options: List<Choice>, value: FieldValue?, isError: Boolean, onChange: (FieldValue) -> Unit) {
    var open by remember { mutableStateOf(false) }
    val code = (value as? FieldValue.Text)?.value
    val shown = options.firstOrNull { it.code == code }?.label ?: code.orEmpty()
    ExposedDropdownMenuBox(expanded = open, onExpandedChange = { open = it }) {
        OutlinedTextField(
            value = shown,
            onValueChange = {},
            readOnly = true,
            label = { Text(label) },
            isError = isError,
            trailingIcon = { ExposedDropdownMenuDefaults.TrailingIcon(expanded = open) },
            modifier = Modifier.menuAnchor(MenuAnchorType.PrimaryNotEditable).fillMaxWidth(),
        )
        ExposedDropdownMenu(expanded = open, onDismissRequest = { open = false }) {
            DropdownMenuItem(text = { Text("—") }, onClick = {
                open = false
                onChange(FieldValue.Empty)
            })
            options.forEach { option ->
                DropdownMenuItem(text = { Text(option.label) }, onClick = {
                    open = false
                    onChange(FieldValue.Text(option.code))
                })
            }
        }
    }
}

private fun FieldValue.Date.toLocalDate(): LocalDate? =
    runCatching { LocalDate.of(year, month.toInt(), day.toInt()) }.getOrNull()

/** The picker's UTC-midnight millis → the calendar date picked. */
private fun pickedDate(millis: Long): LocalDate = Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC).toLocalDate()

private fun LocalDate.pickerMillis(): Long = atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli()

/** A read-only field showing the value, with a button that opens the picker. */
@Composable
private fun PickedField(label: String, shown: String, isError: Boolean, onPick: () -> Unit, onClear: () -> Unit) {
    Row(verticalAlignment = Alignment.CenterVertically, modifier = Modifier.fillMaxWidth()) {
        OutlinedTextField(
            value = shown,
            onValueChange = {},
            readOnly = true,
            label = { Text(label) },
            isError = isError,
            singleLine = true,
            modifier = Modifier.weight(1f),
        )
        TextButton(onClick = onPick) { Text(stringResource(R.string.form_pick)) }
        if (shown.isNotEmpty()) TextButton(onClick = onClear) { Text(stringResource(R.string.form_clear)) }
    }
}

/** A calendar date (yyyy-MM-dd), picked from a calendar. */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
private fun DateEditor(label: String, value: FieldValue.Date?, isError: Boolean, onChange: (FieldValue) -> Unit) {
    var picking by remember { mutableStateOf(false) }
    val date = value?.toLocalDate()
    PickedField(label, date?.toString().orEmpty(), isError, { picking = true }, { onChange(FieldValue.Empty) })
    if (picking) {
        val picker = rememberDatePickerState(initialSelectedDateMillis = date?.pickerMillis())
        DatePickerDialog(
            onDismissRequest = { picking = false },
            confirmButton = {
                TextButton(onClick = {
                    picking = false
                    picker.selectedDateMillis?.let(::pickedDate)?.let {
                        onChange(FieldValue.Date(it.year, it.monthValue.toUInt(), it.dayOfMonth.toUInt()))
                    }
                }) { Text(stringResource(R.string.form_ok)) }
            },
            dismissButton = { TextButton(onClick = { picking = false }) { Text(stringResource(R.string.cancel)) } },
        ) { DatePicker(picker) }
    }
}

private val MOMENT: DateTimeFormatter = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")

/** An instant as the phone's local date and time. */
fun moment(instant: Instant): String = instant.atZone(ZoneId.systemDefault()).format(MOMENT)

/** An instant: a date, then a time of day, in the phone's time zone. */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
private fun DateTimeEditor(label: String, value: Instant?, isError: Boolean, onChange: (FieldValue) -> Unit) {
    val zone = ZoneId.systemDefault()
    val local = value?.atZone(zone)?.toLocalDateTime()
    // 0: closed, 1: picking the date, 2: picking the time of [pickedDay].
    var step by remember { mutableStateOf(0) }
    var pickedDay by remember { mutableStateOf<LocalDate?>(null) }
    PickedField(label, value?.let(::moment).orEmpty(), isError, { step = 1 }, { onChange(FieldValue.Empty) })
    if (step == 1) {
        val picker = rememberDatePickerState(initialSelectedDateMillis = local?.toLocalDate()?.pickerMillis())
        DatePickerDialog(
            onDismissRequest = { step = 0 },
            confirmButton = {
                TextButton(onClick = {
                    pickedDay = picker.selectedDateMillis?.let(::pickedDate)
                    step = if (pickedDay != null) 2 else 0
                }) { Text(stringResource(R.string.form_next)) }
            },
            dismissButton = { TextButton(onClick = { step = 0 }) { Text(stringResource(R.string.cancel)) } },
        ) { DatePicker(picker) }
    }
    val day = pickedDay
    if (step == 2 && day != null) {
        val clock = rememberTimePickerState(initialHour = local?.hour ?: 0, initialMinute = local?.minute ?: 0, is24Hour = true)
        AlertDialog(
            onDismissRequest = { step = 0 },
            text = { TimePicker(clock) },
            confirmButton = {
                TextButton(onClick = {
                    step = 0
                    val at = LocalDateTime.of(day, LocalTime.of(clock.hour, clock.minute)).atZone(zone).toInstant()
                    onChange(FieldValue.Instant(at))
                }) { Text(stringResource(R.string.form_ok)) }
            },
            dismissButton = { TextButton(onClick = { step = 0 }) { Text(stringResource(R.string.cancel)) } },
        )
    }
}
