//! The content-addressed media store: originals kept byte for byte, derivatives beside them,
//! thumbnails in a cache. It owns every media byte: files come in through `ingest` and are read
//! back through `open`, and nothing else in the core touches them — so encryption at rest will
//! change this one module.
//!
//! A file is written to `tmp/`, fsynced, renamed to its final name and the directory fsynced —
//! only then does the caller journal it, so a journaled file is always whole on disk. Names are
//! a keyed hash of the content (HMAC-SHA-256, with a per-install secret from the key vault, of the
//! file's SHA-256), so someone holding the phone cannot test whether a known photo is on it by its
//! file name; the plain SHA-256 goes into the signed event.
//!
//! A newly written file is *pending* until the caller `settle`s it after its journal commit: a
//! marker in `pending/` exists before the file reaches its final name. If the commit fails the
//! caller `discard`s it; if the process dies first, `reclaim` on the next open removes every
//! pending file the journal does not reference. A file that was already there (the same content
//! captured twice) is never pending and never removed.
//!
//! Files are hashed while they stream in 1 MiB chunks: a 2 GB video never sits in memory. A name
//! that already exists is the same content and is kept, after checking it still hashes right; a
//! stored file that does not is moved to `quarantine/`, never deleted. Temporary files left by a
//! crash are moved to `quarantine/` on open.

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::protocol::Hash;
use crate::store::vault::sync_dir;

/// Chunk size of streaming reads and writes.
pub const CHUNK: usize = 1 << 20;

/// Kinds of stored file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Untouched originals.
    Originals,
    /// Watermarked derivatives and rendered signatures.
    Derivatives,
    /// Thumbnails: a cache, never evidence.
    Thumbnails,
}

impl Area {
    fn dir(self) -> &'static str {
        match self {
            Area::Originals => "originals",
            Area::Derivatives => "derivatives",
            Area::Thumbnails => "thumbs",
        }
    }
}

/// A file that has been made durable in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlob {
    /// Plain SHA-256 of the content.
    pub sha256: Hash,
    /// Size in bytes.
    pub size: u64,
    /// Where it is.
    pub path: PathBuf,
    /// The first bytes, for type sniffing.
    pub head: Vec<u8>,
    /// Which area it is in.
    pub area: Area,
    /// Written by this ingest (and pending until settled), not found already stored.
    pub fresh: bool,
}

/// The media store of one workspace.
pub struct MediaStore {
    root: PathBuf,
    name_key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for MediaStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaStore")
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

/// Bytes kept from the start of a file for sniffing.
const HEAD: usize = 4096;

impl MediaStore {
    /// Opens the store at `root` with the install's name key; moves leftover temporary files
    /// (from a crash) to `quarantine/` and returns how many.
    pub fn open_dir(root: &Path, name_key: Zeroizing<[u8; 32]>) -> io::Result<(Self, usize)> {
        for d in [
            "tmp",
            "pending",
            "quarantine",
            "originals",
            "derivatives",
            "thumbs",
        ] {
            fs::create_dir_all(root.join(d))?;
        }
        let store = Self {
            root: root.to_owned(),
            name_key,
        };
        let mut moved = 0;
        for entry in fs::read_dir(root.join("tmp"))? {
            let entry = entry?;
            let target = root
                .join("quarantine")
                .join(format!("tmp-{}", entry.file_name().to_string_lossy()));
            fs::rename(entry.path(), target)?;
            moved += 1;
        }
        if moved > 0 {
            sync_dir(&root.join("quarantine"))?;
            sync_dir(&root.join("tmp"))?;
        }
        Ok((store, moved))
    }

    /// The keyed file name of content with this SHA-256.
    #[allow(clippy::expect_used)] // HMAC accepts keys of any length: this cannot fail.
    pub fn name_of(&self, sha256: &Hash) -> String {
        let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(self.name_key.as_slice())
            .expect("HMAC takes any key length");
        mac.update(sha256.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// The path of a stored file.
    pub fn path_of(&self, area: Area, sha256: &Hash) -> PathBuf {
        let name = self.name_of(sha256);
        let ext = match area {
            Area::Thumbnails => ".jpg",
            _ => "",
        };
        self.root
            .join(area.dir())
            .join(&name[..2])
            .join(format!("{name}{ext}"))
    }

    fn marker(&self, area: Area, name: &str) -> PathBuf {
        self.root
            .join("pending")
            .join(format!("{}-{name}", area.dir()))
    }

    /// Streams `reader` into the store. A newly written file is pending until `settle`d.
    pub fn ingest(&self, area: Area, mut reader: impl Read) -> io::Result<StoredBlob> {
        let tmp_path = self
            .root
            .join("tmp")
            .join(format!("{}.part", uuid::Uuid::now_v7()));
        let mut tmp = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp_path)?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut head = Vec::with_capacity(HEAD);
        let mut buf = vec![0u8; CHUNK];
        let result: io::Result<()> = (|| {
            loop {
                let n = match reader.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                };
                let chunk = &buf[..n];
                if head.len() < HEAD {
                    head.extend_from_slice(&chunk[..(HEAD - head.len()).min(n)]);
                }
                hasher.update(chunk);
                tmp.write_all(chunk)?;
                size += n as u64;
            }
            // A failing fsync is fatal for this file: it is not retried on the same descriptor.
            tmp.sync_all()
        })();
        drop(tmp);
        if let Err(e) = result {
            self.quarantine(&tmp_path);
            return Err(e);
        }
        if size == 0 {
            // Nothing to keep: an empty file is refused, not stored.
            fs::remove_file(&tmp_path)?;
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "empty file"));
        }
        let sha256 = Hash(hasher.finalize().into());
        let path = self.path_of(area, &sha256);
        let mut blob = StoredBlob {
            sha256,
            size,
            path: path.clone(),
            head,
            area,
            fresh: false,
        };
        if path.exists()
            && hash_file(&path)
                .map(|(h, s)| h == sha256 && s == size)
                .unwrap_or(false)
        {
            // The same content is already stored: keep it, drop the copy (content-addressed).
            fs::remove_file(&tmp_path)?;
            return Ok(blob);
        }
        // Pending before it has its name: a crash from here on leaves a marker to reclaim by.
        let marker = self.marker(area, &self.name_of(&sha256));
        File::create(&marker)?.sync_all()?;
        sync_dir(&self.root.join("pending"))?;
        blob.fresh = true;
        if path.exists() {
            // A stored file that no longer hashes right: keep it aside as evidence of damage.
            let aside = self
                .root
                .join("quarantine")
                .join(format!("damaged-{}", uuid::Uuid::now_v7()));
            fs::rename(&path, aside)?;
        }
        let dir = path
            .parent()
            .map(Path::to_owned)
            .unwrap_or_else(|| self.root.clone());
        fs::create_dir_all(&dir)?;
        fs::rename(&tmp_path, &path)?;
        sync_dir(&dir)?;
        sync_dir(&self.root.join("tmp"))?;
        Ok(blob)
    }

    /// Stores bytes held in memory.
    pub fn ingest_bytes(&self, area: Area, bytes: &[u8]) -> io::Result<StoredBlob> {
        self.ingest(area, bytes)
    }

    /// The journal now references these files: they are no longer pending. (A marker left
    /// behind by a failure here is harmless: `reclaim` keeps referenced files.)
    pub fn settle(&self, blobs: &[&StoredBlob]) {
        for blob in blobs.iter().filter(|b| b.fresh) {
            let _ = fs::remove_file(self.marker(blob.area, &self.name_of(&blob.sha256)));
        }
    }

    /// The journal commit these files were written for failed: remove what this ingest wrote
    /// (never a file that was already stored).
    pub fn discard(&self, blobs: &[&StoredBlob]) {
        for blob in blobs.iter().filter(|b| b.fresh) {
            let _ = fs::remove_file(&blob.path);
            let _ = fs::remove_file(self.marker(blob.area, &self.name_of(&blob.sha256)));
        }
    }

    /// Whether files are pending (written, not yet settled): after a crash, `reclaim` is due.
    pub fn has_pending(&self) -> io::Result<bool> {
        Ok(fs::read_dir(self.root.join("pending"))?.next().is_some())
    }

    /// After a crash: removes every pending file whose content the journal does not reference
    /// (`referenced` holds the SHA-256 of every original and derivative journaled), and the
    /// markers of those it does. Returns how many files were removed.
    pub fn reclaim(&self, referenced: &HashSet<Hash>) -> io::Result<usize> {
        let names: HashSet<String> = referenced.iter().map(|h| self.name_of(h)).collect();
        let mut removed = 0;
        for entry in fs::read_dir(self.root.join("pending"))? {
            let entry = entry?;
            let marker = entry.file_name().to_string_lossy().into_owned();
            let Some((dir, name)) = marker.split_once('-') else {
                fs::remove_file(entry.path())?;
                continue;
            };
            if !names.contains(name) && name.len() >= 2 {
                let path = self.root.join(dir).join(&name[..2]).join(name);
                match fs::remove_file(&path) {
                    Ok(()) => removed += 1,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
            fs::remove_file(entry.path())?;
        }
        sync_dir(&self.root.join("pending"))?;
        Ok(removed)
    }

    /// Opens a stored file for reading (and seeking: uploads resume mid-file).
    pub fn open(&self, area: Area, sha256: &Hash) -> io::Result<impl Read + io::Seek + use<>> {
        File::open(self.path_of(area, sha256))
    }

    /// Reads a stored file whole (photos and signatures; never used for audio/video).
    pub fn read(&self, area: Area, sha256: &Hash) -> io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        self.open(area, sha256)?.read_to_end(&mut bytes)?;
        Ok(bytes)
    }

    /// Writes a cache file (thumbnails): atomic, but not fsynced — it can be rebuilt.
    pub fn put_cache(&self, sha256_of_source: &Hash, bytes: &[u8]) -> io::Result<PathBuf> {
        let path = self.path_of(Area::Thumbnails, sha256_of_source);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        let tmp = self
            .root
            .join("tmp")
            .join(format!("{}.thumb", uuid::Uuid::now_v7()));
        fs::write(&tmp, bytes)?;
        fs::rename(&tmp, &path)?;
        Ok(path)
    }

    fn quarantine(&self, path: &Path) {
        let target = self
            .root
            .join("quarantine")
            .join(format!("failed-{}", uuid::Uuid::now_v7()));
        let _ = fs::rename(path, target);
    }

    /// Files in `quarantine/`.
    pub fn quarantined(&self) -> io::Result<usize> {
        Ok(fs::read_dir(self.root.join("quarantine"))?.count())
    }
}

/// SHA-256 and size of a file, streamed.
pub fn hash_file(path: &Path) -> io::Result<(Hash, u64)> {
    let mut reader = BufReader::with_capacity(CHUNK, File::open(path)?);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut size = 0u64;
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((Hash(hasher.finalize().into()), size))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(dir: &Path) -> MediaStore {
        MediaStore::open_dir(dir, Zeroizing::new([7u8; 32]))
            .unwrap()
            .0
    }

    #[test]
    fn originals_are_stored_untouched_under_a_keyed_name() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(dir.path());
        let data = b"evidence bytes".to_vec();
        let blob = s.ingest_bytes(Area::Originals, &data).unwrap();
        assert_eq!(blob.sha256, Hash::digest(&data));
        assert_eq!(fs::read(&blob.path).unwrap(), data);
        let name = blob.path.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            !name.contains(&blob.sha256.to_hex()[..16]),
            "the name does not reveal the content hash"
        );
        // Another install (another key) names the same content differently.
        let other = MediaStore::open_dir(&dir.path().join("o"), Zeroizing::new([8u8; 32]))
            .unwrap()
            .0;
        assert_ne!(other.name_of(&blob.sha256), name);
        // Same content again: one file.
        let again = s.ingest_bytes(Area::Originals, &data).unwrap();
        assert_eq!(again.path, blob.path);
        assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);
    }

    #[test]
    fn a_damaged_stored_file_is_quarantined_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(dir.path());
        let blob = s.ingest_bytes(Area::Originals, b"abc").unwrap();
        fs::write(&blob.path, b"abd").unwrap();
        let again = s.ingest_bytes(Area::Originals, b"abc").unwrap();
        assert_eq!(fs::read(&again.path).unwrap(), b"abc");
        assert_eq!(s.quarantined().unwrap(), 1);
    }

    #[test]
    fn leftover_temporary_files_are_quarantined_on_open() {
        let dir = tempfile::tempdir().unwrap();
        store(dir.path());
        fs::write(dir.path().join("tmp").join("x.part"), b"half").unwrap();
        let (s, moved) = MediaStore::open_dir(dir.path(), Zeroizing::new([7u8; 32])).unwrap();
        assert_eq!(moved, 1);
        assert_eq!(s.quarantined().unwrap(), 1);
    }

    #[test]
    fn pending_files_are_settled_discarded_or_reclaimed() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(dir.path());
        // Settled: stays, no longer pending.
        let kept = s.ingest_bytes(Area::Originals, b"kept").unwrap();
        assert!(kept.fresh && s.has_pending().unwrap());
        s.settle(&[&kept]);
        assert!(!s.has_pending().unwrap());
        // The same content again is not fresh: discarding it removes nothing.
        let again = s.ingest_bytes(Area::Originals, b"kept").unwrap();
        assert!(!again.fresh);
        s.discard(&[&again]);
        assert!(kept.path.exists());
        // Discarded: gone.
        let dropped = s.ingest_bytes(Area::Derivatives, b"dropped").unwrap();
        s.discard(&[&dropped]);
        assert!(!dropped.path.exists() && !s.has_pending().unwrap());
        // A crash before settling: reclaim removes what the journal does not reference.
        let orphan = s.ingest_bytes(Area::Originals, b"orphan").unwrap();
        let journaled = s.ingest_bytes(Area::Derivatives, b"journaled").unwrap();
        drop(s);
        let s = store(dir.path());
        let referenced: HashSet<Hash> = [kept.sha256, journaled.sha256].into();
        assert_eq!(s.reclaim(&referenced).unwrap(), 1);
        assert!(!orphan.path.exists());
        assert!(journaled.path.exists() && kept.path.exists());
        assert!(!s.has_pending().unwrap());
        assert_eq!(
            s.read(Area::Derivatives, &journaled.sha256).unwrap(),
            b"journaled"
        );
    }
}
