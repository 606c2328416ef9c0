use super::*;
use std::str::FromStr;
use InvoiceStatus::*;

fn eur_c() -> Currency {
    Currency::parse("EUR").expect("EUR")
}
fn eur(minor: i64) -> Money {
    Money::new(minor, eur_c())
}
fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal literal")
}
fn day(s: &str) -> NaiveDate {
    NaiveDate::from_str(s).expect("date literal")
}
fn line(qty: &str, price: i64, rate: &str, discount: Discount) -> LineInput {
    LineInput {
        quantity: dec(qty),
        unit_price_minor: price,
        tax_rate: dec(rate),
        discount,
    }
}
fn amounts(l: &LineInput) -> LineAmounts {
    compute_line(l, eur_c(), Rounding::HalfEven).expect("valid line")
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
            assert_eq!(entity, "invoice");
            assert_eq!(a, action);
            from
        }
        other => panic!("expected InvalidTransition, got {other:?}"),
    }
}

// ---- status ----

#[test]
fn every_status_round_trips_through_its_string() {
    let names = ["draft", "issued", "partially_paid", "paid", "void"];
    for (s, name) in InvoiceStatus::ALL.iter().zip(names) {
        assert_eq!(s.as_str(), name);
        assert_eq!(s.to_string(), name);
        assert_eq!(InvoiceStatus::parse(name), Ok(*s));
    }
}

#[test]
fn an_unknown_status_string_is_refused() {
    for bad in ["", "Draft", "overdue", "partially-paid"] {
        assert_eq!(field_of(InvoiceStatus::parse(bad)), "status");
    }
}

// ---- compute_line ----

#[test]
fn a_simple_line_multiplies_and_adds_tax() {
    let a = amounts(&line("2", 1000, "24", Discount::None));
    assert_eq!(a.subtotal, eur(2000));
    assert_eq!(a.discount, eur(0));
    assert_eq!(a.net, eur(2000));
    assert_eq!(a.tax, eur(480));
    assert_eq!(a.total, eur(2480));
}

#[test]
fn a_fractional_quantity_subtotal_is_rounded_per_mode() {
    // 0.5 x 0.05 = 0.025 -> 2.5 cents
    let l = line("0.5", 5, "0", Discount::None);
    assert_eq!(
        compute_line(&l, eur_c(), Rounding::HalfEven).map(|a| a.subtotal),
        Ok(eur(2))
    );
    assert_eq!(
        compute_line(&l, eur_c(), Rounding::HalfUp).map(|a| a.subtotal),
        Ok(eur(3))
    );
    // 0.5 x 0.07 = 3.5 cents -> both give 4
    let l = line("0.5", 7, "0", Discount::None);
    assert_eq!(
        compute_line(&l, eur_c(), Rounding::HalfEven).map(|a| a.subtotal),
        Ok(eur(4))
    );
    assert_eq!(
        compute_line(&l, eur_c(), Rounding::HalfUp).map(|a| a.subtotal),
        Ok(eur(4))
    );
}

#[test]
fn tax_at_a_midpoint_is_rounded_per_mode() {
    // 10% of 0.25 = 2.5 cents
    let l = line("1", 25, "10", Discount::None);
    let even = compute_line(&l, eur_c(), Rounding::HalfEven).expect("valid");
    let up = compute_line(&l, eur_c(), Rounding::HalfUp).expect("valid");
    assert_eq!((even.tax, even.total), (eur(2), eur(27)));
    assert_eq!((up.tax, up.total), (eur(3), eur(28)));
}

#[test]
fn a_percent_discount_at_a_midpoint_is_rounded_per_mode() {
    // 50% of 0.05 = 2.5 cents
    let l = line("1", 5, "0", Discount::Percent(dec("50")));
    let even = compute_line(&l, eur_c(), Rounding::HalfEven).expect("valid");
    let up = compute_line(&l, eur_c(), Rounding::HalfUp).expect("valid");
    assert_eq!((even.discount, even.net), (eur(2), eur(3)));
    assert_eq!((up.discount, up.net), (eur(3), eur(2)));
}

#[test]
fn tax_is_computed_on_the_discounted_net() {
    let a = amounts(&line("3", 1000, "20", Discount::Percent(dec("10"))));
    assert_eq!(a.subtotal, eur(3000));
    assert_eq!(a.discount, eur(300));
    assert_eq!(a.net, eur(2700));
    assert_eq!(a.tax, eur(540));
    assert_eq!(a.total, eur(3240));
}

#[test]
fn an_amount_discount_is_taken_off_the_subtotal() {
    let a = amounts(&line("1", 1000, "10", Discount::Amount(250)));
    assert_eq!(
        (a.discount, a.net, a.tax, a.total),
        (eur(250), eur(750), eur(75), eur(825))
    );
}

#[test]
fn a_discount_of_the_whole_subtotal_leaves_a_zero_line() {
    let a = amounts(&line("2", 500, "24", Discount::Amount(1000)));
    assert_eq!((a.net, a.tax, a.total), (eur(0), eur(0), eur(0)));
    let a = amounts(&line("2", 500, "24", Discount::Percent(dec("100"))));
    assert_eq!((a.discount, a.total), (eur(1000), eur(0)));
}

#[test]
fn zero_discounts_change_nothing() {
    let base = amounts(&line("2", 500, "24", Discount::None));
    assert_eq!(amounts(&line("2", 500, "24", Discount::Amount(0))), base);
    assert_eq!(
        amounts(&line("2", 500, "24", Discount::Percent(dec("0")))),
        base
    );
}

#[test]
fn a_free_line_with_zero_unit_price_is_allowed() {
    let a = amounts(&line("5", 0, "24", Discount::None));
    assert_eq!(a.total, eur(0));
}

#[test]
fn a_zero_exponent_currency_rounds_to_whole_units() {
    let jpy = Currency::parse("JPY").expect("JPY");
    // 1.5 x 5 yen = 7.5 yen; 10% of 8 = 0.8 -> 1
    let l = line("1.5", 5, "10", Discount::None);
    let even = compute_line(&l, jpy, Rounding::HalfEven).expect("valid");
    assert_eq!(
        (even.subtotal.minor, even.tax.minor, even.total.minor),
        (8, 1, 9)
    );
    let l = line("0.5", 5, "0", Discount::None);
    assert_eq!(
        compute_line(&l, jpy, Rounding::HalfEven).map(|a| a.subtotal.minor),
        Ok(2)
    );
    assert_eq!(
        compute_line(&l, jpy, Rounding::HalfUp).map(|a| a.subtotal.minor),
        Ok(3)
    );
}

#[test]
fn a_three_exponent_currency_rounds_to_fils() {
    let kwd = Currency::parse("KWD").expect("KWD");
    // 1 x 0.025 KWD at 10% = 2.5 fils
    let l = line("1", 25, "10", Discount::None);
    assert_eq!(
        compute_line(&l, kwd, Rounding::HalfEven).map(|a| a.tax.minor),
        Ok(2)
    );
    assert_eq!(
        compute_line(&l, kwd, Rounding::HalfUp).map(|a| a.tax.minor),
        Ok(3)
    );
    assert_eq!(
        compute_line(&l, kwd, Rounding::HalfUp).map(|a| a.total.currency),
        Ok(kwd)
    );
}

#[test]
fn fractional_tax_rates_with_three_digits_are_accepted() {
    let a = amounts(&line("1", 100_000, "8.125", Discount::None));
    assert_eq!(a.tax, eur(8125));
}

#[test]
fn quantities_at_the_limits_are_accepted() {
    assert!(compute_line(
        &line("0.0001", 100, "0", Discount::None),
        eur_c(),
        Rounding::HalfEven
    )
    .is_ok());
    assert!(compute_line(
        &line("1000000", 100, "0", Discount::None),
        eur_c(),
        Rounding::HalfEven
    )
    .is_ok());
    assert!(compute_line(
        &line("1.50000", 100, "0", Discount::None),
        eur_c(),
        Rounding::HalfEven
    )
    .is_ok());
}

#[test]
fn a_zero_negative_too_large_or_too_precise_quantity_is_refused() {
    for q in ["0", "-1", "1000000.0001", "0.00001"] {
        let r = compute_line(
            &line(q, 100, "0", Discount::None),
            eur_c(),
            Rounding::HalfEven,
        );
        assert_eq!(field_of(r), "quantity", "{q}");
    }
}

#[test]
fn a_negative_unit_price_is_refused() {
    let r = compute_line(
        &line("1", -1, "0", Discount::None),
        eur_c(),
        Rounding::HalfEven,
    );
    assert_eq!(field_of(r), "unit_price");
}

#[test]
fn a_tax_rate_outside_0_to_100_or_too_precise_is_refused() {
    for rate in ["-0.001", "100.001", "101", "1.0001"] {
        let r = compute_line(
            &line("1", 100, rate, Discount::None),
            eur_c(),
            Rounding::HalfEven,
        );
        assert_eq!(field_of(r), "tax_rate", "{rate}");
    }
    assert!(compute_line(
        &line("1", 100, "100", Discount::None),
        eur_c(),
        Rounding::HalfEven
    )
    .is_ok());
    assert!(compute_line(
        &line("1", 100, "0", Discount::None),
        eur_c(),
        Rounding::HalfEven
    )
    .is_ok());
}

#[test]
fn a_percent_discount_outside_0_to_100_is_refused() {
    for p in ["-1", "100.01"] {
        let r = compute_line(
            &line("1", 100, "0", Discount::Percent(dec(p))),
            eur_c(),
            Rounding::HalfEven,
        );
        assert_eq!(field_of(r), "discount", "{p}");
    }
}

#[test]
fn an_amount_discount_that_is_negative_or_exceeds_the_subtotal_is_refused() {
    for a in [-1, 1001] {
        let r = compute_line(
            &line("1", 1000, "0", Discount::Amount(a)),
            eur_c(),
            Rounding::HalfEven,
        );
        assert_eq!(field_of(r), "discount", "{a}");
    }
}

#[test]
fn a_line_beyond_i64_minor_units_overflows() {
    let huge = line("1000000", i64::MAX, "0", Discount::None);
    assert_eq!(
        compute_line(&huge, eur_c(), Rounding::HalfEven),
        Err(DomainError::Overflow)
    );
}

#[test]
fn a_line_beyond_the_maximum_amount_is_refused() {
    let max = crate::money::MAX_AMOUNT_MINOR;
    let fits = line("1", max, "0", Discount::None);
    assert_eq!(
        compute_line(&fits, eur_c(), Rounding::HalfEven).map(|a| a.total),
        Ok(eur(max))
    );
    for over in [
        line("2", max, "0", Discount::None),
        line("1", max, "1", Discount::None),
        line("1", max + 1, "0", Discount::Amount(1)),
    ] {
        assert_eq!(
            field_of(compute_line(&over, eur_c(), Rounding::HalfEven)),
            "unit_price"
        );
    }
}

// ---- totals ----

#[test]
fn totals_of_no_lines_are_zero_with_no_tax_buckets() {
    let t = totals(eur_c(), &[], &[]).expect("valid");
    assert_eq!(
        (t.subtotal, t.discount, t.net, t.tax, t.total),
        (eur(0), eur(0), eur(0), eur(0), eur(0))
    );
    assert!(t.taxes.is_empty());
}

#[test]
fn totals_sum_rounded_lines_and_group_tax_by_ascending_rate() {
    let inputs = [
        line("1", 1000, "24", Discount::None),
        line("1", 500, "10", Discount::Amount(100)),
        line("2", 250, "24.0", Discount::None),
        line("1", 300, "0", Discount::None),
    ];
    let lines: Vec<_> = inputs.iter().map(amounts).collect();
    let rates: Vec<_> = inputs.iter().map(|l| l.tax_rate).collect();
    let t = totals(eur_c(), &lines, &rates).expect("valid");
    assert_eq!(t.subtotal, eur(2300));
    assert_eq!(t.discount, eur(100));
    assert_eq!(t.net, eur(2200));
    assert_eq!(t.tax, eur(240 + 40 + 120));
    assert_eq!(t.total, eur(2600));
    let buckets: Vec<_> = t
        .taxes
        .iter()
        .map(|b| (b.rate.to_string(), b.net.minor, b.tax.minor))
        .collect();
    assert_eq!(
        buckets,
        vec![
            ("0".to_string(), 300, 0),
            ("10".to_string(), 400, 40),
            ("24".to_string(), 1500, 360)
        ]
    );
}

#[test]
fn totals_are_the_sum_of_per_line_rounding_not_rounding_of_the_sum() {
    // two lines each with 2.5 cents tax: per line half-even gives 2 + 2 = 4, not 5
    let l = line("1", 25, "10", Discount::None);
    let lines = [amounts(&l), amounts(&l)];
    let t = totals(eur_c(), &lines, &[dec("10"), dec("10")]).expect("valid");
    assert_eq!(t.tax, eur(4));
    assert_eq!(t.taxes[0].tax, eur(4));
}

#[test]
fn totals_with_mismatched_rates_length_are_refused() {
    let lines = [amounts(&line("1", 100, "0", Discount::None))];
    assert_eq!(field_of(totals(eur_c(), &lines, &[])), "rates");
}

#[test]
fn totals_of_lines_in_another_currency_are_refused() {
    let usd = Currency::parse("USD").expect("USD");
    let l = compute_line(
        &line("1", 100, "0", Discount::None),
        usd,
        Rounding::HalfEven,
    )
    .expect("valid");
    assert!(matches!(
        totals(eur_c(), &[l], &[dec("0")]),
        Err(DomainError::CurrencyMismatch(..))
    ));
}

#[test]
fn totals_beyond_the_maximum_amount_are_refused() {
    let big = amounts(&line(
        "1",
        crate::money::MAX_AMOUNT_MINOR,
        "0",
        Discount::None,
    ));
    assert_eq!(
        field_of(totals(eur_c(), &[big, big], &[dec("0"), dec("0")])),
        "lines"
    );
}

// ---- issue ----

#[test]
fn issuing_a_draft_with_lines_and_a_positive_total_gives_issued() {
    assert_eq!(issue(Draft, 1, eur(1)), Ok(Issued));
}

#[test]
fn issuing_a_draft_with_no_lines_is_refused() {
    assert_eq!(field_of(issue(Draft, 0, eur(100))), "lines");
}

#[test]
fn issuing_a_draft_with_a_zero_or_negative_total_is_refused() {
    assert_eq!(field_of(issue(Draft, 2, eur(0))), "lines");
    assert_eq!(field_of(issue(Draft, 2, eur(-1))), "lines");
}

#[test]
fn issuing_anything_but_a_draft_is_a_conflict() {
    for s in [Issued, PartiallyPaid, Paid, Void] {
        assert_eq!(refused_from(issue(s, 1, eur(100)), "issue"), s.as_str());
        assert_eq!(issue(s, 1, eur(100)).map_err(|e| e.code()), Err("CONFLICT"));
    }
}

// ---- void ----

#[test]
fn voiding_an_unsettled_draft_or_issued_invoice_gives_void() {
    assert_eq!(void(Draft, eur(0)), Ok(Void));
    assert_eq!(void(Issued, eur(0)), Ok(Void));
}

#[test]
fn voiding_an_invoice_with_a_settled_amount_is_refused() {
    assert_eq!(refused_from(void(Issued, eur(1)), "void"), "settled");
    assert_eq!(refused_from(void(Draft, eur(-1)), "void"), "settled");
}

#[test]
fn voiding_a_partially_paid_paid_or_void_invoice_is_refused() {
    for s in [PartiallyPaid, Paid, Void] {
        assert_eq!(refused_from(void(s, eur(0)), "void"), s.as_str());
    }
}

// ---- editable / settle ----

#[test]
fn only_drafts_are_editable() {
    assert_eq!(ensure_editable(Draft), Ok(()));
    for s in [Issued, PartiallyPaid, Paid, Void] {
        assert_eq!(refused_from(ensure_editable(s), "edit"), s.as_str());
    }
}

#[test]
fn only_issued_or_partially_paid_invoices_can_be_settled() {
    assert_eq!(ensure_can_settle(Issued), Ok(()));
    assert_eq!(ensure_can_settle(PartiallyPaid), Ok(()));
    for s in [Draft, Paid, Void] {
        assert_eq!(refused_from(ensure_can_settle(s), "settle"), s.as_str());
    }
}

// ---- status_after_settlement ----

#[test]
fn settlement_status_follows_the_settled_amount_from_every_settleable_status() {
    for s in [Issued, PartiallyPaid, Paid] {
        assert_eq!(
            status_after_settlement(s, eur(100), eur(0)),
            Ok(Issued),
            "{s:?}"
        );
        assert_eq!(
            status_after_settlement(s, eur(100), eur(1)),
            Ok(PartiallyPaid),
            "{s:?}"
        );
        assert_eq!(
            status_after_settlement(s, eur(100), eur(99)),
            Ok(PartiallyPaid),
            "{s:?}"
        );
        assert_eq!(
            status_after_settlement(s, eur(100), eur(100)),
            Ok(Paid),
            "{s:?}"
        );
    }
}

#[test]
fn settling_more_than_the_total_is_refused() {
    let err = status_after_settlement(Issued, eur(100), eur(101)).expect_err("over");
    assert_eq!(err.field(), Some("amount"));
    assert!(err.to_string().contains("exceeds balance"), "{err}");
}

#[test]
fn a_negative_settled_amount_is_refused() {
    assert_eq!(
        field_of(status_after_settlement(PartiallyPaid, eur(100), eur(-1))),
        "amount"
    );
}

#[test]
fn settlement_of_a_draft_or_void_invoice_is_a_conflict() {
    for s in [Draft, Void] {
        assert_eq!(
            refused_from(status_after_settlement(s, eur(100), eur(0)), "settle"),
            s.as_str()
        );
    }
}

#[test]
fn settlement_in_another_currency_is_refused() {
    let usd = Money::new(1, Currency::parse("USD").expect("USD"));
    assert!(matches!(
        status_after_settlement(Issued, eur(100), usd),
        Err(DomainError::CurrencyMismatch(..))
    ));
}

// ---- overdue ----

#[test]
fn an_open_invoice_past_its_due_date_with_a_balance_is_overdue() {
    let (due, today) = (day("2024-03-01"), day("2024-03-02"));
    assert!(is_overdue(Issued, due, today, eur(1)));
    assert!(is_overdue(PartiallyPaid, due, today, eur(1)));
}

#[test]
fn an_invoice_due_today_or_later_is_not_overdue() {
    assert!(!is_overdue(
        Issued,
        day("2024-03-01"),
        day("2024-03-01"),
        eur(1)
    ));
    assert!(!is_overdue(
        Issued,
        day("2024-03-02"),
        day("2024-03-01"),
        eur(1)
    ));
}

#[test]
fn an_invoice_without_a_positive_balance_is_not_overdue() {
    assert!(!is_overdue(
        Issued,
        day("2024-01-01"),
        day("2024-03-01"),
        eur(0)
    ));
    assert!(!is_overdue(
        PartiallyPaid,
        day("2024-01-01"),
        day("2024-03-01"),
        eur(-1)
    ));
}

#[test]
fn drafts_paid_and_void_invoices_are_never_overdue() {
    for s in [Draft, Paid, Void] {
        assert!(
            !is_overdue(s, day("2024-01-01"), day("2024-03-01"), eur(100)),
            "{s:?}"
        );
    }
}
