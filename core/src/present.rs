//! Errors in words: what the screens and the command line show, in the user's language. The top
//! of the core: it knows every error and the catalogues, and nothing below it knows about it.

use casetrail_i18n::{FluentValue, Lang, arg, field_label, has_message, tr, tr_args};
use casetrail_store::Error as StoreError;

use casetrail_store::ImportRefusal;

use crate::{Error, SyncError};

/// The class alone in Chinese (the detail is logged); in English the class and the detail.
fn technical(lang: Lang, class: String, detail: &str, err: &Error) -> String {
    tracing::debug!(code = err.code(), detail, "error detail");
    match lang {
        Lang::Zh => class,
        Lang::En => format!("{class}: {detail}"),
    }
}

/// What an I/O failure was, in words (the operating system's text is English).
pub fn describe_io(lang: Lang, e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let id = match e.kind() {
        K::NotFound => "io-not_found",
        K::PermissionDenied => "io-permission_denied",
        K::AlreadyExists => "io-already_exists",
        K::IsADirectory => "io-is_a_directory",
        K::InvalidData => "io-invalid_data",
        K::UnexpectedEof => "io-unexpected_eof",
        K::StorageFull => "io-storage_full",
        _ => "io-other",
    };
    tr(lang, id)
}

/// What is wrong with a JSON text, in words, with the line and column (serde's text is
/// English and names Rust types).
pub fn describe_json(lang: Lang, e: &serde_json::Error) -> String {
    use serde_json::error::Category as C;
    let id = match e.classify() {
        C::Syntax => "json-syntax",
        C::Data => "json-data",
        C::Eof => "json-eof",
        C::Io => "json-io",
    };
    tr_args(
        lang,
        id,
        &[
            ("line", FluentValue::from(e.line())),
            ("column", FluentValue::from(e.column())),
        ],
    )
}

/// Why a sync step waits or a file or the journal is parked, in words. `reason` is the code a
/// failure carries (`Failure::code`): `http_<status>_<server code>` for a refusal of the back
/// office (`http_0_<code>` for a local problem with a file), or a sync error's code.
pub fn describe_sync_reason(lang: Lang, reason: &str) -> String {
    if let Some((status, code)) = reason
        .strip_prefix("http_")
        .and_then(|rest| rest.split_once('_'))
    {
        for id in [format!("sync-reason-{code}"), format!("server-code-{code}")] {
            if has_message(lang, &id) {
                return tr(lang, &id);
            }
        }
        return tr_args(
            lang,
            "sync-reason-http",
            &[("status", arg(status)), ("code", arg(code))],
        );
    }
    let id = format!("error-{reason}");
    if has_message(lang, &id) {
        tr(lang, &id)
    } else {
        tr_args(lang, "sync-reason-other", &[("code", arg(reason))])
    }
}

/// Why a batch of another chain's events was refused, in words.
fn describe_refusal(lang: Lang, r: &ImportRefusal) -> String {
    let seq = |s: u64| ("seq", FluentValue::from(s));
    match r {
        ImportRefusal::Defect { seq: s, kind } => tr_args(
            lang,
            "refusal-defect",
            &[
                seq(*s),
                (
                    "defect",
                    arg(tr(lang, &format!("defect-{}", kind.as_str()))),
                ),
            ],
        ),
        ImportRefusal::Denied { seq: s, denial, .. } => tr_args(
            lang,
            "refusal-denied",
            &[
                seq(*s),
                ("why", arg(tr(lang, &format!("state-{}", denial.code())))),
            ],
        ),
        ImportRefusal::UnknownDevice(_) => tr(lang, "refusal-unknown_device"),
        ImportRefusal::NotOneChain => tr(lang, "refusal-not_one_chain"),
        ImportRefusal::Conflict { seq: s, .. } => tr_args(lang, "refusal-conflict", &[seq(*s)]),
        ImportRefusal::Gap { expected, got } => tr_args(
            lang,
            "refusal-gap",
            &[
                ("expected", FluentValue::from(*expected)),
                ("got", FluentValue::from(*got)),
            ],
        ),
        ImportRefusal::NotApplicable { seq: s, .. } => {
            tr_args(lang, "refusal-not_applicable", &[seq(*s)])
        }
    }
}

fn sep_list(lang: Lang) -> &'static str {
    if lang == Lang::Zh { "；" } else { "; " }
}

/// Every problem of a validation error in `lang`, each naming its field; a required field of a
/// record names the articles that require it.
pub fn describe_validation(lang: Lang, v: &casetrail_model::ValidationError) -> String {
    let messages: Vec<String> = v
        .each()
        .into_iter()
        .map(|e| {
            let field = arg(field_label(lang, &e.field));
            match (&e.code, e.record_kind) {
                (casetrail_model::ValidationCode::Required, Some(kind)) => tr_args(
                    lang,
                    "validation-required-by",
                    &[
                        ("field", field),
                        ("cite", arg(casetrail_rules::required_by(lang, kind))),
                    ],
                ),
                _ => tr_args(
                    lang,
                    &format!("validation-{}", e.rule()),
                    &[("field", field)],
                ),
            }
        })
        .collect();
    messages.join(sep_list(lang))
}

/// A user-facing description of an error in `lang`: what went wrong, and for validation errors
/// which field and which rule. The only user content it carries is in `Blocked`, which says
/// what blocks as `check_case` would (a record's kind, who has still to sign).
pub fn describe_error(lang: Lang, err: &Error) -> String {
    let class = tr(lang, &format!("error-{}", err.code()));
    let sep = if lang == Lang::Zh { "：" } else { ": " };
    let detail = match err {
        Error::Store(StoreError::Validation(v)) => describe_validation(lang, v),
        Error::Store(StoreError::NotFound { what, id }) => tr_args(
            lang,
            "error-not-found-detail",
            &[
                ("what", arg(tr(lang, &format!("what-{what}")))),
                ("id", arg(id.as_str())),
            ],
        ),
        Error::Store(StoreError::Ambiguous {
            what,
            prefix,
            count,
            candidates,
        }) => {
            let mut listed = candidates.join(sep_list(lang));
            if *count > candidates.len() {
                listed.push_str(if lang == Lang::Zh { "……" } else { " …" });
            }
            tr_args(
                lang,
                "error-ambiguous-detail",
                &[
                    ("what", arg(tr(lang, &format!("what-{what}")))),
                    ("prefix", arg(prefix.as_str())),
                    ("count", FluentValue::from(*count)),
                    ("candidates", arg(listed)),
                ],
            )
        }
        Error::Store(StoreError::InvalidState { reason }) => tr(lang, &format!("state-{reason}")),
        Error::Blocked { findings } => {
            let messages: Vec<String> = findings.iter().map(|f| f.message(lang)).collect();
            tr_args(
                lang,
                "error-blocked-detail",
                &[
                    ("count", FluentValue::from(findings.len())),
                    ("findings", arg(messages.join(sep_list(lang)))),
                ],
            )
        }
        Error::Store(StoreError::StorageFull) => return class,
        Error::Sync(SyncError::Rejected { code, .. }) => {
            let id = format!("server-code-{code}");
            if has_message(lang, &id) {
                tr(lang, &id)
            } else {
                code.clone()
            }
        }
        Error::Store(StoreError::Io(e)) => describe_io(lang, e),
        Error::Store(StoreError::Encoding(e)) => describe_json(lang, e),
        Error::File { path, source } => {
            if source.raw_os_error() == Some(28) {
                return class;
            }
            tr_args(
                lang,
                "error-file-detail",
                &[
                    ("path", arg(path.display().to_string())),
                    ("problem", arg(describe_io(lang, source))),
                ],
            )
        }
        Error::Json { what, source } => tr_args(
            lang,
            "error-json-detail",
            &[
                ("what", arg(what.as_str())),
                ("problem", arg(describe_json(lang, source))),
            ],
        ),
        Error::UnsupportedLanguage { given } => tr_args(
            lang,
            "error-unsupported-language-detail",
            &[
                ("lang", arg(given.as_str())),
                ("supported", arg(Lang::supported())),
            ],
        ),
        Error::Store(StoreError::Refused(refusal)) => describe_refusal(lang, refusal),
        // Technical detail from below (a library's or the operating system's words, in
        // English): the English message keeps it for support, the Chinese one states the class
        // only and the log keeps the detail.
        Error::Store(
            StoreError::Crypto(detail) | StoreError::Journal(detail) | StoreError::Vault(detail),
        ) => return technical(lang, class, detail, err),
        Error::Store(StoreError::Database(e)) => {
            return technical(lang, class, &e.to_string(), err);
        }
        Error::Sync(
            SyncError::BadAddress(detail)
            | SyncError::Network(detail)
            | SyncError::Untrusted(detail)
            | SyncError::Tls(detail),
        ) => return technical(lang, class, detail, err),
        Error::Sync(
            SyncError::NotEnrolled | SyncError::Unavailable { .. } | SyncError::Cancelled,
        ) => return class,
    };
    format!("{class}{sep}{detail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_latin_words(s: &str) -> bool {
        s.split(|c: char| !c.is_ascii_alphabetic())
            .any(|w| w.len() > 2)
    }

    #[test]
    fn technical_detail_stays_out_of_chinese_and_english_says_it_once() {
        let e = Error::Store(StoreError::Crypto(
            "the device key does not match this workspace".into(),
        ));
        let zh = describe_error(Lang::Zh, &e);
        assert_eq!(zh, "密钥或签名错误");
        let en = describe_error(Lang::En, &e);
        assert_eq!(
            en,
            "Key or signature problem: the device key does not match this workspace"
        );
        assert_eq!(en.to_lowercase().matches("key or signature").count(), 1);
        let e = Error::Sync(SyncError::Network("connection refused".into()));
        assert!(!has_latin_words(&describe_error(Lang::Zh, &e)));
    }

    #[test]
    fn io_and_json_errors_are_words_that_name_the_file_and_the_place() {
        let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
        let e = Error::file("/data/notes.json", missing);
        let zh = describe_error(Lang::Zh, &e);
        assert_eq!(zh, "文件读写错误：/data/notes.json：文件不存在");
        assert!(!zh.contains("os error"));
        let bad = serde_json::from_str::<Vec<u8>>("[1, \"x\"]").unwrap_err();
        let e = Error::json("--strokes a.json", bad);
        let zh = describe_error(Lang::Zh, &e);
        assert!(
            zh.starts_with("JSON 内容无法读取：--strokes a.json：第 1 行"),
            "{zh}"
        );
        assert!(
            !zh.contains("invalid type") && !zh.contains("expected"),
            "{zh}"
        );
        let en = describe_error(Lang::En, &e);
        assert!(en.contains("line 1, column"), "{en}");
        // Without a path (an error from below): still words, not the OS's English.
        let e: Error = std::io::Error::from(std::io::ErrorKind::PermissionDenied).into();
        assert_eq!(describe_error(Lang::Zh, &e), "文件读写错误：没有读写权限");
        let e: Error = serde_json::from_str::<u8>("").unwrap_err().into();
        assert!(!has_latin_words(
            &describe_error(Lang::Zh, &e).replace("JSON", "")
        ));
    }

    #[test]
    fn an_unsupported_language_names_itself_and_the_supported_ones() {
        let e = crate::parse_language("fr").unwrap_err();
        assert_eq!(
            describe_error(Lang::Zh, &e),
            "不支持该语言：没有“fr”的文字，可用的语言：zh, en"
        );
        assert_eq!(
            describe_error(Lang::En, &e),
            "Language not supported: there is no text in “fr”; supported languages: zh, en"
        );
    }

    #[test]
    fn sync_reasons_are_words() {
        assert_eq!(
            describe_sync_reason(Lang::Zh, "http_0_local_file_missing"),
            tr(Lang::Zh, "sync-reason-local_file_missing")
        );
        assert_eq!(
            describe_sync_reason(Lang::Zh, "http_413_too_large"),
            tr(Lang::Zh, "server-code-too_large")
        );
        assert!(describe_sync_reason(Lang::En, "http_400_weird_thing").contains("400"));
        assert_eq!(
            describe_sync_reason(Lang::Zh, "sync_tls"),
            tr(Lang::Zh, "error-sync_tls")
        );
    }

    #[test]
    fn a_bad_date_is_not_reported_as_required() {
        let e = Error::invalid(
            "officers[0].cert_valid_from",
            casetrail_model::ValidationCode::InvalidDate,
        );
        let zh = describe_error(Lang::Zh, &e);
        assert!(
            zh.contains("日期或时间不正确") && !zh.contains("必填"),
            "{zh}"
        );
    }

    #[test]
    fn an_ambiguous_prefix_lists_the_candidates() {
        let e = Error::Store(StoreError::Ambiguous {
            what: "case",
            prefix: "019".into(),
            count: 12,
            candidates: vec!["019a".into(), "019b".into()],
        });
        let zh = describe_error(Lang::Zh, &e);
        assert!(zh.contains("019a；019b……"), "{zh}");
        let en = describe_error(Lang::En, &e);
        assert!(en.contains("matches 12 items: 019a; 019b …"), "{en}");
        assert_eq!(en.matches("type more").count(), 1, "{en}");
    }
}
