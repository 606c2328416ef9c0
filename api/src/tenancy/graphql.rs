//! Tenant settings read and changed through the API (the settings pages come with the
//! back-office). Merged into the Query and Mutation roots.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};

use crate::graphql::context::{scope, store};
use crate::tenancy::{BusinessDetails, DocumentSettings};

/// The business's legal details and document settings (owner and admin).
#[derive(SimpleObject)]
pub struct BusinessSettings {
    pub name: String,
    pub vat_id: Option<String>,
    /// Street lines.
    pub address: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2, e.g. `GR`.
    pub country: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub document_footer: Option<String>,
    pub payment_terms: Option<String>,
    pub bank_name: Option<String>,
    pub iban: Option<String>,
    pub bic: Option<String>,
    /// Emails carry their document as a PDF (the receipt email its receipt).
    pub attach_pdfs: bool,
}

/// Every field is replaced; a missing or blank one is cleared.
#[derive(InputObject)]
pub struct BusinessDetailsInput {
    /// With its country prefix, e.g. `EL094019245`.
    pub vat_id: Option<String>,
    pub address: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2, e.g. `GR`.
    pub country: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// Every field is replaced; a missing or blank one is cleared.
#[derive(InputObject)]
pub struct DocumentSettingsInput {
    /// Small print at the foot of every page of every document.
    pub footer: Option<String>,
    /// Printed on invoices without their own terms and declared in e-invoices.
    pub payment_terms: Option<String>,
    pub bank_name: Option<String>,
    /// Printed on invoices and declared as the payment account of e-invoices.
    pub iban: Option<String>,
    pub bic: Option<String>,
    #[graphql(default = true)]
    pub attach_pdfs: bool,
}

#[derive(Default)]
pub struct TenantSettingsQuery;

#[Object]
impl TenantSettingsQuery {
    /// The business's legal details and document settings (owner and admin).
    async fn business_settings(&self, ctx: &Context<'_>) -> Result<BusinessSettings> {
        let scope = scope(ctx)?;
        scope.require_admin()?;
        let t = store(ctx)
            .tenant_by_id(scope.tenant_id.as_str())
            .await?
            .ok_or(crate::core::error::AppError::NotFound("tenant"))?;
        let d = t.documents;
        Ok(BusinessSettings {
            name: t.name,
            vat_id: t.vat_id,
            address: t.address,
            city: t.city,
            postal_code: t.postal_code,
            country: t.country,
            email: t.email,
            phone: t.phone,
            document_footer: d.footer,
            payment_terms: d.payment_terms,
            bank_name: d.bank_name,
            iban: d.iban,
            bic: d.bic,
            attach_pdfs: d.attach_pdfs,
        })
    }
}

#[derive(Default)]
pub struct TenantSettingsMutation;

#[Object]
impl TenantSettingsMutation {
    /// Sets the business's time zone (an IANA name such as `Europe/Athens`; owner and admin):
    /// the portal shows every time of day in it. Returns the name stored.
    async fn set_time_zone(&self, ctx: &Context<'_>, time_zone: String) -> Result<String> {
        let tz = crate::core::time_zone::parse(&time_zone)?;
        store(ctx)
            .set_tenant_time_zone(scope(ctx)?, tz.name())
            .await?;
        Ok(tz.name().to_owned())
    }

    /// Replaces the business's legal details: VAT id, address, country, email, phone (owner and
    /// admin). Documents and e-invoices print them.
    async fn update_business_details(
        &self,
        ctx: &Context<'_>,
        input: BusinessDetailsInput,
    ) -> Result<bool> {
        let details = BusinessDetails {
            vat_id: input.vat_id,
            address: input.address,
            city: input.city,
            postal_code: input.postal_code,
            country: input.country,
            email: input.email,
            phone: input.phone,
        };
        store(ctx)
            .set_business_details(scope(ctx)?, details)
            .await?;
        Ok(true)
    }

    /// Replaces the business's document settings: footer, payment terms, bank details, and
    /// whether emails carry PDFs (owner and admin).
    async fn update_document_settings(
        &self,
        ctx: &Context<'_>,
        input: DocumentSettingsInput,
    ) -> Result<bool> {
        let settings = DocumentSettings {
            footer: input.footer,
            payment_terms: input.payment_terms,
            bank_name: input.bank_name,
            iban: input.iban,
            bic: input.bic,
            attach_pdfs: input.attach_pdfs,
        };
        store(ctx)
            .set_document_settings(scope(ctx)?, settings)
            .await?;
        Ok(true)
    }
}
