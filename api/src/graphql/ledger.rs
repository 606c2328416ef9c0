//! GraphQL object types of the ledger: invoices with lines, payments with allocations and refunds,
//! credit notes.

use async_graphql::{ComplexObject, Context, Enum, Object, Result, SimpleObject, ID};

use super::context::{loader, store, today};
use super::parties::Client;
use super::scalars::{Date, Decimal, Money};
use crate::core::ids;

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum InvoiceStatus {
    Draft,
    Issued,
    PartiallyPaid,
    Paid,
    Void,
}

impl From<portico_domain::InvoiceStatus> for InvoiceStatus {
    fn from(s: portico_domain::InvoiceStatus) -> Self {
        use portico_domain::InvoiceStatus as S;
        match s {
            S::Draft => InvoiceStatus::Draft,
            S::Issued => InvoiceStatus::Issued,
            S::PartiallyPaid => InvoiceStatus::PartiallyPaid,
            S::Paid => InvoiceStatus::Paid,
            S::Void => InvoiceStatus::Void,
        }
    }
}

impl From<InvoiceStatus> for portico_domain::InvoiceStatus {
    fn from(s: InvoiceStatus) -> Self {
        use portico_domain::InvoiceStatus as S;
        match s {
            InvoiceStatus::Draft => S::Draft,
            InvoiceStatus::Issued => S::Issued,
            InvoiceStatus::PartiallyPaid => S::PartiallyPaid,
            InvoiceStatus::Paid => S::Paid,
            InvoiceStatus::Void => S::Void,
        }
    }
}

pub struct Invoice(pub crate::invoicing::Invoice);

#[Object]
impl Invoice {
    pub async fn id(&self) -> ID {
        self.0.id.to_global()
    }
    async fn number(&self) -> &str {
        &self.0.number
    }
    async fn reference(&self) -> Option<&str> {
        self.0.reference.as_deref()
    }
    async fn status(&self) -> InvoiceStatus {
        self.0.status.into()
    }
    /// Derived: issued or partially paid, with a balance, past its due date.
    async fn overdue(&self, ctx: &Context<'_>) -> bool {
        self.0.is_overdue(today(ctx))
    }
    async fn currency(&self) -> &str {
        self.0.currency.code()
    }
    async fn issue_date(&self) -> Date {
        Date(self.0.issue_date)
    }
    async fn due_date(&self) -> Date {
        Date(self.0.due_date)
    }
    async fn subtotal(&self) -> Money {
        self.0.subtotal.into()
    }
    async fn discount(&self) -> Money {
        self.0.discount.into()
    }
    async fn tax(&self) -> Money {
        self.0.tax.into()
    }
    async fn total(&self) -> Money {
        self.0.total.into()
    }
    async fn amount_paid(&self) -> Money {
        self.0.paid.into()
    }
    async fn amount_credited(&self) -> Money {
        self.0.credited.into()
    }
    async fn balance(&self) -> Money {
        self.0.balance.into()
    }
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    async fn terms(&self) -> Option<&str> {
        self.0.terms.as_deref()
    }
    async fn client(&self, ctx: &Context<'_>) -> Result<Option<Client>> {
        Ok(loader(ctx, |l| &l.clients)?
            .load_one(self.0.client_id.to_string())
            .await?
            .map(Client))
    }
    async fn lines(&self, ctx: &Context<'_>) -> Result<Vec<Line>> {
        let lines = loader(ctx, |l| &l.lines)?
            .load_one(self.0.id.to_string())
            .await?
            .unwrap_or_default();
        Ok(lines.into_iter().map(Line).collect())
    }
    /// Tax per rate.
    async fn taxes(&self, ctx: &Context<'_>) -> Result<Vec<TaxLine>> {
        let lines = loader(ctx, |l| &l.lines)?
            .load_one(self.0.id.to_string())
            .await?
            .unwrap_or_default();
        let amounts: Vec<_> = lines.iter().map(|l| l.amounts).collect();
        let rates: Vec<_> = lines.iter().map(|l| l.tax_rate).collect();
        let t = portico_domain::totals(self.0.currency, &amounts, &rates)
            .map_err(crate::core::error::AppError::from)?;
        Ok(t.taxes
            .into_iter()
            .map(|b| TaxLine {
                rate: Decimal(b.rate.normalize().to_string()),
                net: b.net.into(),
                tax: b.tax.into(),
            })
            .collect())
    }
    /// Payments allocated to this invoice (reversals by refunds appear as negative amounts).
    async fn payments(&self, ctx: &Context<'_>) -> Result<Vec<Allocation>> {
        let rows = loader(ctx, |l| &l.invoice_allocations)?
            .load_one(self.0.id.to_string())
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(Allocation).collect())
    }
}

#[derive(SimpleObject)]
pub struct TaxLine {
    pub rate: Decimal,
    pub net: Money,
    pub tax: Money,
}

pub struct Line(pub crate::invoicing::Line);

#[Object]
impl Line {
    pub async fn id(&self) -> ID {
        ids::encode("Line", &self.0.id)
    }
    async fn position(&self) -> i64 {
        self.0.position
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn quantity(&self) -> Decimal {
        Decimal(self.0.quantity.normalize().to_string())
    }
    async fn unit_price(&self) -> Money {
        self.0.unit_price.into()
    }
    /// Percent, e.g. "24".
    async fn tax_rate(&self) -> Decimal {
        Decimal(self.0.tax_rate.normalize().to_string())
    }
    async fn discount_percent(&self) -> Option<Decimal> {
        match &self.0.discount {
            portico_domain::Discount::Percent(p) => Some(Decimal(p.normalize().to_string())),
            _ => None,
        }
    }
    async fn subtotal(&self) -> Money {
        self.0.amounts.subtotal.into()
    }
    async fn discount(&self) -> Money {
        self.0.amounts.discount.into()
    }
    async fn tax(&self) -> Money {
        self.0.amounts.tax.into()
    }
    async fn total(&self) -> Money {
        self.0.amounts.total.into()
    }
}

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
        let scope = super::context::scope(ctx)?;
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

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum CreditNoteStatus {
    Draft,
    Open,
    Applied,
    Void,
}

#[derive(SimpleObject)]
#[graphql(complex)]
pub struct CreditNote {
    #[graphql(skip)]
    pub inner: crate::credit::CreditNote,
    pub number: String,
    pub status: CreditNoteStatus,
    pub reason: String,
    pub issue_date: Date,
    pub total: Money,
    pub applied: Money,
    pub remaining: Money,
}

impl From<crate::credit::CreditNote> for CreditNote {
    fn from(c: crate::credit::CreditNote) -> Self {
        use portico_domain::CreditNoteStatus as S;
        CreditNote {
            number: c.number.clone(),
            status: match c.status {
                S::Draft => CreditNoteStatus::Draft,
                S::Open => CreditNoteStatus::Open,
                S::Applied => CreditNoteStatus::Applied,
                S::Void => CreditNoteStatus::Void,
            },
            reason: c.reason.clone(),
            issue_date: Date(c.issue_date),
            total: c.total.into(),
            applied: c.applied.into(),
            remaining: c.remaining().into(),
            inner: c,
        }
    }
}

#[ComplexObject]
impl CreditNote {
    pub async fn id(&self) -> ID {
        ids::encode("CreditNote", &self.inner.id)
    }
    async fn client(&self, ctx: &Context<'_>) -> Result<Option<Client>> {
        Ok(loader(ctx, |l| &l.clients)?
            .load_one(self.inner.client_id.clone())
            .await?
            .map(Client))
    }
    async fn invoice(&self, ctx: &Context<'_>) -> Result<Option<Invoice>> {
        match &self.inner.invoice_id {
            Some(id) => Ok(loader(ctx, |l| &l.invoices)?
                .load_one(id.clone())
                .await?
                .map(Invoice)),
            None => Ok(None),
        }
    }
}
