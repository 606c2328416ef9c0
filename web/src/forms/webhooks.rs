//! Partner webhook endpoints (owner and admin): add one, send a test event, rotate its secret,
//! turn it off or on, remove it, and resend a delivery. A new secret never travels in an address:
//! like a new API token's, it comes back in a cookie only the Webhooks page receives (HttpOnly,
//! two minutes), which that page shows once and clears.

use super::*;

pub(super) fn routes(r: Router) -> Router {
    r.route("/{tenant}/forms/webhooks", post(create))
        .route("/{tenant}/forms/webhooks/{id}/{action}", post(act))
        .route(
            "/{tenant}/forms/webhook-deliveries/{id}/resend",
            post(resend),
        )
}

fn page(tenant: &str) -> String {
    format!("/{tenant}/staff/webhooks")
}

/// Back to the page, with `secret` (if any) in the one-time cookie.
fn with_secret(headers: &HeaderMap, page: &str, resp: Response, secret: Option<&str>) -> Response {
    let mut resp = resp;
    if let Some(secret) = secret.filter(|s| s.starts_with("whsec_")) {
        let secure = headers
            .get(header::ORIGIN)
            .and_then(|o| o.to_str().ok())
            .is_some_and(|o| o.starts_with("https://"));
        let cookie = format!(
            "{}={secret}; Path={page}; HttpOnly; SameSite=Strict; Max-Age=120{}",
            crate::server::NEW_TOKEN_COOKIE,
            if secure { "; Secure" } else { "" }
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

/// Adds an endpoint.
pub(super) async fn create(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let page = page(&tenant);
    let result = mutate(
        &exec,
        &headers,
        &tenant,
        "mutation($i: WebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret endpoint { url } } }",
        json!({ "i": { "url": field(&f, "url"), "description": optional(&f, "description"), "eventTypes": all(&f, "event") } }),
    )
    .await;
    let secret = result.as_ref().ok().and_then(|d| {
        d["createWebhookEndpoint"]["secret"]
            .as_str()
            .map(str::to_owned)
    });
    let resp = back(
        &page,
        result.map(|d| {
            (
                "webhook-created",
                super::text_at(&d, "createWebhookEndpoint/endpoint/url"),
            )
        }),
    );
    with_secret(&headers, &page, resp, secret.as_deref())
}

/// An action on one endpoint: `test`, `rotate`, `enable`, `disable` or `delete`.
pub(super) async fn act(
    Extension(exec): Extension<Executor>,
    Path((tenant, id, action)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let page = page(&tenant);
    let (mutation, done): (&str, &'static str) = match action.as_str() {
        "test" => ("mutation($id: ID!) { sendTestWebhook(endpointId: $id) { status } }", "webhook-test"),
        "rotate" => ("mutation($id: ID!) { rotateWebhookEndpointSecret(id: $id) }", "webhook-rotated"),
        "enable" => ("mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { enabled: true }) { id } }", "webhook-enabled"),
        "disable" => ("mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { enabled: false }) { id } }", "webhook-disabled"),
        "delete" => ("mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }", "webhook-deleted"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let result = mutate(&exec, &headers, &tenant, mutation, json!({ "id": id })).await;
    let secret = result
        .as_ref()
        .ok()
        .and_then(|d| d["rotateWebhookEndpointSecret"].as_str().map(str::to_owned));
    let resp = back(&page, result.map(|_| (done, String::new())));
    with_secret(&headers, &page, resp, secret.as_deref())
}

/// Sends a delivery again.
pub(super) async fn resend(
    Extension(exec): Extension<Executor>,
    Path((tenant, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    Caller {
        exec: &exec,
        headers: &headers,
        tenant: &tenant,
    }
    .then_back(
        "mutation($id: ID!) { resendWebhookDelivery(id: $id) { status } }",
        json!({ "id": id }),
        &page(&tenant),
        "webhook-resent",
        "",
    )
    .await
}
