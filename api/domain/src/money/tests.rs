use super::*;
use std::str::FromStr;

fn cur(code: &str) -> Currency {
    Currency::parse(code).expect("supported currency")
}
fn eur(minor: i64) -> Money {
    Money::new(minor, cur("EUR"))
}
fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal literal")
}
fn field_of(r: DomainResult<impl fmt::Debug>) -> &'static str {
    match r {
        Err(DomainError::Invalid { field, .. }) => field,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

// ---- Currency ----

#[test]
fn every_required_currency_is_supported_with_its_exponent() {
    let two = "EUR USD GBP CHF CAD AUD NZD SEK NOK DKK PLN CZK HUF RON BGN TRY ILS AED SAR INR CNY HKD SGD BRL MXN ZAR";
    for code in two.split(' ') {
        assert_eq!(cur(code).exponent(), 2, "{code}");
        assert_eq!(cur(code).code(), code);
    }
    for code in ["JPY", "KRW", "ISK", "CLP", "VND"] {
        assert_eq!(cur(code).exponent(), 0, "{code}");
    }
    for code in ["KWD", "BHD", "OMR", "JOD", "TND"] {
        assert_eq!(cur(code).exponent(), 3, "{code}");
    }
    assert_eq!(Currency::all().count(), 36);
}

#[test]
fn the_currency_table_is_sorted_and_has_no_duplicates() {
    let codes: Vec<_> = Currency::all().map(|c| c.code()).collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(codes, sorted);
}

#[test]
fn a_lower_case_currency_code_is_refused_with_a_hint() {
    let err = Currency::parse("eur").expect_err("lower case");
    assert_eq!(
        err.to_string(),
        "currency: currency codes are upper-case: use \"EUR\", not \"eur\""
    );
    assert!(Currency::parse("Eur").is_err());
}

#[test]
fn an_unknown_currency_code_is_refused() {
    let err = Currency::parse("XYZ").expect_err("unknown");
    assert_eq!(err.to_string(), "currency: unsupported currency \"XYZ\"");
}

#[test]
fn a_currency_code_of_the_wrong_shape_is_refused() {
    for bad in ["", "EU", "EURO", "E1R", " EUR", "EUR ", "€UR", "ÉUR"] {
        assert_eq!(field_of(Currency::parse(bad)), "currency", "{bad:?}");
    }
}

#[test]
fn a_currency_displays_and_parses_as_its_code() {
    assert_eq!(cur("JPY").to_string(), "JPY");
    assert_eq!("KWD".parse::<Currency>(), Ok(cur("KWD")));
    assert!("kwd".parse::<Currency>().is_err());
}

// ---- Rounding ----

#[test]
fn rounding_parses_and_prints_its_snake_case_name() {
    for r in [Rounding::HalfEven, Rounding::HalfUp] {
        assert_eq!(Rounding::parse(r.as_str()), Ok(r));
    }
    assert_eq!(Rounding::default(), Rounding::HalfEven);
    assert_eq!(field_of(Rounding::parse("HalfUp")), "rounding");
    assert_eq!(field_of(Rounding::parse("")), "rounding");
}

#[test]
fn half_even_rounds_midpoints_to_the_even_neighbour() {
    let r = Rounding::HalfEven;
    for (v, want) in [
        ("0.5", 0),
        ("1.5", 2),
        ("2.5", 2),
        ("3.5", 4),
        ("-0.5", 0),
        ("-1.5", -2),
        ("-2.5", -2),
    ] {
        assert_eq!(r.round_minor(dec(v)), Ok(want), "{v}");
    }
}

#[test]
fn half_up_rounds_midpoints_away_from_zero() {
    let r = Rounding::HalfUp;
    for (v, want) in [
        ("0.5", 1),
        ("1.5", 2),
        ("2.5", 3),
        ("3.5", 4),
        ("-0.5", -1),
        ("-1.5", -2),
        ("-2.5", -3),
    ] {
        assert_eq!(r.round_minor(dec(v)), Ok(want), "{v}");
    }
}

#[test]
fn both_roundings_agree_away_from_the_midpoint() {
    for r in [Rounding::HalfEven, Rounding::HalfUp] {
        for (v, want) in [
            ("2.49999", 2),
            ("2.50001", 3),
            ("-2.49999", -2),
            ("-2.50001", -3),
            ("7", 7),
            ("0", 0),
        ] {
            assert_eq!(r.round_minor(dec(v)), Ok(want), "{r:?} {v}");
        }
    }
}

#[test]
fn rounding_a_value_beyond_i64_overflows() {
    assert_eq!(
        Rounding::HalfEven.round_minor(dec("9223372036854775808")),
        Err(DomainError::Overflow)
    );
    assert_eq!(
        Rounding::HalfUp.round_minor(dec("9223372036854775807.5")),
        Err(DomainError::Overflow)
    );
    assert_eq!(
        Rounding::HalfEven.round_minor(dec("9223372036854775807.4")),
        Ok(i64::MAX)
    );
    assert_eq!(
        Rounding::HalfEven.round_minor(dec("-9223372036854775808")),
        Ok(i64::MIN)
    );
}

// ---- arithmetic ----

#[test]
fn adding_and_subtracting_same_currency_money_is_exact() {
    assert_eq!(eur(150).checked_add(eur(-25)), Ok(eur(125)));
    assert_eq!(eur(150).checked_sub(eur(200)), Ok(eur(-50)));
    assert_eq!(eur(7).checked_neg(), Ok(eur(-7)));
}

#[test]
fn combining_different_currencies_is_refused() {
    let usd = Money::new(1, cur("USD"));
    let mismatch = DomainError::CurrencyMismatch("EUR".into(), "USD".into());
    assert_eq!(eur(1).checked_add(usd), Err(mismatch.clone()));
    assert_eq!(eur(1).checked_sub(usd), Err(mismatch.clone()));
    assert_eq!(eur(1).min(usd), Err(mismatch.clone()));
    assert_eq!(Money::sum(cur("EUR"), [eur(1), usd]), Err(mismatch));
}

#[test]
fn arithmetic_beyond_i64_overflows() {
    assert_eq!(
        eur(i64::MAX).checked_add(eur(1)),
        Err(DomainError::Overflow)
    );
    assert_eq!(
        eur(i64::MIN).checked_sub(eur(1)),
        Err(DomainError::Overflow)
    );
    assert_eq!(eur(i64::MIN).checked_neg(), Err(DomainError::Overflow));
    assert_eq!(
        Money::sum(cur("EUR"), [eur(i64::MAX), eur(1)]),
        Err(DomainError::Overflow)
    );
    assert_eq!(eur(i64::MAX).checked_neg(), Ok(eur(-i64::MAX)));
}

#[test]
fn sign_predicates_classify_zero_positive_and_negative() {
    assert!(eur(0).is_zero() && !eur(0).is_positive() && !eur(0).is_negative());
    assert!(eur(1).is_positive() && !eur(1).is_zero() && !eur(1).is_negative());
    assert!(eur(-1).is_negative() && !eur(-1).is_zero() && !eur(-1).is_positive());
}

#[test]
fn min_picks_the_smaller_amount() {
    assert_eq!(eur(5).min(eur(3)), Ok(eur(3)));
    assert_eq!(eur(-5).min(eur(3)), Ok(eur(-5)));
    assert_eq!(eur(4).min(eur(4)), Ok(eur(4)));
}

#[test]
fn summing_nothing_gives_zero_of_the_currency() {
    assert_eq!(Money::sum(cur("JPY"), []), Ok(Money::zero(cur("JPY"))));
    assert_eq!(
        Money::sum(cur("EUR"), [eur(1), eur(2), eur(-4)]),
        Ok(eur(-1))
    );
}

#[test]
fn summing_items_of_another_currency_than_the_declared_one_is_refused() {
    let usd = Money::new(1, cur("USD"));
    assert!(matches!(
        Money::sum(cur("EUR"), [usd]),
        Err(DomainError::CurrencyMismatch(..))
    ));
}

// ---- decimals ----

#[test]
fn to_decimal_is_exact_with_the_currency_scale() {
    let d = eur(1234).to_decimal();
    assert_eq!(d, dec("12.34"));
    assert_eq!(d.scale(), 2);
    assert_eq!(
        Money::new(1000, cur("JPY")).to_decimal().to_string(),
        "1000"
    );
    assert_eq!(
        Money::new(1250, cur("KWD")).to_decimal().to_string(),
        "1.250"
    );
    assert_eq!(eur(-50).to_decimal().to_string(), "-0.50");
    assert_eq!(
        eur(i64::MIN).to_decimal().to_string(),
        "-92233720368547758.08"
    );
}

#[test]
fn from_decimal_rounds_two_exponent_midpoints_per_mode() {
    let e = cur("EUR");
    assert_eq!(
        Money::from_decimal(dec("0.125"), e, Rounding::HalfEven),
        Ok(eur(12))
    );
    assert_eq!(
        Money::from_decimal(dec("0.125"), e, Rounding::HalfUp),
        Ok(eur(13))
    );
    assert_eq!(
        Money::from_decimal(dec("0.135"), e, Rounding::HalfEven),
        Ok(eur(14))
    );
    assert_eq!(
        Money::from_decimal(dec("0.135"), e, Rounding::HalfUp),
        Ok(eur(14))
    );
    assert_eq!(
        Money::from_decimal(dec("-0.125"), e, Rounding::HalfEven),
        Ok(eur(-12))
    );
    assert_eq!(
        Money::from_decimal(dec("-0.125"), e, Rounding::HalfUp),
        Ok(eur(-13))
    );
    assert_eq!(
        Money::from_decimal(dec("12.34"), e, Rounding::HalfUp),
        Ok(eur(1234))
    );
}

#[test]
fn from_decimal_rounds_zero_exponent_midpoints_per_mode() {
    let j = cur("JPY");
    let yen = |m| Money::new(m, j);
    assert_eq!(
        Money::from_decimal(dec("2.5"), j, Rounding::HalfEven),
        Ok(yen(2))
    );
    assert_eq!(
        Money::from_decimal(dec("2.5"), j, Rounding::HalfUp),
        Ok(yen(3))
    );
    assert_eq!(
        Money::from_decimal(dec("3.5"), j, Rounding::HalfEven),
        Ok(yen(4))
    );
    assert_eq!(
        Money::from_decimal(dec("-2.5"), j, Rounding::HalfEven),
        Ok(yen(-2))
    );
    assert_eq!(
        Money::from_decimal(dec("-2.5"), j, Rounding::HalfUp),
        Ok(yen(-3))
    );
    assert_eq!(
        Money::from_decimal(dec("1000"), j, Rounding::HalfEven),
        Ok(yen(1000))
    );
}

#[test]
fn from_decimal_rounds_three_exponent_midpoints_per_mode() {
    let k = cur("KWD");
    let fils = |m| Money::new(m, k);
    assert_eq!(
        Money::from_decimal(dec("1.0125"), k, Rounding::HalfEven),
        Ok(fils(1012))
    );
    assert_eq!(
        Money::from_decimal(dec("1.0125"), k, Rounding::HalfUp),
        Ok(fils(1013))
    );
    assert_eq!(
        Money::from_decimal(dec("1.0135"), k, Rounding::HalfEven),
        Ok(fils(1014))
    );
    assert_eq!(
        Money::from_decimal(dec("-1.0125"), k, Rounding::HalfEven),
        Ok(fils(-1012))
    );
    assert_eq!(
        Money::from_decimal(dec("-1.0125"), k, Rounding::HalfUp),
        Ok(fils(-1013))
    );
}

#[test]
fn from_decimal_out_of_i64_range_overflows() {
    let e = cur("EUR");
    assert_eq!(
        Money::from_decimal(dec("92233720368547758.08"), e, Rounding::HalfEven),
        Err(DomainError::Overflow)
    );
    assert_eq!(
        Money::from_decimal(dec("92233720368547758.07"), e, Rounding::HalfEven),
        Ok(eur(i64::MAX))
    );
    assert_eq!(
        Money::from_decimal(dec("-92233720368547758.08"), e, Rounding::HalfEven),
        Ok(eur(i64::MIN))
    );
    assert_eq!(
        Money::from_decimal(Decimal::MAX, cur("KWD"), Rounding::HalfUp),
        Err(DomainError::Overflow)
    );
}

#[test]
fn from_decimal_inverts_to_decimal() {
    for m in [
        eur(0),
        eur(1),
        eur(-1),
        eur(123_456_789),
        eur(i64::MAX),
        eur(i64::MIN),
    ] {
        assert_eq!(
            Money::from_decimal(m.to_decimal(), m.currency, Rounding::HalfEven),
            Ok(m)
        );
    }
}

// ---- parse_amount ----

#[test]
fn parse_amount_reads_plain_amounts() {
    let e = cur("EUR");
    assert_eq!(Money::parse_amount("12.34", e), Ok(eur(1234)));
    assert_eq!(Money::parse_amount("-5", e), Ok(eur(-500)));
    assert_eq!(Money::parse_amount("1000", e), Ok(eur(100_000)));
    assert_eq!(Money::parse_amount("0.5", e), Ok(eur(50)));
    assert_eq!(Money::parse_amount("-0.00", e), Ok(eur(0)));
    assert_eq!(Money::parse_amount("  7.10 ", e), Ok(eur(710)));
    assert_eq!(Money::parse_amount("007", e), Ok(eur(700)));
}

#[test]
fn parse_amount_tolerates_trailing_zeros_beyond_the_exponent() {
    assert_eq!(Money::parse_amount("1.500", cur("EUR")), Ok(eur(150)));
    assert_eq!(
        Money::parse_amount("1000.0", cur("JPY")),
        Ok(Money::new(1000, cur("JPY")))
    );
}

#[test]
fn parse_amount_honours_zero_and_three_exponent_currencies() {
    assert_eq!(
        Money::parse_amount("1000", cur("JPY")),
        Ok(Money::new(1000, cur("JPY")))
    );
    assert_eq!(
        Money::parse_amount("1.25", cur("KWD")),
        Ok(Money::new(1250, cur("KWD")))
    );
    assert_eq!(
        Money::parse_amount("1.255", cur("KWD")),
        Ok(Money::new(1255, cur("KWD")))
    );
}

#[test]
fn parse_amount_refuses_more_decimals_than_the_currency_allows() {
    let err = Money::parse_amount("12.345", cur("EUR")).expect_err("too precise");
    assert_eq!(
        err.to_string(),
        "amount: EUR allows at most 2 decimal places"
    );
    let err = Money::parse_amount("1.5", cur("JPY")).expect_err("too precise");
    assert_eq!(
        err.to_string(),
        "amount: JPY allows at most 0 decimal places"
    );
    assert_eq!(
        field_of(Money::parse_amount("1.2345", cur("KWD"))),
        "amount"
    );
}

#[test]
fn parse_amount_refuses_empty_and_non_numeric_input() {
    let e = cur("EUR");
    for bad in [
        "", "   ", "abc", "1,5", "1.2.3", ".5", "5.", "-", "+5", "1 000", "0x10", "NaN", "--1",
        "1_000", "€5",
    ] {
        assert_eq!(field_of(Money::parse_amount(bad, e)), "amount", "{bad:?}");
    }
    let err = Money::parse_amount("", e).expect_err("empty");
    assert_eq!(err.to_string(), "amount: is required");
}

#[test]
fn parse_amount_refuses_exponent_notation() {
    for bad in ["1e3", "1E3", "1.5e-2"] {
        let err = Money::parse_amount(bad, cur("EUR")).expect_err("exponent");
        assert!(err.to_string().contains("exponent notation"), "{err}");
    }
}

#[test]
fn parse_amount_is_bounded_by_the_documented_maximum() {
    let e = cur("EUR");
    assert_eq!(
        Money::parse_amount("99999999999.99", e),
        Ok(eur(MAX_AMOUNT_MINOR))
    );
    assert_eq!(
        Money::parse_amount("-99999999999.99", e),
        Ok(eur(-MAX_AMOUNT_MINOR))
    );
    assert_eq!(
        Money::parse_amount("9999999999999", cur("JPY")),
        Ok(Money::new(MAX_AMOUNT_MINOR, cur("JPY")))
    );
    assert_eq!(
        Money::parse_amount("9999999999.999", cur("KWD")),
        Ok(Money::new(MAX_AMOUNT_MINOR, cur("KWD")))
    );
    let huge = "9".repeat(60);
    for over in [
        "100000000000",
        "-100000000000.00",
        "92233720368547758.07",
        "92233720368547758.08",
        huge.as_str(),
    ] {
        let err = Money::parse_amount(over, e).expect_err(over);
        assert_eq!(
            err.to_string(),
            "amount: may be at most EUR 99999999999.99",
            "{over}"
        );
    }
}

#[test]
fn bounded_refuses_beyond_the_maximum_either_side() {
    assert_eq!(
        eur(MAX_AMOUNT_MINOR).bounded("x"),
        Ok(eur(MAX_AMOUNT_MINOR))
    );
    assert_eq!(
        eur(-MAX_AMOUNT_MINOR).bounded("x"),
        Ok(eur(-MAX_AMOUNT_MINOR))
    );
    for m in [
        MAX_AMOUNT_MINOR + 1,
        -MAX_AMOUNT_MINOR - 1,
        i64::MAX,
        i64::MIN,
    ] {
        assert_eq!(field_of(eur(m).bounded("total")), "total", "{m}");
    }
}

// ---- formatting ----

#[test]
fn amount_string_has_exactly_exponent_fraction_digits() {
    assert_eq!(eur(1234).amount_string(), "12.34");
    assert_eq!(eur(-50).amount_string(), "-0.50");
    assert_eq!(eur(5).amount_string(), "0.05");
    assert_eq!(eur(0).amount_string(), "0.00");
    assert_eq!(Money::new(1000, cur("JPY")).amount_string(), "1000");
    assert_eq!(Money::new(-7, cur("JPY")).amount_string(), "-7");
    assert_eq!(Money::new(1250, cur("KWD")).amount_string(), "1.250");
    assert_eq!(Money::new(-1, cur("KWD")).amount_string(), "-0.001");
}

#[test]
fn amount_string_handles_the_extremes_of_i64() {
    assert_eq!(eur(i64::MAX).amount_string(), "92233720368547758.07");
    assert_eq!(eur(i64::MIN).amount_string(), "-92233720368547758.08");
}

#[test]
fn amount_string_round_trips_through_parse_amount() {
    for m in [
        eur(0),
        eur(-50),
        eur(-MAX_AMOUNT_MINOR),
        Money::new(1250, cur("KWD")),
        Money::new(-3, cur("JPY")),
    ] {
        assert_eq!(Money::parse_amount(&m.amount_string(), m.currency), Ok(m));
    }
}

#[test]
fn money_displays_as_code_then_amount() {
    assert_eq!(eur(1234).to_string(), "EUR 12.34");
    assert_eq!(Money::new(1000, cur("JPY")).to_string(), "JPY 1000");
}
