// The core names many things by stable codes (evidence kinds, refusal reasons, relations,
// recorded activities, record states) but labels only some of them. The rest are labelled
// here from Localizable.strings, keyed `group.code`; a code the app does not know yet is shown
// as itself rather than as a missing key. Also here: filling a localized format string.

import Foundation

enum CodeLabel {
    /// The label of `code` in `group` (`evidence.kind`, `refusal.reason` …), or the code itself.
    static func text(_ group: String, _ code: String) -> String {
        Bundle.main.localizedString(forKey: group + "." + code, value: code, table: nil)
    }

    /// The localized format string under `key` (its placeholders all `%@`) filled with `args`.
    static func format(_ key: String, _ args: String...) -> String {
        String(format: NSLocalizedString(key, comment: ""), arguments: args.map { $0 as CVarArg })
    }

    /// Refusal reason codes (`RefusalInput.reason`), in the order a picker shows them.
    static let refusalReasons = [
        "disputes_content", "refuses_to_cooperate", "needs_authorisation",
        "claims_no_authority", "refuses_document", "other",
    ]

    /// Relation codes for a witness (`WitnessInput.relation`).
    static let witnessRelations = ["witness", "grassroots_rep", "stat_staff", "other"]

    /// Recorded-activity codes (`CaptureInput.activity`).
    static let activities = [
        "onsite_inspection", "inquiry", "evidence_collection", "preservation", "sampling",
        "data_vs_entity_check", "hearing", "expert_panel", "collective_discussion",
        "service_direct", "service_leave", "service_public_notice", "compliance_check",
        "interview", "refusal_to_sign", "obstruction", "phone_tipoff", "other",
    ]
}
