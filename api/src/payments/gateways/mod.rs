//! The payment gateways, each behind one object-safe trait and found in one registry keyed by
//! provider. Starting a payment, a webhook (`/webhooks/{provider}/{tenant}`, see `routes.rs`) and
//! a refund reach a gateway only through [`Gateway`]; whatever a gateway reports goes through the
//! one exactly-once pipeline ([`crate::payments::apply`]).
//!
//! Adding a gateway: a file here with a unit struct implementing [`Gateway`], a line in
//! [`REGISTRY`], and a [`Channel`] variant (with its GraphQL `PaymentChannel` value). Its calls
//! report to `payments::health` (`health::observe`), which hides a gateway that is down.

pub mod bank_transfer;
pub mod demo;
pub mod passimpay;
pub mod passimpay_client;
pub mod stripe;
pub mod stripe_client;
pub mod stripe_signature;

use std::future::Future;
use std::pin::Pin;

use portico_domain::Money;

use crate::core::error::AppResult;
use crate::core::scope::Scope;
use crate::core::state::AppState;
use crate::payments::{Channel, GatewayEvent, PaymentAttempt};

/// A boxed future, so the trait stays object-safe.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What opening a payment at a gateway gives: where the payer goes next.
#[derive(Debug, Clone, Default)]
pub struct Opened {
    /// The gateway's own reference for this payment (a Checkout Session, a token), kept on the
    /// attempt so its webhooks find it.
    pub gateway_ref: Option<String>,
    /// Where to send the browser (a hosted payment page).
    pub redirect_url: Option<String>,
    /// For bank transfers: the business's bank details and the reference to quote.
    pub bank_details: Option<String>,
}

/// Why a webhook was not taken; the route answers each with the status and text shown.
#[derive(Debug)]
pub enum WebhookError {
    /// 404: the gateway takes no webhooks, or is not configured for this business.
    NotFound(&'static str),
    /// 400: the signature does not verify or the body is not an event.
    Refused(String),
    /// 503: credentials could not be read; the gateway retries later.
    Unavailable(String),
}

/// The HTTP client gateways share: its connections are kept, and the system's certificates are
/// loaded once (building a client per call costs tens of milliseconds).
pub fn http() -> &'static reqwest::Client {
    static CLIENT: std::sync::LazyLock<reqwest::Client> = std::sync::LazyLock::new(|| {
        reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(5))
            .build()
            .unwrap_or_default()
    });
    &CLIENT
}

/// A gateway answered with this HTTP status (kept so health can tell a 5xx outage from a refusal).
#[derive(Debug, thiserror::Error)]
#[error("the gateway answered HTTP {0}: {1}")]
pub struct HttpStatus(pub u16, pub String);

/// The headers of a webhook, by lower-case name.
pub type Headers<'a> = &'a (dyn Fn(&str) -> Option<String> + Sync);

/// One payment gateway. Its methods take the business (tenant) they act for and read that
/// business's credentials themselves.
pub trait Gateway: Send + Sync {
    /// The provider's name, as in `/webhooks/{provider}/{tenant}`.
    fn provider(&self) -> &'static str;

    /// The payment channel a payer picks for it.
    fn channel(&self) -> Channel;

    /// Whether this business's clients can pay through it now (configured and switched on).
    fn available<'a>(
        &'a self,
        state: &'a AppState,
        tenant_id: &'a str,
    ) -> BoxFuture<'a, AppResult<bool>>;

    /// Opens the hosted payment page (or the instructions) for a new attempt.
    fn open<'a>(
        &'a self,
        state: &'a AppState,
        scope: &'a Scope,
        attempt: &'a PaymentAttempt,
    ) -> BoxFuture<'a, AppResult<Opened>>;

    /// Verifies a webhook on its raw body and parses it into a gateway event. By default a
    /// gateway has no webhooks: its address is a 404 that records nothing.
    fn webhook<'a>(
        &'a self,
        _state: &'a AppState,
        _tenant_id: &'a str,
        _headers: Headers<'a>,
        _body: &'a [u8],
    ) -> BoxFuture<'a, Result<GatewayEvent, WebhookError>> {
        Box::pin(async { Err(WebhookError::NotFound("this gateway has no webhooks")) })
    }

    /// Asks the gateway whether it is answering, with this business's credentials (the health
    /// probe of a gateway that is down): any answer but an outage is a success.
    fn probe<'a>(
        &'a self,
        _state: &'a AppState,
        _tenant_id: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async { Ok(()) })
    }

    /// Refunds `amount` of the attempt's payment at the gateway (the key makes a retry
    /// harmless). A gateway that moves no money itself (bank transfer) refunds nothing here: the
    /// ledger records the refund.
    fn refund<'a>(
        &'a self,
        _state: &'a AppState,
        _scope: &'a Scope,
        _attempt: &'a PaymentAttempt,
        _amount: Money,
        _idempotency_key: &'a str,
    ) -> BoxFuture<'a, AppResult<()>> {
        Box::pin(async { Ok(()) })
    }
}

/// Records that a gateway's hosted page could not be opened for an attempt: the attempt fails
/// with `reason` (through the exactly-once pipeline, under Portico's own event id `{kind}-{id}`),
/// and the payer may try again or choose another method.
pub async fn opening_failed(
    state: &AppState,
    tenant_id: &str,
    attempt: &PaymentAttempt,
    kind: &str,
    reason: &str,
) -> AppResult<()> {
    let event = GatewayEvent {
        provider: "portico".into(),
        event_id: format!("{kind}-{}", attempt.id),
        event_type: kind.replace('-', "."),
        attempt_id: Some(attempt.id.to_string()),
        gateway_ref: None,
        gateway_payment_ref: None,
        kind: crate::payments::EventKind::Failed {
            reason: reason.to_owned(),
        },
    };
    crate::payments::apply(state, tenant_id, &event).await?;
    Ok(())
}

/// Every gateway, in the order the pay page offers them.
pub static REGISTRY: [&dyn Gateway; 4] = [
    &stripe::Stripe,
    &passimpay::Passimpay,
    &bank_transfer::BankTransfer,
    &demo::Demo,
];

/// The gateway of a provider name (`stripe`, `passimpay`, `bank_transfer`, `demo`).
pub fn by_provider(provider: &str) -> Option<&'static dyn Gateway> {
    REGISTRY.iter().copied().find(|g| g.provider() == provider)
}

/// The gateway behind a channel.
pub fn for_channel(channel: Channel) -> &'static dyn Gateway {
    REGISTRY
        .iter()
        .copied()
        .find(|g| g.channel() == channel)
        .unwrap_or(&demo::Demo)
}

/// The channels this business's clients can pay through now, in the registry's order.
pub async fn available(state: &AppState, tenant_id: &str) -> Vec<Channel> {
    offered(state, tenant_id).await.0
}

/// The channels this business offers, split into those that work now and those whose gateway is
/// down (see `payments::health`), each in the registry's order.
pub async fn offered(state: &AppState, tenant_id: &str) -> (Vec<Channel>, Vec<Channel>) {
    let down = match state.store.gateways_down(tenant_id).await {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(error = %e, "reading gateway health failed");
            Vec::new()
        }
    };
    let (mut up, mut out) = (Vec::new(), Vec::new());
    for g in REGISTRY {
        match g.available(state, tenant_id).await {
            Ok(true) if down.iter().any(|d| d.provider == g.provider()) => out.push(g.channel()),
            Ok(true) => up.push(g.channel()),
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(provider = g.provider(), error = ?e, "checking a gateway failed")
            }
        }
    }
    (up, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_channel_has_one_gateway_and_names_are_unique() {
        for c in [
            Channel::Stripe,
            Channel::Crypto,
            Channel::BankTransfer,
            Channel::Demo,
        ] {
            assert_eq!(REGISTRY.iter().filter(|g| g.channel() == c).count(), 1);
            assert_eq!(for_channel(c).channel(), c);
        }
        for g in REGISTRY {
            assert_eq!(
                by_provider(g.provider()).map(|f| f.channel()),
                Some(g.channel())
            );
        }
        assert!(by_provider("nope").is_none());
    }
}
