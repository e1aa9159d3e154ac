// Checks the contract the app relies on, against the real library (macOS slice of the
// xcframework): a workspace opens with a host vault, a case and a record go through draft,
// finalize and a signature, the pick-lists the screens offer and the labels of form fields come
// from the core, invalid input comes back as `CaseTrailError.Invalid` with its field, and a sync
// before enrolment says so.
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
        let row = try core.createCase(draftJson: core.sampleCaseDraft(caseNo: "T-1"))
        XCTAssertEqual(try core.listCases().map(\.id), [row.id])

        let sample = try core.sampleRecordJson(caseId: row.id, kind: "inquiry_record")
        let draft = try core.addRecord(caseId: row.id, kind: "inquiry_record", bodyJson: sample)
        XCTAssertEqual(draft.status, "draft")

        let record = try core.finalizeRecord(recordId: draft.id)
        XCTAssertEqual(record.status, "finalized")
        let slot = try XCTUnwrap(record.slots.first)
        XCTAssertEqual(slot.state, "pending")
        // The interviewee may refuse and affirms the record above the signature; officers sign.
        XCTAssertTrue(slot.refusable)
        XCTAssertFalse(slot.affirmation.isEmpty)
        XCTAssertTrue(record.slots.contains { !$0.refusable })

        let strokes = PadStrokes(width: 300, height: 120, strokes: [[
            PadPoint(x: 10, y: 10, tMs: 0, pressure: 1),
            PadPoint(x: 60, y: 40, tMs: 16, pressure: 1),
        ]])
        let signed = try core.signSlot(
            recordId: record.id, slotId: slot.id, contentHash: record.contentHash,
            strokes: strokes, affirmation: "")
        XCTAssertEqual(signed.slots.first?.state, "signed")

        let detail = try core.caseDetail(caseId: row.id)
        XCTAssertEqual(detail.records.map(\.id), [record.id])
        XCTAssertFalse(try core.findings(caseId: row.id).isEmpty)
    }

    /// The lists the app offers, with the codes it preselects (`RefusalModel`, `CaptureScreen`)
    /// or relies on (`RefusalModel.recordingKinds`); an unknown list is invalid input.
    func testPickListsComeFromTheCore() throws {
        let core = try openCore()
        func codes(_ list: String) throws -> Set<String> {
            Set(try core.choices(list: list).map(\.code))
        }
        XCTAssertTrue(try codes("refusal_reason").isSuperset(of: ["disputes_content", "other"]))
        XCTAssertTrue(try codes("relation").contains("witness"))
        XCTAssertTrue(try codes("activity").isSuperset(of: ["onsite_inspection", "refusal_to_sign"]))
        XCTAssertTrue(try codes("evidence_kind").isSuperset(of: ["photo", "video", "audio"]))
        let reasons = try core.choices(list: "refusal_reason")
        XCTAssertEqual(
            reasons.first { $0.code == "disputes_content" }?.label,
            "Disputes the content of the record")
        XCTAssertThrowsError(try core.choices(list: "colours")) { error in
            XCTAssertEqual((error as? CaseTrailError)?.invalidField, "list")
        }
    }

    /// The record form shows each field under the core's label of its path, in the
    /// workspace's language (`FieldLabels`); a segment without a label stays as written.
    func testFieldLabelsComeFromTheCore() throws {
        let core = try openCore(lang: "zh")
        XCTAssertEqual(core.fieldLabel(path: "interviewee.id_doc.number"), "被询问人 › 身份证件 › 号码")
        XCTAssertEqual(core.fieldLabel(path: "no_such_field"), "no_such_field")
        try core.setLanguage(lang: "en")
        XCTAssertEqual(
            core.fieldLabel(path: "interviewee.id_doc.number"),
            "interviewee › identity document › number")
    }

    func testInvalidInputNamesTheField() throws {
        let core = try openCore()
        let row = try core.createCase(draftJson: core.sampleCaseDraft(caseNo: "T-2"))
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
