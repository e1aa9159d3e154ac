// Every error variant the app can meet crosses the boundary as its own Kotlin exception type,
// with its stable code and words for the user; and nothing is written when a call fails.
package org.casetrail.tests

import java.io.File
import java.net.ServerSocket
import java.util.UUID
import kotlin.concurrent.thread
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.casetrail.CancelToken
import org.casetrail.CaseTrail
import org.casetrail.CaseTrailException
import org.casetrail.KeyVault

fun invalidInput() = openWorkspace().use { ws ->
    val e = assertFailsWith<CaseTrailException.Invalid> {
        ws.createCase(ws.sampleCaseDraft("望统检〔2026〕9号").copy(cause = "no_such_cause"))
    }
    assertEquals("cause", e.field)
    assertEquals("bad_format", e.code)
    assertEquals(listOf("cause"), e.problems.map { it.path })
    assertTrue("格式" in e.userMessage, e.userMessage)
    val kind = assertFailsWith<CaseTrailException.Invalid> {
        ws.addRecord(UUID.randomUUID().toString(), "no_such_kind", "{}")
    }
    assertEquals("kind", kind.field)
    assertEquals(emptyList(), ws.listCases())
}

fun notFound() = openWorkspace().use { ws ->
    val missing = UUID.randomUUID().toString()
    val e = assertFailsWith<CaseTrailException.NotFound> { ws.caseDetail(missing) }
    assertEquals(missing, e.id)
}

fun notAllowed() = openWorkspace().use { ws ->
    val case = newCase(ws)
    val fields = ws.sampleRecordFields(case.id, "inquiry_record")
    val record = ws.addRecordFields(case.id, "inquiry_record", fields)
    assertEquals("void", ws.voidRecord(record.id, "录入错误，另行制作").status)
    val e = assertFailsWith<CaseTrailException.NotAllowed> { ws.voidRecord(record.id, "再次作废") }
    assertTrue(e.reason.isNotBlank())
    assertEquals(listOf("void"), ws.caseDetail(case.id).records.map { it.status })
}

fun blocked() = openWorkspace().use { ws ->
    val case = newCase(ws)
    finalized(ws, case, "inquiry_record")
    val e = assertFailsWith<CaseTrailException.Blocked> {
        ws.changeStatus(case.id, "closed", "调查结束")
    }
    assertTrue("signature_pending" in e.findings, e.findings.toString())
    assertTrue("孙丽" in e.userMessage && "{" !in e.userMessage, e.userMessage)
    assertEquals(case.status, ws.listCases().single().status)
}

private class FailingVault(val bug: Boolean) : KeyVault {
    override fun seal(name: String, secret: ByteArray) {
        if (bug) throw IllegalStateException("a bug in the host") else
            throw CaseTrailException.KeyVault("钥匙串不可用")
    }

    override fun unseal(name: String): ByteArray? = if (bug) error("a bug in the host") else null
}

fun keyVault() {
    for (bug in listOf(false, true)) {
        assertFailsWith<CaseTrailException.KeyVault> {
            openWorkspace(vault = FailingVault(bug))
        }
    }
    // The workspace's key is sealed in one vault; another vault cannot open it.
    val home = File(tempDir("phone"), "home")
    openWorkspace(home, MemoryVault()).use { newCase(it) }
    assertFailsWith<CaseTrailException.KeyVault> { openWorkspace(home, MemoryVault()) }
}

fun storage() {
    val file = File(tempDir("phone"), "a-file")
    file.writeText("x")
    val e = assertFailsWith<CaseTrailException.Storage> { openWorkspace(file) }
    assertTrue(e.code.isNotBlank())
}

fun notEnrolled() = openWorkspace().use { ws ->
    assertFailsWith<CaseTrailException.NotEnrolled> { runBlocking { ws.sync(false, null, null) } }
}

private fun closedPort(): Int = ServerSocket(0).use { it.localPort }

fun offline() = openWorkspace().use { ws ->
    val e = assertFailsWith<CaseTrailException.Offline> {
        runBlocking { ws.enrol("http://127.0.0.1:${closedPort()}", "AAAA-BBBB-CCCC-DDDD", null) }
    }
    // Words for the inspector; the technical detail goes to the log sink.
    assertTrue("稍后" in e.userMessage && "127.0.0.1" !in e.userMessage, e.userMessage)
    assertNull(ws.enrolment())
}

fun rejected() = openWorkspace().use { ws ->
    BackOffice().use { office ->
        val e = assertFailsWith<CaseTrailException.Rejected> {
            runBlocking { ws.enrol(office.url, "AAAA-BBBB-CCCC-DDDD", null) }
        }
        assertTrue(e.code.isNotBlank())
        assertNull(ws.enrolment())
    }
}

/** A "back office" that answers anything but the protocol raises the alarm. */
fun untrusted() = openWorkspace().use { ws ->
    ServerSocket(0).use { server ->
        thread(isDaemon = true) {
            while (!server.isClosed) {
                val conn = runCatching { server.accept() }.getOrNull() ?: break
                conn.use {
                    it.getInputStream().read(ByteArray(65536))
                    it.getOutputStream()
                        .write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello".toByteArray())
                }
            }
        }
        assertFailsWith<CaseTrailException.Untrusted> {
            val url = "http://127.0.0.1:${server.localPort}"
            runBlocking { ws.enrol(url, "AAAA-BBBB-CCCC-DDDD", null) }
        }
    }
}

fun cancelled() = openWorkspace().use { ws ->
    BackOffice().use { office ->
        runBlocking { ws.enrol(office.url, office.enrolCode(), null) }
        newCase(ws)
        val token = CancelToken()
        token.cancel()
        assertFailsWith<CaseTrailException.Cancelled> {
            runBlocking { ws.sync(false, null, token) }
        }
        assertTrue(ws.syncStatus(false).eventsPending > 0uL, "nothing was lost")
        assertTrue(runBlocking { ws.sync(false, null, CancelToken()) }.status.complete)
    }
}

/** The vault outlives the handle: the app can drop the handle and open the workspace again. */
fun reopen() {
    val home = File(tempDir("phone"), "home")
    val vault = MemoryVault()
    val id = CaseTrail.open(home.path, vault, "zh").use { ws -> newCase(ws).id }
    CaseTrail.open(home.path, vault, "zh").use { ws ->
        assertEquals(listOf(id), ws.listCases().map { it.id })
        assertTrue(ws.verifyJournal().sound)
    }
}
