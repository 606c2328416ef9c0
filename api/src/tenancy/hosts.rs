//! Host names. A business can be reached at its own host name (`billing.acme.example`, set by
//! the operator: `portico tenant host`) or at a subdomain of the deployment's tenant domain
//! (`acme.portico.example` with `PORTICO_TENANT_DOMAIN=portico.example`).
//!
//! A layer reads each request's `Host`:
//! - the deployment's own host (that of `PORTICO_BASE_URL`), `localhost` and IP addresses serve
//!   every business under `/SLUG/…`, as always;
//! - a business's host serves that business only. Its pages keep their `/SLUG/…` paths (the
//!   portal's script reads them), so any other page address is redirected under `/SLUG/`
//!   (`/` → `/acme/`, `/other/invoices` → `/acme/other/invoices`, which names nothing); the API
//!   there answers for that business only, whatever credential comes;
//! - any other host gets a plain 404.
//!
//! The layer tells the rest of the request what it found through two headers it sets itself,
//! dropping any a client sent: [`ORIGIN_HEADER`] (the origin pages there post from, which is
//! also the passkeys' relying party) and [`TENANT_HEADER`] (the business the host serves).
//! Cookies need nothing: they are host-only, so a session made on one host is never sent to
//! another.

use std::net::IpAddr;

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::core::audit;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::error::{AppError, AppResult};
use crate::core::sites::{cached, remember, split_port};

/// The origin the portal's pages have on this request's host (set only on a business's host).
pub const ORIGIN_HEADER: &str = "x-portico-origin";
/// The slug of the business this request's host serves (set only on a business's host).
pub const TENANT_HEADER: &str = "x-portico-tenant";

/// Paths that are the deployment's, whatever the host.
const GLOBAL: [&str; 7] = [
    "/graphql",
    "/healthz",
    "/readyz",
    "/metrics",
    "/assets",
    "/favicon.ico",
    "/webhooks",
];

/// What a request's host is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Site {
    /// The deployment itself: every business under `/SLUG/…`.
    Deployment,
    /// One business's host.
    Tenant(String),
    /// Nothing this deployment serves.
    Unknown,
}

/// A host name as stored: lower case, letters, digits and hyphens in dot-separated labels, at
/// least two labels, no IP address.
pub fn parse_host_name(raw: &str) -> AppResult<String> {
    let h = raw.trim().trim_end_matches('.').to_ascii_lowercase();
    let bad = || {
        AppError::bad_input(
            "hostName",
            "a host name is like billing.example.com: letters, digits and hyphens between dots",
        )
    };
    if h.len() > 253 || h.parse::<IpAddr>().is_ok() {
        return Err(bad());
    }
    let labels: Vec<&str> = h.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if labels.len() < 2 || !labels.iter().all(label_ok) {
        return Err(bad());
    }
    if labels
        .last()
        .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(bad());
    }
    Ok(h)
}

impl Store {
    /// What `authority` (a `Host` header) is to this deployment.
    pub async fn site_of(&self, authority: &str) -> AppResult<Site> {
        let sites = self.sites();
        let (host, _) = split_port(authority);
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty()
            || host == "localhost"
            || host == sites.base_host
            || bare.parse::<IpAddr>().is_ok()
        {
            return Ok(Site::Deployment);
        }
        if let Some(slug) = cached(&sites.by_host, &host) {
            return Ok(slug.map(Site::Tenant).unwrap_or(Site::Unknown));
        }
        let sub = sites.tenant_domain.as_deref().and_then(|d| {
            host.strip_suffix(d)
                .and_then(|s| s.strip_suffix('.'))
                .filter(|s| !s.contains('.'))
        });
        let mut tx = self.read("").await?;
        let row = match sub {
            Some(slug) => {
                tx.fetch_optional(
                    sqlx::query("SELECT slug FROM tenants WHERE slug = $1").bind(slug.to_owned()),
                )
                .await?
            }
            None => {
                tx.fetch_optional(
                    sqlx::query("SELECT slug FROM tenants WHERE host_name = $1").bind(host.clone()),
                )
                .await?
            }
        };
        tx.commit().await?;
        let slug = row.map(|r| rows::text(&r, "slug")).transpose()?;
        remember(&sites.by_host, &host, slug.clone());
        Ok(slug.map(Site::Tenant).unwrap_or(Site::Unknown))
    }

    /// The address of a business's portal, for links in emails and gateways' return pages:
    /// `https://billing.acme.example/acme` on its own host, `https://acme.portico.example/acme`
    /// under the tenant domain, else `PORTICO_BASE_URL/acme`.
    pub async fn tenant_url(&self, slug: &str) -> String {
        let sites = self.sites();
        let host = match cached(&sites.by_slug, slug) {
            Some(h) => h,
            None => {
                let h = self.host_name_of(slug).await.unwrap_or_else(|e| {
                    tracing::warn!(error = ?e, slug, "reading a host name failed");
                    None
                });
                remember(&sites.by_slug, slug, h.clone());
                h
            }
        };
        sites.url_for(slug, host.as_deref())
    }

    async fn host_name_of(&self, slug: &str) -> AppResult<Option<String>> {
        let mut tx = self.read("").await?;
        let row = tx
            .fetch_optional(
                sqlx::query("SELECT host_name FROM tenants WHERE slug = $1").bind(slug.to_owned()),
            )
            .await?;
        tx.commit().await?;
        Ok(row
            .map(|r| rows::opt_text(&r, "host_name"))
            .transpose()?
            .flatten())
    }

    /// Gives a business its own host name, or takes it away (`None`): an operator's act (the
    /// CLI), since whoever holds a host name holds the sign-ins made there. Refuses the
    /// deployment's own host, hosts under the tenant domain, and one another business has.
    pub async fn set_host_name(&self, slug: &str, host: Option<&str>) -> AppResult<()> {
        let host = host.map(parse_host_name).transpose()?;
        let sites = self.sites();
        if let Some(h) = &host {
            let under_domain = sites
                .tenant_domain
                .as_deref()
                .is_some_and(|d| h == d || h.ends_with(&format!(".{d}")));
            if *h == sites.base_host || h == "localhost" || under_domain {
                return Err(AppError::bad_input(
                    "hostName",
                    "that host name is the deployment's own",
                ));
            }
        }
        let tenant = self
            .tenant_by_slug(slug)
            .await?
            .ok_or(AppError::NotFound("tenant"))?;
        let mut tx = self.write(tenant.id.as_str()).await?;
        if let Some(h) = &host {
            let taken = tx
                .fetch_optional(
                    sqlx::query("SELECT slug FROM tenants WHERE host_name = $1 AND id <> $2")
                        .bind(h.clone())
                        .bind(tenant.id.as_str().to_owned()),
                )
                .await?;
            if taken.is_some() {
                return Err(AppError::Conflict(
                    "another business already has that host name".into(),
                ));
            }
        }
        tx.execute(
            sqlx::query("UPDATE tenants SET host_name = $1 WHERE id = $2")
                .bind(host.clone())
                .bind(tenant.id.as_str().to_owned()),
        )
        .await?;
        audit::record(
            &mut tx,
            &crate::core::scope::Scope::operator(tenant.id.as_str(), slug),
            "tenant.host_name_set",
            "tenant",
            tenant.id.as_str(),
            Some(serde_json::json!({ "host_name": host })),
        )
        .await?;
        tx.commit().await?;
        sites.forget();
        Ok(())
    }
}

/// Where a page address on a business's host belongs: `None` when it is already that
/// business's (or the deployment's, like `/graphql`), else the same address under `/SLUG`.
fn pinned(slug: &str, uri: &Uri) -> Option<String> {
    let path = uri.path();
    let own = path == format!("/{slug}") || path.starts_with(&format!("/{slug}/"));
    let global = GLOBAL
        .iter()
        .any(|g| path == *g || path.starts_with(&format!("{g}/")));
    if own || global {
        return None;
    }
    let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
    Some(format!("/{slug}{path}{query}"))
}

fn authority(req: &Request) -> Option<String> {
    req.headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| req.uri().authority().map(|a| a.as_str().to_owned()))
}

/// The slug the request's host serves, if it is a business's host.
pub fn pinned_tenant(headers: &HeaderMap) -> Option<&str> {
    headers.get(TENANT_HEADER).and_then(|v| v.to_str().ok())
}

/// The layer: routes by `Host` (see the module's documentation).
pub async fn layer(store: Store, mut req: Request, next: Next) -> Response {
    req.headers_mut().remove(ORIGIN_HEADER);
    req.headers_mut().remove(TENANT_HEADER);
    let Some(host) = authority(&req) else {
        return next.run(req).await;
    };
    match store.site_of(&host).await {
        Ok(Site::Deployment) => next.run(req).await,
        Ok(Site::Tenant(slug)) => {
            if let Some(to) = pinned(&slug, req.uri()) {
                return if req.method() == axum::http::Method::GET
                    || req.method() == axum::http::Method::HEAD
                {
                    Redirect::temporary(&to).into_response()
                } else {
                    (StatusCode::NOT_FOUND, "not found").into_response()
                };
            }
            let origin = format!("{}://{host}", store.sites().scheme);
            if let (Ok(o), Ok(t)) = (HeaderValue::from_str(&origin), HeaderValue::from_str(&slug)) {
                req.headers_mut().insert(ORIGIN_HEADER, o);
                req.headers_mut().insert(TENANT_HEADER, t);
            }
            next.run(req).await
        }
        Ok(Site::Unknown) => (StatusCode::NOT_FOUND, "not found").into_response(),
        Err(e) => {
            tracing::error!(error = ?e, "resolving a host failed");
            (StatusCode::SERVICE_UNAVAILABLE, "try again shortly").into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_are_parsed_strictly() {
        assert_eq!(
            parse_host_name(" Billing.Acme.Example. ").ok().as_deref(),
            Some("billing.acme.example")
        );
        for bad in [
            "localhost",
            "10.0.0.1",
            "a..b",
            "-a.example",
            "a_b.example",
            "a.example/x",
            "a.123",
            "",
        ] {
            assert!(parse_host_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ports_are_split_from_hosts() {
        assert_eq!(
            split_port("A.example:8080"),
            ("a.example".into(), Some("8080".into()))
        );
        assert_eq!(split_port("[::1]:80"), ("[::1]".into(), Some("80".into())));
        assert_eq!(split_port("a.example."), ("a.example".into(), None));
    }

    #[test]
    fn pages_elsewhere_are_sent_under_the_slug() {
        let uri = |s: &str| s.parse::<Uri>().unwrap_or_default();
        assert_eq!(pinned("acme", &uri("/")).as_deref(), Some("/acme/"));
        assert_eq!(
            pinned("acme", &uri("/invoices?page=2")).as_deref(),
            Some("/acme/invoices?page=2")
        );
        assert_eq!(
            pinned("acme", &uri("/other/invoices")).as_deref(),
            Some("/acme/other/invoices")
        );
        assert_eq!(pinned("acme", &uri("/acme/invoices")), None);
        assert_eq!(pinned("acme", &uri("/acme")), None);
        assert_eq!(pinned("acme", &uri("/graphql")), None);
        assert_eq!(pinned("acme", &uri("/assets/app.css")), None);
        assert_eq!(
            pinned("acme", &uri("/acmex")).as_deref(),
            Some("/acme/acmex")
        );
    }
}
