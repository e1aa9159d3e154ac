//! Citations: which article of which text a rule comes from, written the way a legal officer
//! writes it (《实施办法》第九条 / Measures, Art. 9).

use serde::Serialize;

use casetrail_i18n::Lang;

/// The texts the rules cite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// 望花区统计行政执法全过程记录实施办法（试行）(2020-05-19) — "the regulation".
    Measures,
    /// 中华人民共和国统计法 (2024年修正).
    StatisticsLaw,
    /// 统计法实施条例 (2017).
    StatisticsRegulation,
    /// 中华人民共和国行政处罚法 (2021).
    PenaltyLaw,
    /// 中华人民共和国行政强制法 (2011).
    CoercionLaw,
    /// 中华人民共和国民事诉讼法 (2023), applied to service through 行政处罚法 §61.
    CivilProcedureLaw,
    /// 中华人民共和国行政复议法 (2023).
    ReconsiderationLaw,
    /// 中华人民共和国行政诉讼法 (2017).
    LitigationLaw,
}

impl Source {
    fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Source::Measures, Lang::Zh) => "《实施办法》",
            (Source::Measures, Lang::En) => "Measures",
            (Source::StatisticsLaw, Lang::Zh) => "《统计法》",
            (Source::StatisticsLaw, Lang::En) => "Statistics Law (2024)",
            (Source::StatisticsRegulation, Lang::Zh) => "《统计法实施条例》",
            (Source::StatisticsRegulation, Lang::En) => "Statistics Law Implementing Regulation",
            (Source::PenaltyLaw, Lang::Zh) => "《行政处罚法》",
            (Source::PenaltyLaw, Lang::En) => "Administrative Penalty Law",
            (Source::CoercionLaw, Lang::Zh) => "《行政强制法》",
            (Source::CoercionLaw, Lang::En) => "Administrative Coercion Law",
            (Source::CivilProcedureLaw, Lang::Zh) => "《民事诉讼法》",
            (Source::CivilProcedureLaw, Lang::En) => "Civil Procedure Law",
            (Source::ReconsiderationLaw, Lang::Zh) => "《行政复议法》",
            (Source::ReconsiderationLaw, Lang::En) => "Administrative Reconsideration Law",
            (Source::LitigationLaw, Lang::Zh) => "《行政诉讼法》",
            (Source::LitigationLaw, Lang::En) => "Administrative Litigation Law",
        }
    }
}

/// One article (optionally a clause/item) of a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Cite {
    /// The text.
    pub source: Source,
    /// Article number.
    pub article: u16,
    /// Item (项) number, if the rule comes from one item.
    pub item: Option<u8>,
}

/// Shorthand constructors for the tables.
pub const fn measures(article: u16) -> Cite {
    Cite {
        source: Source::Measures,
        article,
        item: None,
    }
}
/// 《实施办法》第n条第（i）项.
pub const fn measures_item(article: u16, item: u8) -> Cite {
    Cite {
        source: Source::Measures,
        article,
        item: Some(item),
    }
}
/// A statute article.
pub const fn law(source: Source, article: u16) -> Cite {
    Cite {
        source,
        article,
        item: None,
    }
}

impl Cite {
    /// The citation in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => {
                let item = self
                    .item
                    .map(|i| format!("第（{}）项", chinese_number(i as u16)))
                    .unwrap_or_default();
                format!(
                    "{}第{}条{item}",
                    self.source.name(lang),
                    chinese_number(self.article)
                )
            }
            Lang::En => {
                let item = self.item.map(|i| format!("({i})")).unwrap_or_default();
                format!("{}, Art. {}{item}", self.source.name(lang), self.article)
            }
        }
    }
}

/// 1..999 in Chinese numerals, as statutes number their articles (十二, 二十一, 一百零五).
pub fn chinese_number(n: u16) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let (h, t, u) = (
        (n / 100) as usize,
        ((n / 10) % 10) as usize,
        (n % 10) as usize,
    );
    let mut s = String::new();
    if h > 0 {
        s.push_str(D[h]);
        s.push('百');
        if t == 0 && u > 0 {
            s.push('零');
        }
    }
    if t > 0 {
        if !(t == 1 && h == 0) {
            s.push_str(D[t]);
        }
        s.push('十');
    }
    if u > 0 || n == 0 {
        s.push_str(D[u]);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals() {
        let cases = [
            (1, "一"),
            (9, "九"),
            (10, "十"),
            (12, "十二"),
            (20, "二十"),
            (21, "二十一"),
            (38, "三十八"),
            (100, "一百"),
            (105, "一百零五"),
            (110, "一百一十"),
        ];
        for (n, s) in cases {
            assert_eq!(chinese_number(n), s);
        }
    }

    #[test]
    fn renders_both_languages() {
        assert_eq!(measures(9).render(Lang::Zh), "《实施办法》第九条");
        assert_eq!(measures(9).render(Lang::En), "Measures, Art. 9");
        assert_eq!(
            measures_item(11, 3).render(Lang::Zh),
            "《实施办法》第十一条第（三）项"
        );
        assert_eq!(
            law(Source::PenaltyLaw, 55).render(Lang::En),
            "Administrative Penalty Law, Art. 55"
        );
    }
}
