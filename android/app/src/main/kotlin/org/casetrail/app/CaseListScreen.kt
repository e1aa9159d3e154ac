/** The home screen: cases newest first, deadlines due, a new (sample) case, the way to sync. */
package org.casetrail.app

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import org.casetrail.client.CaseListViewModel
import org.casetrail.client.CaseTrailRepository

@Composable
fun CaseListScreen(repo: CaseTrailRepository, go: (Screen) -> Unit) {
    val vm = coreViewModel { CaseListViewModel(repo, it) }
    val state by vm.state.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { vm.refresh() }
    LaunchedEffect(state.created) {
        state.created?.let {
            vm.opened()
            go(Screen.Case(it.id))
        }
    }
    ScreenFrame(
        title = stringResource(R.string.cases_title),
        actions = {
            TextButton(onClick = { go(Screen.Sync) }) { Text(stringResource(R.string.sync_title)) }
        },
    ) { padding ->
        LazyColumn(Modifier.padding(padding).padding(horizontal = 16.dp)) {
            item {
                if (state.loading) LinearProgressIndicator(Modifier.fillMaxWidth())
                ErrorBanner(state.error, vm::dismissError)
                TextButton(onClick = { vm.createSampleCase(sampleCaseNo()) }) {
                    Text(stringResource(R.string.cases_new_sample))
                }
            }
            if (state.due.isNotEmpty()) {
                item { SectionTitle(stringResource(R.string.cases_due)) }
                items(state.due) { d ->
                    ListItem(
                        headlineContent = { Text(d.label) },
                        supportingContent = { Text("${d.caseNo} · ${d.stateLabel} · ${day(d.due)}") },
                        modifier = Modifier.clickable { go(Screen.Case(d.caseId)) },
                    )
                }
            }
            item { SectionTitle(stringResource(R.string.cases_title)) }
            if (state.cases.isEmpty() && !state.loading) {
                item { Text(stringResource(R.string.cases_empty), style = MaterialTheme.typography.bodyMedium) }
            }
            items(state.cases, key = { it.id }) { c ->
                Column(Modifier.clickable { go(Screen.Case(c.id)) }) {
                    ListItem(
                        headlineContent = { Text(c.title) },
                        supportingContent = { Text("${c.caseNo} · ${c.stageLabel} · ${c.statusLabel}") },
                    )
                    HorizontalDivider()
                }
            }
        }
    }
}

/** A case number for a demo case, unique enough on one phone. */
private fun sampleCaseNo(): String {
    val now = java.time.LocalDateTime.now()
    return "示例〔${now.year}〕${now.format(DateTimeFormatter.ofPattern("MMddHHmmss"))}号"
}

/** A date as the inspector reads it, in the phone's time zone. */
fun day(instant: java.time.Instant): String = instant.atZone(ZoneId.systemDefault()).toLocalDate().toString()
