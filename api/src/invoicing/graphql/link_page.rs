//! What an invoice link's page shows (no sign-in: the link's token is the secret): that one
//! invoice and nothing else of its client. Merged into the Query root. Opening the page is
//! audited by the route that serves it, not here.

use async_graphql::{Context, Object, Result, SimpleObject};

use crate::core::tokens;
use crate::graphql::context::store;
use crate::graphql::scalars::{Date, Decimal, Money};

/// One line of a linked invoice.
#[derive(SimpleObject)]
pub struct LinkedLine {
    pub description: String,
    pub quantity: Decimal,
    pub unit_price: Money,
    /// Percent, e.g. "24".
    pub tax_rate: Decimal,
    /// Quantity × unit price.
    pub subtotal: Money,
    pub discount: Money,
}

/// Tax at one rate.
#[derive(SimpleObject)]
pub struct LinkedTax {
    pub rate: Decimal,
    pub net: Money,
    pub tax: Money,
}

/// The invoice an invoice link shows.
#[derive(SimpleObject)]
pub struct LinkedInvoice {
    pub number: String,
    /// `ISSUED`, `PARTIALLY_PAID` or `PAID` (a void invoice's link stops working).
    pub status: String,
    pub overdue: bool,
    pub issue_date: Date,
    pub due_date: Date,
    pub client_name: String,
    pub client_address: Option<String>,
    pub lines: Vec<LinkedLine>,
    pub taxes: Vec<LinkedTax>,
    pub subtotal: Money,
    pub discount: Money,
    pub tax: Money,
    pub total: Money,
    /// Paid and credited so far.
    pub settled: Money,
    pub balance: Money,
    pub notes: Option<String>,
    pub terms: Option<String>,
}

#[derive(Default)]
pub struct InvoiceLinkQuery;

#[Object]
impl InvoiceLinkQuery {
    /// The invoice an invoice link (`/SLUG/i/TOKEN`) shows, by the portal's slug and the link's
    /// token; no sign-in needed. Null for an unknown, revoked or expired link.
    async fn linked_invoice(
        &self,
        ctx: &Context<'_>,
        slug: String,
        token: String,
    ) -> Result<Option<LinkedInvoice>> {
        if slug.len() > 100 || token.len() > 200 {
            return Ok(None);
        }
        let store = store(ctx);
        let Some(tenant) = store.tenant_by_slug(&slug).await? else {
            return Ok(None);
        };
        if tokens::tenant_of_with("pl", &token).as_deref() != Some(tenant.id.as_str()) {
            return Ok(None);
        }
        let Some((invoice_id, scope)) = store
            .invoice_link_scope(&tenant.id, &tokens::hash(&token))
            .await?
        else {
            return Ok(None);
        };
        let invoice_id = crate::core::ids::InvoiceId::from_raw(invoice_id);
        let Some(inv) = store.invoice(&scope, &invoice_id).await? else {
            return Ok(None);
        };
        let lines = store
            .lines_for_documents(&scope, &[invoice_id.to_string()])
            .await?;
        let client = store.client(&scope, &inv.client_id).await?;
        let amounts: Vec<_> = lines.iter().map(|l| l.amounts).collect();
        let rates: Vec<_> = lines.iter().map(|l| l.tax_rate).collect();
        let totals = portico_domain::totals(inv.currency, &amounts, &rates)
            .map_err(crate::core::error::AppError::from)?;
        let today = store.clock().today_utc();
        Ok(Some(LinkedInvoice {
            number: inv.number.clone(),
            status: inv.status.as_str().to_ascii_uppercase(),
            overdue: inv.is_overdue(today),
            issue_date: Date(inv.issue_date),
            due_date: Date(inv.due_date),
            client_name: client.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
            client_address: client.and_then(|c| c.address),
            lines: lines
                .iter()
                .map(|l| LinkedLine {
                    description: l.description.clone(),
                    quantity: Decimal(l.quantity.normalize().to_string()),
                    unit_price: l.unit_price.into(),
                    tax_rate: Decimal(l.tax_rate.normalize().to_string()),
                    subtotal: l.amounts.subtotal.into(),
                    discount: l.amounts.discount.into(),
                })
                .collect(),
            taxes: totals
                .taxes
                .into_iter()
                .map(|b| LinkedTax {
                    rate: Decimal(b.rate.normalize().to_string()),
                    net: b.net.into(),
                    tax: b.tax.into(),
                })
                .collect(),
            subtotal: inv.subtotal.into(),
            discount: inv.discount.into(),
            tax: inv.tax.into(),
            total: inv.total.into(),
            settled: inv
                .paid
                .checked_add(inv.credited)
                .map_err(crate::core::error::AppError::from)?
                .into(),
            balance: inv.balance.into(),
            notes: inv.notes.clone(),
            terms: inv.terms.clone(),
        }))
    }
}
