//! Browser-only parts: GraphQL subscriptions over `/graphql/ws` (graphql-transport-ws; the browser
//! sends the session cookie and the portal's Origin) and the passkey ceremonies (`passkey.js`).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, WebSocket};

#[wasm_bindgen(module = "/public/passkey.js")]
extern "C" {
    #[wasm_bindgen(js_name = passkeyLogin)]
    async fn passkey_login_js(tenant: &str) -> JsValue;
    #[wasm_bindgen(js_name = passkeyRegister)]
    async fn passkey_register_js(tenant: &str, name: &str) -> JsValue;
}

fn outcome(v: JsValue) -> Result<(), String> {
    match v.as_string() {
        Some(s) if s.is_empty() => Ok(()),
        Some(s) => Err(s),
        None => Err("the passkey ceremony failed".into()),
    }
}

pub async fn passkey_login(tenant: &str) -> Result<(), String> {
    outcome(passkey_login_js(tenant).await)
}

pub async fn passkey_register(tenant: &str) -> Result<(), String> {
    let name = web_sys::window()
        .and_then(|w| w.navigator().user_agent().ok())
        .map(|ua| {
            let device = ["Android", "iPhone", "iPad", "Macintosh", "Windows", "Linux"]
                .into_iter()
                .find(|d| ua.contains(d))
                .unwrap_or("Device");
            format!("Passkey on {device}")
        })
        .unwrap_or_else(|| "Passkey".into());
    outcome(passkey_register_js(tenant, &name).await)
}

/// Subscribes with `query`: `{"subscribed": true}` arrives on the returned channel once the
/// subscription is sent (after every reconnect), then each event's `data` (read it from a task the
/// component spawned). Reconnects after a drop (the page keeps its server-rendered data
/// meanwhile).
pub fn subscribe(
    query: &'static str,
    variables: serde_json::Value,
) -> futures_channel::mpsc::UnboundedReceiver<serde_json::Value> {
    let (tx, rx) = futures_channel::mpsc::unbounded();
    let on_next: Rc<RefCell<dyn FnMut(serde_json::Value)>> = Rc::new(RefCell::new(move |v| {
        let _ = tx.unbounded_send(v);
    }));
    connect(query, variables, on_next, Rc::new(std::cell::Cell::new(0)));
    rx
}

fn connect(
    query: &'static str,
    variables: serde_json::Value,
    on_next: Rc<RefCell<dyn FnMut(serde_json::Value)>>,
    // Failed connections in a row: reset by every acknowledged one, so only a dead server (or a
    // refused sign-in) stops the retries.
    failures: Rc<std::cell::Cell<u32>>,
) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let loc = window.location();
    let scheme = if loc.protocol().ok().as_deref() == Some("https:") {
        "wss"
    } else {
        "ws"
    };
    let host = loc.host().unwrap_or_default();
    let Ok(ws) = WebSocket::new_with_str(
        &format!("{scheme}://{host}/graphql/ws"),
        "graphql-transport-ws",
    ) else {
        return;
    };
    let opened = ws.clone();
    let onopen = Closure::<dyn FnMut()>::new(move || {
        let _ = opened.send_with_str(r#"{"type":"connection_init","payload":{}}"#);
    });
    ws.set_onopen(Some(onopen.as_ref().unchecked_ref()));
    onopen.forget();

    let sock = ws.clone();
    let vars = variables.clone();
    let acked = failures.clone();
    let next = on_next.clone();
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let Some(text) = e.data().as_string() else {
            return;
        };
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(&text) else {
            return;
        };
        match msg.get("type").and_then(|t| t.as_str()) {
            Some("connection_ack") => {
                acked.set(0);
                let sub = serde_json::json!({
                    "id": "1",
                    "type": "subscribe",
                    "payload": { "query": query, "variables": vars },
                });
                let _ = sock.send_with_str(&sub.to_string());
                // Tell the page it is live (it refetches once: nothing between render and now is missed).
                (next.borrow_mut())(serde_json::json!({ "subscribed": true }));
            }
            Some("ping") => {
                let _ = sock.send_with_str(r#"{"type":"pong"}"#);
            }
            Some("next") => {
                let data = msg
                    .get("payload")
                    .and_then(|p| p.get("data"))
                    .cloned()
                    .unwrap_or_default();
                (next.borrow_mut())(data);
            }
            _ => {}
        }
    });
    ws.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();

    let onclose = Closure::<dyn FnMut()>::new(move || {
        let attempt = failures.get();
        if attempt >= 20 {
            return;
        }
        failures.set(attempt + 1);
        let (q, v, n) = (query, variables.clone(), on_next.clone());
        let delay = 500 * (attempt as i32 + 1).min(10);
        let f = failures.clone();
        let retry = Closure::once_into_js(move || connect(q, v, n, f));
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                retry.unchecked_ref(),
                delay,
            );
        }
    });
    ws.set_onclose(Some(onclose.as_ref().unchecked_ref()));
    onclose.forget();
}

/// Waits `ms` milliseconds (a timer in the browser's event loop).
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
