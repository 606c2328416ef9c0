//! A line's VAT category, as EN 16931 names them (UNCL 5305): what an e-invoice declares and
//! what a PDF prints beside the rate. The rate and the exemption reason must fit the category.

use rust_decimal::Decimal;

use crate::DomainError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VatCategory {
    /// `S`: a positive rate.
    Standard,
    /// `Z`: taxable at 0%.
    ZeroRated,
    /// `E`: exempt; the reason is printed and declared.
    Exempt,
    /// `AE`: the buyer accounts for the VAT (intra-EU reverse charge).
    ReverseCharge,
}

/// The longest exemption reason.
pub const MAX_EXEMPTION_CHARS: usize = 300;

impl VatCategory {
    pub const ALL: [VatCategory; 4] = [
        VatCategory::Standard,
        VatCategory::ZeroRated,
        VatCategory::Exempt,
        VatCategory::ReverseCharge,
    ];

    /// The UNCL 5305 code: `S`, `Z`, `E`, `AE`.
    pub fn code(self) -> &'static str {
        match self {
            VatCategory::Standard => "S",
            VatCategory::ZeroRated => "Z",
            VatCategory::Exempt => "E",
            VatCategory::ReverseCharge => "AE",
        }
    }

    pub fn parse(code: &str) -> Result<VatCategory, DomainError> {
        VatCategory::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(code.trim()))
            .ok_or_else(|| DomainError::Invalid {
                field: "vatCategory",
                message: "one of S (standard), Z (zero-rated), E (exempt), AE (reverse charge)"
                    .into(),
            })
    }

    /// The category a rate implies when none is chosen: standard above zero, else zero-rated.
    pub fn for_rate(rate: Decimal) -> VatCategory {
        if rate > Decimal::ZERO {
            VatCategory::Standard
        } else {
            VatCategory::ZeroRated
        }
    }

    /// Whether a reason for not charging VAT goes with it (exempt, reverse charge).
    pub fn needs_reason(self) -> bool {
        matches!(self, VatCategory::Exempt | VatCategory::ReverseCharge)
    }

    /// The reason declared when none is written: reverse charge has a standard wording.
    pub fn default_reason(self) -> Option<&'static str> {
        match self {
            VatCategory::ReverseCharge => Some("Reverse charge"),
            _ => None,
        }
    }

    /// Checks a rate and an exemption reason against the category.
    pub fn check(self, rate: Decimal, reason: Option<&str>) -> Result<(), DomainError> {
        let bad = |message: &str| DomainError::Invalid {
            field: "vatCategory",
            message: message.into(),
        };
        match self {
            VatCategory::Standard if rate <= Decimal::ZERO => {
                Err(bad("standard-rated lines have a rate above 0%"))
            }
            VatCategory::Standard | VatCategory::ZeroRated if reason.is_some() => Err(bad(
                "only exempt and reverse-charge lines carry an exemption reason",
            )),
            VatCategory::ZeroRated | VatCategory::Exempt | VatCategory::ReverseCharge
                if rate != Decimal::ZERO =>
            {
                Err(bad(
                    "zero-rated, exempt and reverse-charge lines have a 0% rate",
                ))
            }
            VatCategory::Exempt if reason.is_none() => {
                Err(bad("an exempt line says why (the exemption reason)"))
            }
            _ => match reason {
                Some(r) if r.chars().count() > MAX_EXEMPTION_CHARS => Err(DomainError::Invalid {
                    field: "vatExemption",
                    message: format!("at most {MAX_EXEMPTION_CHARS} characters"),
                }),
                Some(r) if r.chars().any(char::is_control) => Err(DomainError::Invalid {
                    field: "vatExemption",
                    message: "contains control characters".into(),
                }),
                _ => Ok(()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_fit_their_rates_and_reasons() {
        let d = |s: &str| s.parse::<Decimal>().unwrap_or_default();
        assert!(VatCategory::Standard.check(d("24"), None).is_ok());
        assert!(VatCategory::Standard.check(d("0"), None).is_err());
        assert!(VatCategory::ZeroRated.check(d("0"), None).is_ok());
        assert!(VatCategory::ZeroRated.check(d("13"), None).is_err());
        assert!(VatCategory::Exempt.check(d("0"), None).is_err());
        assert!(VatCategory::Exempt
            .check(d("0"), Some("Article 135(1)(g)"))
            .is_ok());
        assert!(VatCategory::ReverseCharge.check(d("0"), None).is_ok());
        assert!(VatCategory::Standard.check(d("24"), Some("why")).is_err());
        assert_eq!(VatCategory::parse("ae").map(VatCategory::code), Ok("AE"));
        assert!(VatCategory::parse("X").is_err());
        assert_eq!(VatCategory::for_rate(d("0")), VatCategory::ZeroRated);
    }
}
