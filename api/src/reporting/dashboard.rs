//! Read models over the ledger: the dashboard figures (per currency) and a client's statement.

use chrono::NaiveDate;
use portico_domain::{
    build_statement, AgingItem, Currency, LedgerItem, LedgerKind, Money, Statement,
};

use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::error::{AppError, AppResult};
use crate::core::scope::Scope;

#[derive(Debug, Clone)]
pub struct CurrencyFigures {
    pub currency: Currency,
    pub amount_due: Money,
    pub overdue: Money,
    pub credit_available: Money,
    pub paid_in_period: Money,
    /// Invoices past due with a balance, in this currency.
    pub overdue_count: i64,
}

#[derive(Debug, Clone)]
pub struct StatusCount {
    pub status: String,
    pub count: i64,
}

#[derive(Debug, Clone)]
pub struct Dashboard {
    pub figures: Vec<CurrencyFigures>,
    pub counts: Vec<StatusCount>,
    pub overdue_count: i64,
}

impl Store {
    /// Amount due, overdue, credit and payments in `[from, to]` per currency, and invoice counts by
    /// status, for the tenant or (contacts, or staff with `client_id`) one client.
    pub async fn dashboard(
        &self,
        scope: &Scope,
        client_id: Option<&str>,
        today: NaiveDate,
        from: NaiveDate,
        to: NaiveDate,
    ) -> AppResult<Dashboard> {
        let client = scope.client_filter().or(client_id).map(str::to_owned);
        let contact = scope.client_filter().map(str::to_owned);
        let mut tx = self.read_scoped(scope).await?;
        let due_rows = tx
            .fetch_all(
                sqlx::query(
                    "SELECT currency, \
                     CAST(COALESCE(SUM(balance_minor), 0) AS BIGINT) AS due, \
                     CAST(COALESCE(SUM(CASE WHEN due_date < $3 THEN balance_minor ELSE 0 END), 0) AS BIGINT) AS overdue, \
                     CAST(COALESCE(SUM(CASE WHEN due_date < $3 AND balance_minor > 0 THEN 1 ELSE 0 END), 0) AS BIGINT) AS overdue_count \
                     FROM invoices WHERE tenant_id = $1 AND ($2 IS NULL OR client_id = $2) \
                     AND status IN ('issued', 'partially_paid') GROUP BY currency",
                )
                .bind(scope.tenant_id.clone())
                .bind(client.clone())
                .bind(rows::date_str(today)),
            )
            .await?;
        let credit_rows = tx
            .fetch_all(
                sqlx::query(
                    "SELECT currency, CAST(SUM(amount) AS BIGINT) AS credit FROM ( \
                       SELECT currency, unallocated_minor AS amount FROM payments WHERE tenant_id = $1 AND ($2 IS NULL OR client_id = $2) \
                       UNION ALL \
                       SELECT currency, total_minor - applied_minor AS amount FROM credit_notes \
                       WHERE tenant_id = $1 AND ($2 IS NULL OR client_id = $2) AND status = 'open' \
                     ) c GROUP BY currency",
                )
                .bind(scope.tenant_id.clone())
                .bind(client.clone()),
            )
            .await?;
        let paid_rows = tx
            .fetch_all(
                sqlx::query(
                    "SELECT currency, CAST(COALESCE(SUM(amount_minor - refunded_minor), 0) AS BIGINT) AS paid FROM payments \
                     WHERE tenant_id = $1 AND ($2 IS NULL OR client_id = $2) AND received_on >= $3 AND received_on <= $4 \
                     GROUP BY currency",
                )
                .bind(scope.tenant_id.clone())
                .bind(client.clone())
                .bind(rows::date_str(from))
                .bind(rows::date_str(to)),
            )
            .await?;
        let count_rows = tx
            .fetch_all(
                sqlx::query(
                    "SELECT status, CAST(COUNT(*) AS BIGINT) AS n FROM invoices WHERE tenant_id = $1 \
                     AND ($2 IS NULL OR client_id = $2) AND ($3 IS NULL OR status <> 'draft') GROUP BY status ORDER BY status",
                )
                .bind(scope.tenant_id.clone())
                .bind(client.clone())
                .bind(contact),
            )
            .await?;
        tx.commit().await?;

        let mut figures: Vec<CurrencyFigures> = Vec::new();
        let mut entry = |c: Currency| -> usize {
            if let Some(i) = figures.iter().position(|f| f.currency == c) {
                return i;
            }
            figures.push(CurrencyFigures {
                currency: c,
                amount_due: Money::zero(c),
                overdue: Money::zero(c),
                credit_available: Money::zero(c),
                paid_in_period: Money::zero(c),
                overdue_count: 0,
            });
            figures.len() - 1
        };
        let mut overdue_count = 0;
        let mut slots = Vec::new();
        for r in &due_rows {
            let c = rows::currency(r, "currency")?;
            slots.push((entry(c), 0, rows::int(r, "due")?));
            slots.push((entry(c), 1, rows::int(r, "overdue")?));
            let n = rows::int(r, "overdue_count")?;
            slots.push((entry(c), 4, n));
            overdue_count += n;
        }
        for r in &credit_rows {
            let c = rows::currency(r, "currency")?;
            slots.push((entry(c), 2, rows::int(r, "credit")?));
        }
        for r in &paid_rows {
            let c = rows::currency(r, "currency")?;
            slots.push((entry(c), 3, rows::int(r, "paid")?));
        }
        for (i, field, value) in slots {
            let f = &mut figures[i];
            let m = Money::new(value, f.currency);
            match field {
                0 => f.amount_due = m,
                1 => f.overdue = m,
                2 => f.credit_available = m,
                3 => f.paid_in_period = m,
                _ => f.overdue_count = value,
            }
        }
        figures.sort_by(|a, b| a.currency.code().cmp(b.currency.code()));
        let counts = count_rows
            .iter()
            .map(|r| {
                Ok(StatusCount {
                    status: rows::text(r, "status")?,
                    count: rows::int(r, "n")?,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        Ok(Dashboard {
            figures,
            counts,
            overdue_count,
        })
    }

    /// A client's statement in one currency for `[from, to]`: opening balance, every invoice,
    /// payment, credit note and refund with a running balance, closing balance and aging.
    pub async fn statement(
        &self,
        scope: &Scope,
        client_id: &str,
        currency: Option<Currency>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> AppResult<Statement> {
        if !scope.can_see_client(client_id) {
            return Err(AppError::NotFound("client"));
        }
        if to < from {
            return Err(AppError::bad_input(
                "to",
                "the end of the period is before its start",
            ));
        }
        let mut tx = self.read_scoped(scope).await?;
        let client = tx
            .fetch_optional(
                sqlx::query("SELECT currency FROM clients WHERE tenant_id = $1 AND id = $2")
                    .bind(scope.tenant_id.clone())
                    .bind(client_id.to_owned()),
            )
            .await?
            .ok_or(AppError::NotFound("client"))?;
        let currency = match currency {
            Some(c) => c,
            None => rows::currency(&client, "currency")?,
        };
        let to_s = rows::date_str(to);
        let ledger = tx
            .fetch_all(
                sqlx::query(
                    "SELECT 'invoice' AS kind, issue_date AS d, number AS reference, id, total_minor AS amount FROM invoices \
                       WHERE tenant_id = $1 AND client_id = $2 AND currency = $3 AND status NOT IN ('draft', 'void') AND issue_date <= $4 \
                     UNION ALL SELECT 'payment', received_on, number, id, amount_minor FROM payments \
                       WHERE tenant_id = $1 AND client_id = $2 AND currency = $3 AND received_on <= $4 \
                     UNION ALL SELECT 'credit_note', issue_date, number, id, total_minor FROM credit_notes \
                       WHERE tenant_id = $1 AND client_id = $2 AND currency = $3 AND status IN ('open', 'applied') AND issue_date <= $4 \
                     UNION ALL SELECT 'refund', r.refunded_on, p.number, r.id, r.amount_minor FROM refunds r \
                       JOIN payments p ON p.tenant_id = r.tenant_id AND p.id = r.payment_id \
                       WHERE r.tenant_id = $1 AND p.client_id = $2 AND p.currency = $3 AND r.refunded_on <= $4",
                )
                .bind(scope.tenant_id.clone())
                .bind(client_id.to_owned())
                .bind(currency.code())
                .bind(to_s.clone()),
            )
            .await?;
        let open = tx
            .fetch_all(
                sqlx::query(
                    "SELECT due_date, balance_minor FROM invoices WHERE tenant_id = $1 AND client_id = $2 AND currency = $3 \
                     AND status IN ('issued', 'partially_paid') AND balance_minor > 0 AND issue_date <= $4",
                )
                .bind(scope.tenant_id.clone())
                .bind(client_id.to_owned())
                .bind(currency.code())
                .bind(to_s),
            )
            .await?;
        tx.commit().await?;
        let items = ledger
            .iter()
            .map(|r| {
                let kind = match rows::text(r, "kind")?.as_str() {
                    "invoice" => LedgerKind::Invoice,
                    "payment" => LedgerKind::Payment,
                    "credit_note" => LedgerKind::CreditNote,
                    _ => LedgerKind::Refund,
                };
                Ok(LedgerItem {
                    date: rows::date(r, "d")?,
                    kind,
                    reference: rows::text(r, "reference")?,
                    document_id: rows::text(r, "id")?,
                    amount: rows::money(r, "amount", currency)?,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let aging = open
            .iter()
            .map(|r| {
                Ok(AgingItem {
                    due_date: rows::date(r, "due_date")?,
                    balance: rows::money(r, "balance_minor", currency)?,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        Ok(build_statement(currency, from, to, &items, &aging)?)
    }
}
