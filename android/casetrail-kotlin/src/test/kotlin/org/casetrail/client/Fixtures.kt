/**
 * What the tests run on: a real workspace in a temporary folder (real SQLite, real media store)
 * opened through the real native library with an in-memory key vault, the repository's photo
 * fixtures, and a real back office started from the `casetrail` CLI on loopback.
 */
package org.casetrail.client

import java.io.File
import java.nio.file.Files
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.TimeUnit
import kotlin.test.fail
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import org.casetrail.CaptureInput
import org.casetrail.CaseRow
import org.casetrail.CaseTrail
import org.casetrail.CaseTrailException
import org.casetrail.KeyVault
import org.casetrail.Location
import org.casetrail.RecordView

/** The sample case's first officer (李明). */
const val OFFICER = "LN210404-0012"

/** A key vault in memory: seals once per name, as the contract says. */
class MemoryKeyVault : KeyVault {
    private val secrets = ConcurrentHashMap<String, ByteArray>()

    override fun seal(name: String, secret: ByteArray) {
        if (secrets.putIfAbsent(name, secret.copyOf()) != null) {
            throw CaseTrailException.KeyVault("$name is already sealed")
        }
    }

    override fun unseal(name: String): ByteArray? = secrets[name]?.copyOf()
}

fun env(name: String): String = System.getenv(name) ?: fail("environment variable $name is not set")

/** A photo from the repository's fixtures. */
fun photo(name: String = "orient-landscape-6.jpg"): String {
    val f = File(env("FIXTURES"), "photos/$name")
    if (!f.isFile) fail("missing fixture $f")
    return f.path
}

/** A fresh workspace with a repository and a scope for view-models; closes everything. */
class TestWorkspace : AutoCloseable {
    val home: File = Files.createTempDirectory("casetrail-android-test").toFile()
    val vault = MemoryKeyVault()
    private val core =
        try {
            CaseTrail.open(File(home, "ws").path, vault, "zh")
        } catch (e: Throwable) {
            home.deleteRecursively()
            throw e
        }
    val repo = CaseTrailRepository(core)
    val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)

    /** Opens the sample case under [caseNo]. */
    suspend fun sampleCase(caseNo: String = "望统执〔2026〕1号"): CaseRow =
        repo.sampleCaseDraft(caseNo).then { repo.createCase(it) }.ok()

    /** A finalized sample inquiry record (interviewee and two officer slots) in [caseId]. */
    suspend fun finalizedInquiry(caseId: String): RecordView =
        repo.sampleRecordFields(caseId, "inquiry_record")
            .then { repo.addRecordFields(caseId, "inquiry_record", it) }
            .then { repo.finalizeRecord(it.id) }
            .ok()

    /** A photo capture of the case by [OFFICER], for [recordId] if given. */
    fun captureInput(caseId: String, recordId: String? = null) = CaptureInput(
        caseId = caseId,
        recordId = recordId,
        kind = null,
        activity = "onsite_inspection",
        purpose = "证明现场情况",
        capturedBy = OFFICER,
        location = Location.NoFix("test"),
        address = "",
        originalName = "",
    )

    override fun close() {
        scope.cancel()
        core.close()
        home.deleteRecursively()
    }
}

/** The value of a successful outcome; fails the test otherwise. */
fun <T> Outcome<T>.ok(): T =
    when (this) {
        is Outcome.Ok -> value
        is Outcome.Failed -> fail("expected success, got $error")
    }

suspend fun <T> withWorkspace(body: suspend (TestWorkspace) -> T): T = TestWorkspace().use { body(it) }

/** A back office run from the CLI on a loopback port, stopped on close. */
class BackOffice : AutoCloseable {
    private val data: File = Files.createTempDirectory("casetrail-backoffice").toFile()
    private val process: Process = ProcessBuilder(env("CASETRAIL_BIN"), "--json", "server", "run", "--data", data.path, "--addr", "127.0.0.1:0")
        .redirectError(File(data, "server.log"))
        .start()
    val url: String = readUrl()

    private fun readUrl(): String {
        val lines = process.inputStream.bufferedReader()
        while (true) {
            val line = lines.readLine() ?: fail("the back office stopped: ${File(data, "server.log").readText()}")
            Regex("http://127\\.0\\.0\\.1:[0-9]+").find(line)?.let { return it.value }
        }
    }

    /** A one-time enrolment code for [officer]. */
    fun enrolCode(officer: String = OFFICER): String {
        val p = ProcessBuilder(env("CASETRAIL_BIN"), "server", "enrol-code", "--data", data.path, "--officer", officer)
            .redirectErrorStream(true)
            .start()
        val out = p.inputStream.bufferedReader().readText().trim()
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) fail("enrol-code failed: $out")
        return out.lines().last().trim()
    }

    override fun close() {
        process.destroy()
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly()
        data.deleteRecursively()
    }
}
