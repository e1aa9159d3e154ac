// The first screen: every case on this phone, newest first, with the deadlines that are open
// across all of them on top (the regulation's time limits are what inspectors miss), and a
// sheet to open a new case. Opening a case pushes the case screen.

import CaseTrail
import SwiftUI

@MainActor
final class CaseListModel: ObservableObject {
    let core: CaseTrail
    @Published private(set) var cases: [CaseRow] = []
    @Published private(set) var due: [DeadlineView] = []
    @Published private(set) var loaded = false
    @Published var problem: Problem?

    init(core: CaseTrail) {
        self.core = core
    }

    func load() async {
        let core = self.core
        do {
            let (cases, due) = try await offMain { (try core.listCases(), try core.due()) }
            self.cases = cases
            self.due = due
            problem = nil
        } catch {
            problem = Problem(error)
        }
        loaded = true
    }
}

struct CaseListScreen: View {
    @StateObject private var model: CaseListModel
    @State private var creating = false

    init(core: CaseTrail) {
        _model = StateObject(wrappedValue: CaseListModel(core: core))
    }

    var body: some View {
        List {
            if let problem = model.problem {
                ProblemRow(problem: problem)
            }
            if !model.due.isEmpty {
                Section("cases.due") {
                    ForEach(model.due, id: \.self) { deadline in
                        DeadlineRow(deadline: deadline, showCase: true)
                    }
                }
            }
            Section("cases.all") {
                if model.loaded && model.cases.isEmpty {
                    Text("cases.empty").foregroundColor(.secondary)
                }
                ForEach(model.cases, id: \.id) { row in
                    NavigationLink(value: row) {
                        VStack(alignment: .leading, spacing: 2) {
                            Text(row.title).font(.headline)
                            Text(row.caseNo).font(.subheadline)
                            Text(verbatim: "\(row.stageLabel) · \(row.statusLabel)")
                                .font(.caption)
                                .foregroundColor(.secondary)
                        }
                    }
                }
            }
        }
        .navigationTitle("cases.title")
        .navigationDestination(for: CaseRow.self) { row in
            CaseScreen(core: model.core, caseId: row.id)
        }
        .toolbar {
            Button {
                creating = true
            } label: {
                Label("cases.new", systemImage: "plus")
            }
        }
        .sheet(isPresented: $creating, onDismiss: { Task { await model.load() } }) {
            NewCaseSheet(core: model.core)
        }
        .refreshable { await model.load() }
        .task { await model.load() }
    }
}

/// A deadline with its state; red when missed or critical.
struct DeadlineRow: View {
    let deadline: DeadlineView
    var showCase = false

    var body: some View {
        VStack(alignment: .leading, spacing: 2) {
            HStack {
                Text(deadline.label)
                Spacer()
                Text(deadline.stateLabel)
                    .font(.caption.bold())
                    .foregroundColor(color)
            }
            HStack(spacing: 6) {
                if showCase {
                    Text(deadline.caseNo)
                }
                Text(deadline.due.formatted(date: .abbreviated, time: .shortened))
                if deadline.provisional {
                    Text("deadline.provisional")
                }
            }
            .font(.caption)
            .foregroundColor(.secondary)
        }
    }

    private var color: Color {
        switch deadline.state {
        case "missed", "critical": return .red
        case "warning": return .orange
        case "met": return .green
        default: return .secondary
        }
    }
}

@MainActor
final class NewCaseModel: ObservableObject {
    private let core: CaseTrail
    @Published var fields: [JSONField] = []
    @Published var errors = FieldErrors()
    @Published var problem: Problem?
    @Published private(set) var busy = false
    @Published private(set) var created: CaseRow?

    init(core: CaseTrail) {
        self.core = core
    }

    /// Starts from the core's sample draft: the only full CaseDraft the core offers.
    func load() async {
        guard fields.isEmpty else { return }
        let core = self.core
        do {
            let draft = try await offMain { try core.sampleCaseDraft(caseNo: "") }
            fields = JSONForm.fields(of: draft) ?? []
        } catch {
            problem = Problem(error)
        }
    }

    func create() async {
        errors.removeAll()
        let draft: String
        do {
            draft = try JSONForm.json(of: fields)
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
            created = try await offMain { try core.createCase(draftJson: draft) }
        } catch {
            if !errors.place(error, among: fields.map(\.key)) {
                problem = Problem(error)
            }
        }
    }
}

struct NewCaseSheet: View {
    @StateObject private var model: NewCaseModel
    @Environment(\.dismiss) private var dismiss

    init(core: CaseTrail) {
        _model = StateObject(wrappedValue: NewCaseModel(core: core))
    }

    var body: some View {
        NavigationStack {
            Form {
                Section {
                    Text("cases.new.hint").font(.footnote).foregroundColor(.secondary)
                }
                JSONFieldsEditor(fields: $model.fields, errors: model.errors)
            }
            .navigationTitle("cases.new")
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button("common.cancel") { dismiss() }
                }
                ToolbarItem(placement: .confirmationAction) {
                    Button("common.create") { Task { await model.create() } }
                        .disabled(model.busy || model.fields.isEmpty)
                }
            }
            .problemAlert($model.problem)
            .task { await model.load() }
            .onChange(of: model.created) { created in
                if created != nil { dismiss() }
            }
        }
    }
}
