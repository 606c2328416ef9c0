//! Invoices: the status machine, line computation (quantity x unit price,
//! discount, tax, rounded per line) and invoice totals grouped by tax rate.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::error::{DomainError, DomainResult};
use crate::money::{ensure_currency, Currency, Money, Rounding};
use crate::validate::significant_scale;

const ENTITY: &str = "invoice";

/// Stored status of an invoice. "Overdue" is derived, see [`is_overdue`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum InvoiceStatus {
    Draft,
    Issued,
    PartiallyPaid,
    Paid,
    Void,
}

impl InvoiceStatus {
    pub const ALL: [InvoiceStatus; 5] = [
        InvoiceStatus::Draft,
        InvoiceStatus::Issued,
        InvoiceStatus::PartiallyPaid,
        InvoiceStatus::Paid,
        InvoiceStatus::Void,
    ];

    /// `"draft"`, `"issued"`, `"partially_paid"`, `"paid"`, `"void"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            InvoiceStatus::Draft => "draft",
            InvoiceStatus::Issued => "issued",
            InvoiceStatus::PartiallyPaid => "partially_paid",
            InvoiceStatus::Paid => "paid",
            InvoiceStatus::Void => "void",
        }
    }

    pub fn parse(s: &str) -> DomainResult<Self> {
        Self::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| {
                DomainError::invalid("status", format!("unknown invoice status \"{s}\""))
            })
    }
}

impl std::fmt::Display for InvoiceStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A line discount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Discount {
    None,
    /// Percent of the line subtotal: 10 means 10%.
    Percent(Decimal),
    /// Minor units off the line total.
    Amount(i64),
}

/// One invoice (or credit note / estimate) line as entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineInput {
    pub quantity: Decimal,
    pub unit_price_minor: i64,
    /// Percent: 24 means 24%.
    pub tax_rate: Decimal,
    pub discount: Discount,
}

/// The computed, rounded amounts of one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineAmounts {
    /// quantity x unit price, rounded.
    pub subtotal: Money,
    pub discount: Money,
    /// subtotal - discount.
    pub net: Money,
    /// net x rate / 100, rounded.
    pub tax: Money,
    /// net + tax.
    pub total: Money,
}

/// Largest accepted quantity.
pub const MAX_QUANTITY: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);

/// Validates a line and computes its amounts, rounding each step to minor
/// units with `rounding`.
///
/// Refuses: quantity <= 0, > 1 000 000 or with more than 4 fraction digits;
/// negative unit price; tax rate outside 0..=100 or with more than 3 fraction
/// digits; percent discount outside 0..=100; amount discount outside
/// 0..=subtotal.
pub fn compute_line(
    line: &LineInput,
    currency: Currency,
    rounding: Rounding,
) -> DomainResult<LineAmounts> {
    let q = line.quantity;
    if q <= Decimal::ZERO || q > MAX_QUANTITY {
        return Err(DomainError::invalid(
            "quantity",
            "must be greater than 0 and at most 1000000",
        ));
    }
    if significant_scale(q) > 4 {
        return Err(DomainError::invalid(
            "quantity",
            "allows at most 4 decimal places",
        ));
    }
    if line.unit_price_minor < 0 {
        return Err(DomainError::invalid("unit_price", "must not be negative"));
    }
    let rate = line.tax_rate;
    if rate < Decimal::ZERO || rate > Decimal::ONE_HUNDRED {
        return Err(DomainError::invalid(
            "tax_rate",
            "must be between 0 and 100",
        ));
    }
    if significant_scale(rate) > 3 {
        return Err(DomainError::invalid(
            "tax_rate",
            "allows at most 3 decimal places",
        ));
    }

    let money = |minor| Money::new(minor, currency);
    let subtotal_exact = Decimal::from(line.unit_price_minor)
        .checked_mul(q)
        .ok_or(DomainError::Overflow)?;
    let subtotal = rounding.round_minor(subtotal_exact)?;

    let discount = match &line.discount {
        Discount::None => 0,
        Discount::Percent(p) => {
            if *p < Decimal::ZERO || *p > Decimal::ONE_HUNDRED {
                return Err(DomainError::invalid(
                    "discount",
                    "percent must be between 0 and 100",
                ));
            }
            rounding.round_minor(percent_of(subtotal, *p)?)?
        }
        Discount::Amount(a) => {
            if *a < 0 || *a > subtotal {
                return Err(DomainError::invalid(
                    "discount",
                    format!(
                        "amount must be between 0 and the line subtotal {}",
                        money(subtotal).amount_string()
                    ),
                ));
            }
            *a
        }
    };

    let net = money(subtotal).checked_sub(money(discount))?;
    let tax = money(rounding.round_minor(percent_of(net.minor, rate)?)?);
    let total = net.checked_add(tax)?.bounded("unit_price")?;
    money(subtotal).bounded("unit_price")?;
    Ok(LineAmounts {
        subtotal: money(subtotal),
        discount: money(discount),
        net,
        tax,
        total,
    })
}

/// `minor * percent / 100`, exact (before rounding).
fn percent_of(minor: i64, percent: Decimal) -> DomainResult<Decimal> {
    Decimal::from(minor)
        .checked_mul(percent)
        .and_then(|v| v.checked_div(Decimal::ONE_HUNDRED))
        .ok_or(DomainError::Overflow)
}

/// Net and tax of all lines sharing one tax rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxBucket {
    pub rate: Decimal,
    pub net: Money,
    pub tax: Money,
}

/// Sums of the line amounts, plus the tax breakdown by rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceTotals {
    pub subtotal: Money,
    pub discount: Money,
    pub net: Money,
    pub tax: Money,
    pub total: Money,
    /// Grouped by rate, ascending; rates equal in value (24, 24.0) share a
    /// bucket and are reported normalized.
    pub taxes: Vec<TaxBucket>,
}

/// Sums already-rounded lines; `rates[i]` is the tax rate of `lines[i]`
/// (lengths must match, else Invalid "rates"). Every line must be in
/// `currency`.
pub fn totals(
    currency: Currency,
    lines: &[LineAmounts],
    rates: &[Decimal],
) -> DomainResult<InvoiceTotals> {
    if lines.len() != rates.len() {
        return Err(DomainError::invalid(
            "rates",
            format!("{} lines but {} tax rates", lines.len(), rates.len()),
        ));
    }
    let zero = Money::zero(currency);
    let mut t = InvoiceTotals {
        subtotal: zero,
        discount: zero,
        net: zero,
        tax: zero,
        total: zero,
        taxes: Vec::new(),
    };
    let mut buckets: BTreeMap<Decimal, (Money, Money)> = BTreeMap::new();
    for (line, rate) in lines.iter().zip(rates) {
        ensure_currency(currency, line.subtotal.currency)?;
        t.subtotal = t.subtotal.checked_add(line.subtotal)?;
        t.discount = t.discount.checked_add(line.discount)?;
        t.net = t.net.checked_add(line.net)?;
        t.tax = t.tax.checked_add(line.tax)?;
        t.total = t.total.checked_add(line.total)?;
        let bucket = buckets.entry(rate.normalize()).or_insert((zero, zero));
        bucket.0 = bucket.0.checked_add(line.net)?;
        bucket.1 = bucket.1.checked_add(line.tax)?;
    }
    t.subtotal.bounded("lines")?;
    t.total.bounded("lines")?;
    t.taxes = buckets
        .into_iter()
        .map(|(rate, (net, tax))| TaxBucket { rate, net, tax })
        .collect();
    Ok(t)
}

/// draft -> issued. Refused unless Draft; refused (Invalid "lines") without
/// lines or with a total <= 0.
pub fn issue(
    status: InvoiceStatus,
    line_count: usize,
    total: Money,
) -> DomainResult<InvoiceStatus> {
    if status != InvoiceStatus::Draft {
        return Err(DomainError::transition(ENTITY, status.as_str(), "issue"));
    }
    if line_count == 0 {
        return Err(DomainError::invalid(
            "lines",
            "an invoice needs at least one line",
        ));
    }
    if !total.is_positive() {
        return Err(DomainError::invalid(
            "lines",
            "an invoice total must be greater than zero",
        ));
    }
    Ok(InvoiceStatus::Issued)
}

/// draft|issued -> void, only while nothing is settled (paid + credited).
/// Partially paid, paid and void invoices are refused; so is an invoice with
/// a non-zero settled amount (reported as "settled").
pub fn void(status: InvoiceStatus, settled: Money) -> DomainResult<InvoiceStatus> {
    match status {
        InvoiceStatus::Draft | InvoiceStatus::Issued if settled.is_zero() => {
            Ok(InvoiceStatus::Void)
        }
        InvoiceStatus::Draft | InvoiceStatus::Issued => {
            Err(DomainError::transition(ENTITY, "settled", "void"))
        }
        _ => Err(DomainError::transition(ENTITY, status.as_str(), "void")),
    }
}

/// Lines may be added, changed or removed only on drafts.
pub fn ensure_editable(status: InvoiceStatus) -> DomainResult<()> {
    if status == InvoiceStatus::Draft {
        Ok(())
    } else {
        Err(DomainError::transition(ENTITY, status.as_str(), "edit"))
    }
}

/// Only issued or partially paid invoices accept a payment allocation or a
/// credit note application.
pub fn ensure_can_settle(status: InvoiceStatus) -> DomainResult<()> {
    match status {
        InvoiceStatus::Issued | InvoiceStatus::PartiallyPaid => Ok(()),
        _ => Err(DomainError::transition(ENTITY, status.as_str(), "settle")),
    }
}

/// Status after the settled amount changes (payment, credit, refund
/// reversal). Requires Issued, PartiallyPaid or Paid; settled must be within
/// 0..=total. 0 -> Issued, < total -> PartiallyPaid, == total -> Paid.
pub fn status_after_settlement(
    status: InvoiceStatus,
    total: Money,
    settled: Money,
) -> DomainResult<InvoiceStatus> {
    if !matches!(
        status,
        InvoiceStatus::Issued | InvoiceStatus::PartiallyPaid | InvoiceStatus::Paid
    ) {
        return Err(DomainError::transition(ENTITY, status.as_str(), "settle"));
    }
    total.ensure_same_currency(&settled)?;
    if settled.is_negative() {
        return Err(DomainError::invalid(
            "amount",
            "settled amount cannot be negative",
        ));
    }
    if settled.minor > total.minor {
        return Err(DomainError::invalid(
            "amount",
            format!("exceeds balance: settled {settled} of a {total} invoice"),
        ));
    }
    Ok(if settled.is_zero() {
        InvoiceStatus::Issued
    } else if settled.minor < total.minor {
        InvoiceStatus::PartiallyPaid
    } else {
        InvoiceStatus::Paid
    })
}

/// Overdue is derived: Issued or PartiallyPaid, balance > 0 and due_date < today.
pub fn is_overdue(
    status: InvoiceStatus,
    due_date: NaiveDate,
    today: NaiveDate,
    balance: Money,
) -> bool {
    matches!(status, InvoiceStatus::Issued | InvoiceStatus::PartiallyPaid)
        && balance.is_positive()
        && due_date < today
}

#[cfg(test)]
mod tests;
