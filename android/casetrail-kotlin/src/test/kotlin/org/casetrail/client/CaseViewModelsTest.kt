/** The case list and the case screen against a real workspace. */
package org.casetrail.client

import kotlin.test.assertEquals
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

suspend fun createdCaseShowsInList() = withWorkspace { ws ->
    val vm = CaseListViewModel(ws.repo, ws.scope)
    vm.refresh().join()
    assertEquals(emptyList(), vm.state.value.cases)
    assertNull(vm.state.value.error)

    vm.createSampleCase("望统执〔2026〕1号").join()
    vm.createSampleCase("望统执〔2026〕2号").join()
    val s = vm.state.value
    assertNull(s.error, "${s.error}")
    assertEquals(false, s.loading)
    assertEquals(listOf("望统执〔2026〕2号", "望统执〔2026〕1号"), s.cases.map { it.caseNo }, "newest first")
    assertEquals("望统执〔2026〕2号", s.created?.caseNo)
    assertEquals("检查中", s.cases.first().statusLabel, "labels come from the core, in Chinese")
    vm.opened()
    assertNull(vm.state.value.created)
}

suspend fun badDraftIsAnErrorState() = withWorkspace { ws ->
    val vm = CaseListViewModel(ws.repo, ws.scope)
    val sample = ws.repo.sampleCaseDraft("望统执〔2026〕3号").ok()
    vm.createCase(sample.copy(cause = "no_such_cause")).join()
    val e = assertNotNull(vm.state.value.error)
    assertEquals(ErrorKind.INVALID, e.kind)
    assertEquals("cause", e.field)
    assertTrue((e.text as UiText.Core).text.isNotBlank())

    // A draft the core refuses for its content: no case number.
    vm.createCase(sample.copy(caseNo = "")).join()
    assertEquals(ErrorKind.INVALID, vm.state.value.error?.kind)
    assertEquals(emptyList(), vm.state.value.cases)
    vm.dismissError()
    assertNull(vm.state.value.error)
}

suspend fun caseDetailAndPhotoCapture() = withWorkspace { ws ->
    val case = ws.sampleCase()
    val vm = CaseViewModel(ws.repo, case.id, ws.scope)
    vm.refresh().join()
    val s = vm.state.value
    assertEquals(case.caseNo, s.detail?.case?.caseNo)
    assertEquals(listOf("李明", "王芳"), s.officers.map { it.name })
    assertEquals(OFFICER, s.me, "not enrolled: the first officer")
    // The activities a capture can record are the core's, labelled in Chinese.
    assertEquals(ws.repo.choices(Lists.ACTIVITY).ok(), s.activities)
    assertEquals("现场检查", s.activities.single { it.code == s.activity }.label)
    vm.selectActivity("evidence_collection")
    assertEquals("evidence_collection", vm.state.value.activity)

    vm.capture(photo(), CaptureFacts(activity = vm.state.value.activity, purpose = "证明生产车间现状")).join()
    val after = vm.state.value
    assertNull(after.error, "${after.error}")
    val captured = assertNotNull(after.lastCaptured)
    assertEquals("photo", captured.kind)
    assertEquals("image/jpeg", captured.mime)
    assertNotNull(captured.derivativePath, "a photo gets its watermarked copy")
    assertEquals(listOf(captured.id), after.detail?.evidence?.map { it.id })

    // A camera file that is gone is an error state, and nothing is added.
    vm.capture("/nonexistent/photo.jpg", CaptureFacts("onsite_inspection", "无")).join()
    assertNotNull(vm.state.value.error)
    assertEquals(1, vm.state.value.detail?.evidence?.size)

    // An unknown case is "not found", not a crash.
    val gone = CaseViewModel(ws.repo, "01a2210b-6fe7-7155-844a-564508347420", ws.scope)
    gone.refresh().join()
    assertEquals(ErrorKind.NOT_FOUND, gone.state.value.error?.kind)
}

suspend fun findingsFollowRecordsAndCloseIsBlocked() = withWorkspace { ws ->
    val case = ws.sampleCase()
    val vm = CaseViewModel(ws.repo, case.id, ws.scope)
    vm.refresh().join()
    assertEquals(emptyList(), vm.state.value.blocking.map { it.code })

    // An empty inquiry draft: the case screen now shows what it still lacks, blocking first.
    val form = RecordFormViewModel(ws.repo, case.id, ws.scope)
    form.load().join()
    form.selectKind("inquiry_record").join()
    form.save().join()
    val draft = assertNotNull(form.state.value.record)
    vm.refresh().join()
    val codes = vm.state.value.findings.map { it.code }
    assertTrue("record_draft" in codes, "$codes")
    assertTrue("record_missing_field" in codes, "$codes")
    assertTrue(vm.state.value.findings.all { it.message.isNotBlank() && it.remedy.isNotBlank() })
    assertEquals(vm.state.value.findings.sortedByDescending { it.blocking }, vm.state.value.findings)

    vm.changeStatus("closed", "检查结束").join()
    val blocked = assertNotNull(vm.state.value.error)
    assertEquals(ErrorKind.BLOCKED, blocked.kind)
    assertTrue("record_draft" in blocked.findings)
    // The core's message names every blocking finding in full, as the case screen lists them.
    val words = (blocked.text as UiText.Core).text
    assertTrue(vm.state.value.blocking.isNotEmpty() && vm.state.value.blocking.all { it.message in words }, words)
    assertEquals("pre_check", vm.state.value.detail?.case?.status)

    // Voiding the draft clears its findings.
    vm.voidRecord(draft.id, "误建").join()
    assertNull(vm.state.value.error, "${vm.state.value.error}")
    assertEquals("void", vm.state.value.detail?.records?.single()?.status)
    assertTrue(vm.state.value.findings.none { it.key.endsWith(draft.id) }, "${vm.state.value.findings}")
}

suspend fun pickListsComeFromTheCore() = withWorkspace { ws ->
    val lists = listOf(Lists.REFUSAL_REASON, Lists.RELATION, Lists.WITNESS_RELATION, Lists.ACTIVITY, Lists.EVIDENCE_KIND, Lists.CASE_STATUS, Lists.SERVICE_METHOD)
    for (list in lists) {
        val choices = ws.repo.choices(list).ok()
        assertTrue(choices.isNotEmpty() && choices.all { it.code.isNotBlank() && it.label.isNotBlank() }, "$list: $choices")
    }
    assertEquals("留置送达", ws.repo.choices(Lists.SERVICE_METHOD).ok().single { it.code == "leave_at_premises" }.label)

    // An unknown list is an input error on `list`, not a crash.
    val e = assertNotNull(ws.repo.choices("colours").errorOrNull())
    assertEquals(ErrorKind.INVALID, e.kind)
    assertEquals("list", e.field)

    // The labels follow the workspace's language.
    ws.repo.setLanguage("en").ok()
    assertEquals("Other reason", ws.repo.choices(Lists.REFUSAL_REASON).ok().single { it.code == "other" }.label)
}
