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
    /// The case as entered, typed: it starts from the core's sample (two officers, one company).
    @Published var draft: CaseDraftInput?
    /// The core's pick-lists for the codes of a case, with their labels.
    @Published private(set) var lists: [String: [Choice]] = [:]
    @Published var errors = FieldErrors()
    @Published var problem: Problem?
    @Published private(set) var busy = false
    @Published private(set) var created: CaseRow?

    /// The lists a case's codes come from (`choices(list:)`), by the draft field that takes them.
    static let listOf = [
        "cause": "violation_type", "source": "case_source", "procedure": "procedure",
        "initial_status": "case_status", "party_kind": "party_kind",
    ]

    init(core: CaseTrail) {
        self.core = core
    }

    func load() async {
        guard draft == nil else { return }
        let core = self.core
        let names = Array(Self.listOf.values)
        do {
            let (sample, lists) = try await offMain { () throws -> (CaseDraftInput, [String: [Choice]]) in
                var lists: [String: [Choice]] = [:]
                for list in names { lists[list] = try core.choices(list: list) }
                return (core.sampleCaseDraft(caseNo: ""), lists)
            }
            self.draft = sample
            self.lists = lists
        } catch {
            problem = Problem(error)
        }
    }

    func create() async {
        guard let draft else { return }
        errors.removeAll()
        busy = true
        defer { busy = false }
        let core = self.core
        do {
            created = try await offMain { try core.createCase(draft: draft) }
        } catch {
            let keys = ["case_no", "title", "cause", "cause_text", "procedure", "source", "handling_unit",
                        "initial_status", "officers", "parties", "legal_basis"]
            if !errors.place(error, among: keys) {
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

    private func text(_ label: LocalizedStringKey, _ value: Binding<String>, error key: String) -> some View {
        VStack(alignment: .leading) {
            TextField(label, text: value)
            if let e = model.errors[key] { Text(e).font(.caption).foregroundColor(.red) }
        }
    }

    private func picker(_ label: LocalizedStringKey, _ value: Binding<String>, list: String) -> some View {
        Picker(label, selection: value) {
            ForEach(model.lists[list] ?? [], id: \.code) { Text($0.label).tag($0.code) }
        }
    }

    var body: some View {
        NavigationStack {
            Form {
                Section {
                    Text("cases.new.hint").font(.footnote).foregroundColor(.secondary)
                }
                if let binding = Binding($model.draft) {
                    Section("cases.new.case") {
                        text("cases.new.case_no", binding.caseNo, error: "case_no")
                        text("cases.new.title", binding.title, error: "title")
                        picker("cases.new.cause", binding.cause, list: "violation_type")
                        text("cases.new.cause_text", binding.causeText, error: "cause_text")
                        picker("cases.new.source", binding.source, list: "case_source")
                        picker("cases.new.procedure", binding.procedure, list: "procedure")
                        picker("cases.new.initial_status", binding.initialStatus, list: "case_status")
                        Toggle("cases.new.is_major", isOn: binding.isMajor)
                        Toggle("cases.new.emergency_start", isOn: binding.emergencyStart)
                        text("cases.new.handling_unit", binding.handlingUnit, error: "handling_unit")
                    }
                    Section("cases.new.officers") {
                        ForEach(binding.officers.indices, id: \.self) { i in
                            TextField("cases.new.officer_name", text: binding.officers[i].name)
                            TextField("cases.new.officer_cert", text: binding.officers[i].certNo)
                        }
                        if let e = model.errors["officers"] { Text(e).font(.caption).foregroundColor(.red) }
                    }
                    Section("cases.new.parties") {
                        ForEach(binding.parties.indices, id: \.self) { i in
                            picker("cases.new.party_kind", binding.parties[i].kind, list: "party_kind")
                            TextField("cases.new.party_name", text: binding.parties[i].name)
                            TextField("cases.new.party_address", text: binding.parties[i].address)
                        }
                        if let e = model.errors["parties"] { Text(e).font(.caption).foregroundColor(.red) }
                    }
                }
            }
            .navigationTitle("cases.new")
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button("common.cancel") { dismiss() }
                }
                ToolbarItem(placement: .confirmationAction) {
                    Button("common.create") { Task { await model.create() } }
                        .disabled(model.busy || model.draft == nil)
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
