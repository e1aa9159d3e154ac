/**
 * The process's one workspace: opened on first use with the Keystore-backed vault, in the
 * language of the phone (Chinese unless the phone is set to English), and shared by every
 * screen. The core's logs go to Logcat.
 */
package org.casetrail.app

import android.app.Application
import java.io.File
import java.util.Locale
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import org.casetrail.android.AndroidKeyStoreVault
import org.casetrail.android.LogcatSink
import org.casetrail.client.CaseTrailRepository
import org.casetrail.client.Outcome

class CaseTrailApplication : Application() {
    private val opening = Mutex()
    private var opened: CaseTrailRepository? = null

    override fun onCreate() {
        super.onCreate()
        LogcatSink.install()
    }

    /** The workspace, opened once; a failure is returned (and retried on the next call). */
    suspend fun repository(): Outcome<CaseTrailRepository> =
        opening.withLock {
            opened?.let { return@withLock Outcome.Ok(it) }
            CaseTrailRepository.open(
                home = File(filesDir, "workspace").path,
                vault = AndroidKeyStoreVault(File(noBackupFilesDir, "vault")),
                lang = coreLanguage(),
            ).also { opened = it.valueOrNull() }
        }
}

/** `en` on a phone set to English, otherwise `zh`: the core's labels and messages follow it. */
fun coreLanguage(): String = if (Locale.getDefault().language == "en") "en" else "zh"
