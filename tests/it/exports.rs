//! Spreadsheet exports of the invoice list: the page's filters, the caller's visibility, CSV
//! (BOM, separator, ISO dates, formulas defused) and XLSX (real dates and numbers, frozen header,
//! filter, totals row) read back with openpyxl.

use crate::common::{get, party, TestApp};
use serde_json::{json, Value};

async fn invoice(
    app: &TestApp,
    owner: &str,
    client: &str,
    reference: &str,
    price: &str,
    issue: bool,
) {
    let data = app
        .ok(
            owner,
            "mutation($i: CreateInvoiceInput!) { createInvoice(input: $i) { id } }",
            json!({ "i": { "clientId": client, "issueDate": "2026-01-10", "dueDate": "2026-02-09",
                "reference": reference,
                "lines": [{ "description": "Δωμάτια και πρωινό", "quantity": "2", "unitPrice": price }] } }),
        )
        .await;
    if issue {
        app.ok(
            owner,
            "mutation($id: ID!) { issueInvoice(id: $id) { status } }",
            json!({ "id": data["createInvoice"]["id"] }),
        )
        .await;
    }
}

/// The workbook as openpyxl reads it: each row's cells as `[type, value]`, and the frozen pane
/// and filter.
fn read_xlsx(bytes: &[u8]) -> Value {
    let path = std::env::temp_dir().join(format!("portico-{}.xlsx", uuid::Uuid::now_v7()));
    std::fs::write(&path, bytes).expect("write xlsx");
    let script = r#"
import json, sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
rows = [[[type(c.value).__name__, c.value if not isinstance(c.value, datetime.datetime) else c.value.date().isoformat(), c.data_type] for c in r] for r in ws.iter_rows()]
print(json.dumps({"title": ws.title, "freeze": ws.freeze_panes, "filter": ws.auto_filter.ref, "rows": rows,
  "money_format": ws.cell(row=2, column=10).number_format}))
"#;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output();
    let _ = std::fs::remove_file(&path);
    match out {
        Ok(o) if o.status.success() => serde_json::from_slice(&o.stdout).expect("json"),
        other => {
            assert!(
                std::env::var("CI").is_err(),
                "openpyxl is required under CI=true: {other:?}"
            );
            Value::Null
        }
    }
}

async fn invoice_lists_export_with_the_pages_filters_and_visibility(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let c = party(&app, &t, &owner, "Ξενοδοχείο Helios", "EUR").await;
    let other = party(&app, &t, &owner, "Kyklos", "EUR").await;
    invoice(
        &app,
        &owner,
        &c.client_gid,
        "=cmd|' /C calc'!A0",
        "100",
        true,
    )
    .await;
    invoice(&app, &owner, &c.client_gid, "R-2", "1234.5", true).await;
    invoice(&app, &owner, &c.client_gid, "R-draft", "7", false).await;
    invoice(&app, &owner, &other.client_gid, "K-1", "50", true).await;

    // CSV, with `;`, of the issued invoices, as staff.
    let r = get(
        &app,
        "/alpha/exports/invoices.csv?sep=;&status=issued&sort=number&dir=asc",
        &owner,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    let disposition = r.header("content-disposition").unwrap_or_default();
    assert!(
        disposition.starts_with("attachment; filename=\"invoices-")
            && disposition.ends_with(".csv\""),
        "{disposition}"
    );
    assert!(r.bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM");
    let text = r.body.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        4,
        "header and the three issued invoices: {text}"
    );
    assert!(
        lines[0].starts_with("Number;Reference;Client;Status;Issue date;Due date"),
        "{}",
        lines[0]
    );
    assert!(
        text.contains("'=cmd|' /C calc'!A0"),
        "a formula is defused: {text}"
    );
    assert!(
        text.contains("Ξενοδοχείο Helios") && text.contains("Kyklos"),
        "{text}"
    );
    assert!(
        text.contains(";2026-01-10;2026-02-09;EUR;2469.00;"),
        "ISO dates, plain amounts: {text}"
    );
    assert!(!text.contains("R-draft"), "the filter holds: {text}");

    // A contact gets only their client's invoices, in Greek when asked.
    let r = get(&app, "/alpha/exports/invoices.csv?lang=el", &c.payer_token).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("Αριθμός,Αναφορά,Πελάτης") && !r.body.contains("Kyklos"),
        "{}",
        r.body
    );

    // XLSX: real dates and numbers, two-decimal money, frozen header, filter, totals row.
    let r = get(
        &app,
        "/alpha/exports/invoices.xlsx?status=issued&sort=number&dir=asc",
        &owner,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.bytes.starts_with(b"PK"), "a zip file");
    let book = read_xlsx(&r.bytes);
    if !book.is_null() {
        assert_eq!(book["freeze"], "A2");
        assert_eq!(book["filter"], "A1:L4");
        assert_eq!(book["money_format"], "#,##0.00");
        let rows = book["rows"].as_array().expect("rows");
        assert_eq!(rows.len(), 5, "header, three invoices, totals: {book}");
        let first = &rows[1];
        assert_eq!(
            first[4].as_array().expect("cell")[..2],
            [json!("datetime"), json!("2026-01-10")],
            "{book}"
        );
        assert!(
            matches!(first[9][0].as_str(), Some("int" | "float")),
            "a number: {book}"
        );
        assert_eq!(
            first[1].as_array().expect("cell")[..3],
            [json!("str"), json!("=cmd|' /C calc'!A0"), json!("s")],
            "text, never a formula: {book}"
        );
        let totals: f64 = rows[1..4]
            .iter()
            .map(|r| r[9][1].as_f64().unwrap_or_default())
            .sum();
        assert_eq!(totals, 200.0 + 2469.0 + 100.0, "{book}");
        assert_eq!(rows[4][0][1], "Total");
        assert_eq!(
            rows[4][9],
            json!(["str", "=SUM(J2:J4)", "f"]),
            "a totals formula: {book}"
        );
    }

    // Refusals: no credentials, another portal's token, a bad filter.
    let r = app
        .request("GET", "/alpha/exports/invoices.csv", &[], "")
        .await;
    assert_eq!(r.status, 401);
    let (_b, beta) = app.tenant("beta").await;
    assert_eq!(
        get(&app, "/alpha/exports/invoices.csv", &beta).await.status,
        404
    );
    let r = get(&app, "/alpha/exports/invoices.csv?status=lost", &owner).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(
        get(&app, "/alpha/exports/payroll.csv", &owner).await.status,
        404
    );

    // Every export is audited.
    let audit = app
        .ok(&owner, "{ auditEvents(first: 20) { action } }", json!({}))
        .await;
    let exported = audit["auditEvents"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["action"] == "invoices.exported")
        .count();
    assert_eq!(exported, 3, "{audit}");
}

/// A long list streams in pages: every invoice is there, once.
async fn a_long_list_exports_every_invoice_once(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let c = party(&app, &t, &owner, "Helios", "EUR").await;
    for n in 0..230 {
        invoice(
            &app,
            &owner,
            &c.client_gid,
            &format!("R-{n:03}"),
            "1",
            false,
        )
        .await;
    }
    let r = get(&app, "/alpha/exports/invoices.csv?sort=number", &owner).await;
    assert_eq!(r.status, 200);
    let mut refs: Vec<&str> = r
        .body
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1))
        .collect();
    assert_eq!(refs.len(), 230);
    refs.sort();
    refs.dedup();
    assert_eq!(refs.len(), 230, "none twice");
}

/// The invoices page links its list, with its filters, as XLSX and CSV; the links work with the
/// page's session and give the contact only their client's invoices.
async fn the_invoices_page_offers_its_list_as_downloads(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let c = party(&app, &t, &owner, "Helios", "EUR").await;
    let other = party(&app, &t, &owner, "Kyklos", "EUR").await;
    invoice(&app, &owner, &c.client_gid, "H-1", "10", true).await;
    invoice(&app, &owner, &c.client_gid, "H-2", "20", true).await;
    invoice(&app, &owner, &other.client_gid, "K-1", "30", true).await;
    let cookie = app.sign_in("alpha", "payer@helios.example").await;
    let cookie_header = cookie.clone();
    let page = app
        .request(
            "GET",
            "/alpha/invoices?status=unpaid&sort=number-asc",
            &[("cookie", &cookie_header)],
            "",
        )
        .await;
    assert_eq!(page.status, 200);
    let xlsx = "/alpha/exports/invoices.xlsx?status=unpaid&#38;sort=number-asc&#38;lang=en";
    let csv = "/alpha/exports/invoices.csv?status=unpaid&#38;sort=number-asc&#38;lang=en";
    assert!(
        page.body.contains(xlsx) && page.body.contains(csv),
        "{}",
        page.body
    );
    let r = app
        .request(
            "GET",
            &csv.replace("&#38;", "&"),
            &[("cookie", &cookie_header)],
            "",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let refs: Vec<&str> = r
        .body
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1))
        .collect();
    assert_eq!(
        refs,
        ["H-1", "H-2"],
        "the page's filter and order, the contact's client only"
    );
}

/// Payment history, credit notes and a statement export the same rows as their pages.
async fn payments_credit_notes_and_statements_export(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let c = party(&app, &t, &owner, "Helios", "EUR").await;
    let other = party(&app, &t, &owner, "Kyklos", "EUR").await;
    invoice(&app, &owner, &c.client_gid, "H-1", "100", true).await;
    invoice(&app, &owner, &other.client_gid, "K-1", "30", true).await;
    let record = "mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { number } }";
    let paid = app
        .ok(
            &owner,
            record,
            json!({ "i": { "clientId": c.client_gid, "amount": "150.00", "method": "BANK_TRANSFER", "reference": "=HYPERLINK(1)", "receivedOn": "2026-03-01" } }),
        )
        .await["recordPayment"]["number"]
        .as_str()
        .expect("number")
        .to_owned();
    app.ok(
        &owner,
        record,
        json!({ "i": { "clientId": other.client_gid, "amount": "30", "method": "CASH", "receivedOn": "2026-03-02" } }),
    )
    .await;

    // The contact's payment history: theirs only, the reference defused.
    let r = get(&app, "/alpha/exports/payments.csv", &c.payer_token).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let lines: Vec<&str> = r.body.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.body);
    assert!(
        lines[1].starts_with(&format!(
            "{paid},Helios,2026-03-01,Bank transfer,'=HYPERLINK(1),EUR,150.00,"
        )),
        "{}",
        lines[1]
    );

    // Credit notes: staff see every client's.
    let r = get(&app, "/alpha/exports/credit-notes.xlsx", &owner).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.bytes.starts_with(b"PK"));

    // The statement: opening balance, the invoice and the payment with running balances, the
    // closing balance, then aging; the totals of debits and credits.
    let r = get(
        &app,
        "/alpha/exports/statement.xlsx?from=2026-01-01&to=2026-12-31&lang=en",
        &c.payer_token,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.header("content-disposition").as_deref(),
        Some("attachment; filename=\"statement-2026-01-01-2026-12-31.xlsx\"")
    );
    let book = read_xlsx(&r.bytes);
    if !book.is_null() {
        let rows = book["rows"].as_array().expect("rows");
        let text = |r: usize, c: usize| rows[r][c][1].clone();
        assert_eq!(text(1, 1), "Opening balance", "{book}");
        assert_eq!(text(2, 2), "INV-2026-00001", "{book}");
        assert_eq!(text(2, 3), json!(200), "{book}");
        assert_eq!(text(3, 4), json!(150), "{book}");
        assert_eq!(text(3, 5), json!(50), "the running balance: {book}");
        assert_eq!(text(4, 1), "Closing balance", "{book}");
        assert_eq!(text(4, 5), json!(50), "{book}");
        assert_eq!(text(5, 1), "Aging: not yet due", "{book}");
        let last = rows.len() - 1;
        assert_eq!(text(last, 0), "Total");
        assert_eq!(text(last, 3), format!("=SUM(D2:D{})", last).as_str());
    }
    // Staff say whose statement; a contact cannot ask for another client's.
    assert_eq!(
        get(&app, "/alpha/exports/statement.csv", &owner)
            .await
            .status,
        400
    );
    let foreign = format!("/alpha/exports/statement.csv?client={}", other.client_gid);
    let r = get(&app, &foreign, &c.payer_token).await;
    assert!(
        r.status == 200 && !r.body.contains("K-1") && r.body.contains("INV-2026-00001"),
        "a contact's statement is always their own: {}",
        r.body
    );
}

/// Project time: hours as numbers with a total, all entries or the billable ones.
async fn time_entries_export(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let c = party(&app, &t, &owner, "Helios", "EUR").await;
    let project = app
        .ok(
            &owner,
            "mutation($i: CreateProjectInput!) { createProject(input: $i) { id } }",
            json!({ "i": { "clientId": c.client_gid, "name": "Ανακαίνιση" } }),
        )
        .await["createProject"]["id"]
        .clone();
    let add = "mutation($i: AddTimeEntryInput!) { addTimeEntry(input: $i) { id } }";
    for (task, hours, billable) in [("Σχέδια", "2.5", true), ("=SUM(1)", "1.25", false)] {
        app.ok(
            &owner,
            add,
            json!({ "i": { "projectId": project, "task": task, "assignee": "Μαρία", "date": "2026-04-01", "hours": hours, "billable": billable } }),
        )
        .await;
    }
    let r = get(
        &app,
        "/alpha/exports/time.csv?lang=el&sep=;",
        &c.payer_token,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("Έργο;Ημερομηνία;Εργασία;Άτομο;Ώρες"),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("Ανακαίνιση;2026-04-01;Σχέδια;Μαρία;2.5;Ναι;Όχι"),
        "{}",
        r.body
    );
    assert!(r.body.contains(";'=SUM(1);"), "defused: {}", r.body);
    let r = get(&app, "/alpha/exports/time.xlsx?billable=1", &owner).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let book = read_xlsx(&r.bytes);
    if !book.is_null() {
        let rows = book["rows"].as_array().expect("rows");
        assert_eq!(rows.len(), 3, "header, the billable entry, totals: {book}");
        assert_eq!(rows[1][4][1], json!(2.5), "{book}");
        assert_eq!(rows[2][4][1], "=SUM(E2)", "{book}");
    }
    let r = get(&app, "/alpha/exports/time.csv?project=bogus", &owner).await;
    assert_eq!(r.status, 400, "{}", r.body);
}

both_backends!(
    time_entries_export,
    payments_credit_notes_and_statements_export,
    invoice_lists_export_with_the_pages_filters_and_visibility,
    a_long_list_exports_every_invoice_once,
    the_invoices_page_offers_its_list_as_downloads,
);
