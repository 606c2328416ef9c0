//! Invoices: creation with lines, line edits on drafts, issue and void through the domain's state
//! machine, and the filtered, sorted, keyset-paginated list.

use crate::core::events::{Event, Topic};
use crate::core::ids::{ClientId, InvoiceId};
use chrono::NaiveDate;
use portico_domain::{self as domain, Currency, DocumentNumber, InvoiceStatus, Money, Rounding};
use sqlx::any::AnyRow;

use crate::core::audit;
use crate::core::db::new_id;
use crate::core::db::rows;
use crate::core::db::sql::SqlBuilder;
use crate::core::db::Store;
use crate::core::db::Tx;
use crate::core::error::{AppError, AppResult};
use crate::core::scope::Scope;
use crate::invoicing::lines::{self, NewLine, MAX_LINES};
use crate::invoicing::listing::visible;
use crate::tenancy::repo::next_number;

#[derive(Debug, Clone)]
pub struct Invoice {
    pub id: InvoiceId,
    pub client_id: ClientId,
    pub number: String,
    pub reference: Option<String>,
    pub status: InvoiceStatus,
    pub currency: Currency,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub subtotal: Money,
    pub discount: Money,
    pub tax: Money,
    pub total: Money,
    pub paid: Money,
    pub credited: Money,
    pub balance: Money,
    pub notes: Option<String>,
    pub terms: Option<String>,
    pub issued_at: Option<i64>,
    pub voided_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Invoice {
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        domain::is_overdue(self.status, self.due_date, today, self.balance)
    }
}

#[derive(Debug, Clone)]
pub struct NewInvoice {
    pub client_id: String,
    pub number: Option<DocumentNumber>,
    pub reference: Option<String>,
    pub currency: Option<Currency>,
    pub issue_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub notes: Option<String>,
    pub terms: Option<String>,
    pub lines: Vec<NewLine>,
}

pub(super) const COLUMNS: &str = "i.id, i.client_id, i.number, i.reference, i.status, i.currency, i.issue_date, i.due_date, \
     i.subtotal_minor, i.discount_minor, i.tax_minor, i.total_minor, i.paid_minor, i.credited_minor, i.balance_minor, \
     i.notes, i.terms, i.issued_at, i.voided_at, i.created_at, i.updated_at";

pub(crate) fn invoice(row: &AnyRow) -> AppResult<Invoice> {
    let c = rows::currency(row, "currency")?;
    Ok(Invoice {
        id: rows::id(row, "id")?,
        client_id: rows::id(row, "client_id")?,
        number: rows::text(row, "number")?,
        reference: rows::opt_text(row, "reference")?,
        status: rows::parsed(row, "status", InvoiceStatus::parse)?,
        currency: c,
        issue_date: rows::date(row, "issue_date")?,
        due_date: rows::date(row, "due_date")?,
        subtotal: rows::money(row, "subtotal_minor", c)?,
        discount: rows::money(row, "discount_minor", c)?,
        tax: rows::money(row, "tax_minor", c)?,
        total: rows::money(row, "total_minor", c)?,
        paid: rows::money(row, "paid_minor", c)?,
        credited: rows::money(row, "credited_minor", c)?,
        balance: rows::money(row, "balance_minor", c)?,
        notes: rows::opt_text(row, "notes")?,
        terms: rows::opt_text(row, "terms")?,
        issued_at: rows::opt_int(row, "issued_at")?,
        voided_at: rows::opt_int(row, "voided_at")?,
        created_at: rows::int(row, "created_at")?,
        updated_at: rows::int(row, "updated_at")?,
    })
}

/// Loads an invoice inside a write transaction (tenant-checked; contacts never write invoices).
pub(crate) async fn load_for_update(tx: &mut Tx, scope: &Scope, id: &str) -> AppResult<Invoice> {
    let row = tx
        .fetch_optional(
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM invoices i WHERE i.tenant_id = $1 AND i.id = $2"
            ))
            .bind(scope.tenant_id.clone())
            .bind(id.to_owned()),
        )
        .await?
        .ok_or(AppError::NotFound("invoice"))?;
    invoice(&row)
}

pub(crate) async fn tenant_rounding(tx: &mut Tx, tenant_id: &str) -> AppResult<Rounding> {
    let row = tx
        .fetch_one(
            sqlx::query("SELECT rounding FROM tenants WHERE id = $1").bind(tenant_id.to_owned()),
        )
        .await?;
    rows::parsed(&row, "rounding", Rounding::parse)
}

/// Rewrites what search compares for one invoice: its number, reference and line descriptions,
/// folded (`validate::fold_for_search`) so both databases match alike.
pub(crate) async fn refresh_search(
    tx: &mut Tx,
    tenant_id: &str,
    invoice_id: &str,
) -> AppResult<()> {
    let inv = tx
        .fetch_one(
            sqlx::query("SELECT number, reference FROM invoices WHERE tenant_id = $1 AND id = $2")
                .bind(tenant_id.to_owned())
                .bind(invoice_id.to_owned()),
        )
        .await?;
    let lines = tx
        .fetch_all(
            sqlx::query(
                "SELECT description FROM lines WHERE tenant_id = $1 AND document_id = $2 ORDER BY position",
            )
            .bind(tenant_id.to_owned())
            .bind(invoice_id.to_owned()),
        )
        .await?;
    let mut text = rows::text(&inv, "number")?;
    for part in rows::opt_text(&inv, "reference")?.into_iter().chain(
        lines
            .iter()
            .map(|l| rows::text(l, "description"))
            .collect::<AppResult<Vec<_>>>()?,
    ) {
        text.push('\n');
        text.push_str(&part);
    }
    tx.execute(
        sqlx::query("UPDATE invoices SET search_text = $1 WHERE tenant_id = $2 AND id = $3")
            .bind(portico_domain::validate::fold_for_search(&text))
            .bind(tenant_id.to_owned())
            .bind(invoice_id.to_owned()),
    )
    .await?;
    Ok(())
}

/// Stores recomputed totals (the balance follows: total - paid - credited) and what search
/// compares.
pub(crate) async fn store_totals(tx: &mut Tx, scope: &Scope, inv: &Invoice) -> AppResult<()> {
    refresh_search(tx, &scope.tenant_id, &inv.id).await?;
    let (_, t) = lines::document_totals(tx, &scope.tenant_id, &inv.id, inv.currency).await?;
    tx.execute(
        sqlx::query(
            "UPDATE invoices SET subtotal_minor = $1, discount_minor = $2, tax_minor = $3, total_minor = $4, \
             balance_minor = $4 - paid_minor - credited_minor, updated_at = $5 WHERE tenant_id = $6 AND id = $7",
        )
        .bind(t.subtotal.minor)
        .bind(t.discount.minor)
        .bind(t.tax.minor)
        .bind(t.total.minor)
        .bind(tx.now_ms())
        .bind(scope.tenant_id.clone())
        .bind(inv.id.clone()),
    )
    .await?;
    Ok(())
}

impl Store {
    pub async fn create_invoice(&self, scope: &Scope, new: NewInvoice) -> AppResult<Invoice> {
        scope.require_staff()?;
        if new.lines.len() > MAX_LINES {
            return Err(AppError::bad_input(
                "lines",
                format!("at most {MAX_LINES} lines"),
            ));
        }
        let due = new
            .due_date
            .unwrap_or(new.issue_date + chrono::Days::new(30));
        if due < new.issue_date {
            return Err(AppError::bad_input(
                "dueDate",
                "the due date is before the issue date",
            ));
        }
        let mut tx = self.write_scoped(scope).await?;
        let inv = insert_invoice(&mut tx, scope, new, due).await?;
        tx.commit().await?;
        Ok(inv)
    }

    /// Adds a line to a draft invoice.
    pub async fn add_invoice_line(
        &self,
        scope: &Scope,
        invoice_id: &InvoiceId,
        line: NewLine,
    ) -> AppResult<Invoice> {
        scope.require_staff()?;
        let mut tx = self.write_scoped(scope).await?;
        let inv = load_for_update(&mut tx, scope, invoice_id).await?;
        domain::ensure_editable(inv.status)?;
        let rounding = tenant_rounding(&mut tx, &scope.tenant_id).await?;
        let row = tx
            .fetch_one(
                sqlx::query(
                    "SELECT CAST(COUNT(*) AS BIGINT) AS n, CAST(COALESCE(MAX(position), -1) AS BIGINT) AS last \
                     FROM lines WHERE tenant_id = $1 AND document_id = $2",
                )
                .bind(scope.tenant_id.clone())
                .bind(invoice_id.to_owned()),
            )
            .await?;
        if rows::int(&row, "n")? >= MAX_LINES as i64 {
            return Err(AppError::bad_input(
                "lines",
                format!("at most {MAX_LINES} lines"),
            ));
        }
        let position = rows::int(&row, "last")? + 1;
        lines::insert(
            &mut tx,
            &lines::Doc {
                tenant_id: &scope.tenant_id,
                kind: "invoice",
                id: invoice_id,
                currency: inv.currency,
                rounding,
            },
            position,
            &line,
        )
        .await?;
        store_totals(&mut tx, scope, &inv).await?;
        audit::record(
            &mut tx,
            scope,
            "invoice.line_added",
            "invoice",
            invoice_id,
            None,
        )
        .await?;
        let inv = load_for_update(&mut tx, scope, invoice_id).await?;
        tx.commit().await?;
        Ok(inv)
    }

    /// Removes a line from a draft invoice.
    pub async fn remove_invoice_line(&self, scope: &Scope, line_id: &str) -> AppResult<Invoice> {
        scope.require_staff()?;
        let mut tx = self.write_scoped(scope).await?;
        let row = tx
            .fetch_optional(
                sqlx::query(
                    "SELECT document_id FROM lines WHERE tenant_id = $1 AND id = $2 AND document_kind = 'invoice'",
                )
                .bind(scope.tenant_id.clone())
                .bind(line_id.to_owned()),
            )
            .await?
            .ok_or(AppError::NotFound("line"))?;
        let invoice_id = rows::text(&row, "document_id")?;
        let inv = load_for_update(&mut tx, scope, &invoice_id).await?;
        domain::ensure_editable(inv.status)?;
        tx.execute(
            sqlx::query("DELETE FROM lines WHERE tenant_id = $1 AND id = $2")
                .bind(scope.tenant_id.clone())
                .bind(line_id.to_owned()),
        )
        .await?;
        store_totals(&mut tx, scope, &inv).await?;
        audit::record(
            &mut tx,
            scope,
            "invoice.line_removed",
            "invoice",
            &invoice_id,
            None,
        )
        .await?;
        let inv = load_for_update(&mut tx, scope, &invoice_id).await?;
        tx.commit().await?;
        Ok(inv)
    }

    pub async fn issue_invoice(&self, scope: &Scope, id: &InvoiceId) -> AppResult<Invoice> {
        scope.require_staff()?;
        let mut tx = self.write_scoped(scope).await?;
        let inv = load_for_update(&mut tx, scope, id).await?;
        let (count, _) =
            lines::document_totals(&mut tx, &scope.tenant_id, id, inv.currency).await?;
        let next = domain::issue(inv.status, count, inv.total)?;
        let changed = tx
            .execute(
                sqlx::query(
                    "UPDATE invoices SET status = $1, issued_at = $2, updated_at = $2 \
                     WHERE tenant_id = $3 AND id = $4 AND status = 'draft'",
                )
                .bind(next.as_str())
                .bind(tx.now_ms())
                .bind(scope.tenant_id.clone())
                .bind(id.to_owned()),
            )
            .await?;
        if changed != 1 {
            return Err(AppError::Conflict(
                "the invoice changed meanwhile; try again".into(),
            ));
        }
        audit::record(&mut tx, scope, "invoice.issued", "invoice", id, None).await?;
        let inv = load_for_update(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(inv)
    }

    pub async fn void_invoice(
        &self,
        scope: &Scope,
        id: &InvoiceId,
        reason: Option<String>,
    ) -> AppResult<Invoice> {
        scope.require_staff()?;
        let mut tx = self.write_scoped(scope).await?;
        let inv = load_for_update(&mut tx, scope, id).await?;
        let settled = inv.paid.checked_add(inv.credited)?;
        let next = domain::void(inv.status, settled)?;
        let changed = tx
            .execute(
                sqlx::query(
                    "UPDATE invoices SET status = $1, voided_at = $2, updated_at = $2, balance_minor = 0 \
                     WHERE tenant_id = $3 AND id = $4 AND status = $5 AND paid_minor = 0 AND credited_minor = 0",
                )
                .bind(next.as_str())
                .bind(tx.now_ms())
                .bind(scope.tenant_id.clone())
                .bind(id.to_owned())
                .bind(inv.status.as_str()),
            )
            .await?;
        if changed != 1 {
            return Err(AppError::Conflict(
                "the invoice changed meanwhile; try again".into(),
            ));
        }
        audit::record(
            &mut tx,
            scope,
            "invoice.voided",
            "invoice",
            id,
            reason.map(|r| serde_json::json!({ "reason": r })),
        )
        .await?;
        let inv = load_for_update(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(inv)
    }

    /// Invoices by id, as the caller may see them (contacts: their client's, never drafts).
    pub async fn invoices_by_ids(&self, scope: &Scope, ids: &[String]) -> AppResult<Vec<Invoice>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut b = SqlBuilder::new(format!("SELECT {COLUMNS} FROM invoices i WHERE "));
        visible(&mut b, scope);
        let list: Vec<String> = ids.iter().map(|id| b.text(id.clone())).collect();
        b.push(&format!(" AND i.id IN ({})", list.join(", ")));
        let mut tx = self.read_scoped(scope).await?;
        let rows = tx.fetch_all(b.query()).await?;
        tx.commit().await?;
        rows.iter().map(invoice).collect()
    }

    pub async fn invoice(&self, scope: &Scope, id: &InvoiceId) -> AppResult<Option<Invoice>> {
        Ok(self
            .invoices_by_ids(scope, &[id.to_string()])
            .await?
            .into_iter()
            .next())
    }

    pub async fn invoice_by_number(
        &self,
        scope: &Scope,
        number: &str,
    ) -> AppResult<Option<Invoice>> {
        let mut b = SqlBuilder::new(format!("SELECT {COLUMNS} FROM invoices i WHERE "));
        visible(&mut b, scope);
        let n = b.text(number);
        b.push(&format!(" AND i.number = {n}"));
        let mut tx = self.read_scoped(scope).await?;
        let row = tx.fetch_optional(b.query()).await?;
        tx.commit().await?;
        row.as_ref().map(invoice).transpose()
    }
}

impl Store {
    /// Fills what search compares for invoices written before it was kept (once; a no-op after).
    pub async fn fill_search_text(&self) -> AppResult<()> {
        for tenant in self.tenants().await? {
            loop {
                let mut tx = self.write(&tenant.id).await?;
                let ids = tx
                    .fetch_all(
                        sqlx::query(
                            "SELECT id FROM invoices WHERE tenant_id = $1 AND search_text IS NULL LIMIT 500",
                        )
                        .bind(tenant.id.clone()),
                    )
                    .await?
                    .iter()
                    .map(|r| crate::core::db::rows::text(r, "id"))
                    .collect::<AppResult<Vec<_>>>()?;
                for id in &ids {
                    refresh_search(&mut tx, &tenant.id, id).await?;
                }
                tx.commit().await?;
                if ids.len() < 500 {
                    break;
                }
            }
        }
        Ok(())
    }
}

impl Event {
    /// An invoice changed: its status and balance after the change.
    pub fn invoice(tenant_id: &str, inv: &crate::invoicing::Invoice, action: &str) -> Event {
        Event {
            id: crate::core::db::new_id(),
            tenant_id: tenant_id.to_owned(),
            client_id: inv.client_id.to_string(),
            topic: Topic::Invoice,
            action: action.to_owned(),
            subject_id: inv.id.to_string(),
            status: Some(inv.status.as_str().to_owned()),
            amount_minor: Some(inv.balance.minor),
            currency: Some(inv.currency.code().to_owned()),
            at: 0, // stamped by the bus when published
        }
    }
}

/// Writes a new draft invoice with its lines and totals in the caller's transaction (creating
/// one, or converting an estimate into one). `due`: its due date, already checked.
pub(crate) async fn insert_invoice(
    tx: &mut Tx,
    scope: &Scope,
    new: NewInvoice,
    due: NaiveDate,
) -> AppResult<Invoice> {
    let client = tx
        .fetch_optional(
            sqlx::query("SELECT currency FROM clients WHERE tenant_id = $1 AND id = $2")
                .bind(scope.tenant_id.clone())
                .bind(new.client_id.clone()),
        )
        .await?
        .ok_or(AppError::NotFound("client"))?;
    let currency = match new.currency {
        Some(c) => c,
        None => rows::currency(&client, "currency")?,
    };
    let rounding = tenant_rounding(tx, &scope.tenant_id).await?;
    let number = match new.number {
        Some(n) => n.as_str().to_owned(),
        None => {
            next_number(
                tx,
                &scope.tenant_id,
                "invoice",
                chrono::Datelike::year(&new.issue_date),
            )
            .await?
        }
    };
    let id = new_id();
    let now = tx.now_ms();
    tx.execute(
        sqlx::query(
            "INSERT INTO invoices (id, tenant_id, client_id, number, reference, status, currency, issue_date, \
             due_date, notes, terms, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7, $8, $9, $10, $11, $11)",
        )
        .bind(id.clone())
        .bind(scope.tenant_id.clone())
        .bind(new.client_id)
        .bind(number)
        .bind(new.reference)
        .bind(currency.code())
        .bind(rows::date_str(new.issue_date))
        .bind(rows::date_str(due))
        .bind(new.notes)
        .bind(new.terms)
        .bind(now),
    )
    .await?;
    for (i, line) in new.lines.iter().enumerate() {
        lines::insert(
            tx,
            &lines::Doc {
                tenant_id: &scope.tenant_id,
                kind: "invoice",
                id: &id,
                currency,
                rounding,
            },
            i as i64,
            line,
        )
        .await?;
    }
    let inv = load_for_update(tx, scope, &id).await?;
    store_totals(tx, scope, &inv).await?;
    audit::record(tx, scope, "invoice.created", "invoice", &id, None).await?;
    load_for_update(tx, scope, &id).await
}
