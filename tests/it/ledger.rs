//! Ledger behaviour through the real router on both backends: invoice lifecycle, payments with
//! allocation and credit, refunds, credit notes, estimates, statements, projects, messages and
//! concurrent payments.

use crate::common::{invoice, invoice_with, party, TestApp};
use serde_json::json;

const INVOICE: &str = "query($id: ID!) { invoice(id: $id) { status total { amount } amountPaid { amount } balance { amount } } }";
const PAY: &str = "mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { id number amount { amount } unallocated { amount } } }";

async fn invoice_moves_from_draft_to_paid_and_refuses_illegal_transitions(app: TestApp) {
    let (tenant, owner) = app.tenant("acme").await;
    let c = party(&app, &tenant, &owner, "Helios", "EUR").await;
    let data = app
        .ok(
            &owner,
            "mutation($i: CreateInvoiceInput!) { createInvoice(input: $i) { id status number subtotal { amount } discount { amount } tax { amount } total { amount minor currency } lines { total { amount } } } }",
            json!({ "i": { "clientId": c.client_gid, "issueDate": "2026-03-01", "lines": [
                { "description": "Design", "quantity": "3", "unitPrice": "100.00", "taxRate": "24" },
                { "description": "Print", "quantity": "2.5", "unitPrice": "10.01", "taxRate": "13", "discountPercent": "10" }
            ] } }),
        )
        .await;
    let inv = &data["createInvoice"];
    assert_eq!(inv["status"], "DRAFT");
    // 300.00 + 24% = 372.00 ; 25.025 -> 25.02 (half-even), -2.50 discount = 22.52, +13% 2.93 (2.9276) = 25.45
    assert_eq!(inv["subtotal"]["amount"], "325.02");
    assert_eq!(inv["discount"]["amount"], "2.50");
    assert_eq!(inv["tax"]["amount"], "74.93");
    assert_eq!(
        inv["total"],
        json!({ "amount": "397.45", "minor": 39745, "currency": "EUR" })
    );
    let id = inv["id"].as_str().expect("id").to_owned();

    // Draft: paying it is refused and changes nothing.
    let code = app
        .err_code(
            &owner,
            PAY,
            json!({ "i": { "clientId": c.client_gid, "amount": "10", "method": "CASH",
        "allocations": [{ "invoiceId": id, "amount": "10" }] } }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    let payments = app
        .ok(&owner, "{ payments { edges { node { id } } } }", json!({}))
        .await;
    assert_eq!(payments["payments"]["edges"], json!([]));

    app.ok(
        &owner,
        "mutation($id: ID!) { issueInvoice(id: $id) { status } }",
        json!({ "id": id }),
    )
    .await;
    let again = app
        .gql(
            &owner,
            "mutation($id: ID!) { issueInvoice(id: $id) { status } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(again["errors"][0]["extensions"]["code"], "CONFLICT");
    assert_eq!(
        again["errors"][0]["extensions"]["reason"],
        "INVALID_TRANSITION"
    );

    app.ok(
        &owner,
        PAY,
        json!({ "i": { "clientId": c.client_gid, "amount": "97.45", "method": "BANK_TRANSFER" } }),
    )
    .await;
    let state = app.ok(&owner, INVOICE, json!({ "id": id })).await;
    assert_eq!(state["invoice"]["status"], "PARTIALLY_PAID");
    assert_eq!(state["invoice"]["balance"]["amount"], "300.00");

    // A partially paid invoice cannot be voided, and the failed attempt changes nothing.
    let code = app
        .err_code(
            &owner,
            "mutation($id: ID!) { voidInvoice(id: $id) { status } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    assert_eq!(app.ok(&owner, INVOICE, json!({ "id": id })).await, state);

    app.ok(
        &owner,
        PAY,
        json!({ "i": { "clientId": c.client_gid, "amount": "300", "method": "CARD" } }),
    )
    .await;
    let paid = app.ok(&owner, INVOICE, json!({ "id": id })).await;
    assert_eq!(paid["invoice"]["status"], "PAID");
    assert_eq!(paid["invoice"]["balance"]["amount"], "0.00");
    assert_eq!(paid["invoice"]["amountPaid"]["amount"], "397.45");
}

async fn lines_change_only_on_drafts_and_void_works_on_unpaid_invoices(app: TestApp) {
    let (tenant, owner) = app.tenant("acme").await;
    let c = party(&app, &tenant, &owner, "Helios", "EUR").await;
    let id = invoice(&app, &owner, &c.client_gid, "50", false).await;
    let data = app
        .ok(
            &owner,
            "mutation($id: ID!, $l: LineInput!) { addInvoiceLine(invoiceId: $id, line: $l) { total { amount } lines { id } } }",
            json!({ "id": id, "l": { "description": "Extra", "quantity": "2", "unitPrice": "25" } }),
        )
        .await;
    assert_eq!(data["addInvoiceLine"]["total"]["amount"], "100.00");
    let line = data["addInvoiceLine"]["lines"][1]["id"]
        .as_str()
        .expect("line")
        .to_owned();
    let data = app
        .ok(
            &owner,
            "mutation($l: ID!) { removeInvoiceLine(lineId: $l) { total { amount } } }",
            json!({ "l": line }),
        )
        .await;
    assert_eq!(data["removeInvoiceLine"]["total"]["amount"], "50.00");
    app.ok(
        &owner,
        "mutation($id: ID!) { issueInvoice(id: $id) { status } }",
        json!({ "id": id }),
    )
    .await;
    let code = app
        .err_code(
            &owner,
            "mutation($id: ID!, $l: LineInput!) { addInvoiceLine(invoiceId: $id, line: $l) { id } }",
            json!({ "id": id, "l": { "description": "Late", "quantity": "1", "unitPrice": "1" } }),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    let data = app.ok(&owner, "mutation($id: ID!) { voidInvoice(id: $id, reason: \"duplicate\") { status balance { amount } } }", json!({ "id": id })).await;
    assert_eq!(
        data["voidInvoice"],
        json!({ "status": "VOID", "balance": { "amount": "0.00" } })
    );
    let empty = invoice(&app, &owner, &c.client_gid, "0", false).await;
    let code = app
        .err_code(
            &owner,
            "mutation($id: ID!) { issueInvoice(id: $id) { status } }",
            json!({ "id": empty }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
}

async fn one_payment_settles_several_invoices_oldest_first_and_the_excess_becomes_credit(
    app: TestApp,
) {
    let (tenant, owner) = app.tenant("acme").await;
    let c = party(&app, &tenant, &owner, "Helios", "EUR").await;
    let newer = invoice_with(
        &app,
        &owner,
        &c.client_gid,
        "100",
        "2026-02-01",
        "2026-03-01",
        "B",
        true,
    )
    .await;
    let older = invoice_with(
        &app,
        &owner,
        &c.client_gid,
        "80",
        "2026-01-01",
        "2026-02-01",
        "A",
        true,
    )
    .await;
    let p = app.ok(&owner, PAY, json!({ "i": { "clientId": c.client_gid, "amount": "200", "method": "BANK_TRANSFER" } })).await;
    assert_eq!(p["recordPayment"]["unallocated"]["amount"], "20.00");
    for id in [&newer, &older] {
        assert_eq!(
            app.ok(&owner, INVOICE, json!({ "id": id })).await["invoice"]["status"],
            "PAID"
        );
    }
    let dash = app.ok(&owner, "query($c: ID) { dashboard(clientId: $c) { currencies { currency amountDue { amount } creditAvailable { amount } } } }", json!({ "c": c.client_gid })).await;
    assert_eq!(
        dash["dashboard"]["currencies"][0]["creditAvailable"]["amount"],
        "20.00"
    );
    assert_eq!(
        dash["dashboard"]["currencies"][0]["amountDue"]["amount"],
        "0.00"
    );

    // The credit pays a later invoice.
    let third = invoice_with(
        &app,
        &owner,
        &c.client_gid,
        "50",
        "2026-03-01",
        "2026-04-01",
        "C",
        true,
    )
    .await;
    let pid = p["recordPayment"]["id"].as_str().expect("id");
    let alloc = app.ok(&owner, "mutation($p: ID!) { allocatePayment(paymentId: $p) { unallocated { amount } allocations { amount { amount } } } }", json!({ "p": pid })).await;
    assert_eq!(alloc["allocatePayment"]["unallocated"]["amount"], "0.00");
    let third_state = app.ok(&owner, INVOICE, json!({ "id": third })).await;
    assert_eq!(third_state["invoice"]["status"], "PARTIALLY_PAID");
    assert_eq!(third_state["invoice"]["balance"]["amount"], "30.00");
}

async fn explicit_allocations_cannot_exceed_a_balance_or_touch_another_clients_invoice(
    app: TestApp,
) {
    let (tenant, owner) = app.tenant("acme").await;
    let a = party(&app, &tenant, &owner, "Helios", "EUR").await;
    let b = party(&app, &tenant, &owner, "Kyklos", "EUR").await;
    let ia = invoice(&app, &owner, &a.client_gid, "100", true).await;
    let ib = invoice(&app, &owner, &b.client_gid, "100", true).await;
    let over = app.err_code(&owner, PAY, json!({ "i": { "clientId": a.client_gid, "amount": "150", "method": "CASH", "allocations": [{ "invoiceId": ia, "amount": "150" }] } })).await;
    assert_eq!(over, "BAD_USER_INPUT");
    let foreign = app.err_code(&owner, PAY, json!({ "i": { "clientId": a.client_gid, "amount": "50", "method": "CASH", "allocations": [{ "invoiceId": ib, "amount": "50" }] } })).await;
    assert_eq!(foreign, "BAD_USER_INPUT");
    let payments = app
        .ok(&owner, "{ payments { edges { node { id } } } }", json!({}))
        .await;
    assert_eq!(payments["payments"]["edges"], json!([]));
    let p = app.ok(&owner, PAY, json!({ "i": { "clientId": a.client_gid, "amount": "150", "method": "CASH", "allocations": [{ "invoiceId": ia, "amount": "60" }] } })).await;
    assert_eq!(p["recordPayment"]["unallocated"]["amount"], "90.00");
}

async fn refunds_take_unused_credit_first_then_reverse_allocations(app: TestApp) {
    let (tenant, owner) = app.tenant("acme").await;
    let c = party(&app, &tenant, &owner, "Helios", "EUR").await;
    let id = invoice(&app, &owner, &c.client_gid, "100", true).await;
    let p = app
        .ok(
            &owner,
            PAY,
            json!({ "i": { "clientId": c.client_gid, "amount": "120", "method": "CARD" } }),
        )
        .await;
    let pid = p["recordPayment"]["id"].as_str().expect("id").to_owned();
    let r = app
        .ok(&owner, "mutation($p: ID!) { refundPayment(paymentId: $p, amount: \"50\", reason: \"goodwill\") { refunded { amount } unallocated { amount } refunds { amount { amount } reason } } }", json!({ "p": pid }))
        .await;
    assert_eq!(r["refundPayment"]["refunded"]["amount"], "50.00");
    assert_eq!(r["refundPayment"]["unallocated"]["amount"], "0.00");
    let state = app.ok(&owner, INVOICE, json!({ "id": id })).await;
    assert_eq!(state["invoice"]["status"], "PARTIALLY_PAID");
    assert_eq!(state["invoice"]["balance"]["amount"], "30.00");
    let too_much = app
        .err_code(
            &owner,
            "mutation($p: ID!) { refundPayment(paymentId: $p, amount: \"70.01\") { id } }",
            json!({ "p": pid }),
        )
        .await;
    assert_eq!(too_much, "BAD_USER_INPUT");
    let history = app
        .ok(
            &owner,
            "query($id: ID!) { invoice(id: $id) { payments { amount { amount } reversal } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        history["invoice"]["payments"],
        json!([
            { "amount": { "amount": "100.00" }, "reversal": false },
            { "amount": { "amount": "-30.00" }, "reversal": true }
        ])
    );
}

async fn credit_notes_are_issued_then_applied_up_to_their_remaining_amount(app: TestApp) {
    let (tenant, owner) = app.tenant("acme").await;
    let c = party(&app, &tenant, &owner, "Helios", "EUR").await;
    let id = invoice(&app, &owner, &c.client_gid, "100", true).await;
    let cn = app
        .ok(
            &owner,
            "mutation($i: CreateCreditNoteInput!) { createCreditNote(input: $i) { id status } }",
            json!({ "i": { "clientId": c.client_gid, "amount": "40", "reason": "Damaged goods" } }),
        )
        .await;
    let cid = cn["createCreditNote"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let apply = "mutation($c: ID!, $i: ID!, $a: Decimal!) { applyCreditNote(id: $c, invoiceId: $i, amount: $a) { status remaining { amount } } }";
    assert_eq!(
        app.err_code(&owner, apply, json!({ "c": cid, "i": id, "a": "10" }))
            .await,
        "CONFLICT"
    );
    app.ok(
        &owner,
        "mutation($c: ID!) { issueCreditNote(id: $c) { status } }",
        json!({ "c": cid }),
    )
    .await;
    let first = app
        .ok(&owner, apply, json!({ "c": cid, "i": id, "a": "25" }))
        .await;
    assert_eq!(
        first["applyCreditNote"],
        json!({ "status": "OPEN", "remaining": { "amount": "15.00" } })
    );
    assert_eq!(
        app.err_code(&owner, apply, json!({ "c": cid, "i": id, "a": "15.01" }))
            .await,
        "BAD_USER_INPUT"
    );
    let second = app
        .ok(&owner, apply, json!({ "c": cid, "i": id, "a": "15" }))
        .await;
    assert_eq!(second["applyCreditNote"]["status"], "APPLIED");
    let state = app.ok(&owner, INVOICE, json!({ "id": id })).await;
    assert_eq!(state["invoice"]["balance"]["amount"], "60.00");
    assert_eq!(state["invoice"]["status"], "PARTIALLY_PAID");
}

async fn contacts_accept_or_reject_sent_estimates_and_viewers_cannot(app: TestApp) {
    let (tenant, owner) = app.tenant("acme").await;
    let c = party(&app, &tenant, &owner, "Helios", "EUR").await;
    let create = "mutation($i: CreateEstimateInput!) { createEstimate(input: $i) { id status total { amount } } }";
    let mk = |valid: &str| json!({ "i": { "clientId": c.client_gid, "issueDate": "2026-01-01", "validUntil": valid, "lines": [{ "description": "Roof", "quantity": "1", "unitPrice": "1000", "taxRate": "24" }] } });
    let e = app.ok(&owner, create, mk("2099-01-01")).await;
    let id = e["createEstimate"]["id"].as_str().expect("id").to_owned();
    assert_eq!(e["createEstimate"]["total"]["amount"], "1240.00");
    // Drafts are invisible to contacts.
    let seen = app
        .ok(
            &c.admin_token,
            "{ estimates { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(seen["estimates"]["edges"], json!([]));
    app.ok(
        &owner,
        "mutation($id: ID!) { sendEstimate(id: $id) { status } }",
        json!({ "id": id }),
    )
    .await;
    let accept = "mutation($id: ID!, $c: String) { acceptEstimate(id: $id, comment: $c) { status decisionComment decidedBy } }";
    assert_eq!(
        app.err_code(&c.viewer_token, accept, json!({ "id": id, "c": "yes" }))
            .await,
        "FORBIDDEN"
    );
    assert_eq!(
        app.err_code(&owner, accept, json!({ "id": id, "c": "yes" }))
            .await,
        "FORBIDDEN"
    );
    let reject = "mutation($id: ID!, $r: String!) { rejectEstimate(id: $id, reason: $r) { status decisionComment } }";
    assert_eq!(
        app.err_code(&c.payer_token, reject, json!({ "id": id, "r": "  " }))
            .await,
        "BAD_USER_INPUT"
    );
    let ok = app
        .ok(&c.payer_token, accept, json!({ "id": id, "c": "Go ahead" }))
        .await;
    assert_eq!(
        ok["acceptEstimate"],
        json!({ "status": "ACCEPTED", "decisionComment": "Go ahead", "decidedBy": "Helios PAYER" })
    );
    assert_eq!(
        app.err_code(
            &c.admin_token,
            reject,
            json!({ "id": id, "r": "changed mind" })
        )
        .await,
        "CONFLICT"
    );

    let second = app.ok(&owner, create, mk("2099-01-01")).await["createEstimate"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    app.ok(
        &owner,
        "mutation($id: ID!) { sendEstimate(id: $id) { status } }",
        json!({ "id": second }),
    )
    .await;
    let rejected = app
        .ok(
            &c.admin_token,
            reject,
            json!({ "id": second, "r": "Too expensive" }),
        )
        .await;
    assert_eq!(
        rejected["rejectEstimate"],
        json!({ "status": "REJECTED", "decisionComment": "Too expensive" })
    );

    let expired = app.ok(&owner, create, mk("2026-01-05")).await["createEstimate"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let sent = app
        .ok(
            &owner,
            "mutation($id: ID!) { sendEstimate(id: $id) { status } }",
            json!({ "id": expired }),
        )
        .await;
    assert_eq!(sent["sendEstimate"]["status"], "EXPIRED");
    assert_eq!(
        app.err_code(&c.admin_token, accept, json!({ "id": expired }))
            .await,
        "CONFLICT"
    );
}

async fn a_statement_has_opening_balance_running_balance_and_aging(app: TestApp) {
    let (tenant, owner) = app.tenant("acme").await;
    let c = party(&app, &tenant, &owner, "Helios", "EUR").await;
    invoice_with(
        &app,
        &owner,
        &c.client_gid,
        "100",
        "2025-12-01",
        "2025-12-31",
        "Before",
        true,
    )
    .await;
    invoice_with(
        &app,
        &owner,
        &c.client_gid,
        "200",
        "2026-01-10",
        "2026-01-20",
        "Inside",
        true,
    )
    .await;
    app.ok(&owner, PAY, json!({ "i": { "clientId": c.client_gid, "amount": "150", "method": "CASH", "receivedOn": "2026-01-15" } })).await;
    let s = app
        .ok(
            &c.viewer_token,
            "query($c: ID!) { statement(clientId: $c, from: \"2026-01-01\", to: \"2026-03-01\") { openingBalance { amount } closingBalance { amount } lines { kind debit { amount } credit { amount } balance { amount } } aging { current { amount } days1To30 { amount } days31To60 { amount } days61To90 { amount } daysOver90 { amount } total { amount } } } }",
            json!({ "c": c.client_gid }),
        )
        .await;
    let st = &s["statement"];
    assert_eq!(st["openingBalance"]["amount"], "100.00");
    assert_eq!(
        st["lines"],
        json!([
            { "kind": "invoice", "debit": { "amount": "200.00" }, "credit": { "amount": "0.00" }, "balance": { "amount": "300.00" } },
            { "kind": "payment", "debit": { "amount": "0.00" }, "credit": { "amount": "150.00" }, "balance": { "amount": "150.00" } }
        ])
    );
    assert_eq!(st["closingBalance"]["amount"], "150.00");
    // As of 2026-03-01: the Dec invoice (due 12-31, fully paid by the oldest-first payment) is
    // settled; the Jan invoice (due 01-20) has 150 left and is 40 days overdue.
    assert_eq!(st["aging"]["days31To60"]["amount"], "150.00");
    assert_eq!(st["aging"]["total"]["amount"], "150.00");
    let other = party(&app, &tenant, &owner, "Kyklos", "EUR").await;
    let code = app.err_code(&c.viewer_token, "query($c: ID!) { statement(clientId: $c, from: \"2026-01-01\", to: \"2026-03-01\") { closingBalance { amount } } }", json!({ "c": other.client_gid })).await;
    assert_eq!(code, "NOT_FOUND");
}

async fn projects_report_time_by_task_assignee_and_month(app: TestApp) {
    let (tenant, owner) = app.tenant("acme").await;
    let c = party(&app, &tenant, &owner, "Helios", "EUR").await;
    let p = app
        .ok(
            &owner,
            "mutation($i: CreateProjectInput!) { createProject(input: $i) { id } }",
            json!({ "i": { "clientId": c.client_gid, "name": "Rebrand" } }),
        )
        .await;
    let pid = p["createProject"]["id"].as_str().expect("id").to_owned();
    let add = "mutation($i: AddTimeEntryInput!) { addTimeEntry(input: $i) { id } }";
    for (task, who, date, hours, billable) in [
        ("Design", "Ann", "2026-01-05", "2.5", true),
        ("Design", "Bob", "2026-01-20", "1", false),
        ("Build", "Ann", "2026-02-02", "4", true),
    ] {
        app.ok(&owner, add, json!({ "i": { "projectId": pid, "task": task, "assignee": who, "date": date, "hours": hours, "billable": billable } })).await;
    }
    assert_eq!(app.err_code(&owner, add, json!({ "i": { "projectId": pid, "task": "x", "assignee": "y", "date": "2026-01-01", "hours": "25" } })).await, "BAD_USER_INPUT");
    let data = app
        .ok(&c.viewer_token, "{ projects { name totalHours timeEntries(billableOnly: true) { hours } summaryByTask { key hours billableHours } summaryByAssignee { key hours } summaryByMonth { key hours unbilledHours } } }", json!({}))
        .await;
    let pr = &data["projects"][0];
    assert_eq!(pr["totalHours"], "7.5");
    assert_eq!(
        pr["timeEntries"],
        json!([{ "hours": "2.5" }, { "hours": "4" }])
    );
    assert_eq!(
        pr["summaryByTask"],
        json!([{ "key": "Build", "hours": "4", "billableHours": "4" }, { "key": "Design", "hours": "3.5", "billableHours": "2.5" }])
    );
    assert_eq!(
        pr["summaryByAssignee"],
        json!([{ "key": "Ann", "hours": "6.5" }, { "key": "Bob", "hours": "1" }])
    );
    assert_eq!(
        pr["summaryByMonth"],
        json!([{ "key": "2026-01", "hours": "3.5", "unbilledHours": "2.5" }, { "key": "2026-02", "hours": "4", "unbilledHours": "4" }])
    );
}

async fn contacts_and_staff_converse_on_a_document_thread(app: TestApp) {
    let (tenant, owner) = app.tenant("acme").await;
    let c = party(&app, &tenant, &owner, "Helios", "EUR").await;
    let other = party(&app, &tenant, &owner, "Kyklos", "EUR").await;
    let id = invoice(&app, &owner, &c.client_gid, "100", true).await;
    let post = "mutation($s: ID!, $b: String!) { postMessage(subjectId: $s, body: $b) { authorKind authorName body } }";
    let m = app
        .ok(
            &c.viewer_token,
            post,
            json!({ "s": id, "b": "Can we pay in two parts?" }),
        )
        .await;
    assert_eq!(m["postMessage"]["authorKind"], "contact");
    app.ok(&owner, post, json!({ "s": id, "b": "Yes, of course." }))
        .await;
    assert_eq!(
        app.err_code(&other.admin_token, post, json!({ "s": id, "b": "hi" }))
            .await,
        "NOT_FOUND"
    );
    assert_eq!(
        app.err_code(&c.admin_token, post, json!({ "s": id, "b": "" }))
            .await,
        "BAD_USER_INPUT"
    );
    let threads = app.ok(&c.admin_token, "query($s: ID) { threads(subjectId: $s) { subjectKind messageCount messages { authorKind body } } }", json!({ "s": id })).await;
    assert_eq!(threads["threads"][0]["messageCount"], 2);
    assert_eq!(
        threads["threads"][0]["messages"][1]["body"],
        "Yes, of course."
    );
    let theirs = app
        .ok(&other.admin_token, "{ threads { id } }", json!({}))
        .await;
    assert_eq!(theirs["threads"], json!([]));
}

async fn concurrent_payments_never_allocate_more_than_the_balance(app: TestApp) {
    let (tenant, owner) = app.tenant("acme").await;
    let c = party(&app, &tenant, &owner, "Helios", "EUR").await;
    let id = invoice(&app, &owner, &c.client_gid, "100", true).await;
    let attempts = (0..8).map(|_| {
        let (app, owner, client, id) = (&app, owner.clone(), c.client_gid.clone(), id.clone());
        async move {
            app.gql(&owner, PAY, json!({ "i": { "clientId": client, "amount": "60", "method": "CARD", "allocations": [{ "invoiceId": id, "amount": "60" }] } })).await
        }
    });
    let results = futures_util::future::join_all(attempts).await;
    let succeeded = results.iter().filter(|r| r.get("errors").is_none()).count();
    assert_eq!(succeeded, 1, "{results:?}");
    let state = app.ok(&owner, INVOICE, json!({ "id": id })).await;
    assert_eq!(state["invoice"]["amountPaid"]["amount"], "60.00");
    assert_eq!(state["invoice"]["balance"]["amount"], "40.00");
}

async fn staff_change_contacts_and_projects_and_delete_unbilled_time(app: TestApp) {
    let (tenant, owner) = app.tenant("acme").await;
    let c = party(&app, &tenant, &owner, "Helios", "EUR").await;
    let contacts = app
        .ok(
            &owner,
            "query($c: ID!) { client(id: $c) { contacts { id role } } }",
            json!({ "c": c.client_gid }),
        )
        .await;
    let viewer = contacts["client"]["contacts"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["role"] == "VIEWER"))
        .expect("viewer")["id"]
        .clone();
    let update = "mutation($i: UpdateContactInput!) { updateContact(input: $i) { name role } }";
    assert_eq!(
        app.err_code(
            &c.payer_token,
            update,
            json!({ "i": { "id": viewer, "role": "PAYER" } })
        )
        .await,
        "FORBIDDEN"
    );
    let changed = app
        .ok(
            &owner,
            update,
            json!({ "i": { "id": viewer, "name": "Vera", "role": "PAYER" } }),
        )
        .await;
    assert_eq!(
        changed["updateContact"],
        json!({ "name": "Vera", "role": "PAYER" })
    );
    // The contact's token follows the new role.
    let me = app
        .ok(&c.viewer_token, "{ viewer { role } }", json!({}))
        .await;
    assert_eq!(me["viewer"]["role"], "contact_payer");

    let p = app
        .ok(
            &owner,
            "mutation($i: CreateProjectInput!) { createProject(input: $i) { id } }",
            json!({ "i": { "clientId": c.client_gid, "name": "Rebrand" } }),
        )
        .await;
    let pid = p["createProject"]["id"].as_str().expect("id").to_owned();
    let up = "mutation($i: UpdateProjectInput!) { updateProject(input: $i) { name status } }";
    assert_eq!(
        app.err_code(&owner, up, json!({ "i": { "id": pid, "status": "lost" } }))
            .await,
        "BAD_USER_INPUT"
    );
    let done = app
        .ok(
            &owner,
            up,
            json!({ "i": { "id": pid, "name": "Rebrand 2026", "status": "completed" } }),
        )
        .await;
    assert_eq!(
        done["updateProject"],
        json!({ "name": "Rebrand 2026", "status": "completed" })
    );
    let add = "mutation($i: AddTimeEntryInput!) { addTimeEntry(input: $i) { id } }";
    let mut entries = Vec::new();
    for _ in 0..2 {
        let e = app.ok(&owner, add, json!({ "i": { "projectId": pid, "task": "Design", "assignee": "Ann", "date": "2026-01-05", "hours": "1" } })).await;
        entries.push(e["addTimeEntry"]["id"].as_str().expect("id").to_owned());
    }
    let billed = app
        .ok(
            &owner,
            "mutation($ids: [ID!]!) { setTimeEntriesBilled(entryIds: $ids, billed: true) }",
            json!({ "ids": [entries[0]] }),
        )
        .await;
    assert_eq!(billed["setTimeEntriesBilled"], 1);
    // Another tenant's entry (or an unknown one) is NOT_FOUND, as a read would answer, and the
    // entries named with it stay as they were.
    let (_other, other_owner) = app.tenant("beta").await;
    let refused = app
        .err_code(
            &other_owner,
            "mutation($ids: [ID!]!) { setTimeEntriesBilled(entryIds: $ids, billed: false) }",
            json!({ "ids": [entries[0]] }),
        )
        .await;
    assert_eq!(refused, "NOT_FOUND");
    let mixed = app
        .err_code(
            &owner,
            "mutation($ids: [ID!]!) { setTimeEntriesBilled(entryIds: $ids, billed: false) }",
            json!({ "ids": [entries[0], "VGltZUVudHJ5OjAxOTAwMDAwLTAwMDAtNzAwMC04MDAwLTAwMDAwMDAwMDAwMA"] }),
        )
        .await;
    assert_eq!(mixed, "NOT_FOUND");
    let del = "mutation($id: ID!) { deleteTimeEntry(id: $id) }";
    assert_eq!(
        app.err_code(&owner, del, json!({ "id": entries[0] })).await,
        "CONFLICT"
    );
    assert_eq!(
        app.ok(&owner, del, json!({ "id": entries[1] })).await["deleteTimeEntry"],
        true
    );
    let left = app
        .ok(&owner, "{ projects { timeEntries { billed } } }", json!({}))
        .await;
    assert_eq!(
        left["projects"][0]["timeEntries"],
        json!([{ "billed": true }])
    );
}

/// Dates outside the years 1900–2199 are refused at the edge and change nothing.
async fn dates_outside_sane_years_are_refused(app: TestApp) {
    let (tenant, owner) = app.tenant("acme").await;
    let c = party(&app, &tenant, &owner, "Helios", "EUR").await;
    for bad in ["0000-01-01", "1899-12-31", "2200-01-01"] {
        let code = app
            .err_code(&owner, PAY, json!({ "i": { "clientId": c.client_gid, "amount": "10", "method": "CASH", "receivedOn": bad } }))
            .await;
        assert_eq!(code, "BAD_USER_INPUT", "{bad}");
    }
    let payments = app
        .ok(&owner, "{ payments { edges { node { id } } } }", json!({}))
        .await;
    assert_eq!(payments["payments"]["edges"], json!([]));
}

both_backends!(
    dates_outside_sane_years_are_refused,
    staff_change_contacts_and_projects_and_delete_unbilled_time,
    invoice_moves_from_draft_to_paid_and_refuses_illegal_transitions,
    lines_change_only_on_drafts_and_void_works_on_unpaid_invoices,
    one_payment_settles_several_invoices_oldest_first_and_the_excess_becomes_credit,
    explicit_allocations_cannot_exceed_a_balance_or_touch_another_clients_invoice,
    refunds_take_unused_credit_first_then_reverse_allocations,
    credit_notes_are_issued_then_applied_up_to_their_remaining_amount,
    contacts_accept_or_reject_sent_estimates_and_viewers_cannot,
    a_statement_has_opening_balance_running_balance_and_aging,
    projects_report_time_by_task_assignee_and_month,
    contacts_and_staff_converse_on_a_document_thread,
    concurrent_payments_never_allocate_more_than_the_balance,
);
