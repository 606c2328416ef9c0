//! The Settings page's forms: a client's billing details, the business's details and its
//! document settings.

use axum::body::Bytes;
use axum::extract::{Extension, Path};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Value};

use super::{field, fields, optional, Caller};
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
