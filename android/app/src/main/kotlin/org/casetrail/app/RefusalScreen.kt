/**
 * The refusal sheet (拒签): reason, noting officer, annotation, witness, and the photos or video
 * made there and then. Reasons and relations are the core's pick-lists, labelled by the core.
 * What is still missing is the core's answer (`check_refusal`), listed in its words; an incomplete
 * sheet is not sent. Only audio-visual evidence (`countsAsAvRecord`) is offered.
 */
package org.casetrail.app

import androidx.annotation.StringRes
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.material3.Button
import androidx.compose.material3.Checkbox
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.casetrail.Choice
import org.casetrail.RecordView
import org.casetrail.SlotView
import org.casetrail.client.CaseTrailRepository
import org.casetrail.client.RefusalViewModel

@Composable
fun RefusalScreen(repo: CaseTrailRepository, record: RecordView, slot: SlotView, back: () -> Unit) {
    val vm = coreViewModel { RefusalViewModel(repo, record, slot, it) }
    val state by vm.state.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { vm.load() }
    LaunchedEffect(state.refused) { if (state.refused != null) back() }
    val purpose = stringResource(R.string.refuse_capture_purpose)
    val context = LocalContext.current
    val reader = remember(context) { LocationReader(context) }
    val withLocation = rememberLocationPermission()
    val camera = rememberCamera { file -> file.deleteWhenDone(vm.captureAndAttach(file.path, purpose, locate = reader::current)) }
    // After a try to submit, the core's gaps stand under their fields too; its answer to the submission wins.
    val gaps = if (state.showMissing) state.gaps.orEmpty() else emptyMap()
    val errors = (gaps + state.fieldErrors).mapValues { it.value.resolve() }

    ScreenFrame(title = stringResource(R.string.refuse_title, slot.roleLabel, slot.signerName), onBack = back) { padding ->
        LazyColumn(
            Modifier.padding(padding).padding(horizontal = 16.dp),
            verticalArrangement = Arrangement.spacedBy(8.dp),
        ) {
            item { ErrorBanner(state.error, vm::dismissError) }
            item {
                SectionTitle(stringResource(R.string.refuse_reason))
                Choices(state.reasons, state.reason, vm::setReason)
                errors["reason"]?.let { Text(it, color = MaterialTheme.colorScheme.error) }
                TextInput(state.reasonText, vm::setReasonText, R.string.refuse_reason_text, errors["reason_text"])
            }
            item {
                SectionTitle(stringResource(R.string.refuse_noted_by))
                Choices(state.officers.map { Choice(it.certNo, it.name) }, state.notedBy, vm::setNotedBy)
                errors["noted_by"]?.let { Text(it, color = MaterialTheme.colorScheme.error) }
                TextInput(state.annotation, vm::setAnnotation, R.string.refuse_annotation, errors["annotation"], singleLine = false)
            }
            item {
                SectionTitle(stringResource(R.string.refuse_witness))
                TextInput(state.witnessName, vm::setWitnessName, R.string.refuse_witness_name, errors["witness"])
                Choices(state.relations, state.witnessRelation, vm::setWitnessRelation)
                TextInput(state.witnessRole, vm::setWitnessRole, R.string.refuse_witness_role, null)
            }
            item {
                SectionTitle(stringResource(R.string.refuse_evidence))
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    OutlinedButton(onClick = { withLocation(camera.photo) }) { Text(stringResource(R.string.case_take_photo)) }
                    OutlinedButton(onClick = { withLocation(camera.video) }) { Text(stringResource(R.string.case_record_video)) }
                }
                errors["av_evidence"]?.let { Text(it, color = MaterialTheme.colorScheme.error) }
                state.available.forEach { e ->
                    val linked = state.evidence.any { it.id == e.id }
                    Row(verticalAlignment = Alignment.CenterVertically) {
                        Checkbox(checked = linked, onCheckedChange = { if (it) vm.attach(e) else vm.detach(e.id) })
                        Text("${e.kind} · ${day(e.capturedAt)} · ${e.sha256.take(12)}")
                    }
                }
            }
            item {
                val color = if (state.showMissing) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurfaceVariant
                state.missing.forEach { field -> Text("· " + gapText(field, state.gaps), color = color) }
                // Always pressable: an incomplete sheet is not sent, its gaps turn red instead.
                Button(onClick = { vm.submit() }, enabled = !state.submitting, modifier = Modifier.padding(vertical = 12.dp)) {
                    Text(stringResource(R.string.refuse_submit))
                }
            }
        }
    }
}

@Composable
private fun TextInput(value: String, onChange: (String) -> Unit, @StringRes label: Int, error: String?, singleLine: Boolean = true) {
    OutlinedTextField(
        value = value,
        onValueChange = onChange,
        label = { Text(stringResource(label)) },
        isError = error != null,
        supportingText = error?.let { { Text(it) } },
        singleLine = singleLine,
        modifier = Modifier.fillMaxWidth(),
    )
}
