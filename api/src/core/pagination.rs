//! Pagination: page sizes and the two kinds of opaque cursors. Offset cursors (`o:N`) serve
//! short lists; keyset cursors (the sort key and the id of the last row seen) serve long ones
//! whose rows move while a client pages (invoices). Every malformed cursor or size is a
//! `BAD_USER_INPUT` on its argument.

use base64::Engine;

use crate::core::error::{AppError, AppResult};

/// Items in a page when `first` is not given.
pub const DEFAULT_PAGE: i32 = 20;
/// The largest page.
pub const MAX_PAGE: i32 = 100;

/// The page size `first` asks for, checked.
pub fn page_size(first: Option<i32>) -> AppResult<i64> {
    let first = first.unwrap_or(DEFAULT_PAGE);
    if !(0..=MAX_PAGE).contains(&first) {
        return Err(AppError::bad_input(
            "first",
            format!("first must be between 0 and {MAX_PAGE}"),
        ));
    }
    Ok(i64::from(first))
}

fn b64(text: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

fn unb64(cursor: &str) -> AppResult<Vec<u8>> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .map_err(|_| malformed())
}

fn malformed() -> AppError {
    AppError::bad_input("after", "malformed cursor")
}

/// The cursor of the item at `offset`.
pub fn offset_cursor(offset: i64) -> String {
    b64(&format!("o:{offset}"))
}

/// Where the page after `after` starts (0 without a cursor).
pub fn offset_of(after: Option<String>) -> AppResult<i64> {
    let Some(c) = after else { return Ok(0) };
    let text = String::from_utf8(unb64(&c)?).map_err(|_| malformed())?;
    let n: i64 = text
        .strip_prefix("o:")
        .and_then(|n| n.parse().ok())
        .ok_or_else(malformed)?;
    if !(0..=1_000_000).contains(&n) {
        return Err(malformed());
    }
    Ok(n + 1)
}

/// A keyset cursor: the last row's sort key and id.
pub fn keyset_cursor(key: serde_json::Value, id: &str) -> String {
    b64(&serde_json::json!([key, id]).to_string())
}

/// The sort key and id a keyset cursor holds.
pub fn keyset_of(cursor: &str) -> AppResult<(serde_json::Value, String)> {
    let value: serde_json::Value =
        serde_json::from_slice(&unb64(cursor)?).map_err(|_| malformed())?;
    let id = value
        .get(1)
        .and_then(|v| v.as_str())
        .ok_or_else(malformed)?
        .to_owned();
    let key = value.get(0).cloned().ok_or_else(malformed)?;
    Ok((key, id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_malformed_ones_are_bad_input() {
        assert_eq!(offset_of(Some(offset_cursor(41))).ok(), Some(42));
        assert_eq!(offset_of(None).ok(), Some(0));
        let c = keyset_cursor(serde_json::json!(1250), "abc");
        assert_eq!(
            keyset_of(&c).ok(),
            Some((serde_json::json!(1250), "abc".to_owned()))
        );
        for bad in ["", "!!", &b64("o:-1"), &b64("[1]"), &b64("o:x")] {
            assert!(offset_of(Some(bad.to_owned())).is_err(), "{bad}");
            assert!(keyset_of(bad).is_err(), "{bad}");
        }
        assert!(page_size(Some(101)).is_err() && page_size(Some(-1)).is_err());
        assert_eq!(page_size(None).ok(), Some(20));
    }
}
