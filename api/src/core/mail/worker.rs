//! The outbox worker: claims due messages (safe with several instances: a claim is a conditional
//! UPDATE, re-checked by PostgreSQL on concurrent updates and serialised by SQLite), sends them,
//! and on failure schedules a retry with exponential backoff capped at 15 minutes, for three days
//! from when the message was queued; then it is marked failed and staff are notified. SMTP being
//! down loses nothing; a crash between sending and recording can at worst send a message twice
//! (at-least-once).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use super::Mailer;
use crate::core::db::Store;

/// How long a message is retried from when it was queued, before it is given up and staff told.
pub const GIVE_UP_AFTER: Duration = Duration::from_secs(3 * 24 * 3600);
const BATCH: i64 = 20;
const POLL: Duration = Duration::from_secs(2);

/// Retry delay after `attempts` failures: 2 s, 4 s, 8 s … capped at 15 minutes.
pub fn backoff(attempts: i64) -> Duration {
    Duration::from_secs((1u64 << attempts.clamp(1, 20) as u32).min(900))
}

/// Whether a message queued at `created_at` that just failed at `now` (both ms) is given up.
pub fn gives_up(created_at: i64, now: i64) -> bool {
    now.saturating_sub(created_at) >= GIVE_UP_AFTER.as_millis() as i64
}

/// Runs until the process ends; `wake` lets a transaction that queued mail skip the poll wait.
pub async fn run(store: Store, mailer: Mailer, wake: Arc<Notify>) {
    let worker_id = uuid::Uuid::now_v7().to_string();
    loop {
        match store.claim_outbox(&worker_id, BATCH).await {
            Ok(items) => {
                let busy = !items.is_empty();
                for item in items {
                    let result = mailer
                        .send(&item.recipient, &item.subject, &item.body)
                        .await;
                    let recorded = match result {
                        Ok(()) => store.outbox_sent(&worker_id, &item.id).await,
                        Err(e) => {
                            let attempts = item.attempts + 1;
                            if gives_up(item.created_at, crate::core::db::now_ms()) {
                                tracing::error!(id = %item.id, attempts, error = %e, "mail not sent for 3 days; given up, staff notified");
                                store
                                    .outbox_gave_up(&worker_id, &item, &e.to_string())
                                    .await
                            } else {
                                tracing::warn!(id = %item.id, attempts, error = %e, "mail not sent; will retry");
                                store
                                    .outbox_failed(
                                        &worker_id,
                                        &item.id,
                                        &e.to_string(),
                                        backoff(attempts),
                                    )
                                    .await
                            }
                        }
                    };
                    if let Err(e) = recorded {
                        tracing::error!(error = %e, "recording an outbox result failed");
                    }
                }
                if busy {
                    continue;
                }
            }
            Err(e) => tracing::warn!(error = %e, "claiming outbox mail failed"),
        }
        let _ = tokio::time::timeout(POLL, wake.notified()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), Duration::from_secs(2));
        assert_eq!(backoff(3), Duration::from_secs(8));
        assert_eq!(backoff(9), Duration::from_secs(512));
        assert_eq!(backoff(10), Duration::from_secs(900));
        assert_eq!(backoff(300), Duration::from_secs(900));
    }

    #[test]
    fn mail_is_given_up_only_three_days_after_it_was_queued() {
        let day = 24 * 3600 * 1000;
        let queued = 1_000_000;
        assert!(!gives_up(queued, queued));
        assert!(!gives_up(queued, queued + 3 * day - 1));
        assert!(gives_up(queued, queued + 3 * day));
        // Dozens of attempts inside the period change nothing: the age decides, not the count.
        let attempts_in_three_days: u64 = (1..)
            .scan(0u64, |t, a| {
                *t += backoff(a).as_secs();
                Some(*t)
            })
            .take_while(|t| *t < 3 * 24 * 3600)
            .count() as u64;
        assert!(attempts_in_three_days > 250, "{attempts_in_three_days}");
    }
}
