//! The event log behind live updates: every published event is kept for [`EVENT_RETENTION_MS`],
//! so an instance that missed events while its Redis listener reconnected, and a subscriber that
//! reconnects with the id of the last event it saw, can catch up (see `events`).

use sqlx::any::AnyRow;

use crate::core::db::rows;
use crate::core::db::Backend;
use crate::core::db::Store;
use crate::core::error::AppResult;

/// How long events are kept for catching up.
pub const EVENT_RETENTION_MS: i64 = 7 * 24 * 3600 * 1000;
/// The most events one catch-up returns (older gaps are left to a page reload).
pub const MAX_CATCH_UP: i64 = 500;

/// One stored event (the bus's `Event`, as columns).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    pub id: String,
    pub tenant_id: String,
    pub client_id: String,
    pub topic: String,
    pub action: String,
    pub subject_id: String,
    pub status: Option<String>,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    pub at: i64,
}

const COLUMNS: &str =
    "id, tenant_id, client_id, topic, action, subject_id, status, amount_minor, currency, at";

fn event(row: &AnyRow) -> AppResult<EventRow> {
    Ok(EventRow {
        id: rows::text(row, "id")?,
        tenant_id: rows::text(row, "tenant_id")?,
        client_id: rows::text(row, "client_id")?,
        topic: rows::text(row, "topic")?,
        action: rows::text(row, "action")?,
        subject_id: rows::text(row, "subject_id")?,
        status: rows::opt_text(row, "status")?,
        amount_minor: rows::opt_int(row, "amount_minor")?,
        currency: rows::opt_text(row, "currency")?,
        at: rows::int(row, "at")?,
    })
}

impl Store {
    /// Keeps an event (its id is unique: recording it twice keeps one).
    pub async fn record_event(&self, e: &EventRow) -> AppResult<()> {
        let mut tx = self.write(&e.tenant_id).await?;
        tx.execute(
            sqlx::query(
                "INSERT INTO events (id, tenant_id, client_id, topic, action, subject_id, status, amount_minor, currency, at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING",
            )
            .bind(e.id.clone())
            .bind(e.tenant_id.clone())
            .bind(e.client_id.clone())
            .bind(e.topic.clone())
            .bind(e.action.clone())
            .bind(e.subject_id.clone())
            .bind(e.status.clone())
            .bind(e.amount_minor)
            .bind(e.currency.clone())
            .bind(e.at),
        )
        .await?;
        tx.commit().await
    }

    /// A tenant's events after the one with id `after`, oldest first (at most [`MAX_CATCH_UP`]);
    /// none when `after` is unknown (too old, or another tenant's).
    pub async fn events_after(&self, tenant_id: &str, after: &str) -> AppResult<Vec<EventRow>> {
        let mut tx = self.read(tenant_id).await?;
        let rows = tx
            .fetch_all(
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM events WHERE tenant_id = $1 \
                     AND seq > (SELECT seq FROM events WHERE tenant_id = $1 AND id = $2) \
                     ORDER BY seq LIMIT $3"
                ))
                .bind(tenant_id.to_owned())
                .bind(after.to_owned())
                .bind(MAX_CATCH_UP),
            )
            .await?;
        tx.commit().await?;
        rows.iter().map(event).collect()
    }

    /// Every tenant's events published at or after `since` (ms), oldest first: an instance's
    /// listener catching up after Redis returned (at most [`MAX_CATCH_UP`]).
    pub async fn events_since(&self, since: i64) -> AppResult<Vec<EventRow>> {
        let mut tx = self.read("").await?;
        if self.backend() == Backend::Postgres {
            tx.execute(sqlx::query(
                "SELECT set_config('app.worker', 'events', true)",
            ))
            .await?;
        }
        let rows = tx
            .fetch_all(
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM events WHERE at >= $1 ORDER BY seq LIMIT $2"
                ))
                .bind(since)
                .bind(MAX_CATCH_UP),
            )
            .await?;
        tx.commit().await?;
        rows.iter().map(event).collect()
    }

    /// Forgets events older than the retention period; returns how many.
    pub async fn prune_events(&self, now: i64) -> AppResult<u64> {
        let mut tx = self.write("").await?;
        if self.backend() == Backend::Postgres {
            tx.execute(sqlx::query(
                "SELECT set_config('app.worker', 'events', true)",
            ))
            .await?;
        }
        let n = tx
            .execute(sqlx::query("DELETE FROM events WHERE at < $1").bind(now - EVENT_RETENTION_MS))
            .await?;
        tx.commit().await?;
        Ok(n)
    }
}
