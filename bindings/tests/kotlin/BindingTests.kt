// Entry point of the Kotlin binding tests (scripts/test-bindings runs it on the JVM against the
// built library): every test, in order; non-zero exit if any fails.
package org.casetrail.tests

fun main() = runAll(
    listOf(
        "the refusal-to-sign flow, then a sync to the back office" to ::refusalToSignThenSync,
        "pick-lists with their labels" to ::pickLists,
        "labels and messages in English" to ::englishLabels,
        "Invalid: bad JSON, unknown kind" to ::invalidInput,
        "NotFound: an unknown case" to ::notFound,
        "NotAllowed: voiding twice" to ::notAllowed,
        "Blocked: closing with findings" to ::blocked,
        "KeyVault: failing vaults, the wrong vault" to ::keyVault,
        "Storage: the home is a file" to ::storage,
        "NotEnrolled: sync before enrolment" to ::notEnrolled,
        "Offline: nobody listening" to ::offline,
        "Rejected: a wrong enrolment code" to ::rejected,
        "Untrusted: an answer outside the protocol" to ::untrusted,
        "Cancelled: a cancelled token" to ::cancelled,
        "reopening a workspace with its vault" to ::reopen,
        "capture on one thread while syncing on another" to ::captureWhileSyncing,
    ),
)
