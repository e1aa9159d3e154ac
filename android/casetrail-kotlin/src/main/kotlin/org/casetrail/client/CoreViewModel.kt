/**
 * The base of the app's view-models: plain Kotlin classes holding a [StateFlow] of their screen's
 * state, so they run unchanged on the JVM (tests) and on Android (wrapped in an androidx
 * `ViewModel` that lends them its `viewModelScope`).
 *
 * Actions return their [Job], so a caller that needs to wait (a test, a one-shot flow) can join
 * it; screens just observe [state].
 */
package org.casetrail.client

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

abstract class CoreViewModel<S>(initial: S, protected val scope: CoroutineScope) {
    private val mutable = MutableStateFlow(initial)

    /** What the screen shows. */
    val state: StateFlow<S> = mutable.asStateFlow()

    /** Changes the state atomically (safe from any thread, e.g. a sync progress callback). */
    protected fun update(change: (S) -> S) = mutable.update(change)

    /** Starts an action in the view-model's scope. */
    protected fun launch(action: suspend CoroutineScope.() -> Unit): Job = scope.launch(block = action)
}
