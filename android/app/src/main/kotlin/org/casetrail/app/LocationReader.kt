/**
 * Where a capture was made: one current fix from the fused location provider, with its accuracy,
 * as the core's [Location.Fix] (raw WGS-84, so `gcj02 = false`). When there is none the core is
 * told why, honestly, as [Location.NoFix]: `permission_denied` (the officer refused location),
 * `unavailable` (location off, no provider, the provider had no answer) or `timeout` (no fix in
 * [LocationReader.TIMEOUT_MS]).
 */
package org.casetrail.app

import android.Manifest
import android.annotation.SuppressLint
import android.content.Context
import android.content.pm.PackageManager
import android.location.LocationManager
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.runtime.Composable
import androidx.compose.runtime.remember
import androidx.compose.ui.platform.LocalContext
import androidx.core.content.ContextCompat
import androidx.core.location.LocationManagerCompat
import com.google.android.gms.location.LocationServices
import com.google.android.gms.location.Priority
import com.google.android.gms.tasks.CancellationTokenSource
import kotlin.coroutines.resume
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlinx.coroutines.withTimeoutOrNull
import org.casetrail.Location

class LocationReader(context: Context) {
    private val context = context.applicationContext

    /** Whether the officer allowed location (precise or approximate). */
    val permitted: Boolean
        get() = PERMISSIONS.any { ContextCompat.checkSelfPermission(context, it) == PackageManager.PERMISSION_GRANTED }

    /** The current location, or why there is none; never throws, waits at most [TIMEOUT_MS]. */
    suspend fun current(): Location {
        if (!permitted) return Location.NoFix(PERMISSION_DENIED)
        val manager = context.getSystemService(LocationManager::class.java) ?: return Location.NoFix(UNAVAILABLE)
        if (!LocationManagerCompat.isLocationEnabled(manager)) return Location.NoFix(UNAVAILABLE)
        val answer = withTimeoutOrNull(TIMEOUT_MS) { request() } ?: return Location.NoFix(TIMEOUT)
        val fix = answer.getOrNull() ?: return Location.NoFix(if (answer.exceptionOrNull() is SecurityException) PERMISSION_DENIED else UNAVAILABLE)
        return Location.Fix(
            lat = fix.latitude,
            lon = fix.longitude,
            accuracyM = if (fix.hasAccuracy()) fix.accuracy.toDouble() else null,
            gcj02 = false,
        )
    }

    /** One fix from the fused provider: the location, or the failure (null location: unavailable). */
    @SuppressLint("MissingPermission") // checked by [current]; a revoked grant fails as SecurityException
    private suspend fun request(): Result<android.location.Location> = suspendCancellableCoroutine { cont ->
        val cancel = CancellationTokenSource()
        cont.invokeOnCancellation { cancel.cancel() }
        try {
            LocationServices.getFusedLocationProviderClient(context)
                .getCurrentLocation(Priority.PRIORITY_HIGH_ACCURACY, cancel.token)
                .addOnSuccessListener { fix ->
                    if (cont.isActive) cont.resume(if (fix != null) Result.success(fix) else Result.failure(IllegalStateException("no fix")))
                }
                .addOnFailureListener { e -> if (cont.isActive) cont.resume(Result.failure(e)) }
        } catch (e: SecurityException) {
            cont.resume(Result.failure(e))
        }
    }

    companion object {
        const val TIMEOUT_MS = 10_000L
        const val PERMISSION_DENIED = "permission_denied"
        const val TIMEOUT = "timeout"
        const val UNAVAILABLE = "unavailable"
        val PERMISSIONS = arrayOf(Manifest.permission.ACCESS_FINE_LOCATION, Manifest.permission.ACCESS_COARSE_LOCATION)
    }
}

/**
 * Asks for location (once per call, if not yet allowed) before [then] runs, whatever the answer:
 * a capture goes ahead without a fix, recorded as `permission_denied`.
 */
@Composable
fun rememberLocationPermission(): (then: () -> Unit) -> Unit {
    val context = LocalContext.current
    val reader = remember(context) { LocationReader(context) }
    val pending = remember { arrayOfNulls<() -> Unit>(1) }
    val ask = rememberLauncherForActivityResult(ActivityResultContracts.RequestMultiplePermissions()) {
        pending[0]?.invoke()
        pending[0] = null
    }
    return remember(ask, reader) {
        { then: () -> Unit ->
            if (reader.permitted) {
                then()
            } else {
                pending[0] = then
                ask.launch(LocationReader.PERMISSIONS)
            }
        }
    }
}
