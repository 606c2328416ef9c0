//! Documents: invoices, credit notes and estimates.

use async_graphql::{Context, MaybeUndefined, Object, Result, ID};

use crate::core::error::AppError;
use crate::core::ids;
use crate::credit::graphql::CreditNote;
use crate::credit::NewCreditNote;
use crate::estimates::graphql::Estimate;
use crate::estimates::NewEstimate;
use crate::graphql::context::{scope, store, today};
use crate::graphql::inputs::{long_text, name, positive_amount, short_text, LineInput};
use crate::graphql::scalars::Decimal;
use crate::invoicing::graphql::Invoice;
use crate::invoicing::NewInvoice;

use crate::graphql::mutation::*;

#[derive(Default)]
pub struct DocumentsMutation;

#[Object]
impl DocumentsMutation {
    /// Creates a draft invoice with its lines.
    async fn create_invoice(
        &self,
        ctx: &Context<'_>,
        input: CreateInvoiceInput,
    ) -> Result<Invoice> {
        let s = scope(ctx)?;
        s.require_staff()?;
        let client_id = ids::decode(&input.client_id, "Client")?;
        let currency = client_currency(ctx, &client_id, input.currency.as_deref()).await?;
        let new = NewInvoice {
            client_id,
            number: number(input.number.as_deref())?,
            reference: short_text("reference", input.reference.as_deref())?,
            currency: Some(currency),
            issue_date: input.issue_date.map(|d| d.0).unwrap_or_else(|| today(ctx)),
            due_date: input.due_date.map(|d| d.0),
            notes: long_text("notes", input.notes.as_deref())?,
            terms: long_text("terms", input.terms.as_deref())?,
            lines: lines(&input.lines, currency)?,
        };
        let inv = store(ctx).create_invoice(s, new).await?;
        publish_invoice(ctx, &inv, "created").await;
        Ok(Invoice(inv))
    }

    /// Changes a draft: any of its client, currency, reference, dates, notes, terms and lines
    /// (all the lines at once), in one step.
    async fn update_invoice(
        &self,
        ctx: &Context<'_>,
        input: UpdateInvoiceInput,
    ) -> Result<Invoice> {
        let s = scope(ctx)?;
        s.require_staff()?;
        let id = crate::core::ids::InvoiceId::from_global(&input.id)?;
        let current = store(ctx)
            .invoice(s, &id)
            .await?
            .ok_or(AppError::NotFound("invoice"))?;
        let currency = crate::graphql::inputs::currency_opt(input.currency.as_deref())?;
        let cleared = |field: &'static str, v: MaybeUndefined<String>, long: bool| {
            Ok::<_, AppError>(match v {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(t) if long => Some(long_text(field, Some(&t))?),
                MaybeUndefined::Value(t) => Some(short_text(field, Some(&t))?),
            })
        };
        let patch = crate::invoicing::InvoicePatch {
            client_id: input
                .client_id
                .map(|c| ids::decode(&c, "Client").map(crate::core::ids::ClientId::from_raw))
                .transpose()?,
            currency,
            reference: cleared("reference", input.reference, false)?,
            issue_date: input.issue_date.map(|d| d.0),
            due_date: input.due_date.map(|d| d.0),
            notes: cleared("notes", input.notes, true)?,
            terms: cleared("terms", input.terms, true)?,
            lines: input
                .lines
                .as_deref()
                .map(|l| lines(l, currency.unwrap_or(current.currency)))
                .transpose()?,
        };
        let inv = store(ctx).update_invoice(s, &id, patch).await?;
        publish_invoice(ctx, &inv, "updated").await;
        Ok(Invoice(inv))
    }

    /// Adds a line to a draft invoice.
    async fn add_invoice_line(
        &self,
        ctx: &Context<'_>,
        invoice_id: ID,
        line: LineInput,
    ) -> Result<Invoice> {
        let s = scope(ctx)?;
        let id = crate::core::ids::InvoiceId::from_global(&invoice_id)?;
        let inv = store(ctx)
            .invoice(s, &id)
            .await?
            .ok_or(AppError::NotFound("invoice"))?;
        let line = line.parse(inv.currency)?;
        Ok(Invoice(store(ctx).add_invoice_line(s, &id, line).await?))
    }

    async fn remove_invoice_line(&self, ctx: &Context<'_>, line_id: ID) -> Result<Invoice> {
        let id = ids::decode(&line_id, "Line")?;
        Ok(Invoice(
            store(ctx).remove_invoice_line(scope(ctx)?, &id).await?,
        ))
    }

    /// draft → issued.
    async fn issue_invoice(&self, ctx: &Context<'_>, id: ID) -> Result<Invoice> {
        let id = crate::core::ids::InvoiceId::from_global(&id)?;
        let inv = store(ctx).issue_invoice(scope(ctx)?, &id).await?;
        publish_invoice(ctx, &inv, "issued").await;
        Ok(Invoice(inv))
    }

    /// draft or issued (nothing settled) → void.
    async fn void_invoice(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: Option<String>,
    ) -> Result<Invoice> {
        let id = crate::core::ids::InvoiceId::from_global(&id)?;
        let reason = short_text("reason", reason.as_deref())?;
        let inv = store(ctx).void_invoice(scope(ctx)?, &id, reason).await?;
        // A draft that was never issued was never the client's: only staff hear of it.
        if inv.issued_at.is_some() {
            publish_invoice(ctx, &inv, "voided").await;
        }
        Ok(Invoice(inv))
    }

    async fn create_credit_note(
        &self,
        ctx: &Context<'_>,
        input: CreateCreditNoteInput,
    ) -> Result<CreditNote> {
        let s = scope(ctx)?;
        s.require_staff()?;
        let client_id = ids::decode(&input.client_id, "Client")?;
        let currency = client_currency(ctx, &client_id, input.currency.as_deref()).await?;
        let new = NewCreditNote {
            client_id,
            invoice_id: input
                .invoice_id
                .map(|i| crate::core::ids::InvoiceId::from_global(&i).map(String::from))
                .transpose()?,
            amount: positive_amount("amount", &input.amount, currency)?,
            reason: name("reason", &input.reason)?,
            issue_date: input.issue_date.map(|d| d.0).unwrap_or_else(|| today(ctx)),
        };
        Ok(store(ctx).create_credit_note(s, new).await?.into())
    }

    /// draft → open.
    async fn issue_credit_note(&self, ctx: &Context<'_>, id: ID) -> Result<CreditNote> {
        let id = ids::decode(&id, "CreditNote")?;
        Ok(store(ctx).issue_credit_note(scope(ctx)?, &id).await?.into())
    }

    async fn void_credit_note(&self, ctx: &Context<'_>, id: ID) -> Result<CreditNote> {
        let id = ids::decode(&id, "CreditNote")?;
        Ok(store(ctx).void_credit_note(scope(ctx)?, &id).await?.into())
    }

    /// Applies part or all of an open credit note to an open invoice of the same client.
    async fn apply_credit_note(
        &self,
        ctx: &Context<'_>,
        id: ID,
        invoice_id: ID,
        amount: Decimal,
    ) -> Result<CreditNote> {
        let s = scope(ctx)?;
        let id = ids::decode(&id, "CreditNote")?;
        let invoice_id = crate::core::ids::InvoiceId::from_global(&invoice_id)?;
        let cn = store(ctx)
            .credit_notes(s, None, Some(&id), 1, 0)
            .await?
            .into_iter()
            .next()
            .ok_or(AppError::NotFound("credit note"))?;
        let amount = positive_amount("amount", &amount, cn.currency)?;
        let (cn, inv) = store(ctx)
            .apply_credit_note(s, &id, &invoice_id, amount, today(ctx))
            .await?;
        publish_invoice(ctx, &inv, inv.status.as_str()).await;
        Ok(cn.into())
    }

    async fn create_estimate(
        &self,
        ctx: &Context<'_>,
        input: CreateEstimateInput,
    ) -> Result<Estimate> {
        let s = scope(ctx)?;
        s.require_staff()?;
        let client_id = ids::decode(&input.client_id, "Client")?;
        let currency = client_currency(ctx, &client_id, input.currency.as_deref()).await?;
        let new = NewEstimate {
            client_id,
            number: number(input.number.as_deref())?,
            currency: Some(currency),
            issue_date: input.issue_date.map(|d| d.0).unwrap_or_else(|| today(ctx)),
            valid_until: input.valid_until.map(|d| d.0),
            notes: long_text("notes", input.notes.as_deref())?,
            lines: lines(&input.lines, currency)?,
        };
        Ok(Estimate(store(ctx).create_estimate(s, new).await?))
    }

    /// draft → sent.
    async fn send_estimate(&self, ctx: &Context<'_>, id: ID) -> Result<Estimate> {
        let id = ids::decode(&id, "Estimate")?;
        Ok(Estimate(store(ctx).send_estimate(scope(ctx)?, &id).await?))
    }

    /// A client contact (admin or payer) accepts a sent estimate.
    async fn accept_estimate(
        &self,
        ctx: &Context<'_>,
        id: ID,
        comment: Option<String>,
    ) -> Result<Estimate> {
        crate::graphql::context::require_section(ctx, crate::tenancy::Section::Estimates).await?;
        let id = ids::decode(&id, "Estimate")?;
        let comment =
            portico_domain::estimate_comment(comment.as_deref()).map_err(AppError::from)?;
        let e = store(ctx)
            .accept_estimate(scope(ctx)?, &id, comment, today(ctx))
            .await?;
        publish_activity(ctx, &e.client_id, "estimate.accepted", &e.id).await;
        Ok(Estimate(e))
    }

    /// A client contact (admin or payer) rejects a sent estimate, giving a reason.
    async fn reject_estimate(&self, ctx: &Context<'_>, id: ID, reason: String) -> Result<Estimate> {
        crate::graphql::context::require_section(ctx, crate::tenancy::Section::Estimates).await?;
        let id = ids::decode(&id, "Estimate")?;
        let e = store(ctx)
            .reject_estimate(scope(ctx)?, &id, reason, today(ctx))
            .await?;
        publish_activity(ctx, &e.client_id, "estimate.rejected", &e.id).await;
        Ok(Estimate(e))
    }
}
