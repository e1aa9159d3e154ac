/** The signature pad: strokes as drawn, signed against the version shown. */
package org.casetrail.client

import kotlin.test.assertEquals
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import org.casetrail.FieldEntry
import org.casetrail.FieldValue

/** Draws a short stroke starting at event time [t0] (ms) and height [y]. */
private fun SignatureViewModel.stroke(t0: Long, y: Float) {
    down(20f, y, 0.4f, t0)
    for (i in 1..24) move(20f + i * 12f, y + (i % 5) * 3f, 0.3f + i / 100f, t0 + i * 16L)
}

suspend fun padStrokesSignTheSlot() = withWorkspace { ws ->
    val case = ws.sampleCase()
    val record = ws.finalizedInquiry(case.id)
    val slot = record.slots.first { it.role == "officer" }
    val pad = SignatureViewModel(ws.repo, record, slot, ws.scope)
    pad.load().join()
    assertEquals(false, pad.state.value.canSign)

    pad.resize(480, 240)
    pad.stroke(1_000_000L, 80f)
    pad.stroke(1_000_900L, 140f)
    // A point off the pad, without pressure, with a clock that jumps back: kept, but made valid.
    pad.move(900f, -50f, 0f, 999_000L)
    val s = pad.state.value
    assertEquals(2, s.strokes.size)
    assertEquals(0u, s.strokes[0][0].tMs)
    assertEquals(900u, s.strokes[1][0].tMs)
    val last = s.strokes[1].last()
    assertEquals(480f, last.x)
    assertEquals(0f, last.y)
    assertEquals(1f, last.pressure)
    assertEquals(s.strokes[1][s.strokes[1].size - 2].tMs, last.tMs)
    assertTrue(s.canSign)

    pad.sign().join()
    val signed = assertNotNull(pad.state.value.signed, "${pad.state.value.error}")
    assertEquals("signed", signed.slots.first { it.id == slot.id }.state)
    assertEquals(false, pad.state.value.canSign, "signed once")

    // The case screen no longer asks for this signature.
    val findings = ws.repo.findings(case.id).ok()
    assertTrue(findings.none { it.code == "signature_pending" && it.key.endsWith(slot.id) }, "$findings")
    assertTrue(findings.any { it.code == "signature_pending" }, "the other slots still wait")

    // Clearing and resizing start over.
    pad.clear()
    assertEquals(0, pad.state.value.pointCount)
}

suspend fun affirmationAboveThePad() = withWorkspace { ws ->
    val case = ws.sampleCase()
    val record = ws.finalizedInquiry(case.id)
    val slot = record.slots.first { it.role == "interviewee" }
    assertEquals("以上笔录我看过，与我说的相符", slot.affirmation, "the core gives the slot its words")
    val pad = SignatureViewModel(ws.repo, record, slot, ws.scope)
    pad.load().join()
    assertEquals(slot.affirmation, pad.state.value.affirmed)

    // Words of their own replace the slot's; blank ones do not, as in the core.
    pad.setAffirmation("以上笔录我看过")
    assertEquals("以上笔录我看过", pad.state.value.affirmed)
    pad.setAffirmation(" ")
    assertEquals(slot.affirmation, pad.state.value.affirmed)
}

suspend fun staleVersionIsNotSigned() = withWorkspace { ws ->
    val case = ws.sampleCase()
    val record = ws.finalizedInquiry(case.id)
    val slot = record.slots.first { it.role == "interviewee" }
    val pad = SignatureViewModel(ws.repo, record, slot, ws.scope)
    pad.load().join()
    pad.resize(300, 150)
    pad.stroke(5L, 60f)

    // Meanwhile the record is amended: the party was shown a version that is no longer current.
    val moved = record.fields.map { if (it.path == "place") FieldEntry("place", FieldValue.Text("三楼会议室")) else it }
    ws.repo.amendRecordFields(record.id, moved, "更正地点").ok()
    pad.sign().join()
    val s = pad.state.value
    assertNull(s.signed)
    val e = assertNotNull(s.error)
    assertTrue(e.kind == ErrorKind.NOT_ALLOWED || e.kind == ErrorKind.INVALID, "$e")
    assertTrue(e.text is UiText.Core)
    val current = ws.repo.caseDetail(case.id).ok().records.single()
    assertEquals("draft", current.status, "the amendment is a new draft version")
    assertTrue(current.slots.none { it.state == "signed" }, "${current.slots}")
}
