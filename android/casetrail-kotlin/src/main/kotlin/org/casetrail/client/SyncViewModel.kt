/**
 * The sync screen: enrolment with the bureau's back office, what is still owed to it, and a sync
 * run with its progress and a cancel button.
 *
 * Progress comes from the core through a [SyncListener] on the core's own threads; cancelling
 * goes through a [CancelToken], so the run stops at its next step and keeps everything already
 * acknowledged (leaving the screen cancels it the same way). A failure becomes the one thing the
 * officer should do next ([SyncAction]): wait and retry, raise the alarm, enrol again, or enrol.
 */
package org.casetrail.client

import java.util.concurrent.atomic.AtomicReference
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import org.casetrail.CancelToken
import org.casetrail.EnrolmentView
import org.casetrail.SyncListener
import org.casetrail.SyncProgress
import org.casetrail.SyncReportView
import org.casetrail.SyncStatusView

/** What the officer should do after a failed enrolment or sync. */
enum class SyncAction {
    /** The network or back office is unavailable; nothing is lost, try again later. */
    RETRY_LATER,

    /** The back office's answer did not verify (or TLS failed): report it, do not retry blindly. */
    SECURITY_ALARM,

    /** The back office refused this device (revoked, bad code): enrol again with a new code. */
    RE_ENROL,

    /** Not enrolled yet: go to the enrolment screen. */
    ENROL,

    /** The address or code typed is not usable. */
    FIX_INPUT,

    /** Cancelled by the officer: nothing to do. */
    NONE,

    /** Anything else (storage, key vault …): show the message. */
    SHOW_ERROR,
}

/** The sync screen's next step for [error]. */
fun syncActionFor(error: UiError): SyncAction =
    when (error.kind) {
        ErrorKind.OFFLINE -> SyncAction.RETRY_LATER
        ErrorKind.UNTRUSTED -> SyncAction.SECURITY_ALARM
        ErrorKind.REJECTED -> SyncAction.RE_ENROL
        ErrorKind.NOT_ENROLLED -> SyncAction.ENROL
        ErrorKind.INVALID -> SyncAction.FIX_INPUT
        ErrorKind.CANCELLED -> SyncAction.NONE
        else -> SyncAction.SHOW_ERROR
    }

sealed interface SyncPhase {
    data object Idle : SyncPhase

    data object Enrolling : SyncPhase

    data object Running : SyncPhase

    data class Done(val report: SyncReportView) : SyncPhase

    data class Failed(val action: SyncAction, val error: UiError) : SyncPhase
}

data class SyncState(
    val status: SyncStatusView? = null,
    val enrolment: EnrolmentView? = null,
    val phase: SyncPhase = SyncPhase.Idle,
    /** The latest progress of the current (or last) run. */
    val progress: SyncProgress? = null,
    /** On mobile data: big files wait for Wi-Fi unless due soon. */
    val metered: Boolean = false,
    /** A problem loading the status (the run's own failure is in [phase]). */
    val error: UiError? = null,
) {
    val busy: Boolean get() = phase == SyncPhase.Running || phase == SyncPhase.Enrolling
}

class SyncViewModel(
    private val repo: CaseTrailRepository,
    scope: CoroutineScope,
) : CoreViewModel<SyncState>(SyncState(), scope) {
    private val running = AtomicReference<CancelToken?>(null)

    private val listener = object : SyncListener {
        override fun onProgress(progress: SyncProgress) = update { it.copy(progress = progress) }
    }

    /** Reloads the enrolment and what is still owed. */
    fun refresh(): Job = launch { reload() }

    /** The network the phone is on now. */
    fun setMetered(metered: Boolean) = update { it.copy(metered = metered) }

    /** Enrols with the back office at [url] using the one-time [code]; [caPem] pins its CA. */
    fun enrol(url: String, code: String, caPem: String? = null): Job = launch {
        if (!start(SyncPhase.Enrolling)) return@launch
        when (val enrolled = repo.enrol(url.trim(), code.trim(), caPem?.ifBlank { null })) {
            is Outcome.Ok -> update { it.copy(phase = SyncPhase.Idle, enrolment = enrolled.value) }
            is Outcome.Failed -> fail(enrolled.error)
        }
        reload()
    }

    /** Delivers everything queued. One run at a time. */
    fun sync(): Job = launch {
        // The token is in place before the screen shows a cancel button.
        val token = CancelToken()
        if (!running.compareAndSet(null, token)) {
            token.close()
            return@launch
        }
        if (!start(SyncPhase.Running)) {
            running.set(null)
            token.close()
            return@launch
        }
        val outcome = try {
            repo.sync(state.value.metered, listener, token)
        } catch (e: CancellationException) {
            token.cancel()
            throw e
        } finally {
            running.set(null)
        }
        when (outcome) {
            is Outcome.Ok -> update { it.copy(phase = SyncPhase.Done(outcome.value), status = outcome.value.status) }
            is Outcome.Failed -> {
                fail(outcome.error)
                reload()
            }
        }
    }

    /** Cancels the running sync, if any: it stops at its next step. */
    fun cancel() {
        running.get()?.cancel()
    }

    /** Re-enables the files parked after permanent failures (after an update fixed the cause). */
    fun retryWedged(): Job = launch {
        repo.retryWedged().errorOrNull()?.let { e -> update { it.copy(error = e) } }
        reload()
    }

    /** Moves to [phase] unless an enrolment or sync is already under way. */
    private fun start(phase: SyncPhase): Boolean {
        var started = false
        update {
            started = !it.busy
            if (started) it.copy(phase = phase, progress = null) else it
        }
        return started
    }

    private fun fail(error: UiError) = update { it.copy(phase = SyncPhase.Failed(syncActionFor(error), error)) }

    private suspend fun reload() {
        val enrolment = repo.enrolment()
        val status = repo.syncStatus(state.value.metered)
        update {
            it.copy(
                enrolment = if (enrolment is Outcome.Ok) enrolment.value else it.enrolment,
                status = status.valueOrNull() ?: it.status,
                error = enrolment.errorOrNull() ?: status.errorOrNull(),
            )
        }
    }
}
