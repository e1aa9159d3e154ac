/**
 * Every variant of the core's error becomes a UI state that keeps the core's own words, and the
 * sync screen knows what to do next for each.
 */
package org.casetrail.client

import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertIs
import kotlinx.coroutines.CancellationException
import org.casetrail.CaseTrailException
import org.casetrail.FieldProblem

/** The words a core error of [kind] carries in these tests. */
private fun words(kind: ErrorKind) = "核心原话（$kind）"

suspend fun everyCoreErrorBecomesUiError() {
    val errors = listOf(
        CaseTrailException.Invalid(
            "interviewee.name",
            "required",
            words(ErrorKind.INVALID),
            listOf(FieldProblem("interviewee.name", "required", "被询问人 › 姓名/名称：必填")),
        ),
        CaseTrailException.NotFound("case", "x", words(ErrorKind.NOT_FOUND)),
        CaseTrailException.NotAllowed("record_void", words(ErrorKind.NOT_ALLOWED)),
        CaseTrailException.Blocked(listOf("record_draft"), words(ErrorKind.BLOCKED)),
        CaseTrailException.KeyVault(words(ErrorKind.KEY_VAULT)),
        CaseTrailException.Storage("storage_full", words(ErrorKind.STORAGE)),
        CaseTrailException.NotEnrolled(words(ErrorKind.NOT_ENROLLED)),
        CaseTrailException.Offline(words(ErrorKind.OFFLINE)),
        CaseTrailException.Rejected("device_revoked", words(ErrorKind.REJECTED)),
        CaseTrailException.Untrusted(words(ErrorKind.UNTRUSTED)),
        CaseTrailException.Cancelled(words(ErrorKind.CANCELLED)),
    )
    val seen = errors.map { e ->
        val ui = attempt<Unit> { throw e }.errorOrNull()
        assertIs<UiError>(ui, "$e")
        assertEquals(UiText.Core(words(ui.kind)), ui.text, "$e keeps the core's words")
        ui
    }
    assertEquals(ErrorKind.entries - ErrorKind.UNEXPECTED, seen.map { it.kind })
    assertEquals("interviewee.name", seen[0].field)
    assertEquals("required", seen[0].code)
    assertEquals(listOf("interviewee.name"), seen[0].problems.map { it.path }, "every problem, by path")
    assertEquals(listOf("record_draft"), seen[3].findings)
    assertEquals("storage_full", seen[5].code)

    val actions = mapOf(
        ErrorKind.OFFLINE to SyncAction.RETRY_LATER,
        ErrorKind.UNTRUSTED to SyncAction.SECURITY_ALARM,
        ErrorKind.REJECTED to SyncAction.RE_ENROL,
        ErrorKind.NOT_ENROLLED to SyncAction.ENROL,
        ErrorKind.INVALID to SyncAction.FIX_INPUT,
        ErrorKind.CANCELLED to SyncAction.NONE,
        ErrorKind.STORAGE to SyncAction.SHOW_ERROR,
        ErrorKind.KEY_VAULT to SyncAction.SHOW_ERROR,
    )
    for ((kind, action) in actions) assertEquals(action, syncActionFor(seen.first { it.kind == kind }), "$kind")

    // Anything else is a generic state, not a crash; coroutine cancellation still propagates.
    assertEquals(UiText.App(Msg.UNEXPECTED), attempt<Unit> { error("boom") }.errorOrNull()?.text)
    val cancelled = runCatching { attempt<Unit> { throw CancellationException("left the screen") } }
    assertIs<CancellationException>(cancelled.exceptionOrNull())
}

suspend fun openWithWrongVaultIsAnErrorState() {
    withWorkspace { ws ->
        ws.sampleCase()
        // The same workspace opened with a vault that lacks its key is refused, not re-keyed.
        val other = CaseTrailRepository.open(File(ws.home, "ws").path, MemoryKeyVault(), "zh")
        assertEquals(ErrorKind.KEY_VAULT, other.errorOrNull()?.kind, "$other")
        assertIs<UiText.Core>(other.errorOrNull()?.text)
    }
}
