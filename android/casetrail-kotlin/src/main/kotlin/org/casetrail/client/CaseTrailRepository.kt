/**
 * The one door from the app to the core.
 *
 * The core's local calls block (SQLite, hashing, image work), so each runs on the IO dispatcher,
 * never on the main thread; sync and enrolment are already suspending (the core runs them on its
 * own runtime). Every call returns an [Outcome]: a value, or the failure mapped to a [UiError],
 * so view-models never see an exception from the core.
 */
package org.casetrail.client

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import org.casetrail.CancelToken
import org.casetrail.CaptureInput
import org.casetrail.CaseDraftInput
import org.casetrail.CaseDetail
import org.casetrail.CaseRow
import org.casetrail.CaseTrail
import org.casetrail.CaseTrailInterface
import org.casetrail.Choice
import org.casetrail.DeadlineView
import org.casetrail.DraftFor
import org.casetrail.EnrolmentView
import org.casetrail.EvidenceView
import org.casetrail.FieldEntry
import org.casetrail.FieldProblem
import org.casetrail.FindingView
import org.casetrail.FormDraftView
import org.casetrail.FormSchemaView
import org.casetrail.KeyVault
import org.casetrail.KindView
import org.casetrail.PadLimits
import org.casetrail.PadStrokes
import org.casetrail.RecordView
import org.casetrail.RefusalInput
import org.casetrail.ServeInput
import org.casetrail.SyncListener
import org.casetrail.SyncReportView
import org.casetrail.SyncStatusView
import org.casetrail.VerifyView

/** What the case screen shows, loaded together. */
data class CaseScreen(
    val detail: CaseDetail,
    val findings: List<FindingView>,
    val deadlines: List<DeadlineView>,
)

/** The names of the core's pick-lists, for [CaseTrailRepository.choices]. */
object Lists {
    /** Why a party will not sign (拒签原因). */
    const val REFUSAL_REASON = "refusal_reason"

    /** A receiver's or present person's relation to the case. */
    const val RELATION = "relation"

    /** Who may witness a refusal or a service: not the party, nor who speaks for it. */
    const val WITNESS_RELATION = "witness_relation"

    /** What a capture records (现场检查, 询问 …). */
    const val ACTIVITY = "activity"

    /** Photo, video, audio, scan … */
    const val EVIDENCE_KIND = "evidence_kind"

    /** Where a case stands. */
    const val CASE_STATUS = "case_status"

    /** How a document is served. */
    const val SERVICE_METHOD = "service_method"
}

class CaseTrailRepository(
    private val core: CaseTrailInterface,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    private suspend fun <T> local(block: CaseTrailInterface.() -> T): Outcome<T> =
        withContext(io) { attempt { core.block() } }

    suspend fun setLanguage(lang: String): Outcome<Unit> = local { setLanguage(lang) }

    suspend fun deviceId(): Outcome<String> = local { deviceId() }

    suspend fun listCases(): Outcome<List<CaseRow>> = local { listCases() }

    suspend fun due(): Outcome<List<DeadlineView>> = local { due() }

    suspend fun sampleCaseDraft(caseNo: String): Outcome<CaseDraftInput> = local { sampleCaseDraft(caseNo) }

    suspend fun createCase(draft: CaseDraftInput): Outcome<CaseRow> = local { createCase(draft) }

    suspend fun caseDetail(caseId: String): Outcome<CaseDetail> = local { caseDetail(caseId) }

    suspend fun findings(caseId: String): Outcome<List<FindingView>> = local { findings(caseId) }

    suspend fun deadlines(caseId: String): Outcome<List<DeadlineView>> = local { deadlines(caseId) }

    /** The case, its findings and its deadlines, in one trip to the IO dispatcher. */
    suspend fun caseScreen(caseId: String): Outcome<CaseScreen> =
        local { CaseScreen(caseDetail(caseId), findings(caseId), deadlines(caseId)) }

    suspend fun changeStatus(caseId: String, status: String, reason: String): Outcome<CaseRow> =
        local { changeStatus(caseId, status, reason) }

    suspend fun recordKinds(): Outcome<List<KindView>> = local { recordKinds() }

    /**
     * A pick-list of the core's codes with their labels in the workspace's language, so the app
     * keeps no copy of either: [list] is one of [Lists].
     */
    suspend fun choices(list: String): Outcome<List<Choice>> = local { choices(list) }

    /**
     * The core's label of each of [paths], the dotted JSON paths of fields of a record body or
     * case draft (as `Invalid.field` names them), in the workspace's language, in one trip:
     * `interviewee.id_doc.number` → 被询问人 › 身份证件 › 号码. Segments without a label stay as written.
     */
    suspend fun fieldLabels(paths: Collection<String>): Outcome<Map<String, String>> =
        local { paths.associateWith { fieldLabel(it) } }

    /** The form of a record kind: sections, typed fields, requirements and their articles. */
    suspend fun formSchema(kind: String): Outcome<FormSchemaView> = local { formSchema(kind) }

    /** What a new form of [kind] opens with for this case (officers, party, place, times). */
    suspend fun formDefaults(caseId: String, kind: String): Outcome<List<FieldEntry>> =
        local { formDefaults(caseId, kind) }

    suspend fun sampleRecordFields(caseId: String, kind: String): Outcome<List<FieldEntry>> =
        local { sampleRecordFields(caseId, kind) }

    suspend fun checkFields(kind: String, fields: List<FieldEntry>): Outcome<List<FieldProblem>> =
        local { checkFields(kind, fields) }

    suspend fun addRecordFields(caseId: String, kind: String, fields: List<FieldEntry>): Outcome<RecordView> =
        local { addRecordFields(caseId, kind, fields) }

    suspend fun amendRecordFields(recordId: String, fields: List<FieldEntry>, reason: String): Outcome<RecordView> =
        local { amendRecordFields(recordId, fields, reason) }

    /** Saves a form in progress (on the phone only); call it on every change. */
    suspend fun saveFormDraft(draftId: String?, target: DraftFor, fields: List<FieldEntry>): Outcome<FormDraftView> =
        local { saveFormDraft(draftId, target, fields) }

    suspend fun formDrafts(caseId: String): Outcome<List<FormDraftView>> = local { formDrafts(caseId) }

    suspend fun discardFormDraft(draftId: String): Outcome<Unit> = local { discardFormDraft(draftId) }

    suspend fun saveDraftAsRecord(draftId: String, reason: String): Outcome<RecordView> =
        local { saveDraftAsRecord(draftId, reason) }

    /** What the signature pad may hand over. */
    suspend fun padLimits(): Outcome<PadLimits> = local { padLimits() }

    /** A record body as JSON (scripts and imports; forms use [addRecordFields]). */
    suspend fun addRecord(caseId: String, kind: String, bodyJson: String): Outcome<RecordView> =
        local { addRecord(caseId, kind, bodyJson) }

    suspend fun finalizeRecord(recordId: String): Outcome<RecordView> = local { finalizeRecord(recordId) }

    suspend fun voidRecord(recordId: String, reason: String): Outcome<RecordView> =
        local { voidRecord(recordId, reason) }

    suspend fun captureFile(input: CaptureInput, path: String): Outcome<EvidenceView> =
        local { captureFile(input, path) }

    suspend fun captureBytes(input: CaptureInput, bytes: ByteArray): Outcome<EvidenceView> =
        local { captureBytes(input, bytes) }

    suspend fun signSlot(
        recordId: String,
        slotId: String,
        contentHash: String,
        strokes: PadStrokes,
        affirmation: String,
    ): Outcome<RecordView> = local { signSlot(recordId, slotId, contentHash, strokes, affirmation) }

    suspend fun refuseSlot(input: RefusalInput): Outcome<RecordView> = local { refuseSlot(input) }

    /** What a refusal still lacks, every gap by field, by the rule `refuseSlot` applies. */
    suspend fun checkRefusal(input: RefusalInput): Outcome<List<FieldProblem>> = local { checkRefusal(input) }

    suspend fun serveDocument(input: ServeInput): Outcome<RecordView> = local { serveDocument(input) }

    suspend fun verifyJournal(): Outcome<VerifyView> = local { verifyJournal() }

    suspend fun enrolment(): Outcome<EnrolmentView?> = local { enrolment() }

    suspend fun syncStatus(metered: Boolean): Outcome<SyncStatusView> = local { syncStatus(metered) }

    suspend fun retryWedged(): Outcome<UInt> = local { retryWedged() }

    suspend fun enrol(url: String, code: String, caPem: String?): Outcome<EnrolmentView> =
        attempt { core.enrol(url, code, caPem) }

    suspend fun sync(metered: Boolean, listener: SyncListener?, cancel: CancelToken?): Outcome<SyncReportView> =
        attempt { core.sync(metered, listener, cancel) }

    companion object {
        /**
         * Opens (or creates) the workspace at [home] with the host's [vault]; [lang] is `zh`
         * (default) or `en`.
         */
        suspend fun open(
            home: String,
            vault: KeyVault,
            lang: String,
            io: CoroutineDispatcher = Dispatchers.IO,
        ): Outcome<CaseTrailRepository> =
            withContext(io) { attempt { CaseTrailRepository(CaseTrail.open(home, vault, lang), io) } }
    }
}
