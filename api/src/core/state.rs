//! What every request and worker shares: the store, the event bus, configuration, the mail
//! worker's wake-up, the secret box and the passkey relying party.

use std::sync::Arc;

use crate::core::config::Config;
use crate::core::db::Store;
use crate::core::events::EventBus;
use crate::core::secrets::SecretBox;

/// The application's state, handed to GraphQL (schema data), the routes and the workers.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub bus: EventBus,
    pub config: Arc<Config>,
    pub mail_wake: Arc<tokio::sync::Notify>,
    /// Encrypts gateway credentials at rest; `None` without `PORTICO_SECRET_KEY`.
    pub secrets: Option<SecretBox>,
    /// The passkey relying party (built from `PORTICO_BASE_URL`).
    pub webauthn: Option<Arc<webauthn_rs::Webauthn>>,
    /// Sends mail at once where nothing may wait in the outbox (public sign-up's link).
    pub mailer: crate::core::mail::Mailer,
}
