//! Stripe's API for one business's credentials: Checkout Sessions, webhook verification and
//! refunds, over Stripe's wire protocol (async-stripe).

use crate::payments::GatewayEvent;
use crate::payments::PaymentAttempt;
use portico_domain::Money;

/// Why a webhook was refused (the caller answers 400).
#[derive(Debug, thiserror::Error)]
pub enum WebhookRefusal {
    #[error("invalid signature: {0}")]
    Signature(#[from] super::stripe_signature::SignatureError),
    #[error("not an event we understand")]
    Unparseable,
}

/// Whether a Stripe error means Stripe is not answering (a connection failure, a timeout, a
/// 5xx), rather than refusing this request.
pub fn is_outage(e: &stripe::StripeError) -> bool {
    match e {
        stripe::StripeError::Stripe(_, status) => *status >= 500,
        stripe::StripeError::ClientError(_) | stripe::StripeError::Timeout => true,
        stripe::StripeError::JSONDeserialize(_) | stripe::StripeError::ConfigError(_) => false,
    }
}

/// Stripe, for one tenant's credentials.
pub struct StripeClient {
    pub api_base: String,
    pub secret_key: String,
    pub webhook_secret: String,
}

impl StripeClient {
    fn client(&self) -> anyhow::Result<stripe::Client> {
        // The client appends `v1/...` to the base, which must end with a slash.
        let base = format!("{}/", self.api_base.trim_end_matches('/'));
        Ok(stripe::ClientBuilder::new(self.secret_key.clone())
            .url(base)
            .build()?)
    }
}

impl StripeClient {
    /// A Checkout Session for the attempt: (its id, the URL to send the payer to).
    pub async fn create_session(
        &self,
        attempt: &PaymentAttempt,
        description: &str,
        return_url: &str,
    ) -> anyhow::Result<(String, String)> {
        use stripe::{IdempotencyKey, RequestStrategy, StripeRequest};
        use stripe_checkout::checkout_session::{
            CreateCheckoutSession, CreateCheckoutSessionLineItems,
            CreateCheckoutSessionLineItemsPriceData, CreateCheckoutSessionPaymentIntentData,
            ProductData,
        };
        let client = self.client()?;
        let currency: stripe_types::Currency = attempt
            .amount
            .currency
            .code()
            .to_lowercase()
            .parse()
            .map_err(|_| anyhow::anyhow!("currency not supported by Stripe"))?;
        let mut price = CreateCheckoutSessionLineItemsPriceData::new(currency);
        price.unit_amount = Some(attempt.amount.minor);
        price.product_data = Some(ProductData::new(description));
        let mut line = CreateCheckoutSessionLineItems::new();
        line.price_data = Some(price);
        line.quantity = Some(1);
        let metadata: std::collections::HashMap<String, String> = [
            ("attempt_id".to_owned(), attempt.id.to_string()),
            ("reference".to_owned(), attempt.reference.clone()),
        ]
        .into();
        let mut intent = CreateCheckoutSessionPaymentIntentData::new();
        intent.metadata = Some(metadata.clone());
        let session = CreateCheckoutSession::new()
            .mode(stripe_checkout::CheckoutSessionMode::Payment)
            .line_items(vec![line])
            .success_url(return_url)
            .cancel_url(return_url)
            .client_reference_id(attempt.id.clone())
            .metadata(metadata)
            .payment_intent_data(intent)
            .customize()
            .request_strategy(RequestStrategy::Idempotent(IdempotencyKey::new(
                &attempt.idempotency_key,
            )?))
            .send(&client)
            .await?;
        let url = session
            .url
            .ok_or_else(|| anyhow::anyhow!("Stripe returned no Checkout URL"))?;
        Ok((session.id.to_string(), url))
    }

    /// Whether Stripe answers (the balance, read with the business's key): any HTTP answer below
    /// 500 is a success; a timeout, a refused connection or a 5xx is an outage.
    pub async fn probe(&self) -> anyhow::Result<()> {
        let resp = super::http()
            .get(format!(
                "{}/v1/balance",
                self.api_base.trim_end_matches('/')
            ))
            .timeout(std::time::Duration::from_secs(15))
            .bearer_auth(&self.secret_key)
            .send()
            .await?;
        let status = resp.status().as_u16();
        if status >= 500 {
            return Err(super::HttpStatus(status, "Stripe's balance".into()).into());
        }
        Ok(())
    }

    /// Verifies the signature on the raw body and parses the event.
    pub fn parse_webhook(
        &self,
        signature: &str,
        body: &[u8],
        now: i64,
    ) -> Result<GatewayEvent, WebhookRefusal> {
        super::stripe_signature::verify(signature, body, &self.webhook_secret, now)?;
        let json: serde_json::Value =
            serde_json::from_slice(body).map_err(|_| WebhookRefusal::Unparseable)?;
        super::stripe::map_event(&json).ok_or(WebhookRefusal::Unparseable)
    }

    /// Refunds `amount` of the attempt's payment; the key makes a retried request harmless.
    pub async fn refund(
        &self,
        attempt: &PaymentAttempt,
        amount: Money,
        idempotency_key: &str,
    ) -> anyhow::Result<String> {
        use stripe::{IdempotencyKey, RequestStrategy, StripeRequest};
        let intent = attempt.gateway_payment_ref.clone().ok_or_else(|| {
            anyhow::anyhow!("Stripe did not report this payment's payment intent")
        })?;
        let metadata: std::collections::HashMap<String, String> =
            [("attempt_id".to_owned(), attempt.id.to_string())].into();
        let refund = stripe_core::refund::CreateRefund::new()
            .payment_intent(intent)
            .amount(amount.minor)
            .metadata(metadata)
            .customize()
            .request_strategy(RequestStrategy::Idempotent(IdempotencyKey::new(
                idempotency_key,
            )?))
            .send(&self.client()?)
            .await?;
        Ok(refund.id.to_string())
    }
}
