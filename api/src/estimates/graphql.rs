//! GraphQL types of estimates.

use async_graphql::{Context, Enum, Object, Result, ID};

use crate::core::ids;
use crate::graphql::context::{loader, today};
use crate::graphql::scalars::{Date, Money};
use crate::invoicing::graphql::Line;
use crate::parties::graphql::Client;

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum EstimateStatus {
    Draft,
    Sent,
    Accepted,
    Rejected,
    Expired,
}

pub struct Estimate(pub crate::estimates::Estimate);

#[Object]
impl Estimate {
    pub async fn id(&self) -> ID {
        ids::encode("Estimate", &self.0.id)
    }
    /// This estimate as a PDF (same authorisation as reading it; audited).
    async fn pdf_url(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(
            crate::graphql::context::pdf_url(ctx, "estimate", &ids::encode("Estimate", &self.0.id))
                .await?,
        )
    }
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// A sent estimate past its validity reads as expired.
    async fn status(&self, ctx: &Context<'_>) -> EstimateStatus {
        use portico_domain::EstimateStatus as S;
        match self.0.effective_status(today(ctx)) {
            S::Draft => EstimateStatus::Draft,
            S::Sent => EstimateStatus::Sent,
            S::Accepted => EstimateStatus::Accepted,
            S::Rejected => EstimateStatus::Rejected,
            S::Expired => EstimateStatus::Expired,
        }
    }
    async fn currency(&self) -> &str {
        self.0.currency.code()
    }
    async fn issue_date(&self) -> Date {
        Date(self.0.issue_date)
    }
    async fn valid_until(&self) -> Option<Date> {
        self.0.valid_until.map(Date)
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
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    /// The comment given on acceptance or the reason given on rejection.
    async fn decision_comment(&self) -> Option<&str> {
        self.0.decision_comment.as_deref()
    }
    async fn decided_by(&self) -> Option<&str> {
        self.0.decided_by.as_deref()
    }
    /// The invoice this accepted estimate became (`convertEstimate`), as the caller may see it.
    async fn invoice(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::invoicing::graphql::Invoice>> {
        let Some(id) = &self.0.invoice_id else {
            return Ok(None);
        };
        let id = crate::core::ids::InvoiceId::from_raw(id.clone());
        Ok(crate::graphql::context::store(ctx)
            .invoice(crate::graphql::context::scope(ctx)?, &id)
            .await?
            .map(crate::invoicing::graphql::Invoice))
    }
    async fn client(&self, ctx: &Context<'_>) -> Result<Option<Client>> {
        Ok(loader(ctx, |l| &l.clients)?
            .load_one(self.0.client_id.clone())
            .await?
            .map(Client))
    }
    async fn lines(&self, ctx: &Context<'_>) -> Result<Vec<Line>> {
        let lines = loader(ctx, |l| &l.lines)?
            .load_one(self.0.id.clone())
            .await?
            .unwrap_or_default();
        Ok(lines.into_iter().map(Line).collect())
    }
}

/// Every field of a draft estimate, as the staff editor saves it (all replaced).
#[derive(async_graphql::InputObject)]
pub struct UpdateEstimateInput {
    pub id: ID,
    pub client_id: ID,
    /// Default: the client's currency.
    pub currency: Option<String>,
    /// Default: today.
    pub issue_date: Option<Date>,
    pub valid_until: Option<Date>,
    pub notes: Option<String>,
    /// Every line, in this order.
    #[graphql(default)]
    pub lines: Vec<crate::graphql::inputs::LineInput>,
}

#[derive(Default)]
pub struct EstimateEditorMutation;

#[Object]
impl EstimateEditorMutation {
    /// Replaces a draft estimate's client, currency, dates, notes and lines (staff). A sent
    /// estimate is refused: the client may be deciding on it. A line's error names it
    /// (`lines.2.quantity`).
    async fn update_estimate(
        &self,
        ctx: &Context<'_>,
        input: UpdateEstimateInput,
    ) -> Result<Estimate> {
        let s = crate::graphql::context::scope(ctx)?;
        s.require_staff()?;
        let id = ids::decode(&input.id, "Estimate")?;
        let client_id = ids::decode(&input.client_id, "Client")?;
        let currency =
            crate::graphql::mutation::client_currency(ctx, &client_id, input.currency.as_deref())
                .await?;
        let draft = crate::estimates::drafts::EstimateDraft {
            client_id,
            currency,
            issue_date: input.issue_date.map(|d| d.0).unwrap_or_else(|| today(ctx)),
            valid_until: input.valid_until.map(|d| d.0),
            notes: crate::graphql::inputs::long_text("notes", input.notes.as_deref())?,
            lines: crate::graphql::mutation::lines(&input.lines, currency)?,
        };
        let store = crate::graphql::context::store(ctx);
        Ok(Estimate(store.update_estimate(s, &id, draft).await?))
    }
}
