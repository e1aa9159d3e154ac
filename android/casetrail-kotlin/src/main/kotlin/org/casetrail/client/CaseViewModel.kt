/**
 * The case screen: the case with its records and evidence, what the regulation still requires
 * (findings, blocking first), its deadlines, and the actions taken from there: capturing a photo
 * or video the camera wrote to a file, finalizing or voiding a record, changing the status.
 *
 * After every action the whole screen is reloaded from the core, so findings and deadlines always
 * reflect what was just written. The activities a capture can record are the core's pick-list
 * ([Lists.ACTIVITY]).
 */
package org.casetrail.client

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import org.casetrail.CaptureInput
import org.casetrail.CaseDetail
import org.casetrail.Choice
import org.casetrail.DeadlineView
import org.casetrail.EvidenceView
import org.casetrail.FindingView
import org.casetrail.Location
import org.casetrail.OfficerView

data class CaseState(
    val loading: Boolean = false,
    val detail: CaseDetail? = null,
    val findings: List<FindingView> = emptyList(),
    val deadlines: List<DeadlineView> = emptyList(),
    val officers: List<OfficerView> = emptyList(),
    /** The officer using the phone (the enrolled one if on the case, else the first). */
    val me: String? = null,
    /** What a capture can record, as the core lists and labels it. */
    val activities: List<Choice> = emptyList(),
    /** The code of the activity the next capture records (one of [activities]). */
    val activity: String = "onsite_inspection",
    /** The evidence item the last capture produced. */
    val lastCaptured: EvidenceView? = null,
    val error: UiError? = null,
) {
    /** Findings that keep the case from closing. */
    val blocking: List<FindingView> get() = findings.filter { it.blocking && !it.overridden }
}

/** What a capture is about; the file itself comes from the camera. */
data class CaptureFacts(
    /** The code of the activity recorded, from the core's [Lists.ACTIVITY] (`onsite_inspection` …). */
    val activity: String,
    /** Why it was taken (证明对象). */
    val purpose: String,
    val recordId: String? = null,
    /** What the host thinks it is (`photo`, `video` …); the core decides from the content. */
    val kind: String? = null,
    val location: Location? = null,
    val address: String = "",
)

class CaseViewModel(
    private val repo: CaseTrailRepository,
    val caseId: String,
    scope: CoroutineScope,
) : CoreViewModel<CaseState>(CaseState(), scope) {

    fun refresh(): Job = launch { reload() }

    /** Picks the activity the next capture records. */
    fun selectActivity(code: String) = update { it.copy(activity = code) }

    /**
     * Captures the file at [path] (the camera's output) as evidence of this case, taken by the
     * officer [capturedBy] (default: [CaseState.me]). Without a location in [facts], [locate]
     * is asked for one (the phone's location reader: a fix, or why there is none), in the
     * view-model's scope, so leaving the screen does not lose the capture.
     */
    fun capture(
        path: String,
        facts: CaptureFacts,
        capturedBy: String? = null,
        locate: (suspend () -> Location)? = null,
    ): Job = launch {
        if (capturedBy == null && state.value.me == null) reload()
        val location = facts.location ?: locate?.invoke()
        val input = CaptureInput(
            caseId = caseId,
            recordId = facts.recordId,
            kind = facts.kind,
            activity = facts.activity,
            purpose = facts.purpose,
            capturedBy = capturedBy ?: state.value.me.orEmpty(),
            location = location,
            address = facts.address,
            originalName = path.substringAfterLast('/'),
        )
        act(repo.captureFile(input, path)) { s, evidence -> s.copy(lastCaptured = evidence) }
    }

    /** Finalizes a record: the core checks it and creates its signature slots. */
    fun finalizeRecord(recordId: String): Job = launch { act(repo.finalizeRecord(recordId)) }

    /** Voids a record with the reason; it stays in the case file, marked. */
    fun voidRecord(recordId: String, reason: String): Job = launch { act(repo.voidRecord(recordId, reason)) }

    /** Moves the case to [status]; closing is refused while a blocking finding stands. */
    fun changeStatus(status: String, reason: String): Job = launch { act(repo.changeStatus(caseId, status, reason)) }

    fun dismissError() = update { it.copy(error = null) }

    private suspend fun <T> act(outcome: Outcome<T>, onOk: (CaseState, T) -> CaseState = { s, _ -> s }) {
        when (outcome) {
            is Outcome.Ok -> {
                update { onOk(it, outcome.value).copy(error = null) }
                reload()
            }
            is Outcome.Failed -> update { it.copy(error = outcome.error) }
        }
    }

    private suspend fun reload() {
        update { it.copy(loading = true) }
        val screen = repo.caseScreen(caseId)
        val enrolled = repo.enrolment().valueOrNull()?.officer
        val activities = repo.choices(Lists.ACTIVITY)
        update { s ->
            when (screen) {
                is Outcome.Failed -> s.copy(loading = false, error = screen.error)
                is Outcome.Ok -> {
                    val officers = screen.value.detail.officers
                    s.copy(
                        loading = false,
                        detail = screen.value.detail,
                        findings = screen.value.findings,
                        deadlines = screen.value.deadlines,
                        officers = officers,
                        me = officers.firstOrNull { it.certNo == enrolled }?.certNo ?: officers.firstOrNull()?.certNo,
                        activities = activities.valueOrNull() ?: s.activities,
                        error = activities.errorOrNull() ?: s.error,
                    )
                }
            }
        }
    }
}
