//! Stripe: Checkout Sessions for card payments, webhooks verified on the raw body with the
//! business's signing secret, refunds; and the mapping from Stripe's events to gateway events.

use portico_domain::Money;
use serde_json::Value;

use super::stripe_client::StripeClient;
use super::{BoxFuture, Gateway, Headers, Opened, WebhookError};
use crate::core::error::{AppError, AppResult};
use crate::core::scope::Scope;
use crate::core::state::AppState;
use crate::payments::{Channel, EventKind, GatewayEvent, PaymentAttempt};

pub struct Stripe;

/// This business's Stripe client, if it has credentials (and the server a secret key).
pub async fn client_for(state: &AppState, tenant_id: &str) -> AppResult<Option<StripeClient>> {
    let Some(creds) = state.store.gateway_credentials(tenant_id, "stripe").await? else {
        return Ok(None);
    };
    let Some(sealer) = state.secrets.as_ref() else {
        return Ok(None);
    };
    Ok(Some(StripeClient {
        api_base: state.config.stripe_api_base.clone(),
        secret_key: sealer
            .open(&creds.secret_key_enc)
            .map_err(AppError::Internal)?,
        webhook_secret: sealer
            .open(&creds.webhook_secret_enc)
            .map_err(AppError::Internal)?,
    }))
}

impl Gateway for Stripe {
    fn provider(&self) -> &'static str {
        "stripe"
    }

    fn channel(&self) -> Channel {
        Channel::Stripe
    }

    fn available<'a>(
        &'a self,
        state: &'a AppState,
        tenant_id: &'a str,
    ) -> BoxFuture<'a, AppResult<bool>> {
        Box::pin(async move { Ok(client_for(state, tenant_id).await?.is_some()) })
    }

    fn open<'a>(
        &'a self,
        state: &'a AppState,
        scope: &'a Scope,
        attempt: &'a PaymentAttempt,
    ) -> BoxFuture<'a, AppResult<Opened>> {
        Box::pin(async move {
            let not_configured = || {
                AppError::Conflict(
                    "card payments through Stripe are not configured for this business".into(),
                )
            };
            let client = client_for(state, &scope.tenant_id)
                .await?
                .ok_or_else(not_configured)?;
            let base = state.store.tenant_url(&scope.tenant_slug).await;
            let return_url = format!("{base}/pay/return/{}", attempt.id.to_global().0);
            let description = format!("Payment {} to {}", attempt.reference, scope.tenant_slug);
            let created = client
                .create_session(attempt, &description, &return_url)
                .await;
            crate::payments::health::observe(state, &scope.tenant_id, "stripe", &created).await;
            match created {
                Ok((session_id, url)) => Ok(Opened {
                    gateway_ref: Some(session_id),
                    redirect_url: Some(url),
                    bank_details: None,
                }),
                Err(e) => {
                    tracing::error!(error = %e, attempt = %attempt.id, "creating a Stripe Checkout Session failed");
                    super::opening_failed(
                        state,
                        &scope.tenant_id,
                        attempt,
                        "checkout-failed",
                        "the card payment page could not be opened; try again or pay by bank transfer",
                    )
                    .await?;
                    Err(AppError::Conflict(
                        "the card payment page could not be opened; try again shortly".into(),
                    ))
                }
            }
        })
    }

    fn webhook<'a>(
        &'a self,
        state: &'a AppState,
        tenant_id: &'a str,
        headers: Headers<'a>,
        body: &'a [u8],
    ) -> BoxFuture<'a, Result<GatewayEvent, WebhookError>> {
        Box::pin(async move {
            let client = match client_for(state, tenant_id).await {
                Ok(Some(c)) => c,
                Ok(None) => return Err(WebhookError::NotFound("stripe is not configured")),
                Err(e) => return Err(WebhookError::Unavailable(e.to_string())),
            };
            let signature = headers("stripe-signature").unwrap_or_default();
            let now = state.store.clock().now_secs();
            client
                .parse_webhook(&signature, body, now)
                .map_err(|e| WebhookError::Refused(e.to_string()))
        })
    }

    fn probe<'a>(
        &'a self,
        state: &'a AppState,
        tenant_id: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            match client_for(state, tenant_id).await? {
                Some(client) => client.probe().await,
                None => Ok(()),
            }
        })
    }

    fn refund<'a>(
        &'a self,
        state: &'a AppState,
        scope: &'a Scope,
        attempt: &'a PaymentAttempt,
        amount: Money,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, AppResult<()>> {
        Box::pin(async move {
            let client = client_for(state, &scope.tenant_id)
                .await?
                .ok_or_else(|| AppError::Conflict("Stripe is not configured".into()))?;
            let refunded = client.refund(attempt, amount, idempotency_key).await;
            crate::payments::health::observe(state, &scope.tenant_id, "stripe", &refunded).await;
            if let Err(e) = refunded {
                tracing::error!(error = %e, "Stripe refund failed");
                return Err(AppError::Conflict(
                    "Stripe did not accept the refund; nothing was recorded".into(),
                ));
            }
            Ok(())
        })
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
