//! Sign-in over HTTP: magic links (request, the page the link opens, consume by POST), logout,
//! and the session cookie. A GET never consumes a link (mail scanners follow links); the request
//! answers the same way, after the same minimum time, whether or not the address is known; every
//! attempt is audited; requests are rate-limited per address and per IP. A request posted by the
//! portal's HTML sign-in form is answered with a redirect back to that page instead of JSON.

use crate::core::mail::message::{Brand, Lang, Template};
use crate::identity::mail::MagicLinkEmail;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, State};

use crate::core::client_ip::ClientIp;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use portico_domain::Email;

use crate::core::config::Config;
use crate::core::db::Store;
use crate::core::forms::{field, is_form, percent_encode};
use crate::core::state::AppState;
use crate::core::tokens;
use crate::identity::LoginClient;
use crate::identity::UserKind;

pub const RATE_WINDOW_MS: i64 = 15 * 60_000;
/// Sign-in links mailed to one address in `RATE_WINDOW_MS` at the normal pace; beyond, at most one
/// per `SLOW_PACE_MS`. Requests for an address are never refused (a stranger asking for someone
/// else's links must not lock them out); they only slow down what reaches that mailbox.
pub const MAX_REQUESTS_PER_ADDRESS: i64 = 5;
pub const SLOW_PACE_MS: i64 = 2 * 60_000;
/// Sign-in requests one client address may make in `RATE_WINDOW_MS` (then `429` for that address
/// only: the address comes from the connection, or from trusted proxies' headers).
pub const MAX_REQUESTS_PER_IP: i64 = 30;
pub const FAILURES_BEFORE_NOTICE: i64 = 5;
/// Every magic-link request takes at least this long, known address or not.
const REQUEST_FLOOR: Duration = Duration::from_millis(250);

/// The sign-in routes. The pages the emailed links open (`GET …/auth/magic`, `GET
/// …/auth/invite`) are the portal's own pages (`portal`), sent with `Referrer-Policy:
/// same-origin` since their address carries the link's token; their forms post back here.
pub fn routes(portal: Router) -> Router<AppState> {
    let link_pages = axum::routing::get_service(portal).layer(axum::middleware::map_response(
        |mut resp: Response| async move {
            resp.headers_mut().insert(
                header::REFERRER_POLICY,
                HeaderValue::from_static("same-origin"),
            );
            resp
        },
    ));
    Router::new()
        .route("/{tenant}/auth/magic-link", post(request_link))
        .route(
            "/{tenant}/auth/magic",
            link_pages.clone().post(consume_link),
        )
        .route("/{tenant}/auth/logout", post(logout))
        .route("/{tenant}/auth/invite", link_pages.post(accept_invite))
}

/// The session cookie's name: `__Host-` (which requires Secure) over https, plain on http dev.
pub fn cookie_name(config: &Config) -> &'static str {
    if config.secure_cookies() {
        "__Host-portico_session"
    } else {
        "portico_session"
    }
}

fn session_cookie(config: &Config, value: &str, max_age_s: i64) -> HeaderValue {
    let secure = if config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_s}{secure}",
        cookie_name(config)
    );
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The session token from the request's cookies.
pub fn session_token(config: &Config, headers: &HeaderMap) -> Option<String> {
    let name = cookie_name(config);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// Whether a state-changing browser request comes from the portal's own pages: those of the
/// deployment's address, or of the business's host it came to (see `tenancy::hosts`).
pub fn origin_ok(config: &Config, headers: &HeaderMap) -> bool {
    let expected = headers
        .get(crate::tenancy::hosts::ORIGIN_HEADER)
        .and_then(|o| o.to_str().ok())
        .map(str::to_owned)
        .unwrap_or_else(|| config.origin());
    headers
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .is_some_and(|o| o == expected)
}

pub fn client_of(headers: &HeaderMap, ip: ClientIp) -> LoginClient {
    LoginClient {
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        ip: ip.0.map(|p| p.to_string()),
    }
}

fn json(status: StatusCode, body: serde_json::Value) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body.to_string(),
    )
        .into_response()
}

/// A refusal of a form post that did not come from the portal's pages (plain text: people using
/// the portal never meet it; its pages say what went wrong themselves).
fn refused_post(status: StatusCode, message: &'static str) -> Response {
    (status, [(header::CACHE_CONTROL, "no-store")], message).into_response()
}

/// Where to go after signing in, if `next` is a page of this portal: a path under `/{slug}/`,
/// never another host (`//…`, `/\…`) or anything with control characters.
pub fn next_page(slug: &str, next: Option<&str>) -> Option<String> {
    let next = next?.trim();
    let ok = next.len() <= 500
        && next.starts_with(&format!("/{slug}/"))
        && !next.contains("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
        && !next.contains("/auth/");
    ok.then(|| next.to_owned())
}

/// `303 See Other` to the portal's sign-in page with a query (`sent=1` or `error=…`).
fn to_sign_in(slug: &str, query: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, format!("/{slug}/sign-in?{query}")),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
    )
        .into_response()
}

/// The portal `slug` names: `Err` with the answer to give when there is none (`404`) or the
/// database cannot say (`503` with `Retry-After`, never a misleading `404`).
async fn tenant(store: &Store, slug: &str) -> Result<crate::tenancy::Tenant, Response> {
    match store.tenant_by_slug(slug).await {
        Ok(Some(t)) => Ok(t),
        Ok(None) => Err(refused_post(StatusCode::NOT_FOUND, "unknown portal")),
        Err(e) => {
            tracing::error!(error = %e, "sign-in while the database is unavailable");
            Err(crate::core::forms::unavailable())
        }
    }
}

fn unavailable(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "sign-in failed");
    json(
        StatusCode::SERVICE_UNAVAILABLE,
        serde_json::json!({ "error": "sign-in is unavailable, try again shortly" }),
    )
}

async fn request_link(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ip: ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let started = Instant::now();
    let store = &state.store;
    let config = &state.config;
    let t = match tenant(store, &slug).await {
        Ok(t) => t,
        Err(resp) if resp.status() == StatusCode::NOT_FOUND => {
            return json(
                StatusCode::NOT_FOUND,
                serde_json::json!({ "error": "unknown portal" }),
            )
        }
        Err(resp) => return resp,
    };
    // Browsers always send Origin on a cross-site POST: another site's page may not make the
    // portal mail sign-in links (API callers send none).
    if headers.contains_key(header::ORIGIN) && !origin_ok(config, &headers) {
        return json(
            StatusCode::FORBIDDEN,
            serde_json::json!({ "error": "cross-origin request refused" }),
        );
    }
    // The page the person was on when asked to sign in: the link brings them back to it, and the
    // sign-in page's answers keep it.
    let next = next_page(&t.slug, field(&headers, &body, "next").as_deref());
    let keep = next
        .as_ref()
        .map(|n| format!("&next={}", percent_encode(n)))
        .unwrap_or_default();
    // The HTML form is answered with redirects to the sign-in page, API callers with JSON.
    let form = is_form(&headers).then_some(t.slug.as_str());
    let refused = |form: Option<&str>, status: StatusCode, message: &str| match form {
        Some(slug) => to_sign_in(slug, &format!("error={}{keep}", percent_encode(message))),
        None => json(status, serde_json::json!({ "error": message })),
    };
    let Some(raw) = field(&headers, &body, "email") else {
        let message = match form {
            Some(_) => "Enter your email address.",
            None => "send an email address (JSON or form field `email`)",
        };
        return refused(form, StatusCode::BAD_REQUEST, message);
    };
    let email = match Email::parse(&raw) {
        Ok(e) => e,
        Err(_) => {
            let message = match form {
                Some(_) => "That is not an email address.",
                None => "that is not an email address",
            };
            return refused(form, StatusCode::BAD_REQUEST, message);
        }
    };
    let fail = |e: crate::core::error::AppError| match form {
        Some(slug) => {
            tracing::error!(error = %e, "sign-in failed");
            to_sign_in(
                slug,
                &format!(
                    "error={}{keep}",
                    percent_encode("Sign-in is unavailable, try again shortly.")
                ),
            )
        }
        None => unavailable(e),
    };
    let client = client_of(&headers, ip);
    let ip = client.ip.clone().unwrap_or_else(|| "unknown".into());
    let now = store.now_ms();
    let since = now - RATE_WINDOW_MS;
    let by_address = store
        .count_and_record_attempt(&t.id, "magic_request_address", email.as_str(), since)
        .await;
    let by_ip = store
        .count_and_record_attempt(&t.id, "magic_request_ip", &ip, since)
        .await;
    let (by_address, by_ip) = match (by_address, by_ip) {
        (Ok(a), Ok(i)) => (a, i),
        (Err(e), _) | (_, Err(e)) => return fail(e),
    };
    if by_ip >= MAX_REQUESTS_PER_IP {
        let _ = store
            .audit_anonymous(
                &t.id,
                "auth.magic_link.rate_limited",
                "email",
                email.as_str(),
                serde_json::json!({ "ip": ip }),
            )
            .await;
        return refused(
            form,
            StatusCode::TOO_MANY_REQUESTS,
            "Too many sign-in requests. Wait 15 minutes, then ask for a new link.",
        );
    }
    let user = match store.find_login_user(&t.id, email.as_str()).await {
        Ok(u) => u,
        Err(e) => return fail(e),
    };
    // Beyond the normal pace for this address, a link only when none went out in the last
    // `SLOW_PACE_MS`: the person still gets one (the newest link in their mailbox works), and
    // nobody can fill their mailbox. The answer is the same either way.
    let paced = match &user {
        Some(_) if by_address >= MAX_REQUESTS_PER_ADDRESS => {
            match store
                .count_attempts(&t.id, "magic_link_sent", email.as_str(), now - SLOW_PACE_MS)
                .await
            {
                Ok(recent) => recent > 0,
                Err(e) => return fail(e),
            }
        }
        _ => false,
    };
    if let (Some(user), false) = (&user, paced) {
        if let Err(e) = store
            .record_attempt(&t.id, "magic_link_sent", email.as_str())
            .await
        {
            return fail(e);
        }
        let (token, hash) = tokens::generate_with("ml", &t.id);
        let link = format!(
            "{}/auth/magic?token={token}{keep}",
            store.tenant_url(&t.slug).await
        );
        let email = MagicLinkEmail {
            name: &user.name,
            link: &link,
        }
        .render(
            &Brand::new(&t.name, &t.brand_color),
            match user.kind {
                UserKind::Contact => crate::tenancy::profile::contact_lang(
                    user.locale.as_deref(),
                    &t.languages.join(","),
                ),
                UserKind::Staff => Lang::from_locale(user.locale.as_deref()),
            },
        );
        if let Err(e) = store.create_magic_link(&t.id, user, &hash, &email).await {
            return fail(e);
        }
        state.mail_wake.notify_one();
    }
    let detail = serde_json::json!({ "ip": ip, "known": user.is_some(), "paced": paced });
    let _ = store
        .audit_anonymous(
            &t.id,
            "auth.magic_link.requested",
            "email",
            email.as_str(),
            detail,
        )
        .await;
    tokio::time::sleep_until((started + REQUEST_FLOOR).into()).await;
    if let Some(slug) = form {
        return to_sign_in(slug, &format!("sent=1{keep}"));
    }
    json(
        StatusCode::ACCEPTED,
        serde_json::json!({ "status": "ok", "message": "If this address can sign in here, a link is on its way. It works once, for 10 minutes." }),
    )
}

async fn consume_link(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ip: ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let store = &state.store;
    let config = &state.config;
    if !origin_ok(config, &headers) {
        return refused_post(
            StatusCode::FORBIDDEN,
            "this request did not come from this portal",
        );
    }
    let t = match tenant(store, &slug).await {
        Ok(t) => t,
        Err(resp) => return resp,
    };
    let address = ip.0;
    let client = client_of(&headers, ip);
    let ip = client.ip.clone().unwrap_or_else(|| "unknown".into());
    let token = field(&headers, &body, "token").unwrap_or_default();
    let consumed = match store.consume_magic_link(&t.id, &tokens::hash(&token)).await {
        Ok(c) => c,
        Err(e) => return unavailable(e),
    };
    let Some((kind, user_id)) = consumed else {
        failed_attempt(store, &t.id, &ip).await;
        // The portal's page says why, with the business's branding.
        return (
            StatusCode::SEE_OTHER,
            [(
                header::LOCATION,
                format!("/{}/auth/magic?error=used", t.slug),
            )],
        )
            .into_response();
    };
    // The business's rules for staff: its networks, and passkeys once they have one.
    match store
        .refuse_staff_sign_in(&t, kind, &user_id, address, true)
        .await
    {
        Ok(None) => {}
        Ok(Some(why)) => {
            return (
                StatusCode::SEE_OTHER,
                [(
                    header::LOCATION,
                    format!("/{}/auth/magic?error={}", t.slug, why.code()),
                )],
            )
                .into_response();
        }
        Err(e) => return unavailable(e),
    }
    // Never reuse a session id across logins: end the one the browser came with.
    if let Some(old) = session_token(config, &headers) {
        let _ = store.end_session_by_token(&t.id, &tokens::hash(&old)).await;
    }
    let _ = store
        .audit_anonymous(
            &t.id,
            "auth.magic_link.used",
            kind.as_str(),
            &user_id,
            serde_json::json!({ "ip": ip }),
        )
        .await;
    let next = next_page(&t.slug, field(&headers, &body, "next").as_deref());
    start_session(&state, &t.id, &t.slug, kind, &user_id, &client, next).await
}

/// Creates a session and answers with its cookie and a redirect into the portal: to `next` (a
/// page of this portal, checked by `next_page`) or its front page.
pub async fn start_session(
    state: &AppState,
    tenant_id: &str,
    slug: &str,
    kind: UserKind,
    user_id: &str,
    client: &LoginClient,
    next: Option<String>,
) -> Response {
    let (token, hash) = tokens::generate_with("ps", tenant_id);
    if let Err(e) = state
        .store
        .create_session(tenant_id, kind, user_id, &hash, client)
        .await
    {
        return unavailable(e);
    }
    let max_age = crate::identity::SESSION_ABSOLUTE_MS / 1000;
    let mut resp = (
        StatusCode::SEE_OTHER,
        [(
            header::LOCATION,
            next.unwrap_or_else(|| format!("/{slug}/")),
        )],
    )
        .into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie(&state.config, &token, max_age),
    );
    resp
}

/// Counts a failed sign-in from `ip`; at the threshold, staff get a notification.
async fn failed_attempt(store: &Store, tenant_id: &str, ip: &str) {
    let since = store.now_ms() - RATE_WINDOW_MS;
    let failures = store
        .count_and_record_attempt(tenant_id, "magic_failure_ip", ip, since)
        .await
        .unwrap_or(0)
        + 1;
    let _ = store
        .audit_anonymous(
            tenant_id,
            "auth.magic_link.failed",
            "ip",
            ip,
            serde_json::json!({ "failures": failures }),
        )
        .await;
    if failures == FAILURES_BEFORE_NOTICE {
        let message = format!("{failures} failed sign-in attempts from {ip} in 15 minutes");
        let _ = store
            .notify_staff(
                tenant_id,
                "auth.failures",
                &message,
                None,
                serde_json::json!({ "count": failures, "ip": ip }),
            )
            .await;
    }
}

/// The page an invitation link opens: a button that POSTs the token (a GET accepts nothing).
async fn accept_invite(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ip: ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let store = &state.store;
    if !origin_ok(&state.config, &headers) {
        return refused_post(
            StatusCode::FORBIDDEN,
            "this request did not come from this portal",
        );
    }
    let t = match tenant(store, &slug).await {
        Ok(t) => t,
        Err(resp) => return resp,
    };
    let client = client_of(&headers, ip);
    let token = field(&headers, &body, "token").unwrap_or_default();
    match store.accept_invitation(&t.id, &tokens::hash(&token)).await {
        Ok(Some(contact_id)) => {
            start_session(
                &state,
                &t.id,
                &t.slug,
                UserKind::Contact,
                &contact_id,
                &client,
                None,
            )
            .await
        }
        Ok(None) => {
            failed_attempt(store, &t.id, client.ip.as_deref().unwrap_or("unknown")).await;
            (
                StatusCode::SEE_OTHER,
                [(
                    header::LOCATION,
                    format!("/{}/auth/invite?error=invalid", t.slug),
                )],
            )
                .into_response()
        }
        Err(e) => unavailable(e),
    }
}

async fn logout(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Response {
    let config = &state.config;
    if !origin_ok(config, &headers) {
        return refused_post(
            StatusCode::FORBIDDEN,
            "this request did not come from this portal",
        );
    }
    if let Some(token) = session_token(config, &headers) {
        if let Some(tenant_id) = tokens::tenant_of_with("ps", &token) {
            let _ = state
                .store
                .end_session_by_token(&tenant_id, &tokens::hash(&token))
                .await;
        }
    }
    // Back to the portal's front page: only a real portal's slug goes into the Location.
    let to = match tenant(&state.store, &slug).await {
        Ok(t) => format!("/{}/", t.slug),
        Err(_) => "/".to_owned(),
    };
    let mut resp = (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response();
    resp.headers_mut()
        .insert(header::SET_COOKIE, session_cookie(config, "", 0));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_host_prefixed_and_secure_over_https_only() {
        let mut c = Config::for_database("sqlite::memory:".into(), "data".into());
        assert_eq!(cookie_name(&c), "portico_session");
        c.base_url = "https://portal.example.com".into();
        let v = session_cookie(&c, "x", 10);
        let v = v.to_str().unwrap_or_default();
        assert!(
            v.starts_with("__Host-portico_session=x; Path=/; HttpOnly; SameSite=Lax")
                && v.ends_with("; Secure"),
            "{v}"
        );
        assert_eq!(c.origin(), "https://portal.example.com");
    }
}
