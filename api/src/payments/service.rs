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
    invoice_ids: Option<Vec<crate::core::ids::InvoiceId>>,
    amount: Option<&str>,
    channel: Channel,
) -> AppResult<Started> {
    let gateway = crate::payments::gateways::for_channel(channel);
    if channel == Channel::Demo && !shared.config.demo_gateway {
        return Err(AppError::Conflict(
            "the demo gateway is off on this server (PORTICO_DEMO_GATEWAY)".into(),
        ));
    }
    let down = shared.store.gateways_down(&scope.tenant_id).await?;
    if down.iter().any(|d| d.provider == gateway.provider()) {
        return Err(AppError::Conflict(
            "this payment method is temporarily unavailable; choose another method or try again later".into(),
        ));
    }
    let store = &shared.store;
    let attempt = store
        .create_attempt(scope, invoice_ids, amount, channel)
        .await?;
    let opened = gateway.open(shared, scope, &attempt).await?;
    if let Some(gateway_ref) = &opened.gateway_ref {
        store
            .set_attempt_gateway_ref(&scope.tenant_id, &attempt.id, gateway_ref)
            .await?;
    }
    let started = Started {
        attempt,
        redirect_url: opened.redirect_url,
        bank_details: opened.bank_details,
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

/// Refunds a payment: when it came through a gateway, the gateway refunds it first (idempotently,
/// Stripe's later `charge.refunded` then finds nothing new to record), then the ledger records it.
pub async fn refund(
    shared: &AppState,
    scope: &Scope,
    payment_id: &crate::core::ids::PaymentId,
    amount: portico_domain::Money,
    reason: Option<String>,
    today: chrono::NaiveDate,
) -> AppResult<(crate::payments::Payment, Vec<crate::invoicing::Invoice>)> {
    scope.require_refunds()?;
    let store = &shared.store;
    if let Some(attempt) = store.attempt_for_payment(scope, payment_id).await? {
        let payment = store
            .payment(scope, payment_id)
            .await?
            .ok_or(AppError::NotFound("payment"))?;
        let key = format!(
            "portico-refund-{payment_id}-{}-{}",
            payment.refunded.minor, amount.minor
        );
        crate::payments::gateways::for_channel(attempt.channel)
            .refund(shared, scope, &attempt, amount, &key)
            .await?;
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
            client_id: p.client_id.to_string(),
            topic: crate::core::events::Topic::Payment,
            action: action.to_owned(),
            subject_id: p.id.to_string(),
            status: None,
            amount_minor: Some(p.amount.minor),
            currency: Some(p.amount.currency.code().to_owned()),
            at: 0, // stamped by the bus when published
        }
    }
}
