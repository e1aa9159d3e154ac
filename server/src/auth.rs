//! Who may talk to the back office: one-time enrolment codes bound to an officer, enrolment
//! with proof that the device holds its key, and challenge–response for short-lived bearer
//! tokens. Codes and tokens are kept only as SHA-256 digests; a revoked device is refused at
//! every step.
//!
//! Challenges are stateless: a nonce carries its expiry and a MAC under a key derived from the
//! back office's own, so asking for one writes nothing (anyone may ask; a device and an address
//! are also rate-limited at the HTTP layer). Only a correctly signed answer is written down, to
//! spend its nonce: a nonce answers once.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use casetrail_model::DeviceId;
use casetrail_protocol::wire::{
    self, ChallengeResponse, EnrolRequest, EnrolResponse, TokenRequest, TokenResponse,
};
use casetrail_protocol::{Hash, device_id_of};
use chrono::{DateTime, TimeDelta, Utc};
use ed25519_dalek::{Signature, VerifyingKey};
use rusqlite::{OptionalExtension, params};

use crate::error::{Result, ServerError};
use crate::sqlite::{KEY_NAME, SqliteStorage, parse_ts, random_hex, ts};

/// How long a challenge may be answered.
const CHALLENGE_TTL: TimeDelta = TimeDelta::minutes(2);
/// How long a token lasts.
const TOKEN_TTL: TimeDelta = TimeDelta::minutes(15);
/// Crockford's base32 alphabet (no I, L, O, U): codes read aloud or typed survive.
const CODE_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

impl SqliteStorage {
    /// Issues a one-time enrolment code bound to an officer, valid for `hours`.
    pub(crate) fn issue_code(&self, officer: &str, hours: u32) -> Result<String> {
        let officer = officer.trim();
        if officer.is_empty() || officer.chars().count() > 64 {
            return Err(ServerError::BadRequest("bad_officer"));
        }
        let mut raw = [0u8; 16];
        getrandom::fill(&mut raw).map_err(|e| ServerError::Internal(e.to_string()))?;
        let chars: String = raw
            .iter()
            .map(|b| CODE_ALPHABET[(*b & 31) as usize] as char)
            .collect();
        let code = chars
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-");
        let now = self.now();
        self.write(|x| {
            let tx = x.sql();
            tx.execute(
                "INSERT INTO srv_enrol_codes (code_hash, officer, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
                params![
                    code_hash(&code).as_bytes().as_slice(),
                    officer,
                    ts(now),
                    ts(now + TimeDelta::hours(i64::from(hours.clamp(1, 24 * 30))))
                ],
            )?;
            Ok(())
        })?;
        Ok(code)
    }

    /// Enrols a device with a code and its key.
    pub(crate) fn enrol_device(&self, req: &EnrolRequest) -> Result<EnrolResponse> {
        let key = parse_key(&req.public_key).ok_or(ServerError::BadRequest("bad_key"))?;
        if key.is_weak() {
            return Err(ServerError::BadRequest("bad_key"));
        }
        let code = wire::normalise_code(&req.code);
        let proof = parse_signature(&req.proof).ok_or(ServerError::BadRequest("bad_proof"))?;
        key.verify_strict(&wire::enrol_message(&code, &req.public_key), &proof)
            .map_err(|_| ServerError::Unauthorized("bad_proof"))?;
        let device = device_id_of(&key);
        let now = self.now();
        let officer = self.write(|x| {
            let tx = x.sql();
            let row: Option<(String, String, Option<String>)> = tx
                .query_row(
                    "SELECT officer, expires_at, used_by FROM srv_enrol_codes WHERE code_hash = ?1",
                    [code_hash(&code).as_bytes().as_slice()],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let Some((officer, expires, used_by)) = row else {
                return Err(ServerError::Forbidden("bad_code"));
            };
            if used_by.is_some() {
                return Err(ServerError::Forbidden("code_used"));
            }
            if parse_ts(&expires).is_none_or(|e| e < now) {
                return Err(ServerError::Forbidden("code_expired"));
            }
            let known: Option<String> = tx
                .query_row(
                    "SELECT officer FROM srv_devices WHERE device_id = ?1",
                    params![device.to_string()],
                    |r| r.get(0),
                )
                .optional()?;
            if known.is_some() {
                return Err(ServerError::Conflict {
                    code: "already_enrolled",
                    offset: None,
                });
            }
            tx.execute(
                "UPDATE srv_enrol_codes SET used_by = ?2 WHERE code_hash = ?1",
                params![code_hash(&code).as_bytes().as_slice(), device.to_string()],
            )?;
            tx.execute(
                "INSERT INTO srv_devices (device_id, public_key, officer, enrolled_at) VALUES (?1, ?2, ?3, ?4)",
                params![device.to_string(), req.public_key, officer, ts(now)],
            )?;
            x.trust_peer(device, &key, &officer)?;
            Ok(officer)
        })?;
        Ok(EnrolResponse {
            device_id: device,
            officer,
            server_device_id: self.ledger.device_id(),
            server_public_key: hex::encode(self.ledger.public_key().as_bytes()),
            server_key_name: KEY_NAME.to_owned(),
            log_origin: self.origin.clone(),
        })
    }

    /// A single-use challenge for an enrolled, unrevoked device.
    pub(crate) fn new_challenge(&self, device: DeviceId) -> Result<ChallengeResponse> {
        let (_, revoked) = self.device_row(device)?;
        if revoked.is_some() {
            return Err(ServerError::Forbidden("revoked"));
        }
        let now = self.now();
        let expires = (now + CHALLENGE_TTL).timestamp().max(0) as u64;
        let mut random = [0u8; 8];
        getrandom::fill(&mut random).map_err(|e| ServerError::Internal(e.to_string()))?;
        let mut nonce = Vec::with_capacity(32);
        nonce.extend_from_slice(&expires.to_be_bytes());
        nonce.extend_from_slice(&random);
        nonce.extend_from_slice(&self.challenge_mac(device, &nonce));
        Ok(ChallengeResponse {
            nonce: hex::encode(nonce),
            server_time: ts(now),
        })
    }

    /// The MAC that makes a nonce the back office's: HMAC-SHA-256 under a key derived from its
    /// signing key, over the device and the nonce's expiry and random part, cut to 16 bytes.
    fn challenge_mac(&self, device: DeviceId, head: &[u8]) -> [u8; 16] {
        use hmac::{KeyInit, Mac};
        let key =
            Hash::digest_parts(&[b"casetrail/challenge-key/v1", self.key().seed().as_slice()]);
        let mut mac = match <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key.as_bytes()) {
            Ok(m) => m,
            // HMAC takes a key of any length; a 32-byte one cannot be refused.
            Err(_) => return [0; 16],
        };
        mac.update(b"casetrail/challenge/v1\n");
        mac.update(device.to_string().as_bytes());
        mac.update(head);
        let full = mac.finalize().into_bytes();
        let mut out = [0u8; 16];
        out.copy_from_slice(&full[..16]);
        out
    }

    /// Whether `nonce` is one this back office made for `device` and has not expired.
    fn valid_nonce(&self, device: DeviceId, nonce: &str) -> Option<chrono::DateTime<Utc>> {
        let bytes = hex::decode(nonce).ok().filter(|b| b.len() == 32)?;
        let (head, mac) = bytes.split_at(16);
        let expected = self.challenge_mac(device, head);
        // Compare digests, so timing says nothing about the MAC.
        if Hash::digest(mac) != Hash::digest(&expected) {
            return None;
        }
        let expires = u64::from_be_bytes(head[..8].try_into().ok()?);
        let expires = chrono::DateTime::from_timestamp(i64::try_from(expires).ok()?, 0)?;
        (expires >= self.now()).then_some(expires)
    }

    /// A short-lived token for a correctly signed, unused challenge.
    pub(crate) fn answer_challenge(&self, req: &TokenRequest) -> Result<TokenResponse> {
        let (key, revoked) = self.device_row(req.device_id)?;
        if revoked.is_some() {
            return Err(ServerError::Forbidden("revoked"));
        }
        let signature =
            parse_signature(&req.signature).ok_or(ServerError::BadRequest("bad_signature"))?;
        let now = self.now();
        let expires = self
            .valid_nonce(req.device_id, &req.nonce)
            .ok_or(ServerError::Unauthorized("bad_nonce"))?;
        key.verify_strict(&wire::auth_message(&req.nonce, &req.device_id), &signature)
            .map_err(|_| ServerError::Unauthorized("bad_signature"))?;
        let token = random_hex(32)?;
        self.write(|x| {
            let tx = x.sql();
            // Single use: a signed answer spends its nonce; the same nonce again is refused.
            tx.execute(
                "DELETE FROM srv_nonces WHERE expires_at < ?1",
                params![ts(now)],
            )?;
            let spent = tx.execute(
                "INSERT OR IGNORE INTO srv_nonces (nonce, device_id, expires_at, used) VALUES (?1, ?2, ?3, 1)",
                params![req.nonce, req.device_id.to_string(), ts(expires)],
            )?;
            if spent != 1 {
                return Err(ServerError::Unauthorized("bad_nonce"));
            }
            tx.execute(
                "DELETE FROM srv_tokens WHERE expires_at < ?1",
                params![ts(now)],
            )?;
            tx.execute(
                "INSERT INTO srv_tokens (token_hash, device_id, expires_at) VALUES (?1, ?2, ?3)",
                params![
                    Hash::digest(token.as_bytes()).as_bytes().as_slice(),
                    req.device_id.to_string(),
                    ts(now + TOKEN_TTL)
                ],
            )?;
            Ok(())
        })?;
        Ok(TokenResponse {
            token,
            expires_in: TOKEN_TTL.num_seconds() as u64,
        })
    }

    /// The device a bearer token belongs to (refused if expired or revoked).
    pub(crate) fn device_of_token(&self, token: &str) -> Result<DeviceId> {
        let row: Option<(String, String)> = self.read(|x| {
            let c = x.sql();
            Ok(c.query_row(
                "SELECT device_id, expires_at FROM srv_tokens WHERE token_hash = ?1",
                [Hash::digest(token.as_bytes()).as_bytes().as_slice()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
        })?;
        let (device, expires) = row.ok_or(ServerError::Unauthorized("bad_token"))?;
        if parse_ts(&expires).is_none_or(|e| e < self.now()) {
            return Err(ServerError::Unauthorized("token_expired"));
        }
        let device: DeviceId = device
            .parse()
            .map_err(|_| ServerError::Internal("bad stored device".into()))?;
        if self.device_row(device)?.1.is_some() {
            self.incident(
                Some(device),
                "revoked_device",
                "token of a revoked device used",
            );
            return Err(ServerError::Forbidden("revoked"));
        }
        Ok(device)
    }

    /// An enrolled device's key and, if it was revoked, from when.
    pub(crate) fn device_row(
        &self,
        device: DeviceId,
    ) -> Result<(VerifyingKey, Option<DateTime<Utc>>)> {
        let row: Option<(String, Option<String>)> = self.read(|x| {
            let c = x.sql();
            Ok(c.query_row(
                "SELECT public_key, revoked_at FROM srv_devices WHERE device_id = ?1",
                params![device.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
        })?;
        let (key, revoked) = row.ok_or(ServerError::NotFound("unknown_device"))?;
        let key = parse_key(&key).ok_or(ServerError::Internal("bad stored key".into()))?;
        Ok((key, revoked.as_deref().and_then(parse_ts)))
    }

    /// An enrolled device's revocation time and the officer it is bound to.
    pub(crate) fn device_officer(
        &self,
        device: DeviceId,
    ) -> Result<(Option<DateTime<Utc>>, String)> {
        let row: Option<(Option<String>, String)> = self.read(|x| {
            Ok(x.sql()
                .query_row(
                    "SELECT revoked_at, officer FROM srv_devices WHERE device_id = ?1",
                    params![device.to_string()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?)
        })?;
        let (revoked, officer) = row.ok_or(ServerError::NotFound("unknown_device"))?;
        Ok((revoked.as_deref().and_then(parse_ts), officer))
    }
}

fn parse_key(hex_key: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = hex::decode(hex_key).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

fn parse_signature(b64: &str) -> Option<Signature> {
    Signature::from_slice(&B64.decode(b64).ok()?).ok()
}

fn code_hash(code: &str) -> Hash {
    Hash::digest(wire::normalise_code(code).as_bytes())
}
