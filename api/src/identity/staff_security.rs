//! How a business's staff may sign in, set by its owner or admins: with a passkey once they have
//! one (the first sign-in, and any before a passkey is added, is by link), and only from listed
//! networks. Clients are not affected; API tokens neither (they are revoked, not signed in).

use std::net::IpAddr;

use crate::core::audit;
use crate::core::db::rows;
use crate::core::db::Store;
use crate::core::error::{AppError, AppResult};
use crate::core::scope::Scope;
use crate::identity::UserKind;
use crate::tenancy::Tenant;

/// The most networks a business lists.
pub const MAX_NETWORKS: usize = 50;

/// Why a staff sign-in is refused (a code the sign-in pages explain).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// From outside the business's networks.
    Network,
    /// By link, when the person has a passkey and the business requires passkeys.
    PasskeyRequired,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::Network => "network",
            Refusal::PasskeyRequired => "passkey",
        }
    }
}

/// Whether `ip` is in one of `networks` (an empty list allows everyone; an unknown address
/// only then).
pub fn allows(networks: &[ipnet::IpNet], ip: Option<IpAddr>) -> bool {
    networks.is_empty() || ip.is_some_and(|ip| networks.iter().any(|n| n.contains(&ip)))
}

/// The networks as typed: one address or CIDR range per entry (commas and spaces also split).
pub fn parse_networks(entries: &[String]) -> AppResult<Vec<ipnet::IpNet>> {
    let mut out: Vec<ipnet::IpNet> = Vec::new();
    for entry in entries.iter().flat_map(|e| e.split([',', ' ', '\n'])) {
        let e = entry.trim();
        if e.is_empty() {
            continue;
        }
        let net = crate::core::client_ip::parse_trusted(e).map_err(|_| {
            AppError::bad_input(
                "networks",
                format!("{e:.60} is not an address or a range like 203.0.113.0/24"),
            )
        })?;
        for n in net {
            if !out.contains(&n) {
                out.push(n);
            }
        }
    }
    if out.len() > MAX_NETWORKS {
        return Err(AppError::bad_input(
            "networks",
            format!("at most {MAX_NETWORKS} networks"),
        ));
    }
    Ok(out)
}

impl Store {
    /// Sets the staff sign-in rules. Refuses a list that would shut out the caller's own session
    /// address (so nobody locks their business out by a typo).
    pub async fn set_staff_security(
        &self,
        scope: &Scope,
        require_passkeys: bool,
        networks: &[String],
    ) -> AppResult<Vec<ipnet::IpNet>> {
        scope.require_admin()?;
        let nets = parse_networks(networks)?;
        let mut tx = self.write_scoped(scope).await?;
        if let (Some(session), false) = (&scope.session_id, nets.is_empty()) {
            let row = tx
                .fetch_optional(
                    sqlx::query("SELECT ip FROM sessions WHERE tenant_id = $1 AND id = $2")
                        .bind(scope.tenant_id.clone())
                        .bind(session.clone()),
                )
                .await?;
            let ip = row
                .map(|r| rows::opt_text(&r, "ip"))
                .transpose()?
                .flatten()
                .and_then(|ip| ip.parse::<IpAddr>().ok());
            if !allows(&nets, ip) {
                return Err(AppError::bad_input(
                    "networks",
                    "the address you signed in from is not in the list: you would be shut out",
                ));
            }
        }
        let stored = nets
            .iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(",");
        tx.execute(
            sqlx::query(
                "UPDATE tenants SET staff_passkeys_required = $1, staff_networks = $2 WHERE id = $3",
            )
            .bind(i64::from(require_passkeys))
            .bind(stored.clone())
            .bind(scope.tenant_id.clone()),
        )
        .await?;
        audit::record(
            &mut tx,
            scope,
            "tenant.staff_security_changed",
            "tenant",
            &scope.tenant_id,
            Some(serde_json::json!({
                "require_passkeys": require_passkeys,
                "networks": stored,
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(nets)
    }

    /// Like [`Store::staff_sign_in_refusal`], and a refusal is audited.
    pub async fn refuse_staff_sign_in(
        &self,
        tenant: &Tenant,
        kind: UserKind,
        user_id: &str,
        ip: Option<IpAddr>,
        by_link: bool,
    ) -> AppResult<Option<Refusal>> {
        let why = self
            .staff_sign_in_refusal(tenant, kind, user_id, ip, by_link)
            .await?;
        if let Some(why) = why {
            let _ = self
                .audit_anonymous(
                    tenant.id.as_str(),
                    "auth.sign_in.refused",
                    kind.as_str(),
                    user_id,
                    serde_json::json!({
                        "ip": ip.map(|i| i.to_string()).unwrap_or_else(|| "unknown".into()),
                        "why": why.code(),
                    }),
                )
                .await;
        }
        Ok(why)
    }

    /// Whether a staff sign-in may go on: `Some` says why not. Contacts always may.
    pub async fn staff_sign_in_refusal(
        &self,
        tenant: &Tenant,
        kind: UserKind,
        user_id: &str,
        ip: Option<IpAddr>,
        by_link: bool,
    ) -> AppResult<Option<Refusal>> {
        if kind != UserKind::Staff {
            return Ok(None);
        }
        if !allows(&tenant.staff_networks, ip) {
            return Ok(Some(Refusal::Network));
        }
        if by_link && tenant.staff_passkeys_required {
            let keys = self.passkeys_of(tenant.id.as_str(), kind, user_id).await?;
            if !keys.is_empty() {
                return Ok(Some(Refusal::PasskeyRequired));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_are_parsed_and_matched() {
        let nets = parse_networks(&[
            "203.0.113.0/24, 2001:db8::/32".into(),
            "198.51.100.7".into(),
        ])
        .unwrap_or_default();
        assert_eq!(nets.len(), 3);
        assert!(allows(&nets, "203.0.113.9".parse().ok()));
        assert!(allows(&nets, "198.51.100.7".parse().ok()));
        assert!(allows(&nets, "2001:db8::1".parse().ok()));
        assert!(!allows(&nets, "198.51.100.8".parse().ok()));
        assert!(!allows(&nets, None));
        assert!(allows(&[], None));
        assert!(parse_networks(&["203.0.113.0/33".into()]).is_err());
        assert!(parse_networks(&["office".into()]).is_err());
    }
}
