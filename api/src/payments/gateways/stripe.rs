//! Stripe at the boundary: the webhook endpoint (`/webhooks/stripe/{tenant}`: signature verified
//! on the raw body with the tenant's signing secret, then the event mapped and applied through the
//! exactly-once pipeline) and the mapping from Stripe events to gateway events.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::Value;

use crate::core::state::AppState;
use crate::payments::EventKind;
use crate::payments::EventOutcome;
use crate::payments::GatewayEvent;

pub const MAX_WEBHOOK_BYTES: usize = 64 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/webhooks/stripe/{tenant}",
        post(webhook).layer(DefaultBodyLimit::max(MAX_WEBHOOK_BYTES)),
    )
}

fn text(status: StatusCode, message: &'static str) -> Response {
    (status, message).into_response()
}

async fn webhook(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let store = &state.store;
    let tenant = match store.tenant_by_slug(&slug).await {
        Ok(Some(t)) => t,
        Ok(None) => return text(StatusCode::NOT_FOUND, "unknown tenant"),
        Err(e) => {
            tracing::error!(error = %e, "a webhook arrived while the database is unavailable");
            return crate::core::forms::unavailable();
        }
    };
    let gateway = match crate::payments::stripe_for(&state, &tenant.id).await {
        Ok(Some(g)) => g,
        Ok(None) => return text(StatusCode::NOT_FOUND, "stripe is not configured"),
        Err(e) => {
            tracing::error!(error = %e, "loading stripe credentials failed");
            return text(StatusCode::SERVICE_UNAVAILABLE, "unavailable");
        }
    };
    let header = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let now = chrono::Utc::now().timestamp();
    let event = match super::stripe_events::Gateway::parse_webhook(&gateway, header, &body, now) {
        Ok(e) => e,
        Err(e) => {
            tracing::warn!(tenant = %tenant.slug, error = %e, "stripe webhook refused");
            return text(StatusCode::BAD_REQUEST, "invalid webhook");
        }
    };
    match crate::payments::apply(&state, &tenant.id, &event).await {
        Ok(EventOutcome::Duplicate) => (StatusCode::OK, "duplicate").into_response(),
        Ok(EventOutcome::Ignored { reason, .. }) => (StatusCode::OK, reason).into_response(),
        Ok(EventOutcome::Applied { .. }) => (StatusCode::OK, "applied").into_response(),
        // The ledger refuses it (e.g. a refund larger than the payment): nothing recorded; the
        // reason shows in Stripe's delivery log and in ours.
        Err(
            e @ (crate::core::error::AppError::Domain(_)
            | crate::core::error::AppError::BadInput { .. }),
        ) => {
            tracing::error!(error = %e, "stripe event cannot be applied");
            (StatusCode::UNPROCESSABLE_ENTITY, e.to_string()).into_response()
        }
        // Not recorded: Stripe retries later.
        Err(e) => {
            tracing::error!(error = %e, "stripe event failed");
            text(StatusCode::SERVICE_UNAVAILABLE, "retry later")
        }
    }
}

/// Maps a Stripe event to a gateway event; `None` if it is not shaped like one. Events we do
/// not act on map to `EventKind::Other` (recorded, so a redelivery is a duplicate).
pub fn map_event(json: &Value) -> Option<GatewayEvent> {
    let id = json.get("id")?.as_str()?.to_owned();
    let kind = json.get("type")?.as_str()?.to_owned();
    let object = json.get("data")?.get("object")?;
    let attempt_id = object
        .pointer("/metadata/attempt_id")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let object_id = object.get("id").and_then(Value::as_str).map(str::to_owned);
    let int = |k: &str| object.get(k).and_then(Value::as_i64);
    let currency = object
        .get("currency")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let payment_ref = object
        .get("payment_intent")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let (gateway_ref, event_kind) = match kind.as_str() {
        "checkout.session.completed" => {
            let paid = object.get("payment_status").and_then(Value::as_str) == Some("paid");
            let k = if paid {
                EventKind::Succeeded {
                    amount_minor: int("amount_total"),
                    received_on: None,
                    currency: currency.clone(),
                }
            } else {
                EventKind::Other
            };
            (object_id, k)
        }
        "checkout.session.async_payment_succeeded" => (
            object_id,
            EventKind::Succeeded {
                amount_minor: int("amount_total"),
                received_on: None,
                currency: currency.clone(),
            },
        ),
        "checkout.session.async_payment_failed" => (
            object_id,
            EventKind::Failed {
                reason: "the payment failed".into(),
            },
        ),
        "checkout.session.expired" => (
            object_id,
            EventKind::Failed {
                reason: "the checkout session expired".into(),
            },
        ),
        "payment_intent.payment_failed" => {
            let reason = object
                .pointer("/last_payment_error/message")
                .and_then(Value::as_str)
                .unwrap_or("the payment failed")
                .to_owned();
            (None, EventKind::Failed { reason })
        }
        "charge.refunded" => (
            None,
            EventKind::Refunded {
                amount_minor: int("amount_refunded")?,
            },
        ),
        "charge.dispute.created" => (
            None,
            EventKind::Disputed {
                amount_minor: int("amount")?,
                reason: object
                    .get("reason")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            },
        ),
        _ => (object_id, EventKind::Other),
    };
    Some(GatewayEvent {
        provider: "stripe".into(),
        event_id: id,
        event_type: kind,
        attempt_id,
        gateway_ref,
        gateway_payment_ref: payment_ref,
        kind: event_kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(kind: &str, object: Value) -> Value {
        json!({ "id": "evt_1", "object": "event", "type": kind, "data": { "object": object } })
    }

    #[test]
    fn a_paid_checkout_session_is_a_success_with_its_amount() {
        let e = map_event(&event(
            "checkout.session.completed",
            json!({ "id": "cs_1", "payment_status": "paid", "amount_total": 1250, "metadata": { "attempt_id": "a1" } }),
        ));
        let e = e.expect("event");
        assert_eq!(
            (e.attempt_id.as_deref(), e.gateway_ref.as_deref()),
            (Some("a1"), Some("cs_1"))
        );
        assert!(matches!(
            e.kind,
            EventKind::Succeeded {
                amount_minor: Some(1250),
                ..
            }
        ));
    }

    #[test]
    fn unpaid_sessions_failures_refunds_and_disputes_map_to_their_kinds() {
        let unpaid = map_event(&event(
            "checkout.session.completed",
            json!({ "id": "cs", "payment_status": "unpaid" }),
        ))
        .expect("e");
        assert!(matches!(unpaid.kind, EventKind::Other));
        let failed = map_event(&event("payment_intent.payment_failed", json!({ "id": "pi", "metadata": { "attempt_id": "a" }, "last_payment_error": { "message": "Your card was declined." } }))).expect("e");
        assert!(
            matches!(failed.kind, EventKind::Failed { ref reason } if reason == "Your card was declined.")
        );
        let refund = map_event(&event(
            "charge.refunded",
            json!({ "id": "ch", "amount_refunded": 500, "metadata": { "attempt_id": "a" } }),
        ))
        .expect("e");
        assert!(matches!(
            refund.kind,
            EventKind::Refunded { amount_minor: 500 }
        ));
        let dispute = map_event(&event("charge.dispute.created", json!({ "id": "dp", "amount": 700, "reason": "fraudulent", "metadata": { "attempt_id": "a" } }))).expect("e");
        assert!(matches!(
            dispute.kind,
            EventKind::Disputed {
                amount_minor: 700,
                ..
            }
        ));
        assert!(map_event(&json!({ "hello": "world" })).is_none());
    }
}
