//! Payments: starting and confirming them, the business's payment settings and gateway credentials, recording, allocating and refunding.

use async_graphql::{Context, Object, Result, ID};

use crate::core::error::AppError;
use crate::core::ids;
use crate::graphql::context::{scope, shared, store, today};
use crate::graphql::inputs::{
    self, allocations, long_text, positive_amount, short_text, AllocationInput,
};
use crate::graphql::scalars::{Date, Decimal};
use crate::payments::graphql::ledger::Payment;
use crate::payments::NewPayment;

use crate::graphql::mutation::*;

#[derive(Default)]
pub struct PaymentsMutation;

#[Object]
impl PaymentsMutation {
    /// A client contact (payer or admin) starts paying: returns the attempt with where to go next
    /// (a hosted payment page) or bank transfer instructions.
    async fn start_payment(
        &self,
        ctx: &Context<'_>,
        input: StartPaymentInput,
    ) -> Result<crate::payments::graphql::attempts::PaymentAttempt> {
        let s = scope(ctx)?;
        let invoices = match &input.invoice_ids {
            Some(list) if list.len() > 100 => {
                return Err(AppError::bad_input("invoiceIds", "at most 100 invoices").into())
            }
            Some(list) => Some(
                list.iter()
                    .map(crate::core::ids::InvoiceId::from_global)
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            None => None,
        };
        let channel = match input.method {
            PaymentChannel::Stripe => crate::payments::Channel::Stripe,
            PaymentChannel::BankTransfer => crate::payments::Channel::BankTransfer,
            PaymentChannel::Crypto => crate::payments::Channel::Crypto,
            PaymentChannel::Demo => crate::payments::Channel::Demo,
        };
        let started = crate::payments::start(
            shared(ctx),
            s,
            invoices,
            input.amount.as_ref().map(|a| a.0.as_str()),
            channel,
        )
        .await?;
        Ok(crate::payments::graphql::attempts::PaymentAttempt::new(
            started.attempt,
            started.redirect_url,
            started.bank_details,
        ))
    }

    /// Staff confirm that a bank transfer arrived: the payment is recorded (once) and allocated.
    async fn confirm_bank_transfer(
        &self,
        ctx: &Context<'_>,
        attempt_id: ID,
        amount: Option<Decimal>,
        received_on: Option<Date>,
    ) -> Result<crate::payments::graphql::attempts::PaymentAttempt> {
        let s = scope(ctx)?;
        s.require_payments()?;
        let id = crate::core::ids::AttemptId::from_global(&attempt_id)?;
        let attempt = store(ctx)
            .attempt(s, &id)
            .await?
            .ok_or(AppError::NotFound("payment attempt"))?;
        if attempt.channel != crate::payments::Channel::BankTransfer {
            return Err(AppError::Conflict(
                "only bank transfer attempts are confirmed by staff".into(),
            )
            .into());
        }
        let amount = amount
            .as_ref()
            .map(|a| positive_amount("amount", a, attempt.amount.currency))
            .transpose()?;
        let event = crate::payments::GatewayEvent {
            provider: "bank".into(),
            event_id: format!("bank-{id}"),
            event_type: "bank_transfer.received".into(),
            attempt_id: Some(id.to_string()),
            gateway_ref: None,
            gateway_payment_ref: None,
            kind: crate::payments::EventKind::Succeeded {
                amount_minor: amount.map(|m| m.minor),
                received_on: received_on.map(|d| d.0),
                currency: None,
            },
        };
        crate::payments::apply(shared(ctx), &s.tenant_id, &event).await?;
        let after = store(ctx)
            .attempt(s, &id)
            .await?
            .ok_or(AppError::NotFound("payment attempt"))?;
        Ok(crate::payments::graphql::attempts::PaymentAttempt::new(
            after, None, None,
        ))
    }

    /// How clients may pay: partial payments and their minimum, bank details, paying through
    /// invoice links (owner and admin).
    async fn update_payment_settings(
        &self,
        ctx: &Context<'_>,
        input: PaymentSettingsInput,
    ) -> Result<bool> {
        let s = scope(ctx)?;
        let tenant = store(ctx)
            .tenant_by_id(&s.tenant_id)
            .await?
            .ok_or(AppError::NotFound("tenant"))?;
        let min = inputs::amount(&input.minimum_partial_amount, tenant.default_currency)?;
        let settings = crate::payments::PaymentSettings {
            allow_partial: input.allow_partial_payments,
            min_partial: min.minor,
            bank_details: long_text("bankDetails", input.bank_details.as_deref())?,
        };
        store(ctx)
            .update_payment_settings(s, settings, input.allow_link_payments)
            .await?;
        Ok(true)
    }

    /// Stores the business's Stripe secret key and webhook signing secret, encrypted at rest
    /// (owner and admin). Needs `PORTICO_SECRET_KEY` on the server.
    async fn set_stripe_credentials(
        &self,
        ctx: &Context<'_>,
        secret_key: String,
        webhook_secret: String,
    ) -> Result<bool> {
        let s = scope(ctx)?;
        s.require_admin()?;
        let secret_key = secret_key.trim().to_owned();
        let webhook_secret = webhook_secret.trim().to_owned();
        if !(secret_key.starts_with("sk_") || secret_key.starts_with("rk_"))
            || secret_key.len() > 255
        {
            return Err(AppError::bad_input(
                "secretKey",
                "a Stripe secret key starts with sk_ or rk_",
            )
            .into());
        }
        if !webhook_secret.starts_with("whsec_") || webhook_secret.len() > 255 {
            return Err(AppError::bad_input(
                "webhookSecret",
                "a Stripe signing secret starts with whsec_",
            )
            .into());
        }
        let Some(sealer) = shared(ctx).secrets.as_ref() else {
            return Err(AppError::Conflict(
                "the server has no PORTICO_SECRET_KEY to encrypt credentials with".into(),
            )
            .into());
        };
        let creds = crate::payments::GatewayCredentials {
            secret_key_enc: sealer.seal(&secret_key).map_err(AppError::Internal)?,
            webhook_secret_enc: sealer.seal(&webhook_secret).map_err(AppError::Internal)?,
        };
        store(ctx)
            .set_gateway_credentials(s, "stripe", creds)
            .await?;
        Ok(true)
    }

    /// Stores the business's PassimPay platform id and secret key, encrypted at rest (owner and
    /// admin), which turns crypto payments on. PassimPay's notification URL for the platform is
    /// this portal's address followed by `/webhooks/passimpay/{business}`. Needs
    /// `PORTICO_SECRET_KEY` on the server.
    async fn set_passimpay_credentials(
        &self,
        ctx: &Context<'_>,
        platform_id: String,
        secret_key: String,
    ) -> Result<bool> {
        let s = scope(ctx)?;
        s.require_admin()?;
        let platform_id = platform_id.trim();
        let valid_id = !platform_id.is_empty()
            && platform_id.len() <= 18
            && platform_id.bytes().all(|b| b.is_ascii_digit())
            && platform_id.parse::<i64>().is_ok_and(|n| n > 0);
        if !valid_id {
            return Err(AppError::bad_input(
                "platformId",
                "a PassimPay platform id is a number, as shown in PassimPay's platform settings",
            )
            .into());
        }
        let secret_key = secret_key.trim().to_owned();
        if secret_key.len() < 8
            || secret_key.len() > 255
            || secret_key.chars().any(char::is_whitespace)
        {
            return Err(AppError::bad_input(
                "secretKey",
                "paste the platform's secret key from PassimPay (8 to 255 characters, no spaces)",
            )
            .into());
        }
        let Some(sealer) = shared(ctx).secrets.as_ref() else {
            return Err(AppError::Conflict(
                "the server has no PORTICO_SECRET_KEY to encrypt credentials with".into(),
            )
            .into());
        };
        let creds = crate::payments::GatewayCredentials {
            secret_key_enc: sealer.seal(&secret_key).map_err(AppError::Internal)?,
            webhook_secret_enc: sealer.seal(platform_id).map_err(AppError::Internal)?,
        };
        store(ctx)
            .set_gateway_credentials(s, crate::payments::gateways::passimpay::PROVIDER, creds)
            .await?;
        Ok(true)
    }

    /// Turns a gateway off by deleting the business's credentials for it (owner and admin).
    /// Payments already started through it still complete. Returns whether there were any.
    async fn remove_gateway_credentials(
        &self,
        ctx: &Context<'_>,
        method: PaymentChannel,
    ) -> Result<bool> {
        let s = scope(ctx)?;
        let provider = match method {
            PaymentChannel::Stripe => "stripe",
            PaymentChannel::Crypto => crate::payments::gateways::passimpay::PROVIDER,
            PaymentChannel::BankTransfer | PaymentChannel::Demo => {
                return Err(AppError::bad_input(
                    "method",
                    "only Stripe and PassimPay have credentials",
                )
                .into())
            }
        };
        Ok(store(ctx).remove_gateway_credentials(s, provider).await?)
    }

    /// Records a payment received outside Portico and allocates it.
    async fn record_payment(
        &self,
        ctx: &Context<'_>,
        input: RecordPaymentInput,
    ) -> Result<Payment> {
        let s = scope(ctx)?;
        s.require_staff()?;
        let client_id = ids::decode(&input.client_id, "Client")?;
        let currency = client_currency(ctx, &client_id, input.currency.as_deref()).await?;
        let new = NewPayment {
            client_id,
            amount: positive_amount("amount", &input.amount, currency)?,
            method: input.method.domain(),
            reference: short_text("reference", input.reference.as_deref())?,
            received_on: input.received_on.map(|d| d.0).unwrap_or_else(|| today(ctx)),
            notes: long_text("notes", input.notes.as_deref())?,
            allocations: allocations(input.allocations.as_deref(), currency)?,
        };
        let (p, touched) = store(ctx).record_payment(s, new).await?;
        publish_payment(ctx, &p, "recorded", &touched).await;
        Ok(Payment(p))
    }

    /// Allocates a payment's unallocated credit to open invoices (given ones, else oldest first).
    async fn allocate_payment(
        &self,
        ctx: &Context<'_>,
        payment_id: ID,
        allocations: Option<Vec<AllocationInput>>,
    ) -> Result<Payment> {
        let s = scope(ctx)?;
        let id = crate::core::ids::PaymentId::from_global(&payment_id)?;
        let p = store(ctx)
            .payment(s, &id)
            .await?
            .ok_or(AppError::NotFound("payment"))?;
        let plan = inputs::allocations(allocations.as_deref(), p.amount.currency)?;
        let (p, touched) = store(ctx).allocate_payment(s, &id, plan).await?;
        publish_payment(ctx, &p, "allocated", &touched).await;
        Ok(Payment(p))
    }

    /// Refunds part or all of a payment: unused credit first, then reversing allocations.
    async fn refund_payment(
        &self,
        ctx: &Context<'_>,
        payment_id: ID,
        amount: Decimal,
        reason: Option<String>,
    ) -> Result<Payment> {
        let s = scope(ctx)?;
        let id = crate::core::ids::PaymentId::from_global(&payment_id)?;
        let p = store(ctx)
            .payment(s, &id)
            .await?
            .ok_or(AppError::NotFound("payment"))?;
        let amount = positive_amount("amount", &amount, p.amount.currency)?;
        let reason = short_text("reason", reason.as_deref())?;
        let (p, touched) =
            crate::payments::refund(shared(ctx), s, &id, amount, reason, today(ctx)).await?;
        for inv in &touched {
            publish_invoice(ctx, inv, inv.status.as_str()).await;
        }
        Ok(Payment(p))
    }
}
