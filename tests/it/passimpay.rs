//! PassimPay's wire protocol, against a local server that verifies every signature: an order is
//! created with the amount as PassimPay reads it, its status follows coins arriving in part and
//! in full, or its expiry; a client with another secret is refused. (The gateway, its callbacks
//! and reconciliation build on this client: issue 14.)

use crate::common::passimpay::FakePassimpay;
use portico::domain::{Currency, Money};
use portico::payments::gateways::passimpay_client::{OrderStatus, PassimpayClient};

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
