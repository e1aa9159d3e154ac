/**
 * What outlives a screen rotation: the opened workspace and the back stack. Each stack entry owns
 * the view-models of its screen (its own ViewModelStore), so they survive rotation and are
 * cleared when the screen is left.
 */
package org.casetrail.app

import android.app.Application
import androidx.compose.runtime.mutableStateListOf
import androidx.lifecycle.AndroidViewModel
import androidx.lifecycle.ViewModelStore
import androidx.lifecycle.ViewModelStoreOwner
import androidx.lifecycle.viewModelScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch
import org.casetrail.RecordView
import org.casetrail.SlotView
import org.casetrail.client.CaseTrailRepository
import org.casetrail.client.Outcome

/** The app's screens. */
sealed interface Screen {
    data object Cases : Screen

    data class Case(val caseId: String) : Screen

    data class RecordForm(val caseId: String, val amend: RecordView? = null) : Screen

    data class Sign(val record: RecordView, val slot: SlotView) : Screen

    data class Refuse(val record: RecordView, val slot: SlotView) : Screen

    /** Serving the finalized document [document]. */
    data class Serve(val document: RecordView) : Screen

    data object Sync : Screen
}

/** A screen on the back stack, with the view-models it owns. */
class Entry(val screen: Screen) : ViewModelStoreOwner {
    override val viewModelStore = ViewModelStore()
}

class AppModel(app: Application) : AndroidViewModel(app) {
    private val opened = MutableStateFlow<Outcome<CaseTrailRepository>?>(null)

    /** The workspace: null while it opens. */
    val workspace: StateFlow<Outcome<CaseTrailRepository>?> = opened.asStateFlow()

    private val stack = mutableStateListOf(Entry(Screen.Cases))

    val current: Entry get() = stack.last()

    val canGoBack: Boolean get() = stack.size > 1

    init {
        open()
    }

    /** Opens the workspace (again, after a failure). */
    fun open() {
        opened.value = null
        viewModelScope.launch { opened.value = getApplication<CaseTrailApplication>().repository() }
    }

    fun go(screen: Screen) {
        stack += Entry(screen)
    }

    fun back() {
        if (canGoBack) stack.removeAt(stack.lastIndex).viewModelStore.clear()
    }

    override fun onCleared() {
        stack.forEach { it.viewModelStore.clear() }
    }
}
