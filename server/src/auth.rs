//! Who may talk to the back office: one-time enrolment codes bound to an officer, enrolment
//! with proof that the device holds its key, and challenge–response for short-lived bearer
//! tokens. Codes and tokens are kept only as SHA-256 digests; a challenge is spent whether or
//! not its answer verifies; a revoked device is refused at every step.

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
        let nonce = random_hex(32)?;
        let now = self.now();
        self.write(|x| {
            let tx = x.sql();
            tx.execute(
                "DELETE FROM srv_nonces WHERE expires_at < ?1",
                params![ts(now - TimeDelta::days(1))],
            )?;
            tx.execute(
                "INSERT INTO srv_nonces (nonce, device_id, expires_at) VALUES (?1, ?2, ?3)",
                params![nonce, device.to_string(), ts(now + CHALLENGE_TTL)],
            )?;
            Ok(())
        })?;
        Ok(ChallengeResponse {
            nonce,
            server_time: ts(now),
        })
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
        let token = random_hex(32)?;
        self.write(|x| {
            let tx = x.sql();
            // Single use: the nonce is spent whether or not the signature holds.
            let spent = tx.execute(
                "UPDATE srv_nonces SET used = 1
                 WHERE nonce = ?1 AND device_id = ?2 AND used = 0 AND expires_at >= ?3",
                params![req.nonce, req.device_id.to_string(), ts(now)],
            )?;
            if spent != 1 {
                return Err(ServerError::Unauthorized("bad_nonce"));
            }
            Ok(())
        })?;
        key.verify_strict(&wire::auth_message(&req.nonce, &req.device_id), &signature)
            .map_err(|_| ServerError::Unauthorized("bad_signature"))?;
        self.write(|x| {
            let tx = x.sql();
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
