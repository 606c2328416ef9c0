//! GraphQL types of credit: credit notes; using credit is a submodule.

use async_graphql::{ComplexObject, Context, Enum, Result, SimpleObject, ID};

use crate::core::ids;
use crate::graphql::context::loader;
use crate::graphql::scalars::{Date, Money};
use crate::invoicing::graphql::Invoice;
use crate::parties::graphql::Client;

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
    /// This credit note as an EN 16931 e-invoice (UBL 2.1 CreditNote) with its PDF embedded.
    async fn e_invoice_url(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(crate::graphql::context::ubl_url(
            ctx,
            "credit-note",
            &ids::encode("CreditNote", &self.inner.id),
        )
        .await?)
    }
    /// This credit note as a PDF (same authorisation as reading it; audited).
    async fn pdf_url(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(crate::graphql::context::pdf_url(
            ctx,
            "credit-note",
            &ids::encode("CreditNote", &self.inner.id),
        )
        .await?)
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

pub mod use_credit;
