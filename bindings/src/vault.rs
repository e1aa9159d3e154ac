//! The host's key vault (Android Keystore / iOS Keychain wrap the secrets; tests use a map). The
//! core never writes the device seed in clear; it asks the vault.

use std::sync::Arc;

use casetrail_core::store::Error as StoreError;
use zeroize::Zeroizing;

use crate::error::CaseTrailError;

/// Where the host keeps secrets. Must be callable from any thread.
#[uniffi::export(with_foreign)]
pub trait KeyVault: Send + Sync {
    /// Stores `secret` under `name`; must fail if `name` already holds one (never replace a key).
    fn seal(&self, name: String, secret: Vec<u8>) -> Result<(), CaseTrailError>;
    /// The secret under `name`, or nothing if there is none.
    fn unseal(&self, name: String) -> Result<Option<Vec<u8>>, CaseTrailError>;
}

/// Adapts the host's vault to the core's.
pub(crate) struct VaultBridge(pub Arc<dyn KeyVault>);

fn vault_error(e: CaseTrailError) -> StoreError {
    StoreError::Vault(e.to_string())
}

impl casetrail_core::store::vault::KeyVault for VaultBridge {
    fn seal(&self, name: &str, secret: &[u8]) -> casetrail_core::store::Result<()> {
        self.0
            .seal(name.to_owned(), secret.to_vec())
            .map_err(vault_error)
    }

    fn unseal(&self, name: &str) -> casetrail_core::store::Result<Option<Zeroizing<Vec<u8>>>> {
        self.0
            .unseal(name.to_owned())
            .map(|s| s.map(Zeroizing::new))
            .map_err(vault_error)
    }
}
