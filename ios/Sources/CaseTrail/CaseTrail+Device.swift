// Where the workspace lives on a phone, in one place: a folder in Application Support that is
// excluded from iCloud and iTunes backups (the device key never leaves the phone, so a restored
// copy of the journal could not be signed anyway, and unsynced evidence must not drift into
// backups), opened with the Keychain vault. Opening is blocking work (SQLite, key derivation);
// call it off the main thread.

import Foundation

extension CaseTrail {
    /// The folder the workspace uses: `Application Support/casetrail`, created if missing and
    /// excluded from backups.
    public static func deviceHome() throws -> URL {
        let support = try FileManager.default.url(
            for: .applicationSupportDirectory, in: .userDomainMask,
            appropriateFor: nil, create: true)
        var home = support.appendingPathComponent("casetrail", isDirectory: true)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        try home.setResourceValues(values)
        return home
    }

    /// Opens (or creates, on first use) the workspace of this device.
    /// - Parameter lang: `zh` or `en`, the language of the core's labels and messages.
    public static func openOnDevice(lang: String) throws -> CaseTrail {
        let home = try deviceHome()
        return try CaseTrail.open(home: home.path, vault: KeychainVault(), lang: lang)
    }
}
