/**
 * Serving a finalized document (送达): the method (the core's pick-list), then only the inputs the
 * service receipt's schema asks for that method, under the core's labels — receiver, refusal
 * reason, witnesses (each may sign on a small pad), the case's photos and video, tracking number,
 * notice medium, why other methods failed. The time of service is the core's clock. The core's
 * problems appear under the input they concern.
 */
package org.casetrail.app

import androidx.annotation.StringRes
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
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.Checkbox
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
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.Path
import androidx.compose.ui.graphics.StrokeCap
import androidx.compose.ui.graphics.StrokeJoin
import androidx.compose.ui.graphics.drawscope.Stroke
import androidx.compose.ui.input.pointer.pointerInput
import androidx.compose.ui.layout.onSizeChanged
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.IntSize
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.casetrail.Choice
import org.casetrail.PadLimits
import org.casetrail.PadPoint
import org.casetrail.PadStrokes
import org.casetrail.RecordView
import org.casetrail.client.CaseTrailRepository
import org.casetrail.client.ServeField
import org.casetrail.client.ServeState
import org.casetrail.client.ServeViewModel
import org.casetrail.client.ServeWitness

@Composable
fun ServeScreen(repo: CaseTrailRepository, document: RecordView, back: () -> Unit) {
    val vm = coreViewModel { ServeViewModel(repo, document, it) }
    val state by vm.state.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { if (vm.state.value.schema == null) vm.load() }
    LaunchedEffect(state.receipt) { if (state.receipt != null) back() }
    val errors = state.fieldErrors.mapValues { it.value.resolve() }

    ScreenFrame(title = stringResource(R.string.serve_title, document.kindLabel), onBack = back) { padding ->
        LazyColumn(Modifier.padding(padding).padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            item { ErrorBanner(state.error, vm::dismissError) }
            item {
                SectionTitle(label(state, ServeField.METHOD, R.string.serve_method))
                Choices(state.methods, state.method, vm::setMethod)
                ErrorOf(errors, ServeField.METHOD)
            }
            if (state.shows(ServeField.ADDRESS)) {
                item { Input(state.address, vm::setAddress, label(state, ServeField.ADDRESS, R.string.serve_address), errors[ServeField.ADDRESS]) }
            }
            if (state.shows(ServeField.RECEIVER)) {
                item {
                    SectionTitle(label(state, ServeField.RECEIVER, R.string.serve_receiver))
                    Input(state.receiverName, vm::setReceiverName, stringResource(R.string.serve_receiver_name), errors[ServeField.RECEIVER])
                    // Empty: the service form's default relation for a receiver.
                    Choices(listOf(Choice("", stringResource(R.string.serve_relation_default))) + state.relations, state.receiverRelation, vm::setReceiverRelation)
                }
            }
            if (state.method.isNotEmpty()) {
                item {
                    SectionTitle(label(state, ServeField.OFFICERS, R.string.serve_officers))
                    state.case?.officers.orEmpty().forEach { o ->
                        Row(verticalAlignment = Alignment.CenterVertically) {
                            Checkbox(checked = o.certNo in state.officers, onCheckedChange = { vm.toggleOfficer(o.certNo) })
                            Text("${o.name}（${o.certNo}）")
                        }
                    }
                    ErrorOf(errors, ServeField.OFFICERS)
                }
            }
            if (state.shows(ServeField.REFUSAL_REASON)) {
                item {
                    Input(state.refusalReason, vm::setRefusalReason, label(state, ServeField.REFUSAL_REASON, R.string.serve_refusal_reason), errors[ServeField.REFUSAL_REASON])
                }
            }
            if (state.shows(ServeField.WITNESSES)) {
                item { SectionTitle(label(state, ServeField.WITNESSES, R.string.serve_witnesses)) }
                state.witnesses.forEachIndexed { i, w ->
                    item(key = "witness-$i") {
                        WitnessCard(i, w, state.witnessRelations, state.padLimits, onChange = { vm.setWitness(i, it) }, onRemove = { vm.removeWitness(i) })
                    }
                }
                item {
                    ErrorOf(errors, ServeField.WITNESSES)
                    OutlinedButton(onClick = vm::addWitness) { Text(stringResource(R.string.serve_witness_add)) }
                }
            }
            if (state.shows(ServeField.AV_EVIDENCE)) {
                item {
                    SectionTitle(label(state, ServeField.AV_EVIDENCE, R.string.serve_evidence))
                    if (state.available.isEmpty()) Text(stringResource(R.string.serve_evidence_none))
                    state.available.forEach { e ->
                        Row(verticalAlignment = Alignment.CenterVertically) {
                            Checkbox(checked = e.id in state.evidence, onCheckedChange = { vm.toggleEvidence(e.id) })
                            Text("${e.kind} · ${moment(e.capturedAt)} · ${e.sha256.take(12)}")
                        }
                    }
                    ErrorOf(errors, ServeField.AV_EVIDENCE)
                }
            }
            if (state.shows(ServeField.TRACKING_NO)) {
                item { Input(state.trackingNo, vm::setTrackingNo, label(state, ServeField.TRACKING_NO, R.string.serve_tracking_no), errors[ServeField.TRACKING_NO]) }
            }
            if (state.shows(ServeField.NOTICE_MEDIUM)) {
                item { Input(state.noticeMedium, vm::setNoticeMedium, label(state, ServeField.NOTICE_MEDIUM, R.string.serve_notice_medium), errors[ServeField.NOTICE_MEDIUM]) }
            }
            if (state.shows(ServeField.WHY_OTHER_METHODS_FAILED)) {
                item {
                    Input(
                        state.whyOtherMethodsFailed,
                        vm::setWhyOtherMethodsFailed,
                        label(state, ServeField.WHY_OTHER_METHODS_FAILED, R.string.serve_why_other_methods_failed),
                        errors[ServeField.WHY_OTHER_METHODS_FAILED],
                        singleLine = false,
                    )
                }
            }
            item {
                // Problems on inputs this method does not ask for (or on none) are shown here.
                val shownFields = setOf(ServeField.METHOD, ServeField.OFFICERS) + ServeFieldsAsked.filter { state.shows(it) }
                errors.filterKeys { it !in shownFields }.values.forEach { Text(it, color = MaterialTheme.colorScheme.error) }
                Button(onClick = { vm.submit() }, enabled = state.canSubmit, modifier = Modifier.padding(vertical = 12.dp)) {
                    Text(stringResource(R.string.serve_submit))
                }
            }
        }
    }
}

/** The core's label of input [field] (its field of the service receipt), else the app's. */
@Composable
private fun label(state: ServeState, field: String, @StringRes fallback: Int): String = state.labelOf(field) ?: stringResource(fallback)

/** The core's problem on input [field], if any. */
@Composable
private fun ErrorOf(errors: Map<String, String>, field: String) {
    errors[field]?.let { Text(it, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodySmall) }
}

/** The inputs the screen shows when the method asks for them. */
private val ServeFieldsAsked = listOf(
    ServeField.ADDRESS,
    ServeField.RECEIVER,
    ServeField.REFUSAL_REASON,
    ServeField.WITNESSES,
    ServeField.AV_EVIDENCE,
    ServeField.TRACKING_NO,
    ServeField.NOTICE_MEDIUM,
    ServeField.WHY_OTHER_METHODS_FAILED,
)

@Composable
private fun Input(value: String, onChange: (String) -> Unit, label: String, error: String?, singleLine: Boolean = true) {
    OutlinedTextField(
        value = value,
        onValueChange = onChange,
        label = { Text(label) },
        isError = error != null,
        supportingText = error?.let { { Text(it) } },
        singleLine = singleLine,
        minLines = if (singleLine) 1 else 3,
        modifier = Modifier.fillMaxWidth(),
    )
}

/** One witness: name, relation (the core's list), role in words, and their signature if they sign here. */
@Composable
private fun WitnessCard(
    index: Int,
    w: ServeWitness,
    relations: List<Choice>,
    limits: PadLimits?,
    onChange: (ServeWitness) -> Unit,
    onRemove: () -> Unit,
) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(stringResource(R.string.serve_witness_n, index + 1), style = MaterialTheme.typography.titleSmall, modifier = Modifier.weight(1f))
                TextButton(onClick = onRemove) { Text(stringResource(R.string.form_remove)) }
            }
            Input(w.name, { onChange(w.copy(name = it)) }, stringResource(R.string.serve_witness_name), null)
            Choices(relations, w.relation) { onChange(w.copy(relation = it)) }
            Input(w.role, { onChange(w.copy(role = it)) }, stringResource(R.string.serve_witness_role), null)
            Text(stringResource(R.string.serve_witness_sign_hint), style = MaterialTheme.typography.bodySmall)
            if (limits != null) WitnessPad(limits, w.strokes) { onChange(w.copy(strokes = it)) }
        }
    }
}

private val Ink = Color(0xFF1A237E)

/**
 * A small signature pad: every touch as a point with its time (from the first touch) and
 * pressure, kept within the core's [limits]; each finished stroke hands the whole signature on.
 */
@Composable
private fun WitnessPad(limits: PadLimits, strokes: PadStrokes?, onStrokes: (PadStrokes?) -> Unit) {
    var size by remember { mutableStateOf(IntSize.Zero) }
    // Follows the witness's strokes (another witness's after one above is removed).
    var drawn by remember(strokes) { mutableStateOf(strokes?.strokes.orEmpty()) }
    var origin by remember { mutableStateOf<Long?>(null) }
    val max = limits.maxSide.toInt()
    fun point(x: Float, y: Float, pressure: Float, time: Long, notBefore: UInt): PadPoint {
        val t0 = origin ?: time.also { origin = it }
        return PadPoint(
            x = x.coerceIn(0f, size.width.toFloat()),
            y = y.coerceIn(0f, size.height.toFloat()),
            tMs = (time - t0).coerceIn(0L, UInt.MAX_VALUE.toLong()).toUInt().coerceAtLeast(notBefore),
            pressure = if (pressure.isFinite() && pressure > 0f) pressure.coerceAtMost(1f) else 1f,
        )
    }
    fun full(): Boolean = drawn.size >= limits.maxStrokes.toInt() || drawn.sumOf { it.size } >= limits.maxPoints.toInt()
    Canvas(
        Modifier
            .fillMaxWidth()
            .height(140.dp)
            .border(1.dp, MaterialTheme.colorScheme.outline)
            .onSizeChanged {
                val fitted = IntSize(it.width.coerceAtMost(max), it.height.coerceAtMost(max))
                if (fitted != size) {
                    // A real resize (not the first layout) invalidates what was drawn.
                    val resized = size != IntSize.Zero
                    size = fitted
                    if (resized) {
                        drawn = emptyList()
                        origin = null
                        onStrokes(null)
                    }
                }
            }
            .pointerInput(limits, strokes) {
                awaitEachGesture {
                    val down = awaitFirstDown()
                    if (full()) return@awaitEachGesture
                    drawn = drawn + listOf(listOf(point(down.position.x, down.position.y, down.pressure, down.uptimeMillis, 0u)))
                    down.consume()
                    while (true) {
                        val change = awaitPointerEvent().changes.firstOrNull { it.id == down.id } ?: break
                        if (!change.pressed) break
                        if (!full()) {
                            val current = drawn.last()
                            val last = current.lastOrNull()?.tMs ?: 0u
                            drawn = drawn.dropLast(1) + listOf(current + point(change.position.x, change.position.y, change.pressure, change.uptimeMillis, last))
                        }
                        change.consume()
                    }
                    val side = limits.minSide.toInt()
                    if (size.width >= side && size.height >= side) {
                        onStrokes(PadStrokes(size.width.toUInt(), size.height.toUInt(), drawn))
                    }
                }
            },
    ) {
        val pen = Stroke(width = 3.dp.toPx(), cap = StrokeCap.Round, join = StrokeJoin.Round)
        drawn.forEach { points ->
            val path = Path()
            points.forEachIndexed { i, p -> if (i == 0) path.moveTo(p.x, p.y) else path.lineTo(p.x, p.y) }
            drawPath(path, Ink, style = pen)
        }
    }
    TextButton(onClick = {
        drawn = emptyList()
        origin = null
        onStrokes(null)
    }) { Text(stringResource(R.string.sign_clear)) }
}
