//! GraphQL types of invoicing: invoices with their lines and taxes; the invoice link page and
//! the document mutations (invoices, credit notes, estimates) are submodules.

use async_graphql::{Context, Enum, Object, Result, SimpleObject, ID};

use crate::core::ids;
use crate::graphql::context::{loader, pdf_url, today};
use crate::graphql::scalars::{Date, Decimal, Money};
use crate::parties::graphql::Client;
use crate::payments::graphql::ledger::Allocation;

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
    /// This invoice as a PDF (same authorisation as reading it; every download is audited).
    async fn pdf_url(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(pdf_url(ctx, "invoice", &self.0.id.to_global()).await?)
    }
    /// This invoice as an EN 16931 e-invoice (UBL 2.1, Peppol BIS Billing 3.0) with its PDF
    /// embedded; issued invoices only. Needs the business's and client's country and VAT ids.
    async fn e_invoice_url(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(crate::graphql::context::ubl_url(ctx, "invoice", &self.0.id.to_global()).await?)
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
    async fn vat_category(&self) -> crate::graphql::inputs::VatCategory {
        crate::graphql::inputs::VatCategory::from_domain(self.0.vat_category)
    }
    /// Why no VAT is charged (exempt and reverse-charge lines).
    async fn vat_exemption(&self) -> Option<&str> {
        self.0.vat_exemption.as_deref()
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

pub mod editor;
pub mod link_page;
pub mod mutation;
