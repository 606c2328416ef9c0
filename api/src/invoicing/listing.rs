//! Listing invoices: filters, sort orders and keyset cursors.

use crate::core::db::rows;
use crate::core::db::sql::{contains_pattern, Bind, SqlBuilder};
use crate::core::db::Store;
use crate::core::error::{AppError, AppResult};
use crate::core::pagination::MAX_PAGE;
use crate::core::scope::Scope;
use crate::invoicing::service::*;
use chrono::NaiveDate;
use portico_domain::{Currency, InvoiceStatus};

#[derive(Debug, Clone, Default)]
pub struct InvoiceFilter {
    pub statuses: Vec<InvoiceStatus>,
    /// Only invoices past due with a balance (or only those that are not).
    pub overdue: Option<bool>,
    pub client_id: Option<String>,
    /// Only invoices in this currency.
    pub currency: Option<Currency>,
    pub issue_from: Option<NaiveDate>,
    pub issue_to: Option<NaiveDate>,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
    /// Matches number, reference and line descriptions.
    pub search: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InvoiceSort {
    Number,
    #[default]
    IssueDate,
    DueDate,
    Total,
    Balance,
}

impl InvoiceSort {
    fn column(&self) -> &'static str {
        match self {
            InvoiceSort::Number => "i.number",
            InvoiceSort::IssueDate => "i.issue_date",
            InvoiceSort::DueDate => "i.due_date",
            InvoiceSort::Total => "i.total_minor",
            InvoiceSort::Balance => "i.balance_minor",
        }
    }

    fn key(&self, inv: &Invoice) -> Bind {
        match self {
            InvoiceSort::Number => Bind::Text(inv.number.clone()),
            InvoiceSort::IssueDate => Bind::Text(rows::date_str(inv.issue_date)),
            InvoiceSort::DueDate => Bind::Text(rows::date_str(inv.due_date)),
            InvoiceSort::Total => Bind::Int(inv.total.minor),
            InvoiceSort::Balance => Bind::Int(inv.balance.minor),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InvoiceOrder {
    pub sort: InvoiceSort,
    pub descending: bool,
}

#[derive(Debug, Clone)]
pub struct InvoicePage {
    pub items: Vec<(String, Invoice)>,
    pub has_next: bool,
    pub total_count: i64,
}

/// An opaque keyset cursor: the sort key and the id of the last row seen.
fn encode_cursor(key: &Bind, id: &str) -> String {
    let key = match key {
        Bind::Text(s) => serde_json::json!(s),
        Bind::Int(i) => serde_json::json!(i),
    };
    crate::core::pagination::keyset_cursor(key, id)
}

fn decode_cursor(cursor: &str, sort: InvoiceSort) -> AppResult<(Bind, String)> {
    let bad = || AppError::bad_input("after", "malformed cursor");
    let (key, id) = crate::core::pagination::keyset_of(cursor)?;
    let key = match sort {
        InvoiceSort::Total | InvoiceSort::Balance => Bind::Int(key.as_i64().ok_or_else(bad)?),
        _ => Bind::Text(key.as_str().ok_or_else(bad)?.to_owned()),
    };
    Ok((key, id))
}

impl Store {
    /// A page of invoices: filtered, ordered by `order` then id, after `after`.
    pub async fn list_invoices(
        &self,
        scope: &Scope,
        filter: &InvoiceFilter,
        order: InvoiceOrder,
        first: i64,
        after: Option<&str>,
        today: NaiveDate,
    ) -> AppResult<InvoicePage> {
        if !(0..=i64::from(MAX_PAGE)).contains(&first) {
            return Err(AppError::bad_input(
                "first",
                format!("first must be between 0 and {MAX_PAGE}"),
            ));
        }
        let cursor = after.map(|c| decode_cursor(c, order.sort)).transpose()?;
        let mut b = SqlBuilder::new(format!("SELECT {COLUMNS} FROM invoices i WHERE "));
        visible(&mut b, scope);
        apply_filter(&mut b, filter, today);
        let mut count =
            SqlBuilder::new("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM invoices i WHERE ");
        visible(&mut count, scope);
        apply_filter(&mut count, filter, today);
        let col = order.sort.column();
        let (cmp, dir) = if order.descending {
            ("<", "DESC")
        } else {
            (">", "ASC")
        };
        if let Some((key, id)) = cursor {
            let k = b.arg(key);
            let i = b.text(id);
            b.push(&format!(
                " AND ({col} {cmp} {k} OR ({col} = {k} AND i.id {cmp} {i}))"
            ));
        }
        let limit = b.int(first + 1);
        b.push(&format!(" ORDER BY {col} {dir}, i.id {dir} LIMIT {limit}"));
        let mut tx = self.read_scoped(scope).await?;
        let rows = tx.fetch_all(b.query()).await?;
        let total = rows::int(&tx.fetch_one(count.query()).await?, "n")?;
        tx.commit().await?;
        let mut items = rows.iter().map(invoice).collect::<AppResult<Vec<_>>>()?;
        let has_next = items.len() as i64 > first;
        items.truncate(first as usize);
        let items = items
            .into_iter()
            .map(|inv| (encode_cursor(&order.sort.key(&inv), &inv.id), inv))
            .collect();
        Ok(InvoicePage {
            items,
            has_next,
            total_count: total,
        })
    }
}

/// Tenant and client scoping shared by every invoice read.
pub(super) fn visible(b: &mut SqlBuilder, scope: &Scope) {
    let t = b.text(scope.tenant_id.clone());
    b.push(&format!("i.tenant_id = {t}"));
    if let Some(client) = scope.client_filter() {
        let c = b.text(client);
        b.push(&format!(" AND i.client_id = {c} AND i.status <> 'draft'"));
    }
}

fn apply_filter(b: &mut SqlBuilder, f: &InvoiceFilter, today: NaiveDate) {
    if !f.statuses.is_empty() {
        let list: Vec<String> = f.statuses.iter().map(|s| b.text(s.as_str())).collect();
        b.push(&format!(" AND i.status IN ({})", list.join(", ")));
    }
    if let Some(overdue) = f.overdue {
        let t = b.text(rows::date_str(today));
        let cond = format!("(i.status IN ('issued', 'partially_paid') AND i.balance_minor > 0 AND i.due_date < {t})");
        b.push(&if overdue {
            format!(" AND {cond}")
        } else {
            format!(" AND NOT {cond}")
        });
    }
    if let Some(c) = &f.client_id {
        let p = b.text(c.clone());
        b.push(&format!(" AND i.client_id = {p}"));
    }
    if let Some(c) = f.currency {
        let p = b.text(c.code());
        b.push(&format!(" AND i.currency = {p}"));
    }
    for (col, op, value) in [
        ("i.issue_date", ">=", f.issue_from),
        ("i.issue_date", "<=", f.issue_to),
        ("i.due_date", ">=", f.due_from),
        ("i.due_date", "<=", f.due_to),
    ] {
        if let Some(d) = value {
            let p = b.text(rows::date_str(d));
            b.push(&format!(" AND {col} {op} {p}"));
        }
    }
    if let Some(q) = f.search.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let p = b.text(contains_pattern(
            &portico_domain::validate::fold_for_search(q),
        ));
        b.push(&format!(" AND i.search_text LIKE {p} ESCAPE '\\'"));
    }
}
