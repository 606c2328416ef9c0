//! Gateway health, per business and gateway. Every call to a gateway reports how it went: an
//! outage (a timeout, a refused connection, a 5xx answer) counts against the gateway, a success
//! clears the count, and a refusal of the request itself (a 4xx) says nothing about its health.
//! After [`FAILURES_TO_HIDE`] outages in a row the gateway is down: the pay page shows it as
//! temporarily unavailable, new payments through it are refused with that reason, and staff are
//! told. A probe (the job runner, [`runner`]) asks the gateway again after a cool-down that grows
//! while it stays down; the first success (a probe's, or any other call's) brings it back and
//! staff are told that too. A payment already started is never moved to another gateway: the
//! payer chooses another method, which starts a new attempt.

use std::time::Duration;

use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::error::AppResult;
use crate::core::jobs::{Job, Policy, Queue, Runner};
use crate::core::state::AppState;

/// Outages in a row that take a gateway down.
pub const FAILURES_TO_HIDE: i64 = 3;

/// How probes of a gateway that is down are spaced: a minute, doubling up to 15 minutes, for as
/// long as it stays down.
pub const POLICY: Policy = Policy {
    batch: 20,
    lease: Duration::from_secs(120),
    backoff: Duration::from_secs(60),
    max_backoff: Duration::from_secs(900),
    give_up_after: Duration::from_secs(100 * 365 * 24 * 3600),
    poll: Duration::from_secs(10),
    schedule: &[],
    parallel: 4,
};

/// Whether an error from a gateway call is an outage of the gateway (as opposed to a refusal of
/// this request, which a retry would not change).
pub fn is_outage(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        if let Some(r) = cause.downcast_ref::<reqwest::Error>() {
            return r.is_timeout()
                || r.is_connect()
                || r.is_request()
                || r.status().is_some_and(|s| s.is_server_error());
        }
        if let Some(h) = cause.downcast_ref::<super::gateways::HttpStatus>() {
            return h.0 >= 500;
        }
        if let Some(s) = cause.downcast_ref::<stripe::StripeError>() {
            return super::gateways::stripe_client::is_outage(s);
        }
        false
    })
}

/// A gateway that is down for a business.
#[derive(Debug, Clone)]
pub struct Down {
    pub provider: String,
    pub since: i64,
    pub last_error: Option<String>,
    pub next_probe: Option<i64>,
}

/// Records how a call to `provider` for `tenant_id` went (best effort: a failure to record is
/// logged, never the caller's problem).
pub async fn observe<T>(
    state: &AppState,
    tenant_id: &str,
    provider: &str,
    result: &anyhow::Result<T>,
) {
    let recorded = match result {
        Ok(_) => state.store.gateway_succeeded(tenant_id, provider).await,
        Err(e) if is_outage(e) => {
            state
                .store
                .gateway_failed(tenant_id, provider, &format!("{e:#}"))
                .await
        }
        Err(_) => Ok(()),
    };
    if let Err(e) = recorded {
        tracing::warn!(provider, error = %e, "recording a gateway's health failed");
    }
}

fn name_of(provider: &str) -> &str {
    match provider {
        "stripe" => "Stripe",
        "passimpay" => "PassimPay",
        other => other,
    }
}

impl Store {
    /// A successful call: the count starts again, and a gateway that was down is back.
    pub async fn gateway_succeeded(&self, tenant_id: &str, provider: &str) -> AppResult<()> {
        let mut tx = self.write(tenant_id).await?;
        let now = tx.now_ms();
        let back = tx
            .execute(
                sqlx::query(
                    "UPDATE gateway_health SET failures = 0, down_since = NULL, probe_at = NULL, probes = 0, \
                     claimed_by = NULL, last_success_at = $1 \
                     WHERE tenant_id = $2 AND provider = $3 AND down_since IS NOT NULL",
                )
                .bind(now)
                .bind(tenant_id.to_owned())
                .bind(provider.to_owned()),
            )
            .await?;
        if back > 0 {
            let name = name_of(provider);
            crate::core::notify::insert(
                &mut tx,
                tenant_id,
                "gateway.up",
                &format!("{name} is working again: clients can pay through it."),
                None,
                serde_json::json!({ "gateway": name }),
            )
            .await?;
        } else {
            tx.execute(
                sqlx::query(
                    "UPDATE gateway_health SET failures = 0, last_success_at = $1 \
                     WHERE tenant_id = $2 AND provider = $3 AND failures > 0",
                )
                .bind(now)
                .bind(tenant_id.to_owned())
                .bind(provider.to_owned()),
            )
            .await?;
        }
        tx.commit().await
    }

    /// An outage: counted, and at [`FAILURES_TO_HIDE`] in a row the gateway is down (staff told
    /// once) and its first probe is due after the cool-down.
    pub async fn gateway_failed(
        &self,
        tenant_id: &str,
        provider: &str,
        error: &str,
    ) -> AppResult<()> {
        let error: String = error.chars().take(300).collect();
        let mut tx = self.write(tenant_id).await?;
        let now = tx.now_ms();
        let row = tx
            .fetch_one(
                sqlx::query(
                    "INSERT INTO gateway_health (tenant_id, provider, failures, last_error, last_failure_at) \
                     VALUES ($1, $2, 1, $3, $4) ON CONFLICT (tenant_id, provider) DO UPDATE SET \
                     failures = gateway_health.failures + 1, last_error = excluded.last_error, \
                     last_failure_at = excluded.last_failure_at RETURNING failures",
                )
                .bind(tenant_id.to_owned())
                .bind(provider.to_owned())
                .bind(error.clone())
                .bind(now),
            )
            .await?;
        let failures = rows::int(&row, "failures")?;
        if failures >= FAILURES_TO_HIDE {
            let probe_at = now + i64::try_from(POLICY.backoff.as_millis()).unwrap_or(60_000);
            let went_down = tx
                .execute(
                    sqlx::query(
                        "UPDATE gateway_health SET down_since = $1, probe_at = $2, probes = 0 \
                         WHERE tenant_id = $3 AND provider = $4 AND down_since IS NULL",
                    )
                    .bind(now)
                    .bind(probe_at)
                    .bind(tenant_id.to_owned())
                    .bind(provider.to_owned()),
                )
                .await?;
            if went_down > 0 {
                let name = name_of(provider);
                tracing::warn!(tenant_id, provider, error = %error, "a gateway is down");
                crate::core::notify::insert(
                    &mut tx,
                    tenant_id,
                    "gateway.down",
                    &format!("{name} is not answering: clients cannot pay through it until it is back ({error})."),
                    None,
                    serde_json::json!({ "gateway": name, "error": error }),
                )
                .await?;
            }
        }
        tx.commit().await
    }

    /// The gateways that are down for this business.
    pub async fn gateways_down(&self, tenant_id: &str) -> AppResult<Vec<Down>> {
        let mut tx = self.read(tenant_id).await?;
        let found = tx
            .fetch_all(
                sqlx::query(
                    "SELECT provider, down_since, last_error, probe_at FROM gateway_health \
                     WHERE tenant_id = $1 AND down_since IS NOT NULL ORDER BY provider",
                )
                .bind(tenant_id.to_owned()),
            )
            .await?;
        tx.commit().await?;
        found
            .iter()
            .map(|r| {
                Ok(Down {
                    provider: rows::text(r, "provider")?,
                    since: rows::int(r, "down_since")?,
                    last_error: rows::opt_text(r, "last_error")?,
                    next_probe: rows::opt_int(r, "probe_at")?,
                })
            })
            .collect()
    }
}

/// A gateway that is down and due for a probe.
#[derive(Debug, Clone)]
pub struct Probe {
    pub key: String,
    pub tenant_id: String,
    pub provider: String,
    pub probes: i64,
    pub down_since: i64,
}

impl Job for Probe {
    fn id(&self) -> &str {
        &self.key
    }
    fn attempts(&self) -> i64 {
        self.probes
    }
    fn queued_at(&self) -> i64 {
        self.down_since
    }
}

/// Probes of the gateways that are down, as a job queue.
pub struct Probes {
    pub state: AppState,
}

/// The probe runner (its clock is the store's).
pub fn runner(state: AppState) -> Runner<Probes> {
    let clock = state.store.clock().clone();
    Runner::new(Probes { state }, POLICY, clock)
}

impl Queue for Probes {
    type Item = Probe;

    fn name(&self) -> &'static str {
        "gateway-probes"
    }

    fn expected(&self, _error: &str) -> bool {
        // Still down: already told, logged when it went down.
        true
    }

    async fn claim(
        &self,
        worker: &str,
        limit: i64,
        now: i64,
        stale_before: i64,
    ) -> AppResult<Vec<Probe>> {
        let mut tx = self.state.store.worker_tx_as("gateways").await?;
        let claimed = tx
            .fetch_all(
                sqlx::query(
                    "UPDATE gateway_health SET claimed_by = $1, claimed_at = $2 \
                     WHERE down_since IS NOT NULL AND probe_at <= $2 AND (claimed_by IS NULL OR claimed_at < $3) \
                     AND (tenant_id, provider) IN (SELECT tenant_id, provider FROM gateway_health \
                         WHERE down_since IS NOT NULL AND probe_at <= $2 AND (claimed_by IS NULL OR claimed_at < $3) \
                         ORDER BY probe_at LIMIT $4) \
                     RETURNING tenant_id, provider, probes, down_since",
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
                let tenant_id = rows::text(r, "tenant_id")?;
                let provider = rows::text(r, "provider")?;
                Ok(Probe {
                    key: format!("{tenant_id}/{provider}"),
                    tenant_id,
                    provider,
                    probes: rows::int(r, "probes")?,
                    down_since: rows::int(r, "down_since")?,
                })
            })
            .collect()
    }

    async fn run(&self, item: &Probe) -> Result<(), String> {
        let Some(gateway) = super::gateways::by_provider(&item.provider) else {
            return Ok(());
        };
        let result = gateway.probe(&self.state, &item.tenant_id).await;
        match result {
            Ok(()) => Ok(()),
            Err(e) => {
                let text = format!("{e:#}");
                let mut tx = self
                    .state
                    .store
                    .write(&item.tenant_id)
                    .await
                    .map_err(|e| e.to_string())?;
                tx.execute(
                    sqlx::query("UPDATE gateway_health SET last_error = $1, last_failure_at = $2 WHERE tenant_id = $3 AND provider = $4")
                        .bind(text.chars().take(300).collect::<String>())
                        .bind(tx.now_ms())
                        .bind(item.tenant_id.clone())
                        .bind(item.provider.clone()),
                )
                .await
                .map_err(|e| e.to_string())?;
                tx.commit().await.map_err(|e| e.to_string())?;
                Err(text)
            }
        }
    }

    async fn done(&self, _worker: &str, item: &Probe) -> AppResult<()> {
        self.state
            .store
            .gateway_succeeded(&item.tenant_id, &item.provider)
            .await
    }

    async fn retry(&self, worker: &str, item: &Probe, _error: &str, at: i64) -> AppResult<()> {
        let mut tx = self.state.store.worker_tx_as("gateways").await?;
        tx.execute(
            sqlx::query(
                "UPDATE gateway_health SET probe_at = $1, probes = probes + 1, claimed_by = NULL \
                 WHERE tenant_id = $2 AND provider = $3 AND claimed_by = $4",
            )
            .bind(at)
            .bind(item.tenant_id.clone())
            .bind(item.provider.clone())
            .bind(worker.to_owned()),
        )
        .await?;
        tx.commit().await
    }

    async fn give_up(&self, worker: &str, item: &Probe, error: &str) -> AppResult<()> {
        // Never reached in practice (the period is a century): probe again in an hour.
        let at = self.state.store.clock().now_ms() + 3_600_000;
        self.retry(worker, item, error, at).await
    }
}
