//! Ids: one type per kind of row (`TenantId`, `ClientId`, `InvoiceId`, `PaymentId`, …), so an
//! invoice's id cannot be passed where a client's is wanted, and each knows its Relay global id
//! (base64url of `Type:uuid`). Decoding checks the type and the uuid, so a malformed or mistyped
//! id is a clear `BAD_USER_INPUT`.

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

/// What every id type is made from: the stored uuid (`rows::id` reads one from a row).
pub trait TypedId: Sized {
    fn from_raw(raw: String) -> Self;
}

/// Declares an id type: a uuid string that binds and reads as text in SQL, with its global id.
macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, sqlx::Type, serde::Serialize,
        )]
        #[sqlx(transparent)]
        #[serde(transparent)]
        pub struct $name(String);

        impl TypedId for $name {
            fn from_raw(raw: String) -> Self {
                Self(raw)
            }
        }

        impl $name {
            /// The type name in its global ids.
            pub const KIND: &'static str = $kind;

            /// A new id (uuid v7: sorts by creation time).
            pub fn generate() -> Self {
                Self(uuid::Uuid::now_v7().to_string())
            }

            /// An id read from the database or from a checked source.
            pub fn from_raw(raw: impl Into<String>) -> Self {
                Self(raw.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }

            /// Its Relay global id.
            pub fn to_global(&self) -> ID {
                encode($kind, &self.0)
            }

            /// From a global id, which must be of this type.
            pub fn from_global(id: &ID) -> AppResult<Self> {
                decode(id, $kind).map(Self)
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                self == &other.0
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
    };
}

typed_id!(
    /// A business using the portal.
    TenantId,
    "Tenant"
);
typed_id!(
    /// A business's client (the party that owes).
    ClientId,
    "Client"
);
typed_id!(
    /// A person at a client who signs in.
    ContactId,
    "Contact"
);
typed_id!(
    /// An invoice.
    InvoiceId,
    "Invoice"
);
typed_id!(
    /// A payment received (online or recorded by staff).
    PaymentId,
    "Payment"
);
typed_id!(
    /// A payer's attempt at a gateway.
    AttemptId,
    "PaymentAttempt"
);

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
    fn typed_ids_carry_their_kind() {
        let invoice = InvoiceId::generate();
        let global = invoice.to_global();
        assert_eq!(InvoiceId::from_global(&global).ok(), Some(invoice.clone()));
        assert!(
            ClientId::from_global(&global).is_err(),
            "an invoice's global id is not a client's"
        );
        assert_eq!(invoice, invoice.as_str());
        assert_eq!(InvoiceId::KIND, "Invoice");
        assert_eq!(
            AttemptId::from_raw("x").to_global(),
            encode("PaymentAttempt", "x")
        );
    }

    #[test]
    fn malformed_ids_are_bad_input() {
        for bad in ["", "!!", "SW52b2ljZQ", "SW52b2ljZTpub3QtYS11dWlk"] {
            let err = decode(&ID(bad.into()), "Invoice").err().map(|e| e.code());
            assert_eq!(err, Some("BAD_USER_INPUT"), "{bad}");
        }
    }
}
