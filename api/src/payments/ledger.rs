//! Payments, their allocations to invoices and refunds. Every change to an invoice's settled amount
//! goes through `settle`, a conditional UPDATE on the balance read in the same transaction, so two
//! concurrent payments can never allocate more than an invoice's balance.

use chrono::NaiveDate;
use portico_domain::{
    self as domain, Allocation, Currency, InvoiceStatus, Money, OpenInvoice, PaymentMethod,
};
use sqlx::any::AnyRow;

use crate::core::audit;
use crate::core::db::new_id;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::db::Tx;
use crate::core::error::{AppError, AppResult};
use crate::core::ids::{ClientId, PaymentId};
use crate::core::scope::Scope;
use crate::invoicing::service::{self as invoices, Invoice};
use crate::tenancy::repo::next_number;

#[derive(Debug, Clone)]
pub struct Payment {
    pub id: PaymentId,
    pub client_id: ClientId,
    pub number: String,
    pub amount: Money,
    pub method: PaymentMethod,
    pub reference: Option<String>,
    pub received_on: NaiveDate,
    /// Not allocated to any invoice: the client's credit from this payment.
    pub unallocated: Money,
    pub refunded: Money,
    pub notes: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewPayment {
    pub client_id: String,
    pub amount: Money,
    pub method: PaymentMethod,
    pub reference: Option<String>,
    pub received_on: NaiveDate,
    pub notes: Option<String>,
    /// Explicit allocations; `None` pays the client's open invoices oldest first.
    pub allocations: Option<Vec<Allocation>>,
}

#[derive(Debug, Clone)]
pub struct AllocationRow {
    pub id: String,
    pub payment_id: String,
    pub invoice_id: String,
    pub amount: Money,
    pub refund_id: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct Refund {
    pub id: String,
    pub payment_id: String,
    pub amount: Money,
    pub reason: Option<String>,
    pub refunded_on: NaiveDate,
}

const COLUMNS: &str = "p.id, p.client_id, p.number, p.amount_minor, p.currency, p.method, p.reference, p.received_on, \
     p.unallocated_minor, p.refunded_minor, p.notes, p.created_at";

fn payment(row: &AnyRow) -> AppResult<Payment> {
    let c = rows::currency(row, "currency")?;
    Ok(Payment {
        id: rows::id(row, "id")?,
        client_id: rows::id(row, "client_id")?,
        number: rows::text(row, "number")?,
        amount: rows::money(row, "amount_minor", c)?,
        method: rows::parsed(row, "method", PaymentMethod::parse)?,
        reference: rows::opt_text(row, "reference")?,
        received_on: rows::date(row, "received_on")?,
        unallocated: rows::money(row, "unallocated_minor", c)?,
        refunded: rows::money(row, "refunded_minor", c)?,
        notes: rows::opt_text(row, "notes")?,
        created_at: rows::int(row, "created_at")?,
    })
}

fn allocation(row: &AnyRow) -> AppResult<AllocationRow> {
    let c = rows::currency(row, "currency")?;
    Ok(AllocationRow {
        id: rows::text(row, "id")?,
        payment_id: rows::text(row, "payment_id")?,
        invoice_id: rows::text(row, "invoice_id")?,
        amount: rows::money(row, "amount_minor", c)?,
        refund_id: rows::opt_text(row, "refund_id")?,
        created_at: rows::int(row, "created_at")?,
    })
}

/// Moves `delta` (positive: paid or credited more; negative: reversed) onto an invoice's settled
/// amount, guarded by the balance it had when read. `column` is `paid_minor` or `credited_minor`.
pub(crate) async fn settle(
    tx: &mut Tx,
    scope: &Scope,
    inv: &Invoice,
    column: &str,
    delta: Money,
) -> AppResult<Invoice> {
    if delta.is_positive() && delta.minor > inv.balance.minor {
        // Planned on balances that another transaction has since reduced.
        return Err(AppError::Conflict(format!(
            "invoice {} changed meanwhile; try again",
            inv.number
        )));
    }
    let settled = inv.paid.checked_add(inv.credited)?.checked_add(delta)?;
    let next = domain::status_after_settlement(inv.status, inv.total, settled)?;
    let sql = format!(
        "UPDATE invoices SET {column} = {column} + $1, balance_minor = balance_minor - $1, status = $2, updated_at = $3 \
         WHERE tenant_id = $4 AND id = $5 AND balance_minor = $6 AND status = $7"
    );
    let changed = tx
        .execute(
            sqlx::query(&sql)
                .bind(delta.minor)
                .bind(next.as_str())
                .bind(tx.now_ms())
                .bind(scope.tenant_id.clone())
                .bind(inv.id.clone())
                .bind(inv.balance.minor)
                .bind(inv.status.as_str()),
        )
        .await?;
    if changed != 1 {
        return Err(AppError::Conflict(format!(
            "invoice {} changed meanwhile; try again",
            inv.number
        )));
    }
    let paid = next == InvoiceStatus::Paid && inv.status != InvoiceStatus::Paid;
    let event = ["invoice.updated", "invoice.paid"][usize::from(paid)];
    crate::core::partner_events::emit(tx, &scope.tenant_id, event, "invoice", &inv.id).await?;
    invoices::load_for_update(tx, scope, &inv.id).await
}

async fn open_invoices(
    tx: &mut Tx,
    scope: &Scope,
    client_id: &str,
    currency: Currency,
) -> AppResult<Vec<OpenInvoice>> {
    let rows = tx
        .fetch_all(
            sqlx::query(
                "SELECT id, issue_date, number, balance_minor FROM invoices WHERE tenant_id = $1 AND client_id = $2 \
                 AND currency = $3 AND status IN ('issued', 'partially_paid') AND balance_minor > 0 \
                 ORDER BY issue_date, number",
            )
            .bind(scope.tenant_id.clone())
            .bind(client_id.to_owned())
            .bind(currency.code()),
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(OpenInvoice {
                id: rows::text(r, "id")?,
                issue_date: rows::date(r, "issue_date")?,
                number: rows::text(r, "number")?,
                balance: rows::money(r, "balance_minor", currency)?,
            })
        })
        .collect()
}

async fn load_payment(tx: &mut Tx, scope: &Scope, id: &str) -> AppResult<Payment> {
    let row = tx
        .fetch_optional(
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM payments p WHERE p.tenant_id = $1 AND p.id = $2"
            ))
            .bind(scope.tenant_id.clone())
            .bind(id.to_owned()),
        )
        .await?
        .ok_or(AppError::NotFound("payment"))?;
    payment(&row)
}

/// Applies an allocation plan of `payment_id` to invoices, inserting allocation rows.
/// Takes `used` from a payment's unallocated credit, which must still be `seen` (a conditional
/// update: a concurrent change makes it a conflict to retry, never a double use).
pub(crate) async fn take_unallocated(
    tx: &mut Tx,
    scope: &Scope,
    payment_id: &str,
    used: Money,
    seen: Money,
) -> AppResult<()> {
    let changed = tx
        .execute(
            sqlx::query(
                "UPDATE payments SET unallocated_minor = unallocated_minor - $1 \
                 WHERE tenant_id = $2 AND id = $3 AND unallocated_minor = $4",
            )
            .bind(used.minor)
            .bind(scope.tenant_id.clone())
            .bind(payment_id.to_owned())
            .bind(seen.minor),
        )
        .await?;
    if changed != 1 {
        return Err(AppError::Conflict(
            "the payment changed meanwhile; try again".into(),
        ));
    }
    Ok(())
}

pub(crate) async fn apply_allocations(
    tx: &mut Tx,
    scope: &Scope,
    payment_id: &str,
    plan: &[Allocation],
) -> AppResult<Vec<Invoice>> {
    let mut touched = Vec::with_capacity(plan.len());
    for a in plan {
        let inv = invoices::load_for_update(tx, scope, &a.invoice_id).await?;
        touched.push(settle(tx, scope, &inv, "paid_minor", a.amount).await?);
        tx.execute(
            sqlx::query(
                "INSERT INTO payment_allocations (id, tenant_id, payment_id, invoice_id, amount_minor, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(new_id())
            .bind(scope.tenant_id.clone())
            .bind(payment_id.to_owned())
            .bind(a.invoice_id.clone())
            .bind(a.amount.minor)
            .bind(tx.now_ms()),
        )
        .await?;
    }
    Ok(touched)
}

impl Store {
    /// Records a payment received (staff): allocates it and keeps any excess as client credit.
    /// Returns the payment and the invoices it changed.
    pub async fn record_payment(
        &self,
        scope: &Scope,
        new: NewPayment,
    ) -> AppResult<(Payment, Vec<Invoice>)> {
        scope.require_payments()?;
        if !new.amount.is_positive() {
            return Err(AppError::bad_input(
                "amount",
                "a payment must be more than zero",
            ));
        }
        let mut tx = self.write_scoped(scope).await?;
        let result = record_payment_tx(&mut tx, scope, new).await?;
        tx.commit().await?;
        Ok(result)
    }

    /// Allocates a payment's unallocated credit to invoices of its client.
    pub async fn allocate_payment(
        &self,
        scope: &Scope,
        payment_id: &PaymentId,
        requested: Option<Vec<Allocation>>,
    ) -> AppResult<(Payment, Vec<Invoice>)> {
        scope.require_payments()?;
        let mut tx = self.write_scoped(scope).await?;
        let p = load_payment(&mut tx, scope, payment_id).await?;
        if !p.unallocated.is_positive() {
            return Err(AppError::Conflict(
                "this payment has no unallocated credit".into(),
            ));
        }
        let open = open_invoices(&mut tx, scope, &p.client_id, p.amount.currency).await?;
        let plan = domain::allocate(p.unallocated, &open, requested.as_deref())?;
        let used = p.unallocated.checked_sub(plan.credit)?;
        take_unallocated(&mut tx, scope, payment_id, used, p.unallocated).await?;
        let touched = apply_allocations(&mut tx, scope, payment_id, &plan.allocations).await?;
        audit::record(
            &mut tx,
            scope,
            "payment.allocated",
            "payment",
            payment_id,
            None,
        )
        .await?;
        let p = load_payment(&mut tx, scope, payment_id).await?;
        tx.commit().await?;
        Ok((p, touched))
    }

    /// Refunds part or all of a payment: from its unused credit first, then reversing allocations.
    pub async fn refund_payment(
        &self,
        scope: &Scope,
        payment_id: &PaymentId,
        amount: Money,
        reason: Option<String>,
        refunded_on: NaiveDate,
    ) -> AppResult<(Payment, Vec<Invoice>)> {
        scope.require_refunds()?;
        let mut tx = self.write_scoped(scope).await?;
        let result =
            refund_payment_tx(&mut tx, scope, payment_id, amount, reason, refunded_on).await?;
        tx.commit().await?;
        Ok(result)
    }

    pub async fn payments(
        &self,
        scope: &Scope,
        client_id: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> AppResult<Vec<Payment>> {
        let mut tx = self.read_scoped(scope).await?;
        let rows = tx
            .fetch_all(
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM payments p WHERE p.tenant_id = $1 AND ($2 IS NULL OR p.client_id = $2) \
                     AND ($3 IS NULL OR p.client_id = $3) ORDER BY p.received_on DESC, p.id DESC LIMIT $4 OFFSET $5"
                ))
                .bind(scope.tenant_id.clone())
                .bind(scope.client_filter().map(str::to_owned))
                .bind(client_id.map(str::to_owned))
                .bind(limit)
                .bind(offset),
            )
            .await?;
        tx.commit().await?;
        rows.iter().map(payment).collect()
    }

    pub async fn payments_by_ids(&self, scope: &Scope, ids: &[String]) -> AppResult<Vec<Payment>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {COLUMNS} FROM payments p WHERE p.tenant_id = $1 AND ($2 IS NULL OR p.client_id = $2) AND p.id IN ({})",
            rows::placeholders(3, ids.len())
        );
        let mut q = sqlx::query(&sql)
            .bind(scope.tenant_id.clone())
            .bind(scope.client_filter().map(str::to_owned));
        for id in ids {
            q = q.bind(id.clone());
        }
        let mut tx = self.read_scoped(scope).await?;
        let rows = tx.fetch_all(q).await?;
        tx.commit().await?;
        rows.iter().map(payment).collect()
    }

    pub async fn payment(&self, scope: &Scope, id: &PaymentId) -> AppResult<Option<Payment>> {
        Ok(self
            .payments_by_ids(scope, &[id.to_string()])
            .await?
            .into_iter()
            .next())
    }

    /// Allocation rows of several invoices (DataLoader).
    pub async fn allocations_for_invoices(
        &self,
        scope: &Scope,
        invoice_ids: &[String],
    ) -> AppResult<Vec<AllocationRow>> {
        let mut tx = self.read_scoped(scope).await?;
        let rows = allocations_where(&mut tx, scope, "a.invoice_id", invoice_ids).await?;
        tx.commit().await?;
        Ok(rows)
    }

    /// Allocation rows of several payments (DataLoader).
    pub async fn allocations_for_payments(
        &self,
        scope: &Scope,
        payment_ids: &[String],
    ) -> AppResult<Vec<AllocationRow>> {
        let mut tx = self.read_scoped(scope).await?;
        let rows = allocations_where(&mut tx, scope, "a.payment_id", payment_ids).await?;
        tx.commit().await?;
        Ok(rows)
    }

    pub async fn refunds_of(
        &self,
        scope: &Scope,
        payment_id: &PaymentId,
    ) -> AppResult<Vec<Refund>> {
        let mut tx = self.read_scoped(scope).await?;
        let rows = tx
            .fetch_all(
                sqlx::query(
                    "SELECT r.id, r.payment_id, r.amount_minor, p.currency, r.reason, r.refunded_on FROM refunds r \
                     JOIN payments p ON p.tenant_id = r.tenant_id AND p.id = r.payment_id \
                     WHERE r.tenant_id = $1 AND r.payment_id = $2 AND ($3 IS NULL OR p.client_id = $3) ORDER BY r.created_at",
                )
                .bind(scope.tenant_id.clone())
                .bind(payment_id.to_owned())
                .bind(scope.client_filter().map(str::to_owned)),
            )
            .await?;
        tx.commit().await?;
        rows.iter()
            .map(|r| {
                let c = rows::currency(r, "currency")?;
                Ok(Refund {
                    id: rows::text(r, "id")?,
                    payment_id: rows::text(r, "payment_id")?,
                    amount: rows::money(r, "amount_minor", c)?,
                    reason: rows::opt_text(r, "reason")?,
                    refunded_on: rows::date(r, "refunded_on")?,
                })
            })
            .collect()
    }
}

async fn allocations_where(
    tx: &mut Tx,
    scope: &Scope,
    column: &str,
    ids: &[String],
) -> AppResult<Vec<AllocationRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT a.id, a.payment_id, a.invoice_id, a.amount_minor, a.refund_id, a.created_at, p.currency \
         FROM payment_allocations a JOIN payments p ON p.tenant_id = a.tenant_id AND p.id = a.payment_id \
         WHERE a.tenant_id = $1 AND ($2 IS NULL OR p.client_id = $2) AND {column} IN ({}) ORDER BY a.created_at, a.id",
        rows::placeholders(3, ids.len())
    );
    let mut q = sqlx::query(&sql)
        .bind(scope.tenant_id.clone())
        .bind(scope.client_filter().map(str::to_owned));
    for id in ids {
        q = q.bind(id.clone());
    }
    tx.fetch_all(q).await?.iter().map(allocation).collect()
}

/// Records a payment inside `tx` (see `Store::record_payment`); the caller checks roles and commits.
pub(crate) async fn record_payment_tx(
    tx: &mut Tx,
    scope: &Scope,
    new: NewPayment,
) -> AppResult<(Payment, Vec<Invoice>)> {
    let tx = &mut *tx;
    let client = tx
        .fetch_optional(
            sqlx::query("SELECT id FROM clients WHERE tenant_id = $1 AND id = $2")
                .bind(scope.tenant_id.clone())
                .bind(new.client_id.clone()),
        )
        .await?;
    if client.is_none() {
        return Err(AppError::NotFound("client"));
    }
    let open = open_invoices(tx, scope, &new.client_id, new.amount.currency).await?;
    let plan = domain::allocate(new.amount, &open, new.allocations.as_deref())?;
    let id = new_id();
    let number = next_number(
        tx,
        &scope.tenant_id,
        "payment",
        chrono::Datelike::year(&new.received_on),
    )
    .await?;
    tx.execute(
            sqlx::query(
                "INSERT INTO payments (id, tenant_id, client_id, number, amount_minor, currency, method, reference, \
                 received_on, unallocated_minor, notes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(id.clone())
            .bind(scope.tenant_id.clone())
            .bind(new.client_id.clone())
            .bind(number)
            .bind(new.amount.minor)
            .bind(new.amount.currency.code())
            .bind(new.method.as_str())
            .bind(new.reference)
            .bind(rows::date_str(new.received_on))
            .bind(plan.credit.minor)
            .bind(new.notes)
            .bind(tx.now_ms()),
        )
        .await?;
    let touched = apply_allocations(tx, scope, &id, &plan.allocations).await?;
    let detail = serde_json::json!({ "amount": new.amount.amount_string(), "currency": new.amount.currency.code(),
            "allocated": plan.allocations.len(), "credit": plan.credit.amount_string() });
    audit::record(tx, scope, "payment.recorded", "payment", &id, Some(detail)).await?;
    let p = load_payment(tx, scope, &id).await?;
    Ok((p, touched))
}

/// Refunds inside `tx` (see `Store::refund_payment`); the caller checks roles and commits.
pub(crate) async fn refund_payment_tx(
    tx: &mut Tx,
    scope: &Scope,
    payment_id: &str,
    amount: Money,
    reason: Option<String>,
    refunded_on: NaiveDate,
) -> AppResult<(Payment, Vec<Invoice>)> {
    let tx = &mut *tx;
    let p = load_payment(tx, scope, payment_id).await?;
    let allocs = allocations_where(tx, scope, "a.payment_id", &[payment_id.to_owned()]).await?;
    // Net allocation per invoice, in allocation order.
    let mut net: Vec<Allocation> = Vec::new();
    for a in &allocs {
        match net.iter_mut().find(|n| n.invoice_id == a.invoice_id) {
            Some(n) => n.amount = n.amount.checked_add(a.amount)?,
            None => net.push(Allocation {
                invoice_id: a.invoice_id.clone(),
                amount: a.amount,
            }),
        }
    }
    net.retain(|n| n.amount.is_positive());
    let plan = domain::plan_refund(amount, p.amount, p.refunded, p.unallocated, &net)?;
    let refund_id = new_id();
    tx.execute(
            sqlx::query(
                "INSERT INTO refunds (id, tenant_id, payment_id, amount_minor, reason, refunded_on, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(refund_id.clone())
            .bind(scope.tenant_id.clone())
            .bind(payment_id.to_owned())
            .bind(amount.minor)
            .bind(reason)
            .bind(rows::date_str(refunded_on))
            .bind(tx.now_ms()),
        )
        .await?;
    let changed = tx
            .execute(
                sqlx::query(
                    "UPDATE payments SET refunded_minor = refunded_minor + $1, unallocated_minor = unallocated_minor - $2 \
                     WHERE tenant_id = $3 AND id = $4 AND refunded_minor = $5 AND unallocated_minor = $6",
                )
                .bind(amount.minor)
                .bind(plan.from_credit.minor)
                .bind(scope.tenant_id.clone())
                .bind(payment_id.to_owned())
                .bind(p.refunded.minor)
                .bind(p.unallocated.minor),
            )
            .await?;
    if changed != 1 {
        return Err(AppError::Conflict(
            "the payment changed meanwhile; try again".into(),
        ));
    }
    let mut touched = Vec::new();
    for r in &plan.reversals {
        let inv = invoices::load_for_update(tx, scope, &r.invoice_id).await?;
        touched.push(settle(tx, scope, &inv, "paid_minor", r.amount.checked_neg()?).await?);
        tx.execute(
                sqlx::query(
                    "INSERT INTO payment_allocations (id, tenant_id, payment_id, invoice_id, amount_minor, refund_id, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(new_id())
                .bind(scope.tenant_id.clone())
                .bind(payment_id.to_owned())
                .bind(r.invoice_id.clone())
                .bind(-r.amount.minor)
                .bind(refund_id.clone())
                .bind(tx.now_ms()),
            )
            .await?;
    }
    let detail = serde_json::json!({ "amount": amount.amount_string(), "refund": refund_id });
    audit::record(
        tx,
        scope,
        "payment.refunded",
        "payment",
        payment_id,
        Some(detail),
    )
    .await?;
    let p = load_payment(tx, scope, payment_id).await?;
    Ok((p, touched))
}
