/**
 * The record form: pick a kind, fill the fields generated from its template, save the draft (an
 * amendment asks for its reason), finalize. Each field shows the core's label, its JSON path in
 * small print below; errors from the core appear under their field.
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
import androidx.compose.material3.Button
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.casetrail.RecordView
import org.casetrail.client.CaseTrailRepository
import org.casetrail.client.FieldType
import org.casetrail.client.FormField
import org.casetrail.client.RecordFormViewModel

@Composable
fun RecordFormScreen(repo: CaseTrailRepository, caseId: String, amend: RecordView?, back: () -> Unit) {
    val vm = coreViewModel { RecordFormViewModel(repo, caseId, it) }
    val state by vm.state.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { if (vm.state.value.kinds.isEmpty()) vm.load(amend) }
    var reason by rememberSaveable { mutableStateOf("") }
    val title = state.kinds.firstOrNull { it.code == state.kind }?.label ?: stringResource(R.string.record_form_title)

    ScreenFrame(title = title, onBack = back) { padding ->
        LazyColumn(Modifier.padding(padding).padding(horizontal = 16.dp)) {
            item { ErrorBanner(state.error, vm::dismissError) }
            if (state.kind == null) {
                item { SectionTitle(stringResource(R.string.record_kind)) }
                items(state.kinds, key = { it.code }) { k ->
                    ListItem(headlineContent = { Text(k.label) }, modifier = Modifier.clickable { vm.selectKind(k.code) })
                }
                return@LazyColumn
            }
            item {
                state.kind?.let { kind ->
                    if (state.record == null) TextButton(onClick = { vm.fillSample(kind) }) { Text(stringResource(R.string.record_fill_sample)) }
                }
            }
            items(state.fields, key = { it.path }) { f ->
                Field(f, state.fieldErrors[f.path]?.resolve()) { vm.edit(f.path, it) }
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
}

/**
 * One field, edited as its type says, under the core's label; below it the error (the core's
 * words), or else the JSON path when it differs from the label.
 */
@Composable
private fun Field(f: FormField, error: String?, onChange: (String) -> Unit) {
    val below = error ?: f.path.takeIf { it != f.label }
    if (f.type == FieldType.FLAG) {
        Row(verticalAlignment = Alignment.CenterVertically, modifier = Modifier.fillMaxWidth()) {
            Column(Modifier.weight(1f)) {
                Text(f.label)
                if (below != null) {
                    val color = if (error != null) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurfaceVariant
                    Text(below, color = color, style = MaterialTheme.typography.bodySmall)
                }
            }
            Switch(checked = f.value == "true", onCheckedChange = { onChange(it.toString()) })
        }
        return
    }
    OutlinedTextField(
        value = f.value,
        onValueChange = onChange,
        label = { Text(f.label) },
        isError = error != null,
        supportingText = below?.let { { Text(it) } },
        singleLine = f.type != FieldType.VALUE,
        keyboardOptions = if (f.type == FieldType.NUMBER) KeyboardOptions(keyboardType = KeyboardType.Decimal) else KeyboardOptions.Default,
        modifier = Modifier.fillMaxWidth().padding(vertical = 2.dp),
    )
}
