//! GraphQL types for estimates, projects with time entries, and message threads.

use async_graphql::{Context, Enum, Object, Result, SimpleObject, ID};

use super::context::{loader, scope, store, today};
use super::ledger::Line;
use super::parties::Client;
use super::scalars::{Date, Decimal, Money};
use crate::core::ids;

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

pub struct Project(pub crate::projects::Project);

#[Object]
impl Project {
    pub async fn id(&self) -> ID {
        ids::encode("Project", &self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    async fn status(&self) -> &str {
        &self.0.status
    }
    async fn client(&self, ctx: &Context<'_>) -> Result<Option<Client>> {
        Ok(loader(ctx, |l| &l.clients)?
            .load_one(self.0.client_id.clone())
            .await?
            .map(Client))
    }
    /// Time entries, oldest first; `billableOnly` keeps the billable ones.
    async fn time_entries(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false)] billable_only: bool,
    ) -> Result<Vec<TimeEntry>> {
        let entries = self.entries(ctx).await?;
        Ok(entries
            .into_iter()
            .filter(|e| !billable_only || e.billable)
            .map(TimeEntry)
            .collect())
    }
    async fn total_hours(&self, ctx: &Context<'_>) -> Result<Decimal> {
        let total: rust_decimal::Decimal = self.entries(ctx).await?.iter().map(|e| e.hours).sum();
        Ok(Decimal(total.normalize().to_string()))
    }
    async fn summary_by_task(&self, ctx: &Context<'_>) -> Result<Vec<TimeSummary>> {
        self.summary(ctx, portico_domain::summarize_by_task).await
    }
    async fn summary_by_assignee(&self, ctx: &Context<'_>) -> Result<Vec<TimeSummary>> {
        self.summary(ctx, portico_domain::summarize_by_assignee)
            .await
    }
    /// Keys are `YYYY-MM`.
    async fn summary_by_month(&self, ctx: &Context<'_>) -> Result<Vec<TimeSummary>> {
        self.summary(ctx, portico_domain::summarize_by_month).await
    }
}

impl Project {
    async fn entries(&self, ctx: &Context<'_>) -> Result<Vec<crate::projects::TimeEntry>> {
        Ok(loader(ctx, |l| &l.time_entries)?
            .load_one(self.0.id.clone())
            .await?
            .unwrap_or_default())
    }

    async fn summary(
        &self,
        ctx: &Context<'_>,
        f: fn(&[portico_domain::TimeEntryFacts]) -> Vec<portico_domain::TimeSummary>,
    ) -> Result<Vec<TimeSummary>> {
        let facts: Vec<_> = self
            .entries(ctx)
            .await?
            .iter()
            .map(crate::projects::TimeEntry::facts)
            .collect();
        Ok(f(&facts)
            .into_iter()
            .map(|s| TimeSummary {
                key: s.key,
                hours: Decimal(s.hours.normalize().to_string()),
                billable_hours: Decimal(s.billable_hours.normalize().to_string()),
                unbilled_hours: Decimal(s.unbilled_hours.normalize().to_string()),
                entries: s.entries as i32,
            })
            .collect())
    }
}

#[derive(SimpleObject)]
pub struct TimeSummary {
    pub key: String,
    pub hours: Decimal,
    pub billable_hours: Decimal,
    /// Billable and not yet billed.
    pub unbilled_hours: Decimal,
    pub entries: i32,
}

pub struct TimeEntry(pub crate::projects::TimeEntry);

#[Object]
impl TimeEntry {
    pub async fn id(&self) -> ID {
        ids::encode("TimeEntry", &self.0.id)
    }
    async fn task(&self) -> &str {
        &self.0.task
    }
    async fn assignee(&self) -> &str {
        &self.0.assignee
    }
    async fn date(&self) -> Date {
        Date(self.0.date)
    }
    async fn hours(&self) -> Decimal {
        Decimal(self.0.hours.normalize().to_string())
    }
    async fn billable(&self) -> bool {
        self.0.billable
    }
    async fn billed(&self) -> bool {
        self.0.billed
    }
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
}

pub struct Thread(pub crate::threads::Thread);

#[Object]
impl Thread {
    pub async fn id(&self) -> ID {
        ids::encode("Thread", &self.0.id)
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// `invoice`, `estimate` or `project`.
    async fn subject_kind(&self) -> &str {
        &self.0.subject_kind
    }
    async fn subject_id(&self) -> ID {
        let kind = match self.0.subject_kind.as_str() {
            "invoice" => "Invoice",
            "estimate" => "Estimate",
            _ => "Project",
        };
        ids::encode(kind, &self.0.subject_id)
    }
    async fn message_count(&self) -> i64 {
        self.0.message_count
    }
    /// Messages by others since the caller last opened this thread (with `thread(id)`).
    async fn unread_count(&self) -> i64 {
        self.0.unread_count
    }
    async fn last_message_at(&self) -> i64 {
        self.0.last_message_at
    }
    async fn messages(&self, ctx: &Context<'_>) -> Result<Vec<Message>> {
        Ok(store(ctx)
            .messages(scope(ctx)?, &self.0.id)
            .await?
            .into_iter()
            .map(Message)
            .collect())
    }
}

pub struct Message(pub crate::threads::Message);

#[Object]
impl Message {
    pub async fn id(&self) -> ID {
        ids::encode("Message", &self.0.id)
    }
    /// `staff`, `contact` or `partner`.
    async fn author_kind(&self) -> &str {
        &self.0.author_kind
    }
    async fn author_name(&self) -> &str {
        &self.0.author_name
    }
    async fn body(&self) -> &str {
        &self.0.body
    }
    /// Unix milliseconds.
    async fn created_at(&self) -> i64 {
        self.0.created_at
    }
}
