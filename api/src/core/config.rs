//! Configuration from `PORTICO_*` environment variables (listed with defaults in the README).

use std::net::SocketAddr;
use std::path::PathBuf;

/// Everything the composition root needs; built from the environment or by tests. Its `Debug`
/// hides the secret key and the passwords in URLs.
#[derive(Clone)]
pub struct Config {
    /// `sqlite://…` (default: a file in `data_dir`) or `postgres://…`.
    pub database_url: String,
    /// Redis for cross-instance events; `None` means the in-process bus.
    pub redis_url: Option<String>,
    pub listen: SocketAddr,
    /// Public URL of this deployment, used in links printed and mailed.
    pub base_url: String,
    pub data_dir: PathBuf,
    pub max_connections: u32,
    /// `smtp://…` / `smtps://…`; `None` writes mail to the log (kept in the outbox).
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// 64 hex characters: the key that encrypts gateway credentials at rest.
    pub secret_key: Option<String>,
    /// Stripe's API base URL (tests point it at a local server).
    pub stripe_api_base: String,
    /// PassimPay's API base URL (`PORTICO_PASSIMPAY_API_BASE`; tests point it at a local server).
    pub passimpay_api_base: String,
    /// Whether partners' webhook endpoints may resolve to loopback, private, link-local or
    /// metadata addresses (`PORTICO_WEBHOOKS_ALLOW_PRIVATE`): off in production, on for
    /// `portico demo` and tests, whose receivers are local.
    pub webhooks_allow_private: bool,
    /// The portal's static files (stylesheet, scripts, the WASM bundle `cargo xtask client` builds).
    pub web_assets: PathBuf,
    /// The demo payment gateway (a local page that records a payment without money moving): on for
    /// `portico demo`, tests and benchmarks; off unless `PORTICO_DEMO_GATEWAY=true` otherwise.
    pub demo_gateway: bool,
    /// Proxies whose `Forwarded` / `X-Forwarded-For` headers are believed
    /// (`PORTICO_TRUSTED_PROXIES`: addresses or CIDR ranges); none by default.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Where uploaded files (logos) live: `PORTICO_FILES_URL`, default `data_dir/files`.
    pub files: crate::core::storage::FilesConfig,
    /// `PORTICO_TENANT_DOMAIN`: business `acme` is also served at `acme.DOMAIN`.
    pub tenant_domain: Option<String>,
    /// `PORTICO_PUBLIC_SIGNUP=true`: anyone may sign up a new business at `/signup` (off by
    /// default: the operator creates businesses with `portico tenant create`).
    pub public_signup: bool,
}

impl Config {
    pub fn from_env() -> anyhow::Result<Config> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let data_dir = PathBuf::from(var("PORTICO_DATA_DIR").unwrap_or_else(|| "data".into()));
        let listen: SocketAddr = var("PORTICO_LISTEN")
            .unwrap_or_else(|| "127.0.0.1:8080".into())
            .parse()
            .map_err(|e| anyhow::anyhow!("PORTICO_LISTEN: {e}"))?;
        let max_connections = match var("PORTICO_DB_MAX_CONNECTIONS") {
            Some(v) => v
                .parse()
                .map_err(|e| anyhow::anyhow!("PORTICO_DB_MAX_CONNECTIONS: {e}"))?,
            None => 10,
        };
        let files = crate::core::storage::FilesConfig::from_env(var, &data_dir)?;
        Ok(Config {
            database_url: var("PORTICO_DATABASE_URL")
                .unwrap_or_else(|| default_sqlite_url(&data_dir)),
            redis_url: var("PORTICO_REDIS_URL"),
            base_url: var("PORTICO_BASE_URL").unwrap_or_else(|| default_base_url(listen)),
            listen,
            data_dir,
            max_connections,
            smtp_url: var("PORTICO_SMTP_URL"),
            mail_from: var("PORTICO_MAIL_FROM")
                .unwrap_or_else(|| "Portico <no-reply@localhost>".into()),
            secret_key: var("PORTICO_SECRET_KEY"),
            stripe_api_base: var("PORTICO_STRIPE_API_BASE")
                .unwrap_or_else(|| "https://api.stripe.com".into()),
            passimpay_api_base: var("PORTICO_PASSIMPAY_API_BASE")
                .unwrap_or_else(|| "https://api.passimpay.io".into()),
            webhooks_allow_private: flag(
                var("PORTICO_WEBHOOKS_ALLOW_PRIVATE"),
                "PORTICO_WEBHOOKS_ALLOW_PRIVATE",
            )?,
            web_assets: var("PORTICO_WEB_ASSETS")
                .map(PathBuf::from)
                .unwrap_or_else(portico_web::server::default_assets_dir),
            demo_gateway: flag(var("PORTICO_DEMO_GATEWAY"), "PORTICO_DEMO_GATEWAY")?,
            trusted_proxies: crate::core::client_ip::parse_trusted(
                &var("PORTICO_TRUSTED_PROXIES").unwrap_or_default(),
            )?,
            files,
            tenant_domain: var("PORTICO_TENANT_DOMAIN"),
            public_signup: flag(var("PORTICO_PUBLIC_SIGNUP"), "PORTICO_PUBLIC_SIGNUP")?,
        })
    }

    /// Same as the environment, but with a different data directory and listen address (CLI flags).
    pub fn with_overrides(mut self, listen: Option<SocketAddr>, data_dir: Option<PathBuf>) -> Self {
        if let Some(dir) = data_dir {
            if std::env::var("PORTICO_DATABASE_URL").is_err() {
                self.database_url = default_sqlite_url(&dir);
            }
            if std::env::var("PORTICO_FILES_URL").is_err() {
                self.files = crate::core::storage::FilesConfig::Local(dir.join("files"));
            }
            self.data_dir = dir;
        }
        if let Some(addr) = listen {
            if std::env::var("PORTICO_BASE_URL").is_err() {
                self.base_url = default_base_url(addr);
            }
            self.listen = addr;
        }
        self
    }
}

impl Config {
    /// For `portico demo` without `PORTICO_SECRET_KEY`: a key kept in the data folder
    /// (`secret.key`, made at the first run, readable by its owner only), so the demo can store
    /// gateway keys and webhook secrets. A real deployment sets `PORTICO_SECRET_KEY`.
    pub fn with_demo_secret_key(mut self) -> anyhow::Result<Self> {
        if self.secret_key.is_some() {
            return Ok(self);
        }
        let path = self.data_dir.join("secret.key");
        let key = match std::fs::read_to_string(&path) {
            Ok(k) if k.trim().len() == 64 => k.trim().to_owned(),
            _ => {
                std::fs::create_dir_all(&self.data_dir)?;
                let key: String = (0..32)
                    .map(|_| format!("{:02x}", rand::random::<u8>()))
                    .collect();
                std::fs::write(&path, &key)?;
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
                }
                key
            }
        };
        self.secret_key = Some(key);
        Ok(self)
    }

    /// Defaults for a test or benchmark on a given database (no Redis, no SMTP).
    pub fn for_database(database_url: String, data_dir: PathBuf) -> Config {
        Config {
            database_url,
            redis_url: None,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            base_url: "http://localhost".into(),
            max_connections: 8,
            smtp_url: None,
            mail_from: "Portico <no-reply@localhost>".into(),
            secret_key: None,
            stripe_api_base: "https://api.stripe.com".into(),
            passimpay_api_base: "https://api.passimpay.io".into(),
            webhooks_allow_private: true,
            web_assets: portico_web::server::default_assets_dir(),
            demo_gateway: true,
            trusted_proxies: Vec::new(),
            files: crate::core::storage::FilesConfig::Local(data_dir.join("files")),
            data_dir,
            tenant_domain: None,
            public_signup: false,
        }
    }

    /// A 32-byte key for `purpose`, the same on every instance with the same configuration: from
    /// `PORTICO_SECRET_KEY` when set (as it must be with several instances), else from the
    /// database URL (a single embedded instance). Signs the portal's form messages and keys the
    /// passkey decoys, so instances behind a load balancer agree.
    pub fn derived_key(&self, purpose: &str) -> [u8; 32] {
        use hmac::{Hmac, Mac};
        let root = self
            .secret_key
            .as_deref()
            .unwrap_or(self.database_url.as_str());
        let mut mac =
            <Hmac<sha2::Sha256> as Mac>::new_from_slice(root.as_bytes()).expect("any key length");
        mac.update(b"portico derived key\n");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// Cookies get `Secure` and the `__Host-` prefix when the portal is served over https.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    /// The origin (`scheme://host[:port]`) browsers send with requests from the portal's pages.
    pub fn origin(&self) -> String {
        let rest = self
            .base_url
            .split_once("://")
            .map(|(s, r)| (s, r.split('/').next().unwrap_or(r)));
        match rest {
            Some((scheme, host)) => format!("{scheme}://{host}"),
            None => self.base_url.clone(),
        }
    }
}

/// A yes/no setting: unset, `false` or `0` is no; `true` or `1` is yes.
fn flag(value: Option<String>, name: &str) -> anyhow::Result<bool> {
    match value.as_deref() {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(other) => anyhow::bail!("{name}: expected true or false, got {other:?}"),
    }
}

/// `http://localhost:PORT` for a loopback listener (browsers and passkeys want a host name, not
/// an IP address), else `http://ADDR`.
pub fn default_base_url(listen: SocketAddr) -> String {
    if listen.ip().is_loopback() {
        format!("http://localhost:{}", listen.port())
    } else {
        format!("http://{listen}")
    }
}

pub fn default_sqlite_url(data_dir: &std::path::Path) -> String {
    format!("sqlite://{}/portico.db?mode=rwc", data_dir.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loopback_listener_defaults_to_a_localhost_base_url_that_passkeys_accept() {
        let base = default_base_url("127.0.0.1:8080".parse().unwrap_or_else(|_| unreachable!()));
        assert_eq!(base, "http://localhost:8080");
        let mut c = Config::for_database("sqlite::memory:".into(), "data".into());
        c.base_url = base;
        assert!(crate::identity::relying_party::relying_party(&c).is_ok());
        c.base_url = "http://10.0.0.5:8080".into();
        assert!(
            crate::identity::relying_party::relying_party(&c).is_err(),
            "an IP address is no relying party"
        );
    }
}

/// A URL with its password (if any) replaced by `***`.
fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split(':').next().unwrap_or_default();
            let hidden = if user_info.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{hidden}@{host}{path}")
        }
        None => url.to_owned(),
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact_url(&self.database_url))
            .field("redis_url", &self.redis_url.as_deref().map(redact_url))
            .field("listen", &self.listen)
            .field("base_url", &self.base_url)
            .field("data_dir", &self.data_dir)
            .field("max_connections", &self.max_connections)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("mail_from", &self.mail_from)
            .field("secret_key", &self.secret_key.as_ref().map(|_| "***"))
            .field("stripe_api_base", &self.stripe_api_base)
            .field("passimpay_api_base", &self.passimpay_api_base)
            .field("webhooks_allow_private", &self.webhooks_allow_private)
            .field("web_assets", &self.web_assets)
            .field("demo_gateway", &self.demo_gateway)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("files", &self.files)
            .field("tenant_domain", &self.tenant_domain)
            .field("public_signup", &self.public_signup)
            .finish()
    }
}

#[cfg(test)]
mod secret_tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret_key_and_url_passwords() {
        let mut c = Config::for_database(
            "postgres://portico:db-pass@db.internal:5432/portico".into(),
            PathBuf::from("data"),
        );
        c.secret_key = Some("ab".repeat(32));
        c.smtp_url = Some("smtps://mailer:smtp-pass@mail.example:465".into());
        c.redis_url = Some("redis://:redis-pass@cache:6379/0".into());
        let shown = format!("{c:?}");
        for secret in ["db-pass", "smtp-pass", "redis-pass", &"ab".repeat(32)] {
            assert!(!shown.contains(secret), "{secret} shown in {shown}");
        }
        assert!(
            shown.contains("postgres://portico:***@db.internal:5432/portico"),
            "{shown}"
        );
        assert!(
            shown.contains("smtps://mailer:***@mail.example:465"),
            "{shown}"
        );
    }

    #[test]
    fn derived_keys_agree_across_instances_and_differ_by_purpose() {
        let mut a = Config::for_database("sqlite://x.db".into(), PathBuf::from("data"));
        a.secret_key = Some("cd".repeat(32));
        let b = a.clone();
        assert_eq!(a.derived_key("flash"), b.derived_key("flash"));
        assert_ne!(a.derived_key("flash"), a.derived_key("passkey-decoy"));
        let mut other = a.clone();
        other.secret_key = Some("ef".repeat(32));
        assert_ne!(a.derived_key("flash"), other.derived_key("flash"));
    }
}
