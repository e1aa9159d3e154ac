// Signing one slot of a finalized record. The signature is bound to the content hash of the
// version the signer was shown (the record passed in), so if the record changed meanwhile the
// core refuses and the inspector shows the new version first. The slot's own wording of what
// the signer affirms (以上笔录我看过，与我说的相符 …) stands right above the pad; the signer may
// write other words instead, which then take its place. Left empty, the core uses the slot's.

import CaseTrail
import SwiftUI

@MainActor
final class SignModel: ObservableObject {
    private let core: CaseTrail
    let record: RecordView
    let slot: SlotView
    let ink: PadInk
    /// The signer's own words, if they write any instead of the slot's.
    @Published var affirmation = ""
    @Published var problem: Problem?
    @Published private(set) var busy = false
    @Published private(set) var signed = false

    init(core: CaseTrail, record: RecordView, slot: SlotView) {
        self.core = core
        self.record = record
        self.slot = slot
        self.ink = PadInk(limits: core.padLimits())
    }

    /// The slot's wording, shown above the pad while the signer writes none of their own (the
    /// core takes the slot's wording for blank words too).
    var slotAffirmation: String? {
        let own = affirmation.trimmingCharacters(in: .whitespacesAndNewlines)
        return own.isEmpty && !slot.affirmation.isEmpty ? slot.affirmation : nil
    }

    func sign() async {
        guard let strokes = ink.padStrokes else { return }
        busy = true
        defer { busy = false }
        let (core, recordId, slotId, hash, affirmation) =
            (self.core, record.id, slot.id, record.contentHash, self.affirmation)
        do {
            _ = try await offMain {
                try core.signSlot(
                    recordId: recordId, slotId: slotId, contentHash: hash,
                    strokes: strokes, affirmation: affirmation)
            }
            signed = true
        } catch {
            problem = Problem(error)
        }
    }
}

struct SignScreen: View {
    @StateObject private var model: SignModel
    @Environment(\.dismiss) private var dismiss

    init(core: CaseTrail, record: RecordView, slot: SlotView) {
        _model = StateObject(wrappedValue: SignModel(core: core, record: record, slot: slot))
    }

    var body: some View {
        NavigationStack {
            VStack(alignment: .leading, spacing: 16) {
                Text(verbatim: "\(model.record.kindLabel) · \(model.slot.roleLabel) \(model.slot.signerName)")
                    .font(.headline)
                TextField("sign.affirmation", text: $model.affirmation, axis: .vertical)
                    .textFieldStyle(.roundedBorder)
                if let words = model.slotAffirmation {
                    Text(verbatim: words)
                        .font(.title3)
                        .fixedSize(horizontal: false, vertical: true)
                }
                SignaturePad(ink: model.ink)
                Text("sign.hint").font(.footnote).foregroundColor(.secondary)
                Spacer()
            }
            .padding()
            .navigationTitle("sign.title")
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button("common.cancel") { dismiss() }
                }
                ToolbarItem(placement: .confirmationAction) {
                    SignButton(ink: model.ink, busy: model.busy) {
                        Task { await model.sign() }
                    }
                }
            }
            .problemAlert($model.problem)
            .onChange(of: model.signed) { signed in
                if signed { dismiss() }
            }
        }
        .interactiveDismissDisabled()
    }
}

/// "Confirm" that is enabled once something is drawn (it observes the pad, not the model).
private struct SignButton: View {
    @ObservedObject var ink: PadInk
    let busy: Bool
    let action: () -> Void

    var body: some View {
        Button("sign.confirm", action: action)
            .disabled(busy || ink.isEmpty)
    }
}
