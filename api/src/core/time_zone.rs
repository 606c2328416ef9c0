//! A business's time zone: validation of its IANA name, and the UTC offsets in force over a few
//! years, which the portal uses to show instants as local times (the portal carries no time-zone
//! database; the same offsets serve the server render and the browser, so both agree).

use chrono::{Offset, TimeZone};
use chrono_tz::Tz;

use crate::core::error::{AppError, AppResult};

/// One span of a time zone's offset: from `from_ms` (Unix milliseconds) on, `minutes` east of UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcOffset {
    pub from_ms: i64,
    pub minutes: i32,
}

/// `name` as a time zone the portal can use.
pub fn parse(name: &str) -> AppResult<Tz> {
    name.trim().parse::<Tz>().map_err(|_| {
        AppError::bad_input(
            "timeZone",
            "a time zone is an IANA name such as Europe/Athens",
        )
    })
}

fn offset_minutes(tz: Tz, ms: i64) -> i32 {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|utc| {
            tz.offset_from_utc_datetime(&utc.naive_utc())
                .fix()
                .local_minus_utc()
                / 60
        })
        .unwrap_or(0)
}

/// The offsets of `name` (UTC for an unknown name) from `from_ms` to `to_ms`: the first span
/// starts at `from_ms`, each later one at a change (found exactly).
pub fn offsets(name: &str, from_ms: i64, to_ms: i64) -> Vec<UtcOffset> {
    let Ok(tz) = name.parse::<Tz>() else {
        return vec![UtcOffset {
            from_ms,
            minutes: 0,
        }];
    };
    const DAY: i64 = 86_400_000;
    let mut out = vec![UtcOffset {
        from_ms,
        minutes: offset_minutes(tz, from_ms),
    }];
    let mut at = from_ms;
    while at < to_ms {
        let next = (at + DAY).min(to_ms);
        let before = offset_minutes(tz, at);
        if offset_minutes(tz, next) != before {
            // The change lies in (at, next]: narrow it down to the millisecond.
            let (mut lo, mut hi) = (at, next);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if offset_minutes(tz, mid) == before {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            out.push(UtcOffset {
                from_ms: hi,
                minutes: offset_minutes(tz, hi),
            });
        }
        at = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn athens_changes_offset_twice_a_year() {
        // 2026-01-01 to 2027-01-01: +2h, +3h from 29 March 01:00 UTC, +2h from 25 October 01:00 UTC.
        let spans = offsets("Europe/Athens", 1_767_225_600_000, 1_798_761_600_000);
        assert_eq!(spans.len(), 3, "{spans:?}");
        assert_eq!(spans[0].minutes, 120);
        assert_eq!(spans[1].minutes, 180);
        assert_eq!(spans[1].from_ms, 1_774_746_000_000);
        assert_eq!(spans[2].minutes, 120);
        assert_eq!(offsets("UTC", 0, 10 * 86_400_000).len(), 1);
        assert!(parse("Mars/Olympus").is_err());
        assert!(parse("America/New_York").is_ok());
    }
}
