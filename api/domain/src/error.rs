//! The single error type of the domain, with a stable class code that the API
//! layer maps onto its own error extensions.

/// Everything the domain can refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// Bad input: `field` names what was wrong.
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// The entity is in a state that does not allow `action`.
    #[error("cannot {action} {} {entity} that is {from}", article(entity))]
    InvalidTransition {
        entity: &'static str,
        from: String,
        action: &'static str,
    },
    /// Two amounts in different currencies were combined.
    #[error("currency mismatch: {0} and {1}")]
    CurrencyMismatch(String, String),
    /// An amount left the range of `i64` minor units.
    #[error("the amounts are too large to add up")]
    Overflow,
}

/// "a" or "an" before an entity's name ("an invoice", "a payment").
fn article(word: &str) -> &'static str {
    match word.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

impl DomainError {
    /// Shorthand for [`DomainError::Invalid`].
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        DomainError::Invalid {
            field,
            message: message.into(),
        }
    }

    /// Shorthand for [`DomainError::InvalidTransition`].
    pub fn transition(entity: &'static str, from: impl Into<String>, action: &'static str) -> Self {
        DomainError::InvalidTransition {
            entity,
            from: from.into(),
            action,
        }
    }

    /// Stable class code: Invalid/CurrencyMismatch/Overflow -> "BAD_USER_INPUT",
    /// InvalidTransition -> "CONFLICT".
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::Invalid { .. }
            | DomainError::CurrencyMismatch(..)
            | DomainError::Overflow => "BAD_USER_INPUT",
            DomainError::InvalidTransition { .. } => "CONFLICT",
        }
    }

    /// The offending field of an [`DomainError::Invalid`] error, if any.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            DomainError::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }
}

/// Result alias used throughout the domain.
pub type DomainResult<T> = Result<T, DomainError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_builds_an_invalid_error_with_field_and_message() {
        let e = DomainError::invalid("name", "is required");
        assert_eq!(
            e,
            DomainError::Invalid {
                field: "name",
                message: "is required".to_string()
            }
        );
        assert_eq!(e.to_string(), "name: is required");
        assert_eq!(e.field(), Some("name"));
    }

    #[test]
    fn invalid_input_is_classed_as_bad_user_input() {
        assert_eq!(DomainError::invalid("x", "y").code(), "BAD_USER_INPUT");
    }

    #[test]
    fn currency_mismatch_is_classed_as_bad_user_input() {
        let e = DomainError::CurrencyMismatch("EUR".into(), "USD".into());
        assert_eq!(e.code(), "BAD_USER_INPUT");
        assert_eq!(e.to_string(), "currency mismatch: EUR and USD");
        assert_eq!(e.field(), None);
    }

    #[test]
    fn overflow_is_classed_as_bad_user_input() {
        assert_eq!(DomainError::Overflow.code(), "BAD_USER_INPUT");
        assert_eq!(
            DomainError::Overflow.to_string(),
            "the amounts are too large to add up"
        );
    }

    #[test]
    fn an_invalid_transition_is_classed_as_conflict_and_reads_as_a_sentence() {
        let e = DomainError::transition("invoice", "paid", "void");
        assert_eq!(e.code(), "CONFLICT");
        assert_eq!(e.to_string(), "cannot void an invoice that is paid");
        let p = DomainError::transition("payment", "refunded", "refund");
        assert_eq!(p.to_string(), "cannot refund a payment that is refunded");
        assert_eq!(e.field(), None);
    }
}
