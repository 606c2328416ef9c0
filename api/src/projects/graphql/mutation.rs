//! Projects, time entries and message threads.

use async_graphql::{Context, Object, Result, ID};
use portico_domain::validate;

use crate::core::error::AppError;
use crate::core::ids;
use crate::graphql::context::{scope, store};
use crate::graphql::inputs::{long_text, name};
use crate::graphql::query::subject_of;
use crate::projects::graphql::{Project, TimeEntry};
use crate::projects::NewProject;
use crate::projects::NewTimeEntry;
use crate::threads::graphql::Message;

use crate::graphql::mutation::*;

#[derive(Default)]
pub struct WorkMutation;

#[Object]
impl WorkMutation {
    async fn create_project(
        &self,
        ctx: &Context<'_>,
        input: CreateProjectInput,
    ) -> Result<Project> {
        let new = NewProject {
            client_id: ids::decode(&input.client_id, "Client")?,
            name: name("name", &input.name)?,
            description: long_text("description", input.description.as_deref())?,
        };
        Ok(Project(store(ctx).create_project(scope(ctx)?, new).await?))
    }

    async fn update_project(
        &self,
        ctx: &Context<'_>,
        input: UpdateProjectInput,
    ) -> Result<Project> {
        let id = ids::decode(&input.id, "Project")?;
        let new_name = input.name.as_deref().map(|n| name("name", n)).transpose()?;
        let description = long_text("description", input.description.as_deref())?;
        let project = store(ctx)
            .update_project(scope(ctx)?, &id, new_name, description, input.status)
            .await?;
        Ok(Project(project))
    }

    /// Deletes an unbilled time entry; returns true.
    async fn delete_time_entry(&self, ctx: &Context<'_>, id: ID) -> Result<bool> {
        let id = ids::decode(&id, "TimeEntry")?;
        store(ctx).delete_time_entry(scope(ctx)?, &id).await?;
        Ok(true)
    }

    async fn add_time_entry(
        &self,
        ctx: &Context<'_>,
        input: AddTimeEntryInput,
    ) -> Result<TimeEntry> {
        let new = NewTimeEntry {
            project_id: ids::decode(&input.project_id, "Project")?,
            task: name("task", &input.task)?,
            assignee: name("assignee", &input.assignee)?,
            date: input.date.0,
            hours: validate::decimal("hours", &input.hours.0, 2, false).map_err(AppError::from)?,
            billable: input.billable,
            note: long_text("note", input.note.as_deref())?,
        };
        Ok(TimeEntry(
            store(ctx).add_time_entry(scope(ctx)?, new).await?,
        ))
    }

    /// Marks billable time entries as billed (or not); returns how many changed.
    async fn set_time_entries_billed(
        &self,
        ctx: &Context<'_>,
        entry_ids: Vec<ID>,
        billed: bool,
    ) -> Result<i64> {
        if entry_ids.len() > 500 {
            return Err(AppError::bad_input("ids", "at most 500 entries at once").into());
        }
        let mut raw = entry_ids
            .iter()
            .map(|i| ids::decode(i, "TimeEntry"))
            .collect::<Result<Vec<_>, _>>()?;
        raw.sort();
        raw.dedup();
        Ok(store(ctx)
            .set_time_entries_billed(scope(ctx)?, &raw, billed)
            .await? as i64)
    }

    /// Posts a message on the thread of an invoice, estimate or project (staff, partners and the
    /// client's contacts).
    async fn post_message(
        &self,
        ctx: &Context<'_>,
        subject_id: ID,
        body: String,
    ) -> Result<Message> {
        crate::graphql::context::require_section(ctx, crate::tenancy::Section::Messages).await?;
        let (kind, raw) = subject_of(&subject_id)?;
        let body = validate::text("body", &body, validate::MAX_TEXT).map_err(AppError::from)?;
        let s = scope(ctx)?;
        let m = store(ctx).post_message(s, kind, &raw, body).await?;
        // Everyone in the thread may have an unread message now (the client of a staff post is
        // the thread's; an empty client reaches the whole tenant, and each counts only its own).
        let client = s.client_filter().unwrap_or_default().to_owned();
        publish_activity(ctx, &client, "message.posted", &m.thread_id).await;
        Ok(Message(m))
    }
}
