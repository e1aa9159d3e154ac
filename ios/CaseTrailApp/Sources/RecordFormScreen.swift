// The record form, drawn from the core's schema of the kind alone (`formSchema(kind:)`): its
// sections, and per field an editor chosen by the field's type, with its label, help, the
// articles that require it, its limits and when it is shown. Groups and persons are nested
// blocks; lists get add/remove buttons within the schema's min/max. Parties, officers,
// evidence and records are picked from the case. Nothing here knows a kind, a rule, a list or
// a default: a new form opens with `formDefaults`, relevance is evaluated from the values as
// typed, and every problem comes back from the core by path and is shown under that field (or
// the nearest field shown above it).
//
// Values are held by concrete path (`qa[0].answer`) and saved as a draft on every change
// (`saveFormDraft`), so a form survives the app being killed; the case's drafts are offered
// for resuming. Saving turns the draft into a record (`saveDraftAsRecord`), then optionally
// finalizes it. An amendment is the same form over the record's fields, with a reason. If a
// record saves but does not finalize, the form goes on as an amendment of that saved record.

import CaseTrail
import SwiftUI

/// One line of a rendered form.
struct FormRow: Identifiable {
    enum Role: Equatable {
        /// An editor for a value.
        case value
        /// The title of a group, person or list.
        case heading
        /// The title of one item of a list of groups or persons (remove button).
        case item(index: Int)
        /// One item of a list of plain values: an editor with a remove button.
        case valueItem(index: Int)
        /// "Add" under a list.
        case add(count: Int)
    }

    let field: FormFieldView
    /// Concrete path (`qa[1].answer`); for an item, the item's path (`qa[1]`); for a list's
    /// heading and its add button, the list's path (`qa`).
    let path: String
    let depth: Int
    let role: Role

    var id: String {
        switch role {
        case .add: return path + "#add"
        case .heading: return path + "#heading"
        default: return path
        }
    }
}

/// The rendered form: rows per section, and each problem under its row.
struct FormLayout {
    struct Part: Identifiable {
        let section: FormSectionView
        let rows: [FormRow]
        var id: String { section.id }
    }

    var sections: [Part] = []
    /// Messages by the row path they show under.
    var problems: [String: [String]] = [:]
    /// Messages about no field shown (the body as a whole).
    var general: [String] = []
}

@MainActor
final class RecordFormModel: ObservableObject {
    enum Mode {
        case add(caseId: String)
        case amend(RecordView)
    }

    let core: CaseTrail
    let caseId: String
    @Published private(set) var mode: Mode
    @Published private(set) var kinds: [KindView] = []
    @Published private(set) var kindCode = ""
    @Published private(set) var schema: FormSchemaView?
    @Published private(set) var values: [String: FieldValue] = [:]
    /// Items added to a list beyond those holding values, by the list's concrete path.
    @Published private(set) var itemCounts: [String: Int] = [:]
    @Published private(set) var detail: CaseDetail?
    @Published private(set) var drafts: [FormDraftView] = []
    @Published private(set) var problems: [FieldProblem] = []
    @Published private(set) var draftSavedAt: Date?
    @Published var reason = ""
    @Published var problem: Problem?
    @Published private(set) var busy = false
    @Published private(set) var done = false

    private var draftId: String?
    private var saver: Task<Void, Never>?
    private var dirty = false
    private var saving = false
    private var fieldsBySchemaPath: [String: FormFieldView] = [:]

    init(core: CaseTrail, mode: Mode) {
        self.core = core
        self.mode = mode
        switch mode {
        case .add(let caseId): self.caseId = caseId
        case .amend(let record): self.caseId = record.caseId
        }
    }

    var isAdding: Bool {
        if case .add = mode { return true }
        return false
    }

    private var target: DraftFor? {
        switch mode {
        case .add(let caseId):
            return kindCode.isEmpty ? nil : .newRecord(caseId: caseId, kind: kindCode)
        case .amend(let record):
            return .amendment(recordId: record.id)
        }
    }

    // MARK: Loading

    func load() async {
        guard schema == nil, kinds.isEmpty else { return }
        let (core, caseId) = (self.core, self.caseId)
        do {
            let (kinds, detail, drafts) = try await offMain {
                (core.recordKinds(),
                 try core.caseDetail(caseId: caseId),
                 try core.formDrafts(caseId: caseId))
            }
            self.kinds = kinds
            self.detail = detail
            switch mode {
            case .add:
                self.drafts = drafts.filter { $0.amends == nil }
                if let first = kinds.first {
                    await choose(first.code)
                }
            case .amend(let record):
                // An amendment begun earlier and not saved is taken up again.
                if let pending = drafts.first(where: { $0.amends == record.id }) {
                    await resume(pending)
                } else {
                    await open(kind: record.kind, fields: record.fields, draft: nil)
                }
            }
        } catch {
            problem = Problem(error)
        }
    }

    /// Starts a new form of `code`'s kind with what the core fills it with for this case.
    func choose(_ code: String) async {
        let (core, caseId) = (self.core, self.caseId)
        do {
            let defaults = try await offMain { try core.formDefaults(caseId: caseId, kind: code) }
            await open(kind: code, fields: defaults, draft: nil)
        } catch {
            problem = Problem(error)
        }
    }

    /// Takes up a saved draft where it was left.
    func resume(_ draft: FormDraftView) async {
        await open(kind: draft.kind, fields: draft.fields, draft: draft)
    }

    /// Throws a saved draft away.
    func discard(_ draft: FormDraftView) async {
        let core = self.core
        do {
            try await offMain { try core.discardFormDraft(draftId: draft.id) }
            drafts.removeAll { $0.id == draft.id }
            if draftId == draft.id {
                draftId = nil
                await choose(draft.kind)
            }
        } catch {
            problem = Problem(error)
        }
    }

    /// Fills the form with the core's example of this kind for this case (demonstrations and
    /// training); kinds without an example come back as their opening values.
    func fillSample() async {
        guard isAdding, !kindCode.isEmpty else { return }
        let (core, caseId, kind) = (self.core, self.caseId, kindCode)
        do {
            let sample = try await offMain { try core.sampleRecordFields(caseId: caseId, kind: kind) }
            values = Self.dictionary(sample)
            itemCounts = [:]
            changed()
        } catch {
            problem = Problem(error)
        }
    }

    private func open(kind: String, fields: [FieldEntry], draft: FormDraftView?) async {
        // What was typed into the form being left is saved to its own draft first.
        saver?.cancel()
        if dirty { await flush() }
        dirty = false
        let core = self.core
        do {
            let schema = try await offMain { try core.formSchema(kind: kind) }
            kindCode = kind
            self.schema = schema
            fieldsBySchemaPath = Dictionary(
                schema.sections.flatMap(\.fields).map { ($0.path, $0) },
                uniquingKeysWith: { first, _ in first })
            values = Self.dictionary(fields)
            itemCounts = [:]
            draftId = draft?.id
            problems = draft?.problems ?? []
            draftSavedAt = draft?.updatedAt
        } catch {
            problem = Problem(error)
        }
    }

    private static func dictionary(_ entries: [FieldEntry]) -> [String: FieldValue] {
        var out: [String: FieldValue] = [:]
        for entry in entries where entry.value != .empty {
            out[entry.path] = entry.value
        }
        return out
    }

    // MARK: Values

    func value(_ path: String) -> FieldValue? { values[path] }

    func set(_ path: String, _ value: FieldValue?) {
        if let value, value != .empty {
            values[path] = value
            applyPersonRelation(above: path)
        } else {
            values[path] = nil
        }
        changed()
    }

    /// A person being filled in gets the relation its field names (the schema's), unless one
    /// is chosen.
    private func applyPersonRelation(above path: String) {
        var prefix = Self.parentPath(path)
        while let p = prefix {
            // `witnesses[1]` is an item of the list field `witnesses`; `witnesses` itself is
            // the list, not a person.
            let schemaPath = Self.schemaPath(p)
            let field = schemaPath.hasSuffix("[]")
                ? fieldsBySchemaPath[String(schemaPath.dropLast(2))]
                : fieldsBySchemaPath[schemaPath].flatMap { $0.maxItems == nil ? $0 : nil }
            if let field, field.kind == .person,
               let relation = field.personRelation, values[p + ".relation"] == nil {
                values[p + ".relation"] = .text(value: relation)
            }
            prefix = Self.parentPath(p)
        }
    }

    /// How many items the list at `path` shows: those holding values, those added, and at
    /// least the schema's minimum.
    func itemCount(_ path: String, min: UInt32?) -> Int {
        var highest = -1
        let open = path + "["
        for key in values.keys where key.hasPrefix(open) {
            let digits = key.dropFirst(open.count).prefix(while: \.isNumber)
            if let i = Int(digits) { highest = Swift.max(highest, i) }
        }
        return Swift.max(highest + 1, itemCounts[path] ?? 0, Int(min ?? 0))
    }

    func addItem(_ path: String, min: UInt32?) {
        itemCounts[path] = itemCount(path, min: min) + 1
        changed()
    }

    /// Removes item `index` of the list at `path`; the items after it move up.
    func removeItem(_ path: String, at index: Int, min: UInt32?) {
        let count = itemCount(path, min: min)
        var moved: [String: FieldValue] = [:]
        for (key, value) in values {
            guard let found = Self.item(of: key, in: path) else {
                moved[key] = value
                continue
            }
            let (i, rest) = found
            if i < index {
                moved[key] = value
            } else if i > index {
                moved["\(path)[\(i - 1)]\(rest)"] = value
            }
        }
        values = moved
        itemCounts[path] = count - 1
        changed()
    }

    /// The index and the rest of `key` if it lies in an item of the list at `path`.
    private static func item(of key: String, in path: String) -> (Int, Substring)? {
        let open = path + "["
        guard key.hasPrefix(open) else { return nil }
        let tail = key.dropFirst(open.count)
        let digits = tail.prefix(while: \.isNumber)
        guard let i = Int(digits), tail.dropFirst(digits.count).first == "]" else { return nil }
        return (i, tail.dropFirst(digits.count + 1))
    }

    // MARK: Paths and relevance

    /// `qa[0].answer` → `qa[].answer`.
    nonisolated static func schemaPath(_ concrete: String) -> String {
        var out = ""
        var inIndex = false
        for c in concrete {
            if c == "[" { inIndex = true; out.append("[") }
            else if c == "]" { inIndex = false; out.append("]") }
            else if !inIndex { out.append(c) }
        }
        return out
    }

    /// `qa[0].answer` → `qa[0]` → `qa` → nil.
    nonisolated static func parentPath(_ path: String) -> String? {
        if path.hasSuffix("]"), let open = path.lastIndex(of: "[") {
            return String(path[..<open])
        }
        if let dot = path.lastIndex(of: ".") {
            return String(path[..<dot])
        }
        return nil
    }

    private static func join(_ parent: String, _ name: String) -> String {
        parent.isEmpty ? name : parent + "." + name
    }

    /// The value of the field the relevance names: within the same item first, else from the
    /// top of the form.
    private func related(_ path: String, near parent: String) -> FieldValue? {
        var prefix: String? = parent.isEmpty ? nil : parent
        while let p = prefix {
            if let v = values[p + "." + path] { return v }
            prefix = Self.parentPath(p)
        }
        return values[path]
    }

    func isShown(_ field: FormFieldView, under parent: String) -> Bool {
        switch field.relevant {
        case .always:
            return true
        case .majorCase:
            return detail?.isMajor ?? true
        case .equals(let path, let anyOf):
            if case .text(let code)? = related(path, near: parent) { return anyOf.contains(code) }
            return false
        case .isTrue(let path):
            if case .yesNo(let yes)? = related(path, near: parent) { return yes }
            return false
        }
    }

    /// Whether finalizing needs the field as shown.
    func isRequired(_ field: FormFieldView) -> Bool {
        switch field.need {
        case .optional: return false
        case .required, .requiredIfRelevant, .requiredInGroup: return true
        case .requiredIfMajor: return detail?.isMajor ?? false
        }
    }

    // MARK: Layout

    var layout: FormLayout {
        guard let schema else { return FormLayout() }
        var out = FormLayout()
        for section in schema.sections {
            let children = Dictionary(grouping: section.fields, by: { $0.parent ?? "" })
            var rows: [FormRow] = []
            func walk(_ parentSchema: String, _ parent: String, _ depth: Int) {
                for field in children[parentSchema] ?? [] where isShown(field, under: parent) {
                    let path = Self.join(parent, field.name)
                    let nested = field.kind == .group || field.kind == .person
                    if field.maxItems != nil {
                        rows.append(FormRow(field: field, path: path, depth: depth, role: .heading))
                        let count = itemCount(path, min: field.minItems)
                        for i in 0..<count {
                            let item = "\(path)[\(i)]"
                            if nested {
                                rows.append(FormRow(field: field, path: item, depth: depth + 1, role: .item(index: i)))
                                walk(field.path, item, depth + 2)
                            } else {
                                rows.append(FormRow(field: field, path: item, depth: depth + 1, role: .valueItem(index: i)))
                            }
                        }
                        rows.append(FormRow(field: field, path: path, depth: depth + 1, role: .add(count: count)))
                    } else if nested {
                        rows.append(FormRow(field: field, path: path, depth: depth, role: .heading))
                        walk(field.path, path, depth + 1)
                    } else {
                        rows.append(FormRow(field: field, path: path, depth: depth, role: .value))
                    }
                }
            }
            walk("", "", 0)
            out.sections.append(FormLayout.Part(section: section, rows: rows))
        }
        var shown = Set(out.sections.flatMap { $0.rows.map(\.path) })
        if !isAdding { shown.insert("reason") }
        for p in problems {
            var path: String? = p.path
            while let at = path, !shown.contains(at) { path = Self.parentPath(at) }
            if let at = path {
                out.problems[at, default: []].append(p.message)
            } else {
                out.general.append(p.message)
            }
        }
        return out
    }

    // MARK: Saving

    /// Saves the draft shortly after the latest change (typing does not write per keystroke),
    /// one save at a time: a change during a save is saved right after it.
    private func changed() {
        dirty = true
        saver?.cancel()
        saver = Task { [weak self] in
            try? await Task.sleep(nanoseconds: 300_000_000)
            guard !Task.isCancelled else { return }
            await self?.flush()
        }
    }

    /// Saves what is pending now, without waiting for the pause (the form is closing).
    func saveNow() {
        guard dirty else { return }
        saver?.cancel()
        Task { await self.flush() }
    }

    /// Saves while there are unsaved changes; false if a save failed.
    @discardableResult
    private func flush() async -> Bool {
        while saving {
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        saving = true
        defer { saving = false }
        while dirty {
            dirty = false
            guard await saveDraft() else { return false }
        }
        return true
    }

    private var entries: [FieldEntry] {
        values.keys.sorted().map { FieldEntry(path: $0, value: values[$0]!) }
    }

    private func saveDraft() async -> Bool {
        guard let target else { return false }
        let (core, id, fields) = (self.core, draftId, entries)
        do {
            let saved = try await offMain {
                try core.saveFormDraft(draftId: id, target: target, fields: fields)
            }
            draftId = saved.id
            problems = saved.problems
            draftSavedAt = saved.updatedAt
            return true
        } catch {
            problem = Problem(error)
            return false
        }
    }

    /// Saves the form as a record (or an amendment), then finalizes it if asked.
    func save(finalize: Bool) async {
        busy = true
        defer { busy = false }
        saver?.cancel()
        if draftId == nil { dirty = true }
        guard await flush(), let draftId else { return }
        let (core, reason) = (self.core, self.reason)
        do {
            let record = try await offMain {
                try core.saveDraftAsRecord(draftId: draftId, reason: reason)
            }
            // Saved: the draft is gone, any further change is an amendment of this version.
            self.draftId = nil
            mode = .amend(record)
            self.reason = ""
            problems = []
            if finalize {
                let id = record.id
                _ = try await offMain { try core.finalizeRecord(recordId: id) }
            }
            done = true
        } catch {
            if case let .Invalid(_, _, _, found)? = error as? CaseTrailError, !found.isEmpty {
                problems = found
            } else {
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
        let layout = model.layout
        return NavigationStack {
            Form {
                if model.isAdding {
                    kindSection
                    if !model.drafts.isEmpty { draftsSection }
                } else {
                    reasonSection(layout.problems["reason"] ?? [])
                }
                ForEach(layout.sections) { part in
                    Section(part.section.label) {
                        ForEach(part.rows) { row in
                            FormRowView(model: model, row: row, problems: layout.problems[row.path] ?? [])
                        }
                    }
                }
                if !layout.general.isEmpty {
                    Section("form.problems") {
                        ForEach(layout.general, id: \.self) { message in
                            Text(message).font(.footnote).foregroundColor(.red)
                        }
                    }
                }
                Section {
                    Button("form.save_draft") { Task { await model.save(finalize: false) } }
                    Button("form.save_finalize") { Task { await model.save(finalize: true) } }
                        .bold()
                } footer: {
                    if let saved = model.draftSavedAt {
                        Text(CodeLabel.format(
                            "form.draft_saved", saved.formatted(date: .omitted, time: .standard)))
                    } else {
                        Text("form.values_hint")
                    }
                }
                .disabled(model.busy || model.schema == nil)
            }
            .navigationTitle(title)
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button("common.close") { dismiss() }
                }
            }
            .problemAlert($model.problem)
            .task { await model.load() }
            .onDisappear { model.saveNow() }
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
                selection: Binding(
                    get: { model.kindCode },
                    set: { code in Task { await model.choose(code) } })
            ) {
                ForEach(model.kinds, id: \.code) { kind in
                    Text(kind.label).tag(kind.code)
                }
            }
            .pickerStyle(.navigationLink)
            Button("form.fill_sample") { Task { await model.fillSample() } }
                .disabled(model.kindCode.isEmpty)
        } footer: {
            if let schema = model.schema, !schema.signatures.isEmpty {
                Text(CodeLabel.format(
                    "form.signed_by", schema.signatures.map(\.label).joined(separator: "、")))
            }
        }
    }

    private var draftsSection: some View {
        Section {
            ForEach(model.drafts, id: \.id) { draft in
                Button {
                    Task { await model.resume(draft) }
                } label: {
                    VStack(alignment: .leading, spacing: 2) {
                        Text(draft.kindLabel)
                        Text(draft.updatedAt.formatted(date: .abbreviated, time: .shortened))
                            .font(.caption)
                            .foregroundColor(.secondary)
                    }
                }
                .swipeActions {
                    Button("form.discard", role: .destructive) {
                        Task { await model.discard(draft) }
                    }
                }
            }
        } header: {
            Text("form.drafts")
        } footer: {
            Text("form.drafts.footer")
        }
    }

    private func reasonSection(_ problems: [String]) -> some View {
        Section {
            TextField("form.reason", text: $model.reason, axis: .vertical)
            ForEach(problems, id: \.self) { message in
                Text(message).font(.footnote).foregroundColor(.red)
            }
        } footer: {
            Text("form.reason.footer")
        }
    }
}

/// One row of the form: an editor, a heading, an item of a list, or "add".
private struct FormRowView: View {
    @ObservedObject var model: RecordFormModel
    let row: FormRow
    let problems: [String]

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            switch row.role {
            case .heading:
                header(bold: true)
            case .item(let index):
                HStack {
                    Text(verbatim: "\(row.field.label) \(index + 1)").font(.subheadline.bold())
                    Spacer()
                    removeButton(index)
                }
            case .valueItem(let index):
                HStack(alignment: .firstTextBaseline) {
                    FieldEditor(model: model, field: row.field, path: row.path,
                                label: "\(row.field.label) \(index + 1)")
                    removeButton(index)
                }
            case .add(let count):
                if row.field.maxItems.map({ count < Int($0) }) ?? true {
                    Button {
                        model.addItem(row.path, min: row.field.minItems)
                    } label: {
                        Label(CodeLabel.format("form.add_item", row.field.label), systemImage: "plus.circle")
                    }
                }
            case .value:
                header(bold: false)
                FieldEditor(model: model, field: row.field, path: row.path, label: row.field.label)
            }
            ForEach(problems, id: \.self) { message in
                Text(message).font(.footnote).foregroundColor(.red)
            }
        }
        .padding(.leading, CGFloat(row.depth) * 12)
    }

    @ViewBuilder
    private func removeButton(_ index: Int) -> some View {
        let count = model.itemCount(row.path.removingLastIndex, min: row.field.minItems)
        Button(role: .destructive) {
            model.removeItem(row.path.removingLastIndex, at: index, min: row.field.minItems)
        } label: {
            Label("form.remove_item", systemImage: "minus.circle").labelStyle(.iconOnly)
        }
        .buttonStyle(.borderless)
        .disabled(count <= Int(row.field.minItems ?? 0))
    }

    /// The label with a required marker and the articles, and the help text.
    private func header(bold: Bool) -> some View {
        VStack(alignment: .leading, spacing: 2) {
            HStack(alignment: .firstTextBaseline, spacing: 4) {
                Text(verbatim: row.field.label).font(bold ? .subheadline.bold() : .subheadline)
                if model.isRequired(row.field) {
                    Text(verbatim: "*").foregroundColor(.red)
                        .accessibilityLabel(Text("form.required"))
                }
            }
            if model.isRequired(row.field), !row.field.requiredBy.isEmpty {
                Text(CodeLabel.format("form.required_by", row.field.requiredBy.joined(separator: "；")))
                    .font(.caption2)
                    .foregroundColor(.secondary)
            }
            if !row.field.help.isEmpty {
                Text(verbatim: row.field.help).font(.caption).foregroundColor(.secondary)
            }
        }
    }
}

private extension String {
    /// `qa[2]` → `qa`.
    var removingLastIndex: String {
        RecordFormModel.parentPath(self) ?? self
    }
}

/// The editor of one value, chosen by the field's type.
private struct FieldEditor: View {
    @ObservedObject var model: RecordFormModel
    @Environment(\.pickLists) private var pickLists
    let field: FormFieldView
    let path: String
    let label: String

    /// One entry of a picker: the code the core takes, and what the inspector reads.
    struct Option: Identifiable {
        let code: String
        let label: String
        var id: String { code }
    }

    var body: some View {
        switch field.kind {
        case .text, .address:
            TextField(label, text: text, axis: .vertical)
        case .longText:
            TextField(label, text: text, axis: .vertical)
                .lineLimit(3...12)
        case .integer:
            TextField(label, text: number(integer: true))
                .keyboardType(.numberPad)
        case .decimal:
            TextField(label, text: number(integer: false))
                .keyboardType(.decimalPad)
        case .date:
            dateEditor(components: [.date])
        case .dateTime:
            dateEditor(components: [.date, .hourAndMinute])
        case .yesNo:
            Toggle(label, isOn: Binding(
                get: { if case .yesNo(let yes)? = model.value(path) { return yes } else { return false } },
                set: { model.set(path, .yesNo(value: $0)) }))
        case .choice:
            codePicker(field.choices.map { Option(code: $0.code, label: $0.label) })
        case .party:
            codePicker((model.detail?.parties ?? []).map { Option(code: $0.id, label: $0.name) })
        case .officerCertificate:
            codePicker((model.detail?.officers ?? []).map { Option(code: $0.certNo, label: "\($0.name) \($0.certNo)") })
        case .evidence:
            codePicker((model.detail?.evidence ?? []).reversed().map {
                Option(code: $0.id, label: "\(pickLists.evidenceKinds.label(of: $0.kind)) · \($0.capturedAt.formatted(date: .abbreviated, time: .shortened)) · \($0.sha256.prefix(8))")
            })
        case .record:
            codePicker((model.detail?.records ?? []).map {
                Option(code: $0.id, label: "\($0.kindLabel) · \($0.statusLabel) · v\($0.version)")
            })
        case .group, .person:
            EmptyView()
        }
    }

    private var text: Binding<String> {
        Binding(
            get: { model.value(path)?.asText ?? "" },
            set: { model.set(path, $0.isEmpty ? nil : .text(value: $0)) })
    }

    /// A number as typed: kept as text while it is not one, so the core names it.
    private func number(integer: Bool) -> Binding<String> {
        Binding(
            get: { model.value(path)?.asText ?? "" },
            set: { typed in
                let t = typed.trimmingCharacters(in: .whitespaces)
                if t.isEmpty {
                    model.set(path, nil)
                } else if integer, let n = Int64(t) {
                    model.set(path, .integer(value: n))
                } else if !integer, let d = Double(t) {
                    model.set(path, .decimal(value: d))
                } else {
                    model.set(path, .text(value: typed))
                }
            })
    }

    @ViewBuilder
    private func dateEditor(components: DatePickerComponents) -> some View {
        if let date = model.value(path)?.asDate {
            HStack {
                DatePicker(label, selection: Binding(
                    get: { date },
                    set: { model.set(path, Self.value(of: $0, instant: field.kind == .dateTime)) }),
                    displayedComponents: components)
                Button {
                    model.set(path, nil)
                } label: {
                    Label("form.clear", systemImage: "xmark.circle").labelStyle(.iconOnly)
                }
                .buttonStyle(.borderless)
            }
        } else {
            if case .text(let raw)? = model.value(path) {
                Text(verbatim: raw).foregroundColor(.red)
            }
            Button(CodeLabel.format("form.set_value", label)) {
                model.set(path, Self.value(of: Date(), instant: field.kind == .dateTime))
            }
        }
    }

    private static func value(of date: Date, instant: Bool) -> FieldValue {
        if instant { return .instant(value: date) }
        let c = Calendar(identifier: .gregorian).dateComponents([.year, .month, .day], from: date)
        return .date(year: Int32(c.year ?? 1970), month: UInt32(c.month ?? 1), day: UInt32(c.day ?? 1))
    }

    private func codePicker(_ options: [Option]) -> some View {
        let current = model.value(path)?.asText ?? ""
        return Picker(label, selection: Binding(
            get: { current },
            set: { model.set(path, $0.isEmpty ? nil : .text(value: $0)) })
        ) {
            Text("form.none").tag("")
            ForEach(options) { option in
                Text(verbatim: option.label).tag(option.code)
            }
            // A code the case no longer offers stays visible rather than vanishing.
            if !current.isEmpty, !options.contains(where: { $0.code == current }) {
                Text(verbatim: current).tag(current)
            }
        }
    }
}

extension FieldValue {
    /// The value as text, for an editor or a read-only row.
    var asText: String? {
        switch self {
        case .text(let value): return value
        case .integer(let value): return String(value)
        case .decimal(let value): return String(value)
        case .yesNo(let value): return value ? "✓" : "✗"
        case .date(let year, let month, let day):
            return String(format: "%04d-%02d-%02d", Int(year), Int(month), Int(day))
        case .instant(let value): return value.formatted(date: .abbreviated, time: .shortened)
        case .empty: return nil
        }
    }

    /// The value as a date, for a date picker (a calendar date at noon, local time).
    var asDate: Date? {
        switch self {
        case .instant(let value):
            return value
        case .date(let year, let month, let day):
            var c = DateComponents()
            c.year = Int(year); c.month = Int(month); c.day = Int(day); c.hour = 12
            return Calendar(identifier: .gregorian).date(from: c)
        default:
            return nil
        }
    }
}
