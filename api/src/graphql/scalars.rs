//! Custom scalars: `Date` (YYYY-MM-DD), `Decimal` (a decimal number as a string, exact), `Long`
//! (a 64-bit integer, for minor units), and the `Money` object.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, SimpleObject, Value};
use chrono::NaiveDate;
use portico_domain as domain;

/// A calendar date, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => domain::validate::date("date", s)
                .map(Date)
                .map_err(InputValueError::custom),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// An exact decimal number written as a string, e.g. `"12.50"`. Never a float.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal(pub String);

#[Scalar(name = "Decimal")]
impl ScalarType for Decimal {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) if s.len() <= 40 => Ok(Decimal(s.trim().to_owned())),
            Value::String(_) => Err(InputValueError::custom(
                "a decimal is at most 40 characters",
            )),
            _ => Err(InputValueError::custom(
                "a Decimal is written as a string, e.g. \"12.50\"",
            )),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

/// A 64-bit integer (minor units of money).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Long(pub i64);

#[Scalar(name = "Long")]
impl ScalarType for Long {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::Number(n) => n
                .as_i64()
                .map(Long)
                .ok_or_else(|| InputValueError::custom("not a 64-bit integer")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::Number(self.0.into())
    }
}

/// An amount of money: `amount` is exact decimal text, `minor` the integer minor units.
#[derive(Debug, Clone, SimpleObject)]
pub struct Money {
    pub amount: Decimal,
    pub currency: String,
    pub minor: Long,
}

impl From<domain::Money> for Money {
    fn from(m: domain::Money) -> Self {
        Money {
            amount: Decimal(m.amount_string()),
            currency: m.currency.code().to_owned(),
            minor: Long(m.minor),
        }
    }
}
