//! Projects of a client and the time entries logged on them.

use chrono::NaiveDate;
use portico_domain::{validate_hours, TimeEntryFacts};
use rust_decimal::Decimal;
use sqlx::any::AnyRow;

use crate::core::audit;
use crate::core::db::new_id;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::error::{AppError, AppResult};
use crate::core::scope::Scope;

#[derive(Debug, Clone)]
pub struct Project {
    pub id: String,
    pub client_id: String,
    pub name: String,
    pub description: Option<String>,
    pub status: String,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewProject {
    pub client_id: String,
    pub name: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct TimeEntry {
    pub id: String,
    pub project_id: String,
    pub task: String,
    pub assignee: String,
    pub date: NaiveDate,
    pub hours: Decimal,
    pub billable: bool,
    pub billed: bool,
    pub note: Option<String>,
}

impl TimeEntry {
    pub fn facts(&self) -> TimeEntryFacts {
        TimeEntryFacts {
            task: self.task.clone(),
            assignee: self.assignee.clone(),
            date: self.date,
            hours: self.hours,
            billable: self.billable,
            billed: self.billed,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewTimeEntry {
    pub project_id: String,
    pub task: String,
    pub assignee: String,
    pub date: NaiveDate,
    pub hours: Decimal,
    pub billable: bool,
    pub note: Option<String>,
}

fn project(row: &AnyRow) -> AppResult<Project> {
    Ok(Project {
        id: rows::text(row, "id")?,
        client_id: rows::text(row, "client_id")?,
        name: rows::text(row, "name")?,
        description: rows::opt_text(row, "description")?,
        status: rows::text(row, "status")?,
        created_at: rows::int(row, "created_at")?,
    })
}

fn entry(row: &AnyRow) -> AppResult<TimeEntry> {
    Ok(TimeEntry {
        id: rows::text(row, "id")?,
        project_id: rows::text(row, "project_id")?,
        task: rows::text(row, "task")?,
        assignee: rows::text(row, "assignee")?,
        date: rows::date(row, "work_date")?,
        hours: rows::decimal(row, "hours")?,
        billable: rows::flag(row, "billable")?,
        billed: rows::flag(row, "billed")?,
        note: rows::opt_text(row, "note")?,
    })
}

impl Store {
    pub async fn create_project(&self, scope: &Scope, new: NewProject) -> AppResult<Project> {
        scope.require_staff()?;
        let mut tx = self.write_scoped(scope).await?;
        let client = tx
            .fetch_optional(
                sqlx::query("SELECT id FROM clients WHERE tenant_id = $1 AND id = $2")
                    .bind(scope.tenant_id.clone())
                    .bind(new.client_id.clone()),
            )
            .await?;
        if client.is_none() {
            return Err(AppError::NotFound("client"));
        }
        let id = new_id();
        let row = tx
            .fetch_one(
                sqlx::query(
                    "INSERT INTO projects (id, tenant_id, client_id, name, description, status, created_at) \
                     VALUES ($1, $2, $3, $4, $5, 'active', $6) RETURNING id, client_id, name, description, status, created_at",
                )
                .bind(id.clone())
                .bind(scope.tenant_id.clone())
                .bind(new.client_id)
                .bind(new.name)
                .bind(new.description)
                .bind(tx.now_ms()),
            )
            .await?;
        audit::record(&mut tx, scope, "project.created", "project", &id, None).await?;
        tx.commit().await?;
        project(&row)
    }

    pub async fn projects(
        &self,
        scope: &Scope,
        client_id: Option<&str>,
        id: Option<&str>,
    ) -> AppResult<Vec<Project>> {
        let mut tx = self.read_scoped(scope).await?;
        let rows = tx
            .fetch_all(
                sqlx::query(
                    "SELECT id, client_id, name, description, status, created_at FROM projects WHERE tenant_id = $1 \
                     AND ($2 IS NULL OR client_id = $2) AND ($3 IS NULL OR client_id = $3) AND ($4 IS NULL OR id = $4) \
                     ORDER BY name, id LIMIT 500",
                )
                .bind(scope.tenant_id.clone())
                .bind(scope.client_filter().map(str::to_owned))
                .bind(client_id.map(str::to_owned))
                .bind(id.map(str::to_owned)),
            )
            .await?;
        tx.commit().await?;
        rows.iter().map(project).collect()
    }

    pub async fn add_time_entry(&self, scope: &Scope, new: NewTimeEntry) -> AppResult<TimeEntry> {
        scope.require_staff()?;
        let hours = validate_hours(new.hours)?;
        let mut tx = self.write_scoped(scope).await?;
        let p = tx
            .fetch_optional(
                sqlx::query("SELECT id FROM projects WHERE tenant_id = $1 AND id = $2")
                    .bind(scope.tenant_id.clone())
                    .bind(new.project_id.clone()),
            )
            .await?;
        if p.is_none() {
            return Err(AppError::NotFound("project"));
        }
        let id = new_id();
        let row = tx
            .fetch_one(
                sqlx::query(
                    "INSERT INTO time_entries (id, tenant_id, project_id, task, assignee, work_date, hours, billable, note, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                     RETURNING id, project_id, task, assignee, work_date, hours, billable, billed, note",
                )
                .bind(id.clone())
                .bind(scope.tenant_id.clone())
                .bind(new.project_id.clone())
                .bind(new.task)
                .bind(new.assignee)
                .bind(rows::date_str(new.date))
                .bind(hours.normalize().to_string())
                .bind(i64::from(new.billable))
                .bind(new.note)
                .bind(tx.now_ms()),
            )
            .await?;
        audit::record(
            &mut tx,
            scope,
            "time_entry.added",
            "project",
            &new.project_id,
            None,
        )
        .await?;
        tx.commit().await?;
        entry(&row)
    }

    /// Marks billable time entries as billed (or not).
    pub async fn set_time_entries_billed(
        &self,
        scope: &Scope,
        ids: &[String],
        billed: bool,
    ) -> AppResult<u64> {
        scope.require_staff()?;
        let mut ids = ids.to_vec();
        ids.sort();
        ids.dedup();
        if ids.is_empty() {
            return Ok(0);
        }
        let mut tx = self.write_scoped(scope).await?;
        // Every id must be one of this tenant's entries: an unknown one (or another tenant's) is
        // NOT_FOUND, as reads answer, and nothing changes.
        let count_sql = format!(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM time_entries WHERE tenant_id = $1 AND id IN ({})",
            rows::placeholders(2, ids.len())
        );
        let mut count = sqlx::query(&count_sql).bind(scope.tenant_id.clone());
        for id in &ids {
            count = count.bind(id.clone());
        }
        let found = rows::int(&tx.fetch_one(count).await?, "n")?;
        if usize::try_from(found).unwrap_or(0) != ids.len() {
            return Err(AppError::NotFound("time entry"));
        }
        let sql = format!(
            "UPDATE time_entries SET billed = $1 WHERE tenant_id = $2 AND billable = 1 AND id IN ({})",
            rows::placeholders(3, ids.len())
        );
        let mut q = sqlx::query(&sql)
            .bind(i64::from(billed))
            .bind(scope.tenant_id.clone());
        for id in &ids {
            q = q.bind(id.clone());
        }
        let n = tx.execute(q).await?;
        audit::record(
            &mut tx,
            scope,
            "time_entry.billed",
            "time_entries",
            &ids.join(","),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Time entries of several projects (DataLoader), oldest first.
    pub async fn time_entries_for_projects(
        &self,
        scope: &Scope,
        project_ids: &[String],
    ) -> AppResult<Vec<TimeEntry>> {
        if project_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT t.id, t.project_id, t.task, t.assignee, t.work_date, t.hours, t.billable, t.billed, t.note \
             FROM time_entries t JOIN projects p ON p.tenant_id = t.tenant_id AND p.id = t.project_id \
             WHERE t.tenant_id = $1 AND ($2 IS NULL OR p.client_id = $2) AND t.project_id IN ({}) \
             ORDER BY t.work_date, t.id",
            rows::placeholders(3, project_ids.len())
        );
        let mut q = sqlx::query(&sql)
            .bind(scope.tenant_id.clone())
            .bind(scope.client_filter().map(str::to_owned));
        for id in project_ids {
            q = q.bind(id.clone());
        }
        let mut tx = self.read_scoped(scope).await?;
        let rows = tx.fetch_all(q).await?;
        tx.commit().await?;
        rows.iter().map(entry).collect()
    }
}

impl Store {
    /// Renames a project, changes its description, or its status (`active`, `completed`, `archived`).
    pub async fn update_project(
        &self,
        scope: &Scope,
        id: &str,
        name: Option<String>,
        description: Option<String>,
        status: Option<String>,
    ) -> AppResult<Project> {
        scope.require_staff()?;
        if status
            .as_deref()
            .is_some_and(|s| !matches!(s, "active" | "completed" | "archived"))
        {
            return Err(AppError::bad_input(
                "status",
                "a project is active, completed or archived",
            ));
        }
        let mut tx = self.write_scoped(scope).await?;
        let row = tx
            .fetch_optional(
                sqlx::query(
                    "UPDATE projects SET name = COALESCE($1, name), description = COALESCE($2, description), \
                     status = COALESCE($3, status) WHERE tenant_id = $4 AND id = $5 \
                     RETURNING id, client_id, name, description, status, created_at",
                )
                .bind(name)
                .bind(description)
                .bind(status)
                .bind(scope.tenant_id.clone())
                .bind(id.to_owned()),
            )
            .await?
            .ok_or(AppError::NotFound("project"))?;
        audit::record(&mut tx, scope, "project.updated", "project", id, None).await?;
        tx.commit().await?;
        project(&row)
    }

    /// Deletes a time entry that has not been billed.
    pub async fn delete_time_entry(&self, scope: &Scope, id: &str) -> AppResult<()> {
        scope.require_staff()?;
        let mut tx = self.write_scoped(scope).await?;
        let row = tx
            .fetch_optional(
                sqlx::query(
                    "SELECT project_id, billed FROM time_entries WHERE tenant_id = $1 AND id = $2",
                )
                .bind(scope.tenant_id.clone())
                .bind(id.to_owned()),
            )
            .await?
            .ok_or(AppError::NotFound("time entry"))?;
        if rows::flag(&row, "billed")? {
            return Err(AppError::Conflict(
                "a billed time entry cannot be deleted".into(),
            ));
        }
        tx.execute(
            sqlx::query("DELETE FROM time_entries WHERE tenant_id = $1 AND id = $2 AND billed = 0")
                .bind(scope.tenant_id.clone())
                .bind(id.to_owned()),
        )
        .await?;
        let project_id = rows::text(&row, "project_id")?;
        audit::record(
            &mut tx,
            scope,
            "time_entry.deleted",
            "project",
            &project_id,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
