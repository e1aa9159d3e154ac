// Capturing evidence and noting a refusal both name an officer by certificate number, and the
// officers of a case are only available inside the case's draft JSON (`CaseDetail.draftJson`).
// This reads them out of it so the screens can offer a picker instead of a free-text field,
// preselecting the officer this phone is enrolled for when they are on the case. A draft that
// cannot be read yields no officers; the screens then fall back to typing.

import CaseTrail
import Foundation

/// An officer of a case, as the pickers show them.
struct CaseOfficer: Decodable, Hashable, Identifiable {
    let name: String
    let certNo: String

    var id: String { certNo }

    enum CodingKeys: String, CodingKey {
        case name
        case certNo = "cert_no"
    }
}

extension CaseDetail {
    /// The case's officers, read from its draft.
    var officers: [CaseOfficer] {
        struct Draft: Decodable { let officers: [CaseOfficer] }
        let draft = try? JSONDecoder().decode(Draft.self, from: Data(draftJson.utf8))
        return draft?.officers ?? []
    }
}

extension Array where Element == CaseOfficer {
    /// The officer using this phone: the one it is enrolled for if on the case, else the first.
    func me(enrolledAs officer: String?) -> CaseOfficer? {
        self.first(where: { $0.certNo == officer }) ?? self.first
    }
}
