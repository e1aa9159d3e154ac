// The pick-lists the screens offer (refusal reasons, relations, recorded activities) and the
// labels of evidence kinds come from the core, `choices(list:)`: codes as the calls take them,
// labels in the workspace's language, so the app hard-codes neither. The language is fixed
// when the workspace opens (iOS relaunches the app when its language changes), so the lists
// are read once, then, off the main actor with the opening itself, and reach the screens
// through the environment; the view-models do not see them.

import CaseTrail
import SwiftUI

struct PickLists {
    /// `RefusalInput.reason`.
    var refusalReasons: [Choice] = []
    /// `WitnessInput.relation`: who may witness (not the party, nor who speaks for it).
    var relations: [Choice] = []
    /// `CaptureInput.activity`.
    var activities: [Choice] = []
    /// `EvidenceView.kind`, for its label.
    var evidenceKinds: [Choice] = []

    /// Empty lists (the environment's default, before the workspace is open).
    init() {}

    /// Reads the lists from the core. Blocking: call it through `offMain`.
    init(core: CaseTrail) throws {
        refusalReasons = try core.choices(list: "refusal_reason")
        relations = try core.choices(list: "witness_relation")
        activities = try core.choices(list: "activity")
        evidenceKinds = try core.choices(list: "evidence_kind")
    }
}

extension Array where Element == OfficerView {
    /// The officer using this phone: the one it is enrolled for if on the case, else the first
    /// (a preselection only: the inspector picks, the core checks the officer is on the case).
    func me(enrolledAs officer: String?) -> OfficerView? {
        self.first(where: { $0.certNo == officer }) ?? self.first
    }
}

extension Array where Element == Choice {
    /// The label of `code`, or the code itself if the list does not have it.
    func label(of code: String) -> String {
        first(where: { $0.code == code })?.label ?? code
    }
}

private struct PickListsKey: EnvironmentKey {
    static let defaultValue = PickLists()
}

extension EnvironmentValues {
    /// The core's pick-lists, set once the workspace is open.
    var pickLists: PickLists {
        get { self[PickListsKey.self] }
        set { self[PickListsKey.self] = newValue }
    }
}
