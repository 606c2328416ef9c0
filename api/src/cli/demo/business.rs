//! The demo businesses' legal details and document settings: what their documents and
//! e-invoices print.

use crate::core::db::Store;
use crate::core::scope::Scope;

pub(super) async fn seed(
    store: &Store,
    staff: &Scope,
    slug: &str,
    email: &str,
) -> anyhow::Result<()> {
    // What its documents and e-invoices print: legal address, VAT id, bank details.
    store
        .set_business_details(
            staff,
            crate::tenancy::BusinessDetails {
                vat_id: Some(format!("EL{:09}", 800_000_000 + slug.len() * 1_000_003)),
                address: Some("1 Demo Street".into()),
                city: Some("Athens".into()),
                postal_code: Some("105 51".into()),
                country: Some("GR".into()),
                email: Some(email.into()),
                phone: Some("+30 210 000 0000".into()),
            },
        )
        .await?;
    store
        .set_document_settings(
            staff,
            crate::tenancy::DocumentSettings {
                footer: None,
                payment_terms: Some("Payment within 30 days of the invoice date.".into()),
                bank_name: Some("Demo Bank".into()),
                iban: Some("GR1601101250000000012300695".into()),
                bic: Some("ETHNGRAA".into()),
                attach_pdfs: true,
            },
        )
        .await?;
    Ok(())
}
