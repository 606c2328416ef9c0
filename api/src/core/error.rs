//! Error policy. Inside the request path errors are typed (`AppError`) and carry a stable code that
//! GraphQL exposes as `extensions.code`; internal causes are logged with an id and never shown to
//! callers. Outside the request path (start-up, CLI) `anyhow` is used.

use portico_domain::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("authentication required")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{message}")]
    BadInput { field: String, message: String },
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Domain(#[from] DomainError),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::BadInput {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        AppError::Forbidden(message.into())
    }

    /// The stable class code (`extensions.code`).
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "UNAUTHENTICATED",
            AppError::Forbidden(_) => "FORBIDDEN",
            AppError::NotFound(_) => "NOT_FOUND",
            AppError::BadInput { .. } => "BAD_USER_INPUT",
            AppError::Conflict(_) => "CONFLICT",
            AppError::Domain(e) => e.code(),
            AppError::Internal(_) => "INTERNAL",
        }
    }

    /// A finer reason where one helps clients (e.g. `INVALID_TRANSITION`).
    pub fn reason(&self) -> Option<&'static str> {
        match self {
            AppError::Domain(DomainError::InvalidTransition { .. }) => Some("INVALID_TRANSITION"),
            AppError::Domain(DomainError::CurrencyMismatch(..)) => Some("CURRENCY_MISMATCH"),
            AppError::Domain(DomainError::Overflow) => Some("OVERFLOW"),
            _ => None,
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::BadInput { field, .. } => Some(field),
            AppError::Domain(DomainError::Invalid { field, .. }) => Some(field),
            _ => None,
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            if db.is_unique_violation() {
                return AppError::Conflict(
                    "a record with the same unique value already exists".into(),
                );
            }
            // Lost a race (PostgreSQL serialization failure or deadlock, SQLite busy): the
            // transaction rolled back and can be retried.
            if matches!(
                db.code().as_deref(),
                Some("40001" | "40P01" | "5" | "517" | "6")
            ) {
                return AppError::Conflict("a concurrent change won; try again".into());
            }
            // A sum beyond 64 bits (PostgreSQL's numeric_value_out_of_range, SQLite's SUM): a
            // clean, coded refusal rather than an internal error. Amounts are bounded where they
            // enter (`MAX_AMOUNT_MINOR`), so this takes hundreds of thousands of maximal ones.
            if db.code().as_deref() == Some("22003") || db.message() == "integer overflow" {
                return AppError::Domain(DomainError::Overflow);
            }
            if db.is_check_violation() {
                return AppError::Conflict("the change would break a ledger invariant".into());
            }
        }
        AppError::Internal(e.into())
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        AppError::Internal(e)
    }
}

/// Gives a GraphQL error its `extensions.code` (and `reason`, `field`): errors raised as `AppError`
/// (resolvers use `?`, which keeps the `AppError` as the source) get their own code; an internal
/// error is logged with an id and shown only as that id; anything else (parse, validation, limits)
/// is the caller's bad input.
pub fn stamp_code(err: &mut async_graphql::ServerError) {
    let mut hidden = None;
    let app = err
        .source::<AppError>()
        .or_else(|| err.source::<std::sync::Arc<AppError>>().map(|a| a.as_ref()));
    let (code, reason, field) = match app {
        Some(app) => {
            if let AppError::Internal(cause) = app {
                let id = uuid::Uuid::now_v7();
                tracing::error!(error_id = %id, error = ?cause, "internal error");
                hidden = Some(format!("internal error (id {id})"));
            }
            (app.code(), app.reason(), app.field().map(str::to_owned))
        }
        None => match err.extensions.as_ref().and_then(|e| e.get("code")) {
            Some(_) => return,
            None => ("BAD_USER_INPUT", None, None),
        },
    };
    if let Some(message) = hidden {
        err.message = message;
    }
    let ext = err.extensions.get_or_insert_with(Default::default);
    ext.set("code", code);
    if let Some(r) = reason {
        ext.set("reason", r);
    }
    if let Some(f) = field {
        ext.set("field", f);
    }
}
