//! The Portico portal. Until the portal issue lands this is a single server-rendered page that
//! says where the API is; it depends only on axum, never on the store.

use axum::response::Html;
use axum::routing::get;
use axum::Router;

const INDEX: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Portico</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5">
<h1>Portico</h1>
<p>The client portal is on its way. The GraphQL API is live at <code>/graphql</code>
(POST <code>application/json</code> with <code>Authorization: Bearer TOKEN</code>);
subscriptions at <code>/graphql/ws</code>.</p>
</body></html>"#;

const TENANT_HOME: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Portico</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5">
<h1>Portico</h1>
<p>You are signed in if you followed a sign-in link. The portal pages arrive with the portal issue;
meanwhile your session works with the GraphQL API at <code>/graphql</code> from this origin.</p>
</body></html>"#;

/// The portal's routes, mounted by the `portico` binary beside `/graphql`.
pub fn router() -> Router {
    Router::new()
        .route("/", get(|| async { Html(INDEX) }))
        .route("/{tenant}/", get(|| async { Html(TENANT_HOME) }))
}
