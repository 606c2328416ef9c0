//! Payments: attempts at a gateway's hosted page, the one exactly-once pipeline that applies a
//! gateway's events, payments recorded by staff with their allocations and refunds, the
//! business's payment settings, the gateways themselves (`gateways/`), their health (`health`)
//! and the reconciliation of payments confirmed by asking the gateway (`checks`).

pub mod attempts;
pub mod checks;
pub mod events;
pub mod gateways;
pub mod graphql;
pub mod health;
pub mod ledger;
pub mod mail;
pub mod routes;
pub mod service;
pub mod settings;

pub use attempts::{Channel, PaymentAttempt};
pub use events::{EventKind, EventOutcome, GatewayEvent};
pub use ledger::{AllocationRow, NewPayment, Payment, Refund};
pub use service::{apply, publish_attempt, refund, start, Started};
pub use settings::{GatewayCredentials, PaymentSettings};
