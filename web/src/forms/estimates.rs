//! An estimate's decision and the staff's estimate actions (send, convert into an invoice), and
//! messages about a document (the first one opens its thread).

use axum::body::Bytes;
use axum::extract::{Extension, Path};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::{back, field, fields, mutate, see_other, text_at};
use crate::encode;
use crate::server::Executor;

pub(super) async fn decide(
    Extension(exec): Extension<Executor>,
    Path((tenant, id, decision)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let (query, vars, done) = match decision.as_str() {
        "accept" => {
            let comment = field(&f, "comment");
            (
                "mutation($id: ID!, $c: String) { acceptEstimate(id: $id, comment: $c) { number } }",
                json!({ "id": id, "c": if comment.is_empty() { Value::Null } else { json!(comment) } }),
                ("accepted", "acceptEstimate/number"),
            )
        }
        "send" => (
            "mutation($id: ID!) { sendEstimate(id: $id) { number } }",
            json!({ "id": id }),
            ("estimate-sent", "sendEstimate/number"),
        ),
        "convert" => {
            let result = mutate(
                &exec,
                &headers,
                &tenant,
                "mutation($id: ID!) { convertEstimate(id: $id) { id number } }",
                json!({ "id": id }),
            )
            .await;
            // On to the new draft's editor, to check it before issuing.
            return match result {
                Ok(d) => back(
                    &format!(
                        "/{tenant}/staff/invoices/{}/edit",
                        encode(d["convertEstimate"]["id"].as_str().unwrap_or_default())
                    ),
                    Ok(("converted", text_at(&d, "convertEstimate/number"))),
                ),
                Err(e) => back(&format!("/{tenant}/estimates/{}", encode(&id)), Err(e)),
            };
        }
        "reject" => (
            "mutation($id: ID!, $r: String!) { rejectEstimate(id: $id, reason: $r) { number } }",
            json!({ "id": id, "r": field(&f, "reason") }),
            ("rejected", "rejectEstimate/number"),
        ),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let result = mutate(&exec, &headers, &tenant, query, vars).await;
    back(
        &format!("/{tenant}/estimates/{}", encode(&id)),
        result.map(|d| (done.0, text_at(&d, done.1))),
    )
}

pub(super) async fn message(
    Extension(exec): Extension<Executor>,
    Path((tenant, thread)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let result = mutate(
        &exec,
        &headers,
        &tenant,
        "mutation($s: ID!, $b: String!) { postMessage(subjectId: $s, body: $b) { id } }",
        json!({ "s": field(&f, "subject"), "b": field(&f, "body") }),
    )
    .await;
    let subject = field(&f, "subject");
    match result {
        Ok(_) if thread == "new" => {
            // The first message opens the document's thread: go to it.
            let found = thread_about(&exec, &headers, &tenant, &subject).await;
            match found {
                Some(id) => see_other(&format!("/{tenant}/messages/{id}")),
                None => see_other(&format!("/{tenant}/messages")),
            }
        }
        Ok(_) => see_other(&format!("/{tenant}/messages/{thread}")),
        Err(e) if thread == "new" => {
            back(&format!("/{tenant}/invoices/{}", encode(&subject)), Err(e))
        }
        Err(e) => back(&format!("/{tenant}/messages/{thread}"), Err(e)),
    }
}

/// The id of the thread about `subject`, if any.
async fn thread_about(
    exec: &Executor,
    headers: &HeaderMap,
    tenant: &str,
    subject: &str,
) -> Option<String> {
    let data = mutate(
        exec,
        headers,
        tenant,
        "query($s: ID!) { threads(subjectId: $s) { id } }",
        json!({ "s": subject }),
    )
    .await
    .ok()?;
    data["threads"][0]["id"].as_str().map(str::to_owned)
}
