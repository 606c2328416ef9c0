//! Bulk loading for the benchmark: many tenants' clients and issued invoices (one line each)
//! written with multi-row INSERTs, one transaction per tenant. Not used by the application.

use portico_domain::{Currency, Slug};

use crate::core::db::new_id;
use crate::core::db::Store;
use crate::core::error::AppResult;
use crate::tenancy::repo::NewTenant;

/// What `load_bench_tenant` created: the tenant and its clients' ids.
pub struct BenchTenant {
    pub tenant_id: String,
    pub client_ids: Vec<String>,
}

const ROWS_PER_INSERT: usize = 200;

#[derive(Default)]
struct SqlRows {
    rows: Vec<(String, String, String, String, String, i64)>,
}

impl Store {
    pub async fn load_bench_tenant(
        &self,
        index: usize,
        clients: usize,
        invoices: usize,
    ) -> AppResult<BenchTenant> {
        let tenant = self
            .create_tenant(NewTenant {
                slug: Slug::parse(&format!("bench-{index}"))?,
                name: format!("Bench tenant {index}"),
                default_currency: Currency::parse("EUR")?,
                email: None,
                phone: None,
                address: None,
            })
            .await?;
        let t = tenant.id.clone();
        let now = self.now_ms();
        let mut tx = self.write(&t).await?;
        let client_ids: Vec<String> = (0..clients).map(|_| new_id()).collect();
        for (i, id) in client_ids.iter().enumerate() {
            tx.execute(
                sqlx::query(
                    "INSERT INTO clients (id, tenant_id, name, currency, created_at, updated_at) VALUES ($1, $2, $3, 'EUR', $4, $4)",
                )
                .bind(id.clone())
                .bind(t.clone())
                .bind(format!("Client {i}"))
                .bind(now),
            )
            .await?;
        }
        let mut n = 0;
        while n < invoices {
            let batch = ROWS_PER_INSERT.min(invoices - n);
            // Invoices: $1 tenant, $2 now, then 6 values a row; lines: $1 tenant, then 3 a row.
            let mut inv_rows = Vec::with_capacity(batch);
            let mut line_rows = Vec::with_capacity(batch);
            let mut inv_q = SqlRows::default();
            for k in 0..batch {
                let i = n + k;
                let (day, month) = (1 + i % 28, 1 + (i / 28) % 12);
                let total = 10_000 + ((i * 7919) % 90_000) as i64;
                let id = new_id();
                let b = 3 + k * 6;
                inv_rows.push(format!(
                    "(${b}, $1, ${}, ${}, 'issued', 'EUR', ${}, ${}, ${t}, ${t}, ${t}, $2, $2, $2)",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    t = b + 5
                ));
                let l = 2 + k * 3;
                line_rows.push(format!(
                    "(${l}, $1, ${}, 'invoice', 0, 'Bench service', '1', ${t}, '0', 'none', '0', ${t}, 0, 0, ${t})",
                    l + 1,
                    t = l + 2
                ));
                inv_q.rows.push((
                    id,
                    client_ids[i % clients].clone(),
                    format!("INV-2026-{i:06}"),
                    format!("2026-{month:02}-{day:02}"),
                    format!("2026-{:02}-{day:02}", month % 12 + 1),
                    total,
                ));
            }
            let sql = format!(
                "INSERT INTO invoices (id, tenant_id, client_id, number, status, currency, issue_date, due_date, \
                 subtotal_minor, total_minor, balance_minor, created_at, updated_at, issued_at) VALUES {}",
                inv_rows.join(", ")
            );
            let mut q = sqlx::query(&sql).bind(t.clone()).bind(now);
            for (id, client, number, issue, due, total) in &inv_q.rows {
                q = q
                    .bind(id.clone())
                    .bind(client.clone())
                    .bind(number.clone())
                    .bind(issue.clone());
                q = q.bind(due.clone()).bind(*total);
            }
            tx.execute(q).await?;
            let sql = format!(
                "INSERT INTO lines (id, tenant_id, document_id, document_kind, position, description, quantity, \
                 unit_price_minor, tax_rate, discount_kind, discount_value, subtotal_minor, discount_minor, tax_minor, \
                 total_minor) VALUES {}",
                line_rows.join(", ")
            );
            let mut q = sqlx::query(&sql).bind(t.clone());
            for (id, _, _, _, _, total) in &inv_q.rows {
                q = q.bind(new_id()).bind(id.clone()).bind(*total);
            }
            tx.execute(q).await?;
            n += batch;
        }
        tx.commit().await?;
        Ok(BenchTenant {
            tenant_id: t.into_string(),
            client_ids,
        })
    }
}
