//! Credit notes: the status machine (draft -> open -> applied, or void) and
//! the rules for applying an open credit note to an invoice.

use crate::error::{DomainError, DomainResult};
use crate::money::Money;

const ENTITY: &str = "credit note";

/// Stored status of a credit note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CreditNoteStatus {
    Draft,
    Open,
    Applied,
    Void,
}

impl CreditNoteStatus {
    pub const ALL: [CreditNoteStatus; 4] = [
        CreditNoteStatus::Draft,
        CreditNoteStatus::Open,
        CreditNoteStatus::Applied,
        CreditNoteStatus::Void,
    ];

    /// `"draft"`, `"open"`, `"applied"`, `"void"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            CreditNoteStatus::Draft => "draft",
            CreditNoteStatus::Open => "open",
            CreditNoteStatus::Applied => "applied",
            CreditNoteStatus::Void => "void",
        }
    }

    pub fn parse(s: &str) -> DomainResult<Self> {
        Self::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| {
                DomainError::invalid("status", format!("unknown credit note status \"{s}\""))
            })
    }
}

impl std::fmt::Display for CreditNoteStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// draft -> open; refused when not draft, or (Invalid "lines") when the
/// total is not positive.
pub fn issue_credit_note(status: CreditNoteStatus, total: Money) -> DomainResult<CreditNoteStatus> {
    if status != CreditNoteStatus::Draft {
        return Err(DomainError::transition(ENTITY, status.as_str(), "issue"));
    }
    if !total.is_positive() {
        return Err(DomainError::invalid(
            "lines",
            "a credit note total must be greater than zero",
        ));
    }
    Ok(CreditNoteStatus::Open)
}

/// draft|open -> void, only while nothing has been applied (an open note
/// with an applied amount is reported as "partially applied").
pub fn void_credit_note(
    status: CreditNoteStatus,
    applied: Money,
) -> DomainResult<CreditNoteStatus> {
    match status {
        CreditNoteStatus::Draft | CreditNoteStatus::Open if applied.is_zero() => {
            Ok(CreditNoteStatus::Void)
        }
        CreditNoteStatus::Draft | CreditNoteStatus::Open => {
            Err(DomainError::transition(ENTITY, "partially applied", "void"))
        }
        _ => Err(DomainError::transition(ENTITY, status.as_str(), "void")),
    }
}

/// Applies `amount` (> 0) of an open credit note (remaining = total -
/// applied) to an invoice with `invoice_balance`. The amount must not exceed
/// the remaining credit nor the invoice balance (Invalid "amount"); all
/// currencies must match. Returns the note's new status: Applied when fully
/// used, else Open.
pub fn apply_credit(
    status: CreditNoteStatus,
    total: Money,
    applied: Money,
    amount: Money,
    invoice_balance: Money,
) -> DomainResult<CreditNoteStatus> {
    if status != CreditNoteStatus::Open {
        return Err(DomainError::transition(ENTITY, status.as_str(), "apply"));
    }
    total.ensure_same_currency(&applied)?;
    total.ensure_same_currency(&amount)?;
    total.ensure_same_currency(&invoice_balance)?;
    if !amount.is_positive() {
        return Err(DomainError::invalid("amount", "must be greater than zero"));
    }
    let remaining = total.checked_sub(applied)?;
    if amount.minor > remaining.minor {
        return Err(DomainError::invalid(
            "amount",
            format!(
                "exceeds the credit note's remaining {}",
                remaining.amount_string()
            ),
        ));
    }
    if amount.minor > invoice_balance.minor {
        return Err(DomainError::invalid(
            "amount",
            format!(
                "exceeds the invoice balance {}",
                invoice_balance.amount_string()
            ),
        ));
    }
    Ok(if amount == remaining {
        CreditNoteStatus::Applied
    } else {
        CreditNoteStatus::Open
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use CreditNoteStatus::*;

    fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::parse("EUR").expect("EUR"))
    }
    fn usd(minor: i64) -> Money {
        Money::new(minor, Currency::parse("USD").expect("USD"))
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
                assert_eq!((entity, a), ("credit note", action));
                from
            }
            other => panic!("expected InvalidTransition, got {other:?}"),
        }
    }

    #[test]
    fn every_status_round_trips_through_its_string() {
        for (s, name) in CreditNoteStatus::ALL
            .iter()
            .zip(["draft", "open", "applied", "void"])
        {
            assert_eq!(s.as_str(), name);
            assert_eq!(s.to_string(), name);
            assert_eq!(CreditNoteStatus::parse(name), Ok(*s));
        }
        assert_eq!(field_of(CreditNoteStatus::parse("Open")), "status");
        assert_eq!(field_of(CreditNoteStatus::parse("")), "status");
    }

    // ---- issue ----

    #[test]
    fn issuing_a_draft_credit_note_with_a_positive_total_opens_it() {
        assert_eq!(issue_credit_note(Draft, eur(1)), Ok(Open));
    }

    #[test]
    fn issuing_a_credit_note_with_a_zero_or_negative_total_is_refused() {
        assert_eq!(field_of(issue_credit_note(Draft, eur(0))), "lines");
        assert_eq!(field_of(issue_credit_note(Draft, eur(-1))), "lines");
    }

    #[test]
    fn issuing_a_credit_note_that_is_not_a_draft_is_a_conflict() {
        for s in [Open, Applied, Void] {
            assert_eq!(
                refused_from(issue_credit_note(s, eur(100)), "issue"),
                s.as_str()
            );
        }
    }

    // ---- void ----

    #[test]
    fn voiding_an_unapplied_draft_or_open_credit_note_gives_void() {
        assert_eq!(void_credit_note(Draft, eur(0)), Ok(Void));
        assert_eq!(void_credit_note(Open, eur(0)), Ok(Void));
    }

    #[test]
    fn voiding_a_partially_applied_credit_note_is_refused() {
        assert_eq!(
            refused_from(void_credit_note(Open, eur(1)), "void"),
            "partially applied"
        );
    }

    #[test]
    fn voiding_an_applied_or_void_credit_note_is_refused() {
        for s in [Applied, Void] {
            assert_eq!(
                refused_from(void_credit_note(s, eur(0)), "void"),
                s.as_str()
            );
        }
    }

    // ---- apply ----

    #[test]
    fn applying_part_of_an_open_credit_note_keeps_it_open() {
        assert_eq!(
            apply_credit(Open, eur(100), eur(0), eur(40), eur(500)),
            Ok(Open)
        );
        assert_eq!(
            apply_credit(Open, eur(100), eur(40), eur(59), eur(500)),
            Ok(Open)
        );
    }

    #[test]
    fn applying_the_rest_of_an_open_credit_note_marks_it_applied() {
        assert_eq!(
            apply_credit(Open, eur(100), eur(0), eur(100), eur(500)),
            Ok(Applied)
        );
        assert_eq!(
            apply_credit(Open, eur(100), eur(40), eur(60), eur(60)),
            Ok(Applied)
        );
    }

    #[test]
    fn applying_exactly_the_invoice_balance_is_accepted() {
        assert_eq!(
            apply_credit(Open, eur(100), eur(0), eur(30), eur(30)),
            Ok(Open)
        );
    }

    #[test]
    fn applying_more_than_the_remaining_credit_is_refused() {
        let err = apply_credit(Open, eur(100), eur(40), eur(61), eur(500)).expect_err("over");
        assert_eq!(err.field(), Some("amount"));
        assert!(err.to_string().contains("remaining 0.60"), "{err}");
    }

    #[test]
    fn applying_more_than_the_invoice_balance_is_refused() {
        let err = apply_credit(Open, eur(100), eur(0), eur(31), eur(30)).expect_err("over");
        assert_eq!(err.field(), Some("amount"));
        assert!(err.to_string().contains("invoice balance 0.30"), "{err}");
    }

    #[test]
    fn applying_a_zero_or_negative_amount_is_refused() {
        assert_eq!(
            field_of(apply_credit(Open, eur(100), eur(0), eur(0), eur(50))),
            "amount"
        );
        assert_eq!(
            field_of(apply_credit(Open, eur(100), eur(0), eur(-1), eur(50))),
            "amount"
        );
    }

    #[test]
    fn applying_a_credit_note_that_is_not_open_is_a_conflict() {
        for s in [Draft, Applied, Void] {
            let r = apply_credit(s, eur(100), eur(0), eur(10), eur(50));
            assert_eq!(refused_from(r, "apply"), s.as_str());
        }
    }

    #[test]
    fn applying_across_currencies_is_refused() {
        let mismatch =
            |r: DomainResult<CreditNoteStatus>| matches!(r, Err(DomainError::CurrencyMismatch(..)));
        assert!(mismatch(apply_credit(
            Open,
            eur(100),
            usd(0),
            eur(10),
            eur(50)
        )));
        assert!(mismatch(apply_credit(
            Open,
            eur(100),
            eur(0),
            usd(10),
            eur(50)
        )));
        assert!(mismatch(apply_credit(
            Open,
            eur(100),
            eur(0),
            eur(10),
            usd(50)
        )));
    }

    #[test]
    fn applying_with_overflowing_figures_reports_overflow() {
        let r = apply_credit(Open, eur(i64::MIN), eur(1), eur(1), eur(1));
        assert_eq!(r, Err(DomainError::Overflow));
    }
}
