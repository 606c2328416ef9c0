//! GraphQL types of payments: payments with their allocations and refunds.

use async_graphql::{Context, Enum, Object, Result, ID};

use crate::core::ids;
use crate::graphql::context::{loader, store};
use crate::graphql::scalars::{Date, Money};
use crate::invoicing::graphql::Invoice;
use crate::parties::graphql::Client;

pub struct Allocation(pub crate::payments::AllocationRow);

#[Object]
impl Allocation {
    async fn amount(&self) -> Money {
        self.0.amount.into()
    }
    /// True for a reversal made by a refund.
    async fn reversal(&self) -> bool {
        self.0.refund_id.is_some()
    }
    async fn payment(&self, ctx: &Context<'_>) -> Result<Option<Payment>> {
        Ok(loader(ctx, |l| &l.payments)?
            .load_one(self.0.payment_id.clone())
            .await?
            .map(Payment))
    }
    async fn invoice(&self, ctx: &Context<'_>) -> Result<Option<Invoice>> {
        Ok(loader(ctx, |l| &l.invoices)?
            .load_one(self.0.invoice_id.clone())
            .await?
            .map(Invoice))
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum PaymentMethod {
    BankTransfer,
    Card,
    Cash,
    Cheque,
    Crypto,
    DirectDebit,
    Other,
}

impl PaymentMethod {
    pub fn domain(self) -> portico_domain::PaymentMethod {
        use portico_domain::PaymentMethod as M;
        match self {
            PaymentMethod::BankTransfer => M::BankTransfer,
            PaymentMethod::Card => M::Card,
            PaymentMethod::Cash => M::Cash,
            PaymentMethod::Cheque => M::Cheque,
            PaymentMethod::Crypto => M::Crypto,
            PaymentMethod::DirectDebit => M::DirectDebit,
            PaymentMethod::Other => M::Other,
        }
    }

    fn from_domain(m: portico_domain::PaymentMethod) -> Self {
        use portico_domain::PaymentMethod as M;
        match m {
            M::BankTransfer => PaymentMethod::BankTransfer,
            M::Card => PaymentMethod::Card,
            M::Cash => PaymentMethod::Cash,
            M::Cheque => PaymentMethod::Cheque,
            M::Crypto => PaymentMethod::Crypto,
            M::DirectDebit => PaymentMethod::DirectDebit,
            M::Other => PaymentMethod::Other,
        }
    }
}

pub struct Payment(pub crate::payments::Payment);

#[Object]
impl Payment {
    pub async fn id(&self) -> ID {
        self.0.id.to_global()
    }
    /// This payment's receipt as a PDF (same authorisation as reading it; audited).
    async fn receipt_pdf_url(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(crate::graphql::context::pdf_url(ctx, "receipt", &self.0.id.to_global()).await?)
    }
    async fn number(&self) -> &str {
        &self.0.number
    }
    async fn amount(&self) -> Money {
        self.0.amount.into()
    }
    async fn method(&self) -> PaymentMethod {
        PaymentMethod::from_domain(self.0.method)
    }
    async fn reference(&self) -> Option<&str> {
        self.0.reference.as_deref()
    }
    async fn received_on(&self) -> Date {
        Date(self.0.received_on)
    }
    /// Not allocated to any invoice: credit available to the client.
    async fn unallocated(&self) -> Money {
        self.0.unallocated.into()
    }
    async fn refunded(&self) -> Money {
        self.0.refunded.into()
    }
    /// When it was recorded (Unix milliseconds).
    async fn created_at(&self) -> i64 {
        self.0.created_at
    }

    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    async fn client(&self, ctx: &Context<'_>) -> Result<Option<Client>> {
        Ok(loader(ctx, |l| &l.clients)?
            .load_one(self.0.client_id.to_string())
            .await?
            .map(Client))
    }
    async fn allocations(&self, ctx: &Context<'_>) -> Result<Vec<Allocation>> {
        let rows = loader(ctx, |l| &l.payment_allocations)?
            .load_one(self.0.id.to_string())
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(Allocation).collect())
    }
    async fn refunds(&self, ctx: &Context<'_>) -> Result<Vec<Refund>> {
        let scope = crate::graphql::context::scope(ctx)?;
        Ok(store(ctx)
            .refunds_of(scope, &self.0.id)
            .await?
            .into_iter()
            .map(Refund)
            .collect())
    }
}

pub struct Refund(pub crate::payments::Refund);

#[Object]
impl Refund {
    pub async fn id(&self) -> ID {
        ids::encode("Refund", &self.0.id)
    }
    async fn amount(&self) -> Money {
        self.0.amount.into()
    }
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    async fn refunded_on(&self) -> Date {
        Date(self.0.refunded_on)
    }
}
