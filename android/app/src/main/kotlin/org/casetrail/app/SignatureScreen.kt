/**
 * The signature pad: the record's content as the signer sees it, the words they affirm (the
 * slot's, or their own), a canvas that forwards every touch (position, pressure, event time) to
 * [SignatureViewModel], and the sign button.
 */
package org.casetrail.app

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.border
import androidx.compose.foundation.gestures.awaitEachGesture
import androidx.compose.foundation.gestures.awaitFirstDown
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.Path
import androidx.compose.ui.graphics.StrokeCap
import androidx.compose.ui.graphics.StrokeJoin
import androidx.compose.ui.graphics.drawscope.Stroke
import androidx.compose.ui.input.pointer.pointerInput
import androidx.compose.ui.layout.onSizeChanged
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.casetrail.RecordView
import org.casetrail.SlotView
import org.casetrail.client.CaseTrailRepository
import org.casetrail.client.SignatureViewModel

private val Ink = Color(0xFF1A237E)

@Composable
fun SignatureScreen(repo: CaseTrailRepository, record: RecordView, slot: SlotView, back: () -> Unit) {
    val vm = coreViewModel { SignatureViewModel(repo, record, slot, it) }
    val state by vm.state.collectAsStateWithLifecycle()
    // What the core accepts from a pad (its sides, strokes and points).
    LaunchedEffect(Unit) { vm.load() }
    LaunchedEffect(state.signed) { if (state.signed != null) back() }

    ScreenFrame(title = stringResource(R.string.sign_title, slot.roleLabel, slot.signerName), onBack = back) { padding ->
        Column(Modifier.padding(padding).padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            ErrorBanner(state.error, vm::dismissError)
            // What is signed: the body of this version (its hash is bound to the signature).
            Text(
                record.contentJson,
                style = MaterialTheme.typography.bodySmall,
                modifier = Modifier.height(160.dp).verticalScroll(rememberScrollState()),
            )
            OutlinedTextField(
                state.affirmation,
                vm::setAffirmation,
                label = { Text(stringResource(R.string.sign_affirmation)) },
                modifier = Modifier.fillMaxWidth(),
            )
            // The words the signer affirms, right above where they sign.
            if (state.affirmed.isNotEmpty()) Text(state.affirmed, style = MaterialTheme.typography.titleMedium)
            Text(stringResource(R.string.sign_hint))
            Canvas(
                Modifier
                    .fillMaxWidth()
                    .height(240.dp)
                    .border(1.dp, MaterialTheme.colorScheme.outline)
                    .onSizeChanged { vm.resize(it.width, it.height) }
                    .pointerInput(vm) {
                        awaitEachGesture {
                            val down = awaitFirstDown()
                            vm.down(down.position.x, down.position.y, down.pressure, down.uptimeMillis)
                            down.consume()
                            while (true) {
                                val change = awaitPointerEvent().changes.firstOrNull { it.id == down.id } ?: break
                                if (!change.pressed) break
                                vm.move(change.position.x, change.position.y, change.pressure, change.uptimeMillis)
                                change.consume()
                            }
                        }
                    },
            ) {
                val pen = Stroke(width = 3.dp.toPx(), cap = StrokeCap.Round, join = StrokeJoin.Round)
                state.strokes.forEach { points ->
                    val path = Path()
                    points.forEachIndexed { i, p -> if (i == 0) path.moveTo(p.x, p.y) else path.lineTo(p.x, p.y) }
                    drawPath(path, Ink, style = pen)
                }
            }
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                OutlinedButton(onClick = vm::clear) { Text(stringResource(R.string.sign_clear)) }
                Button(onClick = { vm.sign() }, enabled = state.canSign) { Text(stringResource(R.string.sign_submit)) }
            }
        }
    }
}
