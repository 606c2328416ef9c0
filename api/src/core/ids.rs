//! Relay global ids: base64url of `Type:uuid`. Decoding checks the type and the uuid, so a
//! malformed or mistyped id is a clear `BAD_USER_INPUT`.

use async_graphql::ID;
use base64::Engine;

use crate::core::error::{AppError, AppResult};

pub fn encode(kind: &str, id: &str) -> ID {
    ID(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{kind}:{id}")))
}

/// Splits a global id into its type name and uuid.
pub fn decode_any(id: &ID) -> AppResult<(String, String)> {
    let bad = || AppError::bad_input("id", format!("malformed id {:?}", truncate(&id.0)));
    if id.0.len() > 100 {
        return Err(bad());
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(id.0.as_bytes())
        .map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (kind, raw) = text.split_once(':').ok_or_else(bad)?;
    let uuid = uuid::Uuid::try_parse(raw).map_err(|_| bad())?;
    Ok((kind.to_owned(), uuid.hyphenated().to_string()))
}

/// The uuid of a global id that must be of type `kind`.
pub fn decode(id: &ID, kind: &str) -> AppResult<String> {
    let (k, raw) = decode_any(id)?;
    if k != kind {
        return Err(AppError::bad_input(
            "id",
            format!("expected a {kind} id, got a {k} id"),
        ));
    }
    Ok(raw)
}

fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_check_their_type() {
        let raw = uuid::Uuid::now_v7().to_string();
        let id = encode("Invoice", &raw);
        assert_eq!(decode(&id, "Invoice").ok(), Some(raw.clone()));
        assert!(decode(&id, "Client").is_err());
    }

    #[test]
    fn malformed_ids_are_bad_input() {
        for bad in ["", "!!", "SW52b2ljZQ", "SW52b2ljZTpub3QtYS11dWlk"] {
            let err = decode(&ID(bad.into()), "Invoice").err().map(|e| e.code());
            assert_eq!(err, Some("BAD_USER_INPUT"), "{bad}");
        }
    }
}
