//! Enrolment: the device proves it holds its key, redeems the one-time code the back office
//! issued for its officer, and learns the back office's key, its log and where to reach it.
//! Nothing is kept unless the answer names this device and a server key whose id it derives.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

use super::http::{HttpTransport, Timeouts};
use super::transport::{Failure, Transport};
use super::{Device, EnrolOptions};
use crate::SyncError;
use crate::error::{Error, Result};
use crate::protocol::wire::{self, EnrolRequest};
use crate::store::Enrolment;

/// Enrols the device with a back office using a one-time code.
pub(crate) async fn enrol(dev: &Device<'_>, opts: &EnrolOptions) -> Result<Enrolment> {
    let transport = HttpTransport::new(&opts.url, opts.ca_pem.as_deref(), Timeouts::default())?;
    enrol_with(dev, opts, &transport).await
}

/// Enrols over `transport`.
pub(crate) async fn enrol_with(
    dev: &Device<'_>,
    opts: &EnrolOptions,
    transport: &impl Transport,
) -> Result<Enrolment> {
    if let Some(e) = dev.store().read(|v| v.enrolment())? {
        return Err(if e.url == opts.url {
            Error::state("already_enrolled")
        } else {
            Error::state("enrolled_elsewhere")
        });
    }
    let public_key = hex::encode(dev.key().verifying_key().as_bytes());
    let code = wire::normalise_code(&opts.code);
    let proof = dev.key().sign(&wire::enrol_message(&code, &public_key));
    let req = EnrolRequest {
        code,
        public_key,
        proof: B64.encode(proof),
    };
    let resp = transport.enrol(&req).await.map_err(Failure::into_sync)?;
    if resp.device_id != dev.key().device_id() {
        return Err(SyncError::Untrusted("enrolment answer names another device".into()).into());
    }
    let enrolment = Enrolment {
        url: opts.url.clone(),
        officer: resp.officer,
        server_device_id: resp.server_device_id,
        server_public_key: resp.server_public_key,
        server_key_name: resp.server_key_name,
        log_origin: resp.log_origin,
        ca_pem: opts.ca_pem.clone(),
        enrolled_at: dev.now(),
    };
    dev.store()
        .save_enrolment(&enrolment)
        .map_err(|e| match e {
            crate::store::Error::Crypto(m) => Error::Sync(SyncError::Untrusted(m)),
            other => other.into(),
        })?;
    Ok(enrolment)
}
