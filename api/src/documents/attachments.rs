//! The documents emails carry: the mail worker asks for them by reference when it sends (see
//! `core::mail::attachments`). A document is drawn for the client it belongs to, read-only.

use crate::core::db::Store;
use crate::core::error::AppError;
use crate::core::ids::{ClientId, InvoiceId, PaymentId};
use crate::core::mail::attachments::{Attachment, AttachmentSource, Drawing, File};
use crate::core::mail::message::Lang;
use crate::core::scope::{Grants, Role, Scope};

/// Draws receipts for the receipt email and invoices for the invoice email.
pub struct DocumentAttachments {
    pub store: Store,
}

impl AttachmentSource for DocumentAttachments {
    fn draw<'a>(&'a self, tenant_id: &'a str, a: &'a Attachment) -> Drawing<'a> {
        Box::pin(async move {
            let failed = |e: AppError| e.to_string();
            let Some(tenant) = self.store.tenant_by_id(tenant_id).await.map_err(failed)? else {
                return Ok(None);
            };
            // What the client's own viewer would see: the document only if it is theirs.
            let scope = Scope {
                tenant_id: tenant.id.clone(),
                tenant_slug: tenant.slug.clone(),
                role: Role::ContactViewer,
                actor_id: "mail".into(),
                actor_name: "mail".into(),
                client_id: Some(ClientId::from_raw(a.client_id.clone())),
                contact_id: None,
                session_id: None,
                grants: Grants::READ,
            };
            let lang = Lang::from_locale(Some(&a.lang));
            let drawn = match a.kind.as_str() {
                "receipt" => {
                    let id = PaymentId::from_raw(a.id.clone());
                    super::pdf::receipt(&self.store, &scope, &id, lang).await
                }
                "invoice" => {
                    let id = InvoiceId::from_raw(a.id.clone());
                    let pay = format!(
                        "{}/pay?invoice={}",
                        self.store.tenant_url(&tenant.slug).await,
                        id.to_global().0
                    );
                    super::pdf::invoice(&self.store, &scope, &id, lang, pay).await
                }
                _ => return Ok(None),
            };
            let drawn = match drawn {
                Ok(d) => d,
                Err(AppError::NotFound(_)) => return Ok(None),
                Err(e) => return Err(e.to_string()),
            };
            let (bytes, name) = super::pdf::render(drawn).await.map_err(failed)?;
            Ok(Some(File {
                name,
                content_type: "application/pdf".into(),
                bytes,
            }))
        })
    }
}
