//! The sender: the job runner works the queued deliveries. Each is sent as a Standard Webhooks
//! POST (`webhook-id`, `webhook-timestamp`, `webhook-signature` with one signature per current
//! secret) to the address its host resolved to and was checked against (see `target`), with no
//! redirects and a 15 s timeout. The payload (`{type, timestamp, data}`, `data` the object as the
//! API shows it) is fixed at the first try, so every retry and resend is byte-identical apart
//! from the timestamp and signature.
//!
//! Per endpoint and object, deliveries go out in the order their events happened: one waits while
//! an earlier one for the same object is still pending. A 2xx is success; a 410 turns the
//! endpoint off; anything else is retried after about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h,
//! then given up. An endpoint whose deliveries have failed for 5 days is turned off, and staff
//! are told each time one is.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::Render;
use crate::core::db::new_id;
use crate::core::db::rows;
use crate::core::error::AppResult;
use crate::core::jobs::{Job, Policy, Queue, Runner};
use crate::core::state::AppState;

/// The retry schedule of the specification's reference implementation.
pub const SCHEDULE: &[Duration] = &[
    Duration::from_secs(5),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(5 * 3600),
    Duration::from_secs(10 * 3600),
    Duration::from_secs(10 * 3600),
];

/// An endpoint failing this long is turned off.
pub const DISABLE_AFTER_MS: i64 = 5 * 24 * 3600 * 1000;

pub const POLICY: Policy = Policy {
    batch: 50,
    lease: Duration::from_secs(60),
    backoff: Duration::from_secs(5),
    max_backoff: Duration::from_secs(10 * 3600),
    give_up_after: Duration::from_secs(7 * 24 * 3600),
    poll: Duration::from_secs(5),
    schedule: SCHEDULE,
    parallel: 8,
};

const TIMEOUT: Duration = Duration::from_secs(15);

/// A claimed delivery.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: String,
    pub worker: String,
    pub tenant_id: String,
    pub endpoint_id: String,
    pub event_type: String,
    pub object_kind: String,
    pub object_id: String,
    pub payload: Option<String>,
    pub attempts: i64,
    pub created_at: i64,
}

impl Job for Item {
    fn id(&self) -> &str {
        &self.id
    }
    fn attempts(&self) -> i64 {
        self.attempts
    }
    fn queued_at(&self) -> i64 {
        self.created_at
    }
}

/// The deliveries as a job queue.
pub struct Sender {
    pub state: AppState,
    pub render: Arc<dyn Render>,
    /// A client per (host, checked address), kept so connections and the loaded certificates
    /// are reused.
    clients: std::sync::Mutex<HashMap<(String, SocketAddr), reqwest::Client>>,
}

/// Clients kept at most (then the cache starts again).
const CLIENTS: usize = 256;

/// The sender (its clock is the store's).
pub fn runner(state: AppState, render: Arc<dyn Render>) -> Runner<Sender> {
    let clock = state.store.clock().clone();
    let sender = Sender {
        state,
        render,
        clients: std::sync::Mutex::default(),
    };
    Runner::new(sender, POLICY, clock)
}

/// What one try came to.
struct Tried {
    status: Option<u16>,
    duration_ms: i64,
    error: Option<String>,
}

impl Sender {
    /// The client that sends to `host` at the checked `addr` only (pinned: no second lookup), with
    /// no redirects.
    fn client(&self, host: &str, addr: SocketAddr) -> Result<reqwest::Client, String> {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = clients.get(&(host.to_owned(), addr)) {
            return Ok(c.clone());
        }
        let c = reqwest::Client::builder()
            .resolve(host, addr)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| e.to_string())?;
        if clients.len() >= CLIENTS {
            clients.clear();
        }
        clients.insert((host.to_owned(), addr), c.clone());
        Ok(c)
    }

    /// The payload of a delivery, fixed at its first try.
    async fn payload(&self, d: &Item) -> Result<String, String> {
        if let Some(p) = &d.payload {
            return Ok(p.clone());
        }
        let data = self
            .render
            .render(&self.state, &d.tenant_id, &d.object_kind, &d.object_id)
            .await?;
        let at = chrono::DateTime::from_timestamp_millis(d.created_at)
            .unwrap_or_default()
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let body =
            serde_json::json!({ "type": d.event_type, "timestamp": at, "data": data }).to_string();
        let mut tx = self
            .state
            .store
            .write(&d.tenant_id)
            .await
            .map_err(|e| e.to_string())?;
        tx.execute(
            sqlx::query("UPDATE webhook_deliveries SET payload = $1 WHERE tenant_id = $2 AND id = $3 AND payload IS NULL")
                .bind(body)
                .bind(d.tenant_id.clone())
                .bind(d.id.clone()),
        )
        .await
        .map_err(|e| e.to_string())?;
        let row = tx
            .fetch_one(
                sqlx::query(
                    "SELECT payload FROM webhook_deliveries WHERE tenant_id = $1 AND id = $2",
                )
                .bind(d.tenant_id.clone())
                .bind(d.id.clone()),
            )
            .await
            .map_err(|e| e.to_string())?;
        tx.commit().await.map_err(|e| e.to_string())?;
        rows::text(&row, "payload").map_err(|e| e.to_string())
    }

    /// Sends once to `url` (resolved and checked first).
    async fn send(&self, url: &str, secrets: &[&str], d: &Item, body: &str) -> Tried {
        let started = Instant::now();
        let elapsed = |s: Instant| i64::try_from(s.elapsed().as_millis()).unwrap_or(i64::MAX);
        let fail = |e: String, s: Instant| Tried {
            status: None,
            duration_ms: elapsed(s),
            error: Some(e),
        };
        let Ok(parsed) = reqwest::Url::parse(url) else {
            return fail("the endpoint's URL does not parse".into(), started);
        };
        let allow = self.state.config.webhooks_allow_private;
        let (host, addr) = match super::target::resolve(&parsed, allow).await {
            Ok(t) => t,
            Err(e) => return fail(e, started),
        };
        let ts = self.state.store.clock().now_secs();
        let message = crate::core::partner_events::message_id(&d.id);
        let Some(signature) = super::signature::header(secrets, &message, ts, body.as_bytes())
        else {
            return fail("the endpoint's secret is unreadable".into(), started);
        };
        let client = match self.client(&host, addr) {
            Ok(c) => c,
            Err(e) => return fail(e, started),
        };
        let sent = client
            .post(parsed)
            .header("content-type", "application/json")
            .header("user-agent", "Portico-Webhooks/1")
            .header("webhook-id", message.as_str())
            .header("webhook-timestamp", ts.to_string())
            .header("webhook-signature", signature)
            .body(body.to_owned())
            .send()
            .await;
        match sent {
            Ok(resp) => {
                let status = resp.status().as_u16();
                // Read (a little of) the answer so the connection ends cleanly; it is not kept.
                let _ = resp.bytes().await;
                Tried {
                    status: Some(status),
                    duration_ms: elapsed(started),
                    error: (!(200..300).contains(&status)).then(|| format!("HTTP {status}")),
                }
            }
            Err(e) => fail(
                if e.is_timeout() {
                    "timed out after 15 s".into()
                } else {
                    format!("{e}")
                },
                started,
            ),
        }
    }

    async fn record(&self, d: &Item, t: &Tried) -> AppResult<()> {
        let mut tx = self.state.store.write(&d.tenant_id).await?;
        let now = tx.now_ms();
        tx.execute(
            sqlx::query(
                "INSERT INTO webhook_tries (id, tenant_id, delivery_id, at, response_status, duration_ms, error) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(new_id())
            .bind(d.tenant_id.clone())
            .bind(d.id.clone())
            .bind(now)
            .bind(t.status.map(i64::from))
            .bind(t.duration_ms)
            .bind(t.error.clone()),
        )
        .await?;
        tx.execute(
            sqlx::query(
                "UPDATE webhook_deliveries SET response_status = $1, duration_ms = $2 WHERE tenant_id = $3 AND id = $4",
            )
            .bind(t.status.map(i64::from))
            .bind(t.duration_ms)
            .bind(d.tenant_id.clone())
            .bind(d.id.clone()),
        )
        .await?;
        let streak = if t.error.is_none() {
            "UPDATE webhook_endpoints SET failing_since = NULL WHERE tenant_id = $2 AND id = $3 AND $1 > 0"
        } else {
            "UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, $1) WHERE tenant_id = $2 AND id = $3"
        };
        tx.execute(
            sqlx::query(streak)
                .bind(now)
                .bind(d.tenant_id.clone())
                .bind(d.endpoint_id.clone()),
        )
        .await?;
        tx.commit().await
    }

    /// Turns an endpoint off (once), ends this delivery as failed, and tells staff.
    async fn disable(&self, d: &Item, url: &str, reason: &str) -> AppResult<()> {
        let mut tx = self.state.store.write(&d.tenant_id).await?;
        let now = tx.now_ms();
        let off = tx
            .execute(
                sqlx::query(
                    "UPDATE webhook_endpoints SET enabled = 0, disabled_reason = $1, updated_at = $2 \
                     WHERE tenant_id = $3 AND id = $4 AND enabled = 1",
                )
                .bind(reason.to_owned())
                .bind(now)
                .bind(d.tenant_id.clone())
                .bind(d.endpoint_id.clone()),
            )
            .await?;
        tx.execute(
            sqlx::query(
                "UPDATE webhook_deliveries SET status = 'failed', last_error = $1, claimed_by = NULL \
                 WHERE tenant_id = $2 AND id = $3 AND claimed_by = $4",
            )
            .bind(reason.to_owned())
            .bind(d.tenant_id.clone())
            .bind(d.id.clone())
            .bind(d.worker.clone()),
        )
        .await?;
        if off > 0 {
            tracing::warn!(endpoint = %d.endpoint_id, reason, "a webhook endpoint was turned off");
            crate::core::notify::insert(
                &mut tx,
                &d.tenant_id,
                "webhook.disabled",
                &format!("The webhook endpoint {url} was turned off: {reason}."),
                None,
                serde_json::json!({ "url": url, "reason": reason }),
            )
            .await?;
        }
        tx.commit().await
    }
}

impl Queue for Sender {
    type Item = Item;

    fn name(&self) -> &'static str {
        "webhooks"
    }

    async fn claim(
        &self,
        worker: &str,
        limit: i64,
        now: i64,
        stale_before: i64,
    ) -> AppResult<Vec<Item>> {
        let mut tx = self.state.store.worker_tx_as("webhooks").await?;
        let claimed = tx
            .fetch_all(
                sqlx::query(
                    "UPDATE webhook_deliveries SET claimed_by = $1, claimed_at = $2 \
                     WHERE status = 'pending' AND (claimed_by IS NULL OR claimed_at < $3) AND id IN ( \
                       SELECT d.id FROM webhook_deliveries d WHERE d.status = 'pending' AND d.next_at <= $2 \
                       AND (d.claimed_by IS NULL OR d.claimed_at < $3) \
                       AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.endpoint_id = d.endpoint_id \
                           AND p.object_id = d.object_id AND p.status = 'pending' AND p.seq < d.seq) \
                       ORDER BY d.seq LIMIT $4) \
                     RETURNING id, tenant_id, endpoint_id, event_type, object_kind, object_id, payload, attempts, created_at",
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
                Ok(Item {
                    id: rows::text(r, "id")?,
                    worker: worker.to_owned(),
                    tenant_id: rows::text(r, "tenant_id")?,
                    endpoint_id: rows::text(r, "endpoint_id")?,
                    event_type: rows::text(r, "event_type")?,
                    object_kind: rows::text(r, "object_kind")?,
                    object_id: rows::text(r, "object_id")?,
                    payload: rows::opt_text(r, "payload")?,
                    attempts: rows::int(r, "attempts")?,
                    created_at: rows::int(r, "created_at")?,
                })
            })
            .collect()
    }

    async fn run(&self, d: &Item) -> Result<(), String> {
        let store = &self.state.store;
        let mut tx = store.read(&d.tenant_id).await.map_err(|e| e.to_string())?;
        let row = tx
            .fetch_optional(
                sqlx::query(
                    "SELECT url, enabled, secret_enc, previous_secret_enc, previous_until, failing_since \
                     FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2",
                )
                .bind(d.tenant_id.clone())
                .bind(d.endpoint_id.clone()),
            )
            .await
            .map_err(|e| e.to_string())?;
        tx.commit().await.map_err(|e| e.to_string())?;
        let enabled = row
            .as_ref()
            .map(|r| rows::flag(r, "enabled"))
            .transpose()
            .map_err(|e| e.to_string())?;
        let (Some(row), Some(true)) = (row, enabled) else {
            // Turned off meanwhile: skipped, kept in the log (a resend after turning it back on
            // sends it).
            let mut tx = store.write(&d.tenant_id).await.map_err(|e| e.to_string())?;
            tx.execute(
                sqlx::query("UPDATE webhook_deliveries SET status = 'skipped', claimed_by = NULL WHERE tenant_id = $1 AND id = $2 AND claimed_by = $3")
                    .bind(d.tenant_id.clone())
                    .bind(d.id.clone())
                    .bind(d.worker.clone()),
            )
            .await
            .map_err(|e| e.to_string())?;
            return tx.commit().await.map_err(|e| e.to_string());
        };
        let text = |c: &str| rows::opt_text(&row, c).map_err(|e| e.to_string());
        let url = text("url")?.unwrap_or_default();
        let sealer = self
            .state
            .secrets
            .as_ref()
            .ok_or("the server has no PORTICO_SECRET_KEY to read the endpoint's secret")?;
        let now = store.clock().now_ms();
        let mut secrets = vec![sealer
            .open(&text("secret_enc")?.unwrap_or_default())
            .map_err(|e| e.to_string())?];
        let overlap = rows::opt_int(&row, "previous_until").map_err(|e| e.to_string())?;
        if let (Some(prev), Some(until)) = (text("previous_secret_enc")?, overlap) {
            if until > now {
                secrets.push(sealer.open(&prev).map_err(|e| e.to_string())?);
            }
        }
        let body = self.payload(d).await?;
        let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
        let tried = self.send(&url, &refs, d, &body).await;
        self.record(d, &tried).await.map_err(|e| e.to_string())?;
        match (tried.status, tried.error) {
            (_, None) => Ok(()),
            (Some(410), _) => self
                .disable(d, &url, "it answered 410 Gone")
                .await
                .map_err(|e| e.to_string()),
            (_, Some(error)) => {
                let since = rows::opt_int(&row, "failing_since")
                    .map_err(|e| e.to_string())?
                    .unwrap_or(now);
                if now - since >= DISABLE_AFTER_MS {
                    self.disable(d, &url, "its deliveries failed for 5 days")
                        .await
                        .map_err(|e| e.to_string())?;
                    return Ok(());
                }
                Err(error)
            }
        }
    }

    async fn done(&self, worker: &str, d: &Item) -> AppResult<()> {
        let mut tx = self.state.store.write(&d.tenant_id).await?;
        tx.execute(
            sqlx::query(
                "UPDATE webhook_deliveries SET status = 'delivered', delivered_at = $1, attempts = attempts + 1, \
                 last_error = NULL, claimed_by = NULL WHERE tenant_id = $2 AND id = $3 AND claimed_by = $4 AND status = 'pending'",
            )
            .bind(tx.now_ms())
            .bind(d.tenant_id.clone())
            .bind(d.id.clone())
            .bind(worker.to_owned()),
        )
        .await?;
        tx.commit().await
    }

    async fn retry(&self, worker: &str, d: &Item, error: &str, at: i64) -> AppResult<()> {
        let mut tx = self.state.store.write(&d.tenant_id).await?;
        tx.execute(
            sqlx::query(
                "UPDATE webhook_deliveries SET next_at = $1, attempts = attempts + 1, last_error = $2, claimed_by = NULL \
                 WHERE tenant_id = $3 AND id = $4 AND claimed_by = $5",
            )
            .bind(at)
            .bind(error.chars().take(300).collect::<String>())
            .bind(d.tenant_id.clone())
            .bind(d.id.clone())
            .bind(worker.to_owned()),
        )
        .await?;
        tx.commit().await
    }

    async fn give_up(&self, worker: &str, d: &Item, error: &str) -> AppResult<()> {
        let mut tx = self.state.store.write(&d.tenant_id).await?;
        tx.execute(
            sqlx::query(
                "UPDATE webhook_deliveries SET status = 'failed', attempts = attempts + 1, last_error = $1, claimed_by = NULL \
                 WHERE tenant_id = $2 AND id = $3 AND claimed_by = $4",
            )
            .bind(error.chars().take(300).collect::<String>())
            .bind(d.tenant_id.clone())
            .bind(d.id.clone())
            .bind(worker.to_owned()),
        )
        .await?;
        tx.commit().await
    }
}

/// What `Render` gives for an object that is gone.
pub fn gone(kind: &str, id: &str) -> Value {
    serde_json::json!({ "object": kind, "id": id, "deleted": true })
}
