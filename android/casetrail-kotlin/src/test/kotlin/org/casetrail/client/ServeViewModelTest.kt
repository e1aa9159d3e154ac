package org.casetrail.client

import kotlin.test.assertEquals
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import org.casetrail.PadPoint
import org.casetrail.PadStrokes
import org.casetrail.RecordView

private fun strokes(points: Int) = PadStrokes(
    300u,
    120u,
    listOf((0 until points).map { i -> PadPoint(10f + i * 20f, 40f + (i % 3) * 10f, i.toUInt() * 15u, 0.6f) }),
)

private suspend fun TestWorkspace.finalizedOrder(caseId: String): RecordView =
    repo.sampleRecordFields(caseId, "rectification_order")
        .then { repo.addRecordFields(caseId, "rectification_order", it) }
        .then { repo.finalizeRecord(it.id) }
        .ok()

/** Left at the premises: what the method needs comes from the schema; the witness signs on the phone. */
suspend fun serveLeftAtPremisesWithWitnessAndPhoto() = withWorkspace { ws ->
    val case = ws.sampleCase()
    val order = ws.finalizedOrder(case.id)
    val shot = ws.repo.captureFile(ws.captureInput(case.id), photo()).ok()
    val vm = ServeViewModel(ws.repo, order, ws.scope)
    vm.load().join()
    val loaded = vm.state.value
    assertNull(loaded.error, "${loaded.error}")
    assertTrue(loaded.methods.any { it.code == "leave_at_premises" }, "${loaded.methods}")
    assertTrue(loaded.officers.isNotEmpty(), "the core's default officers")
    assertTrue(loaded.available.any { it.id == shot.id })
    assertNotNull(loaded.padLimits)
    assertNotNull(loaded.labelOf(ServeField.WITNESSES), "the core labels the inputs")

    vm.setMethod("leave_at_premises")
    var s = vm.state.value
    assertTrue(s.shows(ServeField.WITNESSES) && s.shows(ServeField.REFUSAL_REASON), "leave at premises asks for witnesses")
    assertTrue(!s.shows(ServeField.TRACKING_NO), "no tracking number")
    if (s.address.isBlank()) vm.setAddress("辽宁省抚顺市望花区和平路东段18号")
    vm.setReceiverName("赵建国")
    vm.setRefusalReason("法定代表人拒绝签收")
    vm.toggleEvidence(shot.id)

    // Without a witness the core says so, on the witness input.
    vm.submit().join()
    s = vm.state.value
    assertNull(s.receipt)
    assertNotNull(s.fieldErrors[ServeField.WITNESSES], "errors: ${s.fieldErrors}, error: ${s.error}")

    vm.addWitness()
    val relation = vm.state.value.witnessRelations.first { it.code != "party" }.code
    vm.setWitness(0, ServeWitness("刘建华", vm.state.value.witnesses[0].relation.ifEmpty { relation }, "社区工作人员", strokes(7)))
    assertTrue(ServeField.WITNESSES !in vm.state.value.fieldErrors, "editing clears the error")
    vm.submit().join()
    s = vm.state.value
    val receipt = assertNotNull(s.receipt, "errors: ${s.fieldErrors}, error: ${s.error}")
    assertEquals(SERVICE_RECEIPT, receipt.kind)
    assertEquals("finalized", receipt.status)
    assertEquals("signed", receipt.slots.single { it.role == "witness" }.state)
}

/** Which inputs show follows the method, by the schema's relevance. */
suspend fun serveInputsFollowTheMethod() = withWorkspace { ws ->
    val case = ws.sampleCase()
    val order = ws.finalizedOrder(case.id)
    val vm = ServeViewModel(ws.repo, order, ws.scope)
    vm.load().join()
    assertTrue(!vm.state.value.shows(ServeField.WITNESSES), "no method, no inputs")
    vm.setMethod("postal")
    val s = vm.state.value
    assertTrue(s.shows(ServeField.TRACKING_NO) && !s.shows(ServeField.WITNESSES))
    assertEquals(emptyList(), s.copy(witnesses = listOf(ServeWitness("x", "witness", "y"))).input.witnesses)
}
