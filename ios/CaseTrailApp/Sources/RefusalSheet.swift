// A party's refusal to sign, recorded the way Art. 9 asks: the reason (a pick-list, with words
// when it is "other"), the annotation the officer writes on the record, the noting officer, a
// witness who may sign themselves, and at least one photo, audio or video made there and then.
// The video can be taken from this sheet; it is linked as soon as it is captured. Everything
// goes to the core in one call, and each field the core rejects shows its message in place.
// The reasons and relations to pick from, and their labels, are the core's (`PickLists`); which
// evidence can prove the refusal is the core's too (`EvidenceView.countsAsAvRecord`), and the
// sheet is only offered for a slot the core says can be refused (`SlotView.canRefuse`). Nothing
// is preselected: the inspector chooses the reason and the witness's relation.

import CaseTrail
import SwiftUI

@MainActor
final class RefusalModel: ObservableObject {
    private let core: CaseTrail
    let caseId: String
    let record: RecordView
    let slot: SlotView
    let witnessInk: PadInk
    @Published var reason = ""
    @Published var reasonText = ""
    @Published var annotation = String(localized: "refusal.annotation.default")
    @Published var notedBy = ""
    @Published var hasWitness = false
    @Published var witnessName = ""
    @Published var witnessRelation = ""
    @Published var witnessRole = ""
    @Published var linked: Set<String> = []
    @Published private(set) var recordings: [EvidenceView] = []
    @Published private(set) var officers: [OfficerView] = []
    @Published var errors = FieldErrors()
    @Published var problem: Problem?
    @Published private(set) var busy = false
    @Published private(set) var done = false

    /// The fields of `RefusalInput` whose errors the sheet shows in place.
    private static let formFields = ["reason", "reason_text", "annotation", "noted_by", "witness", "av_evidence"]

    init(core: CaseTrail, caseId: String, record: RecordView, slot: SlotView) {
        self.core = core
        self.caseId = caseId
        self.record = record
        self.slot = slot
        self.witnessInk = PadInk(limits: core.padLimits())
    }

    func load() async {
        let (core, caseId) = (self.core, self.caseId)
        do {
            let (detail, enrolment) = try await offMain {
                (try core.caseDetail(caseId: caseId), try? core.enrolment())
            }
            officers = detail.officers
            recordings = Array(detail.evidence.filter(\.countsAsAvRecord).reversed())
            if notedBy.isEmpty, let me = officers.me(enrolledAs: enrolment?.officer) {
                notedBy = me.certNo
            }
        } catch {
            problem = Problem(error)
        }
    }

    /// Links a recording captured from this sheet.
    func captured(_ item: EvidenceView) {
        guard item.countsAsAvRecord else { return }
        recordings.insert(item, at: 0)
        linked.insert(item.id)
    }

    func submit() async {
        errors.removeAll()
        let witness = hasWitness
            ? WitnessInput(
                name: witnessName, relation: witnessRelation, roleText: witnessRole,
                strokes: witnessInk.padStrokes)
            : nil
        let input = RefusalInput(
            recordId: record.id, slotId: slot.id, contentHash: record.contentHash,
            reason: reason, reasonText: reasonText, notedBy: notedBy, annotation: annotation,
            witness: witness, avEvidence: recordings.map(\.id).filter { linked.contains($0) })
        busy = true
        defer { busy = false }
        let core = self.core
        do {
            _ = try await offMain { try core.refuseSlot(input: input) }
            done = true
        } catch {
            if !errors.place(error, among: Self.formFields) {
                problem = Problem(error)
            }
        }
    }
}

struct RefusalSheet: View {
    @StateObject private var model: RefusalModel
    @Environment(\.pickLists) private var pickLists
    @State private var capturing = false
    @State private var witnessSigning = false
    @Environment(\.dismiss) private var dismiss
    private let core: CaseTrail

    init(core: CaseTrail, caseId: String, record: RecordView, slot: SlotView) {
        self.core = core
        _model = StateObject(wrappedValue: RefusalModel(
            core: core, caseId: caseId, record: record, slot: slot))
    }

    var body: some View {
        NavigationStack {
            Form {
                Section {
                    Text(verbatim: "\(model.record.kindLabel) · \(model.slot.roleLabel) \(model.slot.signerName)")
                }
                reasonSection
                Section("refusal.annotation") {
                    TextField("refusal.annotation", text: $model.annotation, axis: .vertical)
                    errorText("annotation")
                }
                notedBySection
                witnessSection
                recordingsSection
            }
            .navigationTitle("refusal.title")
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button("common.cancel") { dismiss() }
                }
                ToolbarItem(placement: .confirmationAction) {
                    Button("refusal.submit") { Task { await model.submit() } }
                        .disabled(model.busy)
                }
            }
            .problemAlert($model.problem)
            .task { await model.load() }
            .onChange(of: model.done) { done in
                if done { dismiss() }
            }
            .sheet(isPresented: $capturing) {
                CaptureScreen(
                    core: core, caseId: model.caseId, recordId: model.record.id,
                    activity: "refusal_to_sign",
                    onCaptured: { item in model.captured(item) })
            }
            .sheet(isPresented: $witnessSigning) {
                WitnessPadSheet(ink: model.witnessInk)
            }
        }
        .interactiveDismissDisabled()
    }

    @ViewBuilder
    private func errorText(_ field: String) -> some View {
        if let error = model.errors[field] {
            Text(error).font(.footnote).foregroundColor(.red)
        }
    }

    private var reasonSection: some View {
        Section("refusal.reason") {
            Picker("refusal.reason", selection: $model.reason) {
                Text("form.none").tag("")
                ForEach(pickLists.refusalReasons, id: \.code) { choice in
                    Text(choice.label).tag(choice.code)
                }
            }
            errorText("reason")
            TextField("refusal.reason_text", text: $model.reasonText, axis: .vertical)
            errorText("reason_text")
        }
    }

    @ViewBuilder
    private var notedBySection: some View {
        Section("refusal.noted_by") {
            if model.officers.isEmpty {
                TextField("refusal.noted_by", text: $model.notedBy)
                    .autocorrectionDisabled()
                    .textInputAutocapitalization(.never)
            } else {
                Picker("refusal.noted_by", selection: $model.notedBy) {
                    ForEach(model.officers, id: \.certNo) { officer in
                        Text(verbatim: "\(officer.name) \(officer.certNo)").tag(officer.certNo)
                    }
                }
            }
            errorText("noted_by")
        }
    }

    private var witnessSection: some View {
        Section("refusal.witness") {
            Toggle("refusal.witness.present", isOn: $model.hasWitness)
            if model.hasWitness {
                TextField("refusal.witness.name", text: $model.witnessName)
                Picker("refusal.witness.relation", selection: $model.witnessRelation) {
                    Text("form.none").tag("")
                    ForEach(pickLists.relations, id: \.code) { choice in
                        Text(choice.label).tag(choice.code)
                    }
                }
                TextField("refusal.witness.role", text: $model.witnessRole)
                Button {
                    witnessSigning = true
                } label: {
                    InkState(ink: model.witnessInk)
                }
            }
            errorText("witness")
        }
    }

    private var recordingsSection: some View {
        Section {
            Button {
                capturing = true
            } label: {
                Label("refusal.record_now", systemImage: "video")
            }
            ForEach(model.recordings, id: \.id) { item in
                Button {
                    if model.linked.contains(item.id) {
                        model.linked.remove(item.id)
                    } else {
                        model.linked.insert(item.id)
                    }
                } label: {
                    HStack {
                        EvidenceRow(item: item)
                        Spacer()
                        Image(systemName: model.linked.contains(item.id) ? "checkmark.circle.fill" : "circle")
                    }
                }
                .buttonStyle(.plain)
            }
            errorText("av_evidence")
        } header: {
            Text("refusal.recordings")
        } footer: {
            Text("refusal.recordings.footer")
        }
    }
}

/// "Witness signature: signed / not yet", following the pad.
struct InkState: View {
    @ObservedObject var ink: PadInk

    var body: some View {
        if ink.isEmpty {
            Label("refusal.witness.sign", systemImage: "signature")
        } else {
            Label("refusal.witness.signed", systemImage: "checkmark.circle")
        }
    }
}

/// The witness signs on a pad of their own; the strokes stay with the caller (the refusal or
/// the service).
struct WitnessPadSheet: View {
    @ObservedObject var ink: PadInk
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        NavigationStack {
            VStack(spacing: 16) {
                SignaturePad(ink: ink)
                Text("refusal.witness.pad_hint").font(.footnote).foregroundColor(.secondary)
                Spacer()
            }
            .padding()
            .navigationTitle("refusal.witness.sign")
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .confirmationAction) {
                    Button("common.done") { dismiss() }
                }
            }
        }
        .interactiveDismissDisabled()
    }
}
