//! Emails: one typed template each, in the recipient's language, as text and HTML with the
//! business's name and colour; sent as multipart/alternative.

use crate::common::smtp::SmtpServer;
use crate::common::{party, Kind, TestApp};
use crate::outages::pay;
use portico::core::outbox::OutboxItem;
use serde_json::json;

async fn newest(app: &TestApp, t: &str, subject_has: &str) -> OutboxItem {
    let outbox = app.app.store.outbox(t, 20).await.expect("outbox");
    outbox
        .into_iter()
        .find(|m| m.subject.contains(subject_has))
        .unwrap_or_else(|| panic!("no mail with {subject_has:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emails_speak_the_recipients_language_in_the_business_colours() {
    for kind in [Kind::Sqlite, Kind::Postgres] {
        let smtp = SmtpServer::start().await;
        let url = smtp.url();
        let Some(app) = TestApp::start_with(kind, |c| c.smtp_url = Some(url)).await else {
            continue;
        };
        let (t, owner) = app.tenant("alpha").await;
        app.exec_in_tenant(&t, "UPDATE tenants SET brand_color = '#aa3300'")
            .await;
        let c = party(&app, &t, &owner, "Helios", "EUR").await;
        let set = "mutation($l: String!) { setMyLanguage(locale: $l) }";
        app.ok(&c.payer_token, set, json!({ "l": "el" })).await;

        // The receipt to a payer who reads Greek.
        assert_eq!(pay(&app, &owner, &c, "1234.5").await, 303);
        let receipt = newest(&app, &t, "ελήφθη").await;
        assert!(
            receipt.subject.starts_with("Η πληρωμή PAY-"),
            "{}",
            receipt.subject
        );
        assert!(
            receipt.body.contains("Σας ευχαριστούμε")
                && receipt.body.contains("1.234,50 EUR")
                && receipt.body.contains("Tenant alpha"),
            "{kind:?}: {}",
            receipt.body
        );
        let html = receipt.html.as_deref().expect("an HTML rendering");
        assert!(
            html.contains("lang=\"el\"")
                && html.contains("background:#aa3300")
                && html.contains("Δείτε την απόδειξη")
                && html.contains("/alpha/payments/"),
            "{kind:?}: {html}"
        );

        // A Greek admin contact's invitation is written in Greek; the owner's (no language
        // chosen) in English.
        app.ok(&c.admin_token, set, json!({ "l": "el" })).await;
        let invite = "mutation($i: InviteContactInput!) { inviteContact(input: $i) { id } }";
        let vars = |email: &str| json!({ "i": { "clientId": c.client_gid, "name": "Nia", "email": email, "role": "PAYER" } });
        app.ok(&c.admin_token, invite, vars("nia@helios.example"))
            .await;
        let greek = newest(&app, &t, "σας προσκάλεσε").await;
        assert!(
            greek.body.starts_with("Γεια σας Nia,") && greek.body.contains("7 ημέρες"),
            "{}",
            greek.body
        );
        app.ok(&owner, invite, vars("omar@helios.example")).await;
        let english = newest(&app, &t, "invited you to Tenant alpha's client portal").await;
        assert!(
            english.body.starts_with("Hello Nia,")
                && english.body.contains("Accept the invitation:\n")
                && english.body.contains("/alpha/invoices")
                && english.body.contains("/alpha/statement")
                && english
                    .html
                    .as_deref()
                    .is_some_and(|h| h.contains("lang=\"en\"")),
            "{}",
            english.body
        );

        // What the mail server receives: text and HTML as alternatives.
        let mut seen = Vec::new();
        while let Some(mail) = smtp.next(5).await {
            seen.push(mail.data);
            if seen.len() == 3 {
                break;
            }
        }
        assert_eq!(seen.len(), 3, "{kind:?}: three emails sent");
        // The receipt carries its PDF, named after the payment, beside text and HTML.
        let receipt_mail = seen
            .iter()
            .find(|d| d.contains("filename=\"PAY-"))
            .unwrap_or_else(|| panic!("{kind:?}: the receipt's PDF is attached: {seen:?}"));
        assert!(
            receipt_mail.contains("multipart/mixed")
                && receipt_mail.contains("application/pdf")
                && receipt_mail.contains("JVBERi0"),
            "{kind:?}: a PDF (base64 of %PDF-): {receipt_mail}"
        );
        let others = seen
            .iter()
            .filter(|d| d.contains("application/pdf"))
            .count();
        assert_eq!(others, 1, "{kind:?}: only the receipt has an attachment");
        // Turned off, the next receipt goes without its PDF.
        app.ok(
            &owner,
            "mutation { updateDocumentSettings(input: { attachPdfs: false }) }",
            json!({}),
        )
        .await;
        assert_eq!(pay(&app, &owner, &c, "10").await, 303);
        let next = smtp.next(10).await.expect("the next receipt");
        assert!(
            next.data.contains("PAY-") && !next.data.contains("application/pdf"),
            "{kind:?}: {}",
            next.data
        );
        for data in &seen {
            assert!(
                data.contains("multipart/alternative")
                    && data.contains("text/plain")
                    && data.contains("text/html"),
                "{kind:?}: {data}"
            );
        }
    }
}
