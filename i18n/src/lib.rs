//! casetrail-i18n: bilingual text. Every label, finding, deadline and error a user sees comes
//! from the Fluent message catalogues in `locales/` (Chinese, the default, and English), never
//! from strings scattered in code. Turning an error or a finding into a sentence is done by the
//! layer that owns it, with these catalogues.
//!
//! The catalogues are compiled in, parsed once, and shared. A message missing from a catalogue
//! falls back to the other language and then to its id, so a missing translation shows as an
//! id rather than crashing; a test checks both catalogues define the same ids.

use std::borrow::Cow;
use std::sync::OnceLock;

pub use fluent_bundle::FluentValue;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use serde::{Deserialize, Serialize};
use unic_langid::{LanguageIdentifier, langid};

/// A display language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// 简体中文 (default).
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Parses `zh`, `zh-CN`, `en`, `en-US` …; anything else is `None`.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.to_ascii_lowercase();
        if s == "zh" || s.starts_with("zh-") || s.starts_with("zh_") {
            Some(Lang::Zh)
        } else if s == "en" || s.starts_with("en-") || s.starts_with("en_") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// Every language with a catalogue, by the code `parse` takes and `code` gives.
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    /// The short code of the language (`zh`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The codes of every supported language, as a user types them (`zh, en`).
    pub fn supported() -> String {
        Lang::ALL.map(Lang::code).join(", ")
    }
}

/// The Chinese catalogue source.
pub const ZH_FTL: &str = include_str!("../locales/zh-CN.ftl");
/// The English catalogue source.
pub const EN_FTL: &str = include_str!("../locales/en.ftl");

struct Catalogues {
    zh: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

fn bundle(lang: LanguageIdentifier, source: &str) -> FluentBundle<FluentResource> {
    let mut bundle = FluentBundle::new_concurrent(vec![lang]);
    bundle.set_use_isolating(false);
    // A syntax error in a catalogue is caught by the tests; at run time keep what parsed.
    let resource = match FluentResource::try_new(source.to_owned()) {
        Ok(r) => r,
        Err((r, _)) => r,
    };
    let _ = bundle.add_resource(resource);
    bundle
}

fn catalogues() -> &'static Catalogues {
    static CATALOGUES: OnceLock<Catalogues> = OnceLock::new();
    CATALOGUES.get_or_init(|| Catalogues {
        zh: bundle(langid!("zh-CN"), ZH_FTL),
        en: bundle(langid!("en"), EN_FTL),
    })
}

/// The message `id` in `lang`, with named arguments.
pub fn tr_args(lang: Lang, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let c = catalogues();
    let (first, second) = match lang {
        Lang::Zh => (&c.zh, &c.en),
        Lang::En => (&c.en, &c.zh),
    };
    let mut fluent_args = FluentArgs::new();
    for (k, v) in args {
        fluent_args.set(*k, v.clone());
    }
    for bundle in [first, second] {
        if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            let text: Cow<'_, str> =
                bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
            return text.into_owned();
        }
    }
    id.to_owned()
}

/// The message `id` in `lang`.
pub fn tr(lang: Lang, id: &str) -> String {
    tr_args(lang, id, &[])
}

/// Whether a catalogue defines `id` (used by consistency tests).
pub fn has_message(lang: Lang, id: &str) -> bool {
    let c = catalogues();
    match lang {
        Lang::Zh => c.zh.has_message(id),
        Lang::En => c.en.has_message(id),
    }
}

/// Every message id defined in a catalogue source.
pub fn message_ids(source: &str) -> Vec<String> {
    let resource = match FluentResource::try_new(source.to_owned()) {
        Ok(r) => r,
        Err((r, _)) => r,
    };
    resource
        .entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect()
}

/// The label of a (possibly dotted, indexed) field path: `interviewee.id_doc.number` becomes
/// 被询问人 › 身份证件 › 号码 in Chinese. Unknown segments stay as written.
pub fn field_label(lang: Lang, path: &str) -> String {
    path.split('.')
        .map(|seg| {
            let (name, index) = match seg.find('[') {
                Some(i) => (&seg[..i], &seg[i..]),
                None => (seg, ""),
            };
            let id = format!("field-{name}");
            let label = if has_message(lang, &id) {
                tr(lang, &id)
            } else {
                name.to_owned()
            };
            format!("{label}{index}")
        })
        .collect::<Vec<_>>()
        .join(" › ")
}

/// Shorthand for a string argument.
pub fn arg<'a>(v: impl Into<Cow<'a, str>>) -> FluentValue<'a> {
    FluentValue::String(v.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogues_parse_and_define_the_same_ids() {
        for src in [ZH_FTL, EN_FTL] {
            if let Err((_, errors)) = FluentResource::try_new(src.to_owned()) {
                panic!("catalogue has syntax errors: {errors:?}");
            }
        }
        let mut zh = message_ids(ZH_FTL);
        let mut en = message_ids(EN_FTL);
        zh.sort();
        en.sort();
        let only_zh: Vec<_> = zh.iter().filter(|i| !en.contains(i)).collect();
        let only_en: Vec<_> = en.iter().filter(|i| !zh.contains(i)).collect();
        assert!(
            only_zh.is_empty() && only_en.is_empty(),
            "only zh: {only_zh:?}; only en: {only_en:?}"
        );
    }

    #[test]
    fn chinese_is_the_default_and_arguments_work() {
        assert_eq!(Lang::default(), Lang::Zh);
        assert_eq!(tr(Lang::Zh, "kind-inquiry_record"), "询问笔录");
        assert_eq!(tr(Lang::En, "kind-inquiry_record"), "Inquiry record");
        assert_eq!(tr(Lang::Zh, "no-such-message"), "no-such-message");
        assert_eq!(Lang::parse("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
        for l in Lang::ALL {
            assert_eq!(Lang::parse(l.code()), Some(l));
        }
        assert_eq!(Lang::supported(), "zh, en");
    }
}
