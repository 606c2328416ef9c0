//! Input validation at the edge: text, e-mail addresses, slugs, document
//! numbers, dates and decimals are parsed here once and trusted inside.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::error::{DomainError, DomainResult};
use crate::money::PlainDecimal;

/// Longest free text (descriptions, notes), in characters.
pub const MAX_TEXT: usize = 10_000;
/// Longest name (client, project, task names), in characters.
pub const MAX_NAME: usize = 200;

/// Trims; refuses an empty value, one longer than `max` characters (counted
/// as chars, not bytes), and control characters other than `\n` and `\t`.
pub fn text(field: &'static str, value: &str, max: usize) -> DomainResult<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(DomainError::invalid(field, "is required"));
    }
    let count = trimmed.chars().count();
    if count > max {
        return Err(DomainError::invalid(
            field,
            format!("is too long ({count} characters, at most {max})"),
        ));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(DomainError::invalid(field, "contains control characters"));
    }
    Ok(trimmed.to_string())
}

/// Like [`text`], but `None` or a blank value gives `None`.
pub fn optional_text(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> DomainResult<Option<String>> {
    match value {
        Some(v) if !v.trim().is_empty() => text(field, v, max).map(Some),
        _ => Ok(None),
    }
}

/// Longest e-mail address, in characters.
pub const MAX_EMAIL: usize = 254;

/// A trimmed, lower-cased e-mail address with one `@`, a non-empty local part
/// and a dotted domain.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Trims and lower-cases; refuses missing or repeated `@`, an empty local
    /// part, a domain without a dot (or with empty labels), whitespace or
    /// control characters, and more than 254 characters.
    pub fn parse(s: &str) -> DomainResult<Email> {
        const F: &str = "email";
        let v = s.trim().to_lowercase();
        if v.is_empty() {
            return Err(DomainError::invalid(F, "is required"));
        }
        if v.chars().count() > MAX_EMAIL {
            return Err(DomainError::invalid(
                F,
                format!("is too long (at most {MAX_EMAIL} characters)"),
            ));
        }
        if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(DomainError::invalid(F, "must not contain spaces"));
        }
        let Some((local, domain)) = v.split_once('@') else {
            return Err(DomainError::invalid(F, "must contain an @"));
        };
        if domain.contains('@') {
            return Err(DomainError::invalid(F, "must contain exactly one @"));
        }
        if local.is_empty() {
            return Err(DomainError::invalid(F, "needs a name before the @"));
        }
        if !domain.contains('.') || domain.split('.').any(str::is_empty) {
            return Err(DomainError::invalid(
                F,
                "needs a domain such as example.com after the @",
            ));
        }
        Ok(Email(v))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Paths the deployment uses itself, so no business can have them as its address.
pub const RESERVED_SLUGS: [&str; 9] = [
    "graphql", "healthz", "readyz", "metrics", "assets", "webhooks", "signup", "api", "static",
];

/// A URL-safe identifier: 2..=40 chars of `[a-z0-9-]`, not starting or ending
/// with `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    /// Parses exactly (no trimming, no case folding).
    pub fn parse(s: &str) -> DomainResult<Slug> {
        const F: &str = "slug";
        let len = s.chars().count();
        if !(2..=40).contains(&len) {
            return Err(DomainError::invalid(F, "must be 2 to 40 characters long"));
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(DomainError::invalid(
                F,
                "may only contain lower-case letters, digits and '-'",
            ));
        }
        if s.starts_with('-') || s.ends_with('-') {
            return Err(DomainError::invalid(F, "must not start or end with '-'"));
        }
        if RESERVED_SLUGS.contains(&s) {
            return Err(DomainError::invalid(
                F,
                "is one of the deployment's own addresses",
            ));
        }
        Ok(Slug(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Slug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An invoice / credit note / estimate number: trimmed, 1..=32 chars of
/// `[A-Za-z0-9-/_.]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DocumentNumber(String);

impl DocumentNumber {
    pub fn parse(s: &str) -> DomainResult<DocumentNumber> {
        const F: &str = "number";
        let v = s.trim();
        if v.is_empty() {
            return Err(DomainError::invalid(F, "is required"));
        }
        if v.chars().count() > 32 {
            return Err(DomainError::invalid(
                F,
                "is too long (at most 32 characters)",
            ));
        }
        if !v
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '_' | '.'))
        {
            return Err(DomainError::invalid(
                F,
                "may only contain letters, digits and - / _ .",
            ));
        }
        Ok(DocumentNumber(v.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for DocumentNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses `"YYYY-MM-DD"` strictly: exactly that shape, a real calendar date.
pub fn date(field: &'static str, s: &str) -> DomainResult<NaiveDate> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        });
    if !shape_ok {
        return Err(DomainError::invalid(
            field,
            format!("\"{s}\" is not a date in YYYY-MM-DD form"),
        ));
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        DomainError::invalid(field, format!("\"{s}\" is not a valid calendar date"))
    })?;
    // Business dates: nothing before 1900 or after 2199 (a typo such as 0026 or 20266 is refused).
    if !(1900..=2199).contains(&chrono::Datelike::year(&d)) {
        return Err(DomainError::invalid(
            field,
            format!("\"{s}\" is outside the years 1900 to 2199"),
        ));
    }
    Ok(d)
}

/// Parses a plain decimal such as `"1.5"` or `"24"` (surrounding whitespace
/// ignored). Refuses exponent notation, more than `max_scale` significant
/// fraction digits (trailing zeros do not count), and negatives unless
/// `allow_negative`. The result is normalized (no trailing zeros, no -0).
pub fn decimal(
    field: &'static str,
    s: &str,
    max_scale: u32,
    allow_negative: bool,
) -> DomainResult<Decimal> {
    let parts = PlainDecimal::split(field, s)?;
    let frac = parts.frac.trim_end_matches('0');
    if frac.len() > max_scale as usize {
        return Err(DomainError::invalid(
            field,
            format!("allows at most {max_scale} decimal places"),
        ));
    }
    let literal = if frac.is_empty() {
        parts.int.to_string()
    } else {
        format!("{}.{frac}", parts.int)
    };
    let magnitude = Decimal::from_str_exact(&literal)
        .map_err(|_| DomainError::invalid(field, "is too large"))?
        .normalize();
    if parts.negative && !magnitude.is_zero() {
        if !allow_negative {
            return Err(DomainError::invalid(field, "must not be negative"));
        }
        return Ok(-magnitude);
    }
    Ok(magnitude)
}

/// Number of significant fraction digits of `d` (trailing zeros ignored).
pub fn significant_scale(d: Decimal) -> u32 {
    d.normalize().scale()
}

/// Text as search compares it, the same on every database: Unicode lower case, accents and
/// other combining marks removed, final sigma as sigma ("ΣΤΈΓΗΣ" and "στεγησ" fold alike, as do
/// "Café" and "cafe").
pub fn fold_for_search(s: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;
    s.to_lowercase()
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| if c == 'ς' { 'σ' } else { c })
        .nfc()
        .collect()
}

#[cfg(test)]
mod tests {

    #[test]
    fn dates_are_bounded_to_sane_years() {
        assert!(date("d", "0000-01-01").is_err());
        assert!(date("d", "1899-12-31").is_err());
        assert!(date("d", "2200-01-01").is_err());
        assert!(date("d", "1900-01-01").is_ok());
        assert!(date("d", "2026-11-30").is_ok());
    }

    use super::*;
    use std::str::FromStr;

    fn field_of<T: std::fmt::Debug>(r: DomainResult<T>) -> &'static str {
        match r {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }
    fn message_of<T: std::fmt::Debug>(r: DomainResult<T>) -> String {
        match r {
            Err(DomainError::Invalid { message, .. }) => message,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }
    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal literal")
    }

    // ---- text ----

    #[test]
    fn text_is_trimmed() {
        assert_eq!(
            text("name", "  Acme Ltd \n", MAX_NAME),
            Ok("Acme Ltd".to_string())
        );
    }

    #[test]
    fn blank_text_is_refused_as_required() {
        for blank in ["", "   ", "\n\t "] {
            assert_eq!(message_of(text("name", blank, MAX_NAME)), "is required");
        }
    }

    #[test]
    fn text_of_exactly_max_chars_is_accepted_and_one_more_is_refused() {
        assert!(text("name", &"a".repeat(5), 5).is_ok());
        assert_eq!(field_of(text("name", &"a".repeat(6), 5)), "name");
    }

    #[test]
    fn text_length_counts_chars_not_bytes() {
        let five = "ééééé";
        assert_eq!(five.len(), 10);
        assert_eq!(text("name", five, 5), Ok(five.to_string()));
        assert!(text("name", "éééééé", 5).is_err());
    }

    #[test]
    fn newlines_and_tabs_inside_text_are_kept() {
        assert_eq!(text("notes", "a\n\tb", MAX_TEXT), Ok("a\n\tb".to_string()));
    }

    #[test]
    fn other_control_characters_in_text_are_refused() {
        for bad in ["a\u{0}b", "a\rb", "a\u{1b}[31mb", "a\u{7f}b", "a\u{85}b"] {
            assert_eq!(
                message_of(text("notes", bad, MAX_TEXT)),
                "contains control characters"
            );
        }
    }

    #[test]
    fn optional_text_treats_none_and_blank_as_absent() {
        assert_eq!(optional_text("notes", None, 10), Ok(None));
        assert_eq!(optional_text("notes", Some("  "), 10), Ok(None));
        assert_eq!(
            optional_text("notes", Some(" hi "), 10),
            Ok(Some("hi".to_string()))
        );
        assert_eq!(
            field_of(optional_text("notes", Some("x\u{0}"), 10)),
            "notes"
        );
        assert_eq!(
            field_of(optional_text("notes", Some("toolongtext"), 10)),
            "notes"
        );
    }

    // ---- email ----

    #[test]
    fn an_email_is_trimmed_and_lower_cased() {
        let e = Email::parse("  Jane.Doe@Example.COM ").expect("valid");
        assert_eq!(e.as_str(), "jane.doe@example.com");
        assert_eq!(e.to_string(), "jane.doe@example.com");
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "   ",
            "jane",
            "jane@",
            "@example.com",
            "jane@example",
            "jane@@example.com",
            "jane@a@example.com",
            "ja ne@example.com",
            "jane@exa mple.com",
            "jane@.com",
            "jane@example.",
            "jane@example..com",
            "jane\u{0}@example.com",
        ] {
            assert_eq!(field_of(Email::parse(bad)), "email", "{bad:?}");
        }
    }

    #[test]
    fn an_email_of_254_chars_is_accepted_and_255_is_refused() {
        let domain = "@example.com";
        let ok = format!("{}{domain}", "a".repeat(254 - domain.len()));
        assert_eq!(ok.len(), 254);
        assert!(Email::parse(&ok).is_ok());
        let long = format!("{}{domain}", "a".repeat(255 - domain.len()));
        assert_eq!(field_of(Email::parse(&long)), "email");
    }

    // ---- slug ----

    #[test]
    fn valid_slugs_are_accepted() {
        for ok in ["ab", "acme", "acme-ltd", "a1", "9-lives", &"a".repeat(40)] {
            assert_eq!(
                Slug::parse(ok).map(|s| s.as_str().to_string()),
                Ok(ok.to_string())
            );
        }
    }

    #[test]
    fn slugs_of_the_wrong_length_are_refused() {
        assert_eq!(field_of(Slug::parse("")), "slug");
        assert_eq!(field_of(Slug::parse("a")), "slug");
        assert_eq!(field_of(Slug::parse(&"a".repeat(41))), "slug");
    }

    #[test]
    fn slugs_with_bad_characters_or_edge_dashes_are_refused() {
        for bad in [
            "Acme", "acme_ltd", "acme ltd", " acme", "-acme", "acme-", "--", "ac.me", "açme",
        ] {
            assert_eq!(field_of(Slug::parse(bad)), "slug", "{bad:?}");
        }
    }

    // ---- document number ----

    #[test]
    fn document_numbers_are_trimmed_and_accept_the_allowed_punctuation() {
        let n = DocumentNumber::parse("  INV-2024/001_a.b ").expect("valid");
        assert_eq!(n.as_str(), "INV-2024/001_a.b");
        assert!(DocumentNumber::parse("1").is_ok());
        assert!(DocumentNumber::parse(&"9".repeat(32)).is_ok());
    }

    #[test]
    fn bad_document_numbers_are_refused() {
        for bad in ["", "   ", "INV 1", "INV#1", "ÍNV-1", &"9".repeat(33)] {
            assert_eq!(field_of(DocumentNumber::parse(bad)), "number", "{bad:?}");
        }
    }

    // ---- date ----

    #[test]
    fn iso_dates_are_parsed() {
        assert_eq!(
            date("due_date", "2024-02-29"),
            Ok(NaiveDate::from_ymd_opt(2024, 2, 29).expect("date"))
        );
        assert_eq!(
            date("due_date", "1900-01-01"),
            Ok(NaiveDate::from_ymd_opt(1900, 1, 1).expect("date"))
        );
    }

    #[test]
    fn malformed_or_impossible_dates_are_refused_with_the_field_name() {
        for bad in [
            "",
            "2024-2-29",
            "2024-02-9",
            "24-02-29",
            "2024/02/29",
            "2024-02-29T00:00",
            " 2024-02-29",
            "+2024-02-29",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-04-31",
            "abcd-ef-gh",
        ] {
            assert_eq!(field_of(date("due_date", bad)), "due_date", "{bad:?}");
        }
    }

    // ---- decimal ----

    #[test]
    fn plain_decimals_are_parsed_and_normalized() {
        assert_eq!(decimal("quantity", "1.5", 4, false), Ok(dec("1.5")));
        assert_eq!(decimal("tax_rate", "24", 3, false), Ok(dec("24")));
        assert_eq!(decimal("quantity", " 2.500 ", 1, false), Ok(dec("2.5")));
        assert_eq!(decimal("quantity", "0", 0, false), Ok(Decimal::ZERO));
        assert_eq!(decimal("x", "-1.25", 2, true), Ok(dec("-1.25")));
    }

    #[test]
    fn negative_zero_reads_as_zero_even_when_negatives_are_refused() {
        let z = decimal("x", "-0.0", 2, false).expect("zero");
        assert!(z.is_zero());
        assert!(!z.is_sign_negative());
    }

    #[test]
    fn negative_decimals_are_refused_unless_allowed() {
        assert_eq!(
            message_of(decimal("quantity", "-1", 2, false)),
            "must not be negative"
        );
    }

    #[test]
    fn decimals_with_too_many_fraction_digits_are_refused() {
        assert_eq!(
            message_of(decimal("hours", "1.125", 2, false)),
            "allows at most 2 decimal places"
        );
        assert!(decimal("hours", "1.12", 2, false).is_ok());
        assert_eq!(field_of(decimal("n", "1.5", 0, false)), "n");
    }

    #[test]
    fn decimals_in_exponent_notation_or_malformed_are_refused() {
        for bad in [
            "", "1e2", "1E-2", "abc", "1,5", ".5", "5.", "+1", "1_000", "1.2.3", "--1", "Infinity",
        ] {
            assert_eq!(field_of(decimal("rate", bad, 4, true)), "rate", "{bad:?}");
        }
    }

    #[test]
    fn decimals_too_large_for_the_decimal_type_are_refused() {
        let huge = "9".repeat(40);
        assert_eq!(message_of(decimal("rate", &huge, 4, true)), "is too large");
    }

    #[test]
    fn significant_scale_ignores_trailing_zeros() {
        assert_eq!(significant_scale(dec("1.500")), 1);
        assert_eq!(significant_scale(dec("100")), 0);
        assert_eq!(significant_scale(dec("0.0001")), 4);
    }

    #[test]
    fn search_folds_case_accents_and_final_sigma() {
        assert_eq!(fold_for_search("ΣΤΈΓΗΣ"), "στεγησ");
        assert_eq!(fold_for_search("Επισκευή στέγης"), "επισκευη στεγησ");
        assert_eq!(fold_for_search("Café CRÈME"), "cafe creme");
        assert_eq!(fold_for_search("INV-2026-00042"), "inv-2026-00042");
        assert_eq!(fold_for_search(""), "");
    }
}
