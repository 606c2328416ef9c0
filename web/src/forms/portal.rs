//! The client portal's setup forms (owner and admin; the API decides): name and colour, the
//! sections clients see, and help articles.

use axum::body::Bytes;
use axum::extract::{Extension, Path};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::json;

use super::{all, back, field, fields, mutate, text_at};
use crate::encode;
use crate::server::Executor;

fn page(tenant: &str) -> String {
    format!("/{tenant}/staff/portal")
}

pub(super) async fn branding(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let result = mutate(
        &exec,
        &headers,
        &tenant,
        "mutation($i: BrandingInput!) { updateBranding(input: $i) }",
        json!({ "i": { "name": field(&f, "name"), "brandColor": field(&f, "brand_color") } }),
    )
    .await;
    back(&page(&tenant), result.map(|_| ("branding", String::new())))
}

pub(super) async fn sections(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let result = mutate(
        &exec,
        &headers,
        &tenant,
        "mutation($s: [ClientSection!]!) { setClientSections(sections: $s) }",
        json!({ "s": all(&f, "section") }),
    )
    .await;
    back(&page(&tenant), result.map(|_| ("sections", String::new())))
}

pub(super) async fn save_article(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let id = field(&f, "id");
    let input = json!({
        "locale": field(&f, "locale"),
        "title": field(&f, "title"),
        "body": field(&f, "body"),
        "position": field(&f, "position").parse::<i64>().unwrap_or(0),
    });
    let result = if id.is_empty() {
        mutate(
            &exec,
            &headers,
            &tenant,
            "mutation($i: HelpArticleInput!) { createHelpArticle(input: $i) { title } }",
            json!({ "i": input }),
        )
        .await
        .map(|d| ("article", text_at(&d, "createHelpArticle/title")))
    } else {
        mutate(
            &exec,
            &headers,
            &tenant,
            "mutation($id: ID!, $i: HelpArticleInput!) { updateHelpArticle(id: $id, input: $i) { title } }",
            json!({ "id": id, "i": input }),
        )
        .await
        .map(|d| ("article", text_at(&d, "updateHelpArticle/title")))
    };
    let to = match (&result, id.is_empty()) {
        (Err(_), false) => format!("{}?edit={}", page(&tenant), encode(&id)),
        _ => page(&tenant),
    };
    back(&to, result)
}

pub(super) async fn delete_article(
    Extension(exec): Extension<Executor>,
    Path((tenant, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let result = mutate(
        &exec,
        &headers,
        &tenant,
        "mutation($id: ID!) { deleteHelpArticle(id: $id) }",
        json!({ "id": id }),
    )
    .await;
    back(
        &page(&tenant),
        result.map(|_| ("article-deleted", String::new())),
    )
}
