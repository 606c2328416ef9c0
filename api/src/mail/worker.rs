//! The outbox worker: claims due messages (safe with several instances: a claim is a conditional
//! UPDATE, re-checked by PostgreSQL on concurrent updates and serialised by SQLite), sends them,
//! and on failure schedules a retry with exponential backoff. SMTP being down loses nothing; a
//! crash between sending and recording can at worst send a message twice (at-least-once).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use super::Mailer;
use crate::store::Store;

pub const MAX_ATTEMPTS: i64 = 12;
const BATCH: i64 = 20;
const POLL: Duration = Duration::from_secs(2);

/// Retry delay after `attempts` failures: 2 s, 4 s, 8 s … capped at 10 minutes.
pub fn backoff(attempts: i64) -> Duration {
    Duration::from_secs((1u64 << attempts.clamp(1, 20) as u32).min(600))
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
                            tracing::warn!(id = %item.id, attempts, error = %e, "mail not sent; will retry");
                            let give_up = attempts >= MAX_ATTEMPTS;
                            store
                                .outbox_failed(
                                    &worker_id,
                                    &item.id,
                                    &e.to_string(),
                                    backoff(attempts),
                                    give_up,
                                )
                                .await
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
        assert_eq!(backoff(30), Duration::from_secs(600));
    }
}
