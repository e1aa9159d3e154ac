/**
 * The case screen: what the regulation still requires (blocking first), deadlines, records with
 * their signature slots (sign, refuse), evidence, and the camera with the activity it records
 * (the core's pick-list), each capture with where it was made (a GPS fix, or why there is none).
 * Whether a slot can be signed or refused is the core's word (`SlotView.canSign`/`canRefuse`); a
 * finalized record can be served from here. Everything it shows comes from [CaseViewModel]; after
 * each action the view-model reloads the case from the core.
 */
package org.casetrail.app

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Card
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.casetrail.RecordView
import org.casetrail.client.CaptureFacts
import org.casetrail.client.CaseTrailRepository
import org.casetrail.client.CaseViewModel

@Composable
fun CaseScreen(repo: CaseTrailRepository, caseId: String, go: (Screen) -> Unit, back: () -> Unit) {
    val vm = coreViewModel { CaseViewModel(repo, caseId, it) }
    val state by vm.state.collectAsStateWithLifecycle()
    // Back from a form, the pad or the refusal sheet: show what they wrote.
    LaunchedEffect(Unit) { vm.refresh() }
    val purpose = stringResource(R.string.case_capture_purpose)
    val context = LocalContext.current
    val reader = remember(context) { LocationReader(context) }
    val withLocation = rememberLocationPermission()
    val camera = rememberCamera { file ->
        val facts = CaptureFacts(activity = vm.state.value.activity, purpose = purpose)
        file.deleteWhenDone(vm.capture(file.path, facts, locate = reader::current))
    }
    var closing by rememberSaveable { mutableStateOf(false) }
    val case = state.detail?.case

    ScreenFrame(title = case?.caseNo ?: stringResource(R.string.loading), onBack = back) { padding ->
        LazyColumn(Modifier.padding(padding).padding(horizontal = 16.dp)) {
            item {
                if (state.loading) LinearProgressIndicator(Modifier.fillMaxWidth())
                ErrorBanner(state.error, vm::dismissError)
                if (case != null) {
                    Text(case.title, style = MaterialTheme.typography.titleLarge)
                    Text("${case.stageLabel} · ${case.statusLabel}")
                }
                // What the next photo or video records.
                Choices(state.activities, state.activity, vm::selectActivity)
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    OutlinedButton(onClick = { withLocation(camera.photo) }) { Text(stringResource(R.string.case_take_photo)) }
                    OutlinedButton(onClick = { withLocation(camera.video) }) { Text(stringResource(R.string.case_record_video)) }
                }
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    OutlinedButton(onClick = { go(Screen.RecordForm(caseId)) }) { Text(stringResource(R.string.case_new_record)) }
                    OutlinedButton(onClick = { closing = true }) { Text(stringResource(R.string.case_close)) }
                }
            }

            item { SectionTitle(stringResource(R.string.case_findings, state.blocking.size)) }
            // Finding keys repeat (one per missing field), so the list is not keyed.
            items(state.findings) { f ->
                ListItem(
                    overlineContent = { if (f.blocking) Text(stringResource(R.string.case_blocking), color = MaterialTheme.colorScheme.error) },
                    headlineContent = { Text(f.message) },
                    supportingContent = { Text("${f.remedy}\n${f.cite.joinToString("；")}") },
                )
            }

            item { SectionTitle(stringResource(R.string.case_deadlines)) }
            items(state.deadlines) { d ->
                val provisional = if (d.provisional) " · " + stringResource(R.string.case_provisional) else ""
                ListItem(headlineContent = { Text(d.label) }, supportingContent = { Text("${day(d.due)} · ${d.stateLabel}$provisional") })
            }

            item { SectionTitle(stringResource(R.string.case_records)) }
            items(state.detail?.records.orEmpty(), key = { it.id }) { r ->
                RecordCard(r, go, onFinalize = { vm.finalizeRecord(r.id) })
            }

            item { SectionTitle(stringResource(R.string.case_evidence)) }
            items(state.detail?.evidence.orEmpty(), key = { it.id }) { e ->
                ListItem(headlineContent = { Text("${e.kind} · ${e.mime}") }, supportingContent = { Text(e.sha256.take(16)) })
            }
        }
    }

    if (closing) {
        var reason by rememberSaveable { mutableStateOf("") }
        AlertDialog(
            onDismissRequest = { closing = false },
            title = { Text(stringResource(R.string.case_close)) },
            text = { OutlinedTextField(reason, { reason = it }, label = { Text(stringResource(R.string.case_close_reason)) }) },
            confirmButton = {
                TextButton(onClick = {
                    closing = false
                    vm.changeStatus("closed", reason)
                }) { Text(stringResource(R.string.case_close)) }
            },
            dismissButton = { TextButton(onClick = { closing = false }) { Text(stringResource(R.string.cancel)) } },
        )
    }
}

@Composable
private fun RecordCard(r: RecordView, go: (Screen) -> Unit, onFinalize: () -> Unit) {
    Card(Modifier.fillMaxWidth().padding(vertical = 4.dp)) {
        Column(Modifier.padding(12.dp)) {
            Text("${r.kindLabel} · ${r.statusLabel} · v${r.version}", style = MaterialTheme.typography.titleSmall)
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                if (r.status == "draft") TextButton(onClick = onFinalize) { Text(stringResource(R.string.record_finalize)) }
                if (r.status != "void") {
                    TextButton(onClick = { go(Screen.RecordForm(r.caseId, amend = r)) }) { Text(stringResource(R.string.record_amend)) }
                }
                // Whether this record can be served is the core's rule (an outward document, finalized).
                if (r.canServe) TextButton(onClick = { go(Screen.Serve(r)) }) { Text(stringResource(R.string.case_serve)) }
            }
            r.slots.forEach { slot ->
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    Text(
                        "${slot.roleLabel} ${slot.signerName} · ${slot.stateLabel}",
                        modifier = Modifier.weight(1f).padding(top = 12.dp),
                    )
                    if (slot.canSign) TextButton(onClick = { go(Screen.Sign(r, slot)) }) { Text(stringResource(R.string.case_sign)) }
                    if (slot.canRefuse) TextButton(onClick = { go(Screen.Refuse(r, slot)) }) { Text(stringResource(R.string.case_refuse)) }
                }
            }
        }
    }
}
