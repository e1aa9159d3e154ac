// The record form: pick a kind of document, fill in its template field by field, save it as a
// draft or save and finalize it. Finalizing is where the core checks the regulation's
// requirements, and each `Invalid(field:)` it returns is shown under that field. The same form
// amends a record; an amendment always carries a reason and keeps the old version. If a new
// record saves but does not finalize, the form goes on as an amendment of that saved draft.
// Fields show under the core's labels, read once when the form loads: for every kind's template
// when adding, for the record's own fields when amending.

import CaseTrail
import SwiftUI

@MainActor
final class RecordFormModel: ObservableObject {
    enum Mode {
        case add(caseId: String)
        case amend(RecordView)
    }

    let core: CaseTrail
    @Published private(set) var mode: Mode
    @Published private(set) var kinds: [KindView] = []
    @Published private(set) var kindCode = ""
    @Published var fields: [JSONField] = []
    @Published private(set) var labels = FieldLabels()
    @Published var reason = ""
    @Published var errors = FieldErrors()
    @Published var problem: Problem?
    @Published private(set) var busy = false
    @Published private(set) var done = false

    init(core: CaseTrail, mode: Mode) {
        self.core = core
        self.mode = mode
    }

    var isAdding: Bool {
        if case .add = mode { return true }
        return false
    }

    func load() async {
        switch mode {
        case .add:
            guard kinds.isEmpty else { return }
            let core = self.core
            do {
                let loaded: (kinds: [KindView], labels: FieldLabels) = try await offMain {
                    let kinds = core.recordKinds()
                    let keys = kinds.flatMap { kind in
                        JSONForm.fields(of: kind.templateJson)?.map(\.key) ?? []
                    }
                    return (kinds: kinds, labels: FieldLabels(core: core, keys: keys))
                }
                kinds = loaded.kinds
                labels = loaded.labels
            } catch {
                problem = Problem(error)
            }
            if let first = kinds.first {
                choose(first.code)
            }
        case .amend(let record):
            guard fields.isEmpty else { return }
            fields = JSONForm.fields(of: record.contentJson) ?? []
            let (core, keys) = (self.core, fields.map(\.key))
            labels = (try? await offMain { FieldLabels(core: core, keys: keys) }) ?? labels
        }
    }

    /// Starts a new body of `code`'s kind from its empty template.
    func choose(_ code: String) {
        kindCode = code
        errors.removeAll()
        let template = kinds.first(where: { $0.code == code })?.templateJson ?? "{}"
        fields = JSONForm.fields(of: template) ?? []
    }

    /// Fills the form with the core's example of this kind for this case (demonstrations and
    /// training); kinds without an example come back as their empty form.
    func fillSample() async {
        guard case .add(let caseId) = mode else { return }
        let (core, kind) = (self.core, kindCode)
        do {
            let sample = try await offMain { try core.sampleRecordJson(caseId: caseId, kind: kind) }
            fields = JSONForm.fields(of: sample) ?? fields
            errors.removeAll()
        } catch {
            problem = Problem(error)
        }
    }

    func save(finalize: Bool) async {
        errors.removeAll()
        let body: String
        do {
            body = try JSONForm.json(of: fields)
        } catch let bad as JSONForm.BadValue {
            errors.set(String(localized: "form.bad_json"), at: bad.key)
            return
        } catch {
            problem = Problem(error)
            return
        }

        busy = true
        defer { busy = false }
        let core = self.core
        do {
            let record: RecordView
            switch mode {
            case .add(let caseId):
                let kind = kindCode
                record = try await offMain {
                    try core.addRecord(caseId: caseId, kind: kind, bodyJson: body)
                }
            case .amend(let current):
                let reason = self.reason
                record = try await offMain {
                    try core.amendRecord(recordId: current.id, bodyJson: body, reason: reason)
                }
            }
            // Saved: any further change is an amendment of this version.
            mode = .amend(record)
            reason = ""
            if finalize {
                let id = record.id
                _ = try await offMain { try core.finalizeRecord(recordId: id) }
            }
            done = true
        } catch {
            if !errors.place(error, among: fields.map(\.key) + ["reason"]) {
                problem = Problem(error)
            }
        }
    }
}

struct RecordFormScreen: View {
    @StateObject private var model: RecordFormModel
    @Environment(\.dismiss) private var dismiss

    init(core: CaseTrail, mode: RecordFormModel.Mode) {
        _model = StateObject(wrappedValue: RecordFormModel(core: core, mode: mode))
    }

    var body: some View {
        NavigationStack {
            Form {
                if model.isAdding {
                    kindSection
                } else {
                    reasonSection
                }
                JSONFieldsEditor(fields: $model.fields, errors: model.errors, labels: model.labels)
                Section {
                    Button("form.save_draft") { Task { await model.save(finalize: false) } }
                    Button("form.save_finalize") { Task { await model.save(finalize: true) } }
                        .bold()
                } footer: {
                    Text("form.values_hint")
                }
                .disabled(model.busy || model.fields.isEmpty)
            }
            .navigationTitle(title)
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button("common.cancel") { dismiss() }
                }
            }
            .problemAlert($model.problem)
            .task { await model.load() }
            .onChange(of: model.done) { done in
                if done { dismiss() }
            }
        }
    }

    private var title: LocalizedStringKey {
        model.isAdding ? "form.title.add" : "form.title.amend"
    }

    private var kindSection: some View {
        Section {
            Picker(
                "form.kind",
                selection: Binding(get: { model.kindCode }, set: { model.choose($0) })
            ) {
                ForEach(model.kinds, id: \.code) { kind in
                    Text(kind.label).tag(kind.code)
                }
            }
            .pickerStyle(.navigationLink)
            Button("form.fill_sample") { Task { await model.fillSample() } }
                .disabled(model.kindCode.isEmpty)
        }
    }

    private var reasonSection: some View {
        Section {
            TextField("form.reason", text: $model.reason, axis: .vertical)
            if let error = model.errors["reason"] {
                Text(error).font(.footnote).foregroundColor(.red)
            }
        } footer: {
            Text("form.reason.footer")
        }
    }
}
