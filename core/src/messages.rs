//! Every message id the code can produce, gathered from the code itself, so a test can prove
//! that both catalogues (zh-CN and en) have words for each: a raw id such as
//! `state-slot_already_signed` on an inspector's screen is a bug this catches before release.
//!
//! The lists come from where the ids are made: the error enums' `CODES` (each kept in step with
//! its variants by a `match` without a wildcard, so a new variant does not compile unnoticed),
//! the rules' `ALL` lists (findings, deadlines, denials, record kinds, statuses, roles, choice
//! lists), the slot, media, defect and sync states, and — for the reasons of "not allowed now",
//! which are string literals at the place that refuses — a scan of the sources of the crates
//! that raise them. The test lives beside the list so adding a kind of message and forgetting
//! its words fails `cargo test -p casetrail-core`.

use casetrail_model::{CaseStatus, RecordKind, SignatureSlot, SignerRole, ValidationCode};
use casetrail_protocol::journal::DefectKind;
use casetrail_rules::{Denial, FindingCode};

use crate::Error;
use crate::media::MediaError;

/// Every message id the core and the crates below it produce from a code (not counting the
/// reasons of `InvalidState` and the back office's refusal codes, which the test reads from the
/// sources).
pub fn message_ids() -> Vec<String> {
    let mut ids = Vec::new();
    let mut add = |prefix: &str, code: &str| ids.push(format!("{prefix}{code}"));
    for c in Error::codes() {
        add("error-", c);
    }
    for r in ValidationCode::RULES {
        add("validation-", r);
    }
    for d in Denial::ALL {
        add("state-", d.code());
    }
    for code in FindingCode::ALL {
        add("finding-", code.as_str());
        add("finding-", &format!("{}-fix", code.as_str()));
    }
    for k in casetrail_rules::DeadlineKind::ALL {
        add("deadline-", k.as_str());
    }
    for k in RecordKind::ALL {
        add("kind-", k.as_str());
    }
    for s in CaseStatus::ALL {
        add("status-", s.as_str());
        add("stage-", s.stage().as_str());
    }
    for r in SignerRole::ALL {
        add("role-", r.as_str());
    }
    for s in SignatureSlot::states() {
        add("slot-", s);
    }
    for m in MediaError::CODES {
        add("media-", m);
    }
    for d in DefectKind::ALL {
        add("defect-", d.as_str());
    }
    for v in casetrail_model::ViolationType::ALL {
        add("violation-type-", v.as_str());
    }
    for v in casetrail_model::CaseSource::ALL {
        add("case-source-", v.as_str());
    }
    for v in casetrail_model::Procedure::ALL {
        add("procedure-", v.as_str());
    }
    for v in casetrail_model::PartyKind::ALL {
        add("party-kind-", v.as_str());
    }
    for v in casetrail_model::CertStatus::ALL {
        add("cert-status-", v.as_str());
    }
    for v in casetrail_model::IdDocType::ALL {
        add("id-doc-type-", v.as_str());
    }
    for s in crate::sync::AV_STATES {
        add("sync-av-", s);
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use casetrail_i18n::{Lang, has_message};

    /// The code literals (lowercase and `_` only) that follow `marker` in the Rust sources
    /// under `dirs` (relative to the workspace root).
    fn codes_after(dirs: &[&str], marker: &str) -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut stack: Vec<_> = dirs.iter().map(|d| root.join(d)).collect();
        let mut codes = Vec::new();
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for (at, _) in text.match_indices(marker) {
                    let rest = &text[at + marker.len()..];
                    let Some(end) = rest.find('"') else { continue };
                    let code = &rest[..end];
                    if !code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    {
                        codes.push(code.to_owned());
                    }
                }
            }
        }
        codes
    }

    /// The reasons of "not allowed now": the literals given to `Error::state` and to
    /// `InvalidState { reason }` where the core and the store refuse.
    fn state_reasons() -> Vec<String> {
        let dirs = ["core/src", "store/src"];
        let mut all = codes_after(&dirs, "state(\"");
        all.extend(codes_after(&dirs, "InvalidState {\n            reason: \""));
        all
    }

    /// The codes the back office refuses a device with (401, 403): the device shows
    /// `server-code-<code>` for them.
    fn server_refusals() -> Vec<String> {
        let mut all = codes_after(&["server/src"], "Forbidden(\"");
        all.extend(codes_after(&["server/src"], "Unauthorized(\""));
        all
    }

    /// What was not found (`Error::not_found("form_draft", …)`): the message names it as
    /// `what-<what>`.
    fn not_found_whats() -> Vec<String> {
        let dirs = ["core/src", "store/src"];
        let mut all = codes_after(&dirs, "not_found(\"");
        all.extend(codes_after(&dirs, "NotFound {\n                what: \""));
        all
    }

    /// The codes a file is parked with for a local problem (`Failure::local`): the screens show
    /// `sync-reason-<code>` for them.
    fn local_sync_reasons() -> Vec<String> {
        codes_after(&["core/src"], "Failure::local(\"")
    }

    #[test]
    fn the_scan_finds_the_reasons_it_should() {
        assert!(
            local_sync_reasons()
                .iter()
                .any(|c| c == "local_file_missing")
        );
        let reasons = state_reasons();
        for r in [
            "record_not_finalized",
            "slot_already_signed",
            "already_enrolled",
            "backoffice_event_from_device",
        ] {
            assert!(reasons.iter().any(|x| x == r), "scan missed {r}");
        }
        let whats = not_found_whats();
        for w in ["case", "form_draft"] {
            assert!(whats.iter().any(|x| x == w), "scan missed {w}: {whats:?}");
        }
        let refusals = server_refusals();
        for r in ["revoked", "bad_token"] {
            assert!(refusals.iter().any(|x| x == r), "scan missed {r}");
        }
    }

    #[test]
    fn every_message_id_the_code_produces_has_words_in_both_catalogues() {
        let mut ids = message_ids();
        for r in state_reasons() {
            ids.push(format!("state-{r}"));
        }
        for c in server_refusals() {
            ids.push(format!("server-code-{c}"));
        }
        for c in local_sync_reasons() {
            ids.push(format!("sync-reason-{c}"));
        }
        for w in not_found_whats() {
            ids.push(format!("what-{w}"));
        }
        let mut missing = Vec::new();
        for id in &ids {
            for lang in Lang::ALL {
                if !has_message(lang, id) {
                    missing.push(format!("{}:{id}", lang.code()));
                }
            }
        }
        missing.sort();
        missing.dedup();
        assert!(missing.is_empty(), "no words for: {missing:?}");
    }
}
