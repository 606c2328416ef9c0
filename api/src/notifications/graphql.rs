//! GraphQL types of notifications.

use async_graphql::{SimpleObject, ID};

use crate::core::ids;

#[derive(SimpleObject)]
pub struct Notification {
    pub id: ID,
    /// e.g. `invoice.viewed`, `estimate.accepted`, `message.posted`, `payment.received`.
    pub kind: String,
    /// The notification as an English sentence.
    pub message: String,
    pub subject_id: Option<String>,
    /// What it is about as a JSON object (numbers, names, amounts with their currency), for
    /// saying it in another language.
    pub params: String,
    /// The global id of what it is about (an `Invoice`, `Estimate`, `Thread` or `Payment`), when
    /// there is one to open.
    pub subject: Option<ID>,
    pub created_at: i64,
    pub read: bool,
}

impl From<crate::notifications::Notification> for Notification {
    fn from(n: crate::notifications::Notification) -> Self {
        let kind = match n.kind.as_str() {
            "invoice.viewed" | "credit.used" => Some(crate::core::ids::InvoiceId::KIND),
            "estimate.accepted" | "estimate.rejected" => Some("Estimate"),
            "message.posted" => Some("Thread"),
            "payment.received" | "payment.refunded" => Some(crate::core::ids::PaymentId::KIND),
            _ => None,
        };
        Notification {
            id: ids::encode("Notification", &n.id),
            subject: kind
                .zip(n.subject_id.as_deref())
                .map(|(k, id)| ids::encode(k, id)),
            kind: n.kind,
            message: n.message,
            subject_id: n.subject_id,
            params: n.params,
            created_at: n.created_at,
            read: n.read_at.is_some(),
        }
    }
}
