//! PDFs of single documents, read back with pdfplumber: the invoice's number, lines, totals,
//! the client's address and Greek text; PAID and VOID stamps; a long statement over several
//! pages with its header on each; receipts, credit notes, estimates; invoice links; and the
//! same authorisation as the pages (another client's document is 404 for a contact).

use crate::common::{get, party, TestApp};
use serde_json::{json, Value};

/// The text of each page, as pdfplumber extracts it; `None` without pdfplumber outside CI.
fn pdf_pages(bytes: &[u8]) -> Option<Vec<String>> {
    pdf_read(bytes).map(|(pages, _)| pages)
}

/// The text of each page, and the rotated text of the stamp (VOID, PAID and its date).
fn pdf_read(bytes: &[u8]) -> Option<(Vec<String>, String)> {
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    let path = std::env::temp_dir().join(format!("portico-{}.pdf", uuid::Uuid::now_v7()));
    std::fs::write(&path, bytes).expect("write pdf");
    // To look at them: PORTICO_PDF_DIR=/some/dir keeps a copy of every PDF read.
    if let Ok(dir) = std::env::var("PORTICO_PDF_DIR") {
        let _ = std::fs::copy(
            &path,
            std::path::Path::new(&dir).join(path.file_name().unwrap_or_default()),
        );
    }
    let script = r#"
import json, sys, pdfplumber
with pdfplumber.open(sys.argv[1]) as pdf:
    stamp = "".join(c["text"] for p in pdf.pages for c in p.chars if abs(c["matrix"][1]) > 0.01)
    print(json.dumps([[p.extract_text() or "" for p in pdf.pages], stamp]))
"#;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output();
    let _ = std::fs::remove_file(&path);
    match out {
        Ok(o) if o.status.success() => Some(serde_json::from_slice(&o.stdout).expect("json")),
        other => {
            assert!(
                std::env::var("CI").is_err(),
                "pdfplumber is required under CI=true: {other:?}"
            );
            None
        }
    }
}

async fn client_with_address(
    app: &TestApp,
    t: &str,
    owner: &str,
    name: &str,
) -> crate::common::Party {
    let c = party(app, t, owner, name, "EUR").await;
    app.ok(
        &c.admin_token,
        "mutation($i: BillingDetailsInput!) { updateMyBillingDetails(input: $i) { id } }",
        json!({ "i": { "name": name, "address": "Οδός Ερμού 12\n105 63 Αθήνα", "taxId": "EL094019245" } }),
    )
    .await;
    c
}

async fn issued_invoice(app: &TestApp, owner: &str, client: &str, lines: Value) -> String {
    let id = app
        .ok(
            owner,
            "mutation($i: CreateInvoiceInput!) { createInvoice(input: $i) { id } }",
            json!({ "i": { "clientId": client, "issueDate": "2026-01-10", "dueDate": "2026-02-09",
                "notes": "Ευχαριστούμε για τη συνεργασία.", "lines": lines } }),
        )
        .await["createInvoice"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    app.ok(
        owner,
        "mutation($id: ID!) { issueInvoice(id: $id) { status } }",
        json!({ "id": id }),
    )
    .await;
    id
}

async fn an_invoice_pdf_carries_everything_its_page_shows(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let c = client_with_address(&app, &t, &owner, "Helios").await;
    let other = party(&app, &t, &owner, "Kyklos", "EUR").await;
    let id = issued_invoice(
        &app,
        &owner,
        &c.client_gid,
        json!([
            { "description": "Δωμάτια και πρωινό", "quantity": "2", "unitPrice": "100", "taxRate": "13" },
            { "description": "Conference hall", "quantity": "1", "unitPrice": "250.50", "taxRate": "24" }
        ]),
    )
    .await;
    app.ok(
        &owner,
        "mutation($i: DocumentSettingsInput!) { updateDocumentSettings(input: $i) }",
        json!({ "i": { "iban": "GR1601101250000000012300695", "bic": "ETHNGRAA", "paymentTerms": "Εντός 30 ημερών.", "footer": "Tenant alpha ΑΕ · ΓΕΜΗ 123456" } }),
    )
    .await;
    let path = format!("/alpha/documents/invoice/{id}.pdf?lang=el");
    let r = get(&app, &path, &c.viewer_token).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("content-type").as_deref(), Some("application/pdf"));
    assert_eq!(
        r.header("content-disposition").as_deref(),
        Some("attachment; filename=\"INV-2026-00001.pdf\"")
    );
    if let Some(pages) = pdf_pages(&r.bytes) {
        let text = pages.join("\n");
        for needle in [
            "INV-2026-00001",
            "Τιμολόγιο",
            "Δωμάτια και πρωινό",
            "Conference hall",
            "Οδός Ερμού 12",
            "105 63 Αθήνα",
            "EL094019245",
            "Helios",
            // 200 + 26 VAT, 250.50 + 60.12 VAT: 536.62 in Greek notation.
            "536,62 EUR",
            "Ευχαριστούμε για τη συνεργασία.",
            "Πληρωμή online",
            "/alpha/pay?invoice=",
            "1 / 1",
            "GR16 0110 1250 0000 0001 2300 695",
            "Εντός 30 ημερών.",
            "Tenant alpha ΑΕ · ΓΕΜΗ 123456",
        ] {
            assert!(text.contains(needle), "{needle:?} in {text}");
        }
    }

    // Another client's contact, a stranger and a malformed id get nothing.
    assert_eq!(get(&app, &path, &other.admin_token).await.status, 404);
    let r = app.request("GET", &path, &[], "").await;
    assert_eq!(r.status, 401);
    assert_eq!(
        get(&app, "/alpha/documents/invoice/nope.pdf", &owner)
            .await
            .status,
        404
    );
    let (_, beta_owner) = app.tenant("beta").await;
    assert_eq!(
        get(&app, &path, &beta_owner).await.status,
        404,
        "another tenant's token"
    );

    // The download is audited, with the contact as actor.
    let events = app
        .ok(
            &owner,
            "{ auditEvents(first: 100) { action actorKind } }",
            json!({}),
        )
        .await;
    let downloads: Vec<&Value> = events["auditEvents"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["action"] == "invoice.downloaded")
        .collect();
    assert_eq!(downloads.len(), 1, "{events}");
}

async fn paid_and_void_invoices_are_stamped(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let c = party(&app, &t, &owner, "Helios", "EUR").await;
    let line = json!([{ "description": "Stay", "quantity": "1", "unitPrice": "80" }]);
    let paid = issued_invoice(&app, &owner, &c.client_gid, line.clone()).await;
    app.ok(
        &owner,
        "mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { number } }",
        json!({ "i": { "clientId": c.client_gid, "amount": "80", "method": "CASH", "receivedOn": "2026-03-04" } }),
    )
    .await;
    let void = issued_invoice(&app, &owner, &c.client_gid, line).await;
    app.ok(
        &owner,
        "mutation($id: ID!) { voidInvoice(id: $id, reason: \"duplicate\") { status } }",
        json!({ "id": void }),
    )
    .await;

    let r = get(
        &app,
        &format!("/alpha/documents/invoice/{paid}.pdf?lang=en"),
        &c.payer_token,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    if let Some((pages, stamp)) = pdf_read(&r.bytes) {
        let text = pages.join("\n");
        assert_eq!(stamp, "PAID4 March 2026", "{text}");
        assert!(text.contains("Paid on 4 March 2026"), "{text}");
        assert!(!text.contains("Pay online"), "nothing left to pay: {text}");
    }
    let r = get(
        &app,
        &format!("/alpha/documents/invoice/{void}.pdf?lang=en"),
        &owner,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    if let Some((pages, stamp)) = pdf_read(&r.bytes) {
        assert!(stamp.starts_with("VOID"), "{stamp}");
        assert!(pages.join("\n").contains("Void"), "the status");
    }
}

async fn a_long_statement_runs_over_pages_with_its_header_on_each(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let c = party(&app, &t, &owner, "Helios", "EUR").await;
    let other = party(&app, &t, &owner, "Kyklos", "EUR").await;
    issued_invoice(
        &app,
        &owner,
        &c.client_gid,
        json!([{ "description": "Stay", "quantity": "1", "unitPrice": "300" }]),
    )
    .await;
    // 300 payments of 1.00: 300 statement lines.
    let record = "mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { number } }";
    for _ in 0..300 {
        app.ok(
            &owner,
            record,
            json!({ "i": { "clientId": c.client_gid, "amount": "1", "method": "CASH", "receivedOn": "2026-03-01" } }),
        )
        .await;
    }
    let r = get(
        &app,
        "/alpha/documents/statement.pdf?from=2026-01-01&to=2026-12-31&lang=en",
        &c.payer_token,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.header("content-disposition").as_deref(),
        Some("attachment; filename=\"statement-2026-01-01-2026-12-31.pdf\"")
    );
    if let Some(pages) = pdf_pages(&r.bytes) {
        assert!(pages.len() >= 5, "{} pages", pages.len());
        let count = pages.len();
        for (i, page) in pages.iter().enumerate() {
            assert!(
                page.contains("Date Document Debit Credit Balance"),
                "the header on page {}: {page}",
                i + 1
            );
            assert!(
                page.contains(&format!("{} / {count}", i + 1)),
                "page number: {page}"
            );
        }
        let text = pages.join("\n");
        assert!(text.contains("Opening balance") && text.contains("Closing balance"));
        assert!(text.contains("Aging of open invoices"));
        assert_eq!(
            text.matches("PAY-2026-").count(),
            300,
            "every payment once, none cut at a page break"
        );
    }
    // A contact's statement is always their own; staff must say whose.
    let foreign = format!("/alpha/documents/statement.pdf?client={}", c.client_gid);
    let r = get(&app, &foreign, &other.payer_token).await;
    assert_eq!(r.status, 200);
    if let Some(pages) = pdf_pages(&r.bytes) {
        assert!(
            !pages.join("\n").contains("PAY-2026-"),
            "Kyklos has no payments"
        );
    }
    assert_eq!(
        get(&app, "/alpha/documents/statement.pdf", &owner)
            .await
            .status,
        400
    );
}

async fn receipts_credit_notes_and_estimates_download(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let c = party(&app, &t, &owner, "Helios", "EUR").await;
    let other = party(&app, &t, &owner, "Kyklos", "EUR").await;
    let inv = issued_invoice(
        &app,
        &owner,
        &c.client_gid,
        json!([{ "description": "Stay", "quantity": "1", "unitPrice": "120" }]),
    )
    .await;
    let pay = app
        .ok(
            &owner,
            "mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { id number } }",
            json!({ "i": { "clientId": c.client_gid, "amount": "50", "method": "BANK_TRANSFER", "receivedOn": "2026-03-04" } }),
        )
        .await["recordPayment"]
        .clone();
    let r = get(
        &app,
        &format!(
            "/alpha/documents/receipt/{}.pdf?lang=el",
            pay["id"].as_str().expect("id")
        ),
        &c.payer_token,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let number = pay["number"].as_str().expect("number");
    assert_eq!(
        r.header("content-disposition"),
        Some(format!("attachment; filename=\"{number}.pdf\""))
    );
    if let Some(pages) = pdf_pages(&r.bytes) {
        let text = pages.join("\n");
        for needle in [
            number,
            "Απόδειξη",
            "INV-2026-00001",
            "50,00 EUR",
            "Τραπεζική μεταφορά",
        ] {
            assert!(text.contains(needle), "{needle:?} in {text}");
        }
    }
    let receipt = format!(
        "/alpha/documents/receipt/{}.pdf",
        pay["id"].as_str().expect("id")
    );
    assert_eq!(get(&app, &receipt, &other.payer_token).await.status, 404);

    let cn = app
        .ok(
            &owner,
            "mutation($i: CreateCreditNoteInput!) { createCreditNote(input: $i) { id number } }",
            json!({ "i": { "clientId": c.client_gid, "invoiceId": inv, "amount": "20", "reason": "Late check-in" } }),
        )
        .await["createCreditNote"]
        .clone();
    let cn_path = format!(
        "/alpha/documents/credit-note/{}.pdf?lang=en",
        cn["id"].as_str().expect("id")
    );
    assert_eq!(
        get(&app, &cn_path, &c.payer_token).await.status,
        404,
        "a draft is not the contact's to see"
    );
    app.ok(
        &owner,
        "mutation($id: ID!) { issueCreditNote(id: $id) { status } }",
        json!({ "id": cn["id"] }),
    )
    .await;
    let r = get(&app, &cn_path, &c.payer_token).await;
    assert_eq!(r.status, 200, "{}", r.body);
    if let Some(pages) = pdf_pages(&r.bytes) {
        let text = pages.join("\n");
        for needle in [
            cn["number"].as_str().expect("n"),
            "Credit note",
            "Late check-in",
            "INV-2026-00001",
            "EUR 20.00",
        ] {
            assert!(text.contains(needle), "{needle:?} in {text}");
        }
    }

    let est = app
        .ok(
            &owner,
            "mutation($i: CreateEstimateInput!) { createEstimate(input: $i) { id number } }",
            json!({ "i": { "clientId": c.client_gid, "validUntil": "2027-01-31",
                "lines": [{ "description": "Wedding package", "quantity": "1", "unitPrice": "4000", "taxRate": "24" }] } }),
        )
        .await["createEstimate"]
        .clone();
    app.ok(
        &owner,
        "mutation($id: ID!) { sendEstimate(id: $id) { status } }",
        json!({ "id": est["id"] }),
    )
    .await;
    let est_path = format!(
        "/alpha/documents/estimate/{}.pdf?lang=en",
        est["id"].as_str().expect("id")
    );
    let r = get(&app, &est_path, &c.admin_token).await;
    assert_eq!(r.status, 200, "{}", r.body);
    if let Some(pages) = pdf_pages(&r.bytes) {
        let text = pages.join("\n");
        for needle in [
            est["number"].as_str().expect("n"),
            "Estimate",
            "Wedding package",
            "EUR 4,960.00",
            "Accept online",
        ] {
            assert!(text.contains(needle), "{needle:?} in {text}");
        }
    }
    assert_eq!(get(&app, &est_path, &other.admin_token).await.status, 404);
    // A receipt id where an estimate is expected is not found, not an error.
    let wrong = format!(
        "/alpha/documents/estimate/{}.pdf",
        pay["id"].as_str().expect("id")
    );
    assert_eq!(get(&app, &wrong, &owner).await.status, 404);
}

async fn an_invoice_link_downloads_only_its_invoice(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let c = party(&app, &t, &owner, "Helios", "EUR").await;
    let inv = issued_invoice(
        &app,
        &owner,
        &c.client_gid,
        json!([{ "description": "Stay", "quantity": "1", "unitPrice": "120" }]),
    )
    .await;
    let link = app
        .ok(
            &owner,
            "mutation($id: ID!) { createInvoiceLink(invoiceId: $id) { id url } }",
            json!({ "id": inv }),
        )
        .await["createInvoiceLink"]
        .clone();
    let url = link["url"].as_str().expect("url");
    let path = url
        .split_once("/alpha/")
        .map(|(_, p)| format!("/alpha/{p}/invoice.pdf"))
        .expect("path");
    let r = app.request("GET", &path, &[], "").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.header("content-disposition").as_deref(),
        Some("attachment; filename=\"INV-2026-00001.pdf\"")
    );
    if let Some(pages) = pdf_pages(&r.bytes) {
        let text = pages.join("\n");
        assert!(
            text.contains("INV-2026-00001") && text.contains("/alpha/i/"),
            "the QR leads to the link: {text}"
        );
    }
    // Another tenant's slug, a forged token, a revoked link: nothing.
    let r = app
        .request("GET", &path.replacen("/alpha/", "/beta/", 1), &[], "")
        .await;
    assert_eq!(r.status, 404);
    let r = app
        .request("GET", "/alpha/i/pl_forged/invoice.pdf", &[], "")
        .await;
    assert_eq!(r.status, 404);
    app.ok(
        &owner,
        "mutation($id: ID!) { revokeInvoiceLink(id: $id) { revoked } }",
        json!({ "id": link["id"] }),
    )
    .await;
    assert_eq!(app.request("GET", &path, &[], "").await.status, 404);
}

both_backends!(
    an_invoice_pdf_carries_everything_its_page_shows,
    paid_and_void_invoices_are_stamped,
    a_long_statement_runs_over_pages_with_its_header_on_each,
    receipts_credit_notes_and_estimates_download,
    an_invoice_link_downloads_only_its_invoice,
);
