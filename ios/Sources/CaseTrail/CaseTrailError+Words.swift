// Every failure of the core arrives as one `CaseTrailError` whose variants carry a message
// already written in the workspace's language. The generated `errorDescription` prints the
// variant for debugging (`String(reflecting:)`), so `localizedDescription` is no use on a
// screen; these accessors give the screens the words and, for invalid input, the field to put
// them next to and every problem by path.

import Foundation

extension CaseTrailError {
    /// Words for the user, in the workspace's language.
    public var userMessage: String {
        switch self {
        case .Invalid(_, _, let message, _),
             .NotFound(_, _, let message),
             .NotAllowed(_, let message),
             .Blocked(_, let message),
             .KeyVault(let message),
             .Storage(_, let message),
             .NotEnrolled(let message),
             .Offline(let message),
             .Rejected(_, let message),
             .Untrusted(let message),
             .Cancelled(let message):
            return message
        }
    }

    /// For invalid input: the field concerned as a dotted path (`officers[0]`, `witness.person.name`),
    /// or nil when the error is about no particular field.
    public var invalidField: String? {
        guard case .Invalid(let field, _, _, _) = self, !field.isEmpty else { return nil }
        return field
    }

    /// For invalid input: every problem found, each by its field path with its words (a form
    /// shows each under its field); empty for any other error.
    public var fieldProblems: [FieldProblem] {
        guard case .Invalid(_, _, _, let problems) = self else { return [] }
        return problems
    }
}
