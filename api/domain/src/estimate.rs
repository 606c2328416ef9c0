//! Estimates (quotes): draft -> sent -> accepted | rejected, with expiry
//! derived from `valid_until` rather than stored.

use chrono::NaiveDate;

use crate::error::{DomainError, DomainResult};
use crate::validate;

const ENTITY: &str = "estimate";

/// Longest acceptance comment or rejection reason, in characters.
pub const MAX_ESTIMATE_COMMENT: usize = 2000;

/// Stored status of an estimate. `Expired` is usually derived, see
/// [`effective_estimate_status`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EstimateStatus {
    Draft,
    Sent,
    Accepted,
    Rejected,
    Expired,
}

impl EstimateStatus {
    pub const ALL: [EstimateStatus; 5] = [
        EstimateStatus::Draft,
        EstimateStatus::Sent,
        EstimateStatus::Accepted,
        EstimateStatus::Rejected,
        EstimateStatus::Expired,
    ];

    /// `"draft"`, `"sent"`, `"accepted"`, `"rejected"`, `"expired"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            EstimateStatus::Draft => "draft",
            EstimateStatus::Sent => "sent",
            EstimateStatus::Accepted => "accepted",
            EstimateStatus::Rejected => "rejected",
            EstimateStatus::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> DomainResult<Self> {
        Self::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| {
                DomainError::invalid("status", format!("unknown estimate status \"{s}\""))
            })
    }
}

impl std::fmt::Display for EstimateStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// draft -> sent; needs at least one line (Invalid "lines").
pub fn send_estimate(status: EstimateStatus, line_count: usize) -> DomainResult<EstimateStatus> {
    if status != EstimateStatus::Draft {
        return Err(DomainError::transition(ENTITY, status.as_str(), "send"));
    }
    if line_count == 0 {
        return Err(DomainError::invalid(
            "lines",
            "an estimate needs at least one line",
        ));
    }
    Ok(EstimateStatus::Sent)
}

/// Refuses unless the estimate effectively reads as Sent (an expired one is
/// reported as "expired").
fn ensure_answerable(
    status: EstimateStatus,
    valid_until: Option<NaiveDate>,
    today: NaiveDate,
    action: &'static str,
) -> DomainResult<()> {
    match effective_estimate_status(status, valid_until, today) {
        EstimateStatus::Sent => Ok(()),
        other => Err(DomainError::transition(ENTITY, other.as_str(), action)),
    }
}

/// sent -> accepted; refused once expired (valid_until < today) with an
/// InvalidTransition from "expired". The optional comment is validated
/// separately with [`estimate_comment`].
pub fn accept_estimate(
    status: EstimateStatus,
    valid_until: Option<NaiveDate>,
    today: NaiveDate,
) -> DomainResult<EstimateStatus> {
    ensure_answerable(status, valid_until, today, "accept")?;
    Ok(EstimateStatus::Accepted)
}

/// sent -> rejected; the reason is required (non-blank, at most 2000
/// characters) else Invalid "reason".
pub fn reject_estimate(
    status: EstimateStatus,
    valid_until: Option<NaiveDate>,
    today: NaiveDate,
    reason: &str,
) -> DomainResult<EstimateStatus> {
    ensure_answerable(status, valid_until, today, "reject")?;
    validate::text("reason", reason, MAX_ESTIMATE_COMMENT)?;
    Ok(EstimateStatus::Rejected)
}

/// Validates the optional acceptance comment: blank -> None, at most 2000
/// characters (Invalid "comment").
pub fn estimate_comment(comment: Option<&str>) -> DomainResult<Option<String>> {
    validate::optional_text("comment", comment, MAX_ESTIMATE_COMMENT)
}

/// The status a reader sees: Sent with valid_until < today reads as Expired.
pub fn effective_estimate_status(
    status: EstimateStatus,
    valid_until: Option<NaiveDate>,
    today: NaiveDate,
) -> EstimateStatus {
    match (status, valid_until) {
        (EstimateStatus::Sent, Some(until)) if until < today => EstimateStatus::Expired,
        _ => status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;
    use EstimateStatus::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::from_str(s).expect("date literal")
    }
    fn today() -> NaiveDate {
        day("2024-06-15")
    }
    fn field_of<T: std::fmt::Debug>(r: DomainResult<T>) -> &'static str {
        match r {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }
    fn refused_from<T: std::fmt::Debug>(r: DomainResult<T>, action: &'static str) -> String {
        match r {
            Err(DomainError::InvalidTransition {
                entity,
                from,
                action: a,
            }) => {
                assert_eq!((entity, a), ("estimate", action));
                from
            }
            other => panic!("expected InvalidTransition, got {other:?}"),
        }
    }

    #[test]
    fn every_status_round_trips_through_its_string() {
        let names = ["draft", "sent", "accepted", "rejected", "expired"];
        for (s, name) in EstimateStatus::ALL.iter().zip(names) {
            assert_eq!(s.as_str(), name);
            assert_eq!(s.to_string(), name);
            assert_eq!(EstimateStatus::parse(name), Ok(*s));
        }
        assert_eq!(field_of(EstimateStatus::parse("Sent")), "status");
    }

    // ---- send ----

    #[test]
    fn sending_a_draft_with_lines_gives_sent() {
        assert_eq!(send_estimate(Draft, 1), Ok(Sent));
    }

    #[test]
    fn sending_a_draft_with_no_lines_is_refused() {
        assert_eq!(field_of(send_estimate(Draft, 0)), "lines");
    }

    #[test]
    fn sending_anything_but_a_draft_is_a_conflict() {
        for s in [Sent, Accepted, Rejected, Expired] {
            assert_eq!(refused_from(send_estimate(s, 1), "send"), s.as_str());
        }
    }

    // ---- accept ----

    #[test]
    fn accepting_a_sent_estimate_gives_accepted() {
        assert_eq!(accept_estimate(Sent, None, today()), Ok(Accepted));
        assert_eq!(
            accept_estimate(Sent, Some(day("2024-07-01")), today()),
            Ok(Accepted)
        );
    }

    #[test]
    fn accepting_on_the_last_valid_day_is_allowed() {
        assert_eq!(accept_estimate(Sent, Some(today()), today()), Ok(Accepted));
    }

    #[test]
    fn accepting_after_the_last_valid_day_is_refused_as_expired() {
        let r = accept_estimate(Sent, Some(day("2024-06-14")), today());
        assert_eq!(refused_from(r, "accept"), "expired");
    }

    #[test]
    fn accepting_an_estimate_that_is_not_sent_is_a_conflict() {
        for s in [Draft, Accepted, Rejected, Expired] {
            assert_eq!(
                refused_from(accept_estimate(s, None, today()), "accept"),
                s.as_str()
            );
        }
    }

    // ---- reject ----

    #[test]
    fn rejecting_a_sent_estimate_with_a_reason_gives_rejected() {
        assert_eq!(
            reject_estimate(Sent, None, today(), "Too expensive"),
            Ok(Rejected)
        );
        assert_eq!(
            reject_estimate(Sent, Some(today()), today(), "No"),
            Ok(Rejected)
        );
    }

    #[test]
    fn rejecting_without_a_reason_is_refused() {
        assert_eq!(field_of(reject_estimate(Sent, None, today(), "")), "reason");
        assert_eq!(
            field_of(reject_estimate(Sent, None, today(), "  \n ")),
            "reason"
        );
    }

    #[test]
    fn a_rejection_reason_of_2000_chars_is_accepted_and_2001_refused() {
        assert!(reject_estimate(Sent, None, today(), &"x".repeat(2000)).is_ok());
        let r = reject_estimate(Sent, None, today(), &"x".repeat(2001));
        assert_eq!(field_of(r), "reason");
    }

    #[test]
    fn rejecting_an_expired_estimate_is_refused_as_expired() {
        let r = reject_estimate(Sent, Some(day("2024-06-01")), today(), "late");
        assert_eq!(refused_from(r, "reject"), "expired");
    }

    #[test]
    fn rejecting_an_estimate_that_is_not_sent_is_a_conflict() {
        for s in [Draft, Accepted, Rejected, Expired] {
            let r = reject_estimate(s, None, today(), "reason");
            assert_eq!(refused_from(r, "reject"), s.as_str());
        }
    }

    // ---- comment ----

    #[test]
    fn an_acceptance_comment_is_optional_and_limited_to_2000_chars() {
        assert_eq!(estimate_comment(None), Ok(None));
        assert_eq!(estimate_comment(Some("   ")), Ok(None));
        assert_eq!(estimate_comment(Some(" ok ")), Ok(Some("ok".to_string())));
        assert!(estimate_comment(Some(&"x".repeat(2000))).is_ok());
        assert_eq!(
            field_of(estimate_comment(Some(&"x".repeat(2001)))),
            "comment"
        );
    }

    // ---- effective status ----

    #[test]
    fn a_sent_estimate_past_valid_until_reads_as_expired() {
        assert_eq!(
            effective_estimate_status(Sent, Some(day("2024-06-14")), today()),
            Expired
        );
    }

    #[test]
    fn a_sent_estimate_still_valid_or_without_expiry_reads_as_sent() {
        assert_eq!(
            effective_estimate_status(Sent, Some(today()), today()),
            Sent
        );
        assert_eq!(effective_estimate_status(Sent, None, today()), Sent);
    }

    #[test]
    fn other_statuses_read_as_stored_even_past_valid_until() {
        for s in [Draft, Accepted, Rejected, Expired] {
            assert_eq!(
                effective_estimate_status(s, Some(day("2020-01-01")), today()),
                s
            );
        }
    }
}
