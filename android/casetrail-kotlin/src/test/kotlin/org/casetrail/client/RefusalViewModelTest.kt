/** The refusal sheet: blocked until the core's rules are met, then one call records it all. */
package org.casetrail.client

import kotlin.test.assertEquals
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

suspend fun refusalNeedsEverythingThenRefuses() = withWorkspace { ws ->
    val case = ws.sampleCase()
    val record = ws.finalizedInquiry(case.id)
    val slot = record.slots.first { it.role == "interviewee" }
    val sheet = RefusalViewModel(ws.repo, record, slot, ws.scope)
    sheet.load().join()
    assertNull(sheet.state.value.error, "${sheet.state.value.error}")
    // The pick-lists are the core's, labelled in the workspace's language.
    val reasons = sheet.state.value.reasons
    assertEquals("对笔录内容有异议", reasons.single { it.code == "disputes_content" }.label)
    assertEquals(ws.repo.choices(Lists.REFUSAL_REASON).ok(), reasons)
    assertEquals(ws.repo.choices(Lists.WITNESS_RELATION).ok(), sheet.state.value.relations)
    assertEquals("见证人", sheet.state.value.relations.single { it.code == sheet.state.value.witnessRelation }.label)
    assertEquals(listOf(OFFICER, "LN210404-0027"), sheet.state.value.officers.map { it.certNo })
    assertEquals(OFFICER, sheet.state.value.notedBy, "the first officer notes it by default")
    // What is lacking is the core's answer, every gap at once, in its words.
    assertEquals(setOf("reason", "annotation", "av_evidence"), sheet.state.value.missing)
    assertTrue(sheet.state.value.gaps!!.values.all { it is UiText.Core && it.text.isNotBlank() })

    // Submitting now sends nothing and marks what is missing.
    sheet.submit().join()
    assertEquals(true, sheet.state.value.showMissing)
    assertNull(sheet.state.value.refused)
    assertEquals("pending", slotState(ws, case.id, slot.id))

    sheet.setReason("not_a_reason").join()
    assertTrue("reason" in sheet.state.value.missing, "a code the core did not list")
    sheet.setReason("other").join()
    assertTrue("reason_text" in sheet.state.value.missing)
    sheet.setReasonText("称需要请示总公司").join()
    sheet.setAnnotation("被询问人拒绝在笔录上签字，已现场拍照记录").join()
    sheet.setWitnessRole("物业经理").join()
    assertEquals(setOf("av_evidence", "witness"), sheet.state.value.missing)

    sheet.captureAndAttach(photo(), purpose = "拒签过程").join()
    assertNull(sheet.state.value.error, "${sheet.state.value.error}")
    val av = sheet.state.value.evidence.single()
    assertEquals("photo", av.kind)
    assertEquals(record.id, av.recordId)
    assertEquals(setOf("witness"), sheet.state.value.missing)
    assertEquals(false, sheet.state.value.canSubmit)

    sheet.setWitnessName("张三").join()
    sheet.setWitnessRelation("grassroots_rep").join()
    assertTrue(sheet.state.value.canSubmit, "${sheet.state.value.gaps}")
    sheet.submit().join()
    val refused = assertNotNull(sheet.state.value.refused, "${sheet.state.value.error} ${sheet.state.value.fieldErrors}")
    assertEquals("refused", refused.slots.first { it.id == slot.id }.state)
    assertEquals("refused", slotState(ws, case.id, slot.id))
    assertEquals(false, sheet.state.value.canSubmit)

    // The case no longer waits for that signature; a second sheet for the slot is not allowed.
    val findings = ws.repo.findings(case.id).ok()
    assertTrue(findings.none { it.key.endsWith(slot.id) }, "$findings")
    val again = RefusalViewModel(ws.repo, refused, refused.slots.first { it.id == slot.id }, ws.scope)
    assertTrue("slot" in again.state.value.missing)
}

suspend fun officerSlotIsNotRefusable() = withWorkspace { ws ->
    val case = ws.sampleCase()
    val record = ws.finalizedInquiry(case.id)
    val officerSlot = record.slots.first { it.role == "officer" }
    assertEquals(false, officerSlot.canRefuse, "the core says so")
    val sheet = RefusalViewModel(ws.repo, record, officerSlot, ws.scope)
    assertTrue("slot" in sheet.state.value.missing)
}

suspend fun coreRefusalErrorLandsOnField() = withWorkspace { ws ->
    val case = ws.sampleCase()
    val record = ws.finalizedInquiry(case.id)
    val slot = record.slots.first { it.role == "interviewee" }
    val sheet = RefusalViewModel(ws.repo, record, slot, ws.scope)
    // An officer who is not on the case: the core's check says so before anything is sent.
    sheet.setNotedBy(OFFICER).join()
    sheet.captureAndAttach(photo(), purpose = "拒签过程").join()
    sheet.setNotedBy("LN999999-0001").join()
    sheet.setReason("refuses_to_cooperate").join()
    sheet.setAnnotation("拒绝签字").join()
    assertEquals(setOf("noted_by"), sheet.state.value.missing)
    sheet.submit().join()
    val s = sheet.state.value
    assertNull(s.refused)
    assertEquals(true, s.showMissing)
    val text = assertNotNull(s.gaps?.get("noted_by"), "${s.gaps} ${s.error}")
    assertTrue(text is UiText.Core && text.text.isNotBlank())
    assertEquals("pending", slotState(ws, case.id, slot.id))
}

private suspend fun slotState(ws: TestWorkspace, caseId: String, slotId: String): String? =
    ws.repo.caseDetail(caseId).ok().records.flatMap { it.slots }.firstOrNull { it.id == slotId }?.state
