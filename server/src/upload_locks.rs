//! One lock per upload in progress, so two requests for the same device's upload of a file
//! never interleave, while uploads of other files (and finishing a large one, which hashes it
//! whole) go on beside them. A lock exists only while someone holds it.

use std::collections::HashMap;
use std::sync::{Arc, Weak};

use casetrail_model::DeviceId;
use casetrail_protocol::Hash;
use parking_lot::Mutex;

/// An upload: the device that announced it and the file's hash.
type UploadKey = (DeviceId, Hash);

/// One lock per upload in progress.
#[derive(Default)]
pub(crate) struct UploadLocks {
    locks: Mutex<HashMap<UploadKey, Weak<Mutex<()>>>>,
}

impl UploadLocks {
    /// The lock of one upload (made on first use, gone when nobody holds it).
    pub(crate) fn of(&self, device: DeviceId, sha256: Hash) -> Arc<Mutex<()>> {
        let mut locks = self.locks.lock();
        if let Some(lock) = locks.get(&(device, sha256)).and_then(Weak::upgrade) {
            return lock;
        }
        locks.retain(|_, w| w.strong_count() > 0);
        let lock = Arc::new(Mutex::new(()));
        locks.insert((device, sha256), Arc::downgrade(&lock));
        lock
    }
}
