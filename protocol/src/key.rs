//! The device's signing key and the device id derived from it.
//!
//! A device id is a UUIDv8 made of the first 16 bytes of SHA-256 of the ed25519 public key
//! (`uuid::Uuid::new_v8` sets the version and variant bits), so the key alone determines the
//! identity and a journal cannot change signer silently. Where the seed is kept (a phone's
//! keystore, a 0600 file) is the store's business; here the seed lives only inside `DeviceKey`,
//! which zeroizes it on drop and prints as `DeviceKey(<id>, <redacted>)`.

use std::fmt;

use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use zeroize::Zeroizing;

use crate::{DeviceId, Hash};

/// A chain's signing key, bound to its device id.
pub struct DeviceKey {
    device_id: DeviceId,
    key: SigningKey,
}

impl fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DeviceKey({}, <redacted>)", self.device_id)
    }
}

impl DeviceKey {
    /// The key of a 32-byte seed. The device id is derived from the public key.
    pub fn from_seed(seed: [u8; 32]) -> Self {
        let seed = Zeroizing::new(seed);
        let key = SigningKey::from_bytes(&seed);
        Self {
            device_id: device_id_of(&key.verifying_key()),
            key,
        }
    }

    /// The seed, for sealing it in a vault. Zeroized when dropped.
    pub fn seed(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.key.to_bytes())
    }

    /// The device id this key signs for.
    pub fn device_id(&self) -> DeviceId {
        self.device_id
    }

    /// The public key.
    pub fn verifying_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    /// Signs `message` (an event hash, a checkpoint note, a receipt text).
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(message).to_bytes()
    }
}

/// The device id of a public key: a UUIDv8 made of the first 16 bytes of its SHA-256.
pub fn device_id_of(key: &VerifyingKey) -> DeviceId {
    let digest = Hash::digest(key.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest.as_bytes()[..16]);
    DeviceId(uuid::Uuid::new_v8(bytes))
}
