//! Signed checkpoints of the server's log, in the C2SP `tlog-checkpoint` format inside a C2SP
//! signed note, so off-the-shelf tools (and, later, a witness at another agency) can check them:
//!
//! ```text
//! casetrail.local/tjj-log
//! 10342
//! 5OCVwM4jCZdbQt2CyG8BfNVRLvtdu7TwO2Y6wpdI+dE=
//!
//! — casetrail-backoffice AbCdEf…base64(key id ‖ ed25519 signature)…
//! ```
//!
//! The signature is ed25519 over the note text (the three lines with their newlines); the key id
//! is the first four bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key). Parsing is strict: a
//! checkpoint that is not exactly in this form is refused, never half-read.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::{DeviceKey, Hash};

/// A log checkpoint: the log's origin, its size and its root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's name (a schema-less URL).
    pub origin: String,
    /// Number of leaves.
    pub size: u64,
    /// Root hash.
    pub root: Hash,
}

/// Why a checkpoint was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// Not a signed note of the expected shape.
    #[error("malformed checkpoint")]
    Malformed,
    /// No signature by the expected key, or it does not verify.
    #[error("checkpoint signature does not verify")]
    BadSignature,
    /// A different log.
    #[error("checkpoint is for another log")]
    WrongOrigin,
}

/// The C2SP key id of an ed25519 key with `name`.
pub fn key_id(name: &str, key: &VerifyingKey) -> [u8; 4] {
    let digest = Sha256::new()
        .chain_update(name.as_bytes())
        .chain_update(b"\n")
        .chain_update([1u8])
        .chain_update(key.as_bytes())
        .finalize();
    [digest[0], digest[1], digest[2], digest[3]]
}

impl Checkpoint {
    /// The note text (what is signed).
    pub fn text(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            B64.encode(self.root.as_bytes())
        )
    }

    /// The signed note, signed by `key` under `name`.
    pub fn sign(&self, name: &str, key: &DeviceKey) -> String {
        let text = self.text();
        let mut blob = key_id(name, &key.verifying_key()).to_vec();
        blob.extend_from_slice(&key.sign(text.as_bytes()));
        format!("{text}\n\u{2014} {name} {}\n", B64.encode(blob))
    }

    /// Parses and verifies a signed note: it must carry a valid signature by `key` under `name`
    /// and be for `origin`.
    pub fn verify(
        note: &str,
        origin: &str,
        name: &str,
        key: &VerifyingKey,
    ) -> Result<Checkpoint, CheckpointError> {
        if note.len() > 16 * 1024 {
            return Err(CheckpointError::Malformed);
        }
        let (text, sigs) = note.split_once("\n\n").ok_or(CheckpointError::Malformed)?;
        let text = format!("{text}\n");
        let lines: Vec<&str> = text.lines().collect();
        let [o, size, root] = lines.as_slice() else {
            return Err(CheckpointError::Malformed);
        };
        let size_ok = !size.is_empty()
            && size.bytes().all(|b| b.is_ascii_digit())
            && (size.len() == 1 || !size.starts_with('0'));
        if !size_ok {
            return Err(CheckpointError::Malformed);
        }
        let size: u64 = size.parse().map_err(|_| CheckpointError::Malformed)?;
        let root_bytes = B64.decode(root).map_err(|_| CheckpointError::Malformed)?;
        let root = Hash::from_slice(&root_bytes).ok_or(CheckpointError::Malformed)?;
        if !sigs.ends_with('\n') {
            return Err(CheckpointError::Malformed);
        }
        let want_id = key_id(name, key);
        let mut verified = false;
        for line in sigs.lines() {
            let rest = line
                .strip_prefix("\u{2014} ")
                .ok_or(CheckpointError::Malformed)?;
            let (n, sig) = rest.rsplit_once(' ').ok_or(CheckpointError::Malformed)?;
            let blob = B64.decode(sig).map_err(|_| CheckpointError::Malformed)?;
            if n != name || blob.len() != 68 || blob[..4] != want_id {
                continue; // another signer (a witness): not ours to check
            }
            let signature =
                Signature::from_slice(&blob[4..]).map_err(|_| CheckpointError::BadSignature)?;
            key.verify_strict(text.as_bytes(), &signature)
                .map_err(|_| CheckpointError::BadSignature)?;
            verified = true;
        }
        if !verified {
            return Err(CheckpointError::BadSignature);
        }
        if *o != origin {
            return Err(CheckpointError::WrongOrigin);
        }
        Ok(Checkpoint {
            origin: (*o).to_owned(),
            size,
            root,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_verifies_and_refuses_tampering() {
        let key = DeviceKey::from_seed([3; 32]);
        let cp = Checkpoint {
            origin: "casetrail.local/tjj-log".into(),
            size: 10_342,
            root: Hash::digest(b"root"),
        };
        let note = cp.sign("casetrail-backoffice", &key);
        assert!(note.starts_with("casetrail.local/tjj-log\n10342\n"));
        assert!(note.contains("\n\n\u{2014} casetrail-backoffice "));
        let vk = key.verifying_key();
        assert_eq!(
            Checkpoint::verify(
                &note,
                "casetrail.local/tjj-log",
                "casetrail-backoffice",
                &vk
            ),
            Ok(cp.clone())
        );
        // A changed size, another key, another origin, garbage.
        let forged = note.replacen("10342", "10343", 1);
        assert_eq!(
            Checkpoint::verify(
                &forged,
                "casetrail.local/tjj-log",
                "casetrail-backoffice",
                &vk
            ),
            Err(CheckpointError::BadSignature)
        );
        let other = DeviceKey::from_seed([4; 32]).verifying_key();
        assert!(
            Checkpoint::verify(
                &note,
                "casetrail.local/tjj-log",
                "casetrail-backoffice",
                &other
            )
            .is_err()
        );
        assert_eq!(
            Checkpoint::verify(&note, "other/log", "casetrail-backoffice", &vk),
            Err(CheckpointError::WrongOrigin)
        );
        for bad in [
            "",
            "x\n\n",
            "a\n1\nroot\n\n\u{2014} n sig\n",
            &note.replacen("10342", "010342", 1),
            note.trim_end(),
        ] {
            assert!(
                Checkpoint::verify(bad, "casetrail.local/tjj-log", "casetrail-backoffice", &vk)
                    .is_err(),
                "{bad:?}"
            );
        }
    }
}
