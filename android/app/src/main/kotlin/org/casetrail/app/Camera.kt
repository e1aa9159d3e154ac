/**
 * Photo and video capture through the system camera app: it writes into a file of ours (handed
 * over through the FileProvider), which the view-model then gives to the core's `captureFile`.
 * The core keeps its own untouched, signed copy, so the file is deleted once captured. Where it
 * was taken is the callers' part ([LocationReader], asked through [rememberLocationPermission]
 * before the camera starts); the file's name is only a cache name, never a record time.
 */
package org.casetrail.app

import android.net.Uri
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.platform.LocalContext
import androidx.core.content.FileProvider
import java.io.File
import kotlinx.coroutines.Job

/** Starts the camera for a photo or a video. */
class Camera(val photo: () -> Unit, val video: () -> Unit)

/**
 * A camera whose result, a non-empty file, goes to [onCaptured]; [onCaptured] must delete the
 * file when done with it (see [deleteWhenDone]).
 */
@Composable
fun rememberCamera(onCaptured: (File) -> Unit): Camera {
    val context = LocalContext.current
    var pending by rememberSaveable { mutableStateOf<String?>(null) }
    val finish = { ok: Boolean ->
        val file = pending?.let(::File)
        pending = null
        if (file != null) {
            if (ok && file.length() > 0) onCaptured(file) else file.delete()
        }
    }
    val photo = rememberLauncherForActivityResult(ActivityResultContracts.TakePicture()) { finish(it) }
    val video = rememberLauncherForActivityResult(ActivityResultContracts.CaptureVideo()) { finish(it) }

    fun target(extension: String): Uri {
        val dir = File(context.cacheDir, "captures").apply { mkdirs() }
        val file = File(dir, "${System.currentTimeMillis()}.$extension")
        pending = file.path
        return FileProvider.getUriForFile(context, "${context.packageName}.captures", file)
    }
    return remember(photo, video) {
        Camera(photo = { photo.launch(target("jpg")) }, video = { video.launch(target("mp4")) })
    }
}

/** Deletes the camera's file once the capture [job] is over, whatever its outcome. */
fun File.deleteWhenDone(job: Job) {
    job.invokeOnCompletion { delete() }
}
