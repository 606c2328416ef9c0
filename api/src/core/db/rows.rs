//! Typed getters for `AnyRow` columns; a malformed stored value is an internal error.

use chrono::NaiveDate;
use portico_domain::{Currency, Money};
use rust_decimal::Decimal;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::core::error::{AppError, AppResult};

fn corrupt(col: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Internal(anyhow::anyhow!("stored column {col}: {e}"))
}

pub fn text(row: &AnyRow, col: &str) -> AppResult<String> {
    row.try_get::<String, _>(col).map_err(|e| corrupt(col, e))
}

pub fn opt_text(row: &AnyRow, col: &str) -> AppResult<Option<String>> {
    row.try_get::<Option<String>, _>(col)
        .map_err(|e| corrupt(col, e))
}

pub fn int(row: &AnyRow, col: &str) -> AppResult<i64> {
    row.try_get::<i64, _>(col).map_err(|e| corrupt(col, e))
}

pub fn opt_int(row: &AnyRow, col: &str) -> AppResult<Option<i64>> {
    row.try_get::<Option<i64>, _>(col)
        .map_err(|e| corrupt(col, e))
}

pub fn flag(row: &AnyRow, col: &str) -> AppResult<bool> {
    Ok(int(row, col)? != 0)
}

pub fn currency(row: &AnyRow, col: &str) -> AppResult<Currency> {
    Currency::parse(&text(row, col)?).map_err(|e| corrupt(col, e))
}

pub fn money(row: &AnyRow, col: &str, currency: Currency) -> AppResult<Money> {
    Ok(Money::new(int(row, col)?, currency))
}

pub fn date(row: &AnyRow, col: &str) -> AppResult<NaiveDate> {
    let s = text(row, col)?;
    NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| corrupt(col, e))
}

pub fn opt_date(row: &AnyRow, col: &str) -> AppResult<Option<NaiveDate>> {
    match opt_text(row, col)? {
        Some(s) => NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map(Some)
            .map_err(|e| corrupt(col, e)),
        None => Ok(None),
    }
}

pub fn decimal(row: &AnyRow, col: &str) -> AppResult<Decimal> {
    let s = text(row, col)?;
    s.parse::<Decimal>().map_err(|e| corrupt(col, e))
}

/// Parses a stored enum value with its domain parser.
pub fn parsed<T, E: std::fmt::Display>(
    row: &AnyRow,
    col: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> AppResult<T> {
    let s = text(row, col)?;
    parse(&s).map_err(|e| corrupt(col, e))
}

pub fn date_str(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// `?`-style placeholders for an `IN (...)` list starting at `$first`.
pub fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A typed id column.
pub fn id<T: crate::core::ids::TypedId>(row: &AnyRow, col: &str) -> AppResult<T> {
    text(row, col).map(T::from_raw)
}

/// A nullable typed id column.
pub fn opt_id<T: crate::core::ids::TypedId>(row: &AnyRow, col: &str) -> AppResult<Option<T>> {
    opt_text(row, col).map(|o| o.map(T::from_raw))
}
