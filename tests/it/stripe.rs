//! Stripe Checkout over Stripe's wire protocol, against a local fake Stripe server that checks
//! the request shape (form encoding, amount, currency, metadata, URLs), the secret key and the
//! Idempotency-Key header, and answers like Stripe (the same key gives the same session).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::common::{invoice, party, TestApp};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use serde_json::json;

#[derive(Default)]
struct Fake {
    /// Idempotency key → session id, like Stripe's idempotency layer.
    sessions: HashMap<String, String>,
    requests: Vec<(HeaderMap, String)>,
    fail_next: bool,
    /// While above zero, Checkout Sessions answer 503 (an outage), one fewer each time.
    down_for: usize,
}

type Shared = Arc<Mutex<Fake>>;

fn form(body: &str) -> HashMap<String, String> {
    body.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn decode(s: &str) -> String {
    let s = s.replace('+', " ");
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..(i + 3).min(s.len())], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn create_session(
    State(fake): State<Shared>,
    headers: HeaderMap,
    body: String,
) -> axum::response::Response {
    let mut fake = fake.lock().expect("lock");
    fake.requests.push((headers.clone(), body.clone()));
    if fake.down_for > 0 {
        fake.down_for -= 1;
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({ "error": { "type": "api_error", "message": "maintenance" } })),
        )
            .into_response();
    }
    if fake.fail_next {
        fake.fail_next = false;
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            axum::Json(json!({ "error": { "type": "api_error", "message": "try again" } })),
        )
            .into_response();
    }
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer sk_test_123") {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(
                json!({ "error": { "type": "invalid_request_error", "message": "bad key" } }),
            ),
        )
            .into_response();
    }
    let Some(key) = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return (StatusCode::BAD_REQUEST, axum::Json(json!({ "error": { "type": "invalid_request_error", "message": "no idempotency key" } }))).into_response();
    };
    let f = form(&body);
    let id = fake
        .sessions
        .entry(key)
        .or_insert_with(|| format!("cs_test_{}", uuid::Uuid::new_v4().simple()))
        .clone();
    let session = json!({
        "id": id, "object": "checkout.session", "amount_total": f.get("line_items[0][price_data][unit_amount]").and_then(|a| a.parse::<i64>().ok()),
        "automatic_tax": { "enabled": false, "liability": null, "provider": null, "status": null },
        "created": 1_760_000_000, "currency": f.get("line_items[0][price_data][currency]"), "custom_fields": [],
        "custom_text": { "after_submit": null, "shipping_address": null, "submit": null, "terms_of_service_acceptance": null },
        "expires_at": 1_760_086_400, "livemode": false, "metadata": {}, "mode": "payment", "payment_method_types": ["card"],
        "payment_status": "unpaid", "shipping_options": [], "status": "open", "url": format!("https://checkout.stripe.test/c/pay/{id}")
    });
    axum::Json(session).into_response()
}

async fn create_refund(
    State(fake): State<Shared>,
    headers: HeaderMap,
    body: String,
) -> axum::response::Response {
    let mut fake = fake.lock().expect("lock");
    fake.requests.push((headers.clone(), body.clone()));
    if fake.fail_next {
        fake.fail_next = false;
        let error = json!({ "error": { "type": "invalid_request_error", "message": "charge already refunded" } });
        return (StatusCode::PAYMENT_REQUIRED, axum::Json(error)).into_response();
    }
    if headers.get("idempotency-key").is_none() {
        let error = json!({ "error": { "type": "invalid_request_error", "message": "no idempotency key" } });
        return (StatusCode::BAD_REQUEST, axum::Json(error)).into_response();
    }
    let f = form(&body);
    axum::Json(json!({ "id": "re_test_1", "object": "refund", "amount": f.get("amount").and_then(|a| a.parse::<i64>().ok()),
        "created": 1_760_000_000, "currency": "eur", "payment_intent": f.get("payment_intent"), "status": "succeeded" }))
    .into_response()
}

async fn fake_stripe() -> (String, Shared) {
    let fake: Shared = Arc::default();
    let router = axum::Router::new()
        .route("/v1/checkout/sessions", axum::routing::post(create_session))
        .route("/v1/refunds", axum::routing::post(create_refund))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, router).await });
    (format!("http://{addr}"), fake)
}

async fn a_card_payment_opens_a_checkout_session_with_an_idempotency_key(
    app: TestApp,
    fake: Shared,
) {
    let (t, owner) = app.tenant("alpha").await;
    app.ok(
        &owner,
        "mutation { setStripeCredentials(secretKey: \"sk_test_123\", webhookSecret: \"whsec_x\") }",
        json!({}),
    )
    .await;
    let c = party(&app, &t, &owner, "Helios", "EUR").await;
    let inv = invoice(&app, &owner, &c.client_gid, "42", true).await;
    let start =
        "mutation($i: StartPaymentInput!) { startPayment(input: $i) { id status redirectUrl } }";
    let data = app
        .ok(
            &c.payer_token,
            start,
            json!({ "i": { "invoiceIds": [inv], "method": "STRIPE" } }),
        )
        .await;
    let attempt = portico::core::ids::decode(
        &async_graphql::ID(data["startPayment"]["id"].as_str().expect("id").to_owned()),
        "PaymentAttempt",
    )
    .expect("uuid");
    assert!(
        data["startPayment"]["redirectUrl"]
            .as_str()
            .unwrap_or_default()
            .starts_with("https://checkout.stripe.test/c/pay/cs_test_"),
        "{data}"
    );
    let (headers, body) = fake
        .lock()
        .expect("lock")
        .requests
        .last()
        .cloned()
        .expect("a request reached Stripe");
    assert_eq!(
        headers.get("idempotency-key").and_then(|v| v.to_str().ok()),
        Some(format!("portico-attempt-{attempt}").as_str())
    );
    assert!(headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .starts_with("application/x-www-form-urlencoded"));
    let f = form(&body);
    for (k, v) in [
        ("mode", "payment"),
        ("line_items[0][price_data][currency]", "eur"),
        ("line_items[0][price_data][unit_amount]", "4200"),
        ("line_items[0][quantity]", "1"),
        ("metadata[attempt_id]", attempt.as_str()),
        (
            "payment_intent_data[metadata][attempt_id]",
            attempt.as_str(),
        ),
        ("client_reference_id", attempt.as_str()),
    ] {
        assert_eq!(f.get(k).map(String::as_str), Some(v), "{k} in {body}");
    }
    assert_eq!(
        f.get("success_url").map(String::as_str),
        Some(
            format!(
                "http://localhost/alpha/pay/return/{}",
                portico::core::ids::encode("PaymentAttempt", &attempt).0
            )
            .as_str()
        )
    );
    // Stripe unreachable or failing: the attempt fails with a clear reason and can be retried.
    fake.lock().expect("lock").fail_next = true;
    let inv2 = invoice(&app, &owner, &c.client_gid, "10", true).await;
    let body = app
        .gql(
            &c.payer_token,
            start,
            json!({ "i": { "invoiceIds": [inv2], "method": "STRIPE" } }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "CONFLICT",
        "{body}"
    );
    let attempts = app
        .ok(
            &c.payer_token,
            "{ paymentAttempts { status failureReason } }",
            json!({}),
        )
        .await;
    assert_eq!(
        attempts["paymentAttempts"][0]["status"], "FAILED",
        "{attempts}"
    );

    // Stripe reports the payment (with its payment intent); staff refund part of it through Stripe.
    let completed = json!({ "id": "evt_paid", "object": "event", "type": "checkout.session.completed", "data": { "object": {
        "id": "cs_x", "payment_status": "paid", "amount_total": 4200, "payment_intent": "pi_test_1", "metadata": { "attempt_id": attempt } } } })
    .to_string();
    let header = stripe_webhook::Webhook::generate_test_header(&completed, "whsec_x", None);
    let r = app
        .request(
            "POST",
            "/webhooks/stripe/alpha",
            &[("stripe-signature", &header)],
            &completed,
        )
        .await;
    assert_eq!((r.status.as_u16(), r.body.as_str()), (200, "applied"));
    let payment = app
        .ok(&owner, "{ payments { edges { node { id } } } }", json!({}))
        .await["payments"]["edges"][0]["node"]["id"]
        .clone();
    let refund = "mutation($p: ID!, $a: Decimal!) { refundPayment(paymentId: $p, amount: $a) { refunded { amount } } }";
    fake.lock().expect("lock").fail_next = true;
    assert_eq!(
        app.err_code(&owner, refund, json!({ "p": payment, "a": "10" }))
            .await,
        "CONFLICT",
        "Stripe refused: nothing recorded"
    );
    let done = app
        .ok(&owner, refund, json!({ "p": payment, "a": "10" }))
        .await;
    assert_eq!(done["refundPayment"]["refunded"]["amount"], "10.00");
    let (headers, body) = fake
        .lock()
        .expect("lock")
        .requests
        .last()
        .cloned()
        .expect("refund request");
    let f = form(&body);
    assert_eq!(
        (
            f.get("payment_intent").map(String::as_str),
            f.get("amount").map(String::as_str)
        ),
        (Some("pi_test_1"), Some("1000"))
    );
    assert!(headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .starts_with("portico-refund-"));
    // Stripe's own refund event afterwards finds nothing new.
    let refunded = json!({ "id": "evt_ref", "object": "event", "type": "charge.refunded", "data": { "object": {
        "id": "ch_1", "amount_refunded": 1000, "payment_intent": "pi_test_1", "metadata": { "attempt_id": attempt } } } })
    .to_string();
    let header = stripe_webhook::Webhook::generate_test_header(&refunded, "whsec_x", None);
    let r = app
        .request(
            "POST",
            "/webhooks/stripe/alpha",
            &[("stripe-signature", &header)],
            &refunded,
        )
        .await;
    assert_eq!(r.body, "refund already recorded");
    let after = app
        .ok(
            &owner,
            "{ payments { edges { node { refunded { amount } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        after["payments"]["edges"][0]["node"]["refunded"]["amount"],
        "10.00"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_checkout() {
    let (url, fake) = fake_stripe().await;
    let Some(app) =
        TestApp::start_with(crate::common::Kind::Sqlite, |c| c.stripe_api_base = url).await
    else {
        return;
    };
    a_card_payment_opens_a_checkout_session_with_an_idempotency_key(app, fake).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_checkout() {
    let (url, fake) = fake_stripe().await;
    let Some(app) =
        TestApp::start_with(crate::common::Kind::Postgres, |c| c.stripe_api_base = url).await
    else {
        return;
    };
    a_card_payment_opens_a_checkout_session_with_an_idempotency_key(app, fake).await;
}

/// Stripe answering 503 three times in a row takes card payments off the pay page (staff are
/// told); a probe that reaches Stripe again brings them back. A 4xx refusal is not an outage.
async fn a_stripe_outage_hides_card_payments_until_a_probe_succeeds(
    mut app: TestApp,
    fake: Shared,
) {
    app.stop_workers();
    let (t, owner) = app.tenant("alpha").await;
    app.ok(
        &owner,
        "mutation { setStripeCredentials(secretKey: \"sk_test_123\", webhookSecret: \"whsec_x\") }",
        json!({}),
    )
    .await;
    let c = party(&app, &t, &owner, "Helios", "EUR").await;
    let start = "mutation($i: StartPaymentInput!) { startPayment(input: $i) { id } }";
    let settings = "{ paymentSettings { methods unavailableMethods } }";
    fake.lock().expect("lock").down_for = 3;
    for _ in 0..3 {
        let inv = invoice(&app, &owner, &c.client_gid, "10", true).await;
        let body = app
            .gql(
                &c.payer_token,
                start,
                json!({ "i": { "invoiceIds": [inv], "method": "STRIPE" } }),
            )
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "CONFLICT",
            "{body}"
        );
    }
    let s = app.ok(&c.payer_token, settings, json!({})).await;
    assert_eq!(
        s["paymentSettings"]["unavailableMethods"],
        json!(["STRIPE"]),
        "{s}"
    );
    let n = app
        .ok(&owner, "{ notifications { kind } }", json!({}))
        .await;
    assert!(
        n["notifications"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x["kind"] == "gateway.down")),
        "{n}"
    );
    // Stripe answers again (its balance endpoint says 404 here: an answer, so it is up).
    let probes = portico::payments::health::runner(app.app.shared());
    app.app.clock().advance(std::time::Duration::from_secs(61));
    assert_eq!(probes.tick().await.expect("tick").done, 1);
    let s = app.ok(&c.payer_token, settings, json!({})).await;
    assert_eq!(s["paymentSettings"]["unavailableMethods"], json!([]), "{s}");
    assert!(s["paymentSettings"]["methods"]
        .as_array()
        .is_some_and(|m| m.contains(&json!("STRIPE"))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stripe_outage_on_both_backends() {
    for kind in [crate::common::Kind::Sqlite, crate::common::Kind::Postgres] {
        let (url, fake) = fake_stripe().await;
        if let Some(app) = TestApp::start_with(kind, |c| c.stripe_api_base = url).await {
            a_stripe_outage_hides_card_payments_until_a_probe_succeeds(app, fake).await;
        }
    }
}
