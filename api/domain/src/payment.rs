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
mod tests;
