//! Reconciliation of payments whose result is confirmed by asking the gateway (PassimPay): one
//! check per attempt, worked by the job runner. A check asks the gateway for the attempt's
//! status a minute after it opened, then with doubling gaps up to half an hour; a paid or failed
//! order goes through the exactly-once pipeline like a callback would (the same event ids, so a
//! callback and a check never both apply it), and the check ends. An attempt already decided by a
//! callback ends its check at once. After three days without an answer the attempt is marked
//! failed (a late payment still succeeds it: a failed attempt may succeed).

use std::time::Duration;

use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::error::AppResult;
use crate::core::jobs::{Job, Policy, Queue, Runner};
use crate::core::state::AppState;
use crate::payments::{EventKind, GatewayEvent};

/// How checks are spaced.
pub const POLICY: Policy = Policy {
    batch: 10,
    lease: Duration::from_secs(120),
    backoff: Duration::from_secs(60),
    max_backoff: Duration::from_secs(1800),
    give_up_after: Duration::from_secs(3 * 24 * 3600),
    poll: Duration::from_secs(5),
    schedule: &[],
    parallel: 2,
};

/// What a check says while the order is neither paid nor failed.
const WAITING: &str = "the gateway says the payment is still pending";

/// One attempt to check.
#[derive(Debug, Clone)]
pub struct Check {
    pub tenant_id: String,
    pub attempt_id: String,
    pub provider: String,
    pub attempts: i64,
    pub created_at: i64,
}

impl Job for Check {
    fn id(&self) -> &str {
        &self.attempt_id
    }
    fn attempts(&self) -> i64 {
        self.attempts
    }
    fn queued_at(&self) -> i64 {
        self.created_at
    }
}

impl Store {
    /// Schedules the checks of a new attempt (the first a minute from now); a second call for
    /// the same attempt changes nothing.
    pub async fn schedule_gateway_check(
        &self,
        tenant_id: &str,
        attempt_id: &str,
        provider: &str,
    ) -> AppResult<()> {
        let mut tx = self.write(tenant_id).await?;
        let now = tx.now_ms();
        tx.execute(
            sqlx::query(
                "INSERT INTO gateway_checks (tenant_id, attempt_id, provider, next_at, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, attempt_id) DO NOTHING",
            )
            .bind(tenant_id.to_owned())
            .bind(attempt_id.to_owned())
            .bind(provider.to_owned())
            .bind(now + i64::try_from(POLICY.backoff.as_millis()).unwrap_or(60_000))
            .bind(now),
        )
        .await?;
        tx.commit().await
    }

    async fn end_check(&self, worker: &str, c: &Check, error: Option<&str>) -> AppResult<()> {
        let mut tx = self.worker_tx_as("gateways").await?;
        tx.execute(
            sqlx::query(
                "UPDATE gateway_checks SET done_at = $1, last_error = $2, claimed_by = NULL \
                 WHERE tenant_id = $3 AND attempt_id = $4 AND claimed_by = $5",
            )
            .bind(tx.now_ms())
            .bind(error.map(str::to_owned))
            .bind(c.tenant_id.clone())
            .bind(c.attempt_id.clone())
            .bind(worker.to_owned()),
        )
        .await?;
        tx.commit().await
    }
}

/// The checks as a job queue.
pub struct Checks {
    pub state: AppState,
}

/// The check runner (its clock is the store's).
pub fn runner(state: AppState) -> Runner<Checks> {
    let clock = state.store.clock().clone();
    Runner::new(Checks { state }, POLICY, clock)
}

impl Queue for Checks {
    type Item = Check;

    fn name(&self) -> &'static str {
        "gateway-checks"
    }

    fn expected(&self, error: &str) -> bool {
        error == WAITING
    }

    async fn claim(
        &self,
        worker: &str,
        limit: i64,
        now: i64,
        stale_before: i64,
    ) -> AppResult<Vec<Check>> {
        let mut tx = self.state.store.worker_tx_as("gateways").await?;
        let claimed = tx
            .fetch_all(
                sqlx::query(
                    "UPDATE gateway_checks SET claimed_by = $1, claimed_at = $2 \
                     WHERE done_at IS NULL AND next_at <= $2 AND (claimed_by IS NULL OR claimed_at < $3) \
                     AND (tenant_id, attempt_id) IN (SELECT tenant_id, attempt_id FROM gateway_checks \
                         WHERE done_at IS NULL AND next_at <= $2 AND (claimed_by IS NULL OR claimed_at < $3) \
                         ORDER BY next_at LIMIT $4) \
                     RETURNING tenant_id, attempt_id, provider, attempts, created_at",
                )
                .bind(worker.to_owned())
                .bind(now)
                .bind(stale_before)
                .bind(limit),
            )
            .await?;
        tx.commit().await?;
        claimed
            .iter()
            .map(|r| {
                Ok(Check {
                    tenant_id: rows::text(r, "tenant_id")?,
                    attempt_id: rows::text(r, "attempt_id")?,
                    provider: rows::text(r, "provider")?,
                    attempts: rows::int(r, "attempts")?,
                    created_at: rows::int(r, "created_at")?,
                })
            })
            .collect()
    }

    async fn run(&self, c: &Check) -> Result<(), String> {
        let state = &self.state;
        if c.provider != super::gateways::passimpay::PROVIDER {
            return Ok(());
        }
        let attempt = match state.store.attempt_by_id(&c.tenant_id, &c.attempt_id).await {
            Ok(Some(a)) if a.status.is_open() => a,
            // Decided already (a callback came), or gone: nothing left to check.
            Ok(_) => return Ok(()),
            Err(e) => return Err(e.to_string()),
        };
        let client = match super::gateways::passimpay::client_for(state, &c.tenant_id).await {
            Ok(Some(client)) => client,
            Ok(None) => return Err("the gateway's credentials are gone".into()),
            Err(e) => return Err(e.to_string()),
        };
        let event = super::gateways::passimpay::check(state, &client, &c.tenant_id, &attempt).await;
        match event {
            Ok(Some(event)) => crate::payments::apply(state, &c.tenant_id, &event)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Ok(None) => Err(WAITING.into()),
            Err(e) => Err(format!("{e:#}")),
        }
    }

    async fn done(&self, worker: &str, c: &Check) -> AppResult<()> {
        self.state.store.end_check(worker, c, None).await
    }

    async fn retry(&self, worker: &str, c: &Check, error: &str, at: i64) -> AppResult<()> {
        let mut tx = self.state.store.worker_tx_as("gateways").await?;
        tx.execute(
            sqlx::query(
                "UPDATE gateway_checks SET next_at = $1, attempts = attempts + 1, last_error = $2, claimed_by = NULL \
                 WHERE tenant_id = $3 AND attempt_id = $4 AND claimed_by = $5",
            )
            .bind(at)
            .bind(error.chars().take(300).collect::<String>())
            .bind(c.tenant_id.clone())
            .bind(c.attempt_id.clone())
            .bind(worker.to_owned()),
        )
        .await?;
        tx.commit().await
    }

    async fn give_up(&self, worker: &str, c: &Check, error: &str) -> AppResult<()> {
        let event = GatewayEvent {
            provider: "portico".into(),
            event_id: format!("check-expired:{}", c.attempt_id),
            event_type: "check.expired".into(),
            attempt_id: Some(c.attempt_id.clone()),
            gateway_ref: None,
            gateway_payment_ref: None,
            kind: EventKind::Failed {
                reason: "no payment was confirmed within three days".into(),
            },
        };
        crate::payments::apply(&self.state, &c.tenant_id, &event).await?;
        self.state.store.end_check(worker, c, Some(error)).await
    }
}
