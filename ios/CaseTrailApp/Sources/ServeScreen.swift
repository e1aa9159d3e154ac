// Serving a finalized outward document (Art. 17): the method, then what that method needs —
// where, who received it and their relation, why it was refused and who witnessed it (each
// witness with their relation, role and, if they will, their own signature), the tracking
// number, where a notice was published — and the photos, audio or video of the service picked
// from the case's evidence. Which of these a method needs is not known here: the screen reads
// the service receipt's form (`formSchema(kind: "service_receipt")`) and shows a field when the
// schema's relevance for it holds for the chosen method, under the schema's label, help and
// required marker. The methods and relations and their labels are the core's (`choices`), the
// time of service is the core's clock (`servedAt: nil`), the receiver's relation left unchosen
// is the form's default (empty), the address opens as the form's default (`formDefaults`). The core writes and finalizes the service receipt and returns
// it; each problem it finds is shown under its field.

import CaseTrail
import SwiftUI

/// A witness being entered on the serve screen.
struct ServeWitness: Identifiable {
    let id = UUID()
    var name = ""
    var relation = ""
    var role = ""
    let ink: PadInk
}

@MainActor
final class ServeModel: ObservableObject {
    /// The top-level fields of the service receipt this screen fills through `ServeInput`.
    static let inputFields = [
        "address", "receiver", "refusal_reason", "witnesses", "tracking_no", "notice_medium",
        "why_other_methods_failed", "officers", "av_evidence",
    ]

    let core: CaseTrail
    let caseId: String
    let document: RecordView
    @Published private(set) var methods: [Choice] = []
    @Published private(set) var relations: [Choice] = []
    @Published private(set) var witnessRelations: [Choice] = []
    @Published private(set) var officers: [OfficerView] = []
    @Published private(set) var recordings: [EvidenceView] = []
    @Published private(set) var schema: FormSchemaView?
    @Published var method = ""
    @Published var address = ""
    @Published var receiverName = ""
    @Published var receiverRelation = ""
    @Published var servingOfficers: Set<String> = []
    @Published var refusalReason = ""
    @Published var witnesses: [ServeWitness] = []
    @Published var linked: Set<String> = []
    @Published var trackingNo = ""
    @Published var noticeMedium = ""
    @Published var whyOtherMethodsFailed = ""
    /// Messages by the top-level field they concern.
    @Published private(set) var errors: [String: [String]] = [:]
    @Published var problem: Problem?
    @Published private(set) var busy = false
    @Published private(set) var done = false

    init(core: CaseTrail, caseId: String, document: RecordView) {
        self.core = core
        self.caseId = caseId
        self.document = document
    }

    func load() async {
        guard schema == nil else { return }
        let (core, caseId) = (self.core, self.caseId)
        do {
            let loaded = try await offMain {
                (methods: try core.choices(list: "service_method"),
                 relations: try core.choices(list: "relation"),
                 witnessRelations: try core.choices(list: "witness_relation"),
                 schema: try core.formSchema(kind: "service_receipt"),
                 detail: try core.caseDetail(caseId: caseId),
                 defaults: try core.formDefaults(caseId: caseId, kind: "service_receipt"),
                 enrolment: try? core.enrolment())
            }
            methods = loaded.methods
            relations = loaded.relations
            witnessRelations = loaded.witnessRelations
            schema = loaded.schema
            officers = loaded.detail.officers
            recordings = Array(loaded.detail.evidence.filter(\.countsAsAvRecord).reversed())
            if servingOfficers.isEmpty, let me = officers.me(enrolledAs: loaded.enrolment?.officer) {
                servingOfficers = [me.certNo]
            }
            // Where the service form opens (the core's default for this case).
            if address.isEmpty,
               case .text(let opening)? = loaded.defaults.first(where: { $0.path == "address" })?.value {
                address = opening
            }
        } catch {
            problem = Problem(error)
        }
    }

    /// The service receipt's top-level field of this name, if its form has one.
    func field(_ name: String) -> FormFieldView? {
        schema?.sections.flatMap(\.fields).first(where: { $0.parent == nil && $0.name == name })
    }

    /// Whether the chosen method needs the field, by the schema's relevance; a field the
    /// schema does not make depend on anything is always shown.
    func shows(_ name: String) -> Bool {
        guard let field = field(name) else { return true }
        switch field.relevant {
        case .always, .majorCase:
            return true
        case .equals(let path, let anyOf):
            return path == "method" ? anyOf.contains(method) : true
        case .isTrue:
            return true
        }
    }

    /// Fields the chosen method needs that this screen cannot fill (`ServeInput` has no
    /// place for them): they are completed by amending the service receipt.
    var notCovered: [FormFieldView] {
        guard let schema, !method.isEmpty else { return [] }
        return schema.sections.flatMap(\.fields).filter { field in
            guard field.parent == nil, !Self.inputFields.contains(field.name) else { return false }
            if case .equals(let path, let anyOf) = field.relevant, path == "method" {
                return anyOf.contains(method)
            }
            return false
        }
    }

    func addWitness() {
        witnesses.append(ServeWitness(ink: PadInk(limits: core.padLimits())))
    }

    func submit() async {
        errors = [:]
        let text = { (name: String, value: String) in self.shows(name) ? value : "" }
        let name = receiverName.trimmingCharacters(in: .whitespacesAndNewlines)
        let input = ServeInput(
            documentId: document.id,
            method: method,
            servedAt: nil,
            address: text("address", address),
            receiverName: shows("receiver") && !name.isEmpty ? name : nil,
            receiverRelation: shows("receiver") ? receiverRelation : "",
            officers: officers.map(\.certNo).filter { servingOfficers.contains($0) },
            refusalReason: text("refusal_reason", refusalReason),
            witnesses: shows("witnesses")
                ? witnesses.map {
                    WitnessInput(
                        name: $0.name, relation: $0.relation, roleText: $0.role,
                        strokes: $0.ink.padStrokes)
                }
                : [],
            avEvidence: recordings.map(\.id).filter { linked.contains($0) },
            trackingNo: text("tracking_no", trackingNo),
            noticeMedium: text("notice_medium", noticeMedium),
            whyOtherMethodsFailed: text("why_other_methods_failed", whyOtherMethodsFailed))
        busy = true
        defer { busy = false }
        let core = self.core
        do {
            _ = try await offMain { try core.serveDocument(input: input) }
            done = true
        } catch {
            guard case let .Invalid(field, _, message, problems)? = error as? CaseTrailError else {
                problem = Problem(error)
                return
            }
            let found = problems.isEmpty
                ? [FieldProblem(path: field, code: "", message: message)]
                : problems
            var placed = false
            // The core names `ServeInput`'s fields (`receiver_name`, `witness.relation`) or the
            // receipt's (`receiver.name`, `witnesses[0].name`); both go to the section shown.
            let sections = ["receiver_name": "receiver", "receiver_relation": "receiver", "witness": "witnesses"]
            for p in found {
                let top = FieldErrors.topLevel(p.path)
                let at = sections[top] ?? top
                if at == "method" || Self.inputFields.contains(at) {
                    errors[at, default: []].append(p.message)
                    placed = true
                }
            }
            if !placed { problem = Problem(error) }
        }
    }
}

struct ServeScreen: View {
    @StateObject private var model: ServeModel
    @State private var signingWitness: ServeWitness.ID?
    @Environment(\.dismiss) private var dismiss

    init(core: CaseTrail, caseId: String, document: RecordView) {
        _model = StateObject(wrappedValue: ServeModel(core: core, caseId: caseId, document: document))
    }

    var body: some View {
        NavigationStack {
            Form {
                Section {
                    Text(verbatim: model.document.kindLabel)
                    Picker("serve.method", selection: $model.method) {
                        Text("form.none").tag("")
                        ForEach(model.methods, id: \.code) { choice in
                            Text(choice.label).tag(choice.code)
                        }
                    }
                    errors("method")
                }
                if !model.method.isEmpty {
                    if model.shows("address") {
                        fieldSection("address") {
                            TextField(label("address"), text: $model.address, axis: .vertical)
                        }
                    }
                    if model.shows("receiver") {
                        fieldSection("receiver") {
                            TextField("serve.receiver.name", text: $model.receiverName)
                            Picker("serve.receiver.relation", selection: $model.receiverRelation) {
                                Text("serve.receiver.relation.default").tag("")
                                ForEach(model.relations, id: \.code) { choice in
                                    Text(choice.label).tag(choice.code)
                                }
                            }
                        }
                    }
                    if model.shows("refusal_reason") {
                        fieldSection("refusal_reason") {
                            TextField(label("refusal_reason"), text: $model.refusalReason, axis: .vertical)
                        }
                    }
                    if model.shows("witnesses") {
                        witnessesSection
                    }
                    if model.shows("tracking_no") {
                        fieldSection("tracking_no") {
                            TextField(label("tracking_no"), text: $model.trackingNo)
                                .autocorrectionDisabled()
                                .textInputAutocapitalization(.never)
                        }
                    }
                    if model.shows("notice_medium") {
                        fieldSection("notice_medium") {
                            TextField(label("notice_medium"), text: $model.noticeMedium, axis: .vertical)
                        }
                    }
                    if model.shows("why_other_methods_failed") {
                        fieldSection("why_other_methods_failed") {
                            TextField(label("why_other_methods_failed"), text: $model.whyOtherMethodsFailed, axis: .vertical)
                        }
                    }
                    officersSection
                    recordingsSection
                    if !model.notCovered.isEmpty {
                        Section {
                            Text(CodeLabel.format(
                                "serve.not_covered", model.notCovered.map(\.label).joined(separator: "、")))
                                .font(.footnote)
                        }
                    }
                }
            }
            .navigationTitle("serve.title")
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button("common.cancel") { dismiss() }
                }
                ToolbarItem(placement: .confirmationAction) {
                    Button("serve.submit") { Task { await model.submit() } }
                        .disabled(model.busy || model.method.isEmpty)
                }
            }
            .problemAlert($model.problem)
            .task { await model.load() }
            .onChange(of: model.done) { done in
                if done { dismiss() }
            }
            .sheet(item: Binding(
                get: { model.witnesses.first(where: { $0.id == signingWitness }).map(WitnessPadItem.init) },
                set: { signingWitness = $0?.witness.id })
            ) { item in
                WitnessPadSheet(ink: item.witness.ink)
            }
        }
        .interactiveDismissDisabled()
    }

    /// The schema's label of a receipt field, or its name if the form has none.
    private func label(_ name: String) -> String {
        model.field(name)?.label ?? name
    }

    /// A section titled by the schema's label, with its required marker, articles and help,
    /// and the core's problems with the field under it.
    private func fieldSection<Content: View>(_ name: String, @ViewBuilder content: () -> Content) -> some View {
        let field = model.field(name)
        return Section {
            content()
            errors(name)
        } header: {
            HStack(spacing: 4) {
                Text(verbatim: field?.label ?? name)
                if let field, field.need != .optional {
                    Text(verbatim: "*").foregroundColor(.red)
                }
            }
            .textCase(nil)
        } footer: {
            if let field {
                VStack(alignment: .leading, spacing: 2) {
                    if !field.help.isEmpty { Text(verbatim: field.help) }
                    if !field.requiredBy.isEmpty {
                        Text(CodeLabel.format("form.required_by", field.requiredBy.joined(separator: "；")))
                    }
                }
            }
        }
    }

    @ViewBuilder
    private func errors(_ name: String) -> some View {
        ForEach(model.errors[name] ?? [], id: \.self) { message in
            Text(message).font(.footnote).foregroundColor(.red)
        }
    }

    private var witnessesSection: some View {
        fieldSection("witnesses") {
            ForEach($model.witnesses) { $witness in
                VStack(alignment: .leading, spacing: 8) {
                    HStack {
                        TextField("serve.witness.name", text: $witness.name)
                        Button(role: .destructive) {
                            model.witnesses.removeAll { $0.id == witness.id }
                        } label: {
                            Label("form.remove_item", systemImage: "minus.circle").labelStyle(.iconOnly)
                        }
                        .buttonStyle(.borderless)
                    }
                    Picker("serve.witness.relation", selection: $witness.relation) {
                        Text("form.none").tag("")
                        ForEach(model.witnessRelations, id: \.code) { choice in
                            Text(choice.label).tag(choice.code)
                        }
                    }
                    TextField("serve.witness.role", text: $witness.role)
                    Button {
                        signingWitness = witness.id
                    } label: {
                        InkState(ink: witness.ink)
                    }
                    .buttonStyle(.borderless)
                }
            }
            Button {
                model.addWitness()
            } label: {
                Label("serve.witness.add", systemImage: "plus.circle")
            }
        }
    }

    private var officersSection: some View {
        Section {
            ForEach(model.officers, id: \.certNo) { officer in
                Toggle(isOn: Binding(
                    get: { model.servingOfficers.contains(officer.certNo) },
                    set: { on in
                        if on { model.servingOfficers.insert(officer.certNo) } else { model.servingOfficers.remove(officer.certNo) }
                    })
                ) {
                    Text(verbatim: "\(officer.name) \(officer.certNo)")
                }
            }
            errors("officers")
        } header: {
            Text("serve.officers")
        }
    }

    private var recordingsSection: some View {
        Section {
            if model.recordings.isEmpty {
                Text("serve.recordings.none").foregroundColor(.secondary)
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
            errors("av_evidence")
        } header: {
            Text("serve.recordings")
        } footer: {
            Text("serve.recordings.footer")
        }
    }
}

/// The witness whose pad is open.
private struct WitnessPadItem: Identifiable {
    let witness: ServeWitness
    var id: UUID { witness.id }
}
