//! Errors in words: what the screens and the command line show, in the user's language. The top
//! of the core: it knows every error and the catalogues, and nothing below it knows about it.

use casetrail_i18n::{FluentValue, Lang, arg, field_label, has_message, tr, tr_args};
use casetrail_store::Error as StoreError;

use crate::{Error, SyncError};

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
        }) => tr_args(
            lang,
            "error-ambiguous-detail",
            &[
                ("what", arg(tr(lang, &format!("what-{what}")))),
                ("prefix", arg(prefix.as_str())),
                ("count", FluentValue::from(*count)),
            ],
        ),
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
        other => other.to_string(),
    };
    format!("{class}{sep}{detail}")
}
