//! Sign-in attempts, counted per kind and key (an email address, an IP) over a window: the rate
//! limits and failure alerts of `auth::web` read them.

use crate::core::db::new_id;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::db::Tx;
use crate::core::error::AppResult;

impl Store {
    /// Counts attempts of `kind` for `key` since `since_ms`, without recording one.
    pub async fn count_attempts(
        &self,
        tenant_id: &str,
        kind: &str,
        key: &str,
        since_ms: i64,
    ) -> AppResult<i64> {
        let mut tx = self.read(tenant_id).await?;
        let n = count_attempts_tx(&mut tx, tenant_id, kind, key, since_ms).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Counts attempts of `kind` for `key` since `since_ms`, then records this one.
    pub async fn count_and_record_attempt(
        &self,
        tenant_id: &str,
        kind: &str,
        key: &str,
        since_ms: i64,
    ) -> AppResult<i64> {
        let mut tx = self.write(tenant_id).await?;
        let n = count_attempts_tx(&mut tx, tenant_id, kind, key, since_ms).await?;
        record_attempt_tx(&mut tx, tenant_id, kind, key).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Records one attempt of `kind` for `key`.
    pub async fn record_attempt(&self, tenant_id: &str, kind: &str, key: &str) -> AppResult<()> {
        let mut tx = self.write(tenant_id).await?;
        record_attempt_tx(&mut tx, tenant_id, kind, key).await?;
        tx.commit().await
    }
}

async fn record_attempt_tx(tx: &mut Tx, tenant_id: &str, kind: &str, key: &str) -> AppResult<()> {
    tx.execute(
        sqlx::query("INSERT INTO auth_attempts (id, tenant_id, kind, attempt_key, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(new_id())
            .bind(tenant_id.to_owned())
            .bind(kind.to_owned())
            .bind(key.to_owned())
            .bind(tx.now_ms()),
    )
    .await?;
    Ok(())
}

/// Attempts of `kind` for `key` since `since_ms`.
async fn count_attempts_tx(
    tx: &mut Tx,
    tenant_id: &str,
    kind: &str,
    key: &str,
    since_ms: i64,
) -> AppResult<i64> {
    let row = tx
        .fetch_one(
            sqlx::query(
                "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM auth_attempts WHERE tenant_id = $1 AND kind = $2 \
                 AND attempt_key = $3 AND created_at >= $4",
            )
            .bind(tenant_id.to_owned())
            .bind(kind.to_owned())
            .bind(key.to_owned())
            .bind(since_ms),
        )
        .await?;
    rows::int(&row, "n")
}
