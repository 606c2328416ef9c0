//! Partner events: what a business's webhook endpoints are told of. An event is queued for every
//! endpoint that wants it inside the transaction of the change itself, so
//! a committed change always has its deliveries and a rolled-back one never does, and the unique
//! key `(endpoint, event)` makes a second queueing impossible on any number of instances. Most
//! events come from audit entries ([`for_audit`], called by `audit::record`); the ledger adds
//! `invoice.paid` and `invoice.updated` as balances change, threads `message.posted`. The
//! `webhooks_out` area owns the endpoints and sends the deliveries.

use crate::core::db::new_id;
use crate::core::db::Tx;
use crate::core::error::AppResult;

/// Every event type a partner can ask for, as it appears in payloads.
pub const TYPES: [&str; 17] = [
    "invoice.issued",
    "invoice.updated",
    "invoice.paid",
    "invoice.voided",
    "payment.succeeded",
    "payment.failed",
    "payment.refunded",
    "estimate.accepted",
    "estimate.rejected",
    "credit_note.issued",
    "credit_note.applied",
    "client.created",
    "client.updated",
    "contact.created",
    "contact.updated",
    "message.posted",
    "webhook.test",
];

/// The partner event an audit entry means, with the kind of object it is about.
fn of_audit(action: &str) -> Option<(&'static str, &'static str)> {
    Some(match action {
        "invoice.issued" => ("invoice.issued", "invoice"),
        "invoice.updated" => ("invoice.updated", "invoice"),
        "invoice.voided" => ("invoice.voided", "invoice"),
        "payment.recorded" => ("payment.succeeded", "payment"),
        "payment.attempt_failed" => ("payment.failed", "payment_attempt"),
        "payment.refunded" => ("payment.refunded", "payment"),
        "estimate.accepted" => ("estimate.accepted", "estimate"),
        "estimate.rejected" => ("estimate.rejected", "estimate"),
        "credit_note.created" => ("credit_note.issued", "credit_note"),
        "credit_note.applied" => ("credit_note.applied", "credit_note"),
        "client.created" => ("client.created", "client"),
        "client.updated" | "client.billing_details_updated" => ("client.updated", "client"),
        "contact.created" => ("contact.created", "contact"),
        "contact.updated" | "contact.disabled" => ("contact.updated", "contact"),
        _ => return None,
    })
}

/// Queues the partner event an audit entry means, if any.
pub(crate) async fn for_audit(
    tx: &mut Tx,
    tenant_id: &str,
    action: &str,
    subject_id: &str,
) -> AppResult<()> {
    match of_audit(action) {
        Some((event_type, kind)) => emit(tx, tenant_id, event_type, kind, subject_id).await,
        None => Ok(()),
    }
}

/// Queues `event_type` about an object for every enabled endpoint of the business that wants it.
pub(crate) async fn emit(
    tx: &mut Tx,
    tenant_id: &str,
    event_type: &str,
    object_kind: &str,
    object_id: &str,
) -> AppResult<()> {
    let endpoints = tx
        .fetch_all(
            sqlx::query(
                "SELECT id FROM webhook_endpoints WHERE tenant_id = $1 AND enabled = 1 \
                 AND (event_types = '*' OR event_types LIKE $2)",
            )
            .bind(tenant_id.to_owned())
            .bind(format!("%,{event_type},%")),
        )
        .await?;
    if endpoints.is_empty() {
        return Ok(());
    }
    let now = tx.now_ms();
    let event_id = format!("evt_{}", new_id().replace('-', ""));
    for e in &endpoints {
        tx.execute(
            sqlx::query(
                "INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, event_type, object_kind, object_id, \
                 status, next_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $8)",
            )
            .bind(new_id())
            .bind(tenant_id.to_owned())
            .bind(crate::core::db::rows::text(e, "id")?)
            .bind(event_id.clone())
            .bind(event_type.to_owned())
            .bind(object_kind.to_owned())
            .bind(object_id.to_owned())
            .bind(now),
        )
        .await?;
    }
    tx.queued_webhooks();
    Ok(())
}

/// The Standard Webhooks message id (`webhook-id`) of a delivery: the same on every try.
pub fn message_id(delivery_id: &str) -> String {
    format!("msg_{}", delivery_id.replace('-', ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mapped_action_is_a_known_type() {
        for action in [
            "invoice.issued",
            "invoice.updated",
            "invoice.voided",
            "payment.recorded",
            "payment.attempt_failed",
            "payment.refunded",
            "estimate.accepted",
            "estimate.rejected",
            "credit_note.created",
            "credit_note.applied",
            "client.created",
            "client.updated",
            "contact.created",
            "contact.disabled",
        ] {
            let (t, _) = of_audit(action).expect(action);
            assert!(TYPES.contains(&t), "{t}");
        }
        assert!(of_audit("invoice.viewed").is_none());
        assert!(of_audit("session.created").is_none());
    }
}
