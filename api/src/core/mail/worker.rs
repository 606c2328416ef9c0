//! The mail queue: the outbox worked by the job runner (`core::jobs`). A message that cannot be
//! sent is retried with exponential backoff capped at 15 minutes, for three days from when it was
//! queued; then it is marked failed and staff are notified. SMTP being down loses nothing; a crash
//! between sending and recording can at worst send a message twice (at-least-once).

use std::time::Duration;

use super::Mailer;
use crate::core::db::Store;
use crate::core::error::AppResult;
use crate::core::jobs::{Job, Policy, Queue, Runner};
use crate::core::outbox::OutboxItem;

/// How the outbox is worked.
pub const POLICY: Policy = Policy {
    batch: 20,
    lease: Duration::from_secs(120),
    backoff: Duration::from_secs(2),
    max_backoff: Duration::from_secs(900),
    give_up_after: Duration::from_secs(3 * 24 * 3600),
    poll: Duration::from_secs(2),
    schedule: &[],
    parallel: 1,
};

/// The outbox as a queue: each item is one email.
pub struct MailQueue {
    pub store: Store,
    pub mailer: Mailer,
}

/// The runner of the mail queue (its clock is the store's).
pub fn runner(store: Store, mailer: Mailer) -> Runner<MailQueue> {
    let clock = store.clock().clone();
    Runner::new(MailQueue { store, mailer }, POLICY, clock)
}

impl Job for OutboxItem {
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

impl Queue for MailQueue {
    type Item = OutboxItem;

    fn name(&self) -> &'static str {
        "mail"
    }

    async fn claim(
        &self,
        worker: &str,
        limit: i64,
        now: i64,
        stale_before: i64,
    ) -> AppResult<Vec<OutboxItem>> {
        self.store
            .claim_outbox(worker, limit, now, stale_before)
            .await
    }

    async fn run(&self, item: &OutboxItem) -> Result<(), String> {
        let file = match (&item.attachment, self.mailer.attachments()) {
            (Some(a), Some(source)) => source.draw(&item.tenant_id, a).await?,
            _ => None,
        };
        self.mailer
            .send(
                &item.recipient,
                &item.subject,
                &item.body,
                item.html.as_deref(),
                file.as_ref(),
            )
            .await
            .map_err(|e| e.to_string())
    }

    async fn done(&self, worker: &str, item: &OutboxItem) -> AppResult<()> {
        self.store.outbox_sent(worker, &item.id).await
    }

    async fn retry(&self, worker: &str, item: &OutboxItem, error: &str, at: i64) -> AppResult<()> {
        self.store.outbox_failed(worker, &item.id, error, at).await
    }

    async fn give_up(&self, worker: &str, item: &OutboxItem, error: &str) -> AppResult<()> {
        self.store.outbox_gave_up(worker, item, error).await
    }
}
