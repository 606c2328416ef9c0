//! A GraphQL-over-WebSocket client for tests (`graphql-transport-ws`, a real socket).

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens `/graphql/ws` with extra request headers and sends `connection_init` with `payload`;
/// returns the socket and whether the server acknowledged.
pub async fn connect(
    addr: std::net::SocketAddr,
    headers: &[(&str, &str)],
    payload: Value,
) -> (Socket, bool) {
    let mut req = format!("ws://{addr}/graphql/ws")
        .into_client_request()
        .expect("request");
    req.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    for (k, v) in headers {
        let name = tokio_tungstenite::tungstenite::http::HeaderName::from_bytes(k.as_bytes())
            .expect("header name");
        req.headers_mut().insert(name, v.parse().expect("header"));
    }
    let (mut ws, _) = tokio_tungstenite::connect_async(req)
        .await
        .expect("connect");
    ws.send(Message::text(
        json!({ "type": "connection_init", "payload": payload }).to_string(),
    ))
    .await
    .expect("init");
    let reply = tokio::time::timeout(std::time::Duration::from_secs(5), ws.next())
        .await
        .ok()
        .flatten();
    let acked = matches!(reply, Some(Ok(Message::Text(ref t))) if t.contains("connection_ack"));
    (ws, acked)
}

/// Connects with a bearer token and asserts the server acknowledged.
pub async fn connect_with_token(addr: std::net::SocketAddr, token: &str) -> Socket {
    let (ws, acked) = connect(addr, &[], json!({ "token": token })).await;
    assert!(acked, "the server did not acknowledge the connection");
    ws
}

pub async fn subscribe(ws: &mut Socket, id: &str, query: &str) {
    ws.send(Message::text(
        json!({ "id": id, "type": "subscribe", "payload": { "query": query } }).to_string(),
    ))
    .await
    .expect("subscribe");
}

/// The next `next` message (subscription data) within `millis`, if any.
pub async fn next_data(ws: &mut Socket, millis: u64) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_millis(millis);
    loop {
        let msg = tokio::time::timeout_at(deadline, ws.next()).await.ok()??;
        if let Ok(Message::Text(t)) = msg {
            let v: Value = serde_json::from_str(&t).ok()?;
            if v["type"] == "next" {
                return Some(v);
            }
        }
    }
}
