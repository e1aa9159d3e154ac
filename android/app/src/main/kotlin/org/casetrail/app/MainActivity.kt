/**
 * The one activity: opens the workspace, then shows the screen on top of the back stack. Screens
 * get their view-models from their stack entry.
 */
package org.casetrail.app

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.BackHandler
import androidx.activity.compose.setContent
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.runtime.getValue
import androidx.compose.runtime.key
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.LocalViewModelStoreOwner
import androidx.lifecycle.viewmodel.compose.viewModel
import org.casetrail.client.CaseTrailRepository
import org.casetrail.client.Outcome

class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContent {
            MaterialTheme {
                Surface(Modifier.fillMaxSize()) { Root(viewModel()) }
            }
        }
    }
}

@Composable
private fun Root(app: AppModel) {
    val workspace by app.workspace.collectAsStateWithLifecycle()
    when (val w = workspace) {
        null -> Centered { CircularProgressIndicator() }
        is Outcome.Failed -> Centered {
            Text(stringResource(R.string.open_failed), style = MaterialTheme.typography.titleMedium)
            Text(w.error.text.resolve())
            Button(onClick = app::open) { Text(stringResource(R.string.retry)) }
        }
        is Outcome.Ok -> Screens(app, w.value)
    }
}

@Composable
private fun Screens(app: AppModel, repo: CaseTrailRepository) {
    val entry = app.current
    BackHandler(enabled = app.canGoBack) { app.back() }
    CompositionLocalProvider(LocalViewModelStoreOwner provides entry) {
        key(entry) {
            when (val s = entry.screen) {
                Screen.Cases -> CaseListScreen(repo, app::go)
                is Screen.Case -> CaseScreen(repo, s.caseId, app::go, app::back)
                is Screen.RecordForm -> RecordFormScreen(repo, s.caseId, s.amend, app::back)
                is Screen.Sign -> SignatureScreen(repo, s.record, s.slot, app::back)
                is Screen.Refuse -> RefusalScreen(repo, s.record, s.slot, app::back)
                is Screen.Serve -> ServeScreen(repo, s.document, app::back)
                Screen.Sync -> SyncScreen(repo, app::back)
            }
        }
    }
}

@Composable
private fun Centered(content: @Composable () -> Unit) {
    Column(
        Modifier.fillMaxSize().padding(24.dp),
        verticalArrangement = Arrangement.spacedBy(12.dp, Alignment.CenterVertically),
        horizontalAlignment = Alignment.CenterHorizontally,
    ) { content() }
}
