// Pick-lists and evidence kinds are labelled by the core (`PickLists.swift`). A few states the
// core reports by code only (the audio/video delivery state) are labelled
// here from Localizable.strings, keyed `group.code`; a code the app does not know yet is shown
// as itself rather than as a missing key. Also here: filling a localized format string.

import Foundation

enum CodeLabel {
    /// The label of `code` in `group` (`sync.av_state` …), or the code itself.
    static func text(_ group: String, _ code: String) -> String {
        Bundle.main.localizedString(forKey: group + "." + code, value: code, table: nil)
    }

    /// The localized format string under `key` (its placeholders all `%@`) filled with `args`.
    static func format(_ key: String, _ args: String...) -> String {
        String(format: NSLocalizedString(key, comment: ""), arguments: args.map { $0 as CVarArg })
    }
}
