// The whole refusal-to-sign flow through the generated Kotlin bindings on the JVM, as the Android
// app drives it: a case, an inquiry record, the officers sign, the interviewee refuses (reason,
// witness, photo and video), a rectification order is left at the premises, the regulation's
// findings and deadlines follow, and a sync to a real back office on loopback carries it all.
package org.casetrail.tests

import java.io.File
import java.security.MessageDigest
import java.util.Collections
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.casetrail.CaseTrailException
import org.casetrail.FieldValue
import org.casetrail.LogLevel
import org.casetrail.LogSink
import org.casetrail.RefusalInput
import org.casetrail.ServeInput
import org.casetrail.SyncListener
import org.casetrail.SyncProgress
import org.casetrail.WitnessInput
import org.casetrail.setLogSink

private fun sha256(bytes: ByteArray): String =
    MessageDigest.getInstance("SHA-256").digest(bytes).joinToString("") { "%02x".format(it) }

class Recorder : SyncListener {
    val seen: MutableList<SyncProgress> = Collections.synchronizedList(mutableListOf())
    override fun onProgress(progress: SyncProgress) {
        seen += progress
    }
}

class Logs : LogSink {
    val lines: MutableList<String> = Collections.synchronizedList(mutableListOf())
    override fun log(level: LogLevel, target: String, message: String) {
        lines += "$level $target $message"
    }
}

fun refusalToSignThenSync() {
    val logs = Logs()
    assertTrue(setLogSink(logs, LogLevel.INFO), "the first sink is installed")
    val ws = openWorkspace()
    val case = newCase(ws)
    assertEquals(listOf("望统检〔2026〕51号"), ws.listCases().map { it.caseNo })
    assertEquals("调查取证", case.stageLabel)

    val inquiry = finalized(ws, case, "inquiry_record")
    assertEquals("finalized", inquiry.status)
    assertEquals("已定稿", inquiry.statusLabel)
    val roles = inquiry.slots.map { it.role }.sorted()
    assertEquals(listOf("interviewee", "officer", "officer"), roles)
    val interviewee = inquiry.slots.single { it.role == "interviewee" }
    assertTrue(interviewee.refusable && "相符" in interviewee.affirmation)
    assertTrue(inquiry.slots.filter { it.role == "officer" }.none { it.refusable })
    val pending = ws.findings(case.id).filter { it.code == "signature_pending" }
    assertEquals(3, pending.size)
    assertTrue(pending.all { it.blocking })
    assertTrue(pending.any { interviewee.signerName in it.message }, pending.toString())

    inquiry.slots.filter { it.role == "officer" }.forEachIndexed { i, slot ->
        val signed = ws.signSlot(inquiry.id, slot.id, inquiry.contentHash, strokes(i), "")
        assertEquals("signed", signed.slots.single { it.id == slot.id }.state)
    }

    // The photo, from a file: kept byte for byte, with a watermarked copy.
    val photoFile = File(fixtures, "photos/orient-landscape-6.jpg")
    val photo = ws.captureFile(
        captureInput(case.id, inquiry.id, "photo", photoFile.name, "refusal_to_sign"),
        photoFile.path,
    )
    assertEquals("photo", photo.kind)
    assertEquals(sha256(photoFile.readBytes()), photo.sha256)
    assertTrue(File(photo.originalPath).readBytes().contentEquals(photoFile.readBytes()))
    assertNotNull(photo.derivativePath)
    assertTrue(photo.derivativeSha256 != photo.sha256)

    // The video, from the camera's buffer; each AV item starts a 24-hour upload clock.
    val video = ws.captureBytes(
        captureInput(case.id, inquiry.id, "video", "refusal.mp4", "refusal_to_sign"),
        clip,
    )
    assertEquals("video", video.kind)
    assertEquals(clip.size.toULong(), video.size)
    val clocks = ws.deadlines(case.id).filter { it.kind == "av_upload_24h" }
    assertEquals(2, clocks.size)
    assertTrue(clocks.all { it.state == "ok" && it.metAt == null })

    // A refusal with no witness and no audio/video is refused, and nothing is written.
    val events = ws.verifyJournal().events
    val refusal = RefusalInput(
        recordId = inquiry.id,
        slotId = interviewee.id,
        contentHash = inquiry.contentHash,
        reason = "disputes_content",
        reasonText = "被询问人认为笔录记载的数字有误",
        notedBy = OFFICER,
        annotation = "被询问人拒绝签字，执法人员注明原因并现场录像",
        witness = null,
        avEvidence = emptyList(),
    )
    val bare = assertFailsWith<CaseTrailException.Invalid> { ws.refuseSlot(refusal) }
    assertTrue(bare.userMessage.isNotBlank())
    assertEquals(events, ws.verifyJournal().events)

    // The party's own representative cannot witness its refusal.
    val partisan = assertFailsWith<CaseTrailException.Invalid> {
        ws.refuseSlot(
            refusal.copy(
                witness = WitnessInput("赵建国", "legal_rep", "总经理", null),
                avEvidence = listOf(photo.id, video.id),
            ),
        )
    }
    assertEquals("witness.person.relation", partisan.field)
    assertEquals(events, ws.verifyJournal().events)
    val witnesses = ws.choices("witness_relation").map { it.code }
    assertTrue("witness" in witnesses && "legal_rep" !in witnesses, witnesses.toString())

    val refused = ws.refuseSlot(
        refusal.copy(
            witness = WitnessInput("刘建华", "witness", "园区物业经理", strokes(9)),
            avEvidence = listOf(photo.id, video.id),
        ),
    )
    val refusedSlot = refused.slots.single { it.id == interviewee.id }
    assertEquals("refused" to "拒签", refusedSlot.state to refusedSlot.stateLabel)
    assertEquals(emptyList(), ws.findings(case.id).filter { it.code == "signature_pending" })

    // A rectification order, left at the premises (Art. 17): officers, witness, a photo.
    val order = finalized(ws, case, "rectification_order")
    val shot = ws.captureFile(
        captureInput(case.id, null, "photo", photoFile.name, "service_leave"),
        photoFile.path,
    )
    val receipt = ws.serveDocument(
        ServeInput(
            documentId = order.id,
            method = "leave_at_premises",
            servedAt = null,
            address = "辽宁省抚顺市望花区和平路东段18号",
            receiverName = "赵建国",
            receiverRelation = "",
            officers = listOf(OFFICER, OFFICER_2),
            refusalReason = "法定代表人拒绝签收",
            witnesses = listOf(WitnessInput("刘建华", "grassroots_rep", "社区工作人员", strokes(7))),
            avEvidence = listOf(shot.id),
            trackingNo = "",
            noticeMedium = "",
            whyOtherMethodsFailed = "",
        ),
    )
    assertEquals("service_receipt", receipt.kind)
    assertEquals(case.id, receipt.caseId)
    // The witness signed on the phone, and the receipt is timed by the workspace clock.
    assertEquals("signed", receipt.slots.single { it.role == "witness" }.state)
    assertTrue(receipt.fields.any { it.path == "served_at" && it.value is FieldValue.Instant }, "${receipt.fields}")
    assertTrue(receipt.fields.any { it.path == "witnesses[0].position" && it.value == FieldValue.Text("社区工作人员") })

    val detail = ws.caseDetail(case.id)
    assertEquals(setOf(inquiry.id, order.id, receipt.id), detail.records.map { it.id }.toSet())
    assertTrue(detail.evidence.map { it.id }.containsAll(listOf(photo.id, video.id, shot.id)))
    val verified = ws.verifyJournal()
    assertTrue(verified.sound, verified.defects.toString())

    // Sync: enrol with a one-time code; everything reaches the back office, verified.
    BackOffice().use { office ->
        val before = ws.syncStatus(false)
        assertTrue(!before.enrolled && before.eventsPending == verified.events)
        assertTrue(before.mediaPending >= 3uL)
        runBlocking { ws.enrol(office.url, office.enrolCode(), null) }
        assertEquals(OFFICER, ws.enrolment()?.officer)
        val recorder = Recorder()
        val report = runBlocking { ws.sync(false, recorder, null) }
        assertTrue(report.status.complete, report.toString())
        // Acknowledged: everything captured plus this sync's clock-skew reading.
        assertEquals(verified.events + 1uL, report.eventsAcked)
        assertEquals(before.mediaPending, report.mediaAcked)
        assertEquals(0uL, report.status.eventsPending)
        assertEquals(0uL, report.status.mediaPending)
        assertTrue((report.status.checkpointSize ?: 0uL) >= report.eventsAcked)
        assertTrue(recorder.seen.first() is SyncProgress.Connecting, recorder.seen.toString())
        assertTrue(recorder.seen.any { it is SyncProgress.Events && it.done == it.total })
        assertTrue(recorder.seen.any { it is SyncProgress.Media && it.filesDone == it.filesTotal })
        val met = ws.deadlines(case.id).filter { it.kind == "av_upload_24h" }
        assertEquals(3, met.size)
        assertTrue(met.all { it.state == "met" && it.metAt != null }, met.toString())
        assertNull(ws.syncStatus(false).oldestAvPending)
        assertTrue(logs.lines.any { "sync finished" in it }, logs.lines.toString())
    }
    ws.close()
}

/** The pick-lists the screens offer carry the codes the calls take, labelled in Chinese. */
fun pickLists() = openWorkspace().use { ws ->
    val reasons = ws.choices("refusal_reason")
    assertEquals("对笔录内容有异议", reasons.single { it.code == "disputes_content" }.label)
    val relations = ws.choices("relation").map { it.code }
    assertTrue("witness" in relations && "grassroots_rep" in relations, relations.toString())
    val leave = ws.choices("service_method").single { it.code == "leave_at_premises" }
    assertEquals("留置送达", leave.label)
    val e = assertFailsWith<CaseTrailException.Invalid> { ws.choices("colours") }
    assertEquals("list", e.field)
    // Form fields are labelled by the path the JSON and the field errors use.
    assertEquals("被询问人 › 身份证件 › 号码", ws.fieldLabel("interviewee.id_doc.number"))
}

fun englishLabels() {
    openWorkspace().use { ws ->
        ws.setLanguage("en")
        assertEquals("Investigation", newCase(ws).stageLabel)
        val e = assertFailsWith<CaseTrailException.Invalid> { ws.caseDetail("not-an-id") }
        assertEquals("case_id", e.field)
        assertTrue(e.userMessage.all { it.code < 128 }, e.userMessage)
    }
}
