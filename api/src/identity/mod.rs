//! Identity: who signs in and how — staff and contacts, sessions, magic links, passkeys, API tokens
//! and the count of sign-in attempts. `routes.rs`, `link_routes.rs` and `passkeys.rs` are the
//! form-post and JSON routes of signing in; everything else is reached through GraphQL.

pub mod api_tokens;
pub mod attempts;
pub mod graphql;
pub mod link_routes;
pub mod mail;
pub mod onboarding;
pub mod passkey_repo;
pub mod passkeys;
pub mod relying_party;
pub mod routes;
pub mod service;
pub mod session_policy;
pub mod signup;
pub mod staff_security;

pub use api_tokens::{ApiToken, CreatedToken};
pub use passkey_repo::StoredPasskey;
pub use service::{
    anonymous, Client as LoginClient, LoginUser, SessionInfo, UserKind, MAGIC_LINK_MS,
    SESSION_ABSOLUTE_MS, SESSION_IDLE_MS,
};
