//! The API's contract on both backends: listing with filters, sorting and keyset pagination;
//! tenant and client isolation; bad input; limits; DataLoader statement counts; the checked-in
//! schema; HTTP rules; row-level security; subscriptions over a real WebSocket.

use crate::common::{invoice, invoice_with, party, Kind, TestApp};
use futures_util::StreamExt;
use portico::core::scope::Role;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message as WsMessage;

const LIST: &str = "query($f: InvoiceFilterInput, $o: InvoiceOrderInput, $first: Int, $after: String) {
  invoices(filter: $f, orderBy: $o, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { number total { minor } dueDate } } } }";

fn numbers(data: &Value) -> Vec<String> {
    data["invoices"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["node"]["number"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn invoices_filter_search_sort_and_paginate_without_gaps(app: TestApp) {
    let (tenant, owner) = app.tenant("acme").await;
    let c = party(&app, &tenant, &owner, "Helios", "EUR").await;
    let other = party(&app, &tenant, &owner, "Kyklos", "EUR").await;
    for i in 0..12u32 {
        let issue = format!("2026-01-{:02}", i + 1);
        let due = format!("2026-02-{:02}", 12 - i);
        let desc = if i % 4 == 0 {
            "Roof repair"
        } else {
            "Consulting"
        };
        invoice_with(
            &app,
            &owner,
            &c.client_gid,
            &format!("{}", 100 + (i % 5) * 10),
            &issue,
            &due,
            desc,
            i % 3 != 0,
        )
        .await;
    }
    invoice(&app, &owner, &other.client_gid, "999", true).await;

    // Keyset pages by total (ties broken by id) cover everything once, in order.
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let data = app.ok(&owner, LIST, json!({ "o": { "field": "TOTAL", "direction": "DESC" }, "first": 5, "after": after })).await;
        assert_eq!(data["invoices"]["totalCount"], 13);
        for e in data["invoices"]["edges"].as_array().into_iter().flatten() {
            seen.push((
                e["node"]["total"]["minor"].as_i64().unwrap_or_default(),
                e["node"]["number"].as_str().unwrap_or_default().to_owned(),
            ));
        }
        if !data["invoices"]["pageInfo"]["hasNextPage"]
            .as_bool()
            .unwrap_or(false)
        {
            break;
        }
        after = data["invoices"]["pageInfo"]["endCursor"]
            .as_str()
            .map(str::to_owned);
    }
    assert_eq!(seen.len(), 13);
    assert!(seen.windows(2).all(|w| w[0].0 >= w[1].0), "{seen:?}");
    let mut unique: Vec<_> = seen.iter().map(|s| s.1.clone()).collect();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 13);

    let drafts = app
        .ok(
            &owner,
            LIST,
            json!({ "f": { "status": ["DRAFT"], "clientId": c.client_gid } }),
        )
        .await;
    assert_eq!(drafts["invoices"]["totalCount"], 4);
    let search = app
        .ok(&owner, LIST, json!({ "f": { "search": "ROOF" } }))
        .await;
    assert_eq!(search["invoices"]["totalCount"], 3);
    let by_number = app
        .ok(&owner, LIST, json!({ "f": { "search": "inv-2026-0000" } }))
        .await;
    assert_eq!(by_number["invoices"]["totalCount"], 9);
    let wildcard = app
        .ok(&owner, LIST, json!({ "f": { "search": "%" } }))
        .await;
    assert_eq!(wildcard["invoices"]["totalCount"], 0);
    let period = app.ok(&owner, LIST, json!({ "f": { "issuedFrom": "2026-01-03", "issuedTo": "2026-01-05" }, "o": { "field": "ISSUE_DATE" } })).await;
    assert_eq!(
        numbers(&period),
        vec!["INV-2026-00003", "INV-2026-00004", "INV-2026-00005"]
    );
    let due = app.ok(&owner, LIST, json!({ "f": { "dueTo": "2026-02-02" }, "o": { "field": "DUE_DATE", "direction": "ASC" } })).await;
    assert_eq!(numbers(&due), vec!["INV-2026-00012", "INV-2026-00011"]);
    let overdue = app
        .ok(&owner, LIST, json!({ "f": { "overdue": true } }))
        .await;
    assert_eq!(
        overdue["invoices"]["totalCount"], 9,
        "issued, unpaid and due in Feb 2026 or earlier"
    );
    // A contact sees its own client's issued invoices only.
    let mine = app.ok(&c.viewer_token, LIST, json!({})).await;
    assert_eq!(mine["invoices"]["totalCount"], 8);
    let forged = app
        .ok(
            &c.viewer_token,
            LIST,
            json!({ "f": { "clientId": other.client_gid } }),
        )
        .await;
    assert_eq!(forged["invoices"]["totalCount"], 0);
    assert_eq!(
        app.err_code(&owner, LIST, json!({ "after": "bm9wZQ" }))
            .await,
        "BAD_USER_INPUT"
    );
    assert_eq!(
        app.err_code(&owner, LIST, json!({ "first": 101 })).await,
        "BAD_USER_INPUT"
    );
}

async fn another_tenant_cannot_read_list_search_mutate_or_subscribe_to_anything(app: TestApp) {
    let (ta, owner_a) = app.tenant("alpha").await;
    let (_tb, owner_b) = app.tenant("beta").await;
    let a = party(&app, &ta, &owner_a, "Helios", "EUR").await;
    let inv = invoice(&app, &owner_a, &a.client_gid, "100", true).await;
    let number = app
        .ok(
            &owner_a,
            "query($id: ID!) { invoice(id: $id) { number } }",
            json!({ "id": inv }),
        )
        .await["invoice"]["number"]
        .clone();
    app.ok(
        &owner_a,
        "mutation($s: ID!) { postMessage(subjectId: $s, body: \"hello\") { id } }",
        json!({ "s": inv }),
    )
    .await;

    let reads = [
        (
            "query($id: ID!) { invoice(id: $id) { id } }",
            json!({ "id": inv }),
            "invoice",
        ),
        (
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": inv }),
            "node",
        ),
        (
            "query($id: ID!) { client(id: $id) { id } }",
            json!({ "id": a.client_gid }),
            "client",
        ),
        (
            "query($n: String!) { invoiceByNumber(number: $n) { id } }",
            json!({ "n": number }),
            "invoiceByNumber",
        ),
    ];
    for (q, v, field) in reads {
        let data = app.ok(&owner_b, q, v).await;
        assert_eq!(data[field], Value::Null, "{q}");
    }
    let list = app
        .ok(
            &owner_b,
            LIST,
            json!({ "f": { "clientId": a.client_gid, "search": "INV" } }),
        )
        .await;
    assert_eq!(list["invoices"]["totalCount"], 0);
    for q in [
        "{ clients { edges { node { id } } } }",
        "{ payments { edges { node { id } } } }",
        "{ estimates { edges { node { id } } } }",
        "{ creditNotes { edges { node { id } } } }",
    ] {
        let data = app.ok(&owner_b, q, json!({})).await;
        let key = data
            .as_object()
            .and_then(|o| o.keys().next().cloned())
            .unwrap_or_default();
        assert_eq!(data[&key]["edges"], json!([]), "{q}");
    }
    assert_eq!(
        app.ok(&owner_b, "{ threads { id } projects { id } }", json!({}))
            .await,
        json!({ "threads": [], "projects": [] })
    );
    let stmt = app.err_code(&owner_b, "query($c: ID!) { statement(clientId: $c, from: \"2026-01-01\", to: \"2026-12-31\") { closingBalance { amount } } }", json!({ "c": a.client_gid })).await;
    assert_eq!(stmt, "NOT_FOUND");
    let dash = app
        .ok(
            &owner_b,
            "{ dashboard { currencies { currency } countsByStatus { count } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        dash["dashboard"],
        json!({ "currencies": [], "countsByStatus": [] })
    );

    let mutations = [
        (
            "mutation($id: ID!) { voidInvoice(id: $id) { id } }",
            json!({ "id": inv }),
        ),
        (
            "mutation($id: ID!) { issueInvoice(id: $id) { id } }",
            json!({ "id": inv }),
        ),
        (
            "mutation($s: ID!) { postMessage(subjectId: $s, body: \"x\") { id } }",
            json!({ "s": inv }),
        ),
        (
            "mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { id } }",
            json!({ "i": { "clientId": a.client_gid, "amount": "1", "method": "CASH", "currency": "EUR" } }),
        ),
        (
            "mutation($i: CreateInvoiceInput!) { createInvoice(input: $i) { id } }",
            json!({ "i": { "clientId": a.client_gid, "currency": "EUR" } }),
        ),
    ];
    for (q, v) in mutations {
        assert_eq!(app.err_code(&owner_b, q, v).await, "NOT_FOUND", "{q}");
    }
    let still = app
        .ok(
            &owner_a,
            "query($id: ID!) { invoice(id: $id) { status } payments { edges { node { id } } } }",
            json!({ "id": inv }),
        )
        .await;
    assert_eq!(
        still,
        json!({ "invoice": { "status": "ISSUED" }, "payments": { "edges": [] } })
    );
}

async fn a_contact_sees_only_its_own_client(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let a = party(&app, &t, &owner, "Helios", "EUR").await;
    let b = party(&app, &t, &owner, "Kyklos", "EUR").await;
    let ib = invoice(&app, &owner, &b.client_gid, "100", true).await;
    let data = app.ok(&a.admin_token, "query($id: ID!, $c: ID!) { invoice(id: $id) { id } node(id: $id) { id } client(id: $c) { id } clients { edges { node { name } } } }", json!({ "id": ib, "c": b.client_gid })).await;
    assert_eq!(
        data,
        json!({ "invoice": null, "node": null, "client": null, "clients": { "edges": [{ "node": { "name": "Helios" } }] } })
    );
    let dash = app
        .ok(
            &a.admin_token,
            "query($c: ID) { dashboard(clientId: $c) { currencies { amountDue { amount } } } }",
            json!({ "c": b.client_gid }),
        )
        .await;
    assert_eq!(dash["dashboard"]["currencies"], json!([]));
    // Contacts cannot change the ledger.
    let code = app
        .err_code(
            &a.admin_token,
            "mutation($i: CreateClientInput!) { createClient(input: $i) { id } }",
            json!({ "i": { "name": "X", "currency": "EUR" } }),
        )
        .await;
    assert_eq!(code, "FORBIDDEN");
    let code = app
        .err_code(
            &a.payer_token,
            "mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { id } }",
            json!({ "i": { "clientId": a.client_gid, "amount": "1", "method": "CASH" } }),
        )
        .await;
    assert_eq!(code, "FORBIDDEN");
    let viewer = app
        .ok(
            &a.viewer_token,
            "{ viewer { role client { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        viewer["viewer"],
        json!({ "role": "contact_viewer", "client": { "name": "Helios" } })
    );
}

async fn bad_input_gets_a_coded_error_and_writes_nothing(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let c = party(&app, &t, &owner, "Helios", "EUR").await;
    let create = "mutation($i: CreateInvoiceInput!) { createInvoice(input: $i) { id } }";
    let line = |price: &str, qty: &str| json!({ "i": { "clientId": c.client_gid, "lines": [{ "description": "x", "quantity": qty, "unitPrice": price }] } });
    let long = "x".repeat(20_001);
    let cases = vec![
        ("malformed id", json!({ "i": { "clientId": "not-an-id" } })),
        (
            "wrong id type",
            json!({ "i": { "clientId": portico::core::ids::encode("Invoice", &c.client_id).0 } }),
        ),
        ("negative price", line("-5", "1")),
        ("negative quantity", line("5", "-1")),
        ("overflowing price", line("99999999999999999999", "1")),
        ("overflowing total", line("92233720368547758", "1000")),
        ("too many decimals", line("1.001", "1")),
        ("float-ish exponent", line("1e3", "1")),
        ("not a number", line("ten", "1")),
        (
            "unknown currency",
            json!({ "i": { "clientId": c.client_gid, "currency": "XYZ" } }),
        ),
        (
            "oversized notes",
            json!({ "i": { "clientId": c.client_gid, "notes": long } }),
        ),
        (
            "oversized description",
            json!({ "i": { "clientId": c.client_gid, "lines": [{ "description": "d".repeat(201), "quantity": "1", "unitPrice": "1" }] } }),
        ),
        (
            "invalid date",
            json!({ "i": { "clientId": c.client_gid, "issueDate": "2026-02-30" } }),
        ),
        (
            "due before issue",
            json!({ "i": { "clientId": c.client_gid, "issueDate": "2026-02-10", "dueDate": "2026-02-01" } }),
        ),
        (
            "bad number",
            json!({ "i": { "clientId": c.client_gid, "number": "INV 1; DROP" } }),
        ),
    ];
    for (what, vars) in cases {
        let code = app.err_code(&owner, create, vars).await;
        assert_eq!(code, "BAD_USER_INPUT", "{what}");
    }
    let pay = "mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { id } }";
    for amount in ["0", "-10", "abc", "1.234"] {
        let code = app
            .err_code(
                &owner,
                pay,
                json!({ "i": { "clientId": c.client_gid, "amount": amount, "method": "CASH" } }),
            )
            .await;
        assert_eq!(code, "BAD_USER_INPUT", "{amount}");
    }
    let code = app
        .err_code(
            &owner,
            "mutation($i: CreateClientInput!) { createClient(input: $i) { id } }",
            json!({ "i": { "name": "Y", "currency": "eur", "email": "not-an-email" } }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    let data = app.ok(&owner, "{ invoices { totalCount } payments { edges { node { id } } } clients { edges { node { name } } } }", json!({})).await;
    assert_eq!(
        data,
        json!({ "invoices": { "totalCount": 0 }, "payments": { "edges": [] }, "clients": { "edges": [{ "node": { "name": "Helios" } }] } })
    );
}

async fn limits_refuse_deep_wide_aliased_and_batched_requests(app: TestApp) {
    let (_, owner) = app.tenant("alpha").await;
    let deep = "{ invoices { edges { node { payments { payment { allocations { invoice { payments { payment { allocations { invoice { client { name } } } } } } } } } } } } }";
    assert_eq!(
        app.err_code(&owner, deep, json!({})).await,
        "BAD_USER_INPUT"
    );
    let aliases: String = (0..31)
        .map(|i| format!("a{i}: viewer {{ role }} "))
        .collect();
    let body = app
        .gql(&owner, &format!("{{ {aliases} }}"), json!({}))
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("aliases"),
        "{body}"
    );
    let batch: Vec<Value> = (0..11)
        .map(|_| json!({ "query": "{ viewer { role } }" }))
        .collect();
    let (status, body) = app
        .post(
            Some(&owner),
            "application/json",
            Value::Array(batch).to_string(),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    let small: Vec<Value> = (0..2)
        .map(|_| json!({ "query": "{ viewer { role } }" }))
        .collect();
    let (status, body) = app
        .post(
            Some(&owner),
            "application/json",
            Value::Array(small).to_string(),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body[1]["data"]["viewer"]["role"], "owner");
}

async fn a_page_of_invoices_with_lines_payments_and_client_costs_constant_statements(
    mut app: TestApp,
) {
    // The background queues' polling would count too.
    app.stop_workers();
    let (t, owner) = app.tenant("alpha").await;
    let mut clients = Vec::new();
    for name in ["Helios", "Kyklos", "Nordlicht"] {
        clients.push(party(&app, &t, &owner, name, "EUR").await);
    }
    let query = "query($n: Int) { invoices(first: $n) { edges { node { number client { name } lines { description total { amount } } payments { amount { amount } payment { number } } } } } }";
    let measure = |n: i64| {
        let (app, owner) = (&app, owner.clone());
        async move {
            let before = app.app.store.statement_count();
            let data = app.ok(&owner, query, json!({ "n": n })).await;
            assert_eq!(
                data["invoices"]["edges"].as_array().map(Vec::len),
                Some(n as usize)
            );
            app.app.store.statement_count() - before
        }
    };
    let mut made = 0;
    for round in 0..50 {
        let c = &clients[round % 3];
        let id = invoice(&app, &owner, &c.client_gid, "100", true).await;
        if round % 2 == 0 {
            app.ok(&owner, "mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { id } }", json!({ "i": { "clientId": c.client_gid, "amount": "10", "method": "CASH", "allocations": [{ "invoiceId": id, "amount": "10" }] } })).await;
        }
        made += 1;
        if made == 5 {
            break;
        }
    }
    let small = measure(5).await;
    for round in 5..50 {
        let c = &clients[round % 3];
        let id = invoice(&app, &owner, &c.client_gid, "100", true).await;
        if round % 2 == 0 {
            app.ok(&owner, "mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { id } }", json!({ "i": { "clientId": c.client_gid, "amount": "10", "method": "CASH", "allocations": [{ "invoiceId": id, "amount": "10" }] } })).await;
        }
    }
    let large = measure(50).await;
    assert_eq!(
        small, large,
        "statements for 5 invoices ({small}) and for 50 ({large}) must be equal"
    );
    assert!(large <= 16, "a page costs {large} statements");
}

async fn unauthenticated_and_non_json_requests_are_refused(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let (status, body) = app
        .post(
            None,
            "application/json",
            json!({ "query": "{ viewer { role } }" }).to_string(),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    let (status, body) = app
        .post(
            Some("pt_nope"),
            "application/json",
            json!({ "query": "{ viewer { role } }" }).to_string(),
        )
        .await;
    assert_eq!(
        (
            status.as_u16(),
            body["errors"][0]["extensions"]["code"].clone()
        ),
        (401, json!("UNAUTHENTICATED"))
    );
    let mutation = json!({ "query": "mutation { createClient(input: { name: \"Sneaky\", currency: \"EUR\" }) { id } }" }).to_string();
    for ct in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ] {
        let (status, _) = app.post(Some(&owner), ct, mutation.clone()).await;
        assert_eq!(status, 415, "{ct}");
    }
    let (status, _) = app
        .post(Some(&owner), "application/json", "{not json".into())
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        app.ok(&owner, "{ clients { edges { node { id } } } }", json!({}))
            .await["clients"]["edges"],
        json!([])
    );
    // Revoked or other-tenant-shaped tokens do not authenticate.
    let other_tenant_token = owner.replacen(&t.replace('-', ""), &"0".repeat(32), 1);
    let (status, _) = app
        .post(
            Some(&other_tenant_token),
            "application/json",
            json!({ "query": "{ viewer { role } }" }).to_string(),
        )
        .await;
    assert_eq!(status, 401);
    // Introspection: staff yes, contacts no.
    let c = party(&app, &t, &owner, "Helios", "EUR").await;
    assert!(app
        .gql(&owner, "{ __schema { queryType { name } } }", json!({}))
        .await
        .get("errors")
        .is_none());
    let hidden = app
        .gql(
            &c.viewer_token,
            "{ __schema { queryType { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(hidden["data"]["__schema"], Value::Null, "{hidden}");
}

async fn audit_events_record_who_changed_what(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let c = party(&app, &t, &owner, "Helios", "EUR").await;
    let id = invoice(&app, &owner, &c.client_gid, "100", true).await;
    let data = app
        .ok(
            &owner,
            "query($s: ID) { auditEvents(subjectId: $s) { action actorKind } }",
            json!({ "s": id }),
        )
        .await;
    assert_eq!(
        data["auditEvents"],
        json!([{ "action": "invoice.issued", "actorKind": "staff" }, { "action": "invoice.created", "actorKind": "staff" }])
    );
    let member = app.token(&t, Role::Member, None).await;
    assert_eq!(
        app.err_code(&member, "{ auditEvents { action } }", json!({}))
            .await,
        "FORBIDDEN"
    );
}

async fn subscribers_receive_their_own_tenants_events_over_websocket(app: TestApp) {
    let (ta, owner_a) = app.tenant("alpha").await;
    let (tb, owner_b) = app.tenant("beta").await;
    let a = party(&app, &ta, &owner_a, "Helios", "EUR").await;
    let a2 = party(&app, &ta, &owner_a, "Kyklos", "EUR").await;
    let b = party(&app, &tb, &owner_b, "Borealis", "EUR").await;
    let addr = app.spawn_server().await;

    async fn subscribe(
        addr: std::net::SocketAddr,
        token: &str,
        field: &str,
    ) -> impl futures_util::Stream<Item = Value> + Unpin {
        let mut ws = crate::common::ws::connect_with_token(addr, token).await;
        let query = format!("subscription {{ {field} {{ topic action subjectId clientId status amount {{ amount currency }} }} }}");
        crate::common::ws::subscribe(&mut ws, "1", &query).await;
        Box::pin(ws.filter_map(|m| async move {
            match m {
                Ok(WsMessage::Text(t)) => serde_json::from_str::<Value>(&t)
                    .ok()
                    .filter(|v| v["type"] == "next"),
                _ => None,
            }
        }))
    }

    let mut staff_a = subscribe(addr, &owner_a, "invoiceEvents").await;
    let mut contact_a2 = subscribe(addr, &a2.viewer_token, "invoiceEvents").await;
    let mut staff_b = subscribe(addr, &owner_b, "invoiceEvents").await;
    let mut payments_a = subscribe(addr, &owner_a, "paymentEvents").await;
    // Subscriptions are registered asynchronously: publish until the first event arrives.
    let first = loop {
        let id = invoice(&app, &owner_a, &a.client_gid, "100", false).await;
        if let Ok(Some(ev)) =
            tokio::time::timeout(std::time::Duration::from_millis(500), staff_a.next()).await
        {
            break (id, ev);
        }
    };
    assert_eq!(
        first.1["payload"]["data"]["invoiceEvents"]["subjectId"],
        first.0
    );
    app.ok(
        &owner_a,
        "mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { id } }",
        json!({ "i": { "clientId": a.client_gid, "amount": "5", "method": "CASH" } }),
    )
    .await;
    let pay = tokio::time::timeout(std::time::Duration::from_secs(10), payments_a.next())
        .await
        .expect("payment event")
        .expect("event");
    assert_eq!(
        pay["payload"]["data"]["paymentEvents"]["action"],
        "recorded"
    );
    assert_eq!(
        pay["payload"]["data"]["paymentEvents"]["amount"],
        json!({ "amount": "5.00", "currency": "EUR" })
    );
    // Tenant B's event reaches B only; then A's contact of client a2 gets a2's event but never a's.
    let ib = invoice(&app, &owner_b, &b.client_gid, "7", false).await;
    let got_b = tokio::time::timeout(std::time::Duration::from_secs(10), staff_b.next())
        .await
        .expect("b event")
        .expect("event");
    assert_eq!(got_b["payload"]["data"]["invoiceEvents"]["subjectId"], ib);
    // A draft is the business's own: its contact hears of the invoice once it is issued.
    let i2 = invoice(&app, &owner_a, &a2.client_gid, "9", true).await;
    let got_a2 = tokio::time::timeout(std::time::Duration::from_secs(10), contact_a2.next())
        .await
        .expect("a2 event")
        .expect("event");
    assert_eq!(
        got_a2["payload"]["data"]["invoiceEvents"]["subjectId"], i2,
        "the contact's first event is its own client's"
    );
    assert_eq!(
        got_a2["payload"]["data"]["invoiceEvents"]["status"], "issued",
        "not the draft's creation"
    );
    // Staff A saw its own events in order and never B's.
    let mut rest = Vec::new();
    while let Ok(Some(ev)) =
        tokio::time::timeout(std::time::Duration::from_millis(300), staff_a.next()).await
    {
        rest.push(ev["payload"]["data"]["invoiceEvents"]["subjectId"].clone());
    }
    assert!(rest.contains(&json!(i2)));
    assert!(!rest.contains(&json!(ib)), "{rest:?}");
    // A bad token cannot subscribe.
    let (_ws, acked) = crate::common::ws::connect(addr, &[], json!({ "token": "pt_bad" })).await;
    assert!(!acked, "a bad token is not acknowledged");
}

/// The standard introspection query (as GraphiQL and code generators send it) loads for staff;
/// data queries stay limited to 12 levels, and introspection has its own bound.
async fn the_standard_introspection_query_loads_and_depth_stays_bounded(app: TestApp) {
    let (_t, owner) = app.tenant("alpha").await;
    let introspection = "query IntrospectionQuery { __schema { queryType { name } mutationType { name } subscriptionType { name } types { ...FullType } directives { name description locations args { ...InputValue } } } } \
        fragment FullType on __Type { kind name description fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason } inputFields { ...InputValue } interfaces { ...TypeRef } enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason } possibleTypes { ...TypeRef } } \
        fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue } \
        fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }";
    let loaded = app.ok(&owner, introspection, json!({})).await;
    let types = loaded["__schema"]["types"].as_array().expect("types");
    assert!(types.iter().any(|t| t["name"] == "Invoice"));
    // Data nested 15 levels deep is refused, as before.
    let deep = "{ invoices(first: 1) { nodes { payments { payment { allocations { invoice { payments { payment { allocations { invoice { payments { payment { allocations { invoice { number } } } } } } } } } } } } } }";
    assert_eq!(
        app.err_code(&owner, deep, json!({})).await,
        "BAD_USER_INPUT"
    );
    // Introspection nested far beyond any real type reference is refused too.
    let mut nested = String::from("kind");
    for _ in 0..30 {
        nested = format!("kind ofType {{ {nested} }}");
    }
    let absurd = format!("{{ __type(name: \"Invoice\") {{ {nested} }} }}");
    assert_eq!(
        app.err_code(&owner, &absurd, json!({})).await,
        "BAD_USER_INPUT"
    );
}

/// GraphQL over HTTP: a client accepting `application/graphql-response+json` gets that media type,
/// with 400 for a document that cannot run (parse or validation errors) and 200 otherwise; older
/// clients keep `application/json` and 200.
async fn graphql_response_json_is_served_to_clients_that_ask_for_it(app: TestApp) {
    let (_t, owner) = app.tenant("alpha").await;
    let auth = format!("Bearer {owner}");
    let ask = |query: &str, accept: &'static str| {
        let body = json!({ "query": query }).to_string();
        let auth = auth.clone();
        let app = &app;
        async move {
            app.request(
                "POST",
                "/graphql",
                &[
                    ("content-type", "application/json"),
                    ("authorization", auth.as_str()),
                    ("accept", accept),
                ],
                &body,
            )
            .await
        }
    };
    let gqlr = "application/graphql-response+json, application/json;q=0.9";
    let broken = ask("{ viewer { role ", gqlr).await;
    assert_eq!(broken.status, 400, "{}", broken.body);
    assert!(broken
        .header("content-type")
        .unwrap_or_default()
        .starts_with("application/graphql-response+json"));
    let invalid = ask("{ noSuchField }", gqlr).await;
    assert_eq!(invalid.status, 400, "{}", invalid.body);
    let fine = ask("{ viewer { role } }", gqlr).await;
    assert_eq!(fine.status, 200);
    assert_eq!(fine.json()["data"]["viewer"]["role"], "owner");
    let old = ask("{ viewer { role ", "application/json").await;
    assert_eq!(old.status, 200, "old clients keep 200");
    assert_eq!(
        old.header("content-type").as_deref(),
        Some("application/json")
    );
}

/// Every amount has a documented maximum (99,999,999,999.99 in a two-decimal currency), and a sum
/// that would not fit 64 bits (rows from before the bound, or imported) answers a coded error,
/// never INTERNAL, and the portal's pages never a 500 (issue 10, item 1).
async fn amounts_are_bounded_and_oversized_sums_answer_a_coded_error(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let c = party(&app, &t, &owner, "Helios", "EUR").await;
    let record = "mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { id } }";
    let pay = |amount: &str| json!({ "i": { "clientId": c.client_gid, "amount": amount, "method": "CASH" } });
    for too_much in ["92233720368547758.07", "100000000000"] {
        let body = app.gql(&owner, record, pay(too_much)).await;
        let err = &body["errors"][0];
        assert_eq!(err["extensions"]["code"], "BAD_USER_INPUT", "{body}");
        assert_eq!(err["extensions"]["field"], "amount", "{body}");
        assert!(
            err["message"]
                .as_str()
                .unwrap_or_default()
                .contains("EUR 99999999999.99"),
            "{body}"
        );
    }
    let none = app
        .ok(&owner, "{ payments { edges { node { id } } } }", json!({}))
        .await;
    assert_eq!(none["payments"]["edges"], json!([]), "nothing was recorded");
    app.ok(&owner, record, pay("99999999999.99")).await;
    app.ok(&owner, record, pay("99999999999.99")).await;
    // Two rows that together exceed 64 bits.
    app.exec_in_tenant(
        &t,
        "UPDATE payments SET amount_minor = 5000000000000000000, unallocated_minor = 5000000000000000000",
    )
    .await;
    for (token, query) in [
        (
            &owner,
            "{ dashboard { currencies { creditAvailable { amount } } } }",
        ),
        (&owner, "{ clientBalances { name due { amount } } }"),
        (
            &c.admin_token,
            "{ dashboard { currencies { creditAvailable { amount } } } }",
        ),
    ] {
        let body = app.gql(token, query, json!({})).await;
        let err = &body["errors"][0];
        assert_eq!(
            err["extensions"]["code"], "BAD_USER_INPUT",
            "{query}: {body}"
        );
        assert_eq!(err["extensions"]["reason"], "OVERFLOW", "{query}: {body}");
        assert_eq!(
            err["message"], "the amounts are too large to add up",
            "{query}: {body}"
        );
    }
    app.app
        .store
        .create_staff_user(
            &t,
            &portico::domain::Email::parse("sam@alpha.example").expect("email"),
            "Sam",
            Role::Owner,
        )
        .await
        .expect("staff");
    for (email, path) in [
        ("sam@alpha.example", "/alpha/"),
        ("sam@alpha.example", "/alpha/staff/clients"),
        ("admin@helios.example", "/alpha/"),
    ] {
        let cookie = app.sign_in("alpha", email).await;
        let page = app
            .request("GET", path, &[("cookie", cookie.as_str())], "")
            .await;
        assert!(
            page.status.is_client_error(),
            "{path} as {email}: {}",
            page.status
        );
        assert!(
            page.body.contains("too large to add up"),
            "{path} as {email} says why"
        );
    }
}

/// Search folds Greek (and any) text the same way on both databases: case, accents and final
/// sigma do not matter, in numbers, references and line descriptions; rows written before the
/// folded text was kept are filled when Portico starts.
async fn search_matches_greek_text_alike_on_both_backends(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let c = party(&app, &t, &owner, "Helios", "EUR").await;
    let roof = invoice_with(
        &app,
        &owner,
        &c.client_gid,
        "100",
        "2026-01-10",
        "2026-02-09",
        "Επισκευή ΣΤΈΓΗΣ",
        true,
    )
    .await;
    let cafe = invoice_with(
        &app,
        &owner,
        &c.client_gid,
        "50",
        "2026-01-11",
        "2026-02-10",
        "Café crème",
        true,
    )
    .await;
    invoice(&app, &owner, &c.client_gid, "10", true).await;
    let found = |q: &'static str| {
        let (app, owner) = (&app, &owner);
        async move {
            let data = app
                .ok(
                    owner,
                    "query($q: String) { invoices(first: 50, filter: { search: $q }) { edges { node { id } } } }",
                    json!({ "q": q }),
                )
                .await;
            let mut ids: Vec<String> = data["invoices"]["edges"]
                .as_array()
                .expect("edges")
                .iter()
                .map(|e| e["node"]["id"].as_str().expect("id").to_owned())
                .collect();
            ids.sort();
            ids
        }
    };
    for q in ["στέγης", "ΣΤΕΓΗΣ", "στεγη", "επισκευη στεγ", "Στέγησ"]
    {
        assert_eq!(found(q).await, vec![roof.clone()], "{q}");
    }
    for q in ["CAFE", "crème", "creme"] {
        assert_eq!(found(q).await, vec![cafe.clone()], "{q}");
    }
    // Rows from before: filled at start.
    app.exec_in_tenant(&t, "UPDATE invoices SET search_text = NULL")
        .await;
    assert!(found("στεγη").await.is_empty());
    portico::app::migrate(&app.app.store)
        .await
        .expect("migrate");
    assert_eq!(found("στεγη").await, vec![roof.clone()]);
}

/// A statement's entries can be limited to the latest ones (what a page shows of a long period),
/// with the count of all of them; the running balances are those of the whole period.
async fn a_statement_gives_its_latest_entries_and_how_many_there_are(app: TestApp) {
    let (t, owner) = app.tenant("alpha").await;
    let c = party(&app, &t, &owner, "Helios", "EUR").await;
    for (price, day) in [("10", "05"), ("20", "06"), ("30", "07")] {
        invoice_with(
            &app,
            &owner,
            &c.client_gid,
            price,
            &format!("2026-01-{day}"),
            "2026-02-09",
            "Work",
            true,
        )
        .await;
    }
    let q = "query($c: ID!, $n: Int) { statement(clientId: $c, from: \"2026-01-01\", to: \"2026-01-31\") { lineCount lines(last: $n) { balance { amount } } all: lines { reference } } }";
    let data = app
        .ok(&owner, q, json!({ "c": c.client_gid, "n": 2 }))
        .await;
    let s = &data["statement"];
    assert_eq!(s["lineCount"], 3);
    assert_eq!(s["all"].as_array().map(Vec::len), Some(3));
    assert_eq!(
        s["lines"],
        json!([{ "balance": { "amount": "30.00" } }, { "balance": { "amount": "60.00" } }])
    );
    for bad in [0, 5001, -1] {
        let code = app
            .err_code(&owner, q, json!({ "c": c.client_gid, "n": bad }))
            .await;
        assert_eq!(code, "BAD_USER_INPUT", "{bad}");
    }
}

both_backends!(
    a_statement_gives_its_latest_entries_and_how_many_there_are,
    search_matches_greek_text_alike_on_both_backends,
    amounts_are_bounded_and_oversized_sums_answer_a_coded_error,
    graphql_response_json_is_served_to_clients_that_ask_for_it,
    the_standard_introspection_query_loads_and_depth_stays_bounded,
    invoices_filter_search_sort_and_paginate_without_gaps,
    another_tenant_cannot_read_list_search_mutate_or_subscribe_to_anything,
    a_contact_sees_only_its_own_client,
    bad_input_gets_a_coded_error_and_writes_nothing,
    limits_refuse_deep_wide_aliased_and_batched_requests,
    a_page_of_invoices_with_lines_payments_and_client_costs_constant_statements,
    unauthenticated_and_non_json_requests_are_refused,
    audit_events_record_who_changed_what,
    subscribers_receive_their_own_tenants_events_over_websocket,
);

#[test]
fn the_checked_in_schema_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema.graphql");
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == portico::graphql::sdl(),
        "schema.graphql is stale: run `cargo run -q -p portico -- schema > schema.graphql`"
    );
}

/// Row-level security on PostgreSQL: a query that forgets its tenant filter still sees only the
/// current tenant's rows, and nothing at all when no tenant is set.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_row_level_security_hides_other_tenants_from_unfiltered_queries() {
    let Some(app) = TestApp::start(Kind::Postgres).await else {
        return;
    };
    let (ta, owner_a) = app.tenant("alpha").await;
    let (tb, owner_b) = app.tenant("beta").await;
    let a = party(&app, &ta, &owner_a, "Helios", "EUR").await;
    let b = party(&app, &tb, &owner_b, "Borealis", "EUR").await;
    invoice(&app, &owner_a, &a.client_gid, "1", true).await;
    invoice(&app, &owner_b, &b.client_gid, "2", true).await;
    invoice(&app, &owner_b, &b.client_gid, "3", true).await;
    use sqlx::{Connection, Row};
    let mut conn = sqlx::PgConnection::connect(&app.database_url)
        .await
        .expect("connect as the app role");
    let count = |tenant: Option<String>| {
        let url = app.database_url.clone();
        async move {
            let mut conn = sqlx::PgConnection::connect(&url).await.expect("connect");
            let mut tx = conn.begin().await.expect("begin");
            if let Some(t) = tenant {
                sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
                    .bind(t)
                    .execute(&mut *tx)
                    .await
                    .expect("set");
            }
            let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM invoices")
                .fetch_one(&mut *tx)
                .await
                .expect("count")
                .get("n");
            n
        }
    };
    assert_eq!(count(Some(ta.clone())).await, 1);
    assert_eq!(count(Some(tb.clone())).await, 2);
    assert_eq!(count(None).await, 0);
    // Writing a row for another tenant is refused too.
    let mut tx = conn.begin().await.expect("begin");
    sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
        .bind(ta.clone())
        .execute(&mut *tx)
        .await
        .expect("set");
    let denied = sqlx::query("UPDATE invoices SET notes = 'x' WHERE tenant_id = $1")
        .bind(tb.clone())
        .execute(&mut *tx)
        .await
        .expect("update");
    assert_eq!(denied.rows_affected(), 0);
    let insert = sqlx::query("INSERT INTO audit_events (id, tenant_id, actor_kind, action, subject_kind, subject_id, created_at) VALUES ('x', $1, 'staff', 'a', 'b', 'c', 0)")
        .bind(tb)
        .execute(&mut *tx)
        .await;
    assert!(
        insert.is_err(),
        "RLS WITH CHECK must refuse a row of another tenant"
    );
}

/// The server starts even when PORTICO_BASE_URL is an IP address (passkeys are then off).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_starts_with_an_ip_base_url_and_passkeys_off() {
    let Some(app) = TestApp::start_with(Kind::Sqlite, |c| {
        c.base_url = "http://127.0.0.1:8080".into()
    })
    .await
    else {
        return;
    };
    app.tenant("alpha").await;
    let r = app
        .request(
            "POST",
            "/alpha/auth/passkeys/login/start",
            &[
                ("content-type", "application/json"),
                ("origin", "http://127.0.0.1:8080"),
            ],
            "{}",
        )
        .await;
    assert_eq!(r.status, 503);
    assert!(r.body.contains("host name"), "{}", r.body);
}
