//! Evidence format v1 holds: the committed golden vectors (`tests/fixtures/format-v1/`) verify,
//! replay into the committed projections, and are byte for byte what this build produces; and a
//! workspace written by an earlier build opens, migrates and verifies with this one.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::format_v1::{self, BACKOFFICE_SEED, KEY_NAME, PHONE_SEED};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use casetrail_core::Workspace;
use casetrail_core::protocol::checkpoint::Checkpoint;
use casetrail_core::protocol::journal::{StoredEvent, TrustedKeys, event_hash, verify};
use casetrail_core::protocol::receipts::{decode_proof, verify_media_receipt};
use casetrail_core::protocol::wire::MediaReceipt;
use casetrail_core::protocol::{DeviceKey, Hash, merkle};
use casetrail_core::store::clock::SystemClock;
use casetrail_core::store::vault::FileVault;
use casetrail_core::store::{ChainRole, SCHEMA_VERSION, Store};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/format-v1")
}

fn read(name: &str) -> String {
    std::fs::read_to_string(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn writing() -> bool {
    std::env::var_os("CASETRAIL_WRITE_VECTORS").is_some()
}

/// The committed events, as a store holds them.
fn committed_events() -> Vec<StoredEvent> {
    read("events.jsonl")
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let bytes = |k: &str| B64.decode(v[k].as_str().unwrap()).unwrap();
            let header = bytes("header");
            StoredEvent {
                pos: i as i64 + 1,
                device_id: v["device"].as_str().unwrap().parse().unwrap(),
                seq: v["seq"].as_u64().unwrap(),
                event_hash: event_hash(&header),
                header,
                body: bytes("body"),
                sig_alg: v["sig_alg"].as_str().unwrap().into(),
                signature: bytes("signature"),
            }
        })
        .collect()
}

fn keys() -> (DeviceKey, DeviceKey) {
    (
        DeviceKey::from_seed(PHONE_SEED),
        DeviceKey::from_seed(BACKOFFICE_SEED),
    )
}

/// The projections of the committed events, replayed into a fresh store as an archive would.
fn replay(events: &[StoredEvent], into: &Path) -> String {
    let (phone, bureau) = keys();
    let store = Store::open(into).unwrap();
    store
        .trust_chain(phone.device_id(), &phone.verifying_key(), ChainRole::Peer)
        .unwrap();
    store
        .trust_chain(
            bureau.device_id(),
            &bureau.verifying_key(),
            ChainRole::Backoffice,
        )
        .unwrap();
    for chain in events.chunk_by(|a, b| a.device_id == b.device_id) {
        store.import(chain, |_, _, _, _| Ok(())).unwrap();
    }
    let mut out = String::new();
    for (table, rows) in store.dump_projections().unwrap() {
        out.push_str(&format!("## {table}\n"));
        for row in rows {
            out.push_str(&row);
            out.push('\n');
        }
    }
    out
}

#[test]
fn a_fresh_build_of_every_kind_is_byte_for_byte_the_committed_vectors() {
    let built = format_v1::build();
    let kinds: std::collections::BTreeSet<&str> = built
        .stored
        .iter()
        .map(|e| {
            let h = e.parsed_header().unwrap();
            casetrail_core::protocol::events::v1::Event::KINDS
                .iter()
                .find(|k| **k == h.kind)
                .copied()
                .unwrap()
        })
        .collect();
    assert_eq!(
        kinds.len(),
        casetrail_core::protocol::events::v1::Event::KINDS.len(),
        "every v1 kind at least once"
    );
    if writing() {
        std::fs::create_dir_all(dir()).unwrap();
        for (name, text) in built.files() {
            std::fs::write(dir().join(name), text).unwrap();
        }
        let tmp = tempfile::tempdir().unwrap();
        let dump = replay(&built.stored, &tmp.path().join("replay.db"));
        std::fs::write(dir().join("projections.txt"), dump).unwrap();
        let ws = dir().join("workspace-v1");
        if !ws.exists() {
            format_v1::write_workspace(&ws);
        }
    }
    for (name, text) in built.files() {
        assert_eq!(
            read(name),
            text,
            "{name} differs from what this build writes: the format changed"
        );
    }
}

#[test]
fn the_committed_vectors_verify() {
    let events = committed_events();
    let (phone, bureau) = keys();
    let mut trusted = TrustedKeys::new();
    for k in [&phone, &bureau] {
        trusted.insert(k.device_id(), k.verifying_key()).unwrap();
    }
    let report = verify(&events, &trusted);
    assert!(report.is_sound(), "{:?}", report.defects);
    assert_eq!(report.chains.len(), 2);

    // The checkpoint, every inclusion proof, the consistency proof and every receipt.
    let log = bureau.verifying_key();
    let origin = format!("casetrail.backoffice/{}", bureau.device_id());
    let cp = Checkpoint::verify(&read("checkpoint.txt"), &origin, KEY_NAME, &log).unwrap();
    assert_eq!(cp.size, events.len() as u64);
    let inclusion: serde_json::Value = serde_json::from_str(&read("inclusion.json")).unwrap();
    for (i, (proof, e)) in inclusion
        .as_array()
        .unwrap()
        .iter()
        .zip(&events)
        .enumerate()
    {
        let path: Vec<String> = serde_json::from_value(proof["path"].clone()).unwrap();
        let leaf = merkle::leaf_hash(e.event_hash.as_bytes());
        merkle::verify_inclusion(
            i as u64,
            cp.size,
            leaf.as_bytes(),
            &decode_proof(&path).unwrap(),
            cp.root.as_bytes(),
        )
        .unwrap_or_else(|err| panic!("inclusion of event {i}: {err}"));
    }
    let consistency: serde_json::Value = serde_json::from_str(&read("consistency.json")).unwrap();
    let old = Checkpoint::verify(
        consistency[0]["old_checkpoint"].as_str().unwrap(),
        &origin,
        KEY_NAME,
        &log,
    )
    .unwrap();
    let path: Vec<String> = serde_json::from_value(consistency[0]["path"].clone()).unwrap();
    merkle::verify_consistency(
        old.size,
        cp.size,
        &decode_proof(&path).unwrap(),
        old.root.as_bytes(),
        cp.root.as_bytes(),
    )
    .unwrap();
    let receipts: Vec<MediaReceipt> = serde_json::from_str(&read("media-receipts.json")).unwrap();
    assert!(!receipts.is_empty());
    for r in &receipts {
        verify_media_receipt(&log, r.sha256, r.size, r).unwrap();
    }

    // One flipped byte anywhere in any event is named, with its seq.
    for (i, e) in events.iter().enumerate() {
        for part in 0..3 {
            let mut tampered = events.clone();
            let bytes = match part {
                0 => &mut tampered[i].header,
                1 => &mut tampered[i].body,
                _ => &mut tampered[i].signature,
            };
            let at = (i * 7 + part * 13) % bytes.len();
            bytes[at] ^= 0x20;
            let report = verify(&tampered, &trusted);
            assert!(
                report
                    .defects
                    .iter()
                    .any(|d| d.seq == e.seq && d.device == e.device_id),
                "flip in part {part} of event {i} not named: {:?}",
                report.defects
            );
        }
    }
}

#[test]
fn the_committed_vectors_replay_into_the_committed_projections() {
    let tmp = tempfile::tempdir().unwrap();
    let dump = replay(&committed_events(), &tmp.path().join("replay.db"));
    assert_eq!(
        dump,
        read("projections.txt"),
        "projections rebuilt from the v1 vectors differ: the model no longer reads v1 the same"
    );
}

#[test]
fn a_v1_workspace_opens_migrates_and_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("ws");
    copy_dir(&dir().join("workspace-v1"), &home);
    let conn = rusqlite::Connection::open(home.join(casetrail_core::DB_FILE)).unwrap();
    let before: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    drop(conn);
    assert!((4..=SCHEMA_VERSION).contains(&before));
    let vault = Arc::new(FileVault::open(home.join("keys")).unwrap());
    let ws = Workspace::open(&home, vault, Arc::new(SystemClock::new())).unwrap();
    let report = ws.verify_journal().unwrap();
    assert!(report.is_sound(), "{:?}", report.defects);
    let cases = ws.list_cases().unwrap();
    assert_eq!(cases.len(), 1);
    let file = ws.case_file(cases[0].id).unwrap();
    assert_eq!(file.records.len(), 1);
    assert!(file.evidence.len() >= 4, "photo, video, two signatures");
    for item in &file.evidence {
        let (original, derivative, _) = ws.evidence_paths(item);
        for (path, stored) in std::iter::once((original, &item.original))
            .chain(derivative.into_iter().zip(item.derivative.iter()))
        {
            let bytes = std::fs::read(&path).unwrap();
            assert_eq!(Hash::digest(&bytes), stored.sha256, "{}", path.display());
        }
    }
    // The rules still read it, and it is writable by this build.
    ws.check_case(cases[0].id, chrono::Utc::now()).unwrap();
    let (live, rebuilt) = ws
        .store()
        .rebuild_and_compare(&tmp.path().join("rebuilt.db"))
        .unwrap();
    assert_eq!(live, rebuilt);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
