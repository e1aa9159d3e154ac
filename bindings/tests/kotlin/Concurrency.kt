// Two host threads on one workspace handle at once, as the app does: the inspector keeps taking
// photos while a sync runs in the background. Every capture lands, the journal stays sound, and
// the next sync carries what was captured during the first.
package org.casetrail.tests

import java.io.File
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger
import kotlin.concurrent.thread
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.casetrail.SyncListener
import org.casetrail.SyncProgress

fun captureWhileSyncing() = openWorkspace().use { ws ->
    BackOffice().use { office ->
        runBlocking { ws.enrol(office.url, office.enrolCode(), null) }
        val case = newCase(ws)
        // Enough media that the first sync is still uploading while photos are taken.
        repeat(6) { i ->
            val big = clip + ByteArray(4 shl 20) { (it * 31 + i).toByte() }
            val input = captureInput(case.id, null, "video", "clip-$i.mp4", "onsite_inspection")
            ws.captureBytes(input, big)
        }
        val photo = File(fixtures, "photos/orient-portrait-8.jpg")
        val started = CountDownLatch(1)
        val syncing = AtomicBoolean(true)
        val overlapped = AtomicInteger()
        val listener = object : SyncListener {
            override fun onProgress(progress: SyncProgress) {
                if (progress is SyncProgress.Media) started.countDown()
            }
        }
        var failure: Throwable? = null
        val camera = thread(name = "camera") {
            try {
                assertTrue(started.await(60, TimeUnit.SECONDS), "the sync reached the media")
                repeat(8) { i ->
                    val e = ws.captureFile(
                        captureInput(case.id, null, "photo", "shot-$i.jpg", "onsite_inspection"),
                        photo.path,
                    )
                    assertEquals("photo", e.kind)
                    if (syncing.get()) overlapped.incrementAndGet()
                    assertTrue(ws.listCases().isNotEmpty())
                }
            } catch (t: Throwable) {
                failure = t
            }
        }
        val first = runBlocking { ws.sync(false, listener, null) }
        syncing.set(false)
        camera.join()
        failure?.let { throw it }
        assertTrue(overlapped.get() > 0, "no capture overlapped the sync")
        val evidence = ws.caseDetail(case.id).evidence
        assertEquals(6 + 8, evidence.size)
        assertTrue(first.mediaAcked >= 6uL)
        val second = runBlocking { ws.sync(false, null, null) }
        assertTrue(second.status.complete, second.toString())
        // Files are delivered once per content (the same photo taken twice is one upload).
        val files = evidence.flatMap { listOfNotNull(it.sha256, it.derivativeSha256) }.toSet()
        assertEquals(files.size.toULong(), first.mediaAcked + second.mediaAcked)
        assertTrue(ws.verifyJournal().sound)
    }
}
