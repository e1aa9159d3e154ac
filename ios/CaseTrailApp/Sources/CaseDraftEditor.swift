// The case draft (`createCase(draftJson:)`) is the one thing that still crosses the boundary as
// JSON, with the core's example as its template (`sampleCaseDraft`). Rather than one big text
// box, the new-case form splits it into its top-level fields, in the example's order: text
// fields for strings, switches for booleans, and a small JSON box for everything else (lists,
// objects). That gives each of the core's `Invalid(field:)` errors a place to appear. A value
// typed into a JSON box that is not JSON is taken as text. Record forms do not use this: they
// are drawn from the kind's schema (`RecordFormScreen`).

import CaseTrail
import SwiftUI

/// One top-level field of a JSON object being edited.
struct JSONField: Identifiable, Equatable {
    enum Value: Equatable {
        case text(String)
        case flag(Bool)
        case json(String)
    }

    let key: String
    var value: Value

    var id: String { key }
}

enum JSONForm {
    /// The top-level fields of a JSON object, in document order, or nil if `json` is not an object.
    static func fields(of json: String) -> [JSONField]? {
        guard (try? JSONSerialization.jsonObject(with: Data(json.utf8))) is [String: Any],
              let members = topLevelMembers(of: json)
        else { return nil }
        return members.map { member -> JSONField in
            let (key, raw) = member
            if raw == "true" || raw == "false" {
                return JSONField(key: key, value: .flag(raw == "true"))
            }
            if raw.hasPrefix("\""), let text = decodeString(raw) {
                return JSONField(key: key, value: .text(text))
            }
            return JSONField(key: key, value: .json(raw == "null" ? "" : raw))
        }
    }

    /// The JSON object for `fields`; throws `BadValue` naming the first JSON box that holds
    /// something that looks like JSON but does not parse.
    static func json(of fields: [JSONField]) throws -> String {
        var members: [String] = []
        for field in fields {
            let value: String
            switch field.value {
            case .text(let text):
                value = quoted(text)
            case .flag(let flag):
                value = flag ? "true" : "false"
            case .json(let typed):
                let raw = typed.trimmingCharacters(in: .whitespacesAndNewlines)
                if raw.isEmpty {
                    value = "null"
                } else if parses(raw) {
                    value = raw
                } else if let first = raw.first, "[{\"".contains(first) {
                    throw BadValue(key: field.key)
                } else {
                    value = quoted(raw)
                }
            }
            members.append(quoted(field.key) + ":" + value)
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// A JSON box whose content looks like JSON but does not parse.
    struct BadValue: Error {
        let key: String
    }

    /// Splits a JSON object into (key, raw value) pairs without reordering them. Only the
    /// object's own level is split; nested values stay as written. Structural characters are
    /// ASCII and never occur inside a multi-byte UTF-8 sequence, so scanning bytes is safe.
    private static func topLevelMembers(of json: String) -> [(String, String)]? {
        let bytes = Array(json.utf8)
        var members: [(String, String)] = []
        var depth = 0
        var inString = false
        var escaped = false
        var stringStart = 0
        var lastString: Range<Int>?
        var key: String?
        var valueStart: Int?

        func finishMember(at end: Int) {
            if let key, let start = valueStart {
                let raw = String(decoding: bytes[start..<end], as: UTF8.self)
                members.append((key, raw.trimmingCharacters(in: .whitespacesAndNewlines)))
            }
            key = nil
            valueStart = nil
        }

        for (i, byte) in bytes.enumerated() {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                    lastString = stringStart..<(i + 1)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                stringStart = i
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 1 { finishMember(at: i) }
                depth -= 1
            case UInt8(ascii: ":") where depth == 1:
                guard let range = lastString,
                      let name = decodeString(String(decoding: bytes[range], as: UTF8.self))
                else { return nil }
                key = name
                valueStart = i + 1
            case UInt8(ascii: ",") where depth == 1:
                finishMember(at: i)
            default:
                break
            }
        }
        return members
    }

    private static func parses(_ raw: String) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(raw.utf8), options: .fragmentsAllowed)) != nil
    }

    private static func decodeString(_ raw: String) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(raw.utf8), options: .fragmentsAllowed)) as? String
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// The core's labels of the top-level keys of a form (`interviewee` → 被询问人), in the
/// workspace's language. The language is fixed while the workspace is open, so a form reads
/// them once, when it loads; a key without a label shows as written.
struct FieldLabels: Equatable {
    private(set) var byKey: [String: String] = [:]

    /// No labels: every key shows as written.
    init() {}

    /// Reads the labels of `keys` from the core. Blocking: call it through `offMain`.
    init(core: CaseTrail, keys: [String]) {
        for key in keys where byKey[key] == nil {
            byKey[key] = core.fieldLabel(path: key)
        }
    }

    /// The label of `key`, or the key itself.
    subscript(key: String) -> String { byKey[key] ?? key }
}

/// The editor for a list of JSON fields, one form row each under its label, with the error of
/// each field under it. Meant to sit inside a `Form`.
struct JSONFieldsEditor: View {
    @Binding var fields: [JSONField]
    let errors: FieldErrors
    var labels = FieldLabels()

    var body: some View {
        ForEach($fields) { $field in
            Section {
                editor(for: $field)
                if let error = errors[field.key] {
                    Text(error)
                        .font(.footnote)
                        .foregroundColor(.red)
                }
            } header: {
                header(for: field.key)
            }
        }
    }

    /// The field's label, and its JSON key in small print when the label differs from it (the
    /// key is the field's name in the JSON the core takes and in the template's examples).
    private func header(for key: String) -> some View {
        let label = labels[key]
        return HStack(alignment: .firstTextBaseline) {
            Text(verbatim: label)
            if label != key {
                Spacer()
                Text(verbatim: key)
                    .font(.caption2.monospaced())
                    .foregroundColor(.secondary)
            }
        }
        .textCase(nil)
    }

    @ViewBuilder
    private func editor(for field: Binding<JSONField>) -> some View {
        switch field.wrappedValue.value {
        case .text(let text):
            TextField(
                "form.text",
                text: Binding(get: { text }, set: { field.wrappedValue.value = .text($0) }),
                axis: .vertical)
        case .flag(let flag):
            Toggle(
                "form.yes",
                isOn: Binding(get: { flag }, set: { field.wrappedValue.value = .flag($0) }))
        case .json(let raw):
            TextField(
                "form.json",
                text: Binding(get: { raw }, set: { field.wrappedValue.value = .json($0) }),
                axis: .vertical)
                .font(.system(.callout, design: .monospaced))
                .autocorrectionDisabled()
                .textInputAutocapitalization(.never)
        }
    }
}
