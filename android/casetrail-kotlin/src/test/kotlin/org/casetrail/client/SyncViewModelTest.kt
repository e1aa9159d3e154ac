/**
 * The sync screen against the real engine: failures become the next step for the officer, and a
 * real back office on loopback enrols the phone and receives everything it owes.
 */
package org.casetrail.client

import kotlin.test.assertEquals
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import org.casetrail.SyncProgress

private fun SyncViewModel.failure(): SyncPhase.Failed = assertIs<SyncPhase.Failed>(state.value.phase)

suspend fun notEnrolledLeadsToEnrol() = withWorkspace { ws ->
    ws.sampleCase()
    val vm = SyncViewModel(ws.repo, ws.scope)
    vm.refresh().join()
    val status = assertNotNull(vm.state.value.status)
    assertEquals(false, status.enrolled)
    assertTrue(status.eventsPending > 0u)
    assertNull(vm.state.value.enrolment)

    vm.cancel() // nothing running: nothing happens
    vm.sync().join()
    val failed = vm.failure()
    assertEquals(SyncAction.ENROL, failed.action)
    assertTrue("登记" in (failed.error.text as UiText.Core).text, "${failed.error}")
    assertEquals(false, vm.state.value.busy)
}

suspend fun unreachableMeansRetryLater() = withWorkspace { ws ->
    val vm = SyncViewModel(ws.repo, ws.scope)
    // Port 1 on loopback: nobody listens, the connection is refused at once.
    vm.enrol("http://127.0.0.1:1", "ABCD-EFGH-JKMN-PQRS").join()
    assertEquals(SyncAction.RETRY_LATER, vm.failure().action, "${vm.failure().error}")
    // A short sentence for the officer, without the technical tail (address, OS error).
    val words = (vm.failure().error.text as UiText.Core).text
    assertTrue("稍后" in words && "127.0.0.1" !in words, words)
    assertNull(vm.state.value.enrolment)
}

suspend fun badAddressIsInputError() = withWorkspace { ws ->
    val vm = SyncViewModel(ws.repo, ws.scope)
    vm.enrol("not an address", "ABCD").join()
    val failed = vm.failure()
    assertEquals(SyncAction.FIX_INPUT, failed.action)
    assertEquals("url", failed.error.field)
}

suspend fun enrolAndSyncWithBackOffice() = withWorkspace { ws ->
    BackOffice().use { office ->
        val case = ws.sampleCase()
        val caseVm = CaseViewModel(ws.repo, case.id, ws.scope)
        caseVm.refresh().join()
        caseVm.capture(photo(), CaptureFacts("onsite_inspection", "车间现状")).join()
        assertNotNull(caseVm.state.value.lastCaptured, "${caseVm.state.value.error}")
        val vm = SyncViewModel(ws.repo, ws.scope)

        // A code the back office never issued: it refuses the device.
        vm.enrol(office.url, "ABCD-EFGH-JKMN-PQRS").join()
        assertEquals(SyncAction.RE_ENROL, vm.failure().action, "${vm.failure().error}")

        vm.enrol(office.url, office.enrolCode()).join()
        assertEquals(SyncPhase.Idle, vm.state.value.phase, "${vm.state.value.phase}")
        assertEquals(OFFICER, vm.state.value.enrolment?.officer)
        assertEquals(true, vm.state.value.status?.enrolled)

        vm.sync().join()
        val done = assertIs<SyncPhase.Done>(vm.state.value.phase, "${vm.state.value.phase}")
        assertTrue(done.report.eventsAcked > 0u, "${done.report}")
        assertEquals(2uL, done.report.mediaAcked, "the photo and its watermarked copy: ${done.report}")
        assertEquals(true, done.report.status.complete)
        assertNotNull(vm.state.value.progress, "the listener reported progress")
        assertEquals(0uL, vm.state.value.status?.eventsPending)
        assertEquals(false, vm.state.value.busy)
    }
}
