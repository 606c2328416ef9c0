//! The Subscription root: invoice and payment events from the bus, filtered to the subscriber's
//! tenant, and for contacts to their own client. Every event carries an `id`: a subscriber that
//! reconnects passes the last one it saw as `after` and first gets what it missed (from the event
//! log, a week deep), then live events, each once. `paymentStatus` starts with the attempt's
//! current status, so a return page converges even if it subscribed after the change.

use async_graphql::{Context, Enum, Result, SimpleObject, Subscription, ID};
use futures_util::Stream;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::StreamExt as _;

use super::context::{scope, shared};
use super::scalars::Money;
use crate::core::events::{Event, Topic};
use crate::core::ids;

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum EventTopic {
    Invoice,
    Payment,
    Attempt,
    /// A message, an estimate decision or an invoice opened (what changes unread counts).
    Activity,
}

/// The caller's unread counts, as the portal's menu shows them.
#[derive(SimpleObject, Clone, PartialEq, Eq)]
pub struct ViewerCounts {
    pub unread_messages: i64,
    pub unread_notifications: i64,
}

#[derive(SimpleObject)]
pub struct LedgerEvent {
    /// This event's id: pass the last one seen as `after` when subscribing again.
    pub id: ID,
    pub topic: EventTopic,
    /// e.g. `created`, `issued`, `paid`, `partially_paid`, `voided`, `recorded`, `refunded`.
    pub action: String,
    /// Global id of the invoice or payment.
    pub subject_id: ID,
    pub client_id: ID,
    /// The invoice's status after the change.
    pub status: Option<String>,
    /// Invoice balance, or payment amount.
    pub amount: Option<Money>,
    /// Unix milliseconds.
    pub at: i64,
}

fn to_gql(e: Event) -> LedgerEvent {
    let (topic, kind) = match e.topic {
        Topic::Invoice => (EventTopic::Invoice, crate::core::ids::InvoiceId::KIND),
        Topic::Payment => (EventTopic::Payment, crate::core::ids::PaymentId::KIND),
        Topic::Attempt => (EventTopic::Attempt, crate::core::ids::AttemptId::KIND),
        Topic::Activity => (EventTopic::Activity, "Thread"),
    };
    let amount = match (
        e.amount_minor,
        e.currency.as_deref().map(portico_domain::Currency::parse),
    ) {
        (Some(minor), Some(Ok(c))) => Some(portico_domain::Money::new(minor, c).into()),
        _ => None,
    };
    LedgerEvent {
        id: ids::encode("Event", &e.id),
        topic,
        action: e.action,
        subject_id: ids::encode(kind, &e.subject_id),
        client_id: ids::encode("Client", &e.client_id),
        status: e.status,
        amount,
        at: e.at,
    }
}

/// The events a subscriber gets: those after `after` that `keep` admits (from the event log),
/// then live ones that `keep` admits, without repeating any.
async fn resumed<F>(
    ctx: &Context<'_>,
    after: Option<&ID>,
    keep: F,
) -> Result<impl Stream<Item = Event> + Send + 'static>
where
    F: Fn(&Event) -> bool + Clone + Send + Sync + 'static,
{
    let s = scope(ctx)?.clone();
    // Live first, so nothing published while the log is read is missed.
    let rx = shared(ctx).bus.subscribe();
    let missed: Vec<Event> = match after {
        Some(id) => {
            let raw = ids::decode(id, "Event")?;
            shared(ctx)
                .bus
                .store()
                .events_after(&s.tenant_id, &raw)
                .await?
                .into_iter()
                .filter_map(Event::from_row)
                .filter(|e| keep(e))
                .collect()
        }
        None => Vec::new(),
    };
    let replayed: std::collections::HashSet<String> = missed.iter().map(|e| e.id.clone()).collect();
    let live = BroadcastStream::new(rx).filter_map(move |item| {
        let e = item.ok()?;
        (keep(&e) && !replayed.contains(&e.id)).then_some(e)
    });
    Ok(tokio_stream::iter(missed).chain(live))
}

/// Whether the caller may see event `e`: their tenant, a client they can see, and for contacts
/// never a draft (drafts are the business's own until issued).
fn visible(s: &crate::core::scope::Scope, e: &Event) -> bool {
    e.tenant_id == s.tenant_id
        && s.can_see_client(&e.client_id)
        && !(s.role.is_contact()
            && e.topic == Topic::Invoice
            && e.status.as_deref() == Some("draft"))
}

async fn events(
    ctx: &Context<'_>,
    topic: Topic,
    after: Option<ID>,
) -> Result<impl Stream<Item = LedgerEvent>> {
    let s = scope(ctx)?.clone();
    let keep = move |e: &Event| e.topic == topic && visible(&s, e);
    let visible = resumed(ctx, after.as_ref(), keep).await?.map(to_gql);
    Ok(while_signed_in(ctx, visible))
}

/// Ends a subscription opened with a session once that session has ended (logout, revocation,
/// a disabled contact, expiry): the session is checked before each event goes out (one indexed
/// read), so nothing reaches a browser that is no longer signed in.
fn while_signed_in<S>(ctx: &Context<'_>, events: S) -> impl Stream<Item = LedgerEvent>
where
    S: Stream<Item = LedgerEvent> + Send + 'static,
{
    while_signed_in_any(ctx, events)
}

fn while_signed_in_any<T, S>(ctx: &Context<'_>, events: S) -> impl Stream<Item = T>
where
    T: Send + 'static,
    S: Stream<Item = T> + Send + 'static,
{
    let session = scope(ctx)
        .ok()
        .and_then(|s| s.session_id.clone().map(|id| (s.tenant_id.clone(), id)));
    let store = shared(ctx).store.clone();
    events
        .then(move |e| {
            let (session, store) = (session.clone(), store.clone());
            async move {
                let alive = match session {
                    Some((tenant, id)) => store.session_alive(&tenant, &id).await.unwrap_or(false),
                    None => true,
                };
                (e, alive)
            }
        })
        .take_while(|(_, alive)| *alive)
        .map(|(e, _)| e)
}

pub struct Subscription;

#[Subscription]
impl Subscription {
    /// Invoice changes (created, issued, paid, voided, …) in the caller's tenant; contacts see
    /// their own client's only.
    async fn invoice_events(
        &self,
        ctx: &Context<'_>,
        after: Option<ID>,
    ) -> Result<impl Stream<Item = LedgerEvent>> {
        events(ctx, Topic::Invoice, after).await
    }

    /// One invoice as it changes (issued, paid, partially paid, voided): for a contact watching
    /// the invoice it is paying.
    async fn invoice_updated(
        &self,
        ctx: &Context<'_>,
        invoice_id: ID,
    ) -> Result<impl Stream<Item = LedgerEvent>> {
        let id = crate::core::ids::InvoiceId::from_global(&invoice_id)?;
        let s = scope(ctx)?.clone();
        let rx = shared(ctx).bus.subscribe();
        let mine = BroadcastStream::new(rx).filter_map(move |item| {
            let e = item.ok()?;
            let mine = e.topic == Topic::Invoice && visible(&s, &e) && e.subject_id == id;
            mine.then(|| to_gql(e))
        });
        Ok(while_signed_in(ctx, mine))
    }

    /// One payment attempt's status: its current status first, then each change (processing →
    /// succeeded / failed), so a return page converges whenever it subscribes.
    async fn payment_status(
        &self,
        ctx: &Context<'_>,
        attempt_id: ID,
    ) -> Result<impl Stream<Item = LedgerEvent>> {
        let id = crate::core::ids::AttemptId::from_global(&attempt_id)?;
        let s = scope(ctx)?.clone();
        // Live first, then the current status: a change in between arrives live.
        let rx = shared(ctx).bus.subscribe();
        let Some(now) = shared(ctx).store.attempt(&s, &id).await? else {
            return Err(crate::core::error::AppError::NotFound("payment attempt").into());
        };
        let current = Event::attempt(&s.tenant_id, &now);
        let mine = BroadcastStream::new(rx).filter_map(move |item| {
            let e = item.ok()?;
            let mine = e.topic == Topic::Attempt
                && e.tenant_id == s.tenant_id
                && s.can_see_client(&e.client_id)
                && e.subject_id == id;
            mine.then_some(e)
        });
        let mut last_status = None;
        let changes = tokio_stream::once(current)
            .chain(mine)
            .filter(move |e| {
                let new = last_status.as_ref() != e.status.as_ref();
                last_status = e.status.clone();
                new
            })
            .map(to_gql);
        Ok(while_signed_in(ctx, changes))
    }

    /// Payments recorded, allocated or refunded in the caller's tenant; contacts see their own
    /// client's only.
    async fn payment_events(
        &self,
        ctx: &Context<'_>,
        after: Option<ID>,
    ) -> Result<impl Stream<Item = LedgerEvent>> {
        events(ctx, Topic::Payment, after).await
    }

    /// The caller's unread messages and notifications: now, then again whenever they change
    /// (recounted when anything happens in the tenant; only the caller's own counts go out).
    async fn viewer_counts(&self, ctx: &Context<'_>) -> Result<impl Stream<Item = ViewerCounts>> {
        let s = scope(ctx)?.clone();
        let store = shared(ctx).store.clone();
        let rx = shared(ctx).bus.subscribe();
        let tenant = s.tenant_id.clone();
        let triggers =
            tokio_stream::once(()).chain(BroadcastStream::new(rx).filter_map(move |item| {
                let e = item.ok()?;
                (e.tenant_id == tenant).then_some(())
            }));
        let mut last: Option<ViewerCounts> = None;
        let counts = triggers
            .then(move |()| {
                let (s, store) = (s.clone(), store.clone());
                async move {
                    let m = store.unread_messages(&s).await.ok()?;
                    let n = store.unread_notifications(&s).await.ok()?;
                    Some(ViewerCounts {
                        unread_messages: m,
                        unread_notifications: n,
                    })
                }
            })
            .filter_map(move |c| {
                let c = c?;
                if last.as_ref() == Some(&c) {
                    return None;
                }
                last = Some(c.clone());
                Some(c)
            });
        Ok(while_signed_in_any(ctx, counts))
    }
}
