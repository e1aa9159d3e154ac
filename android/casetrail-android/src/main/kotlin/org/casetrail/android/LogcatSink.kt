/**
 * Sends the core's log lines to Logcat. The core logs ids and codes, never user content or key
 * material, so its lines can go to the system log as they are.
 */
package org.casetrail.android

import android.util.Log
import org.casetrail.LogLevel
import org.casetrail.LogSink
import org.casetrail.setLogSink

class LogcatSink(private val tag: String = "casetrail") : LogSink {
    override fun log(level: LogLevel, target: String, message: String) {
        val line = "$target: $message"
        when (level) {
            LogLevel.ERROR -> Log.e(tag, line)
            LogLevel.WARN -> Log.w(tag, line)
            LogLevel.INFO -> Log.i(tag, line)
            LogLevel.DEBUG -> Log.d(tag, line)
        }
    }

    companion object {
        /** Routes the core's logs at [max] and above to Logcat (once per process). */
        fun install(max: LogLevel = LogLevel.INFO): Boolean = setLogSink(LogcatSink(), max)
    }
}
