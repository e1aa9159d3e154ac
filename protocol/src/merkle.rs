//! RFC 6962 / RFC 9162 Merkle tree hashing and proof verification: what the device checks the
//! server's receipts with.
//!
//! Leaf hash `SHA-256(0x00 ‖ leaf)`, node hash `SHA-256(0x01 ‖ left ‖ right)`. The verification
//! algorithms are those of RFC 9162 §2.1.3.2 and §2.1.4.2, in the shape transparency-dev/merkle
//! implements them; the test runs every one of that project's vectors, positive and negative.
//! The server builds its tree and proofs with the `ct-merkle` crate; a test checks its proofs
//! verify here. Every input is checked for length before use: nothing here panics.

use sha2::{Digest, Sha256};

use crate::Hash;

/// Why a proof does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The leaf index is not inside the tree.
    #[error("index out of range")]
    IndexOutOfRange,
    /// A hash is not 32 bytes.
    #[error("malformed hash")]
    MalformedHash,
    /// The proof has the wrong number of hashes.
    #[error("wrong proof size")]
    WrongProofSize,
    /// The sizes are impossible (old larger than new, or from an empty tree).
    #[error("impossible tree sizes")]
    BadSizes,
    /// The proof leads to another root.
    #[error("root mismatch")]
    RootMismatch,
}

/// The hash of a leaf.
pub fn leaf_hash(leaf: &[u8]) -> Hash {
    Hash(
        Sha256::new()
            .chain_update([0u8])
            .chain_update(leaf)
            .finalize()
            .into(),
    )
}

/// The hash of an inner node.
pub fn node_hash(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    Sha256::new()
        .chain_update([1u8])
        .chain_update(left)
        .chain_update(right)
        .finalize()
        .into()
}

fn h32(bytes: &[u8]) -> Result<[u8; 32], ProofError> {
    bytes.try_into().map_err(|_| ProofError::MalformedHash)
}

fn hashes(proof: &[Vec<u8>]) -> Result<Vec<[u8; 32]>, ProofError> {
    proof.iter().map(|p| h32(p)).collect()
}

/// Bits needed for `x` (0 for 0).
fn bit_len(x: u64) -> u32 {
    64 - x.leading_zeros()
}

/// The split of an inclusion proof into the inner part and the right border.
fn decomp(index: u64, size: u64) -> (usize, usize) {
    let inner = bit_len(index ^ (size - 1)) as usize;
    let border = (index >> inner).count_ones() as usize;
    (inner, border)
}

fn chain_inner(mut seed: [u8; 32], proof: &[[u8; 32]], index: u64) -> [u8; 32] {
    for (i, h) in proof.iter().enumerate() {
        seed = if (index >> i) & 1 == 0 {
            node_hash(&seed, h)
        } else {
            node_hash(h, &seed)
        };
    }
    seed
}

fn chain_inner_right(mut seed: [u8; 32], proof: &[[u8; 32]], index: u64) -> [u8; 32] {
    for (i, h) in proof.iter().enumerate() {
        if (index >> i) & 1 == 1 {
            seed = node_hash(h, &seed);
        }
    }
    seed
}

fn chain_border_right(mut seed: [u8; 32], proof: &[[u8; 32]]) -> [u8; 32] {
    for h in proof {
        seed = node_hash(h, &seed);
    }
    seed
}

/// Verifies that the leaf with hash `leaf` is at `index` in the tree of `size` leaves whose
/// root is `root`.
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf: &[u8],
    proof: &[Vec<u8>],
    root: &[u8],
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange);
    }
    let leaf = h32(leaf)?;
    let root = h32(root)?;
    let proof = hashes(proof)?;
    let (inner, border) = decomp(index, size);
    if proof.len() != inner + border {
        return Err(ProofError::WrongProofSize);
    }
    let res = chain_inner(leaf, &proof[..inner], index);
    let res = chain_border_right(res, &proof[inner..]);
    if res == root {
        Ok(())
    } else {
        Err(ProofError::RootMismatch)
    }
}

/// Verifies that the tree of `size1` leaves with root `root1` is a prefix of the tree of
/// `size2` leaves with root `root2`.
pub fn verify_consistency(
    size1: u64,
    size2: u64,
    proof: &[Vec<u8>],
    root1: &[u8],
    root2: &[u8],
) -> Result<(), ProofError> {
    if size2 < size1 {
        return Err(ProofError::BadSizes);
    }
    if size1 == 0 {
        // A consistency proof from an empty tree proves nothing.
        return Err(ProofError::BadSizes);
    }
    if size1 == size2 {
        if !proof.is_empty() {
            return Err(ProofError::WrongProofSize);
        }
        // As the reference implementation: equal sizes need equal roots, nothing more.
        return if root1 == root2 {
            Ok(())
        } else {
            Err(ProofError::RootMismatch)
        };
    }
    if proof.is_empty() {
        return Err(ProofError::WrongProofSize);
    }
    let root1 = h32(root1)?;
    let root2 = h32(root2)?;
    let proof = hashes(proof)?;
    let (mut inner, border) = decomp(size1 - 1, size2);
    let shift = size1.trailing_zeros() as usize;
    inner = inner.saturating_sub(shift);
    let (seed, start) = if size1 == 1u64 << shift {
        (root1, 0)
    } else {
        (proof[0], 1)
    };
    if proof.len() != start + inner + border {
        return Err(ProofError::WrongProofSize);
    }
    let rest = &proof[start..];
    let mask = (size1 - 1) >> shift;
    let hash1 = chain_border_right(
        chain_inner_right(seed, &rest[..inner], mask),
        &rest[inner..],
    );
    if hash1 != root1 {
        return Err(ProofError::RootMismatch);
    }
    let hash2 = chain_border_right(chain_inner(seed, &rest[..inner], mask), &rest[inner..]);
    if hash2 != root2 {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// The root of a list of leaf hashes, computed directly (RFC 6962 §2.1): for tests and for
/// checking a server's log from its leaves.
pub fn root_of(leaves: &[Hash]) -> Hash {
    fn mth(leaves: &[Hash]) -> [u8; 32] {
        match leaves.len() {
            0 => Sha256::digest([]).into(),
            1 => leaves[0].0,
            n => {
                let k = 1usize << (usize::BITS - 1 - (n - 1).leading_zeros());
                node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
            }
        }
    }
    Hash(mth(leaves))
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    fn b64(v: &serde_json::Value) -> Vec<u8> {
        base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap_or_default())
            .unwrap_or_default()
    }

    fn proof(v: &serde_json::Value) -> Vec<Vec<u8>> {
        v.as_array()
            .map(|a| a.iter().map(b64).collect())
            .unwrap_or_default()
    }

    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            if e.path().is_dir() {
                walk(&e.path(), out);
            } else if e.path().extension().is_some_and(|x| x == "json") {
                out.push(e.path());
            }
        }
    }

    #[test]
    fn transparency_dev_vectors() {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/merkle");
        let (mut files, mut positive, mut negative) = (Vec::new(), 0, 0);
        walk(&root, &mut files);
        assert!(files.len() > 150, "vectors present: {}", files.len());
        for path in files {
            let v: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            let want_err = v["wantErr"].as_bool().unwrap();
            let result = if v.get("leafHash").is_some() {
                verify_inclusion(
                    v["leafIdx"].as_u64().unwrap(),
                    v["treeSize"].as_u64().unwrap(),
                    &b64(&v["leafHash"]),
                    &proof(&v["proof"]),
                    &b64(&v["root"]),
                )
            } else {
                verify_consistency(
                    v["size1"].as_u64().unwrap(),
                    v["size2"].as_u64().unwrap(),
                    &proof(&v["proof"]),
                    &b64(&v["root1"]),
                    &b64(&v["root2"]),
                )
            };
            assert_eq!(
                result.is_err(),
                want_err,
                "{}: {:?}",
                path.display(),
                result
            );
            if want_err {
                negative += 1
            } else {
                positive += 1
            }
        }
        assert!(
            positive >= 10 && negative >= 150,
            "{positive} positive, {negative} negative"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 60, ..Default::default() })]

        /// Random trees up to 10 000 leaves built by ct-merkle: its inclusion and consistency
        /// proofs verify here, and any one-bit change to a proof or root is refused.
        #[test]
        fn random_trees(size in 1u64..10_000, pick in 0u64..u64::MAX, old in 1u64..10_000, bit in 0usize..256) {
            let mut tree = ct_merkle::mem_backed_tree::MemoryBackedTree::<Sha256, [u8; 8]>::new();
            let old = old.min(size);
            let mut old_root = None;
            for i in 0..size {
                tree.push(i.to_be_bytes());
                if i + 1 == old {
                    old_root = Some(tree.root());
                }
            }
            let root = tree.root();
            let idx = pick % size;
            let leaf = leaf_hash(&idx.to_be_bytes());
            let proof: Vec<Vec<u8>> = tree.prove_inclusion(idx as usize).as_bytes().chunks(32).map(<[u8]>::to_vec).collect();
            proptest::prop_assert!(verify_inclusion(idx, size, leaf.as_bytes(), &proof, root.as_bytes()).is_ok());
            let mut bad_root = root.as_bytes().to_vec();
            bad_root[bit / 8] ^= 1 << (bit % 8);
            proptest::prop_assert!(verify_inclusion(idx, size, leaf.as_bytes(), &proof, &bad_root).is_err());
            if !proof.is_empty() {
                let mut bad = proof.clone();
                let k = bit % bad.len();
                bad[k][bit % 32] ^= 1;
                proptest::prop_assert!(verify_inclusion(idx, size, leaf.as_bytes(), &bad, root.as_bytes()).is_err());
            }
            let old_root = old_root.unwrap();
            let cproof: Vec<Vec<u8>> = tree.prove_consistency((size - old) as usize).as_bytes().chunks(32).map(<[u8]>::to_vec).collect();
            proptest::prop_assert!(verify_consistency(old, size, &cproof, old_root.as_bytes(), root.as_bytes()).is_ok());
            proptest::prop_assert!(verify_consistency(old, size, &cproof, old_root.as_bytes(), &bad_root).is_err());
        }
    }

    #[test]
    fn empty_and_small_trees_match_rfc_6962() {
        assert_eq!(
            root_of(&[]).to_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let l = |i: u8| leaf_hash(&[i]);
        // Sizes 1, 2, powers of two ± 1: every leaf's proof from ct-merkle verifies here.
        for size in [1usize, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33] {
            let mut tree = ct_merkle::mem_backed_tree::MemoryBackedTree::<Sha256, [u8; 1]>::new();
            let leaves: Vec<Hash> = (0..size as u8).map(l).collect();
            for i in 0..size as u8 {
                tree.push([i]);
            }
            let root = tree.root();
            assert_eq!(root.as_bytes().as_slice(), root_of(&leaves).as_bytes());
            for (i, leaf) in leaves.iter().enumerate() {
                let p: Vec<Vec<u8>> = tree
                    .prove_inclusion(i)
                    .as_bytes()
                    .chunks(32)
                    .map(<[u8]>::to_vec)
                    .collect();
                verify_inclusion(i as u64, size as u64, leaf.as_bytes(), &p, root.as_bytes())
                    .unwrap();
            }
        }
    }
}
