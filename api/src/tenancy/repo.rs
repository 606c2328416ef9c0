//! Tenants (the businesses using Portico) and their document number sequences.

use portico_domain::{Currency, Rounding, Slug};
use sqlx::any::AnyRow;

use crate::core::db::new_id;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::db::Tx;
use crate::core::error::{AppError, AppResult};
use crate::core::ids::TenantId;

#[derive(Debug, Clone)]
pub struct Tenant {
    pub id: TenantId,
    pub slug: String,
    pub name: String,
    pub default_currency: Currency,
    pub rounding: Rounding,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub brand_color: String,
    pub created_at: i64,
    pub invitation_daily_limit: i64,
    pub allow_link_payments: bool,
    /// A `data:` URI of an SVG, PNG or JPEG image (see [`validate_logo`]).
    pub logo: Option<String>,
    /// IANA name, e.g. `Europe/Athens`: the portal shows times of day in it.
    pub time_zone: String,
    /// Its VAT id with country prefix (`EL094019245`) and the rest of its legal address.
    pub vat_id: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 (`GR`).
    pub country: Option<String>,
    pub documents: DocumentSettings,
    /// How long its people's sessions last (idle, and in all), in days.
    pub session_idle_days: i64,
    pub session_absolute_days: i64,
    /// Its uploaded logo's file name in the file store (see `logo`), if any.
    pub logo_file: Option<String>,
    /// The portal sections its clients do not see.
    pub hidden_sections: Vec<crate::tenancy::Section>,
    /// Its own host name (`billing.acme.example`), if it has one.
    pub host_name: Option<String>,
    /// Staff sign in with a passkey once they have one (the first sign-in is by link).
    pub staff_passkeys_required: bool,
    /// The networks staff may sign in from; empty: anywhere.
    pub staff_networks: Vec<ipnet::IpNet>,
    /// The languages its portal offers (locale codes, at least one).
    pub languages: Vec<String>,
}

/// What the business prints on its documents and sends with its emails.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentSettings {
    /// Small print at the foot of every page.
    pub footer: Option<String>,
    /// Printed on invoices without their own terms, and declared in e-invoices.
    pub payment_terms: Option<String>,
    pub bank_name: Option<String>,
    pub iban: Option<String>,
    pub bic: Option<String>,
    /// Emails carry their document as a PDF (the receipt email its receipt).
    pub attach_pdfs: bool,
}

pub struct NewTenant {
    pub slug: Slug,
    pub name: String,
    pub default_currency: Currency,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
}

/// Document kinds with their own number sequence and prefix.
pub const SEQUENCES: [(&str, &str); 5] = [
    ("invoice", "INV"),
    ("receipt", "RCT"),
    ("estimate", "EST"),
    ("credit_note", "CN"),
    ("payment", "PAY"),
];

const COLUMNS: &str =
    "id, slug, name, default_currency, rounding, email, phone, address, brand_color, created_at, \
     invitation_daily_limit, allow_link_payments, logo, time_zone, vat_id, city, postal_code, country, \
     document_footer, payment_terms, bank_name, iban, bic, attach_pdfs, hidden_sections, logo_file, session_idle_days, session_absolute_days, \
     host_name, staff_passkeys_required, staff_networks, languages";

fn tenant(row: &AnyRow) -> AppResult<Tenant> {
    Ok(Tenant {
        id: rows::id(row, "id")?,
        slug: rows::text(row, "slug")?,
        name: rows::text(row, "name")?,
        default_currency: rows::currency(row, "default_currency")?,
        rounding: rows::parsed(row, "rounding", Rounding::parse)?,
        email: rows::opt_text(row, "email")?,
        phone: rows::opt_text(row, "phone")?,
        address: rows::opt_text(row, "address")?,
        brand_color: rows::text(row, "brand_color")?,
        created_at: rows::int(row, "created_at")?,
        invitation_daily_limit: rows::int(row, "invitation_daily_limit")?,
        allow_link_payments: rows::flag(row, "allow_link_payments")?,
        logo: rows::opt_text(row, "logo")?,
        time_zone: rows::text(row, "time_zone")?,
        vat_id: rows::opt_text(row, "vat_id")?,
        city: rows::opt_text(row, "city")?,
        postal_code: rows::opt_text(row, "postal_code")?,
        country: rows::opt_text(row, "country")?,
        documents: DocumentSettings {
            footer: rows::opt_text(row, "document_footer")?,
            payment_terms: rows::opt_text(row, "payment_terms")?,
            bank_name: rows::opt_text(row, "bank_name")?,
            iban: rows::opt_text(row, "iban")?,
            bic: rows::opt_text(row, "bic")?,
            attach_pdfs: rows::flag(row, "attach_pdfs")?,
        },
        logo_file: rows::opt_text(row, "logo_file")?,
        session_idle_days: rows::int(row, "session_idle_days")?,
        session_absolute_days: rows::int(row, "session_absolute_days")?,
        hidden_sections: crate::tenancy::sections::parse_hidden(&rows::text(
            row,
            "hidden_sections",
        )?),
        host_name: rows::opt_text(row, "host_name")?,
        staff_passkeys_required: rows::flag(row, "staff_passkeys_required")?,
        staff_networks: crate::core::client_ip::parse_trusted(&rows::text(row, "staff_networks")?)
            .unwrap_or_default(),
        languages: crate::tenancy::profile::parse_languages(&rows::text(row, "languages")?),
    })
}

impl Store {
    /// Creates a tenant and its number sequences (operator action: CLI or demo).
    pub async fn create_tenant(&self, new: NewTenant) -> AppResult<Tenant> {
        let id = new_id();
        let mut tx = self.write(&id).await?;
        let t = insert_tenant(&mut tx, &id, new).await?;
        tx.commit().await?;
        Ok(t)
    }

    pub async fn tenant_by_slug(&self, slug: &str) -> AppResult<Option<Tenant>> {
        let mut tx = self.read("").await?;
        let row = tx
            .fetch_optional(
                sqlx::query(&format!("SELECT {COLUMNS} FROM tenants WHERE slug = $1"))
                    .bind(slug.to_owned()),
            )
            .await?;
        tx.commit().await?;
        row.as_ref().map(tenant).transpose()
    }

    pub async fn tenant_by_id(&self, id: &str) -> AppResult<Option<Tenant>> {
        let mut tx = self.read(id).await?;
        let row = tx
            .fetch_optional(
                sqlx::query(&format!("SELECT {COLUMNS} FROM tenants WHERE id = $1"))
                    .bind(id.to_owned()),
            )
            .await?;
        tx.commit().await?;
        row.as_ref().map(tenant).transpose()
    }

    pub async fn tenants(&self) -> AppResult<Vec<Tenant>> {
        let mut tx = self.read("").await?;
        let rows = tx
            .fetch_all(sqlx::query(&format!(
                "SELECT {COLUMNS} FROM tenants ORDER BY slug"
            )))
            .await?;
        tx.commit().await?;
        rows.iter().map(tenant).collect()
    }
}

/// Inserts a tenant and its number sequences in the caller's transaction (opened for `id`).
pub(crate) async fn insert_tenant(tx: &mut Tx, id: &str, new: NewTenant) -> AppResult<Tenant> {
    let id = id.to_owned();
    let row = tx
        .fetch_one(
            sqlx::query(&format!(
                "INSERT INTO tenants (id, slug, name, default_currency, email, phone, address, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {COLUMNS}"
            ))
            .bind(id.clone())
            .bind(new.slug.as_str().to_owned())
            .bind(new.name)
            .bind(new.default_currency.code())
            .bind(new.email)
            .bind(new.phone)
            .bind(new.address)
            .bind(tx.now_ms()),
        )
        .await?;
    for (kind, _) in SEQUENCES {
        tx.execute(
            sqlx::query("INSERT INTO sequences (tenant_id, kind, next_value) VALUES ($1, $2, 1)")
                .bind(id.clone())
                .bind(kind),
        )
        .await?;
    }
    tenant(&row)
}

/// Takes the next number of a document kind, e.g. `INV-2026-00042`.
pub(crate) async fn next_number(
    tx: &mut Tx,
    tenant_id: &str,
    kind: &str,
    year: i32,
) -> AppResult<String> {
    let prefix = SEQUENCES
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, p)| *p)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown sequence {kind}")))?;
    // Created on first use, so document kinds added later need no data migration.
    tx.execute(
        sqlx::query(
            "INSERT INTO sequences (tenant_id, kind, next_value) VALUES ($1, $2, 1) ON CONFLICT (tenant_id, kind) DO NOTHING",
        )
        .bind(tenant_id.to_owned())
        .bind(kind),
    )
    .await?;
    let row = tx
        .fetch_one(
            sqlx::query(
                "UPDATE sequences SET next_value = next_value + 1 WHERE tenant_id = $1 AND kind = $2 \
                 RETURNING next_value - 1 AS value",
            )
            .bind(tenant_id.to_owned())
            .bind(kind),
        )
        .await?;
    let value = rows::int(&row, "value")?;
    Ok(format!("{prefix}-{year}-{value:05}"))
}
