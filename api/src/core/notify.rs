//! Writing staff notifications (an estimate decided, a message posted, an invoice viewed, a
//! payment received), in the transaction of the change. Reading them, the unread count and
//! marking them read are the `notifications` area's.

use crate::core::db::new_id;
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
