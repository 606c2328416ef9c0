//! Payments: methods, allocation of a received amount onto open invoices
//! (explicit or oldest-first, remainder kept as client credit) and refund
//! planning (unused credit first, then allocations reversed newest-first).

use std::collections::HashSet;

use chrono::NaiveDate;

use crate::error::{DomainError, DomainResult};
use crate::money::{ensure_currency, Money};

/// How a payment was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentMethod {
    BankTransfer,
    Card,
    Cash,
    Cheque,
    Crypto,
    DirectDebit,
    Other,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 7] = [
        PaymentMethod::BankTransfer,
        PaymentMethod::Card,
        PaymentMethod::Cash,
        PaymentMethod::Cheque,
        PaymentMethod::Crypto,
        PaymentMethod::DirectDebit,
        PaymentMethod::Other,
    ];

    /// snake_case name: `"bank_transfer"`, `"card"`, ..., `"direct_debit"`, `"other"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            PaymentMethod::BankTransfer => "bank_transfer",
            PaymentMethod::Card => "card",
            PaymentMethod::Cash => "cash",
            PaymentMethod::Cheque => "cheque",
            PaymentMethod::Crypto => "crypto",
            PaymentMethod::DirectDebit => "direct_debit",
            PaymentMethod::Other => "other",
        }
    }

    pub fn parse(s: &str) -> DomainResult<Self> {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| {
                DomainError::invalid("method", format!("unknown payment method \"{s}\""))
            })
    }
}

impl std::fmt::Display for PaymentMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An invoice that can receive money.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenInvoice {
    pub id: String,
    pub issue_date: NaiveDate,
    pub number: String,
    pub balance: Money,
}

/// Money put onto (or, in a refund plan, taken back from) one invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    pub invoice_id: String,
    pub amount: Money,
}

/// Where a payment goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllocationPlan {
    pub allocations: Vec<Allocation>,
    /// Unallocated remainder: becomes client credit, never lost.
    pub credit: Money,
}

/// Plans how `amount` (> 0) is spread over `open` invoices.
///
/// With `requested`: each requested amount must be > 0, name an invoice in
/// `open`, not exceed its balance and appear at most once; their sum must not
/// exceed `amount` (all Invalid "allocations"). Without: pays `open` oldest
/// first (issue date, then number) until the money runs out; invoices with
/// no positive balance get nothing. Either way the remainder becomes credit.
/// Any currency different from `amount`'s is refused.
pub fn allocate(
    amount: Money,
    open: &[OpenInvoice],
    requested: Option<&[Allocation]>,
) -> DomainResult<AllocationPlan> {
    if !amount.is_positive() {
        return Err(DomainError::invalid("amount", "must be greater than zero"));
    }
    for inv in open {
        ensure_currency(amount.currency, inv.balance.currency)?;
    }
    let mut remaining = amount;
    let mut allocations = Vec::new();
    match requested {
        Some(requested) => {
            let mut seen = HashSet::new();
            for req in requested {
                ensure_currency(amount.currency, req.amount.currency)?;
                let bad = |m: String| Err(DomainError::invalid("allocations", m));
                if !req.amount.is_positive() {
                    return bad(format!(
                        "amount for invoice {} must be greater than zero",
                        req.invoice_id
                    ));
                }
                let Some(inv) = open.iter().find(|i| i.id == req.invoice_id) else {
                    return bad(format!(
                        "invoice {} is not open for payment",
                        req.invoice_id
                    ));
                };
                if !seen.insert(req.invoice_id.as_str()) {
                    return bad(format!("invoice {} appears more than once", inv.number));
                }
                if req.amount.minor > inv.balance.minor {
                    return bad(format!(
                        "{} exceeds the balance {} of invoice {}",
                        req.amount.amount_string(),
                        inv.balance.amount_string(),
                        inv.number
                    ));
                }
                remaining = remaining.checked_sub(req.amount)?;
                if remaining.is_negative() {
                    return bad(format!(
                        "allocations add up to more than the payment of {}",
                        amount.amount_string()
                    ));
                }
                allocations.push(req.clone());
            }
        }
        None => {
            let mut by_age: Vec<&OpenInvoice> =
                open.iter().filter(|i| i.balance.is_positive()).collect();
            by_age.sort_by(|a, b| (a.issue_date, &a.number).cmp(&(b.issue_date, &b.number)));
            for inv in by_age {
                if remaining.is_zero() {
                    break;
                }
                let pay = remaining.min(inv.balance)?;
                remaining = remaining.checked_sub(pay)?;
                allocations.push(Allocation {
                    invoice_id: inv.id.clone(),
                    amount: pay,
                });
            }
        }
    }
    Ok(AllocationPlan {
        allocations,
        credit: remaining,
    })
}

/// How a refund is funded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundPlan {
    /// Taken from the payment's unused credit.
    pub from_credit: Money,
    /// Allocations to reverse (amounts to take back per invoice), newest first.
    pub reversals: Vec<Allocation>,
}

/// Plans a refund of `amount` (> 0) from a payment of `payment_amount` of
/// which `already_refunded` has been refunded; refused (Invalid "amount") if
/// it exceeds what remains. Takes first from the payment's `unused_credit`,
/// then reverses `allocations` (current amounts, in allocation order) from the
/// last one backwards. Refused as well if credit and allocations together
/// cannot cover the amount (inconsistent inputs).
pub fn plan_refund(
    amount: Money,
    payment_amount: Money,
    already_refunded: Money,
    unused_credit: Money,
    allocations: &[Allocation],
) -> DomainResult<RefundPlan> {
    let cur = amount.currency;
    for m in [payment_amount, already_refunded, unused_credit] {
        ensure_currency(cur, m.currency)?;
    }
    for a in allocations {
        ensure_currency(cur, a.amount.currency)?;
    }
    if !amount.is_positive() {
        return Err(DomainError::invalid("amount", "must be greater than zero"));
    }
    let refundable = payment_amount.checked_sub(already_refunded)?;
    if amount.minor > refundable.minor {
        return Err(DomainError::invalid(
            "amount",
            format!(
                "exceeds what remains refundable on this payment ({})",
                refundable.amount_string()
            ),
        ));
    }
    let from_credit = if unused_credit.is_positive() {
        amount.min(unused_credit)?
    } else {
        Money::zero(cur)
    };
    let mut rest = amount.checked_sub(from_credit)?;
    let mut reversals = Vec::new();
    for a in allocations.iter().rev() {
        if rest.is_zero() {
            break;
        }
        if !a.amount.is_positive() {
            continue;
        }
        let take = rest.min(a.amount)?;
        rest = rest.checked_sub(take)?;
        reversals.push(Allocation {
            invoice_id: a.invoice_id.clone(),
            amount: take,
        });
    }
    if rest.is_positive() {
        return Err(DomainError::invalid(
            "amount",
            format!(
                "exceeds the payment's unused credit and allocations by {}",
                rest.amount_string()
            ),
        ));
    }
    Ok(RefundPlan {
        from_credit,
        reversals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use std::str::FromStr;

    fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::parse("EUR").expect("EUR"))
    }
    fn usd(minor: i64) -> Money {
        Money::new(minor, Currency::parse("USD").expect("USD"))
    }
    fn inv(id: &str, date: &str, number: &str, balance: Money) -> OpenInvoice {
        OpenInvoice {
            id: id.to_string(),
            issue_date: NaiveDate::from_str(date).expect("date"),
            number: number.to_string(),
            balance,
        }
    }
    fn alloc(id: &str, amount: Money) -> Allocation {
        Allocation {
            invoice_id: id.to_string(),
            amount,
        }
    }
    fn field_of<T: std::fmt::Debug>(r: DomainResult<T>) -> &'static str {
        match r {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }
    fn open_set() -> Vec<OpenInvoice> {
        vec![
            inv("c", "2024-03-01", "INV-3", eur(300)),
            inv("a", "2024-01-01", "INV-1", eur(100)),
            inv("b2", "2024-02-01", "INV-2b", eur(200)),
            inv("b1", "2024-02-01", "INV-2a", eur(50)),
        ]
    }

    // ---- methods ----

    #[test]
    fn every_payment_method_round_trips_through_its_snake_case_name() {
        let names = [
            "bank_transfer",
            "card",
            "cash",
            "cheque",
            "crypto",
            "direct_debit",
            "other",
        ];
        for (m, name) in PaymentMethod::ALL.iter().zip(names) {
            assert_eq!(m.as_str(), name);
            assert_eq!(m.to_string(), name);
            assert_eq!(PaymentMethod::parse(name), Ok(*m));
        }
    }

    #[test]
    fn an_unknown_payment_method_is_refused() {
        for bad in ["", "BankTransfer", "bank-transfer", "paypal"] {
            assert_eq!(field_of(PaymentMethod::parse(bad)), "method");
        }
    }

    // ---- allocate: automatic ----

    #[test]
    fn automatic_allocation_pays_oldest_first_by_date_then_number() {
        let plan = allocate(eur(1000), &open_set(), None).expect("valid");
        assert_eq!(
            plan.allocations,
            vec![
                alloc("a", eur(100)),
                alloc("b1", eur(50)),
                alloc("b2", eur(200)),
                alloc("c", eur(300))
            ]
        );
        assert_eq!(plan.credit, eur(350));
    }

    #[test]
    fn automatic_allocation_stops_when_the_money_runs_out_with_a_partial_last_invoice() {
        let plan = allocate(eur(175), &open_set(), None).expect("valid");
        assert_eq!(
            plan.allocations,
            vec![
                alloc("a", eur(100)),
                alloc("b1", eur(50)),
                alloc("b2", eur(25))
            ]
        );
        assert_eq!(plan.credit, eur(0));
    }

    #[test]
    fn automatic_allocation_of_exactly_the_open_total_leaves_no_credit() {
        let plan = allocate(eur(650), &open_set(), None).expect("valid");
        assert_eq!(plan.allocations.len(), 4);
        assert_eq!(plan.credit, eur(0));
    }

    #[test]
    fn automatic_allocation_with_no_open_invoices_becomes_credit() {
        let plan = allocate(eur(500), &[], None).expect("valid");
        assert!(plan.allocations.is_empty());
        assert_eq!(plan.credit, eur(500));
    }

    #[test]
    fn automatic_allocation_skips_invoices_without_a_positive_balance() {
        let open = vec![
            inv("z", "2023-01-01", "INV-0", eur(0)),
            inv("n", "2023-01-02", "INV-00", eur(-10)),
            inv("a", "2024-01-01", "INV-1", eur(100)),
        ];
        let plan = allocate(eur(40), &open, None).expect("valid");
        assert_eq!(plan.allocations, vec![alloc("a", eur(40))]);
        assert_eq!(plan.credit, eur(0));
    }

    // ---- allocate: requested ----

    #[test]
    fn requested_allocations_are_kept_in_order_and_the_remainder_becomes_credit() {
        let req = [alloc("c", eur(300)), alloc("a", eur(40))];
        let plan = allocate(eur(500), &open_set(), Some(&req)).expect("valid");
        assert_eq!(plan.allocations, req.to_vec());
        assert_eq!(plan.credit, eur(160));
    }

    #[test]
    fn requested_allocations_may_use_the_whole_amount() {
        let req = [alloc("a", eur(100)), alloc("b2", eur(200))];
        let plan = allocate(eur(300), &open_set(), Some(&req)).expect("valid");
        assert_eq!(plan.credit, eur(0));
    }

    #[test]
    fn an_empty_request_puts_everything_on_credit() {
        let plan = allocate(eur(300), &open_set(), Some(&[])).expect("valid");
        assert!(plan.allocations.is_empty());
        assert_eq!(plan.credit, eur(300));
    }

    #[test]
    fn a_requested_zero_or_negative_amount_is_refused() {
        for m in [0, -5] {
            let req = [alloc("a", eur(m))];
            assert_eq!(
                field_of(allocate(eur(100), &open_set(), Some(&req))),
                "allocations"
            );
        }
    }

    #[test]
    fn a_requested_invoice_that_is_not_open_is_refused() {
        let req = [alloc("nope", eur(10))];
        let err = allocate(eur(100), &open_set(), Some(&req)).expect_err("unknown");
        assert_eq!(err.field(), Some("allocations"));
        assert!(err.to_string().contains("nope"), "{err}");
    }

    #[test]
    fn a_requested_amount_above_the_invoice_balance_is_refused() {
        let req = [alloc("a", eur(101))];
        assert_eq!(
            field_of(allocate(eur(500), &open_set(), Some(&req))),
            "allocations"
        );
    }

    #[test]
    fn a_requested_amount_equal_to_the_invoice_balance_is_accepted() {
        let req = [alloc("a", eur(100))];
        assert!(allocate(eur(500), &open_set(), Some(&req)).is_ok());
    }

    #[test]
    fn requesting_the_same_invoice_twice_is_refused() {
        let req = [alloc("a", eur(10)), alloc("a", eur(10))];
        assert_eq!(
            field_of(allocate(eur(500), &open_set(), Some(&req))),
            "allocations"
        );
    }

    #[test]
    fn requested_allocations_adding_up_to_more_than_the_payment_are_refused() {
        let req = [alloc("a", eur(100)), alloc("b2", eur(101))];
        assert_eq!(
            field_of(allocate(eur(200), &open_set(), Some(&req))),
            "allocations"
        );
    }

    #[test]
    fn a_requested_allocation_to_a_zero_balance_invoice_is_refused() {
        let open = [inv("z", "2024-01-01", "INV-0", eur(0))];
        let req = [alloc("z", eur(1))];
        assert_eq!(
            field_of(allocate(eur(10), &open, Some(&req))),
            "allocations"
        );
    }

    // ---- allocate: refusals common to both ----

    #[test]
    fn allocating_a_zero_or_negative_payment_is_refused() {
        assert_eq!(field_of(allocate(eur(0), &open_set(), None)), "amount");
        assert_eq!(
            field_of(allocate(eur(-1), &open_set(), Some(&[]))),
            "amount"
        );
    }

    #[test]
    fn allocating_across_currencies_is_refused() {
        let open = [inv("a", "2024-01-01", "INV-1", usd(100))];
        assert!(matches!(
            allocate(eur(10), &open, None),
            Err(DomainError::CurrencyMismatch(..))
        ));
        let req = [alloc("a", usd(10))];
        let eur_open = [inv("a", "2024-01-01", "INV-1", eur(100))];
        assert!(matches!(
            allocate(eur(10), &eur_open, Some(&req)),
            Err(DomainError::CurrencyMismatch(..))
        ));
    }

    // ---- plan_refund ----

    fn allocs() -> Vec<Allocation> {
        vec![
            alloc("a", eur(100)),
            alloc("b", eur(200)),
            alloc("c", eur(300)),
        ]
    }

    #[test]
    fn a_refund_within_the_unused_credit_touches_no_allocation() {
        let plan = plan_refund(eur(50), eur(700), eur(0), eur(100), &allocs()).expect("valid");
        assert_eq!(plan.from_credit, eur(50));
        assert!(plan.reversals.is_empty());
    }

    #[test]
    fn a_refund_of_exactly_the_unused_credit_touches_no_allocation() {
        let plan = plan_refund(eur(100), eur(700), eur(0), eur(100), &allocs()).expect("valid");
        assert_eq!(plan.from_credit, eur(100));
        assert!(plan.reversals.is_empty());
    }

    #[test]
    fn a_refund_beyond_the_credit_reverses_allocations_from_the_last_backwards() {
        let plan = plan_refund(eur(450), eur(700), eur(0), eur(100), &allocs()).expect("valid");
        assert_eq!(plan.from_credit, eur(100));
        assert_eq!(
            plan.reversals,
            vec![alloc("c", eur(300)), alloc("b", eur(50))]
        );
    }

    #[test]
    fn a_full_refund_uses_all_credit_and_reverses_every_allocation() {
        let plan = plan_refund(eur(700), eur(700), eur(0), eur(100), &allocs()).expect("valid");
        assert_eq!(plan.from_credit, eur(100));
        assert_eq!(
            plan.reversals,
            vec![
                alloc("c", eur(300)),
                alloc("b", eur(200)),
                alloc("a", eur(100))
            ]
        );
    }

    #[test]
    fn a_refund_without_credit_starts_with_the_last_allocation() {
        let plan = plan_refund(eur(10), eur(600), eur(0), eur(0), &allocs()).expect("valid");
        assert_eq!(plan.from_credit, eur(0));
        assert_eq!(plan.reversals, vec![alloc("c", eur(10))]);
    }

    #[test]
    fn allocations_already_fully_reversed_are_skipped() {
        let current = vec![alloc("a", eur(100)), alloc("b", eur(0))];
        let plan = plan_refund(eur(30), eur(300), eur(200), eur(0), &current).expect("valid");
        assert_eq!(plan.reversals, vec![alloc("a", eur(30))]);
    }

    #[test]
    fn a_second_refund_up_to_the_remaining_amount_is_accepted() {
        let plan = plan_refund(
            eur(200),
            eur(700),
            eur(500),
            eur(0),
            &[alloc("a", eur(200))],
        )
        .expect("valid");
        assert_eq!(plan.reversals, vec![alloc("a", eur(200))]);
    }

    #[test]
    fn a_refund_exceeding_what_remains_of_the_payment_is_refused() {
        assert_eq!(
            field_of(plan_refund(eur(201), eur(700), eur(500), eur(0), &allocs())),
            "amount"
        );
        assert_eq!(
            field_of(plan_refund(eur(1), eur(700), eur(700), eur(0), &allocs())),
            "amount"
        );
    }

    #[test]
    fn a_zero_or_negative_refund_is_refused() {
        assert_eq!(
            field_of(plan_refund(eur(0), eur(700), eur(0), eur(0), &allocs())),
            "amount"
        );
        assert_eq!(
            field_of(plan_refund(eur(-1), eur(700), eur(0), eur(0), &allocs())),
            "amount"
        );
    }

    #[test]
    fn a_refund_that_credit_and_allocations_cannot_cover_is_refused() {
        // inconsistent inputs: 700 paid but only 100 credit + 300 allocated
        let r = plan_refund(
            eur(500),
            eur(700),
            eur(0),
            eur(100),
            &[alloc("a", eur(300))],
        );
        assert_eq!(field_of(r), "amount");
    }

    #[test]
    fn a_refund_across_currencies_is_refused() {
        let mismatch =
            |r: DomainResult<RefundPlan>| matches!(r, Err(DomainError::CurrencyMismatch(..)));
        assert!(mismatch(plan_refund(eur(1), usd(700), eur(0), eur(0), &[])));
        assert!(mismatch(plan_refund(eur(1), eur(700), usd(0), eur(0), &[])));
        assert!(mismatch(plan_refund(eur(1), eur(700), eur(0), usd(0), &[])));
        assert!(mismatch(plan_refund(
            eur(1),
            eur(700),
            eur(0),
            eur(0),
            &[alloc("a", usd(1))]
        )));
    }

    #[test]
    fn a_refund_with_overflowing_inputs_reports_overflow() {
        let r = plan_refund(eur(1), eur(i64::MIN), eur(1), eur(0), &[]);
        assert_eq!(r, Err(DomainError::Overflow));
    }
}
