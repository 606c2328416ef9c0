//! Identifiers of businesses and their banks as e-invoices carry them: country codes, VAT ids,
//! IBANs and BICs. Each parser trims, upper-cases and refuses what a receiver would refuse.

use crate::error::{DomainError, DomainResult};

/// An ISO 3166-1 alpha-2 country code (`GR`, `DE`). Shape only: two letters.
pub fn country(field: &'static str, value: &str) -> DomainResult<String> {
    let v = value.trim().to_ascii_uppercase();
    if v.len() == 2 && v.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(v)
    } else {
        Err(DomainError::invalid(
            field,
            "a country is its two-letter ISO code, e.g. GR or DE",
        ))
    }
}

/// A VAT identifier with its country prefix (`EL094019245`, `DE123456789`): two letters, then
/// 2 to 13 letters or digits. Spaces, dots and dashes people type are dropped.
pub fn vat_id(field: &'static str, value: &str) -> DomainResult<String> {
    let v: String = value
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect::<String>()
        .to_ascii_uppercase();
    // Only ASCII is split by bytes: anything else is refused before (no slicing inside a character).
    let ascii = v.is_ascii();
    let (prefix, rest) = if ascii {
        v.split_at(v.len().min(2))
    } else {
        ("", "")
    };
    let ok = ascii
        && prefix.len() == 2
        && prefix.bytes().all(|b| b.is_ascii_uppercase())
        && (2..=13).contains(&rest.len())
        && rest.bytes().all(|b| b.is_ascii_alphanumeric());
    if ok {
        Ok(v)
    } else {
        Err(DomainError::invalid(
            field,
            "a VAT id starts with its country prefix, e.g. EL094019245",
        ))
    }
}

/// Whether a tax id is a VAT id as [`vat_id`] reads it (else it is a national registration).
pub fn is_vat_id(value: &str) -> bool {
    vat_id("taxId", value).is_ok()
}

/// An IBAN, checked with its mod-97 check digits; stored without spaces.
pub fn iban(value: &str) -> DomainResult<String> {
    let v: String = value
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let bad = || DomainError::invalid("iban", "not a valid IBAN (check the digits)");
    if !(15..=34).contains(&v.len())
        || !v.bytes().all(|b| b.is_ascii_alphanumeric())
        || !v.as_bytes()[..2].iter().all(u8::is_ascii_uppercase)
        || !v.as_bytes()[2..4].iter().all(u8::is_ascii_digit)
    {
        return Err(bad());
    }
    let rotated = v[4..].bytes().chain(v[..4].bytes());
    let mut rem: u32 = 0;
    for b in rotated {
        let n = if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b - b'A') + 10
        };
        rem = if n >= 10 {
            (rem * 100 + n) % 97
        } else {
            (rem * 10 + n) % 97
        };
    }
    if rem == 1 {
        Ok(v)
    } else {
        Err(bad())
    }
}

/// A BIC (SWIFT code): 8 or 11 letters and digits, the 5th and 6th a country.
pub fn bic(value: &str) -> DomainResult<String> {
    let v = value.trim().to_ascii_uppercase();
    let ok = (v.len() == 8 || v.len() == 11)
        && v.bytes().all(|b| b.is_ascii_alphanumeric())
        && v.as_bytes()[..6].iter().all(u8::is_ascii_uppercase);
    if ok {
        Ok(v)
    } else {
        Err(DomainError::invalid(
            "bic",
            "a BIC has 8 or 11 letters and digits",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_normalised_and_checked() {
        assert_eq!(country("country", " gr "), Ok("GR".into()));
        assert!(country("country", "GRC").is_err());
        assert_eq!(vat_id("vatId", "el 094.019.245"), Ok("EL094019245".into()));
        assert!(vat_id("vatId", "094019245").is_err());
        assert_eq!(
            iban("GR16 0110 1250 0000 0001 2300 695"),
            Ok("GR1601101250000000012300695".into())
        );
        assert!(iban("GR1601101250000000012300696").is_err());
        assert_eq!(
            iban("DE89370400440532013000"),
            Ok("DE89370400440532013000".into())
        );
        assert_eq!(bic("ethngraa"), Ok("ETHNGRAA".into()));
        assert!(bic("ETH1").is_err());
    }

    #[test]
    fn vat_ids_with_other_scripts_are_refused_not_split() {
        for bad in ["\u{202e}EVIL", "ΕΛ094019245", "E\u{301}L094019245"] {
            assert!(vat_id("vatId", bad).is_err(), "{bad}");
        }
        assert_eq!(
            vat_id("vatId", "el 094.019-245").ok().as_deref(),
            Some("EL094019245")
        );
    }
}
