/**
 * The signature pad: collects what the signer draws (points with time and pressure, as the core
 * keeps them as evidence) and signs one slot of a finalized record, bound to the content hash of
 * the version the signer was shown.
 *
 * The pad screen only forwards touch events; the rules the core checks on strokes (a pad of at
 * least 16 px a side, points inside it, pressure 0–1, time never going back within a stroke,
 * bounded sizes) are kept here as the points come in, so a signature is never refused for how it
 * was captured.
 */
package org.casetrail.client

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import org.casetrail.PadLimits
import org.casetrail.PadPoint
import org.casetrail.PadStrokes
import org.casetrail.RecordView
import org.casetrail.SlotView

data class SignatureState(
    val record: RecordView,
    val slot: SlotView,
    /** What the core accepts from a pad; null until [SignatureViewModel.load]. */
    val limits: PadLimits? = null,
    val width: Int = 0,
    val height: Int = 0,
    val strokes: List<List<PadPoint>> = emptyList(),
    /** Event time (ms) of the first touch: point times count from it. */
    val origin: Long? = null,
    /** Words the signer writes instead of the slot's own affirmation ('' keeps the slot's). */
    val affirmation: String = "",
    val signing: Boolean = false,
    val error: UiError? = null,
    /** The record after signing. */
    val signed: RecordView? = null,
) {
    val pointCount: Int get() = strokes.sumOf { it.size }

    /**
     * The words the signer affirms above the signature, as the core will record them: their own
     * if they wrote some, else the slot's ([SlotView.affirmation]); empty if the slot has none.
     */
    val affirmed: String get() = affirmation.ifBlank { slot.affirmation }

    val canSign: Boolean
        get() {
            val l = limits ?: return false
            return width >= l.minSide.toInt() && height >= l.minSide.toInt() && pointCount > 0 && !signing && signed == null
        }

    /** Whether another stroke, or another point, stays within the core's limits. */
    internal val full: Boolean
        get() = limits?.let { strokes.size >= it.maxStrokes.toInt() || pointCount >= it.maxPoints.toInt() } ?: false

    internal val pointsFull: Boolean
        get() = limits?.let { pointCount >= it.maxPoints.toInt() } ?: false
}

class SignatureViewModel(
    private val repo: CaseTrailRepository,
    record: RecordView,
    slot: SlotView,
    scope: CoroutineScope,
) : CoreViewModel<SignatureState>(SignatureState(record, slot), scope) {

    /** Asks the core what a pad may hand over; call when the pad opens. */
    fun load(): Job = launch {
        when (val limits = repo.padLimits()) {
            is Outcome.Ok -> update { s -> s.copy(limits = limits.value).let { it.fitted(it.width, it.height) } }
            is Outcome.Failed -> update { it.copy(error = limits.error) }
        }
    }

    /** The pad's size in pixels (call on layout). Clears what was drawn if the size changes. */
    fun resize(width: Int, height: Int) = update { it.fitted(width, height) }

    private fun SignatureState.fitted(width: Int, height: Int): SignatureState {
        val max = limits?.maxSide?.toInt() ?: Int.MAX_VALUE
        val w = width.coerceIn(0, max)
        val h = height.coerceIn(0, max)
        return if (w == this.width && h == this.height) this else copy(width = w, height = h, strokes = emptyList(), origin = null)
    }

    /** A finger or stylus touches the pad at [timeMs] (the event's own clock, e.g. uptime). */
    fun down(x: Float, y: Float, pressure: Float, timeMs: Long) = update { s ->
        if (s.full) return@update s
        val origin = s.origin ?: timeMs
        s.copy(origin = origin, strokes = s.strokes + listOf(listOf(s.point(x, y, pressure, timeMs, origin, 0u))))
    }

    /** The touch moves. */
    fun move(x: Float, y: Float, pressure: Float, timeMs: Long) = update { s ->
        val origin = s.origin
        val current = s.strokes.lastOrNull()
        if (origin == null || current == null || s.pointsFull) return@update s
        val last = current.lastOrNull()?.tMs ?: 0u
        s.copy(strokes = s.strokes.dropLast(1) + listOf(current + s.point(x, y, pressure, timeMs, origin, last)))
    }

    /** Starts again. */
    fun clear() = update { it.copy(strokes = emptyList(), origin = null, error = null) }

    fun setAffirmation(text: String) = update { it.copy(affirmation = text) }

    /** Signs the slot with what was drawn. */
    fun sign(): Job = launch {
        val s = state.value
        if (!s.canSign) return@launch
        update { it.copy(signing = true, error = null) }
        val strokes = PadStrokes(s.width.toUInt(), s.height.toUInt(), s.strokes)
        val outcome = repo.signSlot(s.record.id, s.slot.id, s.record.contentHash, strokes, s.affirmation)
        update {
            when (outcome) {
                is Outcome.Ok -> it.copy(signing = false, signed = outcome.value)
                is Outcome.Failed -> it.copy(signing = false, error = outcome.error)
            }
        }
    }

    fun dismissError() = update { it.copy(error = null) }

    private fun SignatureState.point(x: Float, y: Float, pressure: Float, timeMs: Long, origin: Long, notBefore: UInt) =
        PadPoint(
            x = if (x.isFinite()) x.coerceIn(0f, width.toFloat()) else 0f,
            y = if (y.isFinite()) y.coerceIn(0f, height.toFloat()) else 0f,
            tMs = (timeMs - origin).coerceIn(0L, UInt.MAX_VALUE.toLong()).toUInt().coerceAtLeast(notBefore),
            pressure = if (pressure.isFinite() && pressure > 0f) pressure.coerceAtMost(1f) else 1f,
        )
}
