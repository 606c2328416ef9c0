//! GraphQL types of payment attempts: where a payer's payment at a gateway stands.

use async_graphql::{ComplexObject, Context, Enum, Result, SimpleObject, ID};
use portico_domain::AttemptStatus;

use crate::core::ids::{InvoiceId, PaymentId};
use crate::graphql::context::{scope, store};
use crate::graphql::mutation::PaymentChannel;
use crate::graphql::scalars::Money;

/// Where a payment attempt stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum PaymentAttemptStatus {
    /// The payer is on the gateway's page, or the gateway has not confirmed yet.
    Processing,
    /// The payer was shown the bank details; staff record the payment when the money arrives.
    AwaitingTransfer,
    /// Paid: the attempt became a payment (`payment`).
    Succeeded,
    /// The gateway refused or the payer gave up (`failureReason`); the payer may try again.
    Failed,
}

impl From<AttemptStatus> for PaymentAttemptStatus {
    fn from(s: AttemptStatus) -> Self {
        match s {
            AttemptStatus::Processing => PaymentAttemptStatus::Processing,
            AttemptStatus::AwaitingTransfer => PaymentAttemptStatus::AwaitingTransfer,
            AttemptStatus::Succeeded => PaymentAttemptStatus::Succeeded,
            AttemptStatus::Failed => PaymentAttemptStatus::Failed,
        }
    }
}

#[derive(SimpleObject)]
#[graphql(complex)]
pub struct PaymentAttempt {
    pub id: ID,
    pub status: PaymentAttemptStatus,
    /// The gateway the payer chose.
    pub method: PaymentChannel,
    pub amount: Money,
    /// Quote it in a bank transfer.
    pub reference: String,
    pub failure_reason: Option<String>,
    pub invoice_ids: Vec<ID>,
    pub payment_id: Option<ID>,
    /// Where to send the payer (hosted payment page), when there is one.
    pub redirect_url: Option<String>,
    /// For bank transfers: where to send the money.
    pub bank_details: Option<String>,
    pub created_at: i64,
    #[graphql(skip)]
    pub client_raw: String,
    #[graphql(skip)]
    pub payment_raw: Option<crate::core::ids::PaymentId>,
}

#[ComplexObject]
impl PaymentAttempt {
    /// The client paying.
    async fn client(&self, ctx: &Context<'_>) -> Result<Option<crate::parties::graphql::Client>> {
        Ok(crate::graphql::context::loader(ctx, |l| &l.clients)?
            .load_one(self.client_raw.clone())
            .await?
            .map(crate::parties::graphql::Client))
    }

    /// The payment it became, once it succeeded: its number is the payment's one name.
    async fn payment(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::payments::graphql::ledger::Payment>> {
        let Some(id) = self.payment_raw.as_ref() else {
            return Ok(None);
        };
        Ok(store(ctx)
            .payment(scope(ctx)?, id)
            .await?
            .map(crate::payments::graphql::ledger::Payment))
    }
}

impl PaymentAttempt {
    pub fn new(
        a: crate::payments::PaymentAttempt,
        redirect_url: Option<String>,
        bank_details: Option<String>,
    ) -> Self {
        PaymentAttempt {
            id: a.id.to_global(),
            status: a.status.into(),
            method: a.channel.into(),
            amount: a.amount.into(),
            reference: a.reference,
            failure_reason: a.failure_reason,
            invoice_ids: a.invoice_ids.iter().map(InvoiceId::to_global).collect(),
            payment_id: a.payment_id.as_ref().map(PaymentId::to_global),
            redirect_url,
            bank_details,
            created_at: a.created_at,
            client_raw: a.client_id.into_string(),
            payment_raw: a.payment_id,
        }
    }
}
