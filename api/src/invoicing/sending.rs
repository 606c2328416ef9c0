//! Sending an invoice: a draft is issued first, then every contact of the client who can pay it
//! (admin and payer, not disabled) gets an email in their language with a link to it in the portal
//! and, unless the business turned it off, its PDF. A client without such contacts gets it at its
//! billing address, with an invoice link (no sign-in needed).

use base64::Engine;
use portico_domain::InvoiceStatus;

use crate::core::audit;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::error::{AppError, AppResult};
use crate::core::ids::InvoiceId;
use crate::core::mail::attachments::Attachment;
use crate::core::mail::message::{Brand, Lang, Template};
use crate::core::outbox;
use crate::core::scope::Scope;
use crate::invoicing::mail::InvoiceEmail;
use crate::invoicing::Invoice;

/// Link tokens for recipients without a portal account stay valid this long.
const LINK_DAYS: i64 = 90;

/// Who an invoice went to.
#[derive(Debug, Clone)]
pub struct Sent {
    pub invoice: Invoice,
    pub recipients: Vec<String>,
    /// It was a draft, issued to be sent.
    pub issued: bool,
}

impl Store {
    /// Issues invoice `id` if it is a draft, then emails it (see the module). `message`: a note
    /// from staff put above the invoice's summary. Refused for void invoices and for clients with
    /// nobody to send to.
    pub async fn send_invoice(
        &self,
        scope: &Scope,
        id: &InvoiceId,
        message: Option<String>,
    ) -> AppResult<Sent> {
        scope.require_staff()?;
        let inv = self
            .invoice(scope, id)
            .await?
            .ok_or(AppError::NotFound("invoice"))?;
        if inv.status == InvoiceStatus::Void {
            return Err(AppError::Conflict("a void invoice cannot be sent".into()));
        }
        let mut tx = self.read_scoped(scope).await?;
        let contacts = tx
            .fetch_all(
                sqlx::query(
                    "SELECT name, email, locale FROM contacts WHERE tenant_id = $1 AND client_id = $2 \
                     AND disabled_at IS NULL AND role IN ('admin', 'payer') ORDER BY created_at, email",
                )
                .bind(scope.tenant_id.clone())
                .bind(inv.client_id.to_string()),
            )
            .await?;
        let client = tx
            .fetch_one(
                sqlx::query(
                    "SELECT c.name, c.email, t.name AS tenant, t.slug, t.host_name, t.brand_color, t.attach_pdfs, t.languages \
                     FROM clients c JOIN tenants t ON t.id = c.tenant_id WHERE c.tenant_id = $1 AND c.id = $2",
                )
                .bind(scope.tenant_id.clone())
                .bind(inv.client_id.to_string()),
            )
            .await?;
        tx.commit().await?;
        let fallback = rows::opt_text(&client, "email")?;
        if contacts.is_empty() && fallback.is_none() {
            return Err(AppError::bad_input(
                "id",
                "the client has no contact or billing email to send the invoice to",
            ));
        }
        // Issued before anything is written about sending it (the email states its total).
        let issued = inv.status == InvoiceStatus::Draft;
        let inv = if issued {
            self.issue_invoice(scope, id).await?
        } else {
            inv
        };
        let base = self.sites().url_for(
            &rows::text(&client, "slug")?,
            rows::opt_text(&client, "host_name")?.as_deref(),
        );
        let gid =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("Invoice:{}", inv.id));
        let page = format!("{base}/invoices/{gid}");
        // (name, address, language, link)
        let mut to: Vec<(String, String, Lang, String)> = contacts
            .iter()
            .map(|c| {
                Ok((
                    rows::text(c, "name")?,
                    rows::text(c, "email")?,
                    crate::tenancy::profile::contact_lang(
                        rows::opt_text(c, "locale")?.as_deref(),
                        &rows::text(&client, "languages")?,
                    ),
                    page.clone(),
                ))
            })
            .collect::<AppResult<_>>()?;
        if let (true, Some(email)) = (to.is_empty(), fallback) {
            let (token, hash) = crate::core::tokens::generate_with("pl", &scope.tenant_id);
            let expires = self.now_ms() + LINK_DAYS * 86_400_000;
            self.create_invoice_link(scope, id, &hash, Some(expires))
                .await?;
            to.push((
                rows::text(&client, "name")?,
                email,
                // Written in the sender's language, as invitations are.
                Lang::from_locale(self.my_locale(scope).await?.as_deref()),
                format!("{base}/i/{token}"),
            ));
        }
        let brand = Brand::new(
            &rows::text(&client, "tenant")?,
            &rows::text(&client, "brand_color")?,
        );
        let attach = rows::flag(&client, "attach_pdfs")?;
        let mut tx = self.write_scoped(scope).await?;
        for (name, address, lang, link) in &to {
            let email = InvoiceEmail {
                name,
                number: &inv.number,
                total: inv.total,
                balance: inv.balance,
                due: inv.due_date,
                link,
                message: message.as_deref(),
            }
            .render(&brand, *lang);
            let pdf = attach.then(|| Attachment {
                kind: "invoice".into(),
                id: inv.id.to_string(),
                client_id: inv.client_id.to_string(),
                lang: lang.code().into(),
            });
            outbox::queue_email_with(&mut tx, &scope.tenant_id, address, &email, pdf.as_ref())
                .await?;
        }
        let recipients: Vec<String> = to.into_iter().map(|(_, a, _, _)| a).collect();
        audit::record(
            &mut tx,
            scope,
            "invoice.sent",
            "invoice",
            id,
            Some(serde_json::json!({ "to": recipients })),
        )
        .await?;
        tx.commit().await?;
        Ok(Sent {
            invoice: inv,
            recipients,
            issued,
        })
    }
}
