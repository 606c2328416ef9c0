//! Staff notifications: listing them, the unread count and marking them read. Every area writes
//! notifications in its own transactions through `core::notify`; this area reads them.

use crate::core::audit;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::error::AppResult;
use crate::core::scope::Scope;

#[derive(Debug, Clone)]
pub struct Notification {
    pub id: String,
    pub kind: String,
    pub message: String,
    pub subject_id: Option<String>,
    /// What it is about, as a JSON object (`{}` for notifications older than the column).
    pub params: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

impl Store {
    /// Staff notifications, newest first.
    pub async fn notifications(&self, scope: &Scope, limit: i64) -> AppResult<Vec<Notification>> {
        scope.require_staff()?;
        let mut tx = self.read_scoped(scope).await?;
        let rows = tx
            .fetch_all(
                sqlx::query(
                    "SELECT id, kind, message, subject_id, params, created_at, read_at FROM notifications WHERE tenant_id = $1 \
                     ORDER BY created_at DESC, id DESC LIMIT $2",
                )
                .bind(scope.tenant_id.clone())
                .bind(limit),
            )
            .await?;
        tx.commit().await?;
        rows.iter()
            .map(|r| {
                Ok(Notification {
                    id: rows::text(r, "id")?,
                    kind: rows::text(r, "kind")?,
                    message: rows::text(r, "message")?,
                    subject_id: rows::opt_text(r, "subject_id")?,
                    params: rows::opt_text(r, "params")?.unwrap_or_else(|| "{}".into()),
                    created_at: rows::int(r, "created_at")?,
                    read_at: rows::opt_int(r, "read_at")?,
                })
            })
            .collect()
    }

    /// Unread staff notifications; always 0 for contacts.
    pub async fn unread_notifications(&self, scope: &Scope) -> AppResult<i64> {
        if !scope.is_staff() {
            return Ok(0);
        }
        let mut tx = self.read_scoped(scope).await?;
        let row = tx
            .fetch_one(
                sqlx::query(
                    "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM notifications WHERE tenant_id = $1 AND read_at IS NULL",
                )
                .bind(scope.tenant_id.clone()),
            )
            .await?;
        tx.commit().await?;
        rows::int(&row, "n")
    }

    /// Marks every unread notification of the tenant read (staff); returns how many.
    pub async fn mark_notifications_read(&self, scope: &Scope) -> AppResult<u64> {
        scope.require_staff()?;
        let mut tx = self.write_scoped(scope).await?;
        let n = tx
            .execute(
                sqlx::query(
                    "UPDATE notifications SET read_at = $1 WHERE tenant_id = $2 AND read_at IS NULL",
                )
                .bind(tx.now_ms())
                .bind(scope.tenant_id.clone()),
            )
            .await?;
        audit::record(
            &mut tx,
            scope,
            "notifications.read",
            "tenant",
            &scope.tenant_id,
            Some(serde_json::json!({ "count": n })),
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }
}
