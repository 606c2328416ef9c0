//! Cancelled work never poisons the connection pool (issue 10, item 0). A request whose client goes
//! away, or a store call dropped at any await point (while opening its transaction, between
//! statements, while committing), must leave every pooled connection outside a transaction, so
//! that every later request succeeds. Run on SQLite (the embedded default) and on PostgreSQL.

use std::time::Duration;

use crate::common::TestApp;
use portico::core::scope::Role;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Every delay from 0 to `max` microseconds, in a spread order, so cancellations land at every
/// await point of a store call (the exact point depends on the machine; the spread covers it).
fn delays(rounds: u64, max: u64) -> impl Iterator<Item = Duration> {
    (0..rounds).map(move |i| Duration::from_micros((i * 7919) % max))
}

async fn store_calls_dropped_anywhere_leave_the_pool_usable(app: TestApp) {
    let (tenant_id, _) = app.tenant("cancel-store").await;
    let store = app.app.store.clone();
    for (round, delay) in delays(400, 3_000).enumerate() {
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..6u64 {
            let store = store.clone();
            let tenant_id = tenant_id.clone();
            let delay = delay + Duration::from_micros(i * 37);
            tasks.spawn(async move {
                // A write (token) and a read (sign-in lookup), each dropped after `delay`.
                let _ = tokio::time::timeout(
                    delay,
                    store.create_token(&tenant_id, "cancelled", Role::Member, None),
                )
                .await;
                let _ = tokio::time::timeout(delay, store.tenant_by_id(&tenant_id)).await;
            });
        }
        while let Some(joined) = tasks.join_next().await {
            joined.unwrap_or_else(|e| panic!("round {round}: task failed: {e}"));
        }
    }
    // Every later call succeeds, on every connection of the pool.
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..40 {
        let store = store.clone();
        let tenant_id = tenant_id.clone();
        tasks.spawn(async move {
            store
                .create_token(&tenant_id, &format!("after {i}"), Role::Member, None)
                .await
                .map(|_| ())
        });
    }
    let mut failures = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        if let Err(e) = joined.expect("task") {
            failures.push(e.to_string());
        }
    }
    assert!(failures.is_empty(), "later calls failed: {failures:?}");
}

/// Writes a GraphQL POST on a raw connection and drops it after `delay`, before the answer.
async fn dropped_request(addr: std::net::SocketAddr, token: &str, body: &str, delay: Duration) {
    let Ok(mut sock) = tokio::net::TcpStream::connect(addr).await else {
        return;
    };
    let req = format!(
        "POST /graphql HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    if sock.write_all(req.as_bytes()).await.is_err() {
        return;
    }
    let mut buf = [0u8; 256];
    let _ = tokio::time::timeout(delay, sock.read(&mut buf)).await;
    // Dropping the socket here ends the request from the client's side.
}

async fn requests_dropped_by_their_clients_leave_the_server_healthy(app: TestApp) {
    let (tenant_id, owner) = app.tenant("cancel-http").await;
    let client = crate::common::party(&app, &tenant_id, &owner, "Cancel Co", "EUR").await;
    let addr = app.spawn_server().await;
    let write = json!({
        "query": "mutation($i: CreateClientInput!) { createClient(input: $i) { id } }",
        "variables": { "i": { "name": "Dropped", "email": "dropped@example.com", "currency": "EUR" } }
    })
    .to_string();
    let read = json!({ "query": "{ dashboard { currencies { currency amountDue { amount } } } }" })
        .to_string();
    for delay in delays(60, 4_000) {
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..10u64 {
            let (token, body) = if i % 2 == 0 {
                (owner.clone(), write.clone())
            } else {
                (client.admin_token.clone(), read.clone())
            };
            let delay = delay + Duration::from_micros(i * 53);
            tasks.spawn(async move { dropped_request(addr, &token, &body, delay).await });
        }
        while tasks.join_next().await.is_some() {}
    }
    // Forty ordinary requests, as staff and as a client, all answer without an error.
    for i in 0..40 {
        let data = if i % 2 == 0 {
            app.gql(
                &owner,
                "mutation($i: CreateClientInput!) { createClient(input: $i) { id } }",
                json!({ "i": { "name": format!("After {i}"), "email": format!("after{i}@example.com"), "currency": "EUR" } }),
            )
            .await
        } else {
            app.gql(
                &client.admin_token,
                "{ dashboard { currencies { currency amountDue { amount } } } }",
                json!({}),
            )
            .await
        };
        assert!(
            data.get("errors").is_none(),
            "request {i} after the dropped ones failed: {data}"
        );
    }
}

both_backends!(
    store_calls_dropped_anywhere_leave_the_pool_usable,
    requests_dropped_by_their_clients_leave_the_server_healthy,
);
