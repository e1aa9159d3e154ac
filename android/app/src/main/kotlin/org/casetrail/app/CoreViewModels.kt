/**
 * Lends the plain-Kotlin view-models of casetrail-kotlin an androidx lifecycle: each is created
 * once per screen entry with that entry's `viewModelScope` (cancelled, with any sync it runs,
 * when the screen is left) and kept across rotations.
 */
package org.casetrail.app

import androidx.compose.runtime.Composable
import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import androidx.lifecycle.viewmodel.compose.viewModel
import kotlinx.coroutines.CoroutineScope

/** Holds one plain view-model for the androidx ViewModelStore. */
class Held<T : Any>(make: (CoroutineScope) -> T) : ViewModel() {
    val vm: T = make(viewModelScope)
}

/** The screen's view-model of type [T], made by [make] the first time. */
@Composable
inline fun <reified T : Any> coreViewModel(noinline make: (CoroutineScope) -> T): T =
    viewModel<Held<T>>(key = T::class.java.name) { Held(make) }.vm
