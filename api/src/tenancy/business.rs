//! The business as its documents show it: legal address, VAT id and contacts; and its document
//! settings (footer, payment terms, bank details, PDFs on emails). Owner and admin change them;
//! every change is audited.

use portico_domain::registry;
use portico_domain::validate::optional_text;

use crate::core::audit;
use crate::core::db::Store;
use crate::core::error::{AppError, AppResult};
use crate::core::scope::Scope;
use crate::tenancy::DocumentSettings;

/// Every field is replaced; `None` clears it.
#[derive(Debug, Clone, Default)]
pub struct BusinessDetails {
    pub vat_id: Option<String>,
    /// Street lines.
    pub address: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl BusinessDetails {
    /// Trims and checks every field (VAT id with its country prefix, ISO country).
    pub fn parse(self) -> AppResult<BusinessDetails> {
        let opt = |field, v: Option<String>, max| {
            optional_text(field, v.as_deref(), max).map_err(AppError::from)
        };
        let email = opt("email", self.email, 254)?
            .map(|e| portico_domain::Email::parse(&e).map(|e| e.as_str().to_owned()))
            .transpose()?;
        Ok(BusinessDetails {
            vat_id: opt("vatId", self.vat_id, 40)?
                .map(|v| registry::vat_id("vatId", &v))
                .transpose()?,
            address: opt("address", self.address, 500)?,
            city: opt("city", self.city, 100)?,
            postal_code: opt("postalCode", self.postal_code, 20)?,
            country: opt("country", self.country, 10)?
                .map(|c| registry::country("country", &c))
                .transpose()?,
            email,
            phone: opt("phone", self.phone, 40)?,
        })
    }
}

impl DocumentSettings {
    /// Trims and checks every field (IBAN check digits, BIC shape).
    pub fn parse(self) -> AppResult<DocumentSettings> {
        let opt = |field, v: Option<String>, max| {
            optional_text(field, v.as_deref(), max).map_err(AppError::from)
        };
        Ok(DocumentSettings {
            footer: opt("footer", self.footer, 300)?,
            payment_terms: opt("paymentTerms", self.payment_terms, 1000)?,
            bank_name: opt("bankName", self.bank_name, 100)?,
            iban: opt("iban", self.iban, 50)?
                .map(|v| registry::iban(&v))
                .transpose()?,
            bic: opt("bic", self.bic, 20)?
                .map(|v| registry::bic(&v))
                .transpose()?,
            attach_pdfs: self.attach_pdfs,
        })
    }
}

impl Store {
    /// Replaces the business's legal details (owner and admin).
    pub async fn set_business_details(
        &self,
        scope: &Scope,
        details: BusinessDetails,
    ) -> AppResult<()> {
        scope.require_admin()?;
        let d = details.parse()?;
        let mut tx = self.write_scoped(scope).await?;
        tx.execute(
            sqlx::query(
                "UPDATE tenants SET vat_id = $1, address = $2, city = $3, postal_code = $4, country = $5, \
                 email = $6, phone = $7 WHERE id = $8",
            )
            .bind(d.vat_id.clone())
            .bind(d.address.clone())
            .bind(d.city.clone())
            .bind(d.postal_code.clone())
            .bind(d.country.clone())
            .bind(d.email.clone())
            .bind(d.phone.clone())
            .bind(scope.tenant_id.clone()),
        )
        .await?;
        audit::record(
            &mut tx,
            scope,
            "tenant.business_details_changed",
            "tenant",
            &scope.tenant_id,
            Some(serde_json::json!({ "vat_id": d.vat_id, "country": d.country })),
        )
        .await?;
        tx.commit().await
    }

    /// Replaces the business's document settings (owner and admin).
    pub async fn set_document_settings(
        &self,
        scope: &Scope,
        settings: DocumentSettings,
    ) -> AppResult<()> {
        scope.require_admin()?;
        let s = settings.parse()?;
        let mut tx = self.write_scoped(scope).await?;
        tx.execute(
            sqlx::query(
                "UPDATE tenants SET document_footer = $1, payment_terms = $2, bank_name = $3, iban = $4, \
                 bic = $5, attach_pdfs = $6 WHERE id = $7",
            )
            .bind(s.footer.clone())
            .bind(s.payment_terms.clone())
            .bind(s.bank_name.clone())
            .bind(s.iban.clone())
            .bind(s.bic.clone())
            .bind(i64::from(s.attach_pdfs))
            .bind(scope.tenant_id.clone()),
        )
        .await?;
        audit::record(
            &mut tx,
            scope,
            "tenant.document_settings_changed",
            "tenant",
            &scope.tenant_id,
            Some(serde_json::json!({ "iban": s.iban.is_some(), "attach_pdfs": s.attach_pdfs })),
        )
        .await?;
        tx.commit().await
    }
}
