//! PassimPay: cryptocurrency payments on PassimPay's hosted page, with the amount fixed in the
//! invoice's currency (the payer picks the coin there).
//!
//! PassimPay's callbacks carry no event id and no time, so a callback is only a trigger: once its
//! signature verifies, PassimPay is asked for the order's status, and only `paid` (with the
//! amount PassimPay reports) makes the attempt succeed. Event ids follow the order's state
//! (`order-paid:{order}`, `order-error:{order}`), so however many callbacks, checks and instances
//! see an order paid, it is applied once; a callback while the order still waits is recorded as
//! `callback:{order}:{txhash}`. A check per attempt (`payments::checks`) asks PassimPay again
//! with backoff, so a lost callback loses no payment. PassimPay has no refund API: staff record
//! refunds of crypto payments as manual refunds.

use super::passimpay_client::{verify, Callback, OrderStatus, PassimpayClient};
use super::{BoxFuture, Gateway, Headers, Opened, WebhookError};
use crate::core::error::{AppError, AppResult};
use crate::core::scope::Scope;
use crate::core::state::AppState;
use crate::payments::health;
use crate::payments::{Channel, EventKind, GatewayEvent, PaymentAttempt};

pub struct Passimpay;

/// The provider's name (`/webhooks/passimpay/{tenant}`, credentials, health).
pub const PROVIDER: &str = "passimpay";

/// This business's PassimPay client, if it has credentials (and the server a secret key). The
/// platform id is kept in the credentials' second field.
pub async fn client_for(state: &AppState, tenant_id: &str) -> AppResult<Option<PassimpayClient>> {
    let Some(creds) = state.store.gateway_credentials(tenant_id, PROVIDER).await? else {
        return Ok(None);
    };
    let Some(sealer) = state.secrets.as_ref() else {
        return Ok(None);
    };
    let platform_id = sealer
        .open(&creds.webhook_secret_enc)
        .map_err(AppError::Internal)?
        .parse::<i64>()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("stored PassimPay platform id: {e}")))?;
    Ok(Some(PassimpayClient {
        api_base: state.config.passimpay_api_base.clone(),
        platform_id,
        secret: sealer
            .open(&creds.secret_key_enc)
            .map_err(AppError::Internal)?,
    }))
}

/// The gateway event for what PassimPay says of an attempt's order; `None` while it waits.
pub fn event_for(attempt: &PaymentAttempt, status: &OrderStatus) -> Option<GatewayEvent> {
    let order = attempt.id.to_string();
    let (event_id, event_type, kind) = match status {
        OrderStatus::Paid { amount_minor } => (
            format!("order-paid:{order}"),
            "order.paid",
            EventKind::Succeeded {
                amount_minor: *amount_minor,
                received_on: None,
                currency: Some(attempt.amount.currency.code().to_owned()),
            },
        ),
        OrderStatus::Failed => (
            format!("order-error:{order}"),
            "order.error",
            EventKind::Failed {
                reason: "the crypto payment expired or was cancelled".into(),
            },
        ),
        OrderStatus::Waiting => return None,
    };
    Some(GatewayEvent {
        provider: PROVIDER.into(),
        event_id,
        event_type: event_type.into(),
        attempt_id: Some(order.clone()),
        gateway_ref: Some(order),
        gateway_payment_ref: None,
        kind,
    })
}

/// Asks PassimPay for the attempt's order (recording the gateway's health): the event to apply,
/// or `None` while the order waits.
pub async fn check(
    state: &AppState,
    client: &PassimpayClient,
    tenant_id: &str,
    attempt: &PaymentAttempt,
) -> anyhow::Result<Option<GatewayEvent>> {
    let status = client
        .order_status(&attempt.id, attempt.amount.currency.exponent())
        .await;
    health::observe(state, tenant_id, PROVIDER, &status).await;
    Ok(event_for(attempt, &status?))
}

impl Gateway for Passimpay {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn channel(&self) -> Channel {
        Channel::Crypto
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
            let client = client_for(state, &scope.tenant_id).await?.ok_or_else(|| {
                AppError::Conflict(
                    "crypto payments through PassimPay are not configured for this business".into(),
                )
            })?;
            let payer = match &scope.contact_id {
                Some(id) => state.store.contact(scope, id).await?,
                None => None,
            };
            let created = client
                .create_order(
                    &attempt.id,
                    attempt.amount,
                    payer.as_ref().map(|c| (c.name.as_str(), c.email.as_str())),
                )
                .await;
            health::observe(state, &scope.tenant_id, PROVIDER, &created).await;
            match created {
                Ok(url) => {
                    state
                        .store
                        .schedule_gateway_check(&scope.tenant_id, &attempt.id, PROVIDER)
                        .await?;
                    Ok(Opened {
                        gateway_ref: Some(attempt.id.to_string()),
                        redirect_url: Some(url),
                        bank_details: None,
                    })
                }
                Err(e) => {
                    tracing::error!(error = %e, attempt = %attempt.id, "creating a PassimPay order failed");
                    super::opening_failed(
                        state,
                        &scope.tenant_id,
                        attempt,
                        "passimpay-order-failed",
                        "the crypto payment page could not be opened; try again or choose another method",
                    )
                    .await?;
                    Err(AppError::Conflict(
                        "the crypto payment page could not be opened; try again shortly or choose another method".into(),
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
                Ok(None) => return Err(WebhookError::NotFound("passimpay is not configured")),
                Err(e) => return Err(WebhookError::Unavailable(e.to_string())),
            };
            let signature = headers("x-signature").unwrap_or_default();
            if !verify(client.platform_id, &client.secret, body, &signature) {
                return Err(WebhookError::Refused("invalid signature".into()));
            }
            let json: serde_json::Value = serde_json::from_slice(body)
                .map_err(|_| WebhookError::Refused("not JSON".into()))?;
            let platform = match &json["platformId"] {
                serde_json::Value::Number(n) => n.as_i64(),
                serde_json::Value::String(s) => s.trim().parse().ok(),
                _ => None,
            };
            if platform != Some(client.platform_id) {
                return Err(WebhookError::Refused("another platform".into()));
            }
            let callback: Callback = serde_json::from_value(json)
                .map_err(|_| WebhookError::Refused("not a PassimPay callback".into()))?;
            let attempt = match state
                .store
                .attempt_by_id(tenant_id, &callback.order_id)
                .await
            {
                Ok(Some(a)) if a.channel == Channel::Crypto => a,
                Ok(_) => return Err(WebhookError::NotFound("no such crypto payment")),
                Err(e) => return Err(WebhookError::Unavailable(e.to_string())),
            };
            match check(state, &client, tenant_id, &attempt).await {
                Ok(Some(event)) => Ok(event),
                Ok(None) => Ok(GatewayEvent {
                    provider: PROVIDER.into(),
                    event_id: format!(
                        "callback:{}:{}",
                        callback.order_id,
                        callback.txhash.as_deref().unwrap_or("-")
                    ),
                    event_type: "callback.waiting".into(),
                    attempt_id: Some(attempt.id.to_string()),
                    gateway_ref: None,
                    gateway_payment_ref: None,
                    kind: EventKind::Other,
                }),
                // PassimPay retries (twice), and the attempt's check asks again anyway.
                Err(e) => Err(WebhookError::Unavailable(format!(
                    "asking PassimPay for the order's status: {e:#}"
                ))),
            }
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
        _state: &'a AppState,
        _scope: &'a Scope,
        _attempt: &'a PaymentAttempt,
        _amount: portico_domain::Money,
        _idempotency_key: &'a str,
    ) -> BoxFuture<'a, AppResult<()>> {
        // PassimPay has no refund API: the coins go back outside Portico, and the ledger records
        // the refund staff enter.
        Box::pin(async { Ok(()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ids::{AttemptId, ClientId};
    use portico_domain::{AttemptStatus, Currency, Money};

    fn attempt() -> PaymentAttempt {
        PaymentAttempt {
            id: AttemptId::from_raw("att-1".to_owned()),
            client_id: ClientId::from_raw("c".to_owned()),
            contact_id: None,
            channel: Channel::Crypto,
            amount: Money::new(1250, Currency::parse("EUR").expect("EUR")),
            invoice_ids: Vec::new(),
            status: AttemptStatus::Processing,
            gateway_ref: Some("att-1".into()),
            gateway_payment_ref: None,
            idempotency_key: "k".into(),
            reference: "r".into(),
            failure_reason: None,
            payment_id: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn event_ids_follow_the_order_not_the_callback() {
        let a = attempt();
        let paid = event_for(
            &a,
            &OrderStatus::Paid {
                amount_minor: Some(1250),
            },
        )
        .expect("paid");
        assert_eq!(paid.event_id, "order-paid:att-1");
        assert!(matches!(
            paid.kind,
            EventKind::Succeeded { amount_minor: Some(1250), currency: Some(ref c), .. } if c == "EUR"
        ));
        let failed = event_for(&a, &OrderStatus::Failed).expect("failed");
        assert_eq!(failed.event_id, "order-error:att-1");
        assert!(matches!(failed.kind, EventKind::Failed { .. }));
        assert!(event_for(&a, &OrderStatus::Waiting).is_none());
    }
}
