// Checks the contract the app relies on, against the real library (macOS slice of the
// xcframework): a workspace opens with a host vault, a case and a record go through draft,
// finalize and a signature from typed fields, every kind's form comes as a schema the app can
// render with no kind-specific code, form drafts are saved, listed and saved as records, the
// pick-lists the screens offer come from the core, invalid input comes back as
// `CaseTrailError.Invalid` with every problem by path, and a sync before enrolment says so.
// The rules themselves are tested in Rust; this is about the Swift side of the boundary.

import CaseTrail
import Foundation
import XCTest

/// A vault in memory, for tests (the Keychain needs a signed app).
private final class MemoryVault: KeyVault, @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String: Data] = [:]

    func seal(name: String, secret: Data) throws {
        lock.lock()
        defer { lock.unlock() }
        guard items[name] == nil else {
            throw CaseTrailError.KeyVault(userMessage: "\(name) already sealed")
        }
        items[name] = secret
    }

    func unseal(name: String) throws -> Data? {
        lock.lock()
        defer { lock.unlock() }
        return items[name]
    }
}

final class CaseTrailTests: XCTestCase {
    private var homes: [URL] = []

    override func tearDown() {
        for home in homes {
            try? FileManager.default.removeItem(at: home)
        }
        homes = []
        super.tearDown()
    }

    /// A fresh workspace in a temporary folder, with English messages unless told otherwise.
    private func openCore(lang: String = "en") throws -> CaseTrail {
        let home = FileManager.default.temporaryDirectory
            .appendingPathComponent("casetrail-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        homes.append(home)
        return try CaseTrail.open(home: home.path, vault: MemoryVault(), lang: lang)
    }

    func testCaseRecordAndSignature() throws {
        let core = try openCore()
        let row = try core.createCase(draft: core.sampleCaseDraft(caseNo: "T-1"))
        XCTAssertEqual(try core.listCases().map(\.id), [row.id])

        let sample = try core.sampleRecordFields(caseId: row.id, kind: "inquiry_record")
        XCTAssertTrue(try core.checkFields(kind: "inquiry_record", fields: sample).isEmpty)
        let draft = try core.addRecordFields(caseId: row.id, kind: "inquiry_record", fields: sample)
        XCTAssertEqual(draft.status, "draft")
        XCTAssertFalse(draft.fields.isEmpty)

        let record = try core.finalizeRecord(recordId: draft.id)
        XCTAssertEqual(record.status, "finalized")
        let slot = try XCTUnwrap(record.slots.first)
        XCTAssertEqual(slot.state, "pending")
        // The interviewee may refuse and affirms the record above the signature; officers sign.
        XCTAssertTrue(slot.canSign)
        XCTAssertTrue(slot.canRefuse)
        XCTAssertFalse(slot.affirmation.isEmpty)
        XCTAssertTrue(record.slots.contains { !$0.canRefuse })

        let strokes = PadStrokes(width: 300, height: 120, strokes: [[
            PadPoint(x: 10, y: 10, tMs: 0, pressure: 1),
            PadPoint(x: 60, y: 40, tMs: 16, pressure: 1),
        ]])
        let limits = core.padLimits()
        XCTAssertLessThanOrEqual(limits.minSide, 120)
        XCTAssertGreaterThanOrEqual(limits.maxSide, 300)
        let signed = try core.signSlot(
            recordId: record.id, slotId: slot.id, contentHash: record.contentHash,
            strokes: strokes, affirmation: "")
        XCTAssertEqual(signed.slots.first?.state, "signed")
        XCTAssertEqual(signed.slots.first?.canSign, false)

        let detail = try core.caseDetail(caseId: row.id)
        XCTAssertEqual(detail.records.map(\.id), [record.id])
        XCTAssertFalse(try core.findings(caseId: row.id).isEmpty)
    }

    /// The lists the app offers, with the activity codes it passes (`CaptureScreen`'s default,
    /// the refusal sheet's); an unknown list is invalid input.
    func testPickListsComeFromTheCore() throws {
        let core = try openCore()
        func codes(_ list: String) throws -> Set<String> {
            Set(try core.choices(list: list).map(\.code))
        }
        XCTAssertTrue(try codes("refusal_reason").isSuperset(of: ["disputes_content", "other"]))
        XCTAssertTrue(try codes("relation").contains("witness"))
        XCTAssertTrue(try codes("activity").isSuperset(of: ["onsite_inspection", "refusal_to_sign"]))
        XCTAssertFalse(try codes("service_method").isEmpty)
        XCTAssertFalse(try codes("witness_relation").isEmpty)
        let reasons = try core.choices(list: "refusal_reason")
        XCTAssertEqual(
            reasons.first { $0.code == "disputes_content" }?.label,
            "Disputes the content of the record")
        XCTAssertThrowsError(try core.choices(list: "colours")) { error in
            XCTAssertEqual((error as? CaseTrailError)?.invalidField, "list")
        }
    }

    /// Dotted paths are labelled by the core, in the workspace's language; a segment without a
    /// label stays as written.
    func testFieldLabelsComeFromTheCore() throws {
        let core = try openCore(lang: "zh")
        XCTAssertEqual(core.fieldLabel(path: "interviewee.id_doc.number"), "被询问人 › 身份证件 › 号码")
        XCTAssertEqual(core.fieldLabel(path: "no_such_field"), "no_such_field")
        try core.setLanguage(lang: "en")
        XCTAssertEqual(
            core.fieldLabel(path: "interviewee.id_doc.number"),
            "interviewee › identity document › number")
    }

    /// Every kind's form is a schema the renderer can draw: sections with fields, each field's
    /// parent is a field of the same section, list items name their list, and the form opens
    /// with values whose fields the schema has.
    func testEveryKindRendersFromItsSchema() throws {
        let core = try openCore()
        let row = try core.createCase(draft: core.sampleCaseDraft(caseNo: "T-3"))
        for kind in core.recordKinds() {
            let schema = try core.formSchema(kind: kind.code)
            XCTAssertEqual(schema.kind, kind.code)
            XCTAssertFalse(schema.sections.isEmpty, kind.code)
            let all = schema.sections.flatMap(\.fields)
            XCTAssertFalse(all.isEmpty, kind.code)
            let paths = Set(all.map(\.path))
            for section in schema.sections {
                let here = Set(section.fields.map(\.path))
                for field in section.fields {
                    XCTAssertFalse(field.label.isEmpty, field.path)
                    if let parent = field.parent {
                        XCTAssertTrue(here.contains(parent), "\(kind.code): \(field.path) under \(parent)")
                    }
                    if case .choice = field.kind {
                        XCTAssertFalse(field.choices.isEmpty, field.path)
                    }
                }
            }
            for entry in try core.formDefaults(caseId: row.id, kind: kind.code) {
                // qa[0].answer → qa[].answer
                let schemaPath = entry.path.replacingOccurrences(
                    of: #"\[\d+\]"#, with: "[]", options: .regularExpression)
                XCTAssertTrue(
                    paths.contains(schemaPath) || paths.contains(
                        schemaPath.hasSuffix("[]") ? String(schemaPath.dropLast(2)) : schemaPath),
                    "\(kind.code): default \(entry.path)")
            }
        }
    }

    /// A form in progress is saved on every change, listed for the case, and saved as a record.
    func testFormDraftsSaveListAndBecomeRecords() throws {
        let core = try openCore()
        let row = try core.createCase(draft: core.sampleCaseDraft(caseNo: "T-4"))
        let target = DraftFor.newRecord(caseId: row.id, kind: "inquiry_record")
        let first = try core.saveFormDraft(
            draftId: nil, target: target,
            fields: try core.formDefaults(caseId: row.id, kind: "inquiry_record"))
        let sample = try core.sampleRecordFields(caseId: row.id, kind: "inquiry_record")
        let second = try core.saveFormDraft(draftId: first.id, target: target, fields: sample)
        XCTAssertEqual(second.id, first.id)
        XCTAssertEqual(try core.formDrafts(caseId: row.id).map(\.id), [first.id])

        let record = try core.saveDraftAsRecord(draftId: first.id, reason: "")
        XCTAssertEqual(record.kind, "inquiry_record")
        XCTAssertTrue(try core.formDrafts(caseId: row.id).isEmpty)

        let amending = try core.saveFormDraft(
            draftId: nil, target: .amendment(recordId: record.id), fields: record.fields)
        XCTAssertEqual(amending.amends, record.id)
        try core.discardFormDraft(draftId: amending.id)
        XCTAssertTrue(try core.formDrafts(caseId: row.id).isEmpty)
    }

    func testInvalidInputNamesTheField() throws {
        let core = try openCore()
        let row = try core.createCase(draft: core.sampleCaseDraft(caseNo: "T-2"))
        XCTAssertThrowsError(
            try core.addRecord(
                caseId: row.id, kind: "inquiry_record", bodyJson: #"{"officers":["nobody"]}"#)
        ) { error in
            guard let error = error as? CaseTrailError else {
                return XCTFail("not a CaseTrailError: \(error)")
            }
            XCTAssertEqual(error.invalidField, "officers[0]")
            XCTAssertFalse(error.userMessage.isEmpty)
        }
        XCTAssertThrowsError(
            try core.addRecordFields(
                caseId: row.id, kind: "inquiry_record",
                fields: [FieldEntry(path: "officers[0]", value: .text(value: "nobody"))])
        ) { error in
            guard case let .Invalid(_, _, _, problems)? = error as? CaseTrailError else {
                return XCTFail("not Invalid: \(error)")
            }
            XCTAssertTrue(problems.contains { $0.path == "officers[0]" }, "\(problems)")
        }
    }

    func testSyncBeforeEnrolmentSaysSo() async throws {
        let core = try openCore()
        do {
            _ = try await core.sync(metered: false, listener: nil, cancel: CancelToken())
            XCTFail("sync without enrolment succeeded")
        } catch CaseTrailError.NotEnrolled {
            // expected
        }
        XCTAssertNil(try core.enrolment())
        XCTAssertFalse(try core.syncStatus(metered: false).enrolled)
    }
}
