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
    assertEquals(
        setOf(RefusalNeed.REASON, RefusalNeed.ANNOTATION, RefusalNeed.AV_EVIDENCE),
        sheet.state.value.missing,
    )

    // Submitting now sends nothing and marks what is missing.
    sheet.submit().join()
    assertEquals(true, sheet.state.value.showMissing)
    assertNull(sheet.state.value.refused)
    assertEquals("pending", slotState(ws, case.id, slot.id))

    sheet.setReason("not_a_reason")
    assertTrue(RefusalNeed.REASON in sheet.state.value.missing, "a code the core did not list")
    sheet.setReason("other")
    assertTrue(RefusalNeed.REASON_TEXT in sheet.state.value.missing)
    sheet.setReasonText("称需要请示总公司")
    sheet.setAnnotation("被询问人拒绝在笔录上签字，已现场拍照记录")
    sheet.setWitnessRole("物业经理")
    assertEquals(setOf(RefusalNeed.AV_EVIDENCE, RefusalNeed.WITNESS_NAME), sheet.state.value.missing)

    sheet.captureAndAttach(photo(), purpose = "拒签过程").join()
    assertNull(sheet.state.value.error, "${sheet.state.value.error}")
    val av = sheet.state.value.evidence.single()
    assertEquals("photo", av.kind)
    assertEquals(record.id, av.recordId)
    assertEquals(setOf(RefusalNeed.WITNESS_NAME), sheet.state.value.missing)
    assertEquals(false, sheet.state.value.canSubmit)

    sheet.setWitnessName("张三")
    sheet.setWitnessRelation("grassroots_rep")
    assertTrue(sheet.state.value.canSubmit)
    sheet.submit().join()
    val refused = assertNotNull(sheet.state.value.refused, "${sheet.state.value.error} ${sheet.state.value.fieldErrors}")
    assertEquals("refused", refused.slots.first { it.id == slot.id }.state)
    assertEquals("refused", slotState(ws, case.id, slot.id))
    assertEquals(false, sheet.state.value.canSubmit)

    // The case no longer waits for that signature; a second sheet for the slot is not allowed.
    val findings = ws.repo.findings(case.id).ok()
    assertTrue(findings.none { it.key.endsWith(slot.id) }, "$findings")
    val again = RefusalViewModel(ws.repo, refused, refused.slots.first { it.id == slot.id }, ws.scope)
    assertTrue(RefusalNeed.REFUSABLE_SLOT in again.state.value.missing)
}

suspend fun officerSlotIsNotRefusable() = withWorkspace { ws ->
    val case = ws.sampleCase()
    val record = ws.finalizedInquiry(case.id)
    val sheet = RefusalViewModel(ws.repo, record, record.slots.first { it.role == "officer" }, ws.scope)
    assertTrue(RefusalNeed.REFUSABLE_SLOT in sheet.state.value.missing)
}

suspend fun coreRefusalErrorLandsOnField() = withWorkspace { ws ->
    val case = ws.sampleCase()
    val record = ws.finalizedInquiry(case.id)
    val slot = record.slots.first { it.role == "interviewee" }
    val sheet = RefusalViewModel(ws.repo, record, slot, ws.scope)
    // Not loaded: the sheet does not know the officers, so only the core can say this one is not
    // on the case.
    sheet.setNotedBy(OFFICER)
    sheet.captureAndAttach(photo(), purpose = "拒签过程").join()
    sheet.setNotedBy("LN999999-0001")
    sheet.setReason("refuses_to_cooperate")
    sheet.setAnnotation("拒绝签字")
    assertTrue(sheet.state.value.canSubmit, "${sheet.state.value.missing}")
    sheet.submit().join()
    val s = sheet.state.value
    assertNull(s.refused)
    val text = assertNotNull(s.fieldErrors["noted_by"], "${s.fieldErrors} ${s.error}")
    assertTrue(text is UiText.Core && text.text.isNotBlank())
    assertEquals("pending", slotState(ws, case.id, slot.id))
}

private suspend fun slotState(ws: TestWorkspace, caseId: String, slotId: String): String? =
    ws.repo.caseDetail(caseId).ok().records.flatMap { it.slots }.firstOrNull { it.id == slotId }?.state
