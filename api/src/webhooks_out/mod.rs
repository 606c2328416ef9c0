//! Webhooks for partners (accounting systems, ERPs): a business registers endpoints with the
//! event types they want (`endpoints`); every change that means an event queues one delivery per
//! endpoint in its own transaction (`core::partner_events`); the sender (`deliver`, on the job
//! runner) posts each as the Standard Webhooks specification says (`signature`), only to public
//! addresses (`target`), retrying on a fixed schedule, with a delivery log per endpoint.

pub mod deliver;
pub mod demo_receiver;
pub mod endpoints;
pub mod graphql;
pub mod signature;
pub mod target;

use std::future::Future;
use std::pin::Pin;

use crate::core::state::AppState;

/// Renders the object of an event as the API shows it (the GraphQL layer does, through the
/// schema, as a partner of the business would read it).
pub trait Render: Send + Sync {
    fn render<'a>(
        &'a self,
        state: &'a AppState,
        tenant_id: &'a str,
        kind: &'a str,
        id: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<serde_json::Value, String>> + Send + 'a>>;
}
