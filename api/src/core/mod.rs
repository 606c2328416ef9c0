//! What every area stands on and that knows no area: configuration, errors, the caller's scope,
//! the database and its transactions, ids, audit, the outbox and notifications, the event bus,
//! mail, tokens and secrets, time zones, and the helpers of the few form-post routes.

pub mod audit;
pub mod client_ip;
pub mod clock;
pub mod config;
pub mod db;
pub mod error;
pub mod events;
pub mod forms;
pub mod ids;
pub mod jobs;
pub mod mail;
pub mod notify;
pub mod outbox;
pub mod pagination;
pub mod partner_events;
pub mod scope;
pub mod secrets;
pub mod sites;
pub mod state;
pub mod storage;
pub mod time_zone;
pub mod tokens;
