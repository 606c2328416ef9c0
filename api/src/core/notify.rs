//! Staff notifications raised by what clients do (an estimate decided, a message posted, an
//! invoice viewed), written in the transaction of the change; the unread count, and marking all
//! read. The list itself and sign-in notices live with identity.

use crate::core::audit;
use crate::core::db::new_id;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::db::Tx;
use crate::core::error::AppResult;
use crate::core::scope::Scope;

/// An invoice viewed again by the same contact within this window raises no new notification.
pub const VIEW_NOTICE_WINDOW_MS: i64 = 3_600_000;

/// Adds a notification for the tenant's staff: `message` is the English sentence (for API
/// callers), `params` what it is about as data (for the portal's own sentence in each language).
pub(crate) async fn notify(
    tx: &mut Tx,
    scope: &Scope,
    kind: &str,
    message: &str,
    subject_id: Option<&str>,
    params: serde_json::Value,
) -> AppResult<()> {
    insert(tx, &scope.tenant_id, kind, message, subject_id, params).await
}

/// The one INSERT of a notification.
pub(crate) async fn insert(
    tx: &mut Tx,
    tenant_id: &str,
    kind: &str,
    message: &str,
    subject_id: Option<&str>,
    params: serde_json::Value,
) -> AppResult<()> {
    tx.execute(
        sqlx::query(
            "INSERT INTO notifications (id, tenant_id, kind, message, subject_id, params, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(new_id())
        .bind(tenant_id.to_owned())
        .bind(kind.to_owned())
        .bind(message.to_owned())
        .bind(subject_id.map(str::to_owned))
        .bind(params.to_string())
        .bind(tx.now_ms()),
    )
    .await?;
    Ok(())
}

impl Store {
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
