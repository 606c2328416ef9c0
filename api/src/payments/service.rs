//! Online payments at the boundary: starting an attempt with a channel (Stripe Checkout, bank
//! transfer instructions, the local demo gateway) and applying what a gateway reports through the
//! store's exactly-once pipeline, then publishing the events subscribers watch.

use crate::core::error::{AppError, AppResult};
use crate::core::events::Event;
use crate::core::scope::Scope;
use crate::core::state::AppState;
use crate::payments::Channel;
use crate::payments::EventOutcome;
use crate::payments::GatewayEvent;
use crate::payments::PaymentAttempt;

/// What the client does next after starting a payment.
#[derive(Debug, Clone)]
pub struct Started {
    pub attempt: PaymentAttempt,
    /// Where to send the browser (a hosted payment page).
    pub redirect_url: Option<String>,
    /// For bank transfers: the tenant's bank details and the reference to quote.
    pub bank_details: Option<String>,
}

pub async fn start(
    shared: &AppState,
    scope: &Scope,
    invoice_ids: Option<Vec<String>>,
    amount: Option<&str>,
    channel: Channel,
) -> AppResult<Started> {
    if channel == Channel::Demo && !shared.config.demo_gateway {
        return Err(AppError::Conflict(
            "the demo gateway is off on this server (PORTICO_DEMO_GATEWAY)".into(),
        ));
    }
    let store = &shared.store;
    let attempt = store
        .create_attempt(scope, invoice_ids, amount, channel)
        .await?;
    let base = shared.config.base_url.trim_end_matches('/');
    let started = match channel {
        Channel::Demo => {
            let (token, _) = crate::core::tokens::generate_with("pd", &scope.tenant_id);
            store
                .set_attempt_gateway_ref(&scope.tenant_id, &attempt.id, &token)
                .await?;
            let url = format!("{base}/{}/pay/demo/{token}", scope.tenant_slug);
            Started {
                attempt,
                redirect_url: Some(url),
                bank_details: None,
            }
        }
        Channel::BankTransfer => {
            let settings = store.payment_settings(&scope.tenant_id).await?;
            let details = settings
                .bank_details
                .unwrap_or_else(|| "Ask us for our bank details.".into());
            Started {
                attempt,
                redirect_url: None,
                bank_details: Some(details),
            }
        }
        Channel::Stripe => {
            let not_configured = || {
                AppError::Conflict(
                    "card payments through Stripe are not configured for this business".into(),
                )
            };
            let creds = store
                .gateway_credentials(&scope.tenant_id, "stripe")
                .await?
                .ok_or_else(not_configured)?;
            let sealer = shared.secrets.as_ref().ok_or_else(not_configured)?;
            let secret_key = sealer
                .open(&creds.secret_key_enc)
                .map_err(AppError::Internal)?;
            let return_url = format!(
                "{base}/{}/pay/return/{}",
                scope.tenant_slug,
                crate::core::ids::encode("PaymentAttempt", &attempt.id).0
            );
            let description = format!("Payment {} to {}", attempt.reference, scope.tenant_slug);
            let gateway = crate::payments::gateways::stripe_events::StripeGateway {
                api_base: shared.config.stripe_api_base.clone(),
                secret_key,
                webhook_secret: String::new(),
            };
            let created = crate::payments::gateways::stripe_events::Gateway::create_session(
                &gateway,
                &attempt,
                &description,
                &return_url,
            )
            .await;
            let (session_id, url) = match created {
                Ok(c) => c,
                Err(e) => {
                    tracing::error!(error = %e, attempt = %attempt.id, "creating a Stripe Checkout Session failed");
                    let event = GatewayEvent {
                        provider: "portico".into(),
                        event_id: format!("checkout-failed-{}", attempt.id),
                        event_type: "checkout.create_failed".into(),
                        attempt_id: Some(attempt.id.clone()),
                        gateway_ref: None,
                        gateway_payment_ref: None,
                        kind: crate::payments::EventKind::Failed { reason: "the card payment page could not be opened; try again or pay by bank transfer".into() },
                    };
                    apply(shared, &scope.tenant_id, &event).await?;
                    return Err(AppError::Conflict(
                        "the card payment page could not be opened; try again shortly".into(),
                    ));
                }
            };
            store
                .set_attempt_gateway_ref(&scope.tenant_id, &attempt.id, &session_id)
                .await?;
            Started {
                attempt,
                redirect_url: Some(url),
                bank_details: None,
            }
        }
    };
    publish_attempt(shared, &scope.tenant_id, &started.attempt).await;
    Ok(started)
}

/// How often an event is re-applied when a concurrent change to the same invoices won the race
/// (the transaction rolled back, so nothing was recorded; the next try reads fresh balances).
const CONFLICT_RETRIES: usize = 5;

/// Applies a verified gateway event and publishes what changed.
pub async fn apply(
    shared: &AppState,
    tenant_id: &str,
    event: &GatewayEvent,
) -> AppResult<EventOutcome> {
    let mut tries = 0;
    let outcome = loop {
        match shared.store.apply_gateway_event(tenant_id, event).await {
            Err(AppError::Conflict(_)) if tries < CONFLICT_RETRIES => tries += 1,
            other => break other?,
        }
    };
    if let EventOutcome::Applied {
        attempt,
        payment,
        invoices,
    } = &outcome
    {
        publish_attempt(shared, tenant_id, attempt).await;
        if let Some(p) = payment {
            let action = if matches!(event.kind, crate::payments::EventKind::Refunded { .. }) {
                "refunded"
            } else {
                "recorded"
            };
            shared
                .bus
                .publish(Event::payment(tenant_id, p, action))
                .await;
        }
        for inv in invoices {
            shared
                .bus
                .publish(Event::invoice(tenant_id, inv, inv.status.as_str()))
                .await;
        }
        shared.mail_wake.notify_one();
    }
    Ok(outcome)
}

/// Publishes an attempt's current status (`paymentStatus` subscribers).
pub async fn publish_attempt(shared: &AppState, tenant_id: &str, a: &PaymentAttempt) {
    shared.bus.publish(Event::attempt(tenant_id, a)).await;
}

/// The Stripe gateway of a tenant, if it has credentials.
pub async fn stripe_for(
    shared: &AppState,
    tenant_id: &str,
) -> AppResult<Option<crate::payments::gateways::stripe_events::StripeGateway>> {
    let Some(creds) = shared
        .store
        .gateway_credentials(tenant_id, "stripe")
        .await?
    else {
        return Ok(None);
    };
    let Some(sealer) = shared.secrets.as_ref() else {
        return Ok(None);
    };
    Ok(Some(
        crate::payments::gateways::stripe_events::StripeGateway {
            api_base: shared.config.stripe_api_base.clone(),
            secret_key: sealer
                .open(&creds.secret_key_enc)
                .map_err(AppError::Internal)?,
            webhook_secret: sealer
                .open(&creds.webhook_secret_enc)
                .map_err(AppError::Internal)?,
        },
    ))
}

/// Refunds a payment: when it came through Stripe, Stripe refunds it first (idempotently), then
/// the ledger records it (Stripe's later `charge.refunded` then finds nothing new to record).
pub async fn refund(
    shared: &AppState,
    scope: &Scope,
    payment_id: &str,
    amount: portico_domain::Money,
    reason: Option<String>,
    today: chrono::NaiveDate,
) -> AppResult<(crate::payments::Payment, Vec<crate::invoicing::Invoice>)> {
    scope.require_refunds()?;
    let store = &shared.store;
    if let Some(attempt) = store.attempt_for_payment(scope, payment_id).await? {
        if attempt.channel == Channel::Stripe {
            let payment = store
                .payment(scope, payment_id)
                .await?
                .ok_or(AppError::NotFound("payment"))?;
            let gateway = stripe_for(shared, &scope.tenant_id)
                .await?
                .ok_or_else(|| AppError::Conflict("Stripe is not configured".into()))?;
            let key = format!(
                "portico-refund-{payment_id}-{}-{}",
                payment.refunded.minor, amount.minor
            );
            if let Err(e) = crate::payments::gateways::stripe_events::Gateway::refund(
                &gateway, &attempt, amount, &key,
            )
            .await
            {
                tracing::error!(error = %e, "Stripe refund failed");
                return Err(AppError::Conflict(
                    "Stripe did not accept the refund; nothing was recorded".into(),
                ));
            }
        }
    }
    let (payment, invoices) = store
        .refund_payment(scope, payment_id, amount, reason, today)
        .await?;
    shared
        .bus
        .publish(Event::payment(&scope.tenant_id, &payment, "refunded"))
        .await;
    Ok((payment, invoices))
}

impl Event {
    /// A payment was recorded, allocated or refunded: its amount.
    pub fn payment(tenant_id: &str, p: &crate::payments::Payment, action: &str) -> Event {
        Event {
            id: crate::core::db::new_id(),
            tenant_id: tenant_id.to_owned(),
            client_id: p.client_id.clone(),
            topic: crate::core::events::Topic::Payment,
            action: action.to_owned(),
            subject_id: p.id.clone(),
            status: None,
            amount_minor: Some(p.amount.minor),
            currency: Some(p.amount.currency.code().to_owned()),
            at: crate::core::db::now_ms(),
        }
    }
}
