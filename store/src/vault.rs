//! Where a chain's secrets are kept: the `KeyVault` the host provides, the seed of the ed25519
//! key that signs this install's journal, and the per-install secret that keys media names.
//!
//! The key is generated on first use from the operating system's random source. Its 32-byte
//! seed never touches the disk in clear from here: it goes to the host's `KeyVault` (Android
//! Keystore or iOS Keychain wrap it on phones; `FileVault`, a 0600 file, serves desktops and
//! tests). In memory it lives only inside the protocol's `DeviceKey`, which zeroizes it on drop.
//!
//! A vault never overwrites a secret it holds: replacing a device key would fork the device's
//! identity and orphan its chain, so `seal` of an existing name is an error.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use casetrail_protocol::DeviceKey;
use ed25519_dalek::VerifyingKey;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Where the host keeps secrets. Implementations must be safe to call from any thread.
pub trait KeyVault: Send + Sync {
    /// Stores `secret` under `name`. Must fail if `name` already holds a secret.
    fn seal(&self, name: &str, secret: &[u8]) -> Result<()>;
    /// Returns the secret stored under `name`, or `None` if there is none.
    fn unseal(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>>;
}

/// Vault entry names.
pub const DEVICE_SEED: &str = "device-ed25519-seed";
/// Vault entry holding the per-install secret that keys media file names.
pub const MEDIA_NAME_KEY: &str = "media-name-hmac-key";

/// A fresh key from the OS random source.
pub fn generate_key() -> Result<DeviceKey> {
    let mut seed = Zeroizing::new([0u8; 32]);
    getrandom::fill(seed.as_mut_slice())
        .map_err(|e| Error::Crypto(format!("no random source: {e}")))?;
    Ok(DeviceKey::from_seed(*seed))
}

/// Loads the device key from `vault`, or generates and seals one on first use.
///
/// `expected` is the public key the workspace recorded; a vault holding a different key is an
/// error (the journal would no longer verify), as is a workspace that has a key on record but a
/// vault that lost it.
pub fn load_or_create_key(
    vault: &dyn KeyVault,
    expected: Option<&VerifyingKey>,
) -> Result<DeviceKey> {
    match vault.unseal(DEVICE_SEED)? {
        Some(seed) => {
            let seed: [u8; 32] = seed
                .as_slice()
                .try_into()
                .map_err(|_| Error::Vault("device seed has the wrong length".into()))?;
            let key = DeviceKey::from_seed(seed);
            if let Some(expected) = expected {
                if key.verifying_key() != *expected {
                    return Err(Error::Crypto(
                        "the key vault holds a different device key than this workspace".into(),
                    ));
                }
            }
            Ok(key)
        }
        None if expected.is_some() => Err(Error::Crypto(
            "this workspace has a device key on record but the key vault has none".into(),
        )),
        None => {
            let key = generate_key()?;
            vault.seal(DEVICE_SEED, key.seed().as_slice())?;
            Ok(key)
        }
    }
}

/// Loads a 32-byte secret from `vault`, creating a random one on first use.
pub fn load_or_create_secret(vault: &dyn KeyVault, name: &str) -> Result<Zeroizing<[u8; 32]>> {
    if let Some(s) = vault.unseal(name)? {
        let bytes: [u8; 32] = s
            .as_slice()
            .try_into()
            .map_err(|_| Error::Vault(format!("{name} has the wrong length")))?;
        return Ok(Zeroizing::new(bytes));
    }
    let mut secret = Zeroizing::new([0u8; 32]);
    getrandom::fill(secret.as_mut_slice())
        .map_err(|e| Error::Crypto(format!("no random source: {e}")))?;
    vault.seal(name, secret.as_slice())?;
    Ok(secret)
}

/// A vault of 0600 files in one directory (0700): for desktops, the CLI and tests. On phones
/// the host supplies a vault backed by the platform keystore instead.
#[derive(Debug, Clone)]
pub struct FileVault {
    dir: PathBuf,
}

impl FileVault {
    /// A vault in `dir`, created (mode 0700) if missing.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Self> {
        let dir = dir.into();
        fs::create_dir_all(&dir)?;
        fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
        Ok(Self { dir })
    }

    fn path(&self, name: &str) -> Result<PathBuf> {
        let ok = !name.is_empty()
            && name.len() <= 64
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !ok {
            return Err(Error::Vault("invalid secret name".into()));
        }
        Ok(self.dir.join(name))
    }
}

impl KeyVault for FileVault {
    fn seal(&self, name: &str, secret: &[u8]) -> Result<()> {
        let path = self.path(name)?;
        let tmp = self.dir.join(format!(".{name}.tmp"));
        // create_new on the final name is checked by hard-linking: never replace a secret.
        if path.exists() {
            return Err(Error::Vault(format!(
                "{name} already exists; refusing to replace it"
            )));
        }
        {
            let mut f = OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o600)
                .open(&tmp)?;
            f.write_all(secret)?;
            f.sync_all()?;
        }
        // hard_link fails if the target exists, so a concurrent seal cannot overwrite.
        let linked = fs::hard_link(&tmp, &path);
        fs::remove_file(&tmp)?;
        linked.map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                Error::Vault(format!("{name} already exists; refusing to replace it"))
            }
            _ => Error::Io(e),
        })?;
        sync_dir(&self.dir)?;
        Ok(())
    }

    fn unseal(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>> {
        match fs::read(self.path(name)?) {
            Ok(bytes) => Ok(Some(Zeroizing::new(bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

/// fsyncs a directory so a rename or link in it survives power loss.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn key_is_created_once_and_reloaded() {
        let dir = tempfile::tempdir().unwrap();
        let vault = FileVault::open(dir.path().join("keys")).unwrap();
        let k1 = load_or_create_key(&vault, None).unwrap();
        let k2 = load_or_create_key(&vault, Some(&k1.verifying_key())).unwrap();
        assert_eq!(k1.device_id(), k2.device_id());
        assert_eq!(k1.verifying_key(), k2.verifying_key());
        let mode = fs::metadata(dir.path().join("keys").join(DEVICE_SEED))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let dmode = fs::metadata(dir.path().join("keys"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(dmode & 0o777, 0o700);
        assert!(format!("{k1:?}").contains("redacted"));
        // Never replaced.
        assert!(vault.seal(DEVICE_SEED, &[1; 32]).is_err());
        let k3 = load_or_create_key(&vault, None).unwrap();
        assert_eq!(k3.verifying_key(), k1.verifying_key());
    }

    #[test]
    fn mismatched_or_lost_keys_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let vault = FileVault::open(dir.path()).unwrap();
        let other = DeviceKey::from_seed([9; 32]).verifying_key();
        assert!(load_or_create_key(&vault, Some(&other)).is_err());
        vault.seal(DEVICE_SEED, &[1; 32]).unwrap();
        assert!(load_or_create_key(&vault, Some(&other)).is_err());
        let dir2 = tempfile::tempdir().unwrap();
        let bad = FileVault::open(dir2.path()).unwrap();
        bad.seal(DEVICE_SEED, &[1; 5]).unwrap();
        assert!(matches!(
            load_or_create_key(&bad, None),
            Err(Error::Vault(_))
        ));
        assert!(vault.seal("../x", b"1").is_err());
    }
}
