// One case: what the regulation still requires of it (blocking findings first, with the
// remedy and the articles), its deadlines, its records and its evidence. From here the
// inspector adds a record, captures evidence or closes the case (refused while a blocking
// finding stands); a record opens its own screen for signatures. Everything is reloaded
// whenever the screen comes back into view, because signing, refusing and capturing elsewhere
// change the findings.

import CaseTrail
import SwiftUI

@MainActor
final class CaseModel: ObservableObject {
    let core: CaseTrail
    let caseId: String
    @Published private(set) var detail: CaseDetail?
    @Published private(set) var findings: [FindingView] = []
    @Published private(set) var deadlines: [DeadlineView] = []
    /// Why the case could not be loaded (shown in place).
    @Published var problem: Problem?
    /// Why an action failed (shown as an alert).
    @Published var actionProblem: Problem?

    init(core: CaseTrail, caseId: String) {
        self.core = core
        self.caseId = caseId
    }

    func load() async {
        let (core, caseId) = (self.core, self.caseId)
        do {
            let (detail, findings, deadlines) = try await offMain {
                (try core.caseDetail(caseId: caseId),
                 try core.findings(caseId: caseId),
                 try core.deadlines(caseId: caseId))
            }
            self.detail = detail
            self.findings = findings
            self.deadlines = deadlines
            problem = nil
        } catch {
            problem = Problem(error)
        }
    }

    /// Closes the case; the core refuses with `Blocked` while a blocking finding stands.
    func close(reason: String) async {
        let (core, caseId) = (self.core, self.caseId)
        do {
            _ = try await offMain {
                try core.changeStatus(caseId: caseId, status: "closed", reason: reason)
            }
            await load()
        } catch {
            actionProblem = Problem(error)
        }
    }
}

struct CaseScreen: View {
    @StateObject private var model: CaseModel
    @State private var addingRecord = false
    @State private var capturing = false
    @State private var closing = false
    @State private var closeReason = ""

    init(core: CaseTrail, caseId: String) {
        _model = StateObject(wrappedValue: CaseModel(core: core, caseId: caseId))
    }

    var body: some View {
        List {
            if let problem = model.problem {
                ProblemRow(problem: problem)
            }
            if let detail = model.detail {
                Section {
                    Text(detail.`case`.title).font(.headline)
                    LabeledContent("case.no", value: detail.`case`.caseNo)
                    LabeledContent("case.status", value: detail.`case`.statusLabel)
                    LabeledContent("case.stage", value: detail.`case`.stageLabel)
                    Button("case.close", role: .destructive) {
                        closeReason = ""
                        closing = true
                    }
                }
                findingsSection
                deadlinesSection
                recordsSection(detail.records)
                evidenceSection(detail.evidence)
            }
        }
        .navigationTitle(model.detail?.`case`.caseNo ?? "")
        .navigationBarTitleDisplayMode(.inline)
        .navigationDestination(for: RecordView.self) { record in
            RecordScreen(core: model.core, recordId: record.id, caseId: model.caseId)
        }
        .toolbar {
            ToolbarItemGroup(placement: .primaryAction) {
                Button {
                    capturing = true
                } label: {
                    Label("case.capture", systemImage: "camera")
                }
                Button {
                    addingRecord = true
                } label: {
                    Label("case.add_record", systemImage: "doc.badge.plus")
                }
            }
        }
        .sheet(isPresented: $addingRecord, onDismiss: reload) {
            RecordFormScreen(core: model.core, mode: .add(caseId: model.caseId))
        }
        .sheet(isPresented: $capturing, onDismiss: reload) {
            CaptureScreen(core: model.core, caseId: model.caseId, recordId: nil)
        }
        .alert("case.close", isPresented: $closing) {
            TextField("case.close.reason", text: $closeReason)
            Button("case.close", role: .destructive) {
                let reason = closeReason
                Task { await model.close(reason: reason) }
            }
            Button("common.cancel", role: .cancel) {}
        } message: {
            Text("case.close.message")
        }
        .problemAlert($model.actionProblem)
        .refreshable { await model.load() }
        .task { await model.load() }
    }

    private func reload() {
        Task { await model.load() }
    }

    private var findingsSection: some View {
        Section("case.findings") {
            if model.findings.isEmpty {
                Label("case.findings.none", systemImage: "checkmark.seal")
                    .foregroundColor(.green)
            }
            ForEach(model.findings, id: \.self) { finding in
                VStack(alignment: .leading, spacing: 4) {
                    Label {
                        Text(finding.message)
                    } icon: {
                        Image(systemName: finding.blocking ? "xmark.octagon.fill" : "exclamationmark.circle")
                            .foregroundColor(finding.blocking ? Color.red : Color.orange)
                    }
                    Text(finding.remedy).font(.callout)
                    Text(finding.cite.joined(separator: "；"))
                        .font(.caption)
                        .foregroundColor(.secondary)
                    if finding.overridden {
                        Text("case.findings.overridden").font(.caption).foregroundColor(.secondary)
                    }
                }
            }
        }
    }

    private var deadlinesSection: some View {
        Section("case.deadlines") {
            if model.deadlines.isEmpty {
                Text("case.deadlines.none").foregroundColor(.secondary)
            }
            ForEach(model.deadlines, id: \.self) { deadline in
                DeadlineRow(deadline: deadline)
            }
        }
    }

    private func recordsSection(_ records: [RecordView]) -> some View {
        Section("case.records") {
            if records.isEmpty {
                Text("case.records.none").foregroundColor(.secondary)
            }
            ForEach(records, id: \.id) { record in
                NavigationLink(value: record) {
                    VStack(alignment: .leading, spacing: 2) {
                        Text(record.kindLabel)
                        Text(record.statusLabel)
                            .font(.caption)
                            .foregroundColor(.secondary)
                    }
                }
            }
        }
    }

    private func evidenceSection(_ evidence: [EvidenceView]) -> some View {
        Section("case.evidence") {
            if evidence.isEmpty {
                Text("case.evidence.none").foregroundColor(.secondary)
            }
            ForEach(evidence, id: \.id) { item in
                EvidenceRow(item: item)
            }
        }
    }
}

/// An evidence item: what it is, when, and the start of its hash (what a court compares).
struct EvidenceRow: View {
    let item: EvidenceView
    @Environment(\.pickLists) private var pickLists

    var body: some View {
        HStack {
            Image(systemName: EvidenceRow.symbol(item))
            VStack(alignment: .leading, spacing: 2) {
                Text(pickLists.evidenceKinds.label(of: item.kind))
                Text(item.capturedAt.formatted(date: .abbreviated, time: .shortened))
                    .font(.caption)
                    .foregroundColor(.secondary)
                Text(verbatim: "SHA-256 \(item.sha256.prefix(16))…")
                    .font(.caption2.monospaced())
                    .foregroundColor(.secondary)
            }
        }
    }

    /// An icon by the content's type as the core sniffed it (no list of kinds here).
    static func symbol(_ item: EvidenceView) -> String {
        if item.mime.hasPrefix("video/") { return "video" }
        if item.mime.hasPrefix("audio/") { return "waveform" }
        if item.mime.hasPrefix("image/") { return "photo" }
        return "doc"
    }
}
