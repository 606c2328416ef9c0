//! The clock: every "now" in the application is read here, so tests move time instead of
//! rewriting rows. It is the system clock plus an offset; only tests change the offset
//! (`advance`, `set`), and time keeps running from wherever they put it, so ordering by creation
//! time still works.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};

/// A clock shared by the store, the workers and the requests of one application.
#[derive(Clone, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clock")
            .field("offset_ms", &self.offset_ms.load(Ordering::Relaxed))
            .finish()
    }
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// Milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        Utc::now().timestamp_millis() + self.offset_ms.load(Ordering::Relaxed)
    }

    /// Seconds since the Unix epoch.
    pub fn now_secs(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    pub fn now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(self.now_ms()).unwrap_or_else(Utc::now)
    }

    /// Today in UTC (areas with a tenant use the tenant's time zone: `time_zone::today`).
    pub fn today_utc(&self) -> NaiveDate {
        self.now().date_naive()
    }

    /// Moves time forward (tests: a link expiring, a retry falling due, a session going idle).
    pub fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX / 4);
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }

    /// Puts "now" at `at` (ms since the epoch); time runs on from there.
    pub fn set_ms(&self, at: i64) {
        let offset = at - Utc::now().timestamp_millis();
        self.offset_ms.store(offset, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_every_copy_of_the_clock() {
        let clock = Clock::system();
        let copy = clock.clone();
        let before = copy.now_ms();
        clock.advance(Duration::from_secs(3600));
        let after = copy.now_ms();
        assert!(after - before >= 3_600_000, "{before} -> {after}");
        assert!(after - before < 3_660_000, "{before} -> {after}");
    }

    #[test]
    fn set_puts_now_at_the_given_instant_and_time_runs_on() {
        let clock = Clock::system();
        clock.set_ms(1_000_000_000_000);
        let now = clock.now_ms();
        assert!(
            (1_000_000_000_000..1_000_000_060_000).contains(&now),
            "{now}"
        );
        assert_eq!(clock.now().timestamp_millis() / 1000, now / 1000);
        assert_eq!(clock.now_secs(), now / 1000);
    }
}
