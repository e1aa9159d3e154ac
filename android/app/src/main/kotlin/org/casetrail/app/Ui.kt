/**
 * What every screen shares: the app's words for the view-models' [UiText] and its own states (the
 * core's words and pick-list labels are shown as they are), the screen frame, the error banner and
 * a pick list.
 */
package org.casetrail.app

import androidx.annotation.StringRes
import androidx.compose.foundation.horizontalScroll
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.TopAppBar
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import org.casetrail.Choice
import org.casetrail.client.Msg
import org.casetrail.client.SyncAction
import org.casetrail.client.UiError
import org.casetrail.client.UiText

/** The words of a [UiText]: the core's as given, the app's from resources. */
@Composable
fun UiText.resolve(): String =
    when (this) {
        is UiText.Core -> text
        is UiText.App -> stringResource(msg.res)
    }

@get:StringRes
private val Msg.res: Int
    get() = when (this) {
        Msg.UNEXPECTED -> R.string.msg_unexpected
        Msg.BAD_NUMBER -> R.string.msg_bad_number
        Msg.AV_EVIDENCE_REQUIRED -> R.string.msg_av_evidence_required
    }

/**
 * What the refusal sheet still lacks at [field] (`slot`, `reason`, `witness` …): the core's own
 * words from `check_refusal`; only "this slot cannot be refused" is the app's (the core answers
 * it with `SlotView.canRefuse`, not with a gap).
 */
@Composable
fun gapText(field: String, gaps: Map<String, UiText>?): String =
    gaps?.get(field)?.resolve() ?: if (field == "slot") stringResource(R.string.need_refusable_slot) else field

@StringRes
fun syncActionLabel(action: SyncAction): Int =
    when (action) {
        SyncAction.RETRY_LATER -> R.string.sync_action_retry_later
        SyncAction.SECURITY_ALARM -> R.string.sync_action_security_alarm
        SyncAction.RE_ENROL -> R.string.sync_action_re_enrol
        SyncAction.ENROL -> R.string.sync_action_enrol
        SyncAction.FIX_INPUT -> R.string.sync_action_fix_input
        SyncAction.NONE -> R.string.sync_action_none
        SyncAction.SHOW_ERROR -> R.string.sync_action_show_error
    }

/** A screen: title bar with a back button when there is somewhere to go back to. */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun ScreenFrame(
    title: String,
    onBack: (() -> Unit)? = null,
    actions: @Composable () -> Unit = {},
    content: @Composable (PaddingValues) -> Unit,
) {
    Scaffold(
        topBar = {
            TopAppBar(
                title = { Text(title) },
                navigationIcon = { if (onBack != null) TextButton(onClick = onBack) { Text(stringResource(R.string.back)) } },
                actions = { actions() },
            )
        },
        content = content,
    )
}

/** A failure, in the core's words, until dismissed. */
@Composable
fun ErrorBanner(error: UiError?, onDismiss: () -> Unit) {
    if (error == null) return
    Card(
        colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.errorContainer),
        modifier = Modifier.fillMaxWidth().padding(vertical = 4.dp),
    ) {
        Column(Modifier.padding(12.dp)) {
            Text(error.text.resolve(), color = MaterialTheme.colorScheme.onErrorContainer)
            TextButton(onClick = onDismiss) { Text(stringResource(R.string.dismiss)) }
        }
    }
}

/** A pick list as chips: the core's codes with their labels; [onSelect] gets the code. */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun Choices(options: List<Choice>, selected: String, onSelect: (String) -> Unit) {
    Row(Modifier.horizontalScroll(rememberScrollState()), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        options.forEach { option ->
            FilterChip(selected = option.code == selected, onClick = { onSelect(option.code) }, label = { Text(option.label) })
        }
    }
}

/** A section heading in a list. */
@Composable
fun SectionTitle(text: String) {
    Text(text, style = MaterialTheme.typography.titleMedium, modifier = Modifier.padding(top = 16.dp, bottom = 4.dp))
}
