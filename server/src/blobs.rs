//! The back office's files: content-addressed and create-only, so a re-sent file costs nothing
//! and no file can be overwritten. Uploads grow in `partial/`, one per device and file, and
//! move into `sha256/` only when their whole content hashes to the name they were announced
//! under.
//!
//! Durability order: a chunk is written and fsynced *before* its new offset is recorded, so the
//! recorded offset never exceeds what is on disk. After a crash a partial file may hold more
//! than the recorded offset (written, not yet recorded); `recover` cuts it back, and the client
//! re-sends from the recorded offset — at most one chunk. A new directory is fsynced in its
//! parent, so a receipted file cannot vanish with its directory on power loss.
//!
//! Everything here is private to the server's user: directories 0700, files 0600.

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use casetrail_model::DeviceId;
use casetrail_protocol::Hash;
use sha2::{Digest, Sha256};

/// The blob directory.
#[derive(Debug, Clone)]
pub struct Blobs {
    root: PathBuf,
}

/// Makes `dir` (0700) if it is missing, and makes its entry durable in the parent.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        if !parent.as_os_str().is_empty() && !parent.is_dir() {
            private_dir(parent)?;
        }
    }
    DirBuilder::new()
        .mode(0o700)
        .create(dir)
        .or_else(|e| match e.kind() {
            io::ErrorKind::AlreadyExists => Ok(()),
            _ => Err(e),
        })?;
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        sync_dir(parent)?;
    }
    Ok(())
}

fn private_file() -> OpenOptions {
    let mut o = OpenOptions::new();
    o.mode(0o600);
    o
}

impl Blobs {
    /// Opens (creating) the directory.
    pub fn open(root: &Path) -> io::Result<Self> {
        private_dir(root)?;
        private_dir(&root.join("sha256"))?;
        private_dir(&root.join("partial"))?;
        Ok(Self {
            root: root.to_owned(),
        })
    }

    /// Where a complete file lives.
    pub fn final_path(&self, sha256: &Hash) -> PathBuf {
        let hex = sha256.to_string();
        self.root.join("sha256").join(&hex[..2]).join(hex)
    }

    /// Where a device's upload grows.
    pub fn partial_path(&self, device: DeviceId, sha256: &Hash) -> PathBuf {
        self.root
            .join("partial")
            .join(format!("{device}-{sha256}.part"))
    }

    /// Whether the complete file is here.
    pub fn has(&self, sha256: &Hash) -> bool {
        self.final_path(sha256).is_file()
    }

    /// Makes sure an (empty) partial file exists, durably.
    pub fn create_partial(&self, device: DeviceId, sha256: &Hash) -> io::Result<()> {
        let path = self.partial_path(device, sha256);
        if !path.exists() {
            private_file()
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)?
                .sync_all()?;
            sync_dir(&self.root.join("partial"))?;
        }
        Ok(())
    }

    /// Writes `bytes` at `offset` (dropping anything after `offset` first) and makes them durable.
    pub fn write_chunk(
        &self,
        device: DeviceId,
        sha256: &Hash,
        offset: u64,
        bytes: &[u8],
    ) -> io::Result<()> {
        let mut file = private_file()
            .write(true)
            .open(self.partial_path(device, sha256))?;
        file.set_len(offset)?;
        file.seek(SeekFrom::Start(offset))?;
        file.write_all(bytes)?;
        file.sync_data()
    }

    /// After a restart: cuts the partial file back to the `recorded` offset and returns the
    /// offset that is really durable (the smaller of the two).
    pub fn recover(&self, device: DeviceId, sha256: &Hash, recorded: u64) -> io::Result<u64> {
        let path = self.partial_path(device, sha256);
        let len = match fs::metadata(&path) {
            Ok(m) => m.len(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                self.create_partial(device, sha256)?;
                0
            }
            Err(e) => return Err(e),
        };
        if len > recorded {
            let file = OpenOptions::new().write(true).open(&path)?;
            file.set_len(recorded)?;
            file.sync_all()?;
        }
        Ok(len.min(recorded))
    }

    /// Moves a complete upload into place if its content hashes to `sha256` (hashing outside
    /// any lock but the upload's own). Returns false, leaving it, if it does not. When the file
    /// is already complete (another device sent the same content) the upload is dropped once
    /// its content is shown to be the same.
    pub fn finish(&self, device: DeviceId, sha256: &Hash) -> io::Result<bool> {
        let partial = self.partial_path(device, sha256);
        if !partial.exists() && self.has(sha256) {
            // Moved into place by an earlier call that was cut off before it was recorded.
            return Ok(true);
        }
        if hash_file(&partial)? != *sha256 {
            return Ok(false);
        }
        if self.has(sha256) {
            fs::remove_file(&partial)?;
            return Ok(true);
        }
        File::open(&partial)?.sync_all()?;
        let target = self.final_path(sha256);
        let dir = target
            .parent()
            .ok_or_else(|| io::Error::other("blob path without a parent"))?;
        private_dir(dir)?;
        fs::rename(&partial, &target)?;
        sync_dir(dir)?;
        sync_dir(&self.root.join("partial"))?;
        Ok(true)
    }

    /// Empties a partial upload (its content was not what was announced).
    pub fn reset(&self, device: DeviceId, sha256: &Hash) -> io::Result<()> {
        let file = OpenOptions::new()
            .write(true)
            .open(self.partial_path(device, sha256))?;
        file.set_len(0)?;
        file.sync_all()
    }

    /// Removes a partial upload that expired (never a complete file: those are evidence).
    pub fn discard(&self, device: DeviceId, sha256: &Hash) -> io::Result<()> {
        match fs::remove_file(self.partial_path(device, sha256)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Removes partial files no upload names (left by an older layout or a crash before the
    /// upload was recorded); `known` are the paths of the uploads in progress.
    pub fn sweep_partials(&self, known: &std::collections::HashSet<PathBuf>) -> io::Result<usize> {
        let mut removed = 0;
        for entry in fs::read_dir(self.root.join("partial"))? {
            let path = entry?.path();
            if !known.contains(&path) {
                fs::remove_file(&path)?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

/// Streaming SHA-256 of a file.
pub fn hash_file(path: &Path) -> io::Result<Hash> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    let digest: [u8; 32] = hasher.finalize().into();
    Ok(Hash(digest))
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}
