/**
 * The record form, rendered from the core's schema alone: every kind filled by one generic
 * walk, problems on their paths with their articles, drafts that come back.
 */
package org.casetrail.client

import java.time.Instant
import kotlin.test.assertEquals
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import org.casetrail.AvNeed
import org.casetrail.FieldKind
import org.casetrail.FieldRelevance
import org.casetrail.FieldValue
import org.casetrail.FormFieldView

private suspend fun TestWorkspace.form(caseNo: String = "望统执〔2026〕1号"): RecordFormViewModel {
    val case = sampleCase(caseNo)
    return RecordFormViewModel(repo, case.id, scope).also { it.load().join() }
}

suspend fun formOpensFromTheSchemaWithTheCaseDefaults() = withWorkspace { ws ->
    val form = ws.form()
    val kinds = form.state.value.kinds
    assertTrue(kinds.any { it.code == "inquiry_record" && it.label == "询问笔录" }, "kinds: ${kinds.map { it.code }}")
    assertEquals(false, form.state.value.canSave, "no kind chosen yet")

    form.selectKind("inquiry_record").join()
    val s = form.state.value
    val rows = s.rows.associateBy { it.path }
    // What the core fills from the case: its two officers, the party's address, now.
    assertEquals(s.case!!.officers.map { FieldValue.Text(it.certNo) }, listOf(s.values["officers[0]"], s.values["officers[1]"]))
    assertEquals(RowKind.LIST, rows["officers"]?.kind)
    assertEquals(2, rows["officers"]?.items)
    assertTrue(s.values["start_at"] is FieldValue.Instant, "${s.values["start_at"]}")
    // Typed rows under the core's labels, with the article that requires them.
    assertEquals(FieldKind.YES_NO, rows["rights_told"]?.field?.kind)
    assertEquals("已告知权利义务", rows["rights_told"]?.field?.label)
    assertEquals(RowKind.GROUP, rows["interviewee"]?.kind)
    assertEquals(FieldKind.TEXT, rows["interviewee.name"]?.field?.kind)
    assertTrue(rows["place"]!!.required(false))
    assertTrue(rows["place"]!!.field.requiredBy.any { "第" in it }, "${rows["place"]!!.field.requiredBy}")
    assertEquals(0, rows["qa"]?.items, "no question yet")
    form.addItem("qa").join()
    assertEquals(setOf("qa[0]", "qa[0].question", "qa[0].answer"), form.state.value.rows.map { it.path }.filter { it.startsWith("qa[") }.toSet())
    // Every field of every kind has a label.
    for (kind in kinds) {
        val schema = ws.repo.formSchema(kind.code).ok()
        val unlabelled = schema.sections.flatMap { it.fields }.filter { it.label.isBlank() }.map { it.path }
        assertEquals(emptyList(), unlabelled, "${kind.code}: fields without a label")
    }
}

suspend fun formLabelsFollowTheLanguage() = withWorkspace { ws ->
    val case = ws.sampleCase()
    ws.repo.setLanguage("en").ok()
    val form = RecordFormViewModel(ws.repo, case.id, ws.scope).also { it.load().join() }
    form.fillSample("inquiry_record").join()
    val rows = form.state.value.rows.associateBy { it.path }
    assertEquals("identity document", rows["interviewee.id_doc"]?.field?.label)
    assertEquals("number", rows["interviewee.id_doc.number"]?.field?.label)
}

/** A value of [f]'s type, for item [item] of its list, from the case's own people and things. */
private fun generated(f: FormFieldView, item: Int, s: RecordFormState): FieldValue {
    val case = s.case!!
    return when (f.kind) {
        FieldKind.TEXT, FieldKind.LONG_TEXT, FieldKind.ADDRESS -> FieldValue.Text("${f.label}（测试）")
        FieldKind.INTEGER -> FieldValue.Integer(maxOf(f.minValue ?: 0L, 1L).coerceAtMost(f.maxValue ?: Long.MAX_VALUE))
        FieldKind.DECIMAL -> FieldValue.Decimal(1.5)
        FieldKind.DATE -> FieldValue.Date(2026, 12u, 3u)
        FieldKind.DATE_TIME -> FieldValue.Instant(NOW)
        FieldKind.YES_NO -> FieldValue.YesNo(true)
        FieldKind.CHOICE -> FieldValue.Text(f.choices[item % f.choices.size].code)
        FieldKind.PARTY -> FieldValue.Text(case.parties.first().id)
        FieldKind.OFFICER_CERTIFICATE -> FieldValue.Text(case.officers[item % case.officers.size].certNo)
        FieldKind.EVIDENCE -> FieldValue.Text(case.evidence.first().id)
        FieldKind.RECORD -> FieldValue.Text(case.records.first { it.status == "finalized" }.id)
        FieldKind.PERSON, FieldKind.GROUP -> error("${f.path} is filled through its fields")
    }
}

private val NOW: Instant = Instant.now()

/**
 * The generic renderer's fill, through the view-model only: every required field that is shown,
 * one item in every required list (as many as the list's minimum), a person's relation from the
 * form's default for that person. A field shown by another one after it is reached on a second
 * pass, as an inspector would come back to it.
 */
private suspend fun fillRequired(form: RecordFormViewModel) {
    val ix = SchemaIndex(form.state.value.schema!!)
    val major = form.state.value.majorCase
    suspend fun walk(f: FormFieldView, path: String, item: Int) {
        val composite = f.kind == FieldKind.PERSON || f.kind == FieldKind.GROUP
        if (!composite) {
            form.edit(path, generated(f, item, form.state.value)).join()
            return
        }
        val kids = ix.children(f.path)
        val needed = kids.filter { needed(it, major) && it.kind != FieldKind.GROUP }
        for (c in kids) {
            val fillIt = if (needed.isEmpty()) {
                c.kind != FieldKind.PERSON && c.kind != FieldKind.GROUP && c.maxItems == null
            } else {
                c in needed
            }
            when {
                c.name == "relation" && f.kind == FieldKind.PERSON ->
                    form.edit("$path.relation", FieldValue.Text(f.personRelation!!)).join()
                fillIt -> walk(c, "$path.${c.name}", item)
            }
        }
    }
    val done = HashSet<String>()
    repeat(2) {
        for (f in ix.children(null)) {
            if (f.name in done || !needed(f, major)) continue
            if (!relevant(f, "", form.state.value.values, major)) continue
            done += f.name
            val max = f.maxItems
            if (max == null) {
                walk(f, f.name, 0)
            } else {
                val n = maxOf(f.minItems?.toInt() ?: 1, 1)
                while ((form.state.value.rows.firstOrNull { it.path == f.name }?.items ?: 0) < n) form.addItem(f.name).join()
                for (i in 0 until n) walk(f, "${f.name}[$i]", i)
            }
        }
    }
}

suspend fun everyKindIsFilledFromTheSchemaAlone() = withWorkspace { ws ->
    val case = ws.sampleCase()
    ws.finalizedInquiry(case.id)
    val shot = ws.repo.captureFile(ws.captureInput(case.id), photo()).ok()
    val kinds = ws.repo.recordKinds().ok()
    val refused = ArrayList<String>()
    for (kind in kinds) {
        val form = RecordFormViewModel(ws.repo, case.id, ws.scope)
        form.load().join()
        form.selectKind(kind.code).join()
        fillRequired(form)
        form.save().join()
        val saved = form.state.value.record
        if (saved == null) {
            refused += "${kind.code}: ${form.state.value.error} ${form.state.value.fieldErrors}"
            continue
        }
        // A kind that must be recorded on audio/video gets its photo before it is finalized.
        if (form.state.value.schema!!.av == AvNeed.Required) {
            ws.repo.captureFile(ws.captureInput(case.id, recordId = saved.id), photo()).ok()
        }
        form.finalizeRecord().join()
        val done = form.state.value.record
        if (done?.status != "finalized") refused += "${kind.code}: ${form.state.value.error} ${form.state.value.fieldErrors}"
    }
    assertEquals(emptyList(), refused, "kinds the core refused")
    assertNotNull(shot)
    assertTrue(ws.repo.formDrafts(case.id).ok().isEmpty(), "every draft became its record")
}

suspend fun aMissingFieldComesBackOnItsPathWithItsArticle() = withWorkspace { ws ->
    val form = ws.form()
    form.fillSample("inquiry_record").join()
    form.edit("place", FieldValue.Empty).join()
    while (form.state.value.rows.single { it.path == "qa" }.items > 0) form.removeItem("qa", 0).join()
    form.save().join()
    assertNotNull(form.state.value.record, "a draft may lack required fields")
    form.finalizeRecord().join()
    val s = form.state.value
    assertEquals("draft", s.record?.status)
    val place = assertNotNull(s.fieldErrors["place"], "${s.fieldErrors} ${s.error}") as UiText.Core
    assertTrue("必填" in place.text && "第" in place.text, place.text)
    assertNotNull(s.fieldErrors["qa"], "every missing field, not only the first: ${s.fieldErrors}")
}

suspend fun aBadValueIsNamedByItsPath() = withWorkspace { ws ->
    val form = ws.form()
    form.selectKind("inquiry_record").join()
    form.edit("interviewee.id_doc.doc_type", FieldValue.Text("resident_id_card")).join()
    form.edit("interviewee.id_doc.number", FieldValue.Text("123")).join()
    form.edit("end_at", FieldValue.Date(2026, 2u, 30u)).join()
    form.save().join()
    val s = form.state.value
    assertNull(s.record)
    assertEquals(setOf("end_at"), s.fieldErrors.keys.filter { it == "end_at" }.toSet(), "${s.fieldErrors}")
    assertTrue(s.draftId != null, "kept as a draft all the same")
}

suspend fun aDraftComesBackAfterTheFormIsGone() = withWorkspace { ws ->
    val form = ws.form()
    form.selectKind("inquiry_record").join()
    form.edit("place", FieldValue.Text("三楼会议室")).join()
    form.addItem("qa").join()
    form.edit("qa[0].question", FieldValue.Text("贵单位2025年的营业收入是多少？")).join()
    assertNotNull(form.state.value.draftId)

    // The app is gone; a new screen on the same case offers the form in progress.
    val again = RecordFormViewModel(ws.repo, form.caseId, ws.scope)
    again.load().join()
    val draft = again.state.value.drafts.single()
    assertEquals("inquiry_record", draft.kind)
    again.resume(draft).join()
    assertEquals(FieldValue.Text("三楼会议室"), again.state.value.values["place"])
    assertEquals(FieldValue.Text("贵单位2025年的营业收入是多少？"), again.state.value.values["qa[0].question"])
    assertEquals(1, again.state.value.rows.single { it.path == "qa" }.items)
    again.discard().join()
    assertTrue(ws.repo.formDrafts(form.caseId).ok().isEmpty())
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
    form.edit("place", FieldValue.Text("抚顺市宏达机械制造有限公司三楼会议室")).join()
    form.save().join()
    assertEquals(ErrorKind.INVALID, form.state.value.error?.kind)
    assertEquals("reason", form.state.value.error?.field)
    assertEquals(1u, form.state.value.record?.version)
    form.save(reason = "更正询问地点").join()
    val amended = assertNotNull(form.state.value.record)
    assertEquals(2u, amended.version)
    assertEquals(FieldValue.Text("抚顺市宏达机械制造有限公司三楼会议室"), amended.fields.single { it.path == "place" }.value)

    form.finalizeRecord().join()
    val done = assertNotNull(form.state.value.record)
    assertEquals("finalized", done.status, "${form.state.value.error}")
    assertEquals(listOf("interviewee", "officer", "officer"), done.slots.map { it.role })
    assertEquals(false, form.state.value.canFinalize)

    // Amending starts from the record's own fields.
    val again = RecordFormViewModel(ws.repo, form.caseId, ws.scope)
    again.load(amend = done).join()
    assertEquals("inquiry_record", again.state.value.kind)
    assertEquals(FieldValue.Text("抚顺市宏达机械制造有限公司三楼会议室"), again.state.value.values["place"])
}

suspend fun aServiceFormShowsWhatItsMethodNeeds() = withWorkspace { ws ->
    val form = ws.form()
    form.selectKind("service_receipt").join()
    fun shown() = form.state.value.rows.map { it.path }.toSet()
    assertTrue("tracking_no" !in shown(), "no method yet")
    form.edit("method", FieldValue.Text("postal")).join()
    assertTrue("tracking_no" in shown())
    assertTrue("witnesses" !in shown())
    form.edit("method", FieldValue.Text("leave_at_premises")).join()
    assertTrue("witnesses" in shown() && "tracking_no" !in shown(), "${shown()}")
    val relevance = form.state.value.rows.single { it.path == "witnesses" }.field.relevant
    assertTrue(relevance is FieldRelevance.Equals && "leave_at_premises" in relevance.anyOf)
}
