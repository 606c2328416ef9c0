//! Lines of invoices and estimates: stored with their computed amounts; document totals are
//! recomputed from them with the domain's per-line rounding.

use portico_domain::{
    compute_line, totals, Currency, Discount, InvoiceTotals, LineAmounts, LineInput, Money,
    Rounding, VatCategory,
};
use rust_decimal::Decimal;
use sqlx::any::AnyRow;

use crate::core::db::new_id;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::db::Tx;
use crate::core::error::{AppError, AppResult};
use crate::core::scope::Scope;

#[derive(Debug, Clone)]
pub struct Line {
    pub id: String,
    pub document_id: String,
    pub position: i64,
    pub description: String,
    pub quantity: Decimal,
    pub unit_price: Money,
    pub tax_rate: Decimal,
    pub discount: Discount,
    pub amounts: LineAmounts,
    pub vat_category: VatCategory,
    /// Why no VAT is charged (exempt, reverse charge).
    pub vat_exemption: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewLine {
    pub description: String,
    pub input: LineInput,
    pub vat_category: VatCategory,
    pub vat_exemption: Option<String>,
}

impl NewLine {
    /// A line whose VAT category follows from its rate (standard, or zero-rated at 0%).
    pub fn new(description: String, input: LineInput) -> NewLine {
        NewLine {
            vat_category: VatCategory::for_rate(input.tax_rate),
            description,
            input,
            vat_exemption: None,
        }
    }
}

pub const MAX_LINES: usize = 500;

fn discount_columns(d: &Discount) -> (&'static str, String) {
    match d {
        Discount::None => ("none", "0".into()),
        Discount::Percent(p) => ("percent", p.to_string()),
        Discount::Amount(a) => ("amount", a.to_string()),
    }
}

fn line(row: &AnyRow, currency: Currency) -> AppResult<Line> {
    let kind = rows::text(row, "discount_kind")?;
    let value = rows::text(row, "discount_value")?;
    let bad = |e: String| AppError::Internal(anyhow::anyhow!("stored discount: {e}"));
    let discount = match kind.as_str() {
        "none" => Discount::None,
        "percent" => Discount::Percent(value.parse().map_err(|e| bad(format!("{e}")))?),
        "amount" => Discount::Amount(value.parse().map_err(|e| bad(format!("{e}")))?),
        other => return Err(bad(other.to_owned())),
    };
    Ok(Line {
        id: rows::text(row, "id")?,
        document_id: rows::text(row, "document_id")?,
        position: rows::int(row, "position")?,
        description: rows::text(row, "description")?,
        quantity: rows::decimal(row, "quantity")?,
        unit_price: rows::money(row, "unit_price_minor", currency)?,
        tax_rate: rows::decimal(row, "tax_rate")?,
        discount,
        amounts: LineAmounts {
            subtotal: rows::money(row, "subtotal_minor", currency)?,
            discount: rows::money(row, "discount_minor", currency)?,
            net: rows::money(row, "subtotal_minor", currency)?.checked_sub(rows::money(
                row,
                "discount_minor",
                currency,
            )?)?,
            tax: rows::money(row, "tax_minor", currency)?,
            total: rows::money(row, "total_minor", currency)?,
        },
        vat_category: rows::parsed(row, "vat_category", VatCategory::parse)?,
        vat_exemption: rows::opt_text(row, "vat_exemption")?,
    })
}

const COLUMNS: &str = "l.id, l.document_id, l.position, l.description, l.quantity, l.unit_price_minor, l.tax_rate, \
     l.discount_kind, l.discount_value, l.subtotal_minor, l.discount_minor, l.tax_minor, l.total_minor, l.document_kind, \
     l.vat_category, l.vat_exemption";

/// The document lines are written to, with the money rules that apply to it.
#[derive(Clone, Copy)]
pub(crate) struct Doc<'a> {
    pub tenant_id: &'a str,
    /// `invoice` or `estimate`.
    pub kind: &'a str,
    pub id: &'a str,
    pub currency: Currency,
    pub rounding: Rounding,
}

/// Inserts a line at `position` after computing its amounts.
pub(crate) async fn insert(
    tx: &mut Tx,
    doc: &Doc<'_>,
    position: i64,
    new: &NewLine,
) -> AppResult<String> {
    let Doc {
        tenant_id,
        kind: document_kind,
        id: document_id,
        currency,
        rounding,
    } = *doc;
    let amounts = compute_line(&new.input, currency, rounding)?;
    new.vat_category
        .check(new.input.tax_rate, new.vat_exemption.as_deref())?;
    let (dk, dv) = discount_columns(&new.input.discount);
    let id = new_id();
    tx.execute(
        sqlx::query(
            "INSERT INTO lines (id, tenant_id, document_id, document_kind, position, description, quantity, \
             unit_price_minor, tax_rate, discount_kind, discount_value, subtotal_minor, discount_minor, tax_minor, total_minor, \
             vat_category, vat_exemption) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        )
        .bind(id.clone())
        .bind(tenant_id.to_owned())
        .bind(document_id.to_owned())
        .bind(document_kind.to_owned())
        .bind(position)
        .bind(new.description.clone())
        .bind(new.input.quantity.normalize().to_string())
        .bind(new.input.unit_price_minor)
        .bind(new.input.tax_rate.normalize().to_string())
        .bind(dk)
        .bind(dv)
        .bind(amounts.subtotal.minor)
        .bind(amounts.discount.minor)
        .bind(amounts.tax.minor)
        .bind(amounts.total.minor)
        .bind(new.vat_category.code())
        .bind(new.vat_exemption.clone()),
    )
    .await?;
    Ok(id)
}

/// Recomputes a document's totals from its stored lines.
pub(crate) async fn document_totals(
    tx: &mut Tx,
    tenant_id: &str,
    document_id: &str,
    currency: Currency,
) -> AppResult<(usize, InvoiceTotals)> {
    let rows = tx
        .fetch_all(
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM lines l WHERE l.tenant_id = $1 AND l.document_id = $2 ORDER BY l.position"
            ))
            .bind(tenant_id.to_owned())
            .bind(document_id.to_owned()),
        )
        .await?;
    let lines = rows
        .iter()
        .map(|r| line(r, currency))
        .collect::<AppResult<Vec<_>>>()?;
    let amounts: Vec<LineAmounts> = lines.iter().map(|l| l.amounts).collect();
    let rates: Vec<Decimal> = lines.iter().map(|l| l.tax_rate).collect();
    Ok((lines.len(), totals(currency, &amounts, &rates)?))
}

impl Store {
    /// Lines of several documents (DataLoader), with the client scope applied through the parent.
    pub async fn lines_for_documents(&self, scope: &Scope, ids: &[String]) -> AppResult<Vec<Line>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {COLUMNS}, COALESCE(i.currency, e.currency) AS currency FROM lines l \
             LEFT JOIN invoices i ON l.document_kind = 'invoice' AND i.tenant_id = l.tenant_id AND i.id = l.document_id \
             LEFT JOIN estimates e ON l.document_kind = 'estimate' AND e.tenant_id = l.tenant_id AND e.id = l.document_id \
             WHERE l.tenant_id = $1 AND ($2 IS NULL OR COALESCE(i.client_id, e.client_id) = $2) \
             AND ($2 IS NULL OR COALESCE(i.status, e.status) <> 'draft') \
             AND l.document_id IN ({}) ORDER BY l.document_id, l.position",
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
        rows.iter()
            .map(|r| line(r, rows::currency(r, "currency")?))
            .collect()
    }
}
