//! The staff invoice editor's API: a draft saved all at once (client, currency, texts, every
//! line) and read back; live totals for lines being typed; refusals that name the line and
//! change nothing; duplicating; sending to the client's contacts (or its billing address with a
//! link); and contacts refused all of it.

use crate::common::{invoice, party, TestApp};
use serde_json::{json, Value};

const READ: &str = "query($id: ID!) { invoice(id: $id) { number status currency reference notes terms issueDate dueDate client { name } \
    subtotal { amount } discount { amount } tax { amount } total { amount } balance { amount } \
    lines { description quantity unitPrice { amount } taxRate discountPercent subtotal { amount } discount { amount } tax { amount } } \
    taxes { rate net { amount } tax { amount } } } }";

const UPDATE: &str = "mutation($i: UpdateInvoiceInput!) { updateInvoice(input: $i) { id status } }";

fn three_lines() -> Value {
    json!([
        { "description": "Kitchen design", "quantity": "2", "unitPrice": "100.00", "taxRate": "24", "discountPercent": "10" },
        { "description": "Site visit", "quantity": "1", "unitPrice": "50", "taxRate": "13" },
        { "description": "Samples", "quantity": "3", "unitPrice": "10.00", "taxRate": "24" },
    ])
}

async fn read(app: &TestApp, token: &str, id: &str) -> Value {
    app.ok(token, READ, json!({ "id": id })).await["invoice"].clone()
}

fn error_field(resp: &Value) -> (String, String) {
    let e = &resp["errors"][0];
    (
        e["extensions"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        e["extensions"]["field"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

async fn a_draft_is_saved_whole_and_read_back(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let helios = party(&app, &t, &owner, "Helios", "EUR").await;
    let nereus = party(&app, &t, &owner, "Nereus", "EUR").await;
    let id = invoice(&app, &owner, &helios.client_gid, "10.00", false).await;
    app.ok(
        &owner,
        UPDATE,
        json!({ "i": { "id": id, "reference": "PO-7", "notes": "first" } }),
    )
    .await;

    // Everything at once: another client, another currency, texts cleared and set, three lines.
    app.ok(
        &owner,
        UPDATE,
        json!({ "i": { "id": id, "clientId": nereus.client_gid, "currency": "USD", "reference": null,
            "notes": "Thank you", "terms": "Net 30", "issueDate": "2026-03-01", "dueDate": "2026-03-31",
            "lines": three_lines() } }),
    )
    .await;
    let inv = read(&app, &owner, &id).await;
    assert_eq!(inv["client"]["name"], "Nereus");
    assert_eq!(inv["currency"], "USD");
    assert_eq!(inv["reference"], Value::Null, "null clears the reference");
    assert_eq!(
        (inv["notes"].as_str(), inv["terms"].as_str()),
        (Some("Thank you"), Some("Net 30"))
    );
    assert_eq!(
        (inv["issueDate"].as_str(), inv["dueDate"].as_str()),
        (Some("2026-03-01"), Some("2026-03-31"))
    );
    let lines = inv["lines"].as_array().expect("lines");
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["description"], "Kitchen design");
    assert_eq!(lines[0]["discountPercent"], "10");
    assert_eq!(lines[0]["discount"]["amount"], "20.00");
    assert_eq!(lines[1]["unitPrice"]["amount"], "50.00");
    // 200 - 20 at 24% (43.20), 50 at 13% (6.50), 30 at 24% (7.20).
    assert_eq!(inv["subtotal"]["amount"], "280.00");
    assert_eq!(inv["discount"]["amount"], "20.00");
    assert_eq!(inv["tax"]["amount"], "56.90");
    assert_eq!(inv["total"]["amount"], "316.90");
    assert_eq!(inv["balance"]["amount"], "316.90");
    assert_eq!(inv["taxes"].as_array().map(Vec::len), Some(2));

    // The live preview says the same, without saving anything.
    let preview = "query($c: String!, $l: [LineInput!]!) { invoicePreview(currency: $c, lines: $l) { lines { total { amount } field error } subtotal { amount } discount { amount } tax { amount } total { amount } taxes { rate tax { amount } } } }";
    let p = app
        .ok(&owner, preview, json!({ "c": "USD", "l": three_lines() }))
        .await["invoicePreview"]
        .clone();
    assert_eq!(p["total"]["amount"], "316.90");
    assert_eq!(p["tax"]["amount"], "56.90");
    assert_eq!(p["lines"][0]["total"]["amount"], "223.20");
    // A line that cannot be computed yet says why, and the others still add up.
    let mut partly = three_lines();
    partly[1]["quantity"] = json!("0");
    let p = app
        .ok(&owner, preview, json!({ "c": "USD", "l": partly }))
        .await["invoicePreview"]
        .clone();
    assert_eq!(p["lines"][1]["field"], "lines.1.quantity");
    assert!(p["lines"][1]["error"]
        .as_str()
        .is_some_and(|e| e.contains("greater than 0")));
    assert_eq!(p["total"]["amount"], "260.40", "the two good lines");

    // A bad line is refused with the line it is about, and nothing changes.
    let mut bad = three_lines();
    bad[2]["taxRate"] = json!("140");
    let resp = app
        .gql(
            &owner,
            UPDATE,
            json!({ "i": { "id": id, "notes": "changed", "lines": bad } }),
        )
        .await;
    assert_eq!(
        error_field(&resp),
        ("BAD_USER_INPUT".into(), "lines.2.tax_rate".into()),
        "{resp}"
    );
    assert_eq!(read(&app, &owner, &id).await, inv, "nothing changed");
    // A new currency comes with its lines.
    let resp = app
        .gql(
            &owner,
            UPDATE,
            json!({ "i": { "id": id, "currency": "EUR" } }),
        )
        .await;
    assert_eq!(
        error_field(&resp),
        ("BAD_USER_INPUT".into(), "currency".into())
    );
    // Another business's client is not found.
    let (t2, owner2) = app.tenant("beta").await;
    let stranger = party(&app, &t2, &owner2, "Other", "EUR").await;
    let resp = app
        .gql(
            &owner,
            UPDATE,
            json!({ "i": { "id": id, "clientId": stranger.client_gid } }),
        )
        .await;
    assert_eq!(error_field(&resp).0, "NOT_FOUND", "{resp}");
    assert_eq!(read(&app, &owner, &id).await, inv);

    // Contacts do none of it.
    for token in [&nereus.admin_token, &nereus.payer_token] {
        let code = app
            .err_code(token, preview, json!({ "c": "USD", "l": three_lines() }))
            .await;
        assert_eq!(code, "FORBIDDEN");
        for (q, v) in [
            (UPDATE, json!({ "i": { "id": id, "notes": "x" } })),
            (
                "mutation($id: ID!) { duplicateInvoice(id: $id) { id } }",
                json!({ "id": id }),
            ),
            (
                "mutation($id: ID!) { sendInvoice(id: $id) { recipients } }",
                json!({ "id": id }),
            ),
        ] {
            let code = app.err_code(token, q, v).await;
            assert!(matches!(code.as_str(), "FORBIDDEN" | "NOT_FOUND"), "{code}");
        }
    }

    // Once issued, it no longer changes.
    app.ok(
        &owner,
        "mutation($id: ID!) { issueInvoice(id: $id) { status } }",
        json!({ "id": id }),
    )
    .await;
    let resp = app
        .gql(
            &owner,
            UPDATE,
            json!({ "i": { "id": id, "notes": "late" } }),
        )
        .await;
    assert_eq!(error_field(&resp).0, "CONFLICT", "{resp}");
}

async fn duplicate_and_send(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let c = party(&app, &t, &owner, "Helios", "EUR").await;
    app.ok(
        &c.payer_token,
        "mutation { setMyLanguage(locale: \"el\") }",
        json!({}),
    )
    .await;
    let original = invoice(&app, &owner, &c.client_gid, "120.00", true).await;
    let first = read(&app, &owner, &original).await;

    // A duplicate is a new draft with the same lines, dated today, due as many days later.
    let copy = app
        .ok(
            &owner,
            "mutation($id: ID!) { duplicateInvoice(id: $id) { id } }",
            json!({ "id": original }),
        )
        .await["duplicateInvoice"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let dup = read(&app, &owner, &copy).await;
    assert_eq!(dup["status"], "DRAFT");
    assert_ne!(dup["number"], first["number"]);
    assert_eq!(dup["lines"], first["lines"]);
    assert_eq!(dup["total"], first["total"]);
    let day = |v: &Value| {
        chrono::NaiveDate::parse_from_str(v.as_str().unwrap_or_default(), "%Y-%m-%d").expect("date")
    };
    assert_eq!(
        (day(&dup["dueDate"]) - day(&dup["issueDate"])).num_days(),
        30
    );
    assert_ne!(dup["issueDate"], first["issueDate"]);

    // Sending the draft issues it and emails the admin and the payer (not the viewer), each in
    // their language, with a link to the invoice.
    let sent = app
        .ok(
            &owner,
            "mutation($id: ID!, $m: String) { sendInvoice(id: $id, message: $m) { invoice { status number } recipients } }",
            json!({ "id": copy, "m": "Thanks for the order." }),
        )
        .await["sendInvoice"]
        .clone();
    assert_eq!(sent["invoice"]["status"], "ISSUED");
    let number = sent["invoice"]["number"]
        .as_str()
        .expect("number")
        .to_owned();
    let mut to: Vec<&str> = sent["recipients"]
        .as_array()
        .expect("recipients")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    to.sort();
    assert_eq!(to, ["admin@helios.example", "payer@helios.example"]);
    let outbox = app.app.store.outbox(&t, 20).await.expect("outbox");
    let mails: Vec<_> = outbox
        .iter()
        .filter(|m| m.subject.contains(&number))
        .collect();
    assert_eq!(mails.len(), 2, "{outbox:?}");
    let greek = mails
        .iter()
        .find(|m| m.recipient == "payer@helios.example")
        .expect("payer's");
    assert!(
        greek.subject.starts_with(&format!("Τιμολόγιο {number}")),
        "{}",
        greek.subject
    );
    assert!(
        greek.body.contains("/alpha/invoices/") && greek.body.contains("Thanks for the order."),
        "{}",
        greek.body
    );
    let english = mails
        .iter()
        .find(|m| m.recipient == "admin@helios.example")
        .expect("admin's");
    assert!(
        english
            .subject
            .starts_with(&format!("Invoice {number} from")),
        "{}",
        english.subject
    );
    assert!(
        english
            .attachment
            .as_ref()
            .is_some_and(|a| a.kind == "invoice"),
        "the PDF goes with it"
    );

    // A client with no contacts gets it at its billing email, with a link that needs no sign-in.
    let bare = app
        .ok(
            &owner,
            "mutation($i: CreateClientInput!) { createClient(input: $i) { id } }",
            json!({ "i": { "name": "Bare", "currency": "EUR", "email": "ap@bare.example" } }),
        )
        .await["createClient"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let inv = invoice(&app, &owner, &bare, "40.00", true).await;
    let sent = app
        .ok(
            &owner,
            "mutation($id: ID!) { sendInvoice(id: $id) { recipients } }",
            json!({ "id": inv }),
        )
        .await;
    assert_eq!(
        sent["sendInvoice"]["recipients"],
        json!(["ap@bare.example"])
    );
    let outbox = app.app.store.outbox(&t, 20).await.expect("outbox");
    let mail = outbox
        .iter()
        .find(|m| m.recipient == "ap@bare.example")
        .expect("sent");
    let link = mail
        .body
        .split_whitespace()
        .find(|w| w.contains("/alpha/i/"))
        .expect("an invoice link");
    let path = link
        .split_once("/alpha/")
        .map(|(_, p)| format!("/alpha/{p}"))
        .expect("path");
    let page = app.request("GET", &path, &[], "").await;
    assert_eq!(page.status, 200, "the link opens the invoice");

    // Nobody to send to: refused, and the draft stays a draft.
    let nobody = app
        .ok(
            &owner,
            "mutation($i: CreateClientInput!) { createClient(input: $i) { id } }",
            json!({ "i": { "name": "Nobody", "currency": "EUR" } }),
        )
        .await["createClient"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let draft = invoice(&app, &owner, &nobody, "10.00", false).await;
    let code = app
        .err_code(
            &owner,
            "mutation($id: ID!) { sendInvoice(id: $id) { recipients } }",
            json!({ "id": draft }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert_eq!(read(&app, &owner, &draft).await["status"], "DRAFT");
    // A void invoice is not sent.
    app.ok(
        &owner,
        "mutation($id: ID!) { voidInvoice(id: $id, reason: \"wrong client\") { status } }",
        json!({ "id": draft }),
    )
    .await;
    let code = app
        .err_code(
            &owner,
            "mutation($id: ID!) { sendInvoice(id: $id) { recipients } }",
            json!({ "id": draft }),
        )
        .await;
    assert_eq!(code, "CONFLICT");
}

async fn an_accepted_estimate_becomes_a_draft_invoice_once(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let c = party(&app, &t, &owner, "Helios", "EUR").await;
    let est = app
        .ok(
            &owner,
            "mutation($i: CreateEstimateInput!) { createEstimate(input: $i) { id number total { amount } } }",
            json!({ "i": { "clientId": c.client_gid, "notes": "Valid for a month", "lines": three_lines() } }),
        )
        .await["createEstimate"]
        .clone();
    let id = est["id"].as_str().expect("id").to_owned();
    let convert = "mutation($id: ID!) { convertEstimate(id: $id) { id number status reference notes total { amount } lines { description quantity } } }";
    // Not yet accepted: refused.
    assert_eq!(
        app.err_code(&owner, convert, json!({ "id": id })).await,
        "CONFLICT"
    );
    app.ok(
        &owner,
        "mutation($id: ID!) { sendEstimate(id: $id) { status } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(
        app.err_code(&owner, convert, json!({ "id": id })).await,
        "CONFLICT"
    );
    app.ok(
        &c.payer_token,
        "mutation($id: ID!) { acceptEstimate(id: $id) { status } }",
        json!({ "id": id }),
    )
    .await;
    // Contacts do not convert.
    let code = app
        .err_code(&c.admin_token, convert, json!({ "id": id }))
        .await;
    assert!(matches!(code.as_str(), "FORBIDDEN" | "NOT_FOUND"), "{code}");

    // Two at once: exactly one invoice.
    let (a, b) = tokio::join!(
        app.gql(&owner, convert, json!({ "id": id })),
        app.gql(&owner, convert, json!({ "id": id }))
    );
    let won: Vec<&Value> = [&a, &b]
        .into_iter()
        .filter(|r| r["errors"].is_null())
        .collect();
    assert_eq!(won.len(), 1, "{a} {b}");
    let lost = if a["errors"].is_null() { &b } else { &a };
    assert_eq!(
        lost["errors"][0]["extensions"]["code"], "CONFLICT",
        "{lost}"
    );
    let inv = won[0]["data"]["convertEstimate"].clone();
    assert_eq!(inv["status"], "DRAFT");
    assert_eq!(inv["reference"], est["number"]);
    assert_eq!(inv["notes"], "Valid for a month");
    assert_eq!(inv["total"], est["total"]);
    assert_eq!(inv["lines"].as_array().map(Vec::len), Some(3));
    assert_eq!(inv["lines"][0]["description"], "Kitchen design");
    let drafts = app
        .ok(&owner, "query($c: ID!) { invoices(first: 50, filter: { clientId: $c, status: [DRAFT] }) { nodes { id } } }", json!({ "c": c.client_gid }))
        .await;
    assert_eq!(
        drafts["invoices"]["nodes"].as_array().map(Vec::len),
        Some(1),
        "no second draft"
    );
    // The estimate names its invoice; converting again is refused, naming it.
    let linked = app
        .ok(
            &owner,
            "query($id: ID!) { node(id: $id) { ... on Estimate { invoice { number } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(linked["node"]["invoice"]["number"], inv["number"]);
    let again = app.gql(&owner, convert, json!({ "id": id })).await;
    assert!(
        again["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains(inv["number"].as_str().unwrap_or("?"))),
        "{again}"
    );
}

async fn a_draft_estimate_is_edited_whole_in_the_api_and_the_editor(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let c = party(&app, &t, &owner, "Helios", "EUR").await;
    let other = party(&app, &t, &owner, "Selene", "USD").await;
    let id = app
        .ok(
            &owner,
            "mutation($i: CreateEstimateInput!) { createEstimate(input: $i) { id } }",
            json!({ "i": { "clientId": c.client_gid, "lines": three_lines() } }),
        )
        .await["createEstimate"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let update = "mutation($i: UpdateEstimateInput!) { updateEstimate(input: $i) { id } }";
    let read = "query($id: ID!) { estimate: node(id: $id) { ... on Estimate { status currency issueDate validUntil notes client { name } total { amount } lines { description quantity unitPrice { amount } taxRate } } } }";
    // Everything replaced at once: another client (its currency), dates, notes, two lines.
    app.ok(
        &owner,
        update,
        json!({ "i": { "id": id, "clientId": other.client_gid, "issueDate": "2026-03-01", "validUntil": "2026-03-31", "notes": "Two weeks' work",
            "lines": [ { "description": "Survey", "quantity": "1", "unitPrice": "400", "taxRate": "0" }, { "description": "Report", "quantity": "2", "unitPrice": "50", "taxRate": "0" } ] } }),
    )
    .await;
    let e = app.ok(&owner, read, json!({ "id": id })).await["estimate"].clone();
    assert_eq!(e["client"]["name"], "Selene");
    assert_eq!(e["currency"], "USD");
    assert_eq!(
        (e["issueDate"].as_str(), e["validUntil"].as_str()),
        (Some("2026-03-01"), Some("2026-03-31"))
    );
    assert_eq!(e["notes"], "Two weeks' work");
    assert_eq!(e["total"]["amount"], "500.00");
    assert_eq!(e["lines"].as_array().map(Vec::len), Some(2));
    // A bad line names itself and changes nothing; so does an end before the start.
    let bad = app
        .gql(&owner, update, json!({ "i": { "id": id, "clientId": other.client_gid, "lines": [ { "description": "A", "quantity": "1", "unitPrice": "1" }, { "description": "B", "quantity": "-1", "unitPrice": "1" } ] } }))
        .await;
    assert_eq!(
        bad["errors"][0]["extensions"]["field"], "lines.1.quantity",
        "{bad}"
    );
    let early = app
        .gql(&owner, update, json!({ "i": { "id": id, "clientId": other.client_gid, "issueDate": "2026-03-10", "validUntil": "2026-03-01" } }))
        .await;
    assert_eq!(
        early["errors"][0]["extensions"]["field"], "validUntil",
        "{early}"
    );
    assert_eq!(
        app.ok(&owner, read, json!({ "id": id })).await["estimate"],
        e
    );
    // Contacts may not edit; a sent estimate is not edited.
    assert!(matches!(
        app.err_code(
            &c.admin_token,
            update,
            json!({ "i": { "id": id, "clientId": c.client_gid } })
        )
        .await
        .as_str(),
        "FORBIDDEN" | "NOT_FOUND"
    ));

    // The editor's form: a new estimate saved and sent in one go, as staff.
    app.app
        .store
        .create_staff_user(
            &t,
            &portico::domain::Email::parse("sam@alpha.example").expect("email"),
            "Sam",
            portico::core::scope::Role::Member,
        )
        .await
        .expect("staff");
    let cookie = app.sign_in("alpha", "sam@alpha.example").await;
    let origin = app.app.config.origin();
    let headers = [
        ("content-type", "application/x-www-form-urlencoded"),
        ("origin", origin.as_str()),
        ("cookie", cookie.as_str()),
    ];
    let client = crate::common::enc(&c.client_gid);
    let wrong = format!("id=&client={client}&currency=EUR&issue_date=2026-04-01&due_date=&notes=&description=Tiles&quantity=lots&unit_price=10&tax_rate=24&discount=&action=issue");
    let back = app
        .request("POST", "/alpha/forms/estimates/save", &headers, &wrong)
        .await;
    let to = back.header("location").unwrap_or_default();
    assert!(to.starts_with("/alpha/staff/estimates/new?form=1"), "{to}");
    assert!(
        to.contains("field=lines.0.quantity") && to.contains("description=Tiles"),
        "{to}"
    );
    let form = format!("id=&client={client}&currency=EUR&issue_date=2027-04-01&due_date=2027-04-30&notes=Tiles+and+fitting&description=Tiles&quantity=12&unit_price=25.50&tax_rate=24&discount=10%25&description=&quantity=&unit_price=&tax_rate=&discount=&action=issue");
    let saved = app
        .request("POST", "/alpha/forms/estimates/save", &headers, &form)
        .await;
    assert_eq!(saved.status, 303);
    let to = saved.header("location").unwrap_or_default();
    assert!(
        to.starts_with("/alpha/estimates/") && to.contains("done=estimate-sent"),
        "{to}"
    );
    let new_id = to
        .trim_start_matches("/alpha/estimates/")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned();
    let sent = app.ok(&owner, read, json!({ "id": new_id })).await["estimate"].clone();
    assert_eq!(sent["status"], "SENT");
    assert_eq!(sent["validUntil"], "2027-04-30");
    assert_eq!(
        sent["lines"].as_array().map(Vec::len),
        Some(1),
        "the blank line is dropped"
    );
    // 12 × 25.50 = 306.00, less 10% = 275.40, plus 24% tax = 341.50 (rounded half-even).
    assert_eq!(sent["total"]["amount"], "341.50");
    let edit_sent = app
        .request(
            "GET",
            &format!("/alpha/staff/estimates/{new_id}/edit"),
            &[("cookie", cookie.as_str())],
            "",
        )
        .await;
    assert!(edit_sent
        .body
        .contains("Only a draft estimate can be edited."));
    let edit = app
        .request(
            "GET",
            &format!("/alpha/staff/estimates/{}/edit", crate::common::enc(&id)),
            &[("cookie", cookie.as_str())],
            "",
        )
        .await;
    assert!(
        edit.body.contains("value=\"Survey\""),
        "the editor shows the saved lines"
    );
}

crate::both_backends!(
    a_draft_is_saved_whole_and_read_back,
    duplicate_and_send,
    an_accepted_estimate_becomes_a_draft_invoice_once,
    a_draft_estimate_is_edited_whole_in_the_api_and_the_editor
);
