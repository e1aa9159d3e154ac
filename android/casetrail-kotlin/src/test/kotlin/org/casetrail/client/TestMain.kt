/**
 * Runs the view-model tests on the JVM without a test engine: each test is a suspend function
 * run in turn; the run prints one line per test, then `N passed, N failed`, and exits non-zero if
 * any failed. Gradle's `jvmTest` task and `android/scripts/test-jvm` both start [main].
 */
package org.casetrail.client

import kotlin.system.exitProcess
import kotlinx.coroutines.runBlocking

private val tests: List<Pair<String, suspend () -> Unit>> = listOf(
    "errors: every core error becomes a UI state" to { everyCoreErrorBecomesUiError() },
    "repository: a vault without the workspace key is an error state" to { openWithWrongVaultIsAnErrorState() },
    "repository: pick-lists come from the core, in its language" to { pickListsComeFromTheCore() },
    "case list: a created case shows in the list" to { createdCaseShowsInList() },
    "case list: a bad draft is an error state" to { badDraftIsAnErrorState() },
    "case: detail, officers, photo capture" to { caseDetailAndPhotoCapture() },
    "case: findings follow the records, closing is blocked" to { findingsFollowRecordsAndCloseIsBlocked() },
    "record form: opens from the schema with the case's defaults" to { formOpensFromTheSchemaWithTheCaseDefaults() },
    "record form: labels follow the workspace's language" to { formLabelsFollowTheLanguage() },
    "record form: every kind is filled from the schema alone and accepted" to { everyKindIsFilledFromTheSchemaAlone() },
    "record form: a missing field comes back on its path with its article" to { aMissingFieldComesBackOnItsPathWithItsArticle() },
    "record form: a bad value is named by its path, the draft kept" to { aBadValueIsNamedByItsPath() },
    "record form: a draft comes back after the form is gone" to { aDraftComesBackAfterTheFormIsGone() },
    "record form: a service shows what its method needs" to { aServiceFormShowsWhatItsMethodNeeds() },
    "record form: save, amend with reason, finalize" to { saveAmendFinalize() },
    "signature: pad strokes sign the slot" to { padStrokesSignTheSlot() },
    "signature: the words affirmed above the pad" to { affirmationAboveThePad() },
    "signature: an amended record cannot be signed on the old version" to { staleVersionIsNotSigned() },
    "refusal: cannot submit until the rules are met, then the slot is refused" to { refusalNeedsEverythingThenRefuses() },
    "refusal: officer slots cannot be refused" to { officerSlotIsNotRefusable() },
    "refusal: the core's own field errors land on the sheet" to { coreRefusalErrorLandsOnField() },
    "serve: left at the premises with a witness who signs and a photo" to { serveLeftAtPremisesWithWitnessAndPhoto() },
    "serve: the inputs asked follow the method" to { serveInputsFollowTheMethod() },
    "sync: not enrolled leads to the enrol screen" to { notEnrolledLeadsToEnrol() },
    "sync: unreachable back office means retry later" to { unreachableMeansRetryLater() },
    "sync: a bad address is an input error" to { badAddressIsInputError() },
    "sync: enrol and sync with a real back office" to { enrolAndSyncWithBackOffice() },
)

fun main(args: Array<String>) {
    val only = args.firstOrNull()
    var passed = 0
    var failed = 0
    for ((name, test) in tests) {
        if (only != null && !name.contains(only)) continue
        val start = System.nanoTime()
        try {
            runBlocking { test() }
            passed++
            println("PASS $name (${(System.nanoTime() - start) / 1_000_000} ms)")
        } catch (e: Throwable) {
            failed++
            println("FAIL $name: $e")
            e.stackTrace.filter { it.className.startsWith("org.casetrail.client") }.take(4).forEach { println("    at $it") }
        }
    }
    println("$passed passed, $failed failed")
    if (failed > 0 || passed == 0) exitProcess(1)
}
