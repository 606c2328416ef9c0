//! The axum router: `/graphql` (POST, JSON only), `/graphql/ws` (subscriptions), `/healthz`,
//! `/readyz`, `/metrics`, and the portal's routes beside them.

pub mod portal;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use async_graphql::{BatchRequest, BatchResponse, Data, Request};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State, WebSocketUpgrade};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::core::scope::Scope;
use crate::core::state::AppState;
use crate::graphql::{PorticoSchema, RequestData, MAX_BATCH};

pub const MAX_BODY: usize = 1024 * 1024;

#[derive(Clone)]
pub struct HttpState {
    pub schema: PorticoSchema,
    pub shared: AppState,
    pub requests: Arc<AtomicU64>,
}

pub fn router(state: HttpState) -> Router {
    let secure = state.shared.config.secure_cookies();
    let trusted: Arc<[ipnet::IpNet]> = state.shared.config.trusted_proxies.clone().into();
    let hosts = state.shared.store.clone();
    portico_web::server::set_flash_key(state.shared.config.derived_key("form messages"));
    let portal = portico_web::server::router(
        portico_web::server::Executor(Arc::new(crate::http::portal::PortalExecutor {
            schema: state.schema.clone(),
            shared: state.shared.clone(),
        })),
        state.shared.config.web_assets.clone(),
    );
    Router::new()
        .route("/graphql", post(graphql_post).get(graphql_get))
        .route("/graphql/ws", get(graphql_ws))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .merge(crate::identity::routes::routes(portal.clone()).with_state(state.shared.clone()))
        .merge(
            crate::identity::link_routes::routes(portal.clone()).with_state(state.shared.clone()),
        )
        .merge(crate::identity::passkeys::routes().with_state(state.shared.clone()))
        .merge(crate::identity::signup::routes(portal.clone()).with_state(state.shared.clone()))
        .merge(
            crate::payments::gateways::demo::routes(portal.clone())
                .with_state(state.shared.clone()),
        )
        .merge(crate::payments::routes::routes().with_state(state.shared.clone()))
        .merge(crate::webhooks_out::demo_receiver::routes().with_state(state.shared.clone()))
        .merge(crate::documents::routes::routes().with_state(state.shared.clone()))
        .merge(crate::documents::downloads::routes().with_state(state.shared.clone()))
        .merge(crate::tenancy::brand_routes::routes().with_state(state.shared.clone()))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
        .merge(portal)
        .layer(axum::middleware::from_fn(to_completion))
        .layer(axum::middleware::from_fn(move |req, next| {
            crate::tenancy::hosts::layer(hosts.clone(), req, next)
        }))
        .layer(axum::middleware::from_fn(move |req, next| {
            crate::core::client_ip::layer(trusted.clone(), req, next)
        }))
        .layer(axum::middleware::map_response(
            move |resp: Response| async move { security_headers(resp, secure) },
        ))
}

/// Runs each request in its own task, so that a client that goes away (a closed tab, a load
/// test's end, a proxy's timeout) does not cut the work half-way: a payment being recorded, mail
/// being queued and a transaction being committed all finish, and only the answer is dropped.
async fn to_completion(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    match tokio::spawn(next.run(req)).await {
        Ok(resp) => resp,
        Err(e) => {
            tracing::error!(error = %e, "a request's task failed");
            error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                "internal error",
            )
        }
    }
}

/// Headers on every response: no framing, no sniffing, a CSP without inline script, HSTS over
/// https. Pages that carry secrets in their URL set a stricter `Referrer-Policy` themselves
/// (`same-origin` where they post a form back: a browser sends `Origin: null` under `no-referrer`).
fn security_headers(mut resp: Response, secure: bool) -> Response {
    use axum::http::HeaderValue;
    let h = resp.headers_mut();
    let defaults = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
             connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
    ];
    for (name, value) in defaults {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    }
    if secure {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    resp
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

fn error_response(status: StatusCode, code: &str, message: &str) -> Response {
    let body =
        serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// The caller's scope: from a bearer token, else from the session cookie (which must come with
/// the portal's own Origin: a cross-site page cannot use it). `Ok(None)` when neither is sent.
async fn authenticate(shared: &AppState, headers: &HeaderMap) -> Result<Option<Scope>, Response> {
    let scope = authenticate_any(shared, headers).await?;
    // On a business's own host the API answers for that business only.
    match (crate::tenancy::hosts::pinned_tenant(headers), &scope) {
        (Some(slug), Some(s)) if s.tenant_slug != slug => Err(error_response(
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            "this address serves another business",
        )),
        _ => Ok(scope),
    }
}

async fn authenticate_any(
    shared: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Scope>, Response> {
    if let Some(token) = bearer(headers) {
        return authenticate_token(shared, Some(token)).await;
    }
    let Some(cookie) = crate::identity::routes::session_token(&shared.config, headers) else {
        return Ok(None);
    };
    if !crate::identity::routes::origin_ok(&shared.config, headers) {
        return Err(error_response(
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            "cross-origin request refused",
        ));
    }
    match session_scope(shared, &cookie).await {
        Ok(scope) => Ok(Some(scope)),
        Err(()) => Err(error_response(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            "your session has ended; sign in again",
        )),
    }
}

pub(crate) async fn session_scope(shared: &AppState, cookie: &str) -> Result<Scope, ()> {
    let tenant = crate::core::tokens::tenant_of_with("ps", cookie).ok_or(())?;
    match shared
        .store
        .session_scope(&tenant, &crate::core::tokens::hash(cookie))
        .await
    {
        Ok(Some(scope)) => Ok(scope),
        Ok(None) => Err(()),
        Err(e) => {
            tracing::error!(error = ?e, "session lookup failed");
            Err(())
        }
    }
}

/// The scope of a bearer token: `Ok(None)` without a token, `Err` for a bad one.
async fn authenticate_token(
    shared: &AppState,
    token: Option<&str>,
) -> Result<Option<Scope>, Response> {
    let Some(token) = token else { return Ok(None) };
    match shared.store.authenticate_token(token).await {
        Ok(Some(scope)) => Ok(Some(scope)),
        Ok(None) => Err(error_response(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            "invalid or revoked token",
        )),
        Err(e) => {
            tracing::error!(error = ?e, "token lookup failed");
            Err(error_response(
                StatusCode::SERVICE_UNAVAILABLE,
                "INTERNAL",
                "authentication is unavailable",
            ))
        }
    }
}

pub(crate) fn prepare(shared: &AppState, scope: &Option<Scope>, req: Request) -> Request {
    let introspection = scope.as_ref().is_some_and(|s| s.is_staff());
    let req = req.data(RequestData::new(shared, scope.clone()));
    if introspection {
        req
    } else {
        req.disable_introspection()
    }
}

async fn graphql_post(State(state): State<HttpState>, headers: HeaderMap, body: Bytes) -> Response {
    state.requests.fetch_add(1, Ordering::Relaxed);
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
        });
    if !json {
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "BAD_USER_INPUT",
            "send application/json",
        );
    }
    let batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                "BAD_USER_INPUT",
                &format!("malformed request: {e}"),
            )
        }
    };
    let scope = match authenticate(&state.shared, &headers).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let response: BatchResponse = match batch {
        BatchRequest::Single(req) => state
            .schema
            .execute(prepare(&state.shared, &scope, req))
            .await
            .into(),
        BatchRequest::Batch(reqs) => {
            if reqs.len() > MAX_BATCH {
                return error_response(
                    StatusCode::BAD_REQUEST,
                    "BAD_USER_INPUT",
                    &format!("at most {MAX_BATCH} operations per batch"),
                );
            }
            let reqs = reqs
                .into_iter()
                .map(|r| prepare(&state.shared, &scope, r))
                .collect();
            state.schema.execute_batch(BatchRequest::Batch(reqs)).await
        }
    };
    // GraphQL over HTTP: a client that accepts `application/graphql-response+json` gets it, with
    // a 4xx for a request that could not run at all (parse or validation errors: no data, no
    // path); older clients keep `application/json` and 200.
    let status = match (&response, wants_graphql_response(&headers)) {
        (BatchResponse::Single(r), true)
            if r.data == async_graphql::Value::Null
                && !r.errors.is_empty()
                && r.errors.iter().all(|e| e.path.is_empty()) =>
        {
            StatusCode::BAD_REQUEST
        }
        _ => StatusCode::OK,
    };
    let body = serde_json::to_string(&response).unwrap_or_else(|_| "{}".into());
    (
        status,
        [(header::CONTENT_TYPE, response_type(&headers))],
        body,
    )
        .into_response()
}

/// Whether the caller's `Accept` names `application/graphql-response+json`.
fn wants_graphql_response(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|m| {
            m.split(';')
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case(GRAPHQL_RESPONSE))
        })
}

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

fn response_type(headers: &HeaderMap) -> &'static str {
    if wants_graphql_response(headers) {
        "application/graphql-response+json; charset=utf-8"
    } else {
        "application/json"
    }
}

async fn graphql_get() -> Response {
    error_response(
        StatusCode::METHOD_NOT_ALLOWED,
        "BAD_USER_INPUT",
        "POST application/json to /graphql",
    )
}

async fn graphql_ws(
    State(state): State<HttpState>,
    headers: HeaderMap,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    let header_token = bearer(&headers).map(str::to_owned);
    // A browser's socket authenticates with its session cookie, only from the portal's origin.
    let cookie = crate::identity::routes::session_token(&state.shared.config, &headers)
        .filter(|_| crate::identity::routes::origin_ok(&state.shared.config, &headers));
    let pinned = crate::tenancy::hosts::pinned_tenant(&headers).map(str::to_owned);
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            let shared = state.shared.clone();
            GraphQLWebSocket::new(socket, state.schema.clone(), protocol)
                .on_connection_init(move |payload| async move {
                    let token = header_token.or_else(|| {
                        let field =
                            |k: &str| payload.get(k).and_then(|v| v.as_str()).map(str::to_owned);
                        field("token").or_else(|| {
                            field("Authorization")
                                .map(|a| a.trim_start_matches("Bearer ").to_owned())
                        })
                    });
                    let scope = match (token, cookie) {
                        (Some(t), _) => shared.store.authenticate_token(&t).await.ok().flatten(),
                        (None, Some(c)) => session_scope(&shared, &c).await.ok(),
                        (None, None) => None,
                    };
                    // On a business's own host, only that business's credentials.
                    let scope =
                        scope.filter(|s| pinned.as_ref().is_none_or(|p| *p == s.tenant_slug));
                    let Some(scope) = scope else {
                        return Err(async_graphql::Error::new("invalid or missing token"));
                    };
                    let mut data = Data::default();
                    data.insert(RequestData::new(&shared, Some(scope)).for_connection());
                    Ok(data)
                })
                .serve()
        })
}

async fn readyz(State(state): State<HttpState>) -> Response {
    match state.shared.store.ping().await {
        Ok(_) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "database not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

async fn metrics(State(state): State<HttpState>) -> Response {
    let body = format!(
        "# TYPE portico_graphql_requests_total counter\nportico_graphql_requests_total {}\n\
         # TYPE portico_sql_statements_total counter\nportico_sql_statements_total {}\n\
         # TYPE portico_event_bus_redis gauge\nportico_event_bus_redis {}\n",
        state.requests.load(Ordering::Relaxed),
        state.shared.store.statement_count(),
        u8::from(state.shared.bus.is_redis()),
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}
