//! The event bus: invoice, payment and activity events for subscriptions.
//!
//! Every event is delivered to this instance's subscribers at once, whatever Redis does, and kept
//! in the database (`events`, a week). With Redis, it is also published to a channel that every
//! other instance's listener feeds into its own subscribers. Nothing is lost while Redis is away:
//! when a listener (re)subscribes, it first catches up from the database on what it missed, and a
//! subscriber that reconnects passes the id of the last event it saw (`after`) to get the rest.
//! Each instance delivers an event once (ids already delivered are remembered).

use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, Mutex};

mod log;

pub use log::{EventRow, EVENT_RETENTION_MS, MAX_CATCH_UP};

use crate::core::db::Store;

const CHANNEL: &str = "portico:events";
/// Ids remembered as delivered by this instance (a catch-up window's worth, and more).
const REMEMBERED: usize = 20_000;
/// A catch-up starts this long before the newest event delivered: an event published by another
/// instance a moment before may be stored with a slightly older time.
const CATCH_UP_OVERLAP_MS: i64 = 10_000;

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

impl Topic {
    pub fn as_str(&self) -> &'static str {
        match self {
            Topic::Invoice => "invoice",
            Topic::Payment => "payment",
            Topic::Attempt => "attempt",
            Topic::Activity => "activity",
        }
    }

    pub fn parse(s: &str) -> Option<Topic> {
        [
            Topic::Invoice,
            Topic::Payment,
            Topic::Attempt,
            Topic::Activity,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }
}

/// One change, published after its transaction committed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Unique (UUIDv7): subscribers resume after it, instances deliver it once.
    pub id: String,
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

impl Event {
    pub fn to_row(&self) -> EventRow {
        EventRow {
            id: self.id.clone(),
            tenant_id: self.tenant_id.clone(),
            client_id: self.client_id.clone(),
            topic: self.topic.as_str().to_owned(),
            action: self.action.clone(),
            subject_id: self.subject_id.clone(),
            status: self.status.clone(),
            amount_minor: self.amount_minor,
            currency: self.currency.clone(),
            at: self.at,
        }
    }

    /// The event a stored row holds (`None` for a topic this version does not know).
    pub fn from_row(r: EventRow) -> Option<Event> {
        Some(Event {
            topic: Topic::parse(&r.topic)?,
            id: r.id,
            tenant_id: r.tenant_id,
            client_id: r.client_id,
            action: r.action,
            subject_id: r.subject_id,
            status: r.status,
            amount_minor: r.amount_minor,
            currency: r.currency,
            at: r.at,
        })
    }
}

/// What this instance has delivered: recent ids (to deliver each event once) and the newest time.
#[derive(Default)]
struct Delivered {
    ids: HashSet<String>,
    order: VecDeque<String>,
    newest_at: i64,
}

impl Delivered {
    /// Remembers `e`; false when it was delivered already.
    fn first_time(&mut self, e: &Event) -> bool {
        if !self.ids.insert(e.id.clone()) {
            return false;
        }
        self.order.push_back(e.id.clone());
        if self.order.len() > REMEMBERED {
            if let Some(old) = self.order.pop_front() {
                self.ids.remove(&old);
            }
        }
        self.newest_at = self.newest_at.max(e.at);
        true
    }
}

#[derive(Clone)]
pub struct EventBus {
    inner: Arc<Inner>,
}

struct Inner {
    local: broadcast::Sender<Event>,
    store: Store,
    delivered: std::sync::Mutex<Delivered>,
    redis: Option<RedisSide>,
    published: AtomicU64,
}

struct RedisSide {
    client: redis::Client,
    publisher: Mutex<Option<redis::aio::MultiplexedConnection>>,
    /// Publishing is failing (said once in the log, and once when it works again).
    down: std::sync::atomic::AtomicBool,
}

impl EventBus {
    /// The bus of a single instance: local delivery, and the event log for reconnecting
    /// subscribers.
    pub fn in_process(store: Store) -> EventBus {
        let (local, _) = broadcast::channel(4096);
        EventBus {
            inner: Arc::new(Inner {
                local,
                store,
                delivered: Default::default(),
                redis: None,
                published: AtomicU64::new(0),
            }),
        }
    }

    /// Connects to Redis and starts the listener; returns once it is subscribed (or after a few
    /// seconds of trying, leaving the listener to keep retrying in the background).
    pub async fn redis(url: &str, store: Store) -> anyhow::Result<EventBus> {
        let client =
            redis::Client::open(url).map_err(|e| anyhow::anyhow!("PORTICO_REDIS_URL: {e}"))?;
        let (local, _) = broadcast::channel(4096);
        let newest_at = store.now_ms();
        let bus = EventBus {
            inner: Arc::new(Inner {
                local,
                store,
                delivered: std::sync::Mutex::new(Delivered {
                    newest_at,
                    ..Default::default()
                }),
                redis: Some(RedisSide {
                    client: client.clone(),
                    publisher: Mutex::new(None),
                    down: Default::default(),
                }),
                published: AtomicU64::new(0),
            }),
        };
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        tokio::spawn(listen(client, Arc::downgrade(&bus.inner), ready_tx));
        if tokio::time::timeout(Duration::from_secs(5), ready_rx)
            .await
            .is_err()
        {
            tracing::warn!("redis is not reachable yet; events stay local until it is");
        }
        Ok(bus)
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.inner.local.subscribe()
    }

    pub fn is_redis(&self) -> bool {
        self.inner.redis.is_some()
    }

    /// The event log (subscribers catching up).
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Publishes an event; never fails the caller (the change it describes is already committed).
    /// It is kept, delivered here at once, then sent to the other instances through Redis.
    pub async fn publish(&self, mut event: Event) {
        let inner = &self.inner;
        event.at = inner.store.now_ms();
        if let Err(e) = inner.store.record_event(&event.to_row()).await {
            tracing::warn!(error = %e, "keeping an event failed; it is delivered live only");
        }
        inner.deliver(event.clone());
        if let Some(side) = &inner.redis {
            match side.publish(&event).await {
                Ok(()) if side.down.swap(false, Ordering::Relaxed) => {
                    tracing::info!("redis publish works again");
                }
                Ok(()) => {}
                Err(e) if !side.down.swap(true, Ordering::Relaxed) => {
                    tracing::warn!(error = %e, "redis publish failed; events stay local, other instances catch up when it returns");
                }
                Err(_) => {}
            }
        }
        if inner.published.fetch_add(1, Ordering::Relaxed) % 1_000 == 999 {
            let store = inner.store.clone();
            tokio::spawn(async move {
                if let Err(e) = store.prune_events(store.now_ms()).await {
                    tracing::warn!(error = %e, "pruning old events failed");
                }
            });
        }
    }
}

impl Inner {
    /// Hands an event to this instance's subscribers, once.
    fn deliver(&self, event: Event) {
        let first = self
            .delivered
            .lock()
            .map(|mut d| d.first_time(&event))
            .unwrap_or(true);
        if first {
            // No receivers is fine.
            let _ = self.local.send(event);
        }
    }

    /// Delivers what other instances published since shortly before the newest event delivered
    /// here (the listener was away): from the event log, in order, each once.
    async fn catch_up(&self) {
        let mut since = self
            .delivered
            .lock()
            .map(|d| d.newest_at)
            .unwrap_or_default()
            - CATCH_UP_OVERLAP_MS;
        loop {
            let batch = match self.store.events_since(since).await {
                Ok(b) => b,
                Err(e) => {
                    tracing::warn!(error = %e, "catching up on events failed");
                    return;
                }
            };
            let full = batch.len() as i64 >= crate::core::events::MAX_CATCH_UP;
            let last_at = batch.last().map(|r| r.at);
            for row in batch {
                if let Some(e) = Event::from_row(row) {
                    self.deliver(e);
                }
            }
            match (full, last_at) {
                (true, Some(at)) if at > since => since = at,
                _ => return,
            }
        }
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

/// Forwards Redis messages to the local subscribers, reconnecting with backoff; after every
/// (re)subscription it catches up from the event log. Ends when the bus is dropped.
async fn listen(
    client: redis::Client,
    bus: std::sync::Weak<Inner>,
    ready: tokio::sync::oneshot::Sender<()>,
) {
    let mut ready = Some(ready);
    let mut backoff = Duration::from_millis(100);
    loop {
        match client.get_async_pubsub().await {
            Ok(mut pubsub) => match pubsub.subscribe(CHANNEL).await {
                Ok(()) => {
                    backoff = Duration::from_millis(100);
                    let Some(inner) = bus.upgrade() else { return };
                    // Subscribed first, then caught up: nothing published in between is missed
                    // (it arrives on the channel, or is in the log, or both: delivered once).
                    inner.catch_up().await;
                    drop(inner);
                    if let Some(r) = ready.take() {
                        let _ = r.send(());
                    }
                    let mut messages = pubsub.into_on_message();
                    while let Some(msg) = messages.next().await {
                        let Ok(payload) = msg.get_payload::<String>() else {
                            continue;
                        };
                        let Some(inner) = bus.upgrade() else { return };
                        match serde_json::from_str::<Event>(&payload) {
                            Ok(event) => inner.deliver(event),
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
        if bus.strong_count() == 0 {
            return;
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

impl Event {
    /// Activity that may change unread counts (`client_id` may be empty: the whole tenant).
    pub fn activity(tenant_id: &str, client_id: &str, action: &str, subject_id: &str) -> Event {
        Event {
            id: crate::core::db::new_id(),
            tenant_id: tenant_id.to_owned(),
            client_id: client_id.to_owned(),
            topic: Topic::Activity,
            action: action.to_owned(),
            subject_id: subject_id.to_owned(),
            status: None,
            amount_minor: None,
            currency: None,
            at: 0, // stamped by the bus when published
        }
    }
}
