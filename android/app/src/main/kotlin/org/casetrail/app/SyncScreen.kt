/**
 * The sync screen: enrol with the back office, see what is still owed (and whether audio/video is
 * running late), run a sync with its progress and a cancel button, and, after a failure, what to
 * do next in plain words with the core's own message.
 */
package org.casetrail.app

import android.content.Context
import android.net.ConnectivityManager
import android.text.format.Formatter
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.casetrail.SyncProgress
import org.casetrail.client.CaseTrailRepository
import org.casetrail.client.SyncAction
import org.casetrail.client.SyncPhase
import org.casetrail.client.SyncViewModel

@Composable
fun SyncScreen(repo: CaseTrailRepository, back: () -> Unit) {
    val vm = coreViewModel { SyncViewModel(repo, it) }
    val state by vm.state.collectAsStateWithLifecycle()
    val context = LocalContext.current
    LaunchedEffect(Unit) {
        vm.setMetered(context.getSystemService(ConnectivityManager::class.java)?.isActiveNetworkMetered ?: true)
        vm.refresh()
    }
    var url by rememberSaveable { mutableStateOf("https://") }
    var code by rememberSaveable { mutableStateOf("") }
    val phase = state.phase
    val needsEnrolment = state.enrolment == null ||
        phase is SyncPhase.Failed && (phase.action == SyncAction.RE_ENROL || phase.action == SyncAction.ENROL)

    ScreenFrame(title = stringResource(R.string.sync_title), onBack = back) { padding ->
        Column(
            Modifier.padding(padding).padding(horizontal = 16.dp).verticalScroll(rememberScrollState()),
            verticalArrangement = Arrangement.spacedBy(8.dp),
        ) {
            ErrorBanner(state.error) { vm.refresh() }
            state.enrolment?.let { Text(stringResource(R.string.sync_enrolled_as, it.officer, it.url)) }

            if (needsEnrolment) {
                SectionTitle(stringResource(R.string.sync_enrol))
                OutlinedTextField(url, { url = it }, label = { Text(stringResource(R.string.sync_url)) }, singleLine = true, modifier = Modifier.fillMaxWidth())
                OutlinedTextField(code, { code = it }, label = { Text(stringResource(R.string.sync_code)) }, singleLine = true, modifier = Modifier.fillMaxWidth())
                Button(onClick = { vm.enrol(url, code) }, enabled = !state.busy) { Text(stringResource(R.string.sync_enrol)) }
            }

            state.status?.let { s ->
                SectionTitle(stringResource(R.string.sync_status))
                if (s.complete) {
                    Text(stringResource(R.string.sync_complete))
                } else {
                    Text(stringResource(R.string.sync_pending, s.eventsPending.toLong(), s.mediaPending.toLong(), bytes(context, s.mediaPendingBytes)))
                }
                when (s.avState) {
                    "warning" -> Text(stringResource(R.string.sync_av_warning), color = MaterialTheme.colorScheme.error)
                    "critical" -> Text(stringResource(R.string.sync_av_critical), color = MaterialTheme.colorScheme.error)
                }
                s.journalWedgedLabel?.let { Text(it, color = MaterialTheme.colorScheme.error) }
                if (s.mediaWedged.isNotEmpty()) {
                    Text(stringResource(R.string.sync_wedged, s.mediaWedged.size), color = MaterialTheme.colorScheme.error)
                    OutlinedButton(onClick = { vm.retryWedged() }) { Text(stringResource(R.string.sync_retry_wedged)) }
                }
            }

            if (phase == SyncPhase.Running) {
                LinearProgressIndicator(Modifier.fillMaxWidth())
                state.progress?.let { Text(progressText(it)) }
            }
            when (phase) {
                is SyncPhase.Done -> Text(stringResource(R.string.sync_done, phase.report.eventsAcked.toLong(), phase.report.mediaAcked.toLong()))
                is SyncPhase.Failed -> {
                    val alarm = phase.action == SyncAction.SECURITY_ALARM
                    val color = if (alarm) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurface
                    Text(stringResource(syncActionLabel(phase.action)), color = color, style = MaterialTheme.typography.titleMedium)
                    Text(phase.error.text.resolve(), color = color)
                }
                else -> Unit
            }

            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                if (phase == SyncPhase.Running) {
                    OutlinedButton(onClick = vm::cancel) { Text(stringResource(R.string.sync_cancel)) }
                } else {
                    Button(onClick = { vm.sync() }, enabled = state.enrolment != null && !state.busy) { Text(stringResource(R.string.sync_now)) }
                }
            }
        }
    }
}

@Composable
private fun progressText(p: SyncProgress): String =
    when (p) {
        SyncProgress.Connecting -> stringResource(R.string.sync_progress_connecting)
        is SyncProgress.Events -> stringResource(R.string.sync_progress_events, p.done.toLong(), p.total.toLong())
        is SyncProgress.Pulled -> stringResource(R.string.sync_progress_pulled, p.count.toLong())
        is SyncProgress.Media -> stringResource(R.string.sync_progress_media, p.filesDone.toLong(), p.filesTotal.toLong())
        is SyncProgress.Waiting -> stringResource(R.string.sync_progress_waiting, p.millis.toLong() / 1000)
    }

private fun bytes(context: Context, n: ULong): String = Formatter.formatShortFileSize(context, n.toLong())
