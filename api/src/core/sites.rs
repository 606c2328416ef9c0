//! The deployment's addresses: its base URL, its tenant domain, and what it learnt of the
//! businesses' host names (kept a short while). `tenancy::hosts` routes requests with it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a host's answer is kept before the database is asked again (a change made by
/// another process shows within this).
const TTL: Duration = Duration::from_secs(30);

/// The deployment's addresses and what it learnt of hosts.
pub struct Sites {
    pub(crate) base_url: String,
    /// `http` or `https`, from the base URL.
    pub(crate) scheme: String,
    /// The base URL's host, lower case, without port.
    pub(crate) base_host: String,
    /// `:PORT` when the base URL names one (links to a business's host keep it).
    pub(crate) port: String,
    pub(crate) tenant_domain: Option<String>,
    pub(crate) by_host: Cache,
    pub(crate) by_slug: Cache,
}

impl Sites {
    pub fn new(base_url: &str, tenant_domain: Option<&str>) -> Sites {
        let base_url = base_url.trim_end_matches('/').to_owned();
        let (scheme, rest) = base_url.split_once("://").unwrap_or(("http", &base_url));
        let authority = rest.split('/').next().unwrap_or("");
        let (host, port) = split_port(authority);
        Sites {
            scheme: scheme.to_owned(),
            base_host: host,
            port: port.map(|p| format!(":{p}")).unwrap_or_default(),
            tenant_domain: tenant_domain
                .map(|d| d.trim().trim_matches('.').to_ascii_lowercase())
                .filter(|d| !d.is_empty()),
            base_url,
            by_host: Mutex::new(HashMap::new()),
            by_slug: Mutex::new(HashMap::new()),
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// A business's portal address from its slug and host name (see `Store::tenant_url`).
    pub fn url_for(&self, slug: &str, host_name: Option<&str>) -> String {
        let sub = self.tenant_domain.as_ref().map(|d| format!("{slug}.{d}"));
        match host_name.map(str::to_owned).or(sub) {
            Some(h) => format!("{}://{h}{}/{slug}", self.scheme, self.port),
            None => format!("{}/{slug}", self.base_url),
        }
    }

    pub(crate) fn forget(&self) {
        if let Ok(mut m) = self.by_host.lock() {
            m.clear();
        }
        if let Ok(mut m) = self.by_slug.lock() {
            m.clear();
        }
    }
}

pub(crate) type Cache = Mutex<HashMap<String, (Option<String>, Instant)>>;

pub(crate) fn cached(map: &Cache, key: &str) -> Option<Option<String>> {
    let m = map.lock().ok()?;
    m.get(key)
        .filter(|(_, at)| at.elapsed() < TTL)
        .map(|(v, _)| v.clone())
}

pub(crate) fn remember(map: &Cache, key: &str, v: Option<String>) {
    if let Ok(mut m) = map.lock() {
        // Bounded: anyone can send any Host; forget everything rather than grow.
        if m.len() > 10_000 {
            m.clear();
        }
        m.insert(key.to_owned(), (v, Instant::now()));
    }
}

/// `host[:port]` → (lower-case host, port); IPv6 literals keep their brackets.
pub(crate) fn split_port(authority: &str) -> (String, Option<String>) {
    let a = authority.trim().to_ascii_lowercase();
    if a.starts_with('[') {
        return match a.split_once("]:") {
            Some((h, p)) => (format!("{h}]"), Some(p.to_owned())),
            None => (a, None),
        };
    }
    match a.rsplit_once(':') {
        Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) => {
            (h.trim_end_matches('.').to_owned(), Some(p.to_owned()))
        }
        _ => (a.trim_end_matches('.').to_owned(), None),
    }
}
