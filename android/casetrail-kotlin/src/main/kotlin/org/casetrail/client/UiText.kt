/**
 * Words for the screens, and what every failure of the core becomes.
 *
 * The core already speaks the workspace's language (Chinese by default, English second) and its
 * error messages are written for the inspector, so they are shown as they are ([UiText.Core]).
 * The few words the app adds itself ([Msg]) are looked up in the platform's string resources.
 * Every [CaseTrailException] maps to a [UiError]: no core error ever reaches the screen as a
 * crash.
 */
package org.casetrail.client

import kotlinx.coroutines.CancellationException
import org.casetrail.CaseTrailException
import org.casetrail.FieldProblem

/** Text a screen shows. */
sealed interface UiText {
    /** Written by the core, already in the workspace's language. */
    data class Core(val text: String) : UiText

    /** One of the app's own strings, from the platform's string resources. */
    data class App(val msg: Msg) : UiText
}

/** The app's own messages; each has a string resource of the same name in lower case. */
enum class Msg {
    /** Something failed that the core did not describe. */
    UNEXPECTED,

    /** A number field holds something else. */
    BAD_NUMBER,

    /** The refusal needs at least one photo, audio or video made there and then. */
    AV_EVIDENCE_REQUIRED,
}

/** How a screen reacts to a failure. One per [CaseTrailException] variant, plus [UNEXPECTED]. */
enum class ErrorKind {
    INVALID,
    NOT_FOUND,
    NOT_ALLOWED,
    BLOCKED,
    KEY_VAULT,
    STORAGE,
    NOT_ENROLLED,
    OFFLINE,
    REJECTED,
    UNTRUSTED,
    CANCELLED,
    UNEXPECTED,
}

/**
 * A failure as a screen shows it.
 *
 * @property code the core's stable code (validation rule, reason, storage or back-office code).
 * @property field the dotted path of the field concerned, for [ErrorKind.INVALID].
 * @property findings the codes of the findings that block, for [ErrorKind.BLOCKED].
 * @property problems every problem the core found, each on its field's path, for [ErrorKind.INVALID].
 */
data class UiError(
    val kind: ErrorKind,
    val text: UiText,
    val code: String = "",
    val field: String? = null,
    val findings: List<String> = emptyList(),
    val problems: List<FieldProblem> = emptyList(),
)

/** The screen's view of a core failure; keeps the core's own words. */
fun CaseTrailException.toUiError(): UiError =
    when (this) {
        is CaseTrailException.Invalid ->
            UiError(ErrorKind.INVALID, UiText.Core(userMessage), code, field.ifEmpty { null }, problems = problems)
        is CaseTrailException.NotFound -> UiError(ErrorKind.NOT_FOUND, UiText.Core(userMessage), what)
        is CaseTrailException.NotAllowed -> UiError(ErrorKind.NOT_ALLOWED, UiText.Core(userMessage), reason)
        is CaseTrailException.Blocked ->
            UiError(ErrorKind.BLOCKED, UiText.Core(userMessage), findings = findings)
        is CaseTrailException.KeyVault -> UiError(ErrorKind.KEY_VAULT, UiText.Core(userMessage))
        is CaseTrailException.Storage -> UiError(ErrorKind.STORAGE, UiText.Core(userMessage), code)
        is CaseTrailException.NotEnrolled -> UiError(ErrorKind.NOT_ENROLLED, UiText.Core(userMessage))
        is CaseTrailException.Offline -> UiError(ErrorKind.OFFLINE, UiText.Core(userMessage))
        is CaseTrailException.Rejected -> UiError(ErrorKind.REJECTED, UiText.Core(userMessage), code)
        is CaseTrailException.Untrusted -> UiError(ErrorKind.UNTRUSTED, UiText.Core(userMessage))
        is CaseTrailException.Cancelled -> UiError(ErrorKind.CANCELLED, UiText.Core(userMessage))
    }

/** Any throwable as a [UiError]: the core's own errors keep their words, the rest is generic. */
fun Throwable.toUiError(): UiError =
    when (this) {
        is CaseTrailException -> toUiError()
        else -> UiError(ErrorKind.UNEXPECTED, UiText.App(Msg.UNEXPECTED), this::class.simpleName ?: "")
    }

/** The result of a call to the core: a value, or the failure as the screen shows it. */
sealed interface Outcome<out T> {
    data class Ok<out T>(val value: T) : Outcome<T>

    data class Failed(val error: UiError) : Outcome<Nothing>

    /** The value, or null on failure. */
    fun valueOrNull(): T? = (this as? Ok)?.value

    /** The failure, or null on success. */
    fun errorOrNull(): UiError? = (this as? Failed)?.error
}

/** Transforms the value of a success. */
inline fun <T, R> Outcome<T>.map(f: (T) -> R): Outcome<R> =
    when (this) {
        is Outcome.Ok -> Outcome.Ok(f(value))
        is Outcome.Failed -> this
    }

/** Chains another call after a success. */
inline fun <T, R> Outcome<T>.then(f: (T) -> Outcome<R>): Outcome<R> =
    when (this) {
        is Outcome.Ok -> f(value)
        is Outcome.Failed -> this
    }

/**
 * Runs [block], turning every failure except coroutine cancellation into [Outcome.Failed].
 * Errors (out of memory, a missing native library) are not caught: they are not screen states.
 */
inline fun <T> attempt(block: () -> T): Outcome<T> =
    try {
        Outcome.Ok(block())
    } catch (e: CancellationException) {
        throw e
    } catch (e: Exception) {
        Outcome.Failed(e.toUiError())
    }
