//! Crypto payments through PassimPay, against a local server that speaks its wire protocol and
//! verifies every signature: the client's calls; the gateway's orders, signed callbacks (paid
//! once, duplicates, forgeries, part-paid, waiting), reconciliation of a lost callback and of an
//! expired order; and gateway health with the fake turned off and on.

use std::time::Duration;

use crate::common::passimpay::FakePassimpay;
use crate::common::{invoice, party, Kind, Party, TestApp};
use portico::domain::{Currency, Money};
use portico::payments::gateways::passimpay_client::{OrderStatus, PassimpayClient};
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_are_created_and_followed_over_the_signed_protocol() {
    let fake = FakePassimpay::start(4242, "platform-secret").await;
    let client = PassimpayClient {
        api_base: fake.url(),
        platform_id: 4242,
        secret: "platform-secret".into(),
    };
    let eur = Currency::parse("EUR").expect("EUR");
    let url = client
        .create_order(
            "att-1",
            Money::new(12050, eur),
            Some(("Ivy", "ivy@example.com")),
        )
        .await
        .expect("created");
    assert_eq!(url, format!("{}/pay/att-1", fake.url()));
    let page = reqwest::get(&url)
        .await
        .expect("page")
        .text()
        .await
        .unwrap_or_default();
    assert!(page.contains("Pay 120.50 EUR"), "{page}");
    let sent = fake.seen();
    assert_eq!(sent[0].1["amount"], "120.50");
    assert_eq!(sent[0].1["symbol"], "EUR");
    assert_eq!(sent[0].1["customerEmail"], "ivy@example.com");
    // Creating it again (a retry) keeps the one order.
    client
        .create_order("att-1", Money::new(12050, eur), None)
        .await
        .expect("again");
    assert_eq!(fake.order("att-1").map(|o| o.amount), Some("120.50".into()));

    assert_eq!(
        client.order_status("att-1", 2).await.expect("status"),
        OrderStatus::Waiting
    );
    fake.receive("att-1", "60.25");
    assert_eq!(
        client.order_status("att-1", 2).await.expect("status"),
        OrderStatus::Waiting,
        "part-paid is still waiting"
    );
    fake.receive("att-1", "120.5");
    assert_eq!(
        client.order_status("att-1", 2).await.expect("status"),
        OrderStatus::Paid {
            amount_minor: Some(12050)
        }
    );
    client
        .create_order("att-2", Money::new(500, eur), None)
        .await
        .expect("created");
    fake.expire("att-2");
    assert_eq!(
        client.order_status("att-2", 2).await.expect("status"),
        OrderStatus::Failed
    );

    // Another secret: every call is refused, and nothing is created.
    let forged = PassimpayClient {
        secret: "not-the-secret".into(),
        ..client
    };
    assert!(forged
        .create_order("att-3", Money::new(100, eur), None)
        .await
        .is_err());
    assert!(fake.order("att-3").is_none());
    assert!(forged.order_status("att-1", 2).await.is_err());
}

const PLATFORM: i64 = 4242;
const SECRET: &str = "platform-secret";
const START: &str =
    "mutation($i: StartPaymentInput!) { startPayment(input: $i) { id status redirectUrl } }";

async fn crypto_app(kind: Kind) -> Option<(TestApp, FakePassimpay)> {
    let fake = FakePassimpay::start(PLATFORM, SECRET).await;
    let url = fake.url();
    let mut app = TestApp::start_with(kind, |c| c.passimpay_api_base = url).await?;
    // The tests work the queues themselves, on the controllable clock.
    app.stop_workers();
    Some((app, fake))
}

/// Business `alpha` with PassimPay set up, and a client.
async fn business(app: &TestApp) -> (String, Party) {
    let (t, owner) = app.tenant("alpha").await;
    for (platform, secret) in [
        ("abc", SECRET),
        ("0", SECRET),
        ("4242", "short"),
        ("4242", "with space inside"),
    ] {
        let code = app
            .err_code(
                &owner,
                "mutation($p: String!, $s: String!) { setPassimpayCredentials(platformId: $p, secretKey: $s) }",
                json!({ "p": platform, "s": secret }),
            )
            .await;
        assert_eq!(code, "BAD_USER_INPUT", "{platform} / {secret}");
    }
    let c = party(app, &t, &owner, "Helios", "EUR").await;
    let before = app
        .ok(&c.payer_token, "{ paymentSettings { methods } }", json!({}))
        .await;
    assert!(!methods(&before, "methods").contains(&"CRYPTO".to_owned()));
    app.ok(
        &owner,
        "mutation($p: String!, $s: String!) { setPassimpayCredentials(platformId: $p, secretKey: $s) }",
        json!({ "p": PLATFORM.to_string(), "s": SECRET }),
    )
    .await;
    (owner, c)
}

fn methods(data: &Value, field: &str) -> Vec<String> {
    data["paymentSettings"][field]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Starts a crypto payment of one new invoice of `amount`: (attempt global id, order id).
async fn pay_crypto(app: &TestApp, owner: &str, c: &Party, amount: &str) -> (String, String) {
    let (gid, raw, _) = start_crypto(app, owner, c, amount).await;
    (gid, raw)
}

/// Like `pay_crypto`, with where the payer is sent.
async fn start_crypto(
    app: &TestApp,
    owner: &str,
    c: &Party,
    amount: &str,
) -> (String, String, String) {
    let inv = invoice(app, owner, &c.client_gid, amount, true).await;
    let data = app
        .ok(
            &c.payer_token,
            START,
            json!({ "i": { "invoiceIds": [inv], "method": "CRYPTO" } }),
        )
        .await;
    let gid = data["startPayment"]["id"].as_str().expect("id").to_owned();
    let raw = portico::core::ids::decode(&async_graphql::ID(gid.clone()), "PaymentAttempt")
        .expect("attempt id");
    let redirect = data["startPayment"]["redirectUrl"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    (gid, raw, redirect)
}

async fn attempt(app: &TestApp, c: &Party, gid: &str) -> Value {
    app.ok(
        &c.payer_token,
        "query($id: ID!) { paymentAttempt(id: $id) { status method failureReason payment { number method } } }",
        json!({ "id": gid }),
    )
    .await["paymentAttempt"]
        .clone()
}

async fn payment_count(app: &TestApp, owner: &str) -> usize {
    app.ok(
        owner,
        "{ payments(first: 50) { edges { node { id } } } }",
        json!({}),
    )
    .await["payments"]["edges"]
        .as_array()
        .map_or(0, Vec::len)
}

async fn callbacks_trigger_and_passimpay_decides(app: TestApp, fake: FakePassimpay) {
    let (owner, c) = business(&app).await;
    let settings = app
        .ok(
            &c.payer_token,
            "{ paymentSettings { methods unavailableMethods } }",
            json!({}),
        )
        .await;
    assert!(
        methods(&settings, "methods").contains(&"CRYPTO".to_owned()),
        "{settings}"
    );
    let (gid, order, redirect) = start_crypto(&app, &owner, &c, "120.50").await;
    let started = attempt(&app, &c, &gid).await;
    assert_eq!(started["status"], "PROCESSING");
    assert_eq!(started["method"], "CRYPTO");
    // The order, as PassimPay reads it: the attempt's id, two decimals, the invoice's currency,
    // crypto only, and the payer.
    let (path, sent) = fake.seen().last().cloned().expect("an order was created");
    assert_eq!(path, "/v2/createorder");
    assert_eq!(sent["orderId"], order.as_str());
    assert_eq!(sent["amount"], "120.50");
    assert_eq!(sent["symbol"], "EUR");
    assert_eq!(sent["type"], 1);
    assert_eq!(sent["platformId"], PLATFORM);
    assert_eq!(sent["customerEmail"], "payer@helios.example");
    assert_eq!(redirect, format!("{}/pay/{order}", fake.url()));

    let addr = app.spawn_server().await;
    let hook = format!("http://{addr}/webhooks/passimpay/alpha");
    // A callback while PassimPay says `wait`: taken, nothing paid.
    assert_eq!(fake.callback(&hook, &order, "tx0", SECRET).await, 200);
    assert_eq!(attempt(&app, &c, &gid).await["status"], "PROCESSING");
    // Part-paid is still waiting.
    fake.receive(&order, "60.25");
    assert_eq!(fake.callback(&hook, &order, "tx1", SECRET).await, 200);
    assert_eq!(attempt(&app, &c, &gid).await["status"], "PROCESSING");
    // Paid in full, but the callback is forged (another secret): refused, nothing recorded.
    fake.receive(&order, "120.50");
    let asked = fake.seen().len();
    assert_eq!(
        fake.callback(&hook, &order, "tx2", "another-secret").await,
        400
    );
    assert_eq!(
        fake.seen().len(),
        asked,
        "a forged callback never reaches PassimPay"
    );
    assert_eq!(attempt(&app, &c, &gid).await["status"], "PROCESSING");
    assert_eq!(payment_count(&app, &owner).await, 0);
    // The real callback: PassimPay says paid, the payment is recorded once.
    assert_eq!(fake.callback(&hook, &order, "tx2", SECRET).await, 200);
    let paid = attempt(&app, &c, &gid).await;
    assert_eq!(paid["status"], "SUCCEEDED", "{paid}");
    assert_eq!(paid["payment"]["method"], "CRYPTO");
    // Duplicates, and a callback for another transaction of the same order: nothing more.
    assert_eq!(fake.callback(&hook, &order, "tx2", SECRET).await, 200);
    assert_eq!(fake.callback(&hook, &order, "tx3", SECRET).await, 200);
    assert_eq!(payment_count(&app, &owner).await, 1);
    let inv = app
        .ok(
            &owner,
            "{ invoices(first: 5) { nodes { status balance { amount } } } }",
            json!({}),
        )
        .await;
    assert_eq!(inv["invoices"]["nodes"][0]["status"], "PAID", "{inv}");
    // An order that is not one of this business's crypto payments.
    assert_eq!(
        fake.callback(&hook, "no-such-order", "tx9", SECRET).await,
        404
    );

    // Refunds of crypto payments are recorded by staff; nothing is sent to PassimPay.
    let pid = app
        .ok(
            &owner,
            "{ payments(first: 5) { edges { node { id } } } }",
            json!({}),
        )
        .await["payments"]["edges"][0]["node"]["id"]
        .as_str()
        .expect("payment")
        .to_owned();
    let asked = fake.seen().len();
    let refunded = app
        .ok(
            &owner,
            "mutation($p: ID!) { refundPayment(paymentId: $p, amount: \"20.50\", reason: \"sent back in USDT\") { refunded { amount } } }",
            json!({ "p": pid }),
        )
        .await;
    assert_eq!(refunded["refundPayment"]["refunded"]["amount"], "20.50");
    assert_eq!(fake.seen().len(), asked);
}

async fn reconciliation_finds_what_callbacks_missed(app: TestApp, fake: FakePassimpay) {
    let (owner, c) = business(&app).await;
    let checks = portico::payments::checks::runner(app.app.shared());
    let clock = app.app.clock().clone();

    // Paid, but the callback never came: the check a minute later finds it.
    let (lost, lost_order) = pay_crypto(&app, &owner, &c, "30").await;
    fake.receive(&lost_order, "30.00");
    assert_eq!(
        checks.tick().await.expect("tick").worked(),
        0,
        "not due yet"
    );
    clock.advance(Duration::from_secs(61));
    let tick = checks.tick().await.expect("tick");
    assert_eq!(tick.done, 1, "{tick:?}");
    assert_eq!(attempt(&app, &c, &lost).await["status"], "SUCCEEDED");
    assert_eq!(payment_count(&app, &owner).await, 1);
    // A late callback for it changes nothing.
    let addr = app.spawn_server().await;
    let hook = format!("http://{addr}/webhooks/passimpay/alpha");
    assert_eq!(
        fake.callback(&hook, &lost_order, "tx-late", SECRET).await,
        200
    );
    assert_eq!(payment_count(&app, &owner).await, 1);

    // Still waiting: looked at again later; then the order expires.
    let (expiring, expiring_order) = pay_crypto(&app, &owner, &c, "12").await;
    clock.advance(Duration::from_secs(61));
    let tick = checks.tick().await.expect("tick");
    assert_eq!((tick.done, tick.retried), (0, 1), "{tick:?}");
    assert_eq!(attempt(&app, &c, &expiring).await["status"], "PROCESSING");
    fake.expire(&expiring_order);
    assert_eq!(
        checks.tick().await.expect("tick").worked(),
        0,
        "backing off"
    );
    clock.advance(Duration::from_secs(61));
    assert_eq!(checks.tick().await.expect("tick").done, 1);
    let failed = attempt(&app, &c, &expiring).await;
    assert_eq!(failed["status"], "FAILED");
    assert_eq!(
        failed["failureReason"],
        "the crypto payment expired or was cancelled"
    );

    // Nothing for three days: the checks stop and the attempt fails; a payment arriving after
    // all still succeeds it.
    let (silent, silent_order) = pay_crypto(&app, &owner, &c, "8").await;
    clock.advance(Duration::from_secs(3 * 24 * 3600 + 60));
    let tick = checks.tick().await.expect("tick");
    assert_eq!(tick.given_up, 1, "{tick:?}");
    assert_eq!(attempt(&app, &c, &silent).await["status"], "FAILED");
    fake.receive(&silent_order, "8");
    assert_eq!(
        fake.callback(&hook, &silent_order, "tx-after", SECRET)
            .await,
        200
    );
    assert_eq!(attempt(&app, &c, &silent).await["status"], "SUCCEEDED");
    assert_eq!(payment_count(&app, &owner).await, 2);
}

async fn a_gateway_that_is_down_is_hidden_until_a_probe_succeeds(
    app: TestApp,
    fake: FakePassimpay,
) {
    let (owner, c) = business(&app).await;
    let probes = portico::payments::health::runner(app.app.shared());
    let clock = app.app.clock().clone();
    let settings = "{ paymentSettings { methods unavailableMethods } }";
    fake.set_down(true);
    for _ in 0..3 {
        let inv = invoice(&app, &owner, &c.client_gid, "5", true).await;
        let body = app
            .gql(
                &c.payer_token,
                START,
                json!({ "i": { "invoiceIds": [inv], "method": "CRYPTO" } }),
            )
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "CONFLICT",
            "{body}"
        );
    }
    let s = app.ok(&c.payer_token, settings, json!({})).await;
    assert!(
        !methods(&s, "methods").contains(&"CRYPTO".to_owned()),
        "{s}"
    );
    assert_eq!(methods(&s, "unavailableMethods"), vec!["CRYPTO".to_owned()]);
    let staff = app
        .ok(
            &owner,
            "{ paymentSettings { gatewayProblems { method lastError nextCheck } } }",
            json!({}),
        )
        .await;
    let problem = &staff["paymentSettings"]["gatewayProblems"][0];
    assert_eq!(problem["method"], "CRYPTO", "{staff}");
    assert!(
        problem["lastError"]
            .as_str()
            .unwrap_or_default()
            .contains("503"),
        "{staff}"
    );
    let client_view = app
        .ok(
            &c.payer_token,
            "{ paymentSettings { gatewayProblems { method } } }",
            json!({}),
        )
        .await;
    assert_eq!(client_view["paymentSettings"]["gatewayProblems"], json!([]));
    let kinds = |v: &Value| -> Vec<String> {
        v["notifications"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|n| n["kind"].as_str())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let n = app
        .ok(&owner, "{ notifications { kind } }", json!({}))
        .await;
    assert_eq!(
        kinds(&n).iter().filter(|k| *k == "gateway.down").count(),
        1,
        "{n}"
    );
    // Never moved silently: a new crypto payment is refused with the reason, and PassimPay is
    // not even asked.
    let asked = fake.seen().len();
    let inv = invoice(&app, &owner, &c.client_gid, "5", true).await;
    let body = app
        .gql(
            &c.payer_token,
            START,
            json!({ "i": { "invoiceIds": [inv.clone()], "method": "CRYPTO" } }),
        )
        .await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("temporarily unavailable"),
        "{body}"
    );
    assert_eq!(fake.seen().len(), asked);
    // Still down at the first probe; back at the next once PassimPay answers again.
    assert_eq!(probes.tick().await.expect("tick").worked(), 0, "cool-down");
    clock.advance(Duration::from_secs(61));
    assert_eq!(probes.tick().await.expect("tick").retried, 1);
    let s = app.ok(&c.payer_token, settings, json!({})).await;
    assert_eq!(methods(&s, "unavailableMethods"), vec!["CRYPTO".to_owned()]);
    fake.set_down(false);
    clock.advance(Duration::from_secs(121));
    assert_eq!(probes.tick().await.expect("tick").done, 1);
    let s = app.ok(&c.payer_token, settings, json!({})).await;
    assert!(methods(&s, "methods").contains(&"CRYPTO".to_owned()), "{s}");
    assert!(methods(&s, "unavailableMethods").is_empty(), "{s}");
    let n = app
        .ok(&owner, "{ notifications { kind } }", json!({}))
        .await;
    assert!(kinds(&n).contains(&"gateway.up".to_owned()), "{n}");
    app.ok(
        &c.payer_token,
        START,
        json!({ "i": { "invoiceIds": [inv], "method": "CRYPTO" } }),
    )
    .await;

    // Failures must be in a row: two, a success, two more leave it offered.
    for down in [true, true, false, true, true] {
        fake.set_down(down);
        let inv = invoice(&app, &owner, &c.client_gid, "5", true).await;
        let _ = app
            .gql(
                &c.payer_token,
                START,
                json!({ "i": { "invoiceIds": [inv], "method": "CRYPTO" } }),
            )
            .await;
    }
    let s = app.ok(&c.payer_token, settings, json!({})).await;
    assert!(methods(&s, "methods").contains(&"CRYPTO".to_owned()), "{s}");
}

macro_rules! passimpay_tests {
    ($($name:ident => $body:ident),* $(,)?) => {
        mod gateway {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    for kind in [Kind::Sqlite, Kind::Postgres] {
                        if let Some((app, fake)) = crypto_app(kind).await {
                            $body(app, fake).await;
                        }
                    }
                }
            )*
        }
    };
}

passimpay_tests! {
    callbacks => callbacks_trigger_and_passimpay_decides,
    reconciliation => reconciliation_finds_what_callbacks_missed,
    health => a_gateway_that_is_down_is_hidden_until_a_probe_succeeds,
}
