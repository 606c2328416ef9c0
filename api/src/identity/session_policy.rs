//! How long a business's sessions last, set by its owner or admins within the deployment's
//! bounds (idle 1–30 days, in all up to 90). A shorter setting also shortens the sessions already
//! open; a longer one applies to new sign-ins.

use crate::core::audit;
use crate::core::db::Store;
use crate::core::error::{AppError, AppResult};
use crate::core::scope::Scope;
use crate::identity::service::{SESSION_ABSOLUTE_MS, SESSION_IDLE_MS};

const DAY_MS: i64 = 86_400_000;

impl Store {
    pub async fn set_session_lifetime(
        &self,
        scope: &Scope,
        idle_days: i64,
        absolute_days: i64,
    ) -> AppResult<()> {
        scope.require_admin()?;
        let max_idle = SESSION_IDLE_MS / DAY_MS;
        let max_absolute = SESSION_ABSOLUTE_MS / DAY_MS;
        if !(1..=max_idle).contains(&idle_days) {
            return Err(AppError::bad_input(
                "idleDays",
                format!("between 1 and {max_idle} days"),
            ));
        }
        if !(idle_days..=max_absolute).contains(&absolute_days) {
            return Err(AppError::bad_input(
                "absoluteDays",
                format!("between the idle time and {max_absolute} days"),
            ));
        }
        let (idle, absolute) = (idle_days * DAY_MS, absolute_days * DAY_MS);
        let mut tx = self.write_scoped(scope).await?;
        tx.execute(
            sqlx::query(
                "UPDATE tenants SET session_idle_days = $1, session_absolute_days = $2 WHERE id = $3",
            )
            .bind(idle_days)
            .bind(absolute_days)
            .bind(scope.tenant_id.clone()),
        )
        .await?;
        // Open sessions end no later than the new limits allow.
        tx.execute(
            sqlx::query(
                "UPDATE sessions SET \
                 absolute_expires_at = CASE WHEN absolute_expires_at < created_at + $1 THEN absolute_expires_at ELSE created_at + $1 END, \
                 expires_at = CASE WHEN expires_at < last_seen_at + $2 THEN expires_at ELSE last_seen_at + $2 END, \
                 idle_ms = CASE WHEN idle_ms IS NOT NULL AND idle_ms < $2 THEN idle_ms ELSE $2 END \
                 WHERE tenant_id = $3 AND revoked_at IS NULL",
            )
            .bind(absolute)
            .bind(idle)
            .bind(scope.tenant_id.clone()),
        )
        .await?;
        audit::record(
            &mut tx,
            scope,
            "tenant.session_lifetime_changed",
            "tenant",
            &scope.tenant_id,
            Some(serde_json::json!({ "idle_days": idle_days, "absolute_days": absolute_days })),
        )
        .await?;
        tx.commit().await
    }
}
