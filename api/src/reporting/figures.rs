//! Portal read models over the ledger: invoiced and paid per calendar month (the dashboard's
//! chart), and every client's balances (the staff overview). Each is one statement, whatever the
//! number of months or clients.

use chrono::{Datelike, NaiveDate};
use portico_domain::{Currency, Money};

use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::error::{AppError, AppResult};
use crate::core::scope::Scope;

/// The longest chart, in months.
pub const MAX_MONTHS: u32 = 36;

#[derive(Debug, Clone)]
pub struct MonthFigures {
    /// `YYYY-MM`.
    pub month: String,
    pub invoiced: Money,
    pub paid: Money,
}

#[derive(Debug, Clone)]
pub struct ClientBalance {
    pub client_id: String,
    pub name: String,
    pub email: Option<String>,
    pub currency: Currency,
    pub due: Money,
    pub overdue: Money,
    pub credit: Money,
}

/// The first day of the month `back` months before `today`'s.
fn month_start(today: NaiveDate, back: u32) -> NaiveDate {
    let index = today.year() * 12 + today.month0() as i32 - back as i32;
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
        .unwrap_or(today)
}

/// The `months` calendar months ending with `today`'s, oldest first, as `YYYY-MM`.
pub fn month_keys(today: NaiveDate, months: u32) -> Vec<String> {
    (0..months)
        .rev()
        .map(|back| month_start(today, back).format("%Y-%m").to_string())
        .collect()
}

impl Store {
    /// Per calendar month, the last `months` ending with `today`'s, oldest first, every month
    /// present: the totals of invoices issued (not drafts, not void) and the payments received
    /// less refunds made, in `currency` (default: the client's when narrowed to one, else the
    /// tenant's). Contacts see their client; staff the tenant, or one client with `client_id`.
    pub async fn monthly_figures(
        &self,
        scope: &Scope,
        client_id: Option<&str>,
        currency: Option<Currency>,
        today: NaiveDate,
        months: u32,
    ) -> AppResult<Vec<MonthFigures>> {
        if !(1..=MAX_MONTHS).contains(&months) {
            return Err(AppError::bad_input(
                "months",
                format!("months is between 1 and {MAX_MONTHS}"),
            ));
        }
        let client = scope.client_filter().or(client_id).map(str::to_owned);
        let from = month_start(today, months - 1);
        let until = month_start(today, 0)
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(today);
        let mut tx = self.read_scoped(scope).await?;
        let currency = match (currency, &client) {
            (Some(c), _) => c,
            (None, Some(c)) => {
                let row = tx
                    .fetch_optional(
                        sqlx::query(
                            "SELECT currency FROM clients WHERE tenant_id = $1 AND id = $2",
                        )
                        .bind(scope.tenant_id.clone())
                        .bind(c.clone()),
                    )
                    .await?
                    .ok_or(AppError::NotFound("client"))?;
                rows::currency(&row, "currency")?
            }
            (None, None) => {
                let row = tx
                    .fetch_one(
                        sqlx::query("SELECT default_currency FROM tenants WHERE id = $1")
                            .bind(scope.tenant_id.clone()),
                    )
                    .await?;
                rows::currency(&row, "default_currency")?
            }
        };
        let found = tx
            .fetch_all(
                sqlx::query(
                    "SELECT SUBSTR(d, 1, 7) AS month, CAST(SUM(invoiced) AS BIGINT) AS invoiced, \
                     CAST(SUM(paid) AS BIGINT) AS paid FROM ( \
                       SELECT issue_date AS d, total_minor AS invoiced, 0 AS paid FROM invoices \
                       WHERE tenant_id = $1 AND ($2 IS NULL OR client_id = $2) AND currency = $3 \
                       AND status NOT IN ('draft', 'void') AND issue_date >= $4 AND issue_date < $5 \
                     UNION ALL SELECT received_on, 0, amount_minor FROM payments \
                       WHERE tenant_id = $1 AND ($2 IS NULL OR client_id = $2) AND currency = $3 \
                       AND received_on >= $4 AND received_on < $5 \
                     UNION ALL SELECT r.refunded_on, 0, 0 - r.amount_minor FROM refunds r \
                       JOIN payments p ON p.tenant_id = r.tenant_id AND p.id = r.payment_id \
                       WHERE r.tenant_id = $1 AND ($2 IS NULL OR p.client_id = $2) AND p.currency = $3 \
                       AND r.refunded_on >= $4 AND r.refunded_on < $5 \
                     ) x GROUP BY SUBSTR(d, 1, 7)",
                )
                .bind(scope.tenant_id.clone())
                .bind(client)
                .bind(currency.code())
                .bind(rows::date_str(from))
                .bind(rows::date_str(until)),
            )
            .await?;
        tx.commit().await?;
        let mut sums = std::collections::HashMap::new();
        for r in &found {
            sums.insert(
                rows::text(r, "month")?,
                (rows::int(r, "invoiced")?, rows::int(r, "paid")?),
            );
        }
        Ok(month_keys(today, months)
            .into_iter()
            .map(|month| {
                let (invoiced, paid) = sums.get(&month).copied().unwrap_or_default();
                MonthFigures {
                    month,
                    invoiced: Money::new(invoiced, currency),
                    paid: Money::new(paid, currency),
                }
            })
            .collect())
    }

    /// Staff: per client and currency, the balance of open invoices, the part past due, and the
    /// credit available (unallocated payments and open credit notes' remainders, as on the
    /// dashboard); clients with none of these get one row of zeros in their own currency.
    /// Largest balance first, then by name.
    pub async fn client_balances(
        &self,
        scope: &Scope,
        today: NaiveDate,
    ) -> AppResult<Vec<ClientBalance>> {
        if !scope.is_staff() {
            return Err(AppError::forbidden(
                "client balances are for the business's staff",
            ));
        }
        let mut tx = self.read_scoped(scope).await?;
        let found = tx
            .fetch_all(
                sqlx::query(
                    "SELECT c.id, c.name, c.email, COALESCE(b.currency, c.currency) AS currency, \
                     COALESCE(b.due, 0) AS due, COALESCE(b.overdue, 0) AS overdue, COALESCE(b.credit, 0) AS credit \
                     FROM clients c LEFT JOIN ( \
                       SELECT client_id, currency, CAST(SUM(due) AS BIGINT) AS due, CAST(SUM(overdue) AS BIGINT) AS overdue, \
                       CAST(SUM(credit) AS BIGINT) AS credit FROM ( \
                         SELECT client_id, currency, balance_minor AS due, \
                         CASE WHEN due_date < $2 THEN balance_minor ELSE 0 END AS overdue, 0 AS credit FROM invoices \
                         WHERE tenant_id = $1 AND status IN ('issued', 'partially_paid') AND balance_minor > 0 \
                       UNION ALL SELECT client_id, currency, 0, 0, unallocated_minor FROM payments \
                         WHERE tenant_id = $1 AND unallocated_minor > 0 \
                       UNION ALL SELECT client_id, currency, 0, 0, total_minor - applied_minor FROM credit_notes \
                         WHERE tenant_id = $1 AND status = 'open' AND total_minor > applied_minor \
                       ) u GROUP BY client_id, currency \
                     ) b ON b.client_id = c.id \
                     WHERE c.tenant_id = $1 \
                     ORDER BY COALESCE(b.due, 0) DESC, c.name, c.id, COALESCE(b.currency, c.currency)",
                )
                .bind(scope.tenant_id.clone())
                .bind(rows::date_str(today)),
            )
            .await?;
        tx.commit().await?;
        found
            .iter()
            .map(|r| {
                let currency = rows::currency(r, "currency")?;
                Ok(ClientBalance {
                    client_id: rows::text(r, "id")?,
                    name: rows::text(r, "name")?,
                    email: rows::opt_text(r, "email")?,
                    currency,
                    due: rows::money(r, "due", currency)?,
                    overdue: rows::money(r, "overdue", currency)?,
                    credit: rows::money(r, "credit", currency)?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn months_run_oldest_first_and_cross_years() {
        assert_eq!(
            month_keys(d("2026-02-15"), 4),
            ["2025-11", "2025-12", "2026-01", "2026-02"]
        );
        assert_eq!(month_keys(d("2026-12-31"), 1), ["2026-12"]);
        assert_eq!(month_keys(d("2026-03-01"), 36).len(), 36);
        assert_eq!(month_keys(d("2026-03-01"), 36)[0], "2023-04");
    }
}
