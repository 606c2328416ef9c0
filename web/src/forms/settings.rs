//! The Settings page's forms: a client's billing details, the business's details and its
//! document settings.

use axum::body::Bytes;
use axum::extract::{Extension, Path};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Value};

use super::{all, back, field, fields, mutate, optional, Caller};
use crate::server::Executor;

pub(super) async fn billing(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let input = json!({
        "name": field(&f, "name"),
        "email": optional(&f, "email"),
        "taxId": optional(&f, "tax_id"),
        "address": optional(&f, "address"),
        "city": optional(&f, "city"),
        "postalCode": optional(&f, "postal_code"),
        "country": optional(&f, "country"),
    });
    save(
        &exec,
        &headers,
        &tenant,
        "mutation($input: BillingDetailsInput!) { updateMyBillingDetails(input: $input) { id } }",
        input,
        "billing",
    )
    .await
}

pub(super) async fn business(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let input = json!({
        "vatId": optional(&f, "vat_id"),
        "address": optional(&f, "address"),
        "city": optional(&f, "city"),
        "postalCode": optional(&f, "postal_code"),
        "country": optional(&f, "country"),
        "email": optional(&f, "email"),
        "phone": optional(&f, "phone"),
    });
    save(
        &exec,
        &headers,
        &tenant,
        "mutation($input: BusinessDetailsInput!) { updateBusinessDetails(input: $input) }",
        input,
        "business",
    )
    .await
}

pub(super) async fn documents(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let input = json!({
        "footer": optional(&f, "footer"),
        "paymentTerms": optional(&f, "payment_terms"),
        "bankName": optional(&f, "bank_name"),
        "iban": optional(&f, "iban"),
        "bic": optional(&f, "bic"),
        "attachPdfs": field(&f, "attach_pdfs") == "1",
    });
    save(
        &exec,
        &headers,
        &tenant,
        "mutation($input: DocumentSettingsInput!) { updateDocumentSettings(input: $input) }",
        input,
        "documents",
    )
    .await
}

/// Runs a settings mutation with `input`, then back to Settings saying `done` or the error.
async fn save(
    exec: &Executor,
    headers: &HeaderMap,
    tenant: &str,
    mutation: &str,
    input: Value,
    done: &'static str,
) -> Response {
    let caller = Caller {
        exec,
        headers,
        tenant,
    };
    caller
        .then_back(
            mutation,
            json!({ "input": input }),
            &format!("/{tenant}/settings"),
            done,
            "",
        )
        .await
}

/// Makes an API token (owner and admin). Its secret never travels in an address: it comes back
/// in a cookie only the Settings page receives (HttpOnly, two minutes), which that page shows
/// once and clears.
pub(super) async fn create_token(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    use axum::http::{header, HeaderValue};
    let f = fields(&body);
    let page = format!("/{tenant}/settings");
    let mut scopes: Vec<String> = all(&f, "scope")
        .into_iter()
        .filter(|s| s == "WRITE" || s == "PAYMENTS")
        .collect();
    scopes.insert(0, "READ".into());
    let name = field(&f, "name");
    let result = mutate(
        &exec,
        &headers,
        &tenant,
        "mutation($n: String!, $r: TokenRole!, $s: [TokenScope!]!) { createApiToken(name: $n, role: $r, scopes: $s) { name token } }",
        json!({ "n": name, "r": field(&f, "role"), "s": scopes }),
    )
    .await;
    let token = result
        .as_ref()
        .ok()
        .and_then(|d| d["createApiToken"]["token"].as_str().map(str::to_owned));
    let mut resp = back(
        &page,
        result.map(|d| ("token-created", super::text_at(&d, "createApiToken/name"))),
    );
    if let Some(token) = token {
        let secure = headers
            .get(header::ORIGIN)
            .and_then(|o| o.to_str().ok())
            .is_some_and(|o| o.starts_with("https://"));
        let cookie = format!(
            "{}={token}; Path={page}; HttpOnly; SameSite=Strict; Max-Age=120{}",
            crate::server::NEW_TOKEN_COOKIE,
            if secure { "; Secure" } else { "" }
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}
