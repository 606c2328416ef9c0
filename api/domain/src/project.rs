//! Project time tracking: validation of logged hours and summaries of time
//! entries by task, assignee and month.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::error::{DomainError, DomainResult};
use crate::validate::significant_scale;

/// The facts of one time entry that summaries need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeEntryFacts {
    pub task: String,
    pub assignee: String,
    pub date: NaiveDate,
    pub hours: Decimal,
    pub billable: bool,
    pub billed: bool,
}

/// Most hours one entry may log.
pub const MAX_HOURS: Decimal = Decimal::from_parts(24, 0, 0, false, 0);

/// Hours must be > 0 and <= 24 with at most 2 fraction digits
/// (Invalid "hours"). Returns the value unchanged.
pub fn validate_hours(hours: Decimal) -> DomainResult<Decimal> {
    if hours <= Decimal::ZERO || hours > MAX_HOURS {
        return Err(DomainError::invalid(
            "hours",
            "must be greater than 0 and at most 24",
        ));
    }
    if significant_scale(hours) > 2 {
        return Err(DomainError::invalid(
            "hours",
            "allows at most 2 decimal places",
        ));
    }
    Ok(hours)
}

/// Hours totals for one group of entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeSummary {
    pub key: String,
    pub hours: Decimal,
    pub billable_hours: Decimal,
    /// Billable and not yet billed.
    pub unbilled_hours: Decimal,
    pub entries: u32,
}

impl TimeSummary {
    fn empty(key: String) -> Self {
        TimeSummary {
            key,
            hours: Decimal::ZERO,
            billable_hours: Decimal::ZERO,
            unbilled_hours: Decimal::ZERO,
            entries: 0,
        }
    }

    fn add(&mut self, e: &TimeEntryFacts) {
        self.hours = self.hours.saturating_add(e.hours);
        if e.billable {
            self.billable_hours = self.billable_hours.saturating_add(e.hours);
            if !e.billed {
                self.unbilled_hours = self.unbilled_hours.saturating_add(e.hours);
            }
        }
        self.entries = self.entries.saturating_add(1);
    }
}

/// Groups entries by `key`, sorted by key; hours are normalized (no
/// trailing zeros).
fn summarize(
    entries: &[TimeEntryFacts],
    key: impl Fn(&TimeEntryFacts) -> String,
) -> Vec<TimeSummary> {
    let mut groups: BTreeMap<String, TimeSummary> = BTreeMap::new();
    for e in entries {
        let k = key(e);
        groups
            .entry(k.clone())
            .or_insert_with(|| TimeSummary::empty(k))
            .add(e);
    }
    groups
        .into_values()
        .map(|mut s| {
            s.hours = s.hours.normalize();
            s.billable_hours = s.billable_hours.normalize();
            s.unbilled_hours = s.unbilled_hours.normalize();
            s
        })
        .collect()
}

/// Totals per task, sorted by task.
pub fn summarize_by_task(entries: &[TimeEntryFacts]) -> Vec<TimeSummary> {
    summarize(entries, |e| e.task.clone())
}

/// Totals per assignee, sorted by assignee.
pub fn summarize_by_assignee(entries: &[TimeEntryFacts]) -> Vec<TimeSummary> {
    summarize(entries, |e| e.assignee.clone())
}

/// Totals per calendar month, key `"YYYY-MM"`, sorted.
pub fn summarize_by_month(entries: &[TimeEntryFacts]) -> Vec<TimeSummary> {
    summarize(entries, |e| {
        format!("{:04}-{:02}", e.date.year(), e.date.month())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal literal")
    }
    fn entry(
        task: &str,
        who: &str,
        date: &str,
        hours: &str,
        billable: bool,
        billed: bool,
    ) -> TimeEntryFacts {
        TimeEntryFacts {
            task: task.to_string(),
            assignee: who.to_string(),
            date: NaiveDate::from_str(date).expect("date literal"),
            hours: dec(hours),
            billable,
            billed,
        }
    }
    fn entries() -> Vec<TimeEntryFacts> {
        vec![
            entry("design", "zoe", "2024-02-28", "1.5", true, false),
            entry("build", "amy", "2024-03-01", "8", true, true),
            entry("design", "amy", "2024-03-31", "2.25", false, false),
            entry("build", "zoe", "2023-12-31", "0.25", true, false),
            entry("build", "amy", "2024-03-02", "0.50", false, true),
        ]
    }
    fn row(s: &TimeSummary) -> (String, String, String, String, u32) {
        (
            s.key.clone(),
            s.hours.to_string(),
            s.billable_hours.to_string(),
            s.unbilled_hours.to_string(),
            s.entries,
        )
    }
    fn expect(
        key: &str,
        h: &str,
        b: &str,
        u: &str,
        n: u32,
    ) -> (String, String, String, String, u32) {
        (key.into(), h.into(), b.into(), u.into(), n)
    }

    #[test]
    fn hours_within_limits_are_accepted_unchanged() {
        for h in ["0.01", "1", "7.5", "23.99", "24", "24.00", "1.50"] {
            assert_eq!(validate_hours(dec(h)), Ok(dec(h)), "{h}");
        }
    }

    #[test]
    fn zero_negative_or_more_than_24_hours_are_refused() {
        for h in ["0", "-1", "24.01", "100"] {
            let r = validate_hours(dec(h));
            assert!(
                matches!(r, Err(DomainError::Invalid { field: "hours", .. })),
                "{h}"
            );
        }
    }

    #[test]
    fn hours_with_more_than_two_decimals_are_refused() {
        let r = validate_hours(dec("1.125"));
        assert_eq!(
            r,
            Err(DomainError::invalid(
                "hours",
                "allows at most 2 decimal places"
            ))
        );
    }

    #[test]
    fn summaries_of_no_entries_are_empty() {
        assert!(summarize_by_task(&[]).is_empty());
        assert!(summarize_by_assignee(&[]).is_empty());
        assert!(summarize_by_month(&[]).is_empty());
    }

    #[test]
    fn summary_by_task_is_sorted_and_splits_billable_and_unbilled_hours() {
        let rows: Vec<_> = summarize_by_task(&entries()).iter().map(row).collect();
        assert_eq!(
            rows,
            vec![
                expect("build", "8.75", "8.25", "0.25", 3),
                expect("design", "3.75", "1.5", "1.5", 2)
            ]
        );
    }

    #[test]
    fn summary_by_assignee_is_sorted_by_assignee() {
        let rows: Vec<_> = summarize_by_assignee(&entries()).iter().map(row).collect();
        assert_eq!(
            rows,
            vec![
                expect("amy", "10.75", "8", "0", 3),
                expect("zoe", "1.75", "1.75", "1.75", 2)
            ]
        );
    }

    #[test]
    fn summary_by_month_uses_year_month_keys_in_order_across_years() {
        let rows: Vec<_> = summarize_by_month(&entries()).iter().map(row).collect();
        assert_eq!(
            rows,
            vec![
                expect("2023-12", "0.25", "0.25", "0.25", 1),
                expect("2024-02", "1.5", "1.5", "1.5", 1),
                expect("2024-03", "10.75", "8", "0", 3),
            ]
        );
    }

    #[test]
    fn billed_but_non_billable_time_counts_only_as_hours() {
        let rows = summarize_by_task(&[entry("t", "a", "2024-01-01", "2", false, true)]);
        assert_eq!(row(&rows[0]), expect("t", "2", "0", "0", 1));
    }
}
