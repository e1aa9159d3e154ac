/**
 * The home screen: every case on the phone, newest first, with the deadlines that are due across
 * them, and opening a new case from a draft.
 */
package org.casetrail.client

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import org.casetrail.CaseDraftInput
import org.casetrail.CaseRow
import org.casetrail.DeadlineView

data class CaseListState(
    val loading: Boolean = false,
    val cases: List<CaseRow> = emptyList(),
    /** Open deadlines across all cases, soonest first. */
    val due: List<DeadlineView> = emptyList(),
    /** The case just opened, for the screen to navigate to; cleared by [CaseListViewModel.opened]. */
    val created: CaseRow? = null,
    val error: UiError? = null,
)

class CaseListViewModel(
    private val repo: CaseTrailRepository,
    scope: CoroutineScope,
) : CoreViewModel<CaseListState>(CaseListState(), scope) {

    /** Reloads the cases and the due deadlines. */
    fun refresh(): Job = launch { reload() }

    /** Opens a case from what the inspector entered. */
    fun createCase(draft: CaseDraftInput): Job = launch { create(Outcome.Ok(draft)) }

    /** Opens the sample case (two officers, one company) under [caseNo]: demo and training. */
    fun createSampleCase(caseNo: String): Job = launch { create(repo.sampleCaseDraft(caseNo)) }

    /** The screen has navigated to the created case. */
    fun opened() = update { it.copy(created = null) }

    fun dismissError() = update { it.copy(error = null) }

    private suspend fun create(draft: Outcome<CaseDraftInput>) {
        update { it.copy(loading = true, error = null) }
        when (val made = draft.then { repo.createCase(it) }) {
            is Outcome.Ok -> {
                update { it.copy(created = made.value) }
                reload()
            }
            is Outcome.Failed -> update { it.copy(loading = false, error = made.error) }
        }
    }

    private suspend fun reload() {
        update { it.copy(loading = true) }
        val cases = repo.listCases()
        val due = repo.due()
        update {
            it.copy(
                loading = false,
                cases = cases.valueOrNull() ?: it.cases,
                due = due.valueOrNull() ?: it.due,
                error = cases.errorOrNull() ?: due.errorOrNull(),
            )
        }
    }
}
