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
