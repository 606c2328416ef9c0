//! The staff invoice forms: the editor's save (create or update a draft, all lines at once, then
//! issue it if asked) and, without script, its "Add line" and "Remove"; and the actions on one
//! invoice (issue, send, void, duplicate, record a payment, share a link).

use axum::body::Bytes;
use axum::extract::{Extension, Path};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::{all, back, field, fields, run, see_other, text_at};
use crate::encode;
use crate::pages::staff::{Draft, Row, COLUMNS};
use crate::server::Executor;

/// The editor again with what was typed (nothing saved), and the field an error is about.
fn editor_url(tenant: &str, id: &str, d: &Draft, error_field: &str) -> String {
    doc_editor_url("invoices", tenant, id, d, error_field)
}

/// The editor of an invoice or (`kind` = `estimates`) an estimate again.
fn doc_editor_url(kind: &str, tenant: &str, id: &str, d: &Draft, error_field: &str) -> String {
    let mut q = vec!["form=1".to_owned()];
    for (k, v) in [
        ("client", &d.client),
        ("currency", &d.currency),
        ("reference", &d.reference),
        ("issue_date", &d.issue_date),
        ("due_date", &d.due_date),
        ("notes", &d.notes),
        ("terms", &d.terms),
    ] {
        q.push(format!("{k}={}", encode(v)));
    }
    for r in &d.rows {
        for c in COLUMNS {
            q.push(format!("{c}={}", encode(r.get(c))));
        }
    }
    if !error_field.is_empty() {
        q.push(format!("field={}", encode(error_field)));
    }
    let page = if id.is_empty() {
        format!("/{tenant}/staff/{kind}/new")
    } else {
        format!("/{tenant}/staff/{kind}/{}/edit", encode(id))
    };
    format!("{page}?{}", q.join("&"))
}

/// The form's draft: its fields and its lines, column by column.
fn draft_of(f: &[(String, String)]) -> Draft {
    let cols: Vec<Vec<String>> = COLUMNS.iter().map(|c| all(f, c)).collect();
    let n = cols.iter().map(Vec::len).max().unwrap_or(0);
    Draft {
        client: field(f, "client"),
        currency: field(f, "currency").to_uppercase(),
        reference: field(f, "reference"),
        issue_date: field(f, "issue_date"),
        due_date: field(f, "due_date"),
        notes: field(f, "notes"),
        terms: field(f, "terms"),
        rows: (0..n)
            .map(|i| {
                let mut r = Row::default();
                for (c, values) in COLUMNS.iter().zip(&cols) {
                    r.set(c, values.get(i).cloned().unwrap_or_default());
                }
                r
            })
            .collect(),
    }
}

/// The editor's form read: without script "Remove" and "Add line" come back as the editor again
/// (nothing saved), and a line that does not read goes back naming it; else the draft without
/// blank lines and its lines as the API takes them.
#[allow(clippy::result_large_err)]
fn edited(
    kind: &str,
    tenant: &str,
    id: &str,
    f: &[(String, String)],
) -> Result<(Draft, Vec<Value>), Response> {
    let mut draft = draft_of(f);
    let remove = field(f, "remove");
    if !remove.is_empty() {
        if let Ok(i) = remove.parse::<usize>() {
            if i < draft.rows.len() {
                draft.rows.remove(i);
            }
        }
        return Err(see_other(&doc_editor_url(kind, tenant, id, &draft, "")));
    }
    if field(f, "action") == "add" {
        draft.rows.push(Row::default());
        return Err(see_other(&doc_editor_url(kind, tenant, id, &draft, "")));
    }
    draft.rows.retain(|r| !r.is_blank());
    match draft.inputs() {
        Ok(lines) => Ok((draft, lines)),
        Err((i, column, message)) => Err(back(
            &doc_editor_url(kind, tenant, id, &draft, &format!("lines.{i}.{column}")),
            Err(message.into()),
        )),
    }
}

/// A text field as the API takes it: null when blank.
fn text(v: &str) -> Value {
    if v.trim().is_empty() {
        Value::Null
    } else {
        json!(v)
    }
}

pub(super) async fn save(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let id = field(&f, "id");
    let action = field(&f, "action");
    let (draft, lines) = match edited("invoices", &tenant, &id, &f) {
        Ok(read) => read,
        Err(again) => return again,
    };
    let date = |v: &str| if v.is_empty() { Value::Null } else { json!(v) };
    let saved = if id.is_empty() {
        let input = json!({
            "clientId": draft.client,
            "currency": text(&draft.currency),
            "reference": text(&draft.reference),
            "issueDate": date(&draft.issue_date),
            "dueDate": date(&draft.due_date),
            "notes": text(&draft.notes),
            "terms": text(&draft.terms),
            "lines": lines,
        });
        run(
            &exec,
            &headers,
            &tenant,
            "mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { id number } }",
            json!({ "input": input }),
        )
        .await
        .map(|d| d["createInvoice"].clone())
    } else {
        let mut input = json!({
            "id": id,
            "clientId": draft.client,
            "reference": text(&draft.reference),
            "notes": text(&draft.notes),
            "terms": text(&draft.terms),
            "lines": lines,
        });
        if !draft.currency.is_empty() {
            input["currency"] = json!(draft.currency);
        }
        for (k, v) in [
            ("issueDate", &draft.issue_date),
            ("dueDate", &draft.due_date),
        ] {
            if !v.is_empty() {
                input[k] = json!(v);
            }
        }
        run(
            &exec,
            &headers,
            &tenant,
            "mutation($input: UpdateInvoiceInput!) { updateInvoice(input: $input) { id number } }",
            json!({ "input": input }),
        )
        .await
        .map(|d| d["updateInvoice"].clone())
    };
    let saved = match saved {
        Ok(s) => s,
        Err((message, at)) => {
            let at = if at.is_empty() { String::new() } else { at };
            return back(&editor_url(&tenant, &id, &draft, &at), Err(message));
        }
    };
    saved_then_issue(&exec, &headers, &tenant, &saved, &draft, &action).await
}

/// After a save: back to the invoice, or issue it first when asked.
async fn saved_then_issue(
    exec: &Executor,
    headers: &HeaderMap,
    tenant: &str,
    saved: &Value,
    draft: &Draft,
    action: &str,
) -> Response {
    let new_id = saved["id"].as_str().unwrap_or_default().to_owned();
    let number = saved["number"].as_str().unwrap_or_default().to_owned();
    let page = format!("/{tenant}/invoices/{}", encode(&new_id));
    if action != "issue" {
        return back(&page, Ok(("saved", number)));
    }
    match run(
        exec,
        headers,
        tenant,
        "mutation($id: ID!) { issueInvoice(id: $id) { number } }",
        json!({ "id": new_id }),
    )
    .await
    {
        Ok(_) => back(&page, Ok(("issued", number))),
        // Saved, not issued: back to the draft's editor, saying why.
        Err((message, _)) => back(&editor_url(tenant, &new_id, draft, ""), Err(message)),
    }
}

/// The estimate editor's save: create or replace a draft estimate, then send it if asked.
pub(super) async fn save_estimate(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let id = field(&f, "id");
    let action = field(&f, "action");
    let again = |d: &Draft, at: &str| doc_editor_url("estimates", &tenant, &id, d, at);
    let (draft, lines) = match edited("estimates", &tenant, &id, &f) {
        Ok(read) => read,
        Err(resp) => return resp,
    };
    let date = |v: &str| if v.is_empty() { Value::Null } else { json!(v) };
    let mut input = json!({
        "clientId": draft.client,
        "currency": text(&draft.currency),
        "issueDate": date(&draft.issue_date),
        "validUntil": date(&draft.due_date),
        "notes": text(&draft.notes),
        "lines": lines,
    });
    let (query, key) = if id.is_empty() {
        (
            "mutation($input: CreateEstimateInput!) { createEstimate(input: $input) { id number } }",
            "createEstimate",
        )
    } else {
        input["id"] = json!(id);
        (
            "mutation($input: UpdateEstimateInput!) { updateEstimate(input: $input) { id number } }",
            "updateEstimate",
        )
    };
    let saved = match run(&exec, &headers, &tenant, query, json!({ "input": input })).await {
        Ok(d) => d[key].clone(),
        Err((message, at)) => return back(&again(&draft, &at), Err(message)),
    };
    let new_id = saved["id"].as_str().unwrap_or_default().to_owned();
    let number = saved["number"].as_str().unwrap_or_default().to_owned();
    let page = format!("/{tenant}/estimates/{}", encode(&new_id));
    if action != "issue" {
        return back(&page, Ok(("estimate-saved", number)));
    }
    match run(
        &exec,
        &headers,
        &tenant,
        "mutation($id: ID!) { sendEstimate(id: $id) { number } }",
        json!({ "id": new_id }),
    )
    .await
    {
        Ok(_) => back(&page, Ok(("estimate-sent", number))),
        Err((message, _)) => back(
            &doc_editor_url("estimates", &tenant, &new_id, &draft, ""),
            Err(message),
        ),
    }
}

/// An action on one invoice from its page (staff).
pub(super) async fn act(
    Extension(exec): Extension<Executor>,
    Path((tenant, id, action)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let page = format!("/{tenant}/invoices/{}", encode(&id));
    let (query, vars, done, subject_at): (&str, Value, &'static str, &str) = match action.as_str()
    {
        "issue" => (
            "mutation($id: ID!) { issueInvoice(id: $id) { number } }",
            json!({ "id": id }),
            "issued",
            "issueInvoice/number",
        ),
        "void" if field(&f, "reason").is_empty() => {
            return back(&page, Err("a reason is required".into()));
        }
        "void" => (
            "mutation($id: ID!, $r: String) { voidInvoice(id: $id, reason: $r) { number } }",
            json!({ "id": id, "r": text(&field(&f, "reason")) }),
            "voided",
            "voidInvoice/number",
        ),
        "send" => (
            "mutation($id: ID!, $m: String) { sendInvoice(id: $id, message: $m) { invoice { number } recipients } }",
            json!({ "id": id, "m": text(&field(&f, "message")) }),
            "sent",
            "sendInvoice/invoice/number",
        ),
        "payment" => {
            let typed = field(&f, "amount");
            if !super::amount_like(&typed) {
                return back(&page, Err("enter an amount such as 120.50".into()));
            }
            let amount = typed.replace(',', ".");
            let mut input = json!({
                "clientId": field(&f, "client"),
                "amount": amount,
                "currency": text(&field(&f, "currency")),
                "method": field(&f, "method"),
                "reference": text(&field(&f, "reference")),
                "allocations": [{ "invoiceId": id, "amount": amount }],
            });
            let on = field(&f, "received_on");
            if !on.is_empty() {
                input["receivedOn"] = json!(on);
            }
            (
                "mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { number amount { amount currency } } }",
                json!({ "input": input }),
                "recorded",
                "recordPayment/number",
            )
        }
        "link" => {
            let days = field(&f, "days").parse::<i32>().ok();
            (
                "mutation($id: ID!, $d: Int) { createInvoiceLink(invoiceId: $id, expiresInDays: $d) { url } }",
                json!({ "id": id, "d": days }),
                "link",
                "createInvoiceLink/url",
            )
        }
        "credit" => return credit(&exec, &headers, &tenant, &id, &f, &page).await,
        "apply-credit" => {
            let typed = field(&f, "amount");
            if !super::amount_like(&typed) {
                return back(&page, Err("enter an amount such as 120.50".into()));
            }
            (
                "mutation($cn: ID!, $id: ID!, $a: Decimal!) { applyCreditNote(id: $cn, invoiceId: $id, amount: $a) { number } }",
                json!({ "cn": field(&f, "credit_note"), "id": id, "a": typed.replace(',', ".") }),
                "credit-applied",
                "applyCreditNote/number",
            )
        }
        "unlink" => (
            "mutation($id: ID!) { revokeInvoiceLink(id: $id) { id } }",
            json!({ "id": field(&f, "link") }),
            "link-revoked",
            "",
        ),
        "duplicate" => {
            let copied = run(
                &exec,
                &headers,
                &tenant,
                "mutation($id: ID!) { duplicateInvoice(id: $id) { id number } }",
                json!({ "id": id }),
            )
            .await;
            return match copied {
                Ok(d) => {
                    let copy = &d["duplicateInvoice"];
                    back(
                        &format!(
                            "/{tenant}/staff/invoices/{}/edit",
                            encode(copy["id"].as_str().unwrap_or_default())
                        ),
                        Ok(("duplicated", text_at(&d, "duplicateInvoice/number"))),
                    )
                }
                Err((message, _)) => back(&page, Err(message)),
            };
        }
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let result = run(&exec, &headers, &tenant, query, vars).await;
    back(
        &page,
        result
            .map(|d| (done, text_at(&d, subject_at)))
            .map_err(|(m, _)| m),
    )
}

/// A refund of a payment (owner and admin; the API decides).
pub(super) async fn refund(
    Extension(exec): Extension<Executor>,
    Path((tenant, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let page = format!("/{tenant}/payments/{}", encode(&id));
    let typed = field(&f, "amount");
    if !super::amount_like(&typed) {
        return back(&page, Err("enter an amount such as 120.50".into()));
    }
    let result = run(
        &exec,
        &headers,
        &tenant,
        "mutation($id: ID!, $a: Decimal!, $r: String) { refundPayment(paymentId: $id, amount: $a, reason: $r) { number } }",
        json!({ "id": id, "a": typed.replace(',', "."), "r": text(&field(&f, "reason")) }),
    )
    .await;
    back(
        &page,
        result
            .map(|d| ("refunded", text_at(&d, "refundPayment/number")))
            .map_err(|(m, _)| m),
    )
}

/// A credit note for an invoice: created, issued, and (when asked) applied to it at once. A step
/// that is refused stops there and says why; the note is then on the credit notes page.
async fn credit(
    exec: &Executor,
    headers: &HeaderMap,
    tenant: &str,
    invoice: &str,
    f: &[(String, String)],
    page: &str,
) -> Response {
    let typed = field(f, "amount");
    if !super::amount_like(&typed) {
        return back(page, Err("enter an amount such as 120.50".into()));
    }
    if field(f, "reason").is_empty() {
        return back(page, Err("a reason is required".into()));
    }
    let amount = typed.replace(',', ".");
    let created = run(
        exec,
        headers,
        tenant,
        "mutation($i: CreateCreditNoteInput!) { createCreditNote(input: $i) { id number } }",
        json!({ "i": { "clientId": field(f, "client"), "invoiceId": invoice, "amount": amount, "reason": field(f, "reason") } }),
    )
    .await;
    let (id, number) = match created {
        Ok(d) => (
            text_at(&d, "createCreditNote/id"),
            text_at(&d, "createCreditNote/number"),
        ),
        Err((m, _)) => return back(page, Err(m)),
    };
    let mut steps = vec![(
        "mutation($id: ID!) { issueCreditNote(id: $id) { number } }",
        json!({ "id": id }),
    )];
    if field(f, "apply") == "1" {
        steps.push((
            "mutation($id: ID!, $i: ID!, $a: Decimal!) { applyCreditNote(id: $id, invoiceId: $i, amount: $a) { number } }",
            json!({ "id": id, "i": invoice, "a": amount }),
        ));
    }
    for (query, vars) in steps {
        if let Err((m, _)) = run(exec, headers, tenant, query, vars).await {
            return back(page, Err(m));
        }
    }
    back(page, Ok(("credited", number)))
}
