//! Field-level validation shared by every model type: text limits, and the two Chinese
//! identifier check algorithms (统一社会信用代码 per GB 32100-2015, 居民身份证号码 per
//! GB 11643-1999 with its ISO 7064 MOD 11-2 check digit).
//!
//! These run on every entry point, so a typo in an 18-character code is caught on the phone,
//! at the moment the inspector can still ask the party again.

use chrono::NaiveDate;

use crate::error::{ValidationCode, ValidationError};

/// Default limit for one-line text fields (names, numbers, places).
pub const SHORT_TEXT: usize = 200;
/// Default limit for free text (facts, answers, opinions).
pub const LONG_TEXT: usize = 20_000;

type VResult = Result<(), ValidationError>;

/// A required one-line value: not blank, no control characters, at most `max` characters.
pub fn required_line(field: &str, value: &str, max: usize) -> VResult {
    if value.trim().is_empty() {
        return Err(ValidationError::new(field, ValidationCode::Required));
    }
    optional_line(field, value, max)
}

/// An optional one-line value: may be empty; otherwise no control characters and bounded.
pub fn optional_line(field: &str, value: &str, max: usize) -> VResult {
    if value.chars().count() > max {
        return Err(ValidationError::new(field, ValidationCode::TooLong { max }));
    }
    if value.chars().any(char::is_control) {
        return Err(ValidationError::new(
            field,
            ValidationCode::ControlCharacters,
        ));
    }
    Ok(())
}

/// Free text: newlines and tabs allowed, other control characters not, bounded length.
pub fn free_text(field: &str, value: &str, max: usize) -> VResult {
    if value.chars().count() > max {
        return Err(ValidationError::new(field, ValidationCode::TooLong { max }));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(ValidationError::new(
            field,
            ValidationCode::ControlCharacters,
        ));
    }
    Ok(())
}

/// The 31 characters allowed in a 统一社会信用代码 (digits and capitals without I, O, S, V, Z).
const USCC_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Position weights 3^i mod 31 for the first 17 characters (GB 32100-2015, 附录).
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Validates a 统一社会信用代码 (unified social credit code), GB 32100-2015.
///
/// Structure: 1 registration-authority code, 1 organisation-type code, 6-digit administrative
/// division, 9-character organisation code (itself with a GB 11714 check character), and a
/// check character: `31 - (Σ value·weight mod 31)`, where 31 maps to `0`.
pub fn uscc(field: &str, code: &str) -> VResult {
    let bad = |c| Err(ValidationError::new(field, c));
    if code.is_empty() {
        return bad(ValidationCode::Required);
    }
    let chars: Vec<char> = code.chars().collect();
    if chars.len() != 18 {
        return bad(ValidationCode::BadFormat);
    }
    let mut values = [0u32; 18];
    for (i, c) in chars.iter().enumerate() {
        match USCC_ALPHABET.find(*c) {
            // SAFETY of the cast: the alphabet has 31 entries.
            Some(v) => values[i] = v as u32,
            None => return bad(ValidationCode::BadFormat),
        }
    }
    // Positions 3–8 are the administrative division code: digits only.
    if !chars[2..8].iter().all(char::is_ascii_digit) {
        return bad(ValidationCode::BadFormat);
    }
    let sum: u32 = values[..17]
        .iter()
        .zip(USCC_WEIGHTS)
        .map(|(v, w)| v * w)
        .sum();
    let check = (31 - sum % 31) % 31;
    if values[17] != check {
        return bad(ValidationCode::BadCheckCharacter);
    }
    Ok(())
}

/// Weights of the first 17 digits of a resident ID number (GB 11643-1999, ISO 7064 MOD 11-2).
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for `Σ mod 11` = 0..10.
const ID_CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Validates an 18-digit 居民身份证号码: digits, a real birth date, and the MOD 11-2 check
/// character (`X` for 10; lower-case `x` is refused so stored numbers have one spelling).
pub fn resident_id(field: &str, number: &str) -> VResult {
    let bad = |c| Err(ValidationError::new(field, c));
    if number.is_empty() {
        return bad(ValidationCode::Required);
    }
    let chars: Vec<char> = number.chars().collect();
    if chars.len() != 18 || !chars[..17].iter().all(char::is_ascii_digit) {
        return bad(ValidationCode::BadFormat);
    }
    if !(chars[17].is_ascii_digit() || chars[17] == 'X') {
        return bad(ValidationCode::BadFormat);
    }
    let birth: String = chars[6..14].iter().collect();
    match NaiveDate::parse_from_str(&birth, "%Y%m%d") {
        Ok(d) if d.format("%Y").to_string().as_str() >= "1900" => {}
        _ => return bad(ValidationCode::InvalidDate),
    }
    let sum: u32 = chars[..17]
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    if ID_CHECK[(sum % 11) as usize] != chars[17] {
        return bad(ValidationCode::BadCheckCharacter);
    }
    Ok(())
}

/// A phone number as people write it: digits with optional `+`, spaces and hyphens, 5–20 digits.
pub fn phone(field: &str, value: &str) -> VResult {
    if value.is_empty() {
        return Ok(());
    }
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let shape_ok = value
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || c == ' ' || c == '-' || (c == '+' && i == 0));
    if !shape_ok || !(5..=20).contains(&digits) {
        return Err(ValidationError::new(field, ValidationCode::BadFormat));
    }
    Ok(())
}

/// Runs `check` on each item, prefixing errors with `field[i]`.
pub fn each<T>(field: &str, items: &[T], mut check: impl FnMut(&T) -> VResult) -> VResult {
    for (i, item) in items.iter().enumerate() {
        check(item).map_err(|e| e.within(&format!("{field}[{i}]")))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_unified_social_credit_codes_pass() {
        // Published on the companies' own sites and in the national enterprise credit system.
        for code in [
            "914403001922038216", // 华为技术有限公司
            "9144030071526726XG", // 深圳市腾讯计算机系统有限公司
            "91330100716105852F", // 阿里巴巴（中国）有限公司
            "91350100M000100Y43", // the worked example of GB 32100-2015
            "91110000802100433B", // 北京百度网讯科技有限公司
        ] {
            assert_eq!(uscc("uscc", code), Ok(()), "{code}");
        }
    }

    #[test]
    fn uscc_rejects_each_kind_of_mistake() {
        let code = |s| uscc("uscc", s).map_err(|e| e.code);
        assert_eq!(code(""), Err(ValidationCode::Required));
        assert_eq!(
            code("91440300192203821"),
            Err(ValidationCode::BadFormat),
            "17 chars"
        );
        assert_eq!(
            code("9144030019220382160"),
            Err(ValidationCode::BadFormat),
            "19 chars"
        );
        assert_eq!(
            code("91440300192203821I"),
            Err(ValidationCode::BadFormat),
            "I not allowed"
        );
        assert_eq!(
            code("9144030071526726xg"),
            Err(ValidationCode::BadFormat),
            "lower case"
        );
        assert_eq!(
            code("91A403001922038216"),
            Err(ValidationCode::BadFormat),
            "division"
        );
        assert_eq!(
            code("914403001922038217"),
            Err(ValidationCode::BadCheckCharacter)
        );
        // A single transposition of two adjacent characters is caught.
        assert_eq!(
            code("914403001922038126"),
            Err(ValidationCode::BadCheckCharacter)
        );
        assert_eq!(code("914403001922038216"), Ok(()));
    }

    #[test]
    fn uscc_check_maps_31_to_zero() {
        // Find a body whose check value is 0 and make sure '0' is accepted.
        let body = "91110108MA01XXXXX".replace('X', "1");
        for c in USCC_ALPHABET.chars() {
            let candidate = format!("{}{c}", &body[..16]);
            let sum: u32 = candidate
                .chars()
                .zip(USCC_WEIGHTS)
                .map(|(ch, w)| USCC_ALPHABET.find(ch).unwrap() as u32 * w)
                .sum();
            if (31 - sum % 31) % 31 == 0 {
                assert_eq!(uscc("u", &format!("{candidate}0")), Ok(()));
                return;
            }
        }
    }

    #[test]
    fn resident_id_numbers() {
        let code = |s| resident_id("id", s).map_err(|e| e.code);
        // The worked examples of GB 11643-1999.
        assert_eq!(code("11010519491231002X"), Ok(()));
        assert_eq!(
            code("440524188001010014"),
            Err(ValidationCode::InvalidDate),
            "born 1880"
        );
        assert_eq!(
            code("110105194912310021"),
            Err(ValidationCode::BadCheckCharacter)
        );
        assert_eq!(code("11010519491231002x"), Err(ValidationCode::BadFormat));
        assert_eq!(
            code("11010519491331002X"),
            Err(ValidationCode::InvalidDate),
            "month 13"
        );
        assert_eq!(
            code("11010519490230002X"),
            Err(ValidationCode::InvalidDate),
            "30 Feb"
        );
        assert_eq!(code("1101051949123100"), Err(ValidationCode::BadFormat));
        assert_eq!(code(""), Err(ValidationCode::Required));
        assert_eq!(
            code("１１0105194912310021"),
            Err(ValidationCode::BadFormat),
            "full-width"
        );
    }

    #[test]
    fn text_limits() {
        assert!(required_line("f", "  ", 10).is_err());
        assert!(required_line("f", "统计局", 3).is_ok());
        assert!(required_line("f", "统计局X", 3).is_err());
        assert!(required_line("f", "a\nb", 10).is_err());
        assert!(free_text("f", "a\nb", 10).is_ok());
        assert!(free_text("f", "a\u{0}b", 10).is_err());
        assert!(phone("p", "+86 138-0000-0000").is_ok());
        assert!(phone("p", "138x").is_err());
        assert!(phone("p", "").is_ok());
    }
}
