/**
 * The record form: fields from the core's templates under the core's labels, the core's
 * validation errors per field.
 */
package org.casetrail.client

import kotlin.test.assertEquals
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

private suspend fun TestWorkspace.form(): RecordFormViewModel {
    val case = sampleCase()
    return RecordFormViewModel(repo, case.id, scope).also { it.load().join() }
}

suspend fun formFieldsFromTemplate() = withWorkspace { ws ->
    val form = ws.form()
    val kinds = form.state.value.kinds
    assertTrue(kinds.any { it.code == "inquiry_record" && it.label == "询问笔录" }, "kinds: ${kinds.map { it.code }}")
    assertEquals(false, form.state.value.canSave, "no kind chosen yet")

    form.selectKind("inquiry_record")
    val fields = form.state.value.fields.associateBy { it.path }
    assertEquals(FieldType.TEXT, fields["doc_no"]?.type)
    assertEquals(FieldType.FLAG, fields["rights_told"]?.type)
    assertEquals("false", fields["rights_told"]?.value)
    assertEquals(FieldType.VALUE, fields["qa"]?.type)
    assertEquals("[]", fields["qa"]?.value)
    assertEquals(FieldType.VALUE, fields["interviewee"]?.type, "a null object is one free field")
    assertTrue(form.state.value.canSave)

    // Labelled as soon as the kind is picked: the core's words, the path kept beside them.
    assertEquals("被询问人", fields["interviewee"]?.label)
    assertEquals("已告知权利义务", fields["rights_told"]?.label)
    assertEquals("文书编号", fields["doc_no"]?.label)
    for (kind in kinds) {
        form.selectKind(kind.code)
        val unlabelled = form.state.value.fields.filter { it.label == it.path }.map { it.path }
        assertEquals(emptyList(), unlabelled, "${kind.code}: fields without a label")
    }
    form.selectKind("inquiry_record")

    // The sample fills nested objects, which become one field per scalar.
    form.fillSample("inquiry_record").join()
    val sample = form.state.value.fields.associateBy { it.path }
    assertEquals("孙丽", sample["interviewee.name"]?.value)
    assertEquals("resident_id_card", sample["interviewee.id_doc.doc_type"]?.value)
    assertEquals("被询问人 › 姓名/名称", sample["interviewee.name"]?.label)
    assertEquals("被询问人 › 身份证件 › 号码", sample["interviewee.id_doc.number"]?.label, "${sample.keys}")
}

suspend fun formLabelsFollowTheLanguage() = withWorkspace { ws ->
    val case = ws.sampleCase()
    ws.repo.setLanguage("en").ok()
    val form = RecordFormViewModel(ws.repo, case.id, ws.scope).also { it.load().join() }
    form.fillSample("inquiry_record").join()
    val fields = form.state.value.fields.associateBy { it.path }
    assertEquals("interviewee › identity document › number", fields["interviewee.id_doc.number"]?.label)
    assertEquals(ws.repo.fieldLabels(listOf("place")).ok(), mapOf("place" to fields["place"]?.label))
}

suspend fun coreFieldErrorLandsOnField() = withWorkspace { ws ->
    val form = ws.form()
    form.fillSample("inquiry_record").join()
    form.edit("interviewee.name", "")
    form.save().join()
    val s = form.state.value
    assertNull(s.record, "nothing was written")
    assertNull(s.error)
    val text = assertNotNull(s.fieldErrors["interviewee.name"], "${s.fieldErrors}") as UiText.Core
    assertTrue("必填" in text.text, text.text)
    assertEquals("被询问人 › 姓名/名称", s.fields.single { it.path == "interviewee.name" }.label, "the field the error shows under")

    // Editing the field clears its error; an error inside a free field lands on that field.
    form.edit("interviewee.name", "孙丽")
    assertEquals(emptyMap(), form.state.value.fieldErrors)
    form.selectKind("inquiry_record")
    form.edit("interviewee", """{"name":""}""")
    form.save().join()
    assertEquals(setOf("interviewee"), form.state.value.fieldErrors.keys)
}

suspend fun badJsonStaysLocal() = withWorkspace { ws ->
    val form = ws.form()
    form.selectKind("inquiry_record")
    form.edit("qa", """[{"question": """)
    form.save().join()
    assertEquals(mapOf("qa" to UiText.App(Msg.BAD_JSON)), form.state.value.fieldErrors)
    assertNull(form.state.value.record)
    assertEquals(emptyList(), ws.repo.caseDetail(form.caseId).ok().records, "the core was not called")

    // A date typed into a free field is text, not a JSON error.
    form.edit("qa", "[]")
    form.edit("start_at", "2026-03-02T09:00:00+08:00")
    form.save().join()
    assertEquals(emptyMap(), form.state.value.fieldErrors)
    assertNotNull(form.state.value.record)
}

suspend fun saveAmendFinalize() = withWorkspace { ws ->
    val form = ws.form()
    form.fillSample("inquiry_record").join()
    form.save().join()
    val draft = assertNotNull(form.state.value.record, "${form.state.value.error} ${form.state.value.fieldErrors}")
    assertEquals("draft", draft.status)
    assertEquals(1u, draft.version)
    assertTrue(form.state.value.canFinalize)

    // A second save amends; the core wants a reason.
    form.edit("place", "抚顺市宏达机械制造有限公司三楼会议室")
    form.save().join()
    assertEquals(ErrorKind.INVALID, form.state.value.error?.kind)
    assertEquals("reason", form.state.value.error?.field)
    assertEquals(1u, form.state.value.record?.version)
    form.save(reason = "更正询问地点").join()
    val amended = assertNotNull(form.state.value.record)
    assertEquals(2u, amended.version)
    assertTrue("三楼会议室" in amended.contentJson)

    form.finalizeRecord().join()
    val done = assertNotNull(form.state.value.record)
    assertEquals("finalized", done.status, "${form.state.value.error}")
    assertEquals(listOf("interviewee", "officer", "officer"), done.slots.map { it.role })
    assertEquals(false, form.state.value.canFinalize)

    // Amending starts from the record's own body.
    val again = RecordFormViewModel(ws.repo, form.caseId, ws.scope)
    again.load(amend = done).join()
    assertEquals("inquiry_record", again.state.value.kind)
    assertEquals("抚顺市宏达机械制造有限公司三楼会议室", again.state.value.fields.first { it.path == "place" }.value)
}
