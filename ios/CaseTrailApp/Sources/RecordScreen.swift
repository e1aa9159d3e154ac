// One record (笔录, notice, receipt …): its content field by field under the schema's labels,
// its state, and once it is finalized its signature slots. A slot can be signed on the pad when
// the core says it can (`canSign`), or refused with the reason, a witness and audio/video proof
// (Art. 9) when the core says it can (`canRefuse`). A draft can be amended or finalized; any
// record can be voided with a reason, and stays in the file, marked. A finalized outward
// document (`canServe`, the core's rule) offers serving it (`ServeScreen`).

import CaseTrail
import SwiftUI

@MainActor
final class RecordModel: ObservableObject {
    let core: CaseTrail
    let caseId: String
    let recordId: String
    @Published var record: RecordView?
    /// Labels of the kind's fields, by schema path (`qa[].answer`).
    @Published private(set) var labels: [String: String] = [:]
    @Published var problem: Problem?
    @Published private(set) var busy = false

    init(core: CaseTrail, caseId: String, recordId: String) {
        self.core = core
        self.caseId = caseId
        self.recordId = recordId
    }

    /// The core has no single-record call; the record comes from its case.
    func load() async {
        let (core, caseId, recordId) = (self.core, self.caseId, self.recordId)
        do {
            let detail = try await offMain { try core.caseDetail(caseId: caseId) }
            record = detail.records.first(where: { $0.id == recordId })
            if labels.isEmpty, let kind = record?.kind {
                let schema = try await offMain { try core.formSchema(kind: kind) }
                labels = Dictionary(
                    schema.sections.flatMap(\.fields).map { ($0.path, $0.label) },
                    uniquingKeysWith: { first, _ in first })
            }
        } catch {
            problem = Problem(error)
        }
    }

    func finalize() async {
        await update { core, id in try core.finalizeRecord(recordId: id) }
    }

    func void(reason: String) async {
        await update { core, id in try core.voidRecord(recordId: id, reason: reason) }
    }

    private func update(_ call: @escaping @Sendable (CaseTrail, String) throws -> RecordView) async {
        busy = true
        defer { busy = false }
        let (core, id) = (self.core, self.recordId)
        do {
            record = try await offMain { try call(core, id) }
        } catch {
            problem = Problem(error)
        }
    }
}

/// A slot about to be signed or refused, with the version of the record shown to the signer.
struct SlotAction: Identifiable {
    let record: RecordView
    let slot: SlotView
    var id: String { slot.id }
}

struct RecordScreen: View {
    @StateObject private var model: RecordModel
    @State private var amending = false
    @State private var capturing = false
    @State private var voiding = false
    @State private var voidReason = ""
    @State private var signing: SlotAction?
    @State private var refusing: SlotAction?
    @State private var serving = false

    init(core: CaseTrail, recordId: String, caseId: String) {
        _model = StateObject(wrappedValue: RecordModel(core: core, caseId: caseId, recordId: recordId))
    }

    var body: some View {
        List {
            if let record = model.record {
                Section {
                    LabeledContent("record.status", value: record.statusLabel)
                    LabeledContent("record.version", value: String(record.version))
                    LabeledContent("record.created", value: record.createdAt.formatted(date: .abbreviated, time: .shortened))
                    if let finalized = record.finalizedAt {
                        LabeledContent("record.finalized", value: finalized.formatted(date: .abbreviated, time: .shortened))
                    }
                }
                if !record.slots.isEmpty {
                    slotsSection(record)
                }
                actionsSection(record)
                contentSection(record)
            } else if model.problem == nil {
                ProgressView()
            }
        }
        .navigationTitle(model.record?.kindLabel ?? "")
        .navigationBarTitleDisplayMode(.inline)
        .disabled(model.busy)
        .problemAlert($model.problem)
        .sheet(isPresented: $amending, onDismiss: reload) {
            if let record = model.record {
                RecordFormScreen(core: model.core, mode: .amend(record))
            }
        }
        .sheet(isPresented: $capturing, onDismiss: reload) {
            CaptureScreen(core: model.core, caseId: model.caseId, recordId: model.recordId)
        }
        .sheet(item: $signing, onDismiss: reload) { action in
            SignScreen(core: model.core, record: action.record, slot: action.slot)
        }
        .sheet(isPresented: $serving, onDismiss: reload) {
            if let record = model.record {
                ServeScreen(core: model.core, caseId: model.caseId, document: record)
            }
        }
        .sheet(item: $refusing, onDismiss: reload) { action in
            RefusalSheet(core: model.core, caseId: model.caseId, record: action.record, slot: action.slot)
        }
        .alert("record.void", isPresented: $voiding) {
            TextField("record.void.reason", text: $voidReason)
            Button("record.void", role: .destructive) {
                let reason = voidReason
                Task { await model.void(reason: reason) }
            }
            Button("common.cancel", role: .cancel) {}
        } message: {
            Text("record.void.message")
        }
        .task { await model.load() }
    }

    private func reload() {
        Task { await model.load() }
    }

    private func slotsSection(_ record: RecordView) -> some View {
        Section("record.slots") {
            ForEach(record.slots, id: \.id) { slot in
                VStack(alignment: .leading, spacing: 6) {
                    HStack {
                        Text(slot.roleLabel)
                        Text(slot.signerName).foregroundColor(.secondary)
                        Spacer()
                        Text(slot.stateLabel)
                            .font(.caption.bold())
                            .foregroundColor(Self.color(ofSlotState: slot.state))
                    }
                    if slot.canSign || slot.canRefuse {
                        HStack {
                            if slot.canSign {
                                Button("record.sign") { signing = SlotAction(record: record, slot: slot) }
                                    .buttonStyle(.borderedProminent)
                            }
                            if slot.canRefuse {
                                Button("record.refuse") { refusing = SlotAction(record: record, slot: slot) }
                                    .buttonStyle(.bordered)
                            }
                        }
                    }
                }
            }
        }
    }

    private static func color(ofSlotState state: String) -> Color {
        switch state {
        case "signed": return .green
        case "refused": return .orange
        default: return .secondary
        }
    }

    private func actionsSection(_ record: RecordView) -> some View {
        Section {
            if record.status == "draft" {
                Button("record.finalize") { Task { await model.finalize() } }
            }
            if record.canServe {
                Button("record.serve") { serving = true }
                    .bold()
            }
            if record.status != "void" {
                Button("record.amend") { amending = true }
                Button("record.capture") { capturing = true }
                Button("record.void", role: .destructive) {
                    voidReason = ""
                    voiding = true
                }
            }
        }
    }

    private func contentSection(_ record: RecordView) -> some View {
        Section("record.content") {
            ForEach(record.fields, id: \.path) { entry in
                VStack(alignment: .leading, spacing: 2) {
                    Text(verbatim: label(of: entry.path)).font(.caption).foregroundColor(.secondary)
                    Text(verbatim: entry.value.asText ?? "—")
                }
            }
            Text(verbatim: "SHA-256 \(record.contentHash)")
                .font(.caption2.monospaced())
                .foregroundColor(.secondary)
        }
    }
}

extension RecordScreen {
    /// `qa[1].answer` → 回答 (问答 2): the schema's label, with the item numbers of its path.
    func label(of path: String) -> String {
        let schemaPath = RecordFormModel.schemaPath(path)
        // An item of a plain list (`officers[1]`) goes by the list's label.
        let label = model.labels[schemaPath]
            ?? (schemaPath.hasSuffix("[]") ? model.labels[String(schemaPath.dropLast(2))] : nil)
            ?? path
        let numbers = path.split(separator: "[").dropFirst().compactMap { part in
            Int(part.prefix(while: \.isNumber)).map { String($0 + 1) }
        }
        return numbers.isEmpty ? label : "\(label) (\(numbers.joined(separator: ".")))"
    }
}
