//! Stripe webhooks on both backends: signatures from two independent implementations
//! (async-stripe-webhook's test header generator and the official Python package), then every way
//! a delivery can be wrong — duplicate, reordered, bad signature, stale, tampered, oversized —
//! answered with 4xx (or a no-op 200 for duplicates) and nothing changed.

use crate::common::{invoice, party, Party, TestApp};
use serde_json::{json, Value};

const SECRET: &str = "whsec_portico_test_secret";

async fn configure(app: &TestApp) -> (String, String, Party) {
    let (t, owner) = app.tenant("alpha").await;
    let set = "mutation { setStripeCredentials(secretKey: \"sk_test_123\", webhookSecret: \"whsec_portico_test_secret\") }";
    app.ok(&owner, set, json!({})).await;
    let c = party(app, &t, &owner, "Helios", "EUR").await;
    (t, owner, c)
}

/// Starts a (demo-channel) attempt for one invoice; returns (invoice id, attempt uuid).
async fn attempt(app: &TestApp, owner: &str, c: &Party, price: &str) -> (String, String) {
    let inv = invoice(app, owner, &c.client_gid, price, true).await;
    let data = app
        .ok(
            &c.payer_token,
            "mutation($i: StartPaymentInput!) { startPayment(input: $i) { id } }",
            json!({ "i": { "invoiceIds": [inv], "method": "DEMO" } }),
        )
        .await;
    let gid = data["startPayment"]["id"].as_str().expect("id").to_owned();
    (
        inv,
        portico::core::ids::decode(&async_graphql::ID(gid), "PaymentAttempt").expect("uuid"),
    )
}

fn completed(event_id: &str, attempt: &str, amount: i64) -> String {
    json!({ "id": event_id, "object": "event", "type": "checkout.session.completed", "data": { "object": {
        "id": format!("cs_test_{attempt}"), "object": "checkout.session", "payment_status": "paid", "amount_total": amount,
        "currency": "eur", "metadata": { "attempt_id": attempt } } } }).to_string()
}

fn event(event_id: &str, kind: &str, object: Value) -> String {
    json!({ "id": event_id, "object": "event", "type": kind, "data": { "object": object } })
        .to_string()
}

fn async_stripe_header(body: &str) -> String {
    stripe_webhook::Webhook::generate_test_header(body, SECRET, None)
}

/// The official Python package's signature (an implementation independent of ours).
fn python_header(body: &str) -> Option<String> {
    let t = chrono::Utc::now().timestamp();
    let script = "import sys, stripe; t = sys.argv[1]; body = sys.stdin.read(); \\
        print('t=' + t + ',v1=' + stripe.WebhookSignature._compute_signature(t + '.' + body, sys.argv[2]))";
    let out = std::process::Command::new("python3")
        .args(["-c", script, &t.to_string(), SECRET])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(body.as_bytes())?;
            child.wait_with_output()
        });
    match out {
        Ok(o) if o.status.success() => Some(String::from_utf8_lossy(&o.stdout).trim().to_owned()),
        other => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("the stripe Python package is required under CI=true: {other:?}");
            }
            eprintln!("SKIPPED: python3 with the stripe package unavailable");
            None
        }
    }
}

async fn deliver(app: &TestApp, body: &str, header: &str) -> crate::common::Raw {
    app.request(
        "POST",
        "/webhooks/stripe/alpha",
        &[
            ("content-type", "application/json"),
            ("stripe-signature", header),
        ],
        body,
    )
    .await
}

async fn payments_count(app: &TestApp, owner: &str) -> usize {
    let data = app
        .ok(
            owner,
            "{ payments(first: 100) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    data["payments"]["edges"]
        .as_array()
        .map(Vec::len)
        .unwrap_or(0)
}

async fn a_signed_completion_records_one_payment_and_duplicates_change_nothing(app: TestApp) {
    let (_t, owner, c) = configure(&app).await;
    let (inv, att) = attempt(&app, &owner, &c, "42").await;
    let body = completed("evt_1", &att, 4200);
    let first = deliver(&app, &body, &async_stripe_header(&body)).await;
    assert_eq!(
        (first.status.as_u16(), first.body.as_str()),
        (200, "applied")
    );
    let again = deliver(&app, &body, &async_stripe_header(&body)).await;
    assert_eq!(
        (again.status.as_u16(), again.body.as_str()),
        (200, "duplicate")
    );
    assert_eq!(payments_count(&app, &owner).await, 1);
    let state = app
        .ok(
            &owner,
            "query($id: ID!) { invoice(id: $id) { status } }",
            json!({ "id": inv }),
        )
        .await;
    assert_eq!(state["invoice"]["status"], "PAID");
}

async fn the_official_python_signature_is_accepted(app: TestApp) {
    let (_t, owner, c) = configure(&app).await;
    let (_inv, att) = attempt(&app, &owner, &c, "10").await;
    let body = completed("evt_py", &att, 1000);
    let Some(header) = python_header(&body) else {
        return;
    };
    assert_eq!(deliver(&app, &body, &header).await.status, 200);
    assert_eq!(payments_count(&app, &owner).await, 1);
}

async fn bad_stale_tampered_and_oversized_deliveries_are_refused_and_change_nothing(app: TestApp) {
    let (_t, owner, c) = configure(&app).await;
    let (_inv, att) = attempt(&app, &owner, &c, "10").await;
    let body = completed("evt_bad", &att, 1000);
    let now = chrono::Utc::now().timestamp();
    let wrong_secret =
        stripe_webhook::Webhook::generate_test_header(&body, "whsec_someone_else", None);
    assert_eq!(deliver(&app, &body, &wrong_secret).await.status, 400);
    let stale = stripe_webhook::Webhook::generate_test_header(&body, SECRET, Some(now - 301));
    assert_eq!(deliver(&app, &body, &stale).await.status, 400);
    let tampered = body.replace("1000", "100000");
    assert_eq!(
        deliver(&app, &tampered, &async_stripe_header(&body))
            .await
            .status,
        400
    );
    assert_eq!(deliver(&app, &body, "").await.status, 400);
    assert_eq!(deliver(&app, &body, "t=1,v1=zz").await.status, 400);
    let huge = format!("{{\"pad\":\"{}\"}}", "x".repeat(70 * 1024));
    assert_eq!(
        deliver(&app, &huge, &async_stripe_header(&huge))
            .await
            .status,
        413
    );
    let unknown = app
        .request(
            "POST",
            "/webhooks/stripe/nobody",
            &[("stripe-signature", &async_stripe_header(&body))],
            &body,
        )
        .await;
    assert_eq!(unknown.status, 404);
    // One route for every provider: an unknown provider, and gateways without webhooks, are 404s
    // that record nothing.
    for (path, says) in [
        ("/webhooks/paypal/alpha", "unknown payment provider"),
        ("/webhooks/demo/alpha", "this gateway has no webhooks"),
        (
            "/webhooks/bank_transfer/alpha",
            "this gateway has no webhooks",
        ),
    ] {
        let r = app
            .request(
                "POST",
                path,
                &[("stripe-signature", &async_stripe_header(&body))],
                &body,
            )
            .await;
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(r.body, says, "{path}");
    }
    assert_eq!(payments_count(&app, &owner).await, 0);
    // The genuine delivery still works afterwards (the refused ones recorded nothing).
    assert_eq!(
        deliver(&app, &body, &async_stripe_header(&body)).await.body,
        "applied"
    );
}

async fn reordered_events_never_move_an_attempt_backwards(app: TestApp) {
    let (_t, owner, c) = configure(&app).await;
    let status = "query($id: ID!) { paymentAttempt(id: $id) { status } }";
    let gid = |a: &str| portico::core::ids::encode("PaymentAttempt", a);
    // Success then a late failure: stays succeeded.
    let (_i, a) = attempt(&app, &owner, &c, "10").await;
    let ok = completed("evt_a1", &a, 1000);
    deliver(&app, &ok, &async_stripe_header(&ok)).await;
    let fail = event(
        "evt_a2",
        "payment_intent.payment_failed",
        json!({ "id": "pi_1", "metadata": { "attempt_id": a }, "last_payment_error": { "message": "declined" } }),
    );
    assert_eq!(
        deliver(&app, &fail, &async_stripe_header(&fail))
            .await
            .status,
        200
    );
    assert_eq!(
        app.ok(&c.payer_token, status, json!({ "id": gid(&a) }))
            .await["paymentAttempt"]["status"],
        "SUCCEEDED"
    );
    // Failure then success (the payer retried on Stripe's page): succeeds.
    let (_i, b) = attempt(&app, &owner, &c, "20").await;
    let fail = event(
        "evt_b1",
        "payment_intent.payment_failed",
        json!({ "id": "pi_2", "metadata": { "attempt_id": b }, "last_payment_error": { "message": "declined" } }),
    );
    deliver(&app, &fail, &async_stripe_header(&fail)).await;
    assert_eq!(
        app.ok(&c.payer_token, status, json!({ "id": gid(&b) }))
            .await["paymentAttempt"]["status"],
        "FAILED"
    );
    let ok = completed("evt_b2", &b, 2000);
    deliver(&app, &ok, &async_stripe_header(&ok)).await;
    assert_eq!(
        app.ok(&c.payer_token, status, json!({ "id": gid(&b) }))
            .await["paymentAttempt"]["status"],
        "SUCCEEDED"
    );
    // Refunds report a running total: 8.00 then (reordered) 5.00 refunds 8.00 once.
    let r50 = event(
        "evt_r2",
        "charge.refunded",
        json!({ "id": "ch_1", "amount_refunded": 800, "metadata": { "attempt_id": a } }),
    );
    let r30 = event(
        "evt_r1",
        "charge.refunded",
        json!({ "id": "ch_1", "amount_refunded": 500, "metadata": { "attempt_id": a } }),
    );
    assert_eq!(
        deliver(&app, &r50, &async_stripe_header(&r50)).await.body,
        "applied"
    );
    assert_eq!(
        deliver(&app, &r30, &async_stripe_header(&r30)).await.body,
        "refund already recorded"
    );
    let refunded = app
        .ok(
            &owner,
            "{ payments(first: 10) { edges { node { refunded { amount } } } } }",
            json!({}),
        )
        .await;
    let total: Vec<&str> = refunded["payments"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["node"]["refunded"]["amount"].as_str())
        .collect();
    assert!(total.contains(&"8.00"), "{refunded}");
    let too_much = event(
        "evt_r3",
        "charge.refunded",
        json!({ "id": "ch_1", "amount_refunded": 99_999, "metadata": { "attempt_id": a } }),
    );
    assert_eq!(
        deliver(&app, &too_much, &async_stripe_header(&too_much))
            .await
            .status,
        422,
        "a refund the ledger cannot take is reported, not retried blindly"
    );
    // A dispute is recorded and staff are told.
    let dispute = event(
        "evt_d",
        "charge.dispute.created",
        json!({ "id": "dp_1", "amount": 2000, "reason": "fraudulent", "metadata": { "attempt_id": b } }),
    );
    assert_eq!(
        deliver(&app, &dispute, &async_stripe_header(&dispute))
            .await
            .body,
        "applied"
    );
    let notes = app
        .ok(&owner, "{ notifications { kind } }", json!({}))
        .await;
    assert_eq!(notes["notifications"][0]["kind"], "payment.disputed");
}

async fn concurrent_duplicate_deliveries_record_one_payment(app: TestApp) {
    let (_t, owner, c) = configure(&app).await;
    let (_inv, att) = attempt(&app, &owner, &c, "75").await;
    let body = completed("evt_dup", &att, 7500);
    let header = async_stripe_header(&body);
    let deliveries = (0..6).map(|_| deliver(&app, &body, &header));
    let results = futures_util::future::join_all(deliveries).await;
    assert!(
        results.iter().all(|r| r.status == 200),
        "{:?}",
        results
            .iter()
            .map(|r| (r.status, r.body.clone()))
            .collect::<Vec<_>>()
    );
    assert_eq!(results.iter().filter(|r| r.body == "applied").count(), 1);
    assert_eq!(payments_count(&app, &owner).await, 1);
}

/// A gateway's amount and currency are checked, never trusted: a signed completion for another
/// currency or amount credits nothing and tells staff; the right one then pays once.
async fn a_reported_amount_or_currency_that_differs_is_a_discrepancy_not_a_payment(app: TestApp) {
    let (_t, owner, c) = configure(&app).await;
    let (inv, att) = attempt(&app, &owner, &c, "10").await;
    let jpy = json!({ "id": "evt_jpy", "object": "event", "type": "checkout.session.completed", "data": { "object": {
        "id": format!("cs_test_{att}"), "object": "checkout.session", "payment_status": "paid", "amount_total": 5_000_000_000_i64,
        "currency": "jpy", "metadata": { "attempt_id": att } } } }).to_string();
    let r = deliver(&app, &jpy, &async_stripe_header(&jpy)).await;
    assert_eq!(
        r.status.as_u16(),
        200,
        "answered, so the gateway does not retry forever"
    );
    let less = completed("evt_less", &att, 999);
    let r = deliver(&app, &less, &async_stripe_header(&less)).await;
    assert_eq!(r.status.as_u16(), 200);
    assert_eq!(payments_count(&app, &owner).await, 0, "nothing credited");
    let state = app
        .ok(
            &owner,
            "query($id: ID!) { invoice(id: $id) { status } } ",
            json!({ "id": inv }),
        )
        .await;
    assert_eq!(state["invoice"]["status"], "ISSUED");
    let told = app
        .ok(
            &owner,
            "{ notifications(first: 10) { kind } auditEvents(first: 20) { action } }",
            json!({}),
        )
        .await;
    let kinds: Vec<&str> = told["notifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .filter_map(|n| n["kind"].as_str())
        .collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == "payment.discrepancy")
            .count(),
        2,
        "{told}"
    );
    assert!(told["auditEvents"]
        .as_array()
        .expect("audit")
        .iter()
        .any(|e| e["action"] == "payment.discrepancy"));
    let right = completed("evt_right", &att, 1000);
    let r = deliver(&app, &right, &async_stripe_header(&right)).await;
    assert_eq!((r.status.as_u16(), r.body.as_str()), (200, "applied"));
    assert_eq!(payments_count(&app, &owner).await, 1);
}

both_backends!(
    a_reported_amount_or_currency_that_differs_is_a_discrepancy_not_a_payment,
    a_signed_completion_records_one_payment_and_duplicates_change_nothing,
    the_official_python_signature_is_accepted,
    bad_stale_tampered_and_oversized_deliveries_are_refused_and_change_nothing,
    reordered_events_never_move_an_attempt_backwards,
    concurrent_duplicate_deliveries_record_one_payment,
);

/// Two servers share PostgreSQL and Redis: a webhook received by one reaches a subscriber
/// connected to the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_on_one_instance_reaches_a_subscriber_on_another() {
    let Some(first) = TestApp::start(crate::common::Kind::Postgres).await else {
        return;
    };
    let (_t, owner, c) = configure(&first).await;
    let mut config = first.app.config.clone();
    config.database_url = first.database_url.clone();
    let second = portico::app::App::build(config)
        .await
        .expect("second instance");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = second.router();
    tokio::spawn(async move { axum::serve(listener, router).await });

    let mut ws = crate::common::ws::connect_with_token(addr, &owner).await;
    crate::common::ws::subscribe(
        &mut ws,
        "1",
        "subscription { paymentEvents { action amount { amount } } }",
    )
    .await;
    // The subscription registers asynchronously: deliver fresh payments until one is seen.
    for n in 0..50 {
        let (_inv, att) = attempt(&first, &owner, &c, "12").await;
        let body = completed(&format!("evt_x{n}"), &att, 1200);
        assert_eq!(
            deliver(&first, &body, &async_stripe_header(&body))
                .await
                .status,
            200
        );
        if let Some(v) = crate::common::ws::next_data(&mut ws, 500).await {
            assert_eq!(
                v["payload"]["data"]["paymentEvents"],
                json!({ "action": "recorded", "amount": { "amount": "12.00" } })
            );
            return;
        }
    }
    panic!("no event crossed from one instance to the other");
}
