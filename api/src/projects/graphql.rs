//! GraphQL types of projects and their time; the work mutations (estimates, projects, time,
//! messages) are a submodule.

use async_graphql::{Context, Object, Result, SimpleObject, ID};

use crate::core::ids;
use crate::graphql::context::loader;
use crate::graphql::scalars::{Date, Decimal};
use crate::parties::graphql::Client;

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

pub mod mutation;
