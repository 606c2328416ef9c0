//! Audit events: who did what to which record, written in the same transaction as the change
//! (with the partner webhook deliveries the change means: `core::partner_events`).

use sqlx::any::AnyRow;

use crate::core::db::new_id;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::db::Tx;
use crate::core::error::AppResult;
use crate::core::scope::Scope;

#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub id: String,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub action: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub detail: Option<String>,
    pub created_at: i64,
}

pub(crate) async fn record(
    tx: &mut Tx,
    scope: &Scope,
    action: &str,
    subject_kind: &str,
    subject_id: &str,
    detail: Option<serde_json::Value>,
) -> AppResult<()> {
    tx.execute(
        sqlx::query(
            "INSERT INTO audit_events (id, tenant_id, actor_kind, actor_id, action, subject_kind, subject_id, detail, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(new_id())
        .bind(scope.tenant_id.clone())
        .bind(scope.actor_kind())
        .bind(scope.actor_id.clone())
        .bind(action.to_owned())
        .bind(subject_kind.to_owned())
        .bind(subject_id.to_owned())
        .bind(detail.map(|d| d.to_string()))
        .bind(tx.now_ms()),
    )
    .await?;
    crate::core::partner_events::for_audit(tx, &scope.tenant_id, action, subject_id).await
}

fn event(row: &AnyRow) -> AppResult<AuditEvent> {
    Ok(AuditEvent {
        id: rows::text(row, "id")?,
        actor_kind: rows::text(row, "actor_kind")?,
        actor_id: rows::opt_text(row, "actor_id")?,
        action: rows::text(row, "action")?,
        subject_kind: rows::text(row, "subject_kind")?,
        subject_id: rows::text(row, "subject_id")?,
        detail: rows::opt_text(row, "detail")?,
        created_at: rows::int(row, "created_at")?,
    })
}

impl Store {
    /// The tenant's audit trail, newest first (owner and admin only).
    pub async fn audit_events(
        &self,
        scope: &Scope,
        subject_id: Option<&str>,
        limit: i64,
    ) -> AppResult<Vec<AuditEvent>> {
        scope.require_admin()?;
        let mut tx = self.read_scoped(scope).await?;
        let rows = tx
            .fetch_all(
                sqlx::query(
                    "SELECT id, actor_kind, actor_id, action, subject_kind, subject_id, detail, created_at \
                     FROM audit_events WHERE tenant_id = $1 AND ($2 IS NULL OR subject_id = $2) \
                     ORDER BY created_at DESC, id DESC LIMIT $3",
                )
                .bind(scope.tenant_id.clone())
                .bind(subject_id.map(str::to_owned))
                .bind(limit),
            )
            .await?;
        tx.commit().await?;
        rows.iter().map(event).collect()
    }
}
