//! The event bus: invoice, payment and activity events for subscriptions. In-process (a broadcast channel)
//! by default; with Redis, events are published to a channel and every instance's listener feeds its
//! own broadcast, so a subscriber on one instance sees what another published. When Redis is
//! unreachable, publishing falls back to local delivery and the listener reconnects with backoff.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, Mutex};

const CHANNEL: &str = "portico:events";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    Invoice,
    Payment,
    /// A payment attempt's status (the return page and `paymentStatus`).
    Attempt,
    /// Something that may change people's unread counts: a message posted, an estimate decided,
    /// an invoice opened by a client (`viewerCounts`).
    Activity,
}

/// One change, published after its transaction committed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub tenant_id: String,
    pub client_id: String,
    pub topic: Topic,
    /// What happened: `created`, `issued`, `voided`, `paid`, `partially_paid`, `recorded`, `refunded`, …
    pub action: String,
    pub subject_id: String,
    pub status: Option<String>,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    pub at: i64,
}

#[derive(Clone)]
pub struct EventBus {
    local: broadcast::Sender<Event>,
    redis: Option<Arc<RedisSide>>,
}

struct RedisSide {
    client: redis::Client,
    publisher: Mutex<Option<redis::aio::MultiplexedConnection>>,
}

impl EventBus {
    pub fn in_process() -> EventBus {
        let (local, _) = broadcast::channel(4096);
        EventBus { local, redis: None }
    }

    /// Connects to Redis and starts the listener; returns once it is subscribed (or after a few
    /// seconds of trying, leaving the listener to keep retrying in the background).
    pub async fn redis(url: &str) -> anyhow::Result<EventBus> {
        let client =
            redis::Client::open(url).map_err(|e| anyhow::anyhow!("PORTICO_REDIS_URL: {e}"))?;
        let (local, _) = broadcast::channel(4096);
        let side = Arc::new(RedisSide {
            client,
            publisher: Mutex::new(None),
        });
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        tokio::spawn(listen(side.client.clone(), local.clone(), ready_tx));
        if tokio::time::timeout(Duration::from_secs(5), ready_rx)
            .await
            .is_err()
        {
            tracing::warn!("redis is not reachable yet; events stay local until it is");
        }
        Ok(EventBus {
            local,
            redis: Some(side),
        })
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.local.subscribe()
    }

    pub fn is_redis(&self) -> bool {
        self.redis.is_some()
    }

    /// Publishes an event; never fails the caller (the change it describes is already committed).
    pub async fn publish(&self, event: Event) {
        if let Some(side) = &self.redis {
            match side.publish(&event).await {
                Ok(()) => return,
                Err(e) => tracing::warn!(error = %e, "redis publish failed; delivering locally"),
            }
        }
        // No receivers is fine.
        let _ = self.local.send(event);
    }
}

impl RedisSide {
    async fn publish(&self, event: &Event) -> anyhow::Result<()> {
        let payload = serde_json::to_string(event)?;
        let mut guard = self.publisher.lock().await;
        if guard.is_none() {
            *guard = Some(self.client.get_multiplexed_async_connection().await?);
        }
        let Some(conn) = guard.as_mut() else {
            anyhow::bail!("no redis connection")
        };
        let result: redis::RedisResult<i64> = redis::cmd("PUBLISH")
            .arg(CHANNEL)
            .arg(payload)
            .query_async(conn)
            .await;
        if let Err(e) = result {
            *guard = None;
            return Err(e.into());
        }
        Ok(())
    }
}

/// Forwards Redis messages to the local broadcast, reconnecting with backoff.
async fn listen(
    client: redis::Client,
    local: broadcast::Sender<Event>,
    ready: tokio::sync::oneshot::Sender<()>,
) {
    let mut ready = Some(ready);
    let mut backoff = Duration::from_millis(100);
    loop {
        match client.get_async_pubsub().await {
            Ok(mut pubsub) => match pubsub.subscribe(CHANNEL).await {
                Ok(()) => {
                    backoff = Duration::from_millis(100);
                    if let Some(r) = ready.take() {
                        let _ = r.send(());
                    }
                    let mut messages = pubsub.into_on_message();
                    while let Some(msg) = messages.next().await {
                        let Ok(payload) = msg.get_payload::<String>() else {
                            continue;
                        };
                        match serde_json::from_str::<Event>(&payload) {
                            Ok(event) => {
                                let _ = local.send(event);
                            }
                            Err(e) => {
                                tracing::warn!(error = %e, "ignoring a malformed event from redis")
                            }
                        }
                    }
                    tracing::warn!("redis subscription ended; reconnecting");
                }
                Err(e) => tracing::warn!(error = %e, "redis subscribe failed"),
            },
            Err(e) => tracing::debug!(error = %e, "redis connect failed"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

impl Event {
    /// An invoice changed: its status and balance after the change.
    pub fn invoice(tenant_id: &str, inv: &crate::store::Invoice, action: &str) -> Event {
        Event {
            tenant_id: tenant_id.to_owned(),
            client_id: inv.client_id.clone(),
            topic: Topic::Invoice,
            action: action.to_owned(),
            subject_id: inv.id.clone(),
            status: Some(inv.status.as_str().to_owned()),
            amount_minor: Some(inv.balance.minor),
            currency: Some(inv.currency.code().to_owned()),
            at: crate::store::now_ms(),
        }
    }

    /// A payment was recorded, allocated or refunded: its amount.
    pub fn payment(tenant_id: &str, p: &crate::store::Payment, action: &str) -> Event {
        Event {
            tenant_id: tenant_id.to_owned(),
            client_id: p.client_id.clone(),
            topic: Topic::Payment,
            action: action.to_owned(),
            subject_id: p.id.clone(),
            status: None,
            amount_minor: Some(p.amount.minor),
            currency: Some(p.amount.currency.code().to_owned()),
            at: crate::store::now_ms(),
        }
    }

    /// Activity that may change unread counts (`client_id` may be empty: the whole tenant).
    pub fn activity(tenant_id: &str, client_id: &str, action: &str, subject_id: &str) -> Event {
        Event {
            tenant_id: tenant_id.to_owned(),
            client_id: client_id.to_owned(),
            topic: Topic::Activity,
            action: action.to_owned(),
            subject_id: subject_id.to_owned(),
            status: None,
            amount_minor: None,
            currency: None,
            at: crate::store::now_ms(),
        }
    }

    /// A payment attempt's current status.
    pub fn attempt(tenant_id: &str, a: &crate::store::PaymentAttempt) -> Event {
        Event {
            tenant_id: tenant_id.to_owned(),
            client_id: a.client_id.clone(),
            topic: Topic::Attempt,
            action: a.status.clone(),
            subject_id: a.id.clone(),
            status: Some(a.status.clone()),
            amount_minor: Some(a.amount.minor),
            currency: Some(a.amount.currency.code().to_owned()),
            at: crate::store::now_ms(),
        }
    }
}
