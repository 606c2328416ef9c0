//! What the staff invoice editor uses beyond create and update: live totals for lines being
//! typed, duplicating an invoice, and sending one to the client.

use async_graphql::{Context, Object, Result, SimpleObject, ID};

use crate::core::error::AppError;
use crate::graphql::context::{scope, store, today};
use crate::graphql::inputs::{long_text, LineInput};
use crate::graphql::mutation::{at_line, publish_invoice, MAX_LINES_INPUT};
use crate::graphql::scalars::{Decimal, Money};
use crate::invoicing::graphql::{Invoice, TaxLine};
use crate::invoicing::PreviewLine;

/// One line of a preview: its amounts, or why it cannot be computed (`field` names the input).
#[derive(SimpleObject)]
pub struct LinePreview {
    pub subtotal: Option<Money>,
    pub discount: Option<Money>,
    pub tax: Option<Money>,
    pub total: Option<Money>,
    /// `lines.2.quantity`, …: the input the error is about.
    pub field: Option<String>,
    pub error: Option<String>,
}

/// What an invoice with these lines would add up to, as it would be saved.
#[derive(SimpleObject)]
pub struct InvoicePreview {
    pub lines: Vec<LinePreview>,
    pub subtotal: Money,
    pub discount: Money,
    pub tax: Money,
    pub total: Money,
    pub taxes: Vec<TaxLine>,
}

/// An invoice and who it was emailed to.
#[derive(SimpleObject)]
pub struct InvoiceDelivery {
    pub invoice: Invoice,
    pub recipients: Vec<String>,
}

#[derive(Default)]
pub struct InvoiceEditorQuery;

#[Object]
impl InvoiceEditorQuery {
    /// Staff: the amounts of lines being edited, with the business's rounding (nothing is
    /// saved). A line that cannot be computed yet says why instead of failing the whole preview.
    async fn invoice_preview(
        &self,
        ctx: &Context<'_>,
        currency: String,
        lines: Vec<LineInput>,
    ) -> Result<InvoicePreview> {
        let s = scope(ctx)?;
        s.require_staff()?;
        let currency = portico_domain::Currency::parse(&currency).map_err(AppError::from)?;
        if lines.len() > MAX_LINES_INPUT {
            return Err(
                AppError::bad_input("lines", format!("at most {MAX_LINES_INPUT} lines")).into(),
            );
        }
        let parsed = lines
            .iter()
            .enumerate()
            .map(|(i, l)| l.parse(currency).map_err(|e| at_line(i, e)))
            .collect();
        let p = store(ctx).preview_lines(s, currency, parsed).await?;
        let t = p.totals;
        Ok(InvoicePreview {
            lines: p
                .lines
                .into_iter()
                .map(|l| match l {
                    PreviewLine::Ok(a) => LinePreview {
                        subtotal: Some(a.subtotal.into()),
                        discount: Some(a.discount.into()),
                        tax: Some(a.tax.into()),
                        total: Some(a.total.into()),
                        field: None,
                        error: None,
                    },
                    PreviewLine::Refused { field, message } => LinePreview {
                        subtotal: None,
                        discount: None,
                        tax: None,
                        total: None,
                        field: Some(field),
                        error: Some(message),
                    },
                })
                .collect(),
            subtotal: t.subtotal.into(),
            discount: t.discount.into(),
            tax: t.tax.into(),
            total: t.total.into(),
            taxes: t
                .taxes
                .into_iter()
                .map(|b| TaxLine {
                    rate: Decimal(b.rate.normalize().to_string()),
                    net: b.net.into(),
                    tax: b.tax.into(),
                })
                .collect(),
        })
    }
}

#[derive(Default)]
pub struct InvoiceEditorMutation;

#[Object]
impl InvoiceEditorMutation {
    /// A new draft copying an invoice's client, currency, lines, notes and terms, dated today
    /// and due as many days later as the original.
    async fn duplicate_invoice(&self, ctx: &Context<'_>, id: ID) -> Result<Invoice> {
        let id = crate::core::ids::InvoiceId::from_global(&id)?;
        let inv = store(ctx)
            .duplicate_invoice(scope(ctx)?, &id, today(ctx))
            .await?;
        publish_invoice(ctx, &inv, "created").await;
        Ok(Invoice(inv))
    }

    /// Staff: the draft invoice an accepted estimate becomes, with its client, currency, lines
    /// and notes (its reference is the estimate's number). Once per estimate: CONFLICT after.
    async fn convert_estimate(&self, ctx: &Context<'_>, id: ID) -> Result<Invoice> {
        let id = crate::core::ids::decode(&id, "Estimate")?;
        let inv = store(ctx)
            .convert_estimate(scope(ctx)?, &id, today(ctx))
            .await?;
        publish_invoice(ctx, &inv, "created").await;
        Ok(Invoice(inv))
    }

    /// Emails an invoice to the client's contacts who can pay it (admin and payer), each in
    /// their language, with a link to it and its PDF (unless the business turned attachments
    /// off). A draft is issued first. A client without such contacts gets it at its billing
    /// email with an invoice link valid for 90 days. `message`: a note put above the summary.
    async fn send_invoice(
        &self,
        ctx: &Context<'_>,
        id: ID,
        message: Option<String>,
    ) -> Result<InvoiceDelivery> {
        let s = scope(ctx)?;
        let id = crate::core::ids::InvoiceId::from_global(&id)?;
        let message = long_text("message", message.as_deref())?;
        let sent = store(ctx).send_invoice(s, &id, message).await?;
        if sent.issued {
            publish_invoice(ctx, &sent.invoice, "issued").await;
        }
        Ok(InvoiceDelivery {
            invoice: Invoice(sent.invoice),
            recipients: sent.recipients,
        })
    }
}
