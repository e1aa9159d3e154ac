// Every failure becomes a UI state, and this is the one place that decides which: a
// `CaseTrailError` variant is a decision the screen makes (show the field, say it is gone,
// retry later, raise a security alarm, enrol again). The words come from the core, already in
// the workspace's language; only the titles are ours. Anything that is not a `CaseTrailError`
// (a file that could not be written, a photo that could not be loaded) is `unexpected`.

import CaseTrail
import SwiftUI

/// A failed call, as a screen shows it.
struct Problem: Identifiable {
    enum Kind: Equatable {
        case invalid(field: String?)
        case notFound
        case notAllowed
        case blocked(findings: [String])
        case keyVault
        case storage
        case notEnrolled
        case offline
        case rejected
        case untrusted
        case cancelled
        case unexpected
    }

    let id = UUID()
    let kind: Kind
    let message: String

    init(_ error: Error) {
        guard let error = error as? CaseTrailError else {
            kind = .unexpected
            message = error.localizedDescription
            return
        }
        message = error.userMessage
        switch error {
        case .Invalid: kind = .invalid(field: error.invalidField)
        case .NotFound: kind = .notFound
        case .NotAllowed: kind = .notAllowed
        case .Blocked(let findings, _): kind = .blocked(findings: findings)
        case .KeyVault: kind = .keyVault
        case .Storage: kind = .storage
        case .NotEnrolled: kind = .notEnrolled
        case .Offline: kind = .offline
        case .Rejected: kind = .rejected
        case .Untrusted: kind = .untrusted
        case .Cancelled: kind = .cancelled
        }
    }

    var title: LocalizedStringKey {
        switch kind {
        case .invalid: return "problem.invalid"
        case .notFound: return "problem.not_found"
        case .notAllowed: return "problem.not_allowed"
        case .blocked: return "problem.blocked"
        case .keyVault: return "problem.key_vault"
        case .storage: return "problem.storage"
        case .notEnrolled: return "problem.not_enrolled"
        case .offline: return "problem.offline"
        case .rejected: return "problem.rejected"
        case .untrusted: return "problem.untrusted"
        case .cancelled: return "problem.cancelled"
        case .unexpected: return "problem.unexpected"
        }
    }
}

/// Field errors of a form, keyed by the top-level field of the JSON body they concern.
struct FieldErrors: Equatable {
    private(set) var byField: [String: String] = [:]

    /// The top-level key of a dotted path from the core: `officers[0]` → `officers`,
    /// `interviewee.name` → `interviewee`.
    static func topLevel(_ path: String) -> String {
        String(path.prefix(while: { $0 != "." && $0 != "[" }))
    }

    subscript(field: String) -> String? { byField[field] }

    mutating func set(_ message: String, at path: String) {
        byField[Self.topLevel(path)] = message
    }

    mutating func removeAll() { byField.removeAll() }

    /// Puts an `Invalid` error from the core next to its field, if the form has that field.
    /// Returns false for any other error, which the caller then shows as a problem.
    mutating func place(_ error: Error, among keys: [String]) -> Bool {
        guard let error = error as? CaseTrailError, let path = error.invalidField,
              keys.contains(Self.topLevel(path))
        else { return false }
        set(error.userMessage, at: path)
        return true
    }
}

extension View {
    /// Shows `problem` as an alert while it is set; dismissing clears it.
    func problemAlert(_ problem: Binding<Problem?>) -> some View {
        alert(
            Text(problem.wrappedValue?.title ?? "problem.unexpected"),
            isPresented: Binding(
                get: { problem.wrappedValue != nil },
                set: { if !$0 { problem.wrappedValue = nil } }),
            presenting: problem.wrappedValue
        ) { _ in
            Button("common.ok", role: .cancel) {}
        } message: { shown in
            Text(shown.message)
        }
    }
}

/// A problem shown in place, in a list section (the screen stays usable).
struct ProblemRow: View {
    let problem: Problem

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Label(problem.title, systemImage: "exclamationmark.triangle")
                .font(.headline)
                .foregroundColor(.red)
            Text(problem.message)
                .font(.callout)
        }
    }
}
