//! The server side of the portal: the GraphQL executor the `portico` binary hands in, the axum
//! router that renders pages, and the middleware that gives every page a CSP nonce and its language.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use dioxus::fullstack::FullstackContext;
use dioxus::prelude::*;

use crate::i18n::Locale;

/// One GraphQL operation the portal runs for the person whose browser made `headers`' request.
pub struct Call<'a> {
    /// The page or form request's method: mutations run only for POST with the portal's Origin.
    pub method: &'a Method,
    /// The request's headers (session cookie, Origin, Accept-Language).
    pub headers: &'a HeaderMap,
    /// The portal the page belongs to: a session of another tenant counts as signed out.
    pub tenant: &'a str,
    pub query: &'a str,
    pub variables: serde_json::Value,
}

/// The answer: `data` and the first error's code and message, as the API reports them, and the
/// input field it names (`extensions.field`), if any.
#[derive(Debug, Default)]
pub struct Answer {
    pub data: serde_json::Value,
    pub error: Option<(String, String)>,
    pub error_field: Option<String>,
}

/// Executes GraphQL in-process as the caller. Implemented by the API crate (the portal never sees
/// the store), so the portal sees exactly what the API allows the caller to see.
pub trait GraphqlExecutor: Send + Sync + 'static {
    fn execute<'a>(&'a self, call: Call<'a>) -> Pin<Box<dyn Future<Output = Answer> + Send + 'a>>;
}

/// The executor as an axum extension (cloned into every request).
#[derive(Clone)]
pub struct Executor(pub Arc<dyn GraphqlExecutor>);

/// Runs `query` for the request the current page render or server function serves.
pub(crate) async fn run(tenant: &str, query: &str, variables: serde_json::Value) -> Answer {
    let Some(ctx) = FullstackContext::current() else {
        return Answer {
            error: Some(("INTERNAL".into(), "no request context".into())),
            ..Answer::default()
        };
    };
    let Some(exec) = ctx.extension::<Executor>() else {
        return Answer {
            error: Some(("INTERNAL".into(), "the portal has no executor".into())),
            ..Answer::default()
        };
    };
    let (method, headers) = {
        let parts = ctx.parts_mut();
        (parts.method.clone(), parts.headers.clone())
    };
    exec.0
        .execute(Call {
            method: &method,
            headers: &headers,
            tenant,
            query,
            variables,
        })
        .await
}

/// The locale of the current request: the `portico_lang` cookie, else Accept-Language, else English.
/// The cookie that carries a new API token's secret to the Settings page, once.
pub const NEW_TOKEN_COOKIE: &str = "portico_new_token";

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A just-made API token's secret, if this request brings it (see `forms::settings`).
pub(crate) fn fresh_api_token() -> Option<String> {
    let ctx = FullstackContext::current()?;
    let parts = ctx.parts_mut();
    cookie(&parts.headers, NEW_TOKEN_COOKIE)
        .filter(|t| !t.is_empty() && t.len() < 200)
        .map(str::to_owned)
}

pub(crate) fn request_locale() -> Locale {
    FullstackContext::current()
        .map(|ctx| locale_of(&ctx.parts_mut().headers))
        .unwrap_or_default()
}

pub fn locale_of(headers: &HeaderMap) -> Locale {
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == "portico_lang")
        .and_then(|(_, v)| Locale::parse(v));
    cookie
        .or_else(|| {
            let accept = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
            accept
                .split(',')
                .map(|p| p.split(';').next().unwrap_or("").trim())
                .find_map(|tag| Locale::parse(tag.split('-').next().unwrap_or(tag)))
        })
        .unwrap_or_default()
}

/// The portal's routes, merged by the `portico` binary beside `/graphql`: form actions, static
/// assets from `assets_dir` at `/assets`, and every other path rendered by Dioxus.
pub fn router(exec: Executor, assets_dir: PathBuf) -> axum::Router {
    let pages: axum::Router = axum::Router::new()
        .serve_api_application(ServeConfig::new(), crate::App)
        .layer(axum::middleware::from_fn(page_headers));
    crate::forms::routes()
        .route(
            "/favicon.ico",
            axum::routing::get(|| async {
                axum::response::Redirect::permanent("/assets/favicon.svg")
            }),
        )
        .merge(
            axum::Router::new()
                .nest_service(
                    "/assets",
                    tower_http::services::ServeDir::new(assets_dir).precompressed_gzip(),
                )
                // Browsers revalidate (a cheap 304) so a new release's files are used at once.
                .layer(axum::middleware::map_response(
                    |mut resp: Response| async move {
                        resp.headers_mut()
                            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
                        resp
                    },
                )),
        )
        .merge(pages)
        .layer(axum::Extension(exec))
}

/// The default place of the portal's static files (stylesheet, scripts, the WASM bundle).
pub fn default_assets_dir() -> PathBuf {
    // Run through cargo (tests, `cargo run -p portico`): this checkout's `web/public`, even when
    // the binary was built in another checkout sharing the target directory.
    if let Some(api) = std::env::var_os("CARGO_MANIFEST_DIR") {
        let here = PathBuf::from(api).join("../web/public");
        if here.is_dir() {
            return here;
        }
    }
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/public"))
}

/// Gives each HTML page a fresh CSP nonce on the scripts Dioxus writes inline (the hydration data),
/// its `<html lang>`, and `no-store` (pages carry a signed-in person's data).
async fn page_headers(req: Request, next: Next) -> Response {
    let lang = locale_of(req.headers()).code();
    // A new API token's secret is shown once: the page that receives it clears it.
    let shown_token = cookie(req.headers(), NEW_TOKEN_COOKIE).is_some().then(|| {
        format!(
            "{NEW_TOKEN_COOKIE}=; Path={}; HttpOnly; SameSite=Strict; Max-Age=0",
            req.uri().path()
        )
    });
    let mut resp = next.run(req).await;
    if let Some(clear) = shown_token.and_then(|c| HeaderValue::from_str(&c).ok()) {
        resp.headers_mut().append(header::SET_COOKIE, clear);
    }
    let is_html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    // Pages are bounded (lists are paged, a statement shows its latest 500 entries), far below.
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let nonce = nonce();
    let mut html = String::from_utf8_lossy(&bytes).into_owned();
    // Without an index.html Dioxus writes the title before the document; move it into <head>.
    if html.starts_with("<title>") {
        if let Some(end) = html.find("</title>") {
            let title = html[..end + "</title>".len()].to_owned();
            html = html[title.len()..].replacen(
                "<head>",
                &format!("<head><meta charset=\"utf-8\">{title}"),
                1,
            );
        }
    } else {
        html = html.replacen("<head>", "<head><meta charset=\"utf-8\">", 1);
    }
    let html = html
        .trim_start()
        .replacen("<html>", &format!("<html lang=\"{lang}\">"), 1)
        .replace("<script>", &format!("<script nonce=\"{nonce}\">"))
        .replace(
            "<script type=\"module\"",
            &format!("<script nonce=\"{nonce}\" type=\"module\""),
        );
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    let h = &mut parts.headers;
    h.remove(header::CONTENT_LENGTH);
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::VARY,
        HeaderValue::from_static("Cookie, Accept-Language"),
    );
    Response::from_parts(parts, Body::from(html))
}

fn nonce() -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Answers the page being rendered with `status` (404 for unknown pages, 401/403/500 for errors).
pub(crate) fn set_status(status: u16) {
    if let Ok(code) = StatusCode::from_u16(status) {
        FullstackContext::commit_http_status(code, None);
    }
}

pub(crate) fn not_found() {
    set_status(404);
}

/// Whether the page request came from the portal itself or was typed/bookmarked
/// (`Sec-Fetch-Site: same-origin` or `none`, or a browser that does not say): reading a page
/// opened from another site's link changes nothing (e.g. no read marker).
pub(crate) fn same_site_request() -> bool {
    FullstackContext::current()
        .map(|ctx| {
            let parts = ctx.parts_mut();
            match parts
                .headers
                .get("sec-fetch-site")
                .and_then(|v| v.to_str().ok())
            {
                None => true,
                Some(v) => v == "same-origin" || v == "none",
            }
        })
        .unwrap_or(true)
}

static FLASH_KEY: std::sync::OnceLock<[u8; 32]> = std::sync::OnceLock::new();

/// Sets the key that signs form messages (derived from the server's configuration, so every
/// instance behind a load balancer agrees); the first call wins. Without it, a random key.
pub fn set_flash_key(key: [u8; 32]) {
    let _ = FLASH_KEY.set(key);
}

/// Form actions answer `?error=MESSAGE&sig=…`: pages show a message only with a valid signature,
/// so a link cannot put words of its choosing on the portal.
fn flash_key() -> &'static [u8; 32] {
    FLASH_KEY.get_or_init(|| {
        use rand::RngCore;
        let mut k = [0u8; 32];
        rand::rng().fill_bytes(&mut k);
        k
    })
}

pub(crate) fn sign(message: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(flash_key()).expect("any key length");
    mac.update(message.as_bytes());
    mac.finalize().into_bytes()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub(crate) fn verify(message: &str, sig: &str) -> bool {
    use hmac::{Hmac, Mac};
    let Some(bytes) = (0..sig.len())
        .step_by(2)
        .map(|i| {
            sig.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect::<Option<Vec<u8>>>()
    else {
        return false;
    };
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(flash_key()).expect("any key length");
    mac.update(message.as_bytes());
    mac.verify_truncated_left(&bytes).is_ok() && bytes.len() == 16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flash_messages_are_signed() {
        let sig = sign("choose how to pay");
        assert!(verify("choose how to pay", &sig));
        assert!(!verify("call us at 555-0100", &sig));
        assert!(!verify("choose how to pay", "00"));
        assert!(!verify("choose how to pay", "zz"));
        assert!(!verify("choose how to pay", ""));
    }
}
