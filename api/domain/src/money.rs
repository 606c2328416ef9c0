//! Currencies, rounding modes and `Money`: an amount held as integer minor
//! units (cents, yen, fils) tagged with its currency. All arithmetic is
//! checked; conversions to and from decimals are exact or explicitly rounded.

use std::fmt;
use std::str::FromStr;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::error::{DomainError, DomainResult};

/// Supported ISO 4217 codes and their minor-unit exponents.
const CURRENCIES: &[(&str, u32)] = &[
    ("AED", 2),
    ("AUD", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BRL", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("CZK", 2),
    ("DKK", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("HKD", 2),
    ("HUF", 2),
    ("ILS", 2),
    ("INR", 2),
    ("ISK", 0),
    ("JOD", 3),
    ("JPY", 0),
    ("KRW", 0),
    ("KWD", 3),
    ("MXN", 2),
    ("NOK", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PLN", 2),
    ("RON", 2),
    ("SAR", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("TND", 3),
    ("TRY", 2),
    ("USD", 2),
    ("VND", 0),
    ("ZAR", 2),
];

/// A supported ISO 4217 currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: &'static str,
    exponent: u32,
}

impl Currency {
    /// Parses an ISO 4217 code: exactly three ASCII upper-case letters, and the
    /// code must be in the supported table.
    pub fn parse(code: &str) -> DomainResult<Currency> {
        if code.len() != 3 || !code.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(DomainError::invalid(
                "currency",
                format!("\"{code}\" is not a 3-letter ISO 4217 code"),
            ));
        }
        if !code.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(DomainError::invalid(
                "currency",
                format!(
                    "currency codes are upper-case: use \"{}\", not \"{code}\"",
                    code.to_ascii_uppercase()
                ),
            ));
        }
        CURRENCIES
            .iter()
            .find(|(c, _)| *c == code)
            .map(|&(code, exponent)| Currency { code, exponent })
            .ok_or_else(|| {
                DomainError::invalid("currency", format!("unsupported currency \"{code}\""))
            })
    }

    /// The ISO 4217 code, e.g. `"EUR"`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// Number of minor-unit digits: 2 for EUR, 0 for JPY, 3 for KWD.
    pub fn exponent(&self) -> u32 {
        self.exponent
    }

    /// Every supported currency, ordered by code.
    pub fn all() -> impl Iterator<Item = Currency> {
        CURRENCIES
            .iter()
            .map(|&(code, exponent)| Currency { code, exponent })
    }

    /// `10^exponent` as an `i64`.
    fn scale_factor(&self) -> i64 {
        10_i64.pow(self.exponent)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

impl FromStr for Currency {
    type Err = DomainError;
    fn from_str(s: &str) -> DomainResult<Currency> {
        Currency::parse(s)
    }
}

/// How amounts that fall between two minor units are rounded.
///
/// `HalfUp` rounds midpoints away from zero (commercial rounding, symmetric
/// for negatives: -2.5 -> -3); `HalfEven` rounds midpoints to the even
/// neighbour (banker's rounding: 2.5 -> 2, 3.5 -> 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Rounding {
    #[default]
    HalfEven,
    HalfUp,
}

impl Rounding {
    /// Parses `"half_even"` or `"half_up"`.
    pub fn parse(s: &str) -> DomainResult<Self> {
        match s {
            "half_even" => Ok(Rounding::HalfEven),
            "half_up" => Ok(Rounding::HalfUp),
            _ => Err(DomainError::invalid(
                "rounding",
                format!("\"{s}\" is not a rounding mode (half_even or half_up)"),
            )),
        }
    }

    /// `"half_even"` or `"half_up"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Rounding::HalfEven => "half_even",
            Rounding::HalfUp => "half_up",
        }
    }

    /// The matching `rust_decimal` strategy.
    pub fn strategy(&self) -> RoundingStrategy {
        match self {
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
            Rounding::HalfUp => RoundingStrategy::MidpointAwayFromZero,
        }
    }

    /// Rounds a value expressed in minor units to a whole number of minor
    /// units; `Overflow` if it does not fit an `i64`.
    pub fn round_minor(&self, minor: Decimal) -> DomainResult<i64> {
        minor
            .round_dp_with_strategy(0, self.strategy())
            .to_i64()
            .ok_or(DomainError::Overflow)
    }
}

/// The largest amount Portico accepts anywhere (a price, a line, a document's total, a payment, a
/// refund, a gateway's report), in minor units: 99,999,999,999.99 EUR or USD,
/// 9,999,999,999,999 JPY, 9,999,999,999.999 KWD. Sums of such amounts fit an `i64` until over
/// 900,000 of them; every sum beyond that is checked and refused, never wrapped.
pub const MAX_AMOUNT_MINOR: i64 = 9_999_999_999_999;

/// An amount of money in integer minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    pub fn zero(currency: Currency) -> Money {
        Money { minor: 0, currency }
    }

    /// The largest amount accepted in `currency` ([`MAX_AMOUNT_MINOR`]).
    pub fn max(currency: Currency) -> Money {
        Money::new(MAX_AMOUNT_MINOR, currency)
    }

    /// Itself when within ±[`MAX_AMOUNT_MINOR`], else Invalid `field` naming the maximum.
    pub fn bounded(self, field: &'static str) -> DomainResult<Money> {
        if self.minor.unsigned_abs() > MAX_AMOUNT_MINOR.unsigned_abs() {
            return Err(DomainError::invalid(
                field,
                format!("may be at most {}", Money::max(self.currency)),
            ));
        }
        Ok(self)
    }

    /// Refuses when `other` has a different currency.
    pub fn ensure_same_currency(&self, other: &Money) -> DomainResult<()> {
        ensure_currency(self.currency, other.currency)
    }

    /// Sum; `CurrencyMismatch` or `Overflow`.
    pub fn checked_add(self, other: Money) -> DomainResult<Money> {
        self.ensure_same_currency(&other)?;
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or(DomainError::Overflow)?;
        Ok(Money::new(minor, self.currency))
    }

    /// Difference; `CurrencyMismatch` or `Overflow`.
    pub fn checked_sub(self, other: Money) -> DomainResult<Money> {
        self.ensure_same_currency(&other)?;
        let minor = self
            .minor
            .checked_sub(other.minor)
            .ok_or(DomainError::Overflow)?;
        Ok(Money::new(minor, self.currency))
    }

    /// Negation; `Overflow` for `i64::MIN`.
    pub fn checked_neg(self) -> DomainResult<Money> {
        let minor = self.minor.checked_neg().ok_or(DomainError::Overflow)?;
        Ok(Money::new(minor, self.currency))
    }

    pub fn is_zero(&self) -> bool {
        self.minor == 0
    }

    pub fn is_negative(&self) -> bool {
        self.minor < 0
    }

    pub fn is_positive(&self) -> bool {
        self.minor > 0
    }

    /// The smaller of the two; `CurrencyMismatch` if they differ in currency.
    pub fn min(self, other: Money) -> DomainResult<Money> {
        self.ensure_same_currency(&other)?;
        Ok(if other.minor < self.minor {
            other
        } else {
            self
        })
    }

    /// Exact decimal value: minor / 10^exponent (1234 EUR -> 12.34, scale = exponent).
    pub fn to_decimal(&self) -> Decimal {
        Decimal::new(self.minor, self.currency.exponent)
    }

    /// Rounds to the currency's exponent with `rounding`, then converts;
    /// `Overflow` if the result is out of `i64` minor units.
    pub fn from_decimal(
        value: Decimal,
        currency: Currency,
        rounding: Rounding,
    ) -> DomainResult<Money> {
        let minor = value
            .checked_mul(Decimal::from(currency.scale_factor()))
            .ok_or(DomainError::Overflow)?;
        Ok(Money::new(rounding.round_minor(minor)?, currency))
    }

    /// Parses a user-supplied amount such as `"12.34"`, `"-5"` or `"1000"`.
    ///
    /// Surrounding whitespace is ignored and trailing fractional zeros beyond
    /// the currency's exponent are tolerated (`"1.500"` EUR is 1.50).
    pub fn parse_amount(amount: &str, currency: Currency) -> DomainResult<Money> {
        let parts = PlainDecimal::split("amount", amount)?;
        let exp = currency.exponent as usize;
        let frac = parts.frac.trim_end_matches('0');
        if frac.len() > exp {
            return Err(DomainError::invalid(
                "amount",
                format!(
                    "{} allows at most {exp} decimal place{}",
                    currency.code,
                    if exp == 1 { "" } else { "s" }
                ),
            ));
        }
        let too_large = || Money::new(i64::MAX, currency).bounded("amount");
        let mut minor: i64 = 0;
        let digits = parts
            .int
            .chars()
            .chain(frac.chars())
            .chain(std::iter::repeat_n('0', exp - frac.len()));
        for c in digits {
            let d = i64::from(c.to_digit(10).ok_or(DomainError::Overflow)?);
            minor = match minor.checked_mul(10).and_then(|m| m.checked_add(d)) {
                Some(m) if m <= MAX_AMOUNT_MINOR => m,
                _ => return too_large(),
            };
        }
        if parts.negative {
            minor = -minor;
        }
        Ok(Money::new(minor, currency))
    }

    /// Plain decimal string with exactly `exponent` fraction digits:
    /// `"12.34"`, `"-0.50"`, `"1000"` (JPY), `"1.250"` (KWD).
    pub fn amount_string(&self) -> String {
        let exp = self.currency.exponent;
        let abs = self.minor.unsigned_abs();
        let sign = if self.minor < 0 { "-" } else { "" };
        if exp == 0 {
            return format!("{sign}{abs}");
        }
        let factor = 10_u64.pow(exp);
        let width = exp as usize;
        format!("{sign}{}.{:0width$}", abs / factor, abs % factor)
    }

    /// Sums an iterator; an empty iterator gives zero of `currency`.
    pub fn sum<I: IntoIterator<Item = Money>>(currency: Currency, items: I) -> DomainResult<Money> {
        items
            .into_iter()
            .try_fold(Money::zero(currency), Money::checked_add)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.currency, self.amount_string())
    }
}

/// Refuses when two currencies differ.
pub fn ensure_currency(expected: Currency, actual: Currency) -> DomainResult<()> {
    if expected == actual {
        Ok(())
    } else {
        Err(DomainError::CurrencyMismatch(
            expected.code.to_string(),
            actual.code.to_string(),
        ))
    }
}

/// A syntactically checked plain decimal: `-?[0-9]+(\.[0-9]+)?`, no exponent
/// notation, no separators, no leading `+`.
pub(crate) struct PlainDecimal<'a> {
    pub negative: bool,
    pub int: &'a str,
    pub frac: &'a str,
}

impl<'a> PlainDecimal<'a> {
    pub(crate) fn split(field: &'static str, raw: &'a str) -> DomainResult<PlainDecimal<'a>> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(DomainError::invalid(field, "is required"));
        }
        if s.contains(['e', 'E']) {
            return Err(DomainError::invalid(
                field,
                format!("\"{s}\" uses exponent notation; write a plain number such as 12.34"),
            ));
        }
        let (negative, body) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (int, frac) = match body.split_once('.') {
            Some((i, f)) => (i, f),
            None => (body, ""),
        };
        let all_digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
        let frac_ok = !body.contains('.') || !frac.is_empty();
        if int.is_empty() || !all_digits(int) || !all_digits(frac) || !frac_ok {
            return Err(DomainError::invalid(
                field,
                format!("\"{s}\" is not a number"),
            ));
        }
        Ok(PlainDecimal {
            negative,
            int,
            frac,
        })
    }
}

#[cfg(test)]
mod tests;
