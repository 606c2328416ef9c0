//! The portal's window onto the API: runs GraphQL in-process as the person whose browser made the
//! page or form request, under the same rules as `/graphql` with a session cookie.
//!
//! - The session cookie is the only credential (no bearer tokens from pages).
//! - A session of another tenant than the page's counts as signed out.
//! - Queries run for page loads (GET, no Origin needed: navigations carry none and a cross-site
//!   page cannot read the answer) and for POSTs with the portal's Origin.
//! - Mutations run only for POST with the portal's Origin; subscriptions never (they use the
//!   WebSocket).

use std::future::Future;
use std::pin::Pin;

use async_graphql::parser::types::OperationType;
use async_graphql::{Request, Variables};
use axum::http::Method;
use portico_web::server::{Answer, Call, GraphqlExecutor};

use crate::core::state::AppState;
use crate::graphql::PorticoSchema;

pub struct PortalExecutor {
    pub schema: PorticoSchema,
    pub shared: AppState,
}

fn refused(code: &str, message: &str) -> Answer {
    Answer {
        data: serde_json::Value::Null,
        error: Some((code.into(), message.into())),
        error_field: None,
    }
}

/// Which kinds of operation the request holds, parsed once: the request keeps the parsed
/// document and execution reuses it (empty when it does not parse; execution reports that).
fn operation_kinds(req: &mut Request) -> Vec<OperationType> {
    req.parsed_query()
        .map(|doc| doc.operations.iter().map(|(_, op)| op.node.ty).collect())
        .unwrap_or_default()
}

impl GraphqlExecutor for PortalExecutor {
    fn execute<'a>(&'a self, call: Call<'a>) -> Pin<Box<dyn Future<Output = Answer> + Send + 'a>> {
        Box::pin(async move {
            let config = &self.shared.config;
            let post = call.method == Method::POST;
            let origin_ok = crate::identity::routes::origin_ok(config, call.headers);
            if post && !origin_ok {
                return refused("FORBIDDEN", "cross-origin request refused");
            }
            let mut req = Request::new(call.query).variables(Variables::from_json(call.variables));
            let kinds = operation_kinds(&mut req);
            if kinds.contains(&OperationType::Subscription) {
                return refused("BAD_USER_INPUT", "subscribe over /graphql/ws");
            }
            if kinds.contains(&OperationType::Mutation) && !post {
                return refused("FORBIDDEN", "changes need a form submitted from the portal");
            }
            let mut scope = None;
            if let Some(cookie) = crate::identity::routes::session_token(config, call.headers) {
                scope = crate::http::session_scope(&self.shared, &cookie)
                    .await
                    .ok()
                    .filter(|s| s.tenant_slug == call.tenant);
            }
            let resp = self
                .schema
                .execute(crate::http::prepare(&self.shared, &scope, req))
                .await;
            let ext_of = |e: &async_graphql::ServerError, name: &str| {
                e.extensions
                    .as_ref()
                    .and_then(|x| x.get(name))
                    .and_then(|v| match v {
                        async_graphql::Value::String(s) => Some(s.clone()),
                        async_graphql::Value::Enum(s) => Some(s.to_string()),
                        _ => None,
                    })
            };
            let error_field = resp.errors.first().and_then(|e| ext_of(e, "field"));
            let error = resp.errors.first().map(|e| {
                let ext = |name: &str| ext_of(e, name);
                let code = ext("code").unwrap_or_else(|| "INTERNAL".into());
                // A page's address with a malformed or mistyped id names nothing: not found.
                if !post && code == "BAD_USER_INPUT" && ext("field").as_deref() == Some("id") {
                    return ("NOT_FOUND".to_owned(), e.message.clone());
                }
                (code, e.message.clone())
            });
            let data = resp.data.into_json().unwrap_or_default();
            Answer {
                data,
                error,
                error_field,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_operation_kinds() {
        let kinds = |q: &str| operation_kinds(&mut Request::new(q));
        assert_eq!(kinds("{ viewer { name } }"), vec![OperationType::Query]);
        let mut both = kinds("query a { viewer { name } } mutation b { revokeSession(id: \"x\") }");
        both.sort_by_key(|k| *k == OperationType::Mutation);
        assert_eq!(both, vec![OperationType::Query, OperationType::Mutation]);
        assert!(kinds("{").is_empty());
    }
}
