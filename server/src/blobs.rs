//! The back office's files: content-addressed and create-only, so a re-sent file costs nothing
//! and no file can be overwritten. Uploads grow in `partial/` and move into `sha256/` only when
//! their whole content hashes to the name they were announced under.
//!
//! Durability order: a chunk is written and fsynced *before* its new offset is recorded, so the
//! recorded offset never exceeds what is on disk. After a crash a partial file may hold more
//! than the recorded offset (written, not yet recorded); `recover` cuts it back, and the client
//! re-sends from the recorded offset — at most one chunk.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use casetrail_protocol::Hash;
use sha2::{Digest, Sha256};

/// The blob directory.
#[derive(Debug, Clone)]
pub struct Blobs {
    root: PathBuf,
}

impl Blobs {
    /// Opens (creating) the directory.
    pub fn open(root: &Path) -> io::Result<Self> {
        fs::create_dir_all(root.join("sha256"))?;
        fs::create_dir_all(root.join("partial"))?;
        Ok(Self {
            root: root.to_owned(),
        })
    }

    /// Where a complete file lives.
    pub fn final_path(&self, sha256: &Hash) -> PathBuf {
        let hex = sha256.to_string();
        self.root.join("sha256").join(&hex[..2]).join(hex)
    }

    /// Where an upload grows.
    pub fn partial_path(&self, sha256: &Hash) -> PathBuf {
        self.root.join("partial").join(format!("{sha256}.part"))
    }

    /// Whether the complete file is here.
    pub fn has(&self, sha256: &Hash) -> bool {
        self.final_path(sha256).is_file()
    }

    /// Makes sure an (empty) partial file exists, durably.
    pub fn create_partial(&self, sha256: &Hash) -> io::Result<()> {
        let path = self.partial_path(sha256);
        if !path.exists() {
            File::create(&path)?.sync_all()?;
            sync_dir(&self.root.join("partial"))?;
        }
        Ok(())
    }

    /// Writes `bytes` at `offset` (dropping anything after `offset` first) and makes them durable.
    pub fn write_chunk(&self, sha256: &Hash, offset: u64, bytes: &[u8]) -> io::Result<()> {
        let mut file = OpenOptions::new()
            .write(true)
            .open(self.partial_path(sha256))?;
        file.set_len(offset)?;
        file.seek(SeekFrom::Start(offset))?;
        file.write_all(bytes)?;
        file.sync_data()
    }

    /// After a restart: cuts the partial file back to the `recorded` offset and returns the
    /// offset that is really durable (the smaller of the two).
    pub fn recover(&self, sha256: &Hash, recorded: u64) -> io::Result<u64> {
        let path = self.partial_path(sha256);
        let len = match fs::metadata(&path) {
            Ok(m) => m.len(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                self.create_partial(sha256)?;
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

    /// Moves a complete upload into place if its content hashes to `sha256`. Returns false (and
    /// leaves it) if it does not.
    pub fn finish(&self, sha256: &Hash) -> io::Result<bool> {
        if self.has(sha256) {
            return Ok(true);
        }
        let partial = self.partial_path(sha256);
        if hash_file(&partial)? != *sha256 {
            return Ok(false);
        }
        File::open(&partial)?.sync_all()?;
        let target = self.final_path(sha256);
        let dir = target
            .parent()
            .ok_or_else(|| io::Error::other("blob path without a parent"))?;
        fs::create_dir_all(dir)?;
        fs::rename(&partial, &target)?;
        sync_dir(dir)?;
        sync_dir(&self.root.join("partial"))?;
        Ok(true)
    }

    /// Empties a partial upload (its content was not what was announced).
    pub fn reset(&self, sha256: &Hash) -> io::Result<()> {
        let file = OpenOptions::new()
            .write(true)
            .open(self.partial_path(sha256))?;
        file.set_len(0)?;
        file.sync_all()
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
