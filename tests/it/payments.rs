//! Online payments on both backends: the demo gateway's hosted page end to end (receipt, email,
//! staff notification, events), duplicate and out-of-order outcomes, who may pay and how much,
//! paying everything due, bank transfers confirmed once, failures and retries, and concurrent
//! successes that never over-allocate.

use crate::common::{invoice, invoice_with, party, Party, TestApp};
use serde_json::{json, Value};

const ORIGIN: &str = "http://localhost";
const START: &str = "mutation($i: StartPaymentInput!) { startPayment(input: $i) { id status method amount { amount currency } reference redirectUrl bankDetails } }";
const INVOICE: &str = "query($id: ID!) { invoice(id: $id) { status balance { amount } } }";

/// The path of a hosted demo page, and the attempt id.
async fn start_demo(app: &TestApp, token: &str, vars: Value) -> (String, String) {
    let data = app.ok(token, START, vars).await;
    let a = &data["startPayment"];
    let url = a["redirectUrl"]
        .as_str()
        .expect("redirect")
        .trim_start_matches("http://localhost")
        .to_owned();
    (url, a["id"].as_str().expect("id").to_owned())
}

async fn choose(app: &TestApp, page: &str, outcome: &str) -> crate::common::Raw {
    app.request(
        "POST",
        page,
        &[
            ("content-type", "application/x-www-form-urlencoded"),
            ("origin", ORIGIN),
        ],
        &format!("outcome={outcome}"),
    )
    .await
}

async fn cookie_for(app: &TestApp, tenant: &str, email: &str) -> String {
    app.request(
        "POST",
        "/alpha/auth/magic-link",
        &[("content-type", "application/json")],
        &json!({ "email": email }).to_string(),
    )
    .await;
    let body = app.app.store.outbox(tenant, 1).await.expect("outbox")[0]
        .body
        .clone();
    let token = body
        .split("token=")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .expect("token")
        .to_owned();
    app.request(
        "POST",
        "/alpha/auth/magic",
        &[
            ("content-type", "application/x-www-form-urlencoded"),
            ("origin", ORIGIN),
        ],
        &format!("token={token}"),
    )
    .await
    .cookie()
    .expect("cookie")
}

async fn setup(app: &TestApp) -> (String, String, Party) {
    let (t, owner) = app.tenant("alpha").await;
    let c = party(app, &t, &owner, "Helios", "EUR").await;
    (t, owner, c)
}

async fn a_demo_payment_settles_the_invoice_once_with_a_receipt(app: TestApp) {
    let (t, owner, c) = setup(&app).await;
    let inv = invoice(&app, &owner, &c.client_gid, "120", true).await;
    let (page, attempt) = start_demo(
        &app,
        &c.payer_token,
        json!({ "i": { "invoiceIds": [inv], "method": "DEMO" } }),
    )
    .await;
    let shown = app.request("GET", &page, &[], "").await;
    assert_eq!(shown.status, 200);
    assert!(shown.body.contains("120.00"), "{}", shown.body);
    let done = choose(&app, &page, "succeeded").await;
    assert_eq!(done.status, 303);
    assert_eq!(
        done.header("location"),
        Some(format!("/alpha/pay/return/{attempt}"))
    );
    assert_eq!(
        app.ok(&owner, INVOICE, json!({ "id": inv })).await["invoice"],
        json!({ "status": "PAID", "balance": { "amount": "0.00" } })
    );
    // The same outcome again (a duplicate delivery) and a late failure change nothing.
    assert_eq!(choose(&app, &page, "succeeded").await.status, 303);
    assert_eq!(choose(&app, &page, "failed").await.status, 303);
    let state = app.ok(&c.payer_token, "query($id: ID!) { paymentAttempt(id: $id) { status paymentId } payments { edges { node { amount { amount } } } } }", json!({ "id": attempt })).await;
    assert_eq!(state["paymentAttempt"]["status"], "SUCCEEDED");
    assert_eq!(
        state["payments"]["edges"].as_array().map(Vec::len),
        Some(1),
        "{state}"
    );
    let outbox = app.app.store.outbox(&t, 5).await.expect("outbox");
    let receipt = outbox
        .iter()
        .find(|m| m.subject.starts_with("Payment ") && m.subject.ends_with(" received"))
        .expect("a receipt email");
    assert_eq!(receipt.recipient, "payer@helios.example");
    assert!(
        receipt.body.contains("EUR 120.00") && receipt.body.contains("INV-2026-00001"),
        "{}",
        receipt.body
    );
    // One name for the payment (its number, as the receipt page shows it) and a link to it;
    // no gateway or attempt references.
    let paid = app
        .ok(
            &c.payer_token,
            "{ payments(first: 1) { nodes { id number } } }",
            json!({}),
        )
        .await;
    let number = paid["payments"]["nodes"][0]["number"]
        .as_str()
        .expect("number");
    let pid = paid["payments"]["nodes"][0]["id"].as_str().expect("id");
    assert!(receipt.subject.contains(number), "{}", receipt.subject);
    assert!(
        receipt.body.contains(&format!("/alpha/payments/{pid}")),
        "{}",
        receipt.body
    );
    assert!(!receipt.body.contains("pd_") && !receipt.body.contains("RCT-"));
    let notes = app
        .ok(&owner, "{ notifications { kind message } }", json!({}))
        .await;
    assert_eq!(
        notes["notifications"][0]["kind"], "payment.received",
        "{notes}"
    );
    // The portal renders the return page; through the payer's session the API says it succeeded.
    let cookie = cookie_for(&app, &t, "payer@helios.example").await;
    let back = app
        .gql_cookie(
            &cookie,
            "query($id: ID!) { paymentAttempt(id: $id) { status } }",
            json!({ "id": attempt }),
        )
        .await;
    assert_eq!(
        back.json()["data"]["paymentAttempt"]["status"],
        "SUCCEEDED",
        "{}",
        back.body
    );
}

async fn only_payers_pay_and_amounts_follow_the_rules(app: TestApp) {
    let (_t, owner, c) = setup(&app).await;
    let inv = invoice(&app, &owner, &c.client_gid, "100", true).await;
    let vars = |amount: Option<&str>| json!({ "i": { "invoiceIds": [inv], "method": "DEMO", "amount": amount } });
    assert_eq!(
        app.err_code(&c.viewer_token, START, vars(None)).await,
        "FORBIDDEN"
    );
    assert_eq!(app.err_code(&owner, START, vars(None)).await, "FORBIDDEN");
    assert_eq!(
        app.err_code(&c.payer_token, START, vars(Some("100.01")))
            .await,
        "BAD_USER_INPUT"
    );
    assert_eq!(
        app.err_code(&c.payer_token, START, vars(Some("0"))).await,
        "BAD_USER_INPUT"
    );
    let partial = app.ok(&c.admin_token, START, vars(Some("40"))).await;
    assert_eq!(partial["startPayment"]["amount"]["amount"], "40.00");
    let settings = "mutation($i: PaymentSettingsInput!) { updatePaymentSettings(input: $i) }";
    app.ok(
        &owner,
        settings,
        json!({ "i": { "allowPartialPayments": true, "minimumPartialAmount": "25" } }),
    )
    .await;
    let body = app.gql(&c.payer_token, START, vars(Some("20"))).await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("at least EUR 25.00"),
        "{body}"
    );
    app.ok(
        &owner,
        settings,
        json!({ "i": { "allowPartialPayments": false, "minimumPartialAmount": "0" } }),
    )
    .await;
    let body = app.gql(&c.payer_token, START, vars(Some("40"))).await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("pay the full EUR 100.00"),
        "{body}"
    );
    let draft = invoice(&app, &owner, &c.client_gid, "5", false).await;
    assert_eq!(
        app.err_code(
            &c.payer_token,
            START,
            json!({ "i": { "invoiceIds": [draft], "method": "DEMO" } })
        )
        .await,
        "BAD_USER_INPUT"
    );
    let other = party(&app, &_t, &owner, "Kyklos", "EUR").await;
    let theirs = invoice(&app, &owner, &other.client_gid, "5", true).await;
    assert_eq!(
        app.err_code(
            &c.payer_token,
            START,
            json!({ "i": { "invoiceIds": [theirs], "method": "DEMO" } })
        )
        .await,
        "BAD_USER_INPUT"
    );
}

async fn paying_everything_due_settles_oldest_first(app: TestApp) {
    let (_t, owner, c) = setup(&app).await;
    let old = invoice_with(
        &app,
        &owner,
        &c.client_gid,
        "30",
        "2026-01-01",
        "2026-01-31",
        "A",
        true,
    )
    .await;
    let new = invoice_with(
        &app,
        &owner,
        &c.client_gid,
        "70",
        "2026-02-01",
        "2026-02-28",
        "B",
        true,
    )
    .await;
    let (page, _) = start_demo(&app, &c.payer_token, json!({ "i": { "method": "DEMO" } })).await;
    choose(&app, &page, "succeeded").await;
    for id in [&old, &new] {
        assert_eq!(
            app.ok(&owner, INVOICE, json!({ "id": id })).await["invoice"]["status"],
            "PAID"
        );
    }
}

async fn a_failed_payment_can_be_retried_with_another_method(app: TestApp) {
    let (_t, owner, c) = setup(&app).await;
    let inv = invoice(&app, &owner, &c.client_gid, "80", true).await;
    let (page, attempt) = start_demo(
        &app,
        &c.payer_token,
        json!({ "i": { "invoiceIds": [inv], "method": "DEMO" } }),
    )
    .await;
    choose(&app, &page, "failed").await;
    let state = app
        .ok(
            &c.payer_token,
            "query($id: ID!) { paymentAttempt(id: $id) { status failureReason } }",
            json!({ "id": attempt }),
        )
        .await;
    assert_eq!(state["paymentAttempt"]["status"], "FAILED");
    assert!(state["paymentAttempt"]["failureReason"]
        .as_str()
        .unwrap_or_default()
        .contains("declined"));
    assert_eq!(
        app.ok(&owner, INVOICE, json!({ "id": inv })).await["invoice"]["status"],
        "ISSUED"
    );
    // Retry by bank transfer: instructions with a reference; staff confirm once.
    app.ok(&owner, "mutation($i: PaymentSettingsInput!) { updatePaymentSettings(input: $i) }",
        json!({ "i": { "allowPartialPayments": true, "minimumPartialAmount": "0", "bankDetails": "IBAN GR16 0110 1250 0000 0001 2300 695" } })).await;
    let bank = app
        .ok(
            &c.payer_token,
            START,
            json!({ "i": { "invoiceIds": [inv], "method": "BANK_TRANSFER" } }),
        )
        .await;
    let a = &bank["startPayment"];
    assert_eq!(a["status"], "AWAITING_TRANSFER");
    assert!(a["bankDetails"]
        .as_str()
        .unwrap_or_default()
        .contains("IBAN GR16"));
    assert!(a["reference"].as_str().unwrap_or_default().starts_with('P'));
    let confirm = "mutation($id: ID!) { confirmBankTransfer(attemptId: $id, receivedOn: \"2026-03-01\") { status } }";
    assert_eq!(
        app.err_code(&c.payer_token, confirm, json!({ "id": a["id"] }))
            .await,
        "FORBIDDEN"
    );
    for _ in 0..2 {
        assert_eq!(
            app.ok(&owner, confirm, json!({ "id": a["id"] })).await["confirmBankTransfer"]
                ["status"],
            "SUCCEEDED"
        );
    }
    let payments = app
        .ok(
            &owner,
            "{ payments { edges { node { method receivedOn amount { amount } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        payments["payments"]["edges"],
        json!([{ "node": { "method": "BANK_TRANSFER", "receivedOn": "2026-03-01", "amount": { "amount": "80.00" } } }])
    );
}

async fn two_payments_completing_for_one_invoice_never_over_allocate(app: TestApp) {
    let (_t, owner, c) = setup(&app).await;
    let inv = invoice(&app, &owner, &c.client_gid, "100", true).await;
    let (first, _) = start_demo(
        &app,
        &c.payer_token,
        json!({ "i": { "invoiceIds": [inv], "method": "DEMO" } }),
    )
    .await;
    let (second, _) = start_demo(
        &app,
        &c.admin_token,
        json!({ "i": { "invoiceIds": [inv], "method": "DEMO" } }),
    )
    .await;
    let (a, b) = tokio::join!(
        choose(&app, &first, "succeeded"),
        choose(&app, &second, "succeeded")
    );
    assert_eq!((a.status.as_u16(), b.status.as_u16()), (303, 303));
    let state = app.ok(&owner, "query($id: ID!, $c: ID) { invoice(id: $id) { status amountPaid { amount } } dashboard(clientId: $c) { currencies { creditAvailable { amount } } } }", json!({ "id": inv, "c": c.client_gid })).await;
    assert_eq!(
        state["invoice"],
        json!({ "status": "PAID", "amountPaid": { "amount": "100.00" } })
    );
    assert_eq!(
        state["dashboard"]["currencies"][0]["creditAvailable"]["amount"], "100.00",
        "the second payment is kept as credit"
    );
}

async fn the_payer_watches_the_attempt_and_the_invoice_change_live(app: TestApp) {
    let (_t, owner, c) = setup(&app).await;
    let inv = invoice(&app, &owner, &c.client_gid, "64", true).await;
    let (page, attempt) = start_demo(
        &app,
        &c.payer_token,
        json!({ "i": { "invoiceIds": [inv], "method": "DEMO" } }),
    )
    .await;
    let addr = app.spawn_server().await;
    let mut ws = crate::common::ws::connect_with_token(addr, &c.payer_token).await;
    for (id, query) in [
        ("status", format!("subscription {{ paymentStatus(attemptId: \"{attempt}\") {{ status }} }}")),
        ("invoice", format!("subscription {{ invoiceUpdated(invoiceId: \"{inv}\") {{ status amount {{ amount }} }} }}")),
    ] {
        crate::common::ws::subscribe(&mut ws, id, &query).await;
    }
    // Until the subscription is live, "leave it pending" republishes the processing status.
    let mut live = false;
    for _ in 0..40 {
        choose(&app, &page, "pending").await;
        if let Some(v) = crate::common::ws::next_data(&mut ws, 500).await {
            assert_eq!(
                v["payload"]["data"]["paymentStatus"]["status"], "processing",
                "{v}"
            );
            live = true;
            break;
        }
    }
    assert!(live, "the subscription never went live");
    choose(&app, &page, "succeeded").await;
    let mut seen = Vec::new();
    while let Some(v) = crate::common::ws::next_data(&mut ws, 500).await {
        seen.push(v["payload"]["data"].clone());
        if seen.len() >= 2 {
            break;
        }
    }
    assert!(
        seen.contains(&json!({ "paymentStatus": { "status": "succeeded" } })),
        "{seen:?}"
    );
    assert!(
        seen.contains(
            &json!({ "invoiceUpdated": { "status": "paid", "amount": { "amount": "0.00" } } })
        ),
        "{seen:?}"
    );
}

both_backends!(
    the_payer_watches_the_attempt_and_the_invoice_change_live,
    a_demo_payment_settles_the_invoice_once_with_a_receipt,
    only_payers_pay_and_amounts_follow_the_rules,
    paying_everything_due_settles_oldest_first,
    a_failed_payment_can_be_retried_with_another_method,
    two_payments_completing_for_one_invoice_never_over_allocate,
);
