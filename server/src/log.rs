//! The back office's append-only Merkle log (RFC 6962 hashing, via ct-merkle): one leaf per
//! journal event it holds, the event hash. Leaves are rows of `srv_log`, written in the same
//! transaction as the events they log (imported or its own); the tree in memory is a cache of
//! that table, extended from it before every proof, so another process appending (the
//! `server approve` command) is picked up and the tree can never run ahead of what is durable.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use std::collections::HashSet;

use casetrail_protocol::Hash;
use ct_merkle::mem_backed_tree::MemoryBackedTree;
use rusqlite::{Connection, Transaction, params};
use sha2::Sha256;

use crate::error::{Result, ServerError};

/// The log's tree, as far as it has been read from `srv_log`.
pub struct MerkleLog {
    tree: MemoryBackedTree<Sha256, [u8; 32]>,
}

impl Default for MerkleLog {
    fn default() -> Self {
        Self::new()
    }
}

impl MerkleLog {
    /// An empty tree (call `catch_up` to load the stored leaves).
    pub fn new() -> Self {
        Self {
            tree: MemoryBackedTree::new(),
        }
    }

    /// Adds the stored leaves the tree does not have yet.
    pub fn catch_up(&mut self, conn: &Connection) -> Result<()> {
        let from = self.tree.len() as i64;
        let mut stmt = conn.prepare_cached(
            "SELECT leaf_index, event_hash FROM srv_log WHERE leaf_index >= ?1 ORDER BY leaf_index",
        )?;
        let rows = stmt.query_map(params![from], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?))
        })?;
        for row in rows {
            let (index, hash) = row?;
            let leaf: [u8; 32] = hash
                .as_slice()
                .try_into()
                .map_err(|_| ServerError::Internal("bad leaf in the log".into()))?;
            if index as u64 != self.tree.len() {
                return Err(ServerError::Internal(format!(
                    "the log has a hole before leaf {index}"
                )));
            }
            self.tree.push(leaf);
        }
        Ok(())
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.tree.len()
    }

    /// The root hash.
    pub fn root(&self) -> Hash {
        let root = self.tree.root();
        Hash::from_slice(root.as_bytes()).unwrap_or(Hash::ZERO)
    }

    /// The inclusion proof of leaf `index` in the current tree, base64 hashes.
    pub fn inclusion(&self, index: u64) -> Result<Vec<String>> {
        if index >= self.tree.len() {
            return Err(ServerError::Internal(format!(
                "leaf {index} is not in the log"
            )));
        }
        Ok(split(self.tree.prove_inclusion(index as usize).as_bytes()))
    }

    /// The consistency proof from the tree of `old` leaves to the current one (empty when
    /// there is nothing to prove: `old` is 0, the current size, or larger).
    pub fn consistency(&self, old: u64) -> Vec<String> {
        let size = self.tree.len();
        if old == 0 || old >= size {
            return Vec::new();
        }
        split(
            self.tree
                .prove_consistency((size - old) as usize)
                .as_bytes(),
        )
    }
}

fn split(bytes: &[u8]) -> Vec<String> {
    bytes.chunks(32).map(|h| B64.encode(h)).collect()
}

/// Logs one journal event (at `pos`) as the next leaf; returns its index.
pub fn append_leaf(
    tx: &Transaction<'_>,
    pos: i64,
    hash: &Hash,
    now: &str,
) -> casetrail_store::Result<u64> {
    let next: i64 = tx.query_row(
        "SELECT coalesce(max(leaf_index) + 1, 0) FROM srv_log",
        [],
        |r| r.get(0),
    )?;
    tx.prepare_cached(
        "INSERT INTO srv_log (leaf_index, pos, event_hash, logged_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![next, pos, hash.as_bytes().as_slice(), now])?;
    Ok(next as u64)
}

/// How many leaves the log holds.
pub fn leaf_count(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row("SELECT count(*) FROM srv_log", [], |r| r.get::<_, i64>(0))? as u64)
}

/// Logs every event of `index` (journal positions and hashes) that has no leaf yet, in journal
/// order; returns how many.
pub fn append_missing(tx: &Transaction<'_>, index: &[(i64, Hash)], now: &str) -> Result<usize> {
    let logged: HashSet<i64> = tx
        .prepare("SELECT pos FROM srv_log")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut added = 0;
    for (pos, hash) in index.iter().filter(|(pos, _)| !logged.contains(pos)) {
        append_leaf(tx, *pos, hash, now)?;
        added += 1;
    }
    Ok(added)
}

/// The leaf index of an event.
pub fn leaf_of(conn: &Connection, hash: &Hash) -> Result<u64> {
    conn.prepare_cached("SELECT leaf_index FROM srv_log WHERE event_hash = ?1")?
        .query_row([hash.as_bytes().as_slice()], |r| r.get::<_, i64>(0))
        .map(|i| i as u64)
        .map_err(|_| ServerError::Internal("event not in the log".into()))
}
