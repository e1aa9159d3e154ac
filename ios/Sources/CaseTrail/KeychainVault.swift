// The core never keeps the device's signing seed in clear: it hands it to the host's vault and
// asks for it back when a workspace opens. On iOS that vault is the Keychain. Items are generic
// passwords under one service name, readable after the first unlock (so a sync can run while
// the phone is locked in a pocket) and never synced or restored to another device
// (`…ThisDeviceOnly`): a journal must only ever be signed by the phone that holds its key.
// `seal` refuses to replace an existing item, as the core's contract demands.

import Foundation
import Security

/// The device's secrets in the iOS Keychain.
public final class KeychainVault: KeyVault {
    private let service: String

    /// - Parameter service: the Keychain service the items are stored under.
    public init(service: String = "org.casetrail.vault") {
        self.service = service
    }

    public func seal(name: String, secret: Data) throws {
        let item: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: name,
            kSecAttrAccessible as String: kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly,
            kSecValueData as String: secret,
        ]
        let status = SecItemAdd(item as CFDictionary, nil)
        guard status == errSecSuccess else {
            throw Self.failure("seal", status)
        }
    }

    public func unseal(name: String) throws -> Data? {
        let query: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: name,
            kSecReturnData as String: true,
            kSecMatchLimit as String: kSecMatchLimitOne,
        ]
        var result: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &result)
        switch status {
        case errSecSuccess:
            guard let data = result as? Data else {
                throw Self.failure("unseal", errSecDecode)
            }
            return data
        case errSecItemNotFound:
            return nil
        default:
            throw Self.failure("unseal", status)
        }
    }

    private static func failure(_ operation: String, _ status: OSStatus) -> CaseTrailError {
        let reason = (SecCopyErrorMessageString(status, nil) as String?) ?? "OSStatus \(status)"
        return CaseTrailError.KeyVault(userMessage: "keychain \(operation): \(reason)")
    }
}
