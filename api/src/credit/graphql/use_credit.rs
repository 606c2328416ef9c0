//! Using the client's credit on chosen invoices (the pay page's "Use my credit"), for contacts
//! who may pay and for staff with the payments grant. Merged into the Mutation root.

use async_graphql::{Context, Object, Result, SimpleObject, ID};

use crate::core::error::AppError;
use crate::core::events::Event;
use crate::credit::MAX_CREDIT_INVOICES;
use crate::graphql::context::{scope, shared, store, today};
use crate::graphql::scalars::Money;
use crate::invoicing::graphql::Invoice;

/// What using credit did.
#[derive(SimpleObject)]
pub struct CreditUse {
    /// The credit put on the invoices.
    pub applied: Money,
    /// The chosen invoices after it (due first).
    pub invoices: Vec<Invoice>,
    /// What is still due on them: the amount to pay online, if any.
    pub remaining: Money,
    /// Credit the client still has in this currency.
    pub credit_left: Money,
}

impl From<crate::credit::CreditUse> for CreditUse {
    fn from(u: crate::credit::CreditUse) -> Self {
        CreditUse {
            applied: u.applied.into(),
            invoices: u.invoices.into_iter().map(Invoice).collect(),
            remaining: u.remaining.into(),
            credit_left: u.credit_left.into(),
        }
    }
}

#[derive(Default)]
pub struct CreditUseMutation;

#[Object]
impl CreditUseMutation {
    /// Uses the client's credit (over-payments held as credit, then open credit notes, oldest
    /// first) on these open invoices, due first; what remains due can then be paid with
    /// `startPayment`. Client admins and payers (their own client), staff with payments access.
    async fn use_credit(&self, ctx: &Context<'_>, invoice_ids: Vec<ID>) -> Result<CreditUse> {
        let s = scope(ctx)?;
        if invoice_ids.len() > MAX_CREDIT_INVOICES {
            return Err(AppError::bad_input(
                "invoiceIds",
                format!("at most {MAX_CREDIT_INVOICES} invoices at a time"),
            )
            .into());
        }
        let ids = invoice_ids
            .iter()
            .map(|i| crate::core::ids::InvoiceId::from_global(i).map(String::from))
            .collect::<Result<Vec<_>, _>>()?;
        let used = store(ctx).use_client_credit(s, &ids, today(ctx)).await?;
        for inv in &used.invoices {
            shared(ctx)
                .bus
                .publish(Event::invoice(&s.tenant_id, inv, inv.status.as_str()))
                .await;
        }
        Ok(used.into())
    }
}
