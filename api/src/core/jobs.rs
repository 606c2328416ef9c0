//! The job runner: works a [`Queue`] of rows that are claimed under a lease, run, and then
//! marked done, retried with backoff, or given up. Safe on several instances: a claim is a
//! conditional UPDATE (re-checked by PostgreSQL on concurrent updates, serialised by SQLite), a
//! claim whose lease ran out (its worker died) may be taken again, and every mark is conditional
//! on the claim still being the worker's. At-least-once: a crash between running an item and
//! marking it runs it again, so a queue's `run` must tolerate that (mail at worst goes twice).
//!
//! Time comes from the application's [`Clock`]: tests advance it and call [`Runner::tick`]
//! instead of waiting. `App::build` starts no runner; `portico serve` and `portico demo` do
//! (`App::start_workers`).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::Notify;

use crate::core::clock::Clock;
use crate::core::error::AppResult;

/// A queue of jobs kept in the database.
pub trait Queue: Send + Sync + 'static {
    type Item: Job;

    /// The queue's name, for logs.
    fn name(&self) -> &'static str;

    /// Claims up to `limit` items due at `now` for `worker`, taking over claims made before
    /// `stale_before` (their lease ran out).
    fn claim(
        &self,
        worker: &str,
        limit: i64,
        now: i64,
        stale_before: i64,
    ) -> impl Future<Output = AppResult<Vec<Self::Item>>> + Send;

    /// Whether a run's error is an expected outcome rather than a failure (a payment still
    /// pending, a gateway still down): retried the same way, but logged only at debug level.
    fn expected(&self, _error: &str) -> bool {
        false
    }

    /// Does the work of one item; the error is kept as the item's last error.
    fn run(&self, item: &Self::Item) -> impl Future<Output = Result<(), String>> + Send;

    /// Marks the item done (only while `worker` holds its claim).
    fn done(&self, worker: &str, item: &Self::Item) -> impl Future<Output = AppResult<()>> + Send;

    /// Releases the item to run again at `at` (ms), counting the failed attempt.
    fn retry(
        &self,
        worker: &str,
        item: &Self::Item,
        error: &str,
        at: i64,
    ) -> impl Future<Output = AppResult<()>> + Send;

    /// Ends the item as failed for good, telling whoever must know.
    fn give_up(
        &self,
        worker: &str,
        item: &Self::Item,
        error: &str,
    ) -> impl Future<Output = AppResult<()>> + Send;
}

/// What the runner needs to know of an item.
pub trait Job: Send + Sync {
    fn id(&self) -> &str;
    /// Failed attempts so far.
    fn attempts(&self) -> i64;
    /// When it was queued (ms): retries stop `Policy::give_up_after` from then.
    fn queued_at(&self) -> i64;
}

/// How a queue is worked.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Items claimed at once.
    pub batch: i64,
    /// How long a claim is the worker's alone.
    pub lease: Duration,
    /// First retry delay; it doubles with each failure…
    pub backoff: Duration,
    /// …up to this.
    pub max_backoff: Duration,
    /// Retries stop this long after the item was queued.
    pub give_up_after: Duration,
    /// How often an idle runner looks for due items (a wake-up skips the wait).
    pub poll: Duration,
    /// A fixed schedule of retry delays instead of doubling: the n-th failure waits
    /// `schedule[n-1]`, and the failure after the last is given up (whatever the age).
    pub schedule: &'static [Duration],
    /// How many claimed items run at once (a queue whose claim never hands out two items that
    /// must go in order may run several).
    pub parallel: usize,
}

impl Policy {
    /// The delay before the next try after `attempts` failures: backoff, 2×backoff, 4×… capped.
    pub fn retry_delay(&self, attempts: i64) -> Duration {
        if !self.schedule.is_empty() {
            let i = usize::try_from(attempts.max(1) - 1).unwrap_or(usize::MAX);
            return self.schedule[i.min(self.schedule.len() - 1)];
        }
        let doublings = attempts.clamp(1, 30) as u32 - 1;
        self.backoff
            .saturating_mul(1u32 << doublings.min(20))
            .min(self.max_backoff)
    }

    /// Whether an item queued at `queued_at` that just failed for the `attempts`-th time at `now`
    /// (both ms) is given up.
    pub fn gives_up(&self, queued_at: i64, now: i64, attempts: i64) -> bool {
        if !self.schedule.is_empty() && attempts > self.schedule.len() as i64 {
            return true;
        }
        now.saturating_sub(queued_at) >= ms(self.give_up_after)
    }
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tick {
    pub done: usize,
    pub retried: usize,
    pub given_up: usize,
}

impl Tick {
    pub fn worked(&self) -> usize {
        self.done + self.retried + self.given_up
    }
}

enum Outcome {
    Done,
    Retried,
    GivenUp,
}

/// Works one queue as one worker.
pub struct Runner<Q: Queue> {
    queue: Q,
    policy: Policy,
    clock: Clock,
    worker: String,
}

impl<Q: Queue> Runner<Q> {
    pub fn new(queue: Q, policy: Policy, clock: Clock) -> Runner<Q> {
        Runner {
            queue,
            policy,
            clock,
            worker: uuid::Uuid::now_v7().to_string(),
        }
    }

    /// Claims one batch of due items and runs them.
    pub async fn tick(&self) -> AppResult<Tick> {
        let now = self.clock.now_ms();
        let items = self
            .queue
            .claim(
                &self.worker,
                self.policy.batch,
                now,
                now - ms(self.policy.lease),
            )
            .await?;
        let outcomes: Vec<Outcome> = futures_util::stream::iter(items)
            .map(|item| self.work(item))
            .buffer_unordered(self.policy.parallel.max(1))
            .collect()
            .await;
        let mut tick = Tick::default();
        for o in outcomes {
            match o {
                Outcome::Done => tick.done += 1,
                Outcome::Retried => tick.retried += 1,
                Outcome::GivenUp => tick.given_up += 1,
            }
        }
        Ok(tick)
    }

    /// Runs one claimed item and records how it went.
    async fn work(&self, item: Q::Item) -> Outcome {
        let outcome = self.queue.run(&item).await;
        let (result, recorded) = match outcome {
            Ok(()) => (Outcome::Done, self.queue.done(&self.worker, &item).await),
            Err(e) => {
                let attempts = item.attempts() + 1;
                let now = self.clock.now_ms();
                if self.policy.gives_up(item.queued_at(), now, attempts) {
                    tracing::error!(queue = self.queue.name(), id = item.id(), attempts, error = %e, "given up");
                    (
                        Outcome::GivenUp,
                        self.queue.give_up(&self.worker, &item, &e).await,
                    )
                } else {
                    if self.queue.expected(&e) {
                        tracing::debug!(queue = self.queue.name(), id = item.id(), attempts, outcome = %e, "not yet; will look again");
                    } else {
                        tracing::warn!(queue = self.queue.name(), id = item.id(), attempts, error = %e, "failed; will retry");
                    }
                    let at = now + ms(self.policy.retry_delay(attempts));
                    (
                        Outcome::Retried,
                        self.queue.retry(&self.worker, &item, &e, at).await,
                    )
                }
            }
        };
        if let Err(e) = recorded {
            tracing::error!(queue = self.queue.name(), id = item.id(), error = %e, "recording a job's result failed");
        }
        result
    }

    /// Runs until the task is dropped: a full batch is followed at once by the next, otherwise
    /// the runner waits for `wake` or the poll interval.
    pub async fn run(self, wake: Arc<Notify>) {
        loop {
            match self.tick().await {
                Ok(t) if t.worked() as i64 >= self.policy.batch => continue,
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(queue = self.queue.name(), error = %e, "claiming jobs failed")
                }
            }
            let _ = tokio::time::timeout(self.policy.poll, wake.notified()).await;
        }
    }
}

/// Running workers; dropping this stops them.
#[derive(Default)]
pub struct Workers {
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Workers {
    pub fn spawn(&mut self, task: impl Future<Output = ()> + Send + 'static) {
        self.tasks.push(tokio::spawn(task));
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: Policy = Policy {
        batch: 20,
        lease: Duration::from_secs(120),
        backoff: Duration::from_secs(2),
        max_backoff: Duration::from_secs(900),
        give_up_after: Duration::from_secs(3 * 24 * 3600),
        poll: Duration::from_secs(2),
        schedule: &[],
        parallel: 1,
    };

    #[test]
    fn a_fixed_schedule_is_followed_then_given_up() {
        const S: &[Duration] = &[Duration::from_secs(5), Duration::from_secs(300)];
        let p = Policy {
            schedule: S,
            ..POLICY
        };
        assert_eq!(p.retry_delay(1), Duration::from_secs(5));
        assert_eq!(p.retry_delay(2), Duration::from_secs(300));
        assert!(!p.gives_up(0, 1, 2));
        assert!(p.gives_up(0, 1, 3));
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(POLICY.retry_delay(1), Duration::from_secs(2));
        assert_eq!(POLICY.retry_delay(3), Duration::from_secs(8));
        assert_eq!(POLICY.retry_delay(9), Duration::from_secs(512));
        assert_eq!(POLICY.retry_delay(10), Duration::from_secs(900));
        assert_eq!(POLICY.retry_delay(300), Duration::from_secs(900));
    }

    #[test]
    fn an_item_is_given_up_only_once_its_period_has_passed() {
        let day = 24 * 3600 * 1000;
        let queued = 1_000_000;
        assert!(!POLICY.gives_up(queued, queued, 1));
        assert!(!POLICY.gives_up(queued, queued + 3 * day - 1, 1));
        assert!(POLICY.gives_up(queued, queued + 3 * day, 1));
        // Hundreds of attempts inside the period change nothing: the age decides, not the count.
        let attempts_in_three_days = (1..)
            .scan(0u64, |t, a| {
                *t += POLICY.retry_delay(a).as_secs();
                Some(*t)
            })
            .take_while(|t| *t < 3 * 24 * 3600)
            .count();
        assert!(attempts_in_three_days > 250, "{attempts_in_three_days}");
    }
}
