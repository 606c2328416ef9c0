//! What the portal asks of the API, on both backends: the public tenant profile, each person's
//! language, thread read markers and unread counts, the dashboard's monthly figures, staff's client
//! balances, a client admin's billing details, staff notifications (raised by contacts' actions,
//! marked read), and the HTML sign-in form's magic-link redirects.

use crate::common::{invoice, invoice_with, party, Party, TestApp};
use chrono::{Datelike, Months, NaiveDate};
use portico::core::scope::Role;
use portico::domain::Email;
use serde_json::{json, Value};

const VIEWER: &str = "{ viewer { locale unreadMessages unreadNotifications } }";
const NOTIFICATIONS: &str = "{ notifications(first: 100) { kind message subjectId read } }";

async fn setup(app: &TestApp) -> (String, String, Party) {
    let (t, owner) = app.tenant("alpha").await;
    let c = party(app, &t, &owner, "Helios", "EUR").await;
    (t, owner, c)
}

async fn scope_of(app: &TestApp, token: &str) -> portico::core::scope::Scope {
    app.app
        .store
        .authenticate_token(token)
        .await
        .expect("auth")
        .expect("scope")
}

/// Runs an operation with a session cookie; it must succeed.
async fn ok_cookie(app: &TestApp, cookie: &str, query: &str, vars: Value) -> Value {
    let body = app.gql_cookie(cookie, query, vars).await.json();
    assert!(body.get("errors").is_none(), "unexpected errors: {body}");
    body["data"].clone()
}

/// The statements one run of `query` costs (the least of three runs: the mail worker's polling
/// may add some to any one of them).
async fn statements(app: &TestApp, token: &str, query: &str) -> u64 {
    let mut least = u64::MAX;
    for _ in 0..3 {
        let before = app.app.store.statement_count();
        app.ok(token, query, json!({})).await;
        least = least.min(app.app.store.statement_count() - before);
    }
    least
}

fn minor(v: &Value) -> i64 {
    v["minor"].as_i64().unwrap_or_else(|| panic!("money: {v}"))
}

// ---------------------------------------------------------------------------------------------
// 2. The public profile

async fn the_portal_profile_is_public_and_unknown_slugs_are_null(app: TestApp) {
    let (_t, owner) = app.tenant("alpha").await;
    let query =
        "query($s: String!) { portal(slug: $s) { slug name brandColor logo email phone address } }";
    let ask = |slug: &str| json!({ "query": query, "variables": { "s": slug } }).to_string();
    let (status, body) = app.post(None, "application/json", ask("alpha")).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["data"]["portal"],
        json!({ "slug": "alpha", "name": "Tenant alpha", "brandColor": "#1f4e79", "logo": null,
                "email": null, "phone": null, "address": null }),
        "{body}"
    );
    let (_, body) = app.post(None, "application/json", ask("nowhere")).await;
    assert_eq!(body["data"]["portal"], Value::Null, "{body}");
    assert!(body.get("errors").is_none(), "{body}");

    // A logo is a small data: URI of an SVG, PNG or JPEG image.
    let scope = scope_of(&app, &owner).await;
    let svg = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=";
    app.app
        .store
        .set_tenant_logo(&scope, Some(svg))
        .await
        .expect("logo");
    for bad in [
        "https://cdn.example/logo.png".to_owned(),
        "data:image/gif;base64,R0lGOD".to_owned(),
        format!("data:image/png;base64,{}", "A".repeat(70_000)),
    ] {
        let err = app
            .app
            .store
            .set_tenant_logo(&scope, Some(bad.as_str()))
            .await;
        assert_eq!(err.err().map(|e| e.code()), Some("BAD_USER_INPUT"));
    }
    let (_, body) = app.post(None, "application/json", ask("alpha")).await;
    assert_eq!(body["data"]["portal"]["logo"], svg, "{body}");
    // Other fields still need a caller.
    let (_, body) = app
        .post(
            None,
            "application/json",
            json!({ "query": "{ viewer { role } }" }).to_string(),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
}

// ---------------------------------------------------------------------------------------------
// 3–4. Language

async fn people_choose_english_or_greek_and_the_viewer_shows_it(app: TestApp) {
    let (t, owner, c) = setup(&app).await;
    let set = "mutation($l: String!) { setMyLanguage(locale: $l) }";
    assert_eq!(
        app.ok(&c.payer_token, VIEWER, json!({})).await["viewer"]["locale"],
        Value::Null
    );
    assert_eq!(
        app.ok(&c.payer_token, set, json!({ "l": "el" })).await["setMyLanguage"],
        true
    );
    assert_eq!(
        app.ok(&c.payer_token, VIEWER, json!({})).await["viewer"]["locale"],
        "el"
    );
    let bad = app.gql(&c.payer_token, set, json!({ "l": "fr" })).await;
    assert_eq!(bad["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(bad["errors"][0]["extensions"]["field"], "locale");
    assert_eq!(
        app.ok(&c.payer_token, VIEWER, json!({})).await["viewer"]["locale"],
        "el",
        "a refused language changes nothing"
    );
    // Another contact of the same client keeps its own.
    assert_eq!(
        app.ok(&c.admin_token, VIEWER, json!({})).await["viewer"]["locale"],
        Value::Null
    );
    // API tokens that stand for no person have no language.
    let partner = app.token(&t, Role::Partner, None).await;
    assert_eq!(
        app.err_code(&partner, set, json!({ "l": "en" })).await,
        "FORBIDDEN"
    );
    assert_eq!(
        app.err_code(&owner, set, json!({ "l": "en" })).await,
        "FORBIDDEN"
    );
    // A signed-in staff user stores it on their user.
    app.app
        .store
        .create_staff_user(
            &t,
            &Email::parse("sam@alpha.example").expect("email"),
            "Sam Staff",
            Role::Admin,
        )
        .await
        .expect("staff");
    let cookie = app.sign_in("alpha", "sam@alpha.example").await;
    ok_cookie(&app, &cookie, set, json!({ "l": "el" })).await;
    assert_eq!(
        ok_cookie(&app, &cookie, VIEWER, json!({})).await["viewer"]["locale"],
        "el"
    );
    let events = app
        .ok(
            &owner,
            "{ auditEvents(first: 100) { action actorKind } }",
            json!({}),
        )
        .await;
    let changed = events["auditEvents"]
        .as_array()
        .map(|l| l.iter().filter(|e| e["action"] == "locale.changed").count());
    assert_eq!(changed, Some(2), "{events}");
}

// ---------------------------------------------------------------------------------------------
// 5. Read markers

const THREADS: &str = "{ threads { id unreadCount messageCount } }";
const OPEN: &str = "query($id: ID!) { thread(id: $id) { id unreadCount messageCount } }";
const POST: &str = "mutation($s: ID!, $b: String!) { postMessage(subjectId: $s, body: $b) { id } }";

async fn unread(app: &TestApp, token: &str) -> (i64, i64) {
    let d = app.ok(token, THREADS, json!({})).await;
    let per_thread = d["threads"][0]["unreadCount"].as_i64().unwrap_or(-1);
    let v = app.ok(token, VIEWER, json!({})).await;
    (
        per_thread,
        v["viewer"]["unreadMessages"].as_i64().unwrap_or(-1),
    )
}

async fn post(app: &TestApp, token: &str, subject: &str, body: &str) {
    app.ok(token, POST, json!({ "s": subject, "b": body }))
        .await;
    // Read markers and messages are millisecond instants: keep them apart.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
}

async fn opening_a_thread_marks_it_read_and_others_messages_count_again(mut app: TestApp) {
    // The background queues' polling would count too.
    app.stop_workers();
    let (t, owner, c) = setup(&app).await;
    let inv = invoice(&app, &owner, &c.client_gid, "100", true).await;
    post(&app, &c.admin_token, &inv, "Is this the final amount?").await;
    assert_eq!(unread(&app, &owner).await, (1, 1), "staff have one unread");
    assert_eq!(
        unread(&app, &c.admin_token).await,
        (0, 0),
        "own messages do not count"
    );
    assert_eq!(
        unread(&app, &c.payer_token).await,
        (1, 1),
        "each contact reads for itself"
    );
    let id = app.ok(&owner, THREADS, json!({})).await["threads"][0]["id"].clone();
    let opened = app.ok(&owner, OPEN, json!({ "id": id })).await;
    assert_eq!(opened["thread"]["unreadCount"], 0, "{opened}");
    assert_eq!(opened["thread"]["messageCount"], 1);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    assert_eq!(unread(&app, &owner).await, (0, 0));

    // The staff answer: their own message does not count for them, it does for the contacts.
    post(&app, &owner, &inv, "Yes, it is.").await;
    assert_eq!(unread(&app, &owner).await, (0, 0));
    assert_eq!(unread(&app, &c.admin_token).await, (1, 1));
    assert_eq!(unread(&app, &c.payer_token).await, (2, 2));
    app.ok(&c.admin_token, OPEN, json!({ "id": id })).await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    assert_eq!(unread(&app, &c.admin_token).await, (0, 0));
    // The other party posts: unread again.
    post(&app, &c.admin_token, &inv, "Thanks, paying today.").await;
    assert_eq!(unread(&app, &owner).await, (1, 1));
    assert_eq!(unread(&app, &c.admin_token).await, (0, 0));

    // Partners read without leaving markers; another client's contact sees nothing.
    let partner = app.token(&t, Role::Partner, None).await;
    let before = unread(&app, &partner).await;
    assert_eq!(before, (3, 3));
    app.ok(&partner, OPEN, json!({ "id": id })).await;
    assert_eq!(unread(&app, &partner).await, before);
    let other = party(&app, &t, &owner, "Kronos", "EUR").await;
    assert_eq!(
        app.ok(&other.admin_token, OPEN, json!({ "id": id })).await["thread"],
        Value::Null
    );
    assert_eq!(unread(&app, &other.admin_token).await, (-1, 0));

    // The list costs the same number of statements whatever the number of threads.
    let one = statements(&app, &owner, THREADS).await;
    for _ in 0..3 {
        let more = invoice(&app, &owner, &c.client_gid, "10", true).await;
        post(&app, &c.admin_token, &more, "Another question").await;
    }
    let list = app.ok(&owner, THREADS, json!({})).await;
    assert_eq!(list["threads"].as_array().map(Vec::len), Some(4));
    assert_eq!(
        statements(&app, &owner, THREADS).await,
        one,
        "no statement per thread"
    );
}

// ---------------------------------------------------------------------------------------------
// 6. Monthly figures

fn month_start(back: u32) -> NaiveDate {
    let today = chrono::Utc::now().date_naive();
    today
        .with_day(1)
        .and_then(|d| d.checked_sub_months(Months::new(back)))
        .expect("month")
}

fn day(back: u32, plus: u64) -> String {
    (month_start(back) + chrono::Days::new(plus))
        .format("%Y-%m-%d")
        .to_string()
}

fn key(back: u32) -> String {
    month_start(back).format("%Y-%m").to_string()
}

const MONTHLY: &str = "query($c: ID, $m: Int, $cur: String) { dashboard(clientId: $c) { monthly(months: $m, currency: $cur) { month invoiced { amount currency minor } paid { amount currency minor } } } }";

/// (month, invoiced minor, paid minor) for each month.
fn figures(data: &Value) -> Vec<(String, i64, i64)> {
    data["dashboard"]["monthly"]
        .as_array()
        .expect("monthly")
        .iter()
        .map(|m| {
            (
                m["month"].as_str().expect("month").to_owned(),
                minor(&m["invoiced"]),
                minor(&m["paid"]),
            )
        })
        .collect()
}

async fn monthly_figures_sum_invoiced_and_paid_per_month_in_one_currency(app: TestApp) {
    let (t, owner, a) = setup(&app).await;
    let b = party(&app, &t, &owner, "Kronos", "EUR").await;
    let inv = |client: String, price: &'static str, issue: String, do_issue: bool| {
        let app = &app;
        let owner = owner.clone();
        async move {
            let due = (NaiveDate::parse_from_str(&issue, "%Y-%m-%d").expect("date")
                + chrono::Days::new(30))
            .format("%Y-%m-%d")
            .to_string();
            invoice_with(app, &owner, &client, price, &issue, &due, "Work", do_issue).await
        }
    };
    // Client A (EUR): 100.00 two months ago, 50.00 this month; a draft and a void one that do
    // not count; a USD invoice last month.
    inv(a.client_gid.clone(), "100", day(2, 4), true).await;
    inv(a.client_gid.clone(), "50", day(0, 0), true).await;
    inv(a.client_gid.clone(), "70", day(0, 0), false).await;
    let void = inv(a.client_gid.clone(), "30", day(1, 2), true).await;
    app.ok(
        &owner,
        "mutation($id: ID!) { voidInvoice(id: $id) { status } }",
        json!({ "id": void }),
    )
    .await;
    app.ok(
        &owner,
        "mutation($i: CreateInvoiceInput!) { createInvoice(input: $i) { id } }",
        json!({ "i": { "clientId": a.client_gid, "currency": "USD", "issueDate": day(1, 3), "dueDate": day(1, 20),
            "lines": [{ "description": "x", "quantity": "1", "unitPrice": "20" }] } }),
    )
    .await;
    let usd = app
        .ok(
            &owner,
            "{ invoices(first: 10, filter: { status: [DRAFT] }) { edges { node { id currency } } } }",
            json!({}),
        )
        .await;
    let usd_id = usd["invoices"]["edges"]
        .as_array()
        .and_then(|l| l.iter().find(|e| e["node"]["currency"] == "USD"))
        .map(|e| e["node"]["id"].clone())
        .expect("usd invoice");
    app.ok(
        &owner,
        "mutation($id: ID!) { issueInvoice(id: $id) { status } }",
        json!({ "id": usd_id }),
    )
    .await;
    // Payments: 40.00 last month; 30.00 this month, 10.00 of it refunded (today).
    let pay = "mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { id } }";
    app.ok(&owner, pay, json!({ "i": { "clientId": a.client_gid, "amount": "40", "method": "CASH", "receivedOn": day(1, 5), "allocations": [] } })).await;
    let p = app.ok(&owner, pay, json!({ "i": { "clientId": a.client_gid, "amount": "30", "method": "CASH", "receivedOn": day(0, 0), "allocations": [] } })).await;
    app.ok(
        &owner,
        "mutation($id: ID!) { refundPayment(paymentId: $id, amount: \"10\") { id } }",
        json!({ "id": p["recordPayment"]["id"] }),
    )
    .await;
    // Client B (EUR): 200.00 last month.
    inv(b.client_gid.clone(), "200", day(1, 1), true).await;

    let contact = app.ok(&a.viewer_token, MONTHLY, json!({ "m": 3 })).await;
    assert_eq!(
        figures(&contact),
        vec![
            (key(2), 10_000, 0),
            (key(1), 0, 4_000),
            (key(0), 5_000, 2_000)
        ]
    );
    assert_eq!(
        contact["dashboard"]["monthly"][2]["invoiced"],
        json!({ "amount": "50.00", "currency": "EUR", "minor": 5000 })
    );
    // A contact cannot widen its view with clientId.
    let widened = app
        .ok(
            &a.viewer_token,
            MONTHLY,
            json!({ "m": 3, "c": b.client_gid }),
        )
        .await;
    assert_eq!(figures(&widened), figures(&contact));

    let staff = app.ok(&owner, MONTHLY, json!({ "m": 3 })).await;
    assert_eq!(
        figures(&staff),
        vec![
            (key(2), 10_000, 0),
            (key(1), 20_000, 4_000),
            (key(0), 5_000, 2_000)
        ]
    );
    let only_b = app
        .ok(&owner, MONTHLY, json!({ "m": 3, "c": b.client_gid }))
        .await;
    assert_eq!(
        figures(&only_b),
        vec![(key(2), 0, 0), (key(1), 20_000, 0), (key(0), 0, 0)]
    );
    let usd = app
        .ok(&owner, MONTHLY, json!({ "m": 3, "cur": "USD" }))
        .await;
    assert_eq!(
        figures(&usd),
        vec![(key(2), 0, 0), (key(1), 2_000, 0), (key(0), 0, 0)]
    );
    assert_eq!(
        usd["dashboard"]["monthly"][1]["invoiced"]["currency"],
        "USD"
    );

    // The default is twelve months, every one present, oldest first.
    let year = app
        .ok(
            &a.viewer_token,
            "{ dashboard { monthly { month invoiced { minor } paid { minor } } } }",
            json!({}),
        )
        .await;
    let months = figures(&year);
    assert_eq!(months.len(), 12);
    assert_eq!(months[0].0, key(11));
    assert_eq!(months[11], (key(0), 5_000, 2_000));
    assert_eq!(months[..9].iter().map(|m| m.1 + m.2).sum::<i64>(), 0);
    let longest = app.ok(&owner, MONTHLY, json!({ "m": 36 })).await;
    assert_eq!(figures(&longest).len(), 36);

    for m in [0, 37, -1] {
        let body = app.gql(&owner, MONTHLY, json!({ "m": m })).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{m}: {body}"
        );
        assert_eq!(body["errors"][0]["extensions"]["field"], "months");
    }
    assert_eq!(
        app.err_code(&owner, MONTHLY, json!({ "m": 3, "cur": "EURO" }))
            .await,
        "BAD_USER_INPUT"
    );
}

// ---------------------------------------------------------------------------------------------
// 8. Client balances

const BALANCES: &str = "{ clientBalances { clientId name email currency due { minor currency } overdue { minor } credit { minor } } }";

async fn client_balances_sum_per_client_and_currency_for_staff_only(mut app: TestApp) {
    // The background queues' polling would count too.
    app.stop_workers();
    let (t, owner, a) = setup(&app).await;
    let b = party(&app, &t, &owner, "Atlas", "GBP").await;
    let c = party(&app, &t, &owner, "Zephyr", "USD").await;
    // A (EUR): 100.00 overdue, 50.00 not yet due of which 20.00 paid; 30.00 unallocated and an
    // open 5.00 credit note; also 10.00 in USD.
    let future = (chrono::Utc::now().date_naive() + chrono::Days::new(30))
        .format("%Y-%m-%d")
        .to_string();
    let today = chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    let ago = |days: u64| {
        (chrono::Utc::now().date_naive() - chrono::Days::new(days))
            .format("%Y-%m-%d")
            .to_string()
    };
    invoice_with(
        &app,
        &owner,
        &a.client_gid,
        "100",
        &ago(60),
        &ago(30),
        "Old",
        true,
    )
    .await;
    let current = invoice_with(
        &app,
        &owner,
        &a.client_gid,
        "50",
        &today,
        &future,
        "New",
        true,
    )
    .await;
    let pay = "mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { id } }";
    app.ok(&owner, pay, json!({ "i": { "clientId": a.client_gid, "amount": "20", "method": "CASH", "allocations": [{ "invoiceId": current, "amount": "20" }] } })).await;
    app.ok(&owner, pay, json!({ "i": { "clientId": a.client_gid, "amount": "30", "method": "CASH", "allocations": [] } })).await;
    let cn = app
        .ok(
            &owner,
            "mutation($i: CreateCreditNoteInput!) { createCreditNote(input: $i) { id } }",
            json!({ "i": { "clientId": a.client_gid, "amount": "5", "reason": "goodwill" } }),
        )
        .await;
    app.ok(
        &owner,
        "mutation($id: ID!) { issueCreditNote(id: $id) { id } }",
        json!({ "id": cn["createCreditNote"]["id"] }),
    )
    .await;
    app.ok(
        &owner,
        "mutation($i: CreateInvoiceInput!) { createInvoice(input: $i) { id } }",
        json!({ "i": { "clientId": a.client_gid, "currency": "USD", "dueDate": future,
            "lines": [{ "description": "x", "quantity": "1", "unitPrice": "10" }] } }),
    )
    .await;
    let drafts = app
        .ok(
            &owner,
            "{ invoices(first: 10, filter: { status: [DRAFT] }) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    app.ok(
        &owner,
        "mutation($id: ID!) { issueInvoice(id: $id) { id } }",
        json!({ "id": drafts["invoices"]["edges"][0]["node"]["id"] }),
    )
    .await;
    // C (USD): 300.00 not yet due.
    invoice_with(
        &app,
        &owner,
        &c.client_gid,
        "300",
        &today,
        &future,
        "Big",
        true,
    )
    .await;

    let data = app.ok(&owner, BALANCES, json!({})).await;
    let constant = statements(&app, &owner, BALANCES).await;
    let rows: Vec<(String, String, i64, i64, i64)> = data["clientBalances"]
        .as_array()
        .expect("list")
        .iter()
        .map(|r| {
            (
                r["name"].as_str().expect("name").to_owned(),
                r["currency"].as_str().expect("currency").to_owned(),
                minor(&r["due"]),
                minor(&r["overdue"]),
                minor(&r["credit"]),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("Zephyr".into(), "USD".into(), 30_000, 0, 0),
            ("Helios".into(), "EUR".into(), 13_000, 10_000, 3_500),
            ("Helios".into(), "USD".into(), 1_000, 0, 0),
            ("Atlas".into(), "GBP".into(), 0, 0, 0),
        ],
        "{data}"
    );
    assert_eq!(data["clientBalances"][1]["clientId"], a.client_gid);
    assert_eq!(data["clientBalances"][1]["email"], "ap@helios.example");
    assert_eq!(data["clientBalances"][3]["clientId"], b.client_gid);
    assert_eq!(data["clientBalances"][3]["due"]["currency"], "GBP");
    // Credit as the dashboard computes it.
    let dash = app
        .ok(
            &owner,
            "query($c: ID) { dashboard(clientId: $c) { currencies { currency creditAvailable { minor } amountDue { minor } } } }",
            json!({ "c": a.client_gid }),
        )
        .await;
    let eur = dash["dashboard"]["currencies"]
        .as_array()
        .and_then(|l| l.iter().find(|f| f["currency"] == "EUR"))
        .cloned()
        .expect("EUR");
    assert_eq!(minor(&eur["creditAvailable"]), 3_500);
    assert_eq!(minor(&eur["amountDue"]), 13_000);

    // More clients, the same number of statements.
    for name in ["Boreas", "Notus", "Eurus"] {
        party(&app, &t, &owner, name, "EUR").await;
    }
    let more = app.ok(&owner, BALANCES, json!({})).await;
    assert_eq!(more["clientBalances"].as_array().map(Vec::len), Some(7));
    assert_eq!(statements(&app, &owner, BALANCES).await, constant);

    for token in [&a.admin_token, &a.viewer_token] {
        assert_eq!(app.err_code(token, BALANCES, json!({})).await, "FORBIDDEN");
    }
    let partner = app.token(&t, Role::Partner, None).await;
    assert_eq!(
        app.ok(&partner, BALANCES, json!({})).await["clientBalances"]
            .as_array()
            .map(Vec::len),
        Some(7)
    );
}

// ---------------------------------------------------------------------------------------------
// 7. Payment settings

async fn payment_settings_list_the_methods_the_business_offers(app: TestApp) {
    let (_t, owner, c) = setup(&app).await;
    let q = "{ paymentSettings { methods allowPartial minPartial { amount currency } } }";
    assert_eq!(
        app.ok(&c.payer_token, q, json!({})).await["paymentSettings"],
        json!({ "methods": ["DEMO"], "allowPartial": true, "minPartial": null })
    );
    app.ok(
        &owner,
        "mutation($i: PaymentSettingsInput!) { updatePaymentSettings(input: $i) }",
        json!({ "i": { "allowPartialPayments": true, "minimumPartialAmount": "25", "bankDetails": "IBAN GR00 0000" } }),
    )
    .await;
    app.ok(
        &owner,
        "mutation { setStripeCredentials(secretKey: \"sk_test_x\", webhookSecret: \"whsec_x\") }",
        json!({}),
    )
    .await;
    assert_eq!(
        app.ok(&c.payer_token, q, json!({})).await["paymentSettings"],
        json!({ "methods": ["STRIPE", "BANK_TRANSFER", "DEMO"], "allowPartial": true,
                "minPartial": { "amount": "25.00", "currency": "EUR" } })
    );
    app.ok(
        &owner,
        "mutation($i: PaymentSettingsInput!) { updatePaymentSettings(input: $i) }",
        json!({ "i": { "allowPartialPayments": false, "minimumPartialAmount": "0" } }),
    )
    .await;
    assert_eq!(
        app.ok(&owner, q, json!({})).await["paymentSettings"],
        json!({ "methods": ["STRIPE", "DEMO"], "allowPartial": false, "minPartial": null })
    );
    let (_, body) = app
        .post(None, "application/json", json!({ "query": q }).to_string())
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
}

// ---------------------------------------------------------------------------------------------
// 9. Billing details

const BILLING: &str = "mutation($i: BillingDetailsInput!) { updateMyBillingDetails(input: $i) { id name email taxId address } }";
const CLIENT: &str = "query($id: ID!) { client(id: $id) { name email taxId address } }";

async fn a_client_admin_changes_its_billing_details_and_no_one_else(app: TestApp) {
    let (_t, owner, c) = setup(&app).await;
    let details = json!({ "i": { "name": "Helios Hotels S.A.", "email": "Billing@Helios.example",
        "taxId": "EL123456789", "address": "1 Harbour Road\nPiraeus" } });
    let changed = app.ok(&c.admin_token, BILLING, details.clone()).await;
    assert_eq!(
        changed["updateMyBillingDetails"],
        json!({ "id": c.client_gid, "name": "Helios Hotels S.A.", "email": "billing@helios.example",
                "taxId": "EL123456789", "address": "1 Harbour Road\nPiraeus" })
    );
    let stored = app.ok(&owner, CLIENT, json!({ "id": c.client_gid })).await;
    assert_eq!(stored["client"]["name"], "Helios Hotels S.A.");

    for token in [&c.payer_token, &c.viewer_token, &owner] {
        assert_eq!(
            app.err_code(token, BILLING, details.clone()).await,
            "FORBIDDEN"
        );
    }
    for bad in [
        json!({ "i": { "name": "X", "email": "not-an-address" } }),
        json!({ "i": { "name": "  " } }),
        json!({ "i": { "name": "X", "taxId": "T".repeat(201) } }),
    ] {
        let body = app.gql(&c.admin_token, BILLING, bad).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{body}"
        );
    }
    assert_eq!(
        app.ok(&owner, CLIENT, json!({ "id": c.client_gid })).await,
        stored,
        "refused changes change nothing"
    );
    // Blank optional fields clear them.
    let cleared = app
        .ok(
            &c.admin_token,
            BILLING,
            json!({ "i": { "name": "Helios", "email": "", "taxId": null } }),
        )
        .await;
    assert_eq!(
        cleared["updateMyBillingDetails"],
        json!({ "id": c.client_gid, "name": "Helios", "email": null, "taxId": null, "address": null })
    );
    let audit = app
        .ok(
            &owner,
            "query($s: ID) { auditEvents(subjectId: $s) { action actorKind } }",
            json!({ "s": c.client_gid }),
        )
        .await;
    assert_eq!(
        audit["auditEvents"][0],
        json!({ "action": "client.billing_details_updated", "actorKind": "contact" })
    );
}

// ---------------------------------------------------------------------------------------------
// 10–11. Notifications

fn kinds(data: &Value) -> Vec<String> {
    data["notifications"]
        .as_array()
        .expect("list")
        .iter()
        .map(|n| n["kind"].as_str().expect("kind").to_owned())
        .collect()
}

async fn contacts_actions_notify_staff_once_and_staff_mark_them_read(app: TestApp) {
    let (_t, owner, c) = setup(&app).await;
    // Estimates decided by contacts.
    let create = "mutation($i: CreateEstimateInput!) { createEstimate(input: $i) { id number } }";
    let mut estimates = Vec::new();
    for _ in 0..2 {
        let e = app.ok(&owner, create, json!({ "i": { "clientId": c.client_gid, "lines": [{ "description": "x", "quantity": "1", "unitPrice": "10" }] } })).await;
        let id = e["createEstimate"]["id"].clone();
        app.ok(
            &owner,
            "mutation($id: ID!) { sendEstimate(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
        estimates.push((id, e["createEstimate"]["number"].clone()));
    }
    app.ok(
        &c.admin_token,
        "mutation($id: ID!) { acceptEstimate(id: $id, comment: \"Go ahead\") { status } }",
        json!({ "id": estimates[0].0 }),
    )
    .await;
    app.ok(
        &c.payer_token,
        "mutation($id: ID!) { rejectEstimate(id: $id, reason: \"Too expensive\") { status } }",
        json!({ "id": estimates[1].0 }),
    )
    .await;
    let notes = app.ok(&owner, NOTIFICATIONS, json!({})).await;
    assert_eq!(kinds(&notes), ["estimate.rejected", "estimate.accepted"]);
    let rejected = notes["notifications"][0]["message"]
        .as_str()
        .unwrap_or_default();
    let accepted = notes["notifications"][1]["message"]
        .as_str()
        .unwrap_or_default();
    for (text, number, who, words) in [
        (accepted, &estimates[0].1, "Helios ADMIN", "Go ahead"),
        (rejected, &estimates[1].1, "Helios PAYER", "Too expensive"),
    ] {
        let number = number.as_str().unwrap_or_default();
        assert!(
            text.contains(number)
                && text.contains(who)
                && text.contains("Helios)")
                && text.contains(words),
            "{text}"
        );
    }

    // Messages: a contact's notifies, staff's do not.
    let inv = invoice(&app, &owner, &c.client_gid, "100", true).await;
    let number = app
        .ok(
            &owner,
            "query($id: ID!) { invoice(id: $id) { number } }",
            json!({ "id": inv }),
        )
        .await["invoice"]["number"]
        .as_str()
        .expect("number")
        .to_owned();
    app.ok(
        &c.viewer_token,
        POST,
        json!({ "s": inv, "b": "When is this due?" }),
    )
    .await;
    app.ok(&owner, POST, json!({ "s": inv, "b": "In 30 days." }))
        .await;
    let notes = app.ok(&owner, NOTIFICATIONS, json!({})).await;
    assert_eq!(kinds(&notes).len(), 3);
    assert_eq!(notes["notifications"][0]["kind"], "message.posted");
    let text = notes["notifications"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        text.contains(&format!("invoice {number}")) && text.contains("Helios VIEWER"),
        "{text}"
    );
    let thread = app.ok(&owner, THREADS, json!({})).await["threads"][0]["id"].clone();
    assert_eq!(
        notes["notifications"][0]["subjectId"]
            .as_str()
            .map(|s| s.to_owned()),
        portico::core::ids::decode(
            &async_graphql::ID(thread.as_str().unwrap_or_default().to_owned()),
            "Thread"
        )
        .ok()
    );

    // Invoice views: once per contact and invoice within the hour; staff views never.
    let view = "query($id: ID!) { invoice(id: $id) { number } }";
    for _ in 0..2 {
        app.ok(&c.admin_token, view, json!({ "id": inv })).await;
        app.ok(&owner, view, json!({ "id": inv })).await;
    }
    let viewed = |data: &Value| {
        kinds(data)
            .iter()
            .filter(|k| *k == "invoice.viewed")
            .count()
    };
    let notes = app.ok(&owner, NOTIFICATIONS, json!({})).await;
    assert_eq!(viewed(&notes), 1, "{notes}");
    let text = notes["notifications"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        text.contains(&number) && text.contains("Helios ADMIN"),
        "{text}"
    );
    app.ok(&c.payer_token, view, json!({ "id": inv })).await;
    assert_eq!(viewed(&app.ok(&owner, NOTIFICATIONS, json!({})).await), 2);
    // An hour on, a view is news again.
    app.app.clock().advance(std::time::Duration::from_millis(
        portico::core::notify::VIEW_NOTICE_WINDOW_MS as u64 + 1,
    ));
    app.ok(&c.admin_token, view, json!({ "id": inv })).await;
    app.ok(&c.admin_token, view, json!({ "id": inv })).await;
    assert_eq!(viewed(&app.ok(&owner, NOTIFICATIONS, json!({})).await), 3);

    // Unread counts, then all marked read (staff only).
    let total = kinds(&app.ok(&owner, NOTIFICATIONS, json!({})).await).len() as i64;
    assert_eq!(total, 6);
    assert_eq!(
        app.ok(&owner, VIEWER, json!({})).await["viewer"]["unreadNotifications"],
        total
    );
    assert_eq!(
        app.ok(&c.admin_token, VIEWER, json!({})).await["viewer"]["unreadNotifications"],
        0
    );
    let mark = "mutation { markNotificationsRead }";
    assert_eq!(
        app.err_code(&c.admin_token, mark, json!({})).await,
        "FORBIDDEN"
    );
    assert_eq!(
        app.ok(&owner, mark, json!({})).await["markNotificationsRead"],
        total
    );
    assert_eq!(
        app.ok(&owner, mark, json!({})).await["markNotificationsRead"],
        0
    );
    assert_eq!(
        app.ok(&owner, VIEWER, json!({})).await["viewer"]["unreadNotifications"],
        0
    );
    let notes = app.ok(&owner, NOTIFICATIONS, json!({})).await;
    assert!(
        notes["notifications"]
            .as_array()
            .is_some_and(|l| l.iter().all(|n| n["read"] == true)),
        "{notes}"
    );
}

// ---------------------------------------------------------------------------------------------
// 12. The HTML sign-in form

async fn form(app: &TestApp, body: &str) -> (crate::common::Raw, std::time::Duration) {
    let started = std::time::Instant::now();
    let resp = app
        .request(
            "POST",
            "/alpha/auth/magic-link",
            &[("content-type", "application/x-www-form-urlencoded")],
            body,
        )
        .await;
    (resp, started.elapsed())
}

async fn the_sign_in_form_is_redirected_back_and_json_callers_keep_their_answers(app: TestApp) {
    let (t, _owner, _c) = setup(&app).await;
    for email in ["admin%40helios.example", "nobody%40helios.example"] {
        let (resp, took) = form(&app, &format!("email={email}")).await;
        assert_eq!(resp.status, 303, "{}", resp.body);
        assert_eq!(
            resp.header("location").as_deref(),
            Some("/alpha/sign-in?sent=1")
        );
        assert!(took >= std::time::Duration::from_millis(250), "{took:?}");
    }
    let mail = app.app.store.outbox(&t, 10).await.expect("outbox");
    assert_eq!(mail.len(), 1, "mail only for the known address");
    assert_eq!(mail[0].recipient, "admin@helios.example");

    let json_resp = app
        .request(
            "POST",
            "/alpha/auth/magic-link",
            &[("content-type", "application/json")],
            &json!({ "email": "payer@helios.example" }).to_string(),
        )
        .await;
    assert_eq!(json_resp.status, 202);
    assert_eq!(json_resp.json()["status"], "ok");

    let (bad, _) = form(&app, "email=not+an+address").await;
    assert_eq!(bad.status, 303);
    assert_eq!(
        bad.header("location").as_deref(),
        Some("/alpha/sign-in?error=That%20is%20not%20an%20email%20address.")
    );
    let bad_json = app
        .request(
            "POST",
            "/alpha/auth/magic-link",
            &[("content-type", "application/json")],
            &json!({ "email": "not an address" }).to_string(),
        )
        .await;
    assert_eq!(bad_json.status, 400);
    assert_eq!(bad_json.json()["error"], "that is not an email address");

    // The same rate limits: past 30 requests from one client address within 15 minutes, that
    // address is refused (here every request comes from the same, unknown address).
    let flood: Vec<_> = (0..30)
        .map(|i| {
            let app = &app;
            async move { form(app, &format!("email=nobody{i}%40helios.example")).await }
        })
        .collect();
    for (resp, _) in futures_util::future::join_all(flood).await {
        assert_eq!(resp.status, 303);
    }
    let (limited, _) = form(&app, "email=admin%40helios.example").await;
    assert_eq!(limited.status, 303);
    let location = limited.header("location").unwrap_or_default();
    assert!(
        location.starts_with("/alpha/sign-in?error=Too%20many%20sign-in%20requests"),
        "{location}"
    );
    let limited_json = app
        .request(
            "POST",
            "/alpha/auth/magic-link",
            &[("content-type", "application/json")],
            &json!({ "email": "admin@helios.example" }).to_string(),
        )
        .await;
    assert_eq!(limited_json.status, 429);
    let audit = app
        .app
        .store
        .audit_events(
            &scope_of(&app, &app.token(&t, Role::Owner, None).await).await,
            None,
            100,
        )
        .await
        .expect("audit");
    assert!(
        audit
            .iter()
            .filter(|e| e.action == "auth.magic_link.rate_limited")
            .count()
            >= 2,
        "refusals are audited"
    );
}

both_backends!(
    the_portal_profile_is_public_and_unknown_slugs_are_null,
    people_choose_english_or_greek_and_the_viewer_shows_it,
    opening_a_thread_marks_it_read_and_others_messages_count_again,
    monthly_figures_sum_invoiced_and_paid_per_month_in_one_currency,
    client_balances_sum_per_client_and_currency_for_staff_only,
    payment_settings_list_the_methods_the_business_offers,
    a_client_admin_changes_its_billing_details_and_no_one_else,
    contacts_actions_notify_staff_once_and_staff_mark_them_read,
    the_sign_in_form_is_redirected_back_and_json_callers_keep_their_answers,
);
