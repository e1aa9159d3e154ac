// What the Kotlin binding tests share: a tiny runner (no JUnit offline; each test is a named
// function, failures are collected and the process exits non-zero), an in-memory key vault, a
// real back office (`casetrail server run`) on loopback, and helpers to build inputs.
package org.casetrail.tests

import java.io.File
import java.nio.file.Files
import java.util.concurrent.ConcurrentHashMap
import org.casetrail.CaptureInput
import org.casetrail.CaseRow
import org.casetrail.CaseTrail
import org.casetrail.CaseTrailException
import org.casetrail.KeyVault
import org.casetrail.Location
import org.casetrail.PadPoint
import org.casetrail.PadStrokes
import org.casetrail.RecordView

const val OFFICER = "LN210404-0012"
const val OFFICER_2 = "LN210404-0027"

val fixtures = File(System.getenv("FIXTURES") ?: "tests/fixtures")
val casetrailBin: String = System.getenv("CASETRAIL_BIN") ?: "target/debug/casetrail"

/** Runs the named tests in order; prints each outcome; exits 1 if any failed. */
fun runAll(tests: List<Pair<String, () -> Any?>>) {
    val failed = mutableListOf<String>()
    for ((name, test) in tests) {
        val started = System.nanoTime()
        try {
            test()
            println("ok      $name (${(System.nanoTime() - started) / 1_000_000} ms)")
        } catch (t: Throwable) {
            failed += name
            println("FAILED  $name")
            t.printStackTrace(System.out)
        }
    }
    println("${tests.size - failed.size} passed, ${failed.size} failed")
    if (failed.isNotEmpty()) kotlin.system.exitProcess(1)
}

/** What the Android Keystore / iOS Keychain do for the app, kept in a map. */
class MemoryVault : KeyVault {
    val secrets = ConcurrentHashMap<String, ByteArray>()

    override fun seal(name: String, secret: ByteArray) {
        if (secrets.putIfAbsent(name, secret.copyOf()) != null) {
            throw CaseTrailException.KeyVault("$name is already sealed")
        }
    }

    override fun unseal(name: String): ByteArray? = secrets[name]?.copyOf()
}

fun tempDir(prefix: String): File = Files.createTempDirectory(prefix).toFile()

fun openWorkspace(home: File = File(tempDir("phone"), "home"), vault: KeyVault = MemoryVault()) =
    CaseTrail.open(home.path, vault, "zh")

/** `casetrail server run` as a child process on a free loopback port. */
class BackOffice : AutoCloseable {
    val data = File(tempDir("backoffice"), "data")
    private val process: Process =
        ProcessBuilder(casetrailBin, "--json", "server", "run", "--data", data.path,
            "--addr", "127.0.0.1:0")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start()
    val url: String

    init {
        val reader = process.inputStream.bufferedReader()
        var found: String? = null
        while (found == null) {
            val line = reader.readLine() ?: break
            if ("\"url\"" in line) found = line.split('"').firstOrNull { it.startsWith("http://") }
        }
        url = found ?: run {
            process.destroyForcibly()
            error("the back office did not announce its url")
        }
    }

    fun enrolCode(officer: String = OFFICER): String {
        val p = ProcessBuilder(casetrailBin, "server", "enrol-code", "--data", data.path,
            "--officer", officer).start()
        val code = p.inputStream.bufferedReader().readText().trim()
        check(p.waitFor() == 0) { "enrol-code failed" }
        return code
    }

    override fun close() {
        process.destroyForcibly().waitFor()
    }
}

/** A short handwritten mark on a 480x200 pad, different for each seed. */
fun strokes(seed: Int) = PadStrokes(
    width = 480u,
    height = 200u,
    strokes = listOf(
        (0 until 24).map { i ->
            PadPoint(
                x = 40f + 12 * i,
                y = 80f + ((seed * 7 + i * 5) % 60),
                tMs = (16 * i).toUInt(),
                pressure = 0.5f,
            )
        },
    ),
)

fun captureInput(caseId: String, recordId: String?, kind: String, name: String, activity: String) =
    CaptureInput(
        caseId = caseId,
        recordId = recordId,
        kind = kind,
        activity = activity,
        purpose = "当事人拒绝签字的现场",
        capturedBy = OFFICER,
        location = Location.Fix(lat = 41.8869, lon = 123.8712, accuracyM = 6.0, gcj02 = false),
        address = "辽宁省抚顺市望花区和平路东段18号",
        originalName = name,
    )

fun newCase(ws: CaseTrail, caseNo: String = "望统检〔2026〕51号"): CaseRow =
    ws.createCase(ws.sampleCaseDraft(caseNo))

fun finalized(ws: CaseTrail, case: CaseRow, kind: String): RecordView {
    val draft = ws.addRecordFields(case.id, kind, ws.sampleRecordFields(case.id, kind))
    check(draft.status == "draft")
    return ws.finalizeRecord(draft.id)
}

/** A small MP4 header and padding: what a camera buffer's first bytes look like. */
val clip: ByteArray = byteArrayOf(0, 0, 0, 0x18) + "ftypmp42".toByteArray() +
    byteArrayOf(0, 0, 0, 0) + "mp42isom".toByteArray() + ByteArray(4096)
