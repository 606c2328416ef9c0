//! Client statements: a ledger of invoices, payments, credit notes and
//! refunds over a period with opening/closing balances and a running
//! balance, plus receivables aging buckets.

use chrono::NaiveDate;

use crate::error::{DomainError, DomainResult};
use crate::money::{ensure_currency, Currency, Money};

/// Kind of ledger entry; the declaration order is the sort order within a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LedgerKind {
    Invoice,
    Payment,
    CreditNote,
    Refund,
}

impl LedgerKind {
    pub const ALL: [LedgerKind; 4] = [
        LedgerKind::Invoice,
        LedgerKind::Payment,
        LedgerKind::CreditNote,
        LedgerKind::Refund,
    ];

    /// `"invoice"`, `"payment"`, `"credit_note"`, `"refund"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            LedgerKind::Invoice => "invoice",
            LedgerKind::Payment => "payment",
            LedgerKind::CreditNote => "credit_note",
            LedgerKind::Refund => "refund",
        }
    }

    pub fn parse(s: &str) -> DomainResult<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| DomainError::invalid("kind", format!("unknown ledger kind \"{s}\"")))
    }

    /// Invoices and refunds increase what the client owes.
    pub fn is_debit(&self) -> bool {
        matches!(self, LedgerKind::Invoice | LedgerKind::Refund)
    }
}

impl std::fmt::Display for LedgerKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One ledger entry. Invoice and Refund are debits (the client owes more);
/// Payment and CreditNote are credits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerItem {
    pub date: NaiveDate,
    pub kind: LedgerKind,
    pub reference: String,
    pub document_id: String,
    /// Positive (zero tolerated, negative refused).
    pub amount: Money,
}

/// One statement row with the running balance after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine {
    pub date: NaiveDate,
    pub kind: LedgerKind,
    pub reference: String,
    pub document_id: String,
    pub debit: Money,
    pub credit: Money,
    pub balance: Money,
}

/// Open balances by days overdue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgingBuckets {
    pub current: Money,
    pub days_1_30: Money,
    pub days_31_60: Money,
    pub days_61_90: Money,
    pub days_over_90: Money,
    pub total: Money,
}

/// A client statement for a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub currency: Currency,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub opening_balance: Money,
    pub lines: Vec<StatementLine>,
    pub total_debits: Money,
    pub total_credits: Money,
    pub closing_balance: Money,
    pub aging: AgingBuckets,
}

/// Open invoice for aging: due date and remaining balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgingItem {
    pub due_date: NaiveDate,
    pub balance: Money,
}

/// Buckets open balances by days overdue = as_of - due_date:
/// <= 0 current, 1..=30, 31..=60, 61..=90, > 90.
pub fn aging(
    currency: Currency,
    as_of: NaiveDate,
    items: &[AgingItem],
) -> DomainResult<AgingBuckets> {
    let zero = Money::zero(currency);
    let mut b = AgingBuckets {
        current: zero,
        days_1_30: zero,
        days_31_60: zero,
        days_61_90: zero,
        days_over_90: zero,
        total: zero,
    };
    for item in items {
        ensure_currency(currency, item.balance.currency)?;
        let days = (as_of - item.due_date).num_days();
        let bucket = match days {
            i64::MIN..=0 => &mut b.current,
            1..=30 => &mut b.days_1_30,
            31..=60 => &mut b.days_31_60,
            61..=90 => &mut b.days_61_90,
            _ => &mut b.days_over_90,
        };
        *bucket = bucket.checked_add(item.balance)?;
        b.total = b.total.checked_add(item.balance)?;
    }
    Ok(b)
}

/// Builds the statement for [from, to] (from <= to, else Invalid "from").
///
/// Items before `from` form the opening balance; items within the period
/// become lines sorted by (date, kind, reference, document id) with a running
/// balance; later items are ignored. Aging is computed as of `to` from
/// `open_items`. Every currency must equal `currency`.
pub fn build_statement(
    currency: Currency,
    from: NaiveDate,
    to: NaiveDate,
    items: &[LedgerItem],
    open_items: &[AgingItem],
) -> DomainResult<Statement> {
    if from > to {
        return Err(DomainError::invalid("from", "must not be after \"to\""));
    }
    let zero = Money::zero(currency);
    let mut opening = zero;
    let mut in_period: Vec<&LedgerItem> = Vec::new();
    for item in items {
        ensure_currency(currency, item.amount.currency)?;
        if item.amount.is_negative() {
            return Err(DomainError::invalid(
                "amount",
                format!("ledger amount of {} must not be negative", item.reference),
            ));
        }
        if item.date < from {
            opening = apply(opening, item)?;
        } else if item.date <= to {
            in_period.push(item);
        }
    }
    in_period.sort_by(|a, b| {
        (a.date, a.kind, &a.reference, &a.document_id).cmp(&(
            b.date,
            b.kind,
            &b.reference,
            &b.document_id,
        ))
    });

    let mut balance = opening;
    let mut total_debits = zero;
    let mut total_credits = zero;
    let mut lines = Vec::with_capacity(in_period.len());
    for item in in_period {
        let (debit, credit) = if item.kind.is_debit() {
            (item.amount, zero)
        } else {
            (zero, item.amount)
        };
        total_debits = total_debits.checked_add(debit)?;
        total_credits = total_credits.checked_add(credit)?;
        balance = apply(balance, item)?;
        lines.push(StatementLine {
            date: item.date,
            kind: item.kind,
            reference: item.reference.clone(),
            document_id: item.document_id.clone(),
            debit,
            credit,
            balance,
        });
    }
    Ok(Statement {
        currency,
        from,
        to,
        opening_balance: opening,
        lines,
        total_debits,
        total_credits,
        closing_balance: balance,
        aging: aging(currency, to, open_items)?,
    })
}

/// Balance after one ledger item.
fn apply(balance: Money, item: &LedgerItem) -> DomainResult<Money> {
    if item.kind.is_debit() {
        balance.checked_add(item.amount)
    } else {
        balance.checked_sub(item.amount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;
    use LedgerKind::*;

    fn eur_c() -> Currency {
        Currency::parse("EUR").expect("EUR")
    }
    fn eur(minor: i64) -> Money {
        Money::new(minor, eur_c())
    }
    fn usd(minor: i64) -> Money {
        Money::new(minor, Currency::parse("USD").expect("USD"))
    }
    fn day(s: &str) -> NaiveDate {
        NaiveDate::from_str(s).expect("date literal")
    }
    fn item(date: &str, kind: LedgerKind, reference: &str, amount: Money) -> LedgerItem {
        LedgerItem {
            date: day(date),
            kind,
            reference: reference.to_string(),
            document_id: format!("id-{reference}"),
            amount,
        }
    }
    fn due(days_before_as_of: i64, balance: Money) -> AgingItem {
        AgingItem {
            due_date: day("2024-06-30") - chrono::Duration::days(days_before_as_of),
            balance,
        }
    }
    fn field_of<T: std::fmt::Debug>(r: DomainResult<T>) -> &'static str {
        match r {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn ledger_kinds_round_trip_and_know_their_side() {
        let names = ["invoice", "payment", "credit_note", "refund"];
        for (k, name) in LedgerKind::ALL.iter().zip(names) {
            assert_eq!(k.as_str(), name);
            assert_eq!(k.to_string(), name);
            assert_eq!(LedgerKind::parse(name), Ok(*k));
        }
        assert_eq!(field_of(LedgerKind::parse("creditNote")), "kind");
        assert!(Invoice.is_debit() && Refund.is_debit());
        assert!(!Payment.is_debit() && !CreditNote.is_debit());
    }

    // ---- aging ----

    #[test]
    fn aging_of_nothing_is_all_zero() {
        let b = aging(eur_c(), day("2024-06-30"), &[]).expect("valid");
        assert_eq!(b.total, eur(0));
        assert_eq!(b.current, eur(0));
    }

    #[test]
    fn aging_puts_each_boundary_day_in_the_right_bucket() {
        let as_of = day("2024-06-30");
        type Pick = fn(&AgingBuckets) -> Money;
        let cases: [(i64, Pick); 10] = [
            (-5, |b| b.current),
            (0, |b| b.current),
            (1, |b| b.days_1_30),
            (30, |b| b.days_1_30),
            (31, |b| b.days_31_60),
            (60, |b| b.days_31_60),
            (61, |b| b.days_61_90),
            (90, |b| b.days_61_90),
            (91, |b| b.days_over_90),
            (400, |b| b.days_over_90),
        ];
        for (days, bucket) in cases {
            let b = aging(eur_c(), as_of, &[due(days, eur(7))]).expect("valid");
            assert_eq!(bucket(&b), eur(7), "{days} days overdue");
            let sum = [
                b.current,
                b.days_1_30,
                b.days_31_60,
                b.days_61_90,
                b.days_over_90,
            ]
            .iter()
            .map(|m| m.minor)
            .sum::<i64>();
            assert_eq!(sum, 7, "{days} days overdue lands in exactly one bucket");
            assert_eq!(b.total, eur(7));
        }
    }

    #[test]
    fn aging_sums_several_items_per_bucket_and_in_total() {
        let items = [
            due(0, eur(100)),
            due(-10, eur(50)),
            due(15, eur(20)),
            due(45, eur(5)),
            due(75, eur(3)),
            due(120, eur(1)),
            due(95, eur(1)),
        ];
        let b = aging(eur_c(), day("2024-06-30"), &items).expect("valid");
        assert_eq!(
            (
                b.current,
                b.days_1_30,
                b.days_31_60,
                b.days_61_90,
                b.days_over_90,
                b.total
            ),
            (eur(150), eur(20), eur(5), eur(3), eur(2), eur(180))
        );
    }

    #[test]
    fn aging_in_another_currency_is_refused() {
        let r = aging(eur_c(), day("2024-06-30"), &[due(1, usd(1))]);
        assert!(matches!(r, Err(DomainError::CurrencyMismatch(..))));
    }

    #[test]
    fn aging_beyond_i64_overflows() {
        let r = aging(
            eur_c(),
            day("2024-06-30"),
            &[due(1, eur(i64::MAX)), due(100, eur(1))],
        );
        assert_eq!(r, Err(DomainError::Overflow));
    }

    // ---- build_statement ----

    fn ledger() -> Vec<LedgerItem> {
        vec![
            item("2024-07-02", Invoice, "INV-9", eur(999)),
            item("2024-05-20", Invoice, "INV-1", eur(1000)),
            item("2024-05-25", Payment, "PAY-1", eur(400)),
            item("2024-06-10", Refund, "REF-1", eur(50)),
            item("2024-06-10", CreditNote, "CN-1", eur(100)),
            item("2024-06-10", Payment, "PAY-2", eur(200)),
            item("2024-06-10", Invoice, "INV-3", eur(300)),
            item("2024-06-10", Invoice, "INV-2", eur(500)),
            item("2024-06-01", Payment, "PAY-0", eur(10)),
            item("2024-06-30", Invoice, "INV-4", eur(70)),
        ]
    }

    #[test]
    fn a_statement_has_opening_balance_sorted_lines_running_balance_and_totals() {
        let s = build_statement(
            eur_c(),
            day("2024-06-01"),
            day("2024-06-30"),
            &ledger(),
            &[],
        )
        .expect("valid");
        assert_eq!(s.opening_balance, eur(600));
        let rows: Vec<_> = s
            .lines
            .iter()
            .map(|l| {
                (
                    l.reference.as_str(),
                    l.debit.minor,
                    l.credit.minor,
                    l.balance.minor,
                )
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                ("PAY-0", 0, 10, 590),
                ("INV-2", 500, 0, 1090),
                ("INV-3", 300, 0, 1390),
                ("PAY-2", 0, 200, 1190),
                ("CN-1", 0, 100, 1090),
                ("REF-1", 50, 0, 1140),
                ("INV-4", 70, 0, 1210),
            ]
        );
        assert_eq!(s.total_debits, eur(920));
        assert_eq!(s.total_credits, eur(310));
        assert_eq!(s.closing_balance, eur(1210));
        assert_eq!(
            (s.currency, s.from, s.to),
            (eur_c(), day("2024-06-01"), day("2024-06-30"))
        );
        assert_eq!(s.lines[0].document_id, "id-PAY-0");
        assert_eq!(s.lines[0].kind, Payment);
    }

    #[test]
    fn items_on_the_from_and_to_days_are_inside_the_period() {
        let s = build_statement(
            eur_c(),
            day("2024-06-10"),
            day("2024-06-10"),
            &ledger(),
            &[],
        )
        .expect("valid");
        assert_eq!(s.lines.len(), 5);
        assert_eq!(s.opening_balance, eur(590));
        assert_eq!(s.closing_balance, eur(1140));
    }

    #[test]
    fn items_after_the_period_are_ignored() {
        let s = build_statement(
            eur_c(),
            day("2024-01-01"),
            day("2024-07-01"),
            &ledger(),
            &[],
        )
        .expect("valid");
        assert!(s.lines.iter().all(|l| l.reference != "INV-9"));
        assert_eq!(s.opening_balance, eur(0));
    }

    #[test]
    fn a_statement_of_an_empty_ledger_is_all_zero() {
        let s = build_statement(eur_c(), day("2024-06-01"), day("2024-06-30"), &[], &[])
            .expect("valid");
        assert!(s.lines.is_empty());
        assert_eq!(
            (
                s.opening_balance,
                s.total_debits,
                s.total_credits,
                s.closing_balance
            ),
            (eur(0), eur(0), eur(0), eur(0))
        );
        assert_eq!(s.aging.total, eur(0));
    }

    #[test]
    fn a_client_in_credit_has_a_negative_balance() {
        let items = [item("2024-06-02", Payment, "PAY-1", eur(100))];
        let s = build_statement(eur_c(), day("2024-06-01"), day("2024-06-30"), &items, &[])
            .expect("valid");
        assert_eq!(s.closing_balance, eur(-100));
    }

    #[test]
    fn same_day_same_kind_lines_are_ordered_by_reference_then_document_id() {
        let mut a = item("2024-06-05", Payment, "P", eur(1));
        a.document_id = "b".into();
        let mut b = item("2024-06-05", Payment, "P", eur(2));
        b.document_id = "a".into();
        let c = item("2024-06-05", Payment, "A", eur(3));
        let s = build_statement(
            eur_c(),
            day("2024-06-01"),
            day("2024-06-30"),
            &[a, b, c],
            &[],
        )
        .expect("valid");
        let order: Vec<_> = s.lines.iter().map(|l| l.credit.minor).collect();
        assert_eq!(order, vec![3, 2, 1]);
    }

    #[test]
    fn statement_aging_is_computed_as_of_the_period_end() {
        let open = [due(0, eur(70)), due(31, eur(30))];
        let s = build_statement(eur_c(), day("2024-06-01"), day("2024-06-30"), &[], &open)
            .expect("valid");
        assert_eq!(
            (s.aging.current, s.aging.days_31_60, s.aging.total),
            (eur(70), eur(30), eur(100))
        );
    }

    #[test]
    fn a_period_ending_before_it_starts_is_refused() {
        let r = build_statement(eur_c(), day("2024-06-02"), day("2024-06-01"), &[], &[]);
        assert_eq!(field_of(r), "from");
    }

    #[test]
    fn a_negative_ledger_amount_is_refused() {
        let items = [item("2024-06-02", Invoice, "INV-1", eur(-1))];
        let r = build_statement(eur_c(), day("2024-06-01"), day("2024-06-30"), &items, &[]);
        assert_eq!(field_of(r), "amount");
    }

    #[test]
    fn ledger_or_open_items_in_another_currency_are_refused() {
        let items = [item("2024-01-01", Invoice, "INV-1", usd(1))];
        let r = build_statement(eur_c(), day("2024-06-01"), day("2024-06-30"), &items, &[]);
        assert!(matches!(r, Err(DomainError::CurrencyMismatch(..))));
        let r = build_statement(
            eur_c(),
            day("2024-06-01"),
            day("2024-06-30"),
            &[],
            &[due(1, usd(1))],
        );
        assert!(matches!(r, Err(DomainError::CurrencyMismatch(..))));
    }

    #[test]
    fn balances_beyond_i64_overflow() {
        let items = [
            item("2024-06-02", Invoice, "INV-1", eur(i64::MAX)),
            item("2024-06-03", Invoice, "INV-2", eur(1)),
        ];
        let r = build_statement(eur_c(), day("2024-06-01"), day("2024-06-30"), &items, &[]);
        assert_eq!(r, Err(DomainError::Overflow));
        let before = [
            item("2024-05-02", Invoice, "INV-1", eur(i64::MAX)),
            item("2024-05-03", Refund, "R", eur(1)),
        ];
        let r = build_statement(eur_c(), day("2024-06-01"), day("2024-06-30"), &before, &[]);
        assert_eq!(r, Err(DomainError::Overflow));
    }
}
