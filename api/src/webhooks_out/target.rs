//! Where a webhook may go. An endpoint is an `https://` URL (plain `http://` only to a loopback
//! host, and only where private targets are allowed: development and tests). At send time its
//! host is resolved and every address checked: loopback, private, link-local (which holds the
//! cloud metadata address 169.254.169.254), shared, multicast and other special ranges are
//! refused unless `PORTICO_WEBHOOKS_ALLOW_PRIVATE` is on, and the request then goes to the
//! address that was checked (pinned), so a DNS answer that changes in between (rebinding) cannot
//! redirect it. Redirects are never followed.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use reqwest::Url;

/// The longest endpoint URL taken.
pub const MAX_URL: usize = 2000;

/// Whether an address is one a partner's endpoint may not resolve to.
pub fn forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => forbidden_v4(a),
        IpAddr::V6(a) => {
            if let Some(v4) = a.to_ipv4_mapped() {
                return forbidden_v4(v4);
            }
            let s = a.segments();
            a.is_loopback()
                || a.is_unspecified()
                || a.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7 (AWS's fd00:ec2::254)
                || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x0064 && s[1] == 0xff9b) // NAT64, which reaches IPv4 behind it
                || (s[0] == 0 && s[1] == 0 && s[2] == 0 && s[3] == 0 && s[4] == 0 && s[5] == 0)
            // IPv4-compatible
        }
    }
}

fn forbidden_v4(a: Ipv4Addr) -> bool {
    let o = a.octets();
    a.is_loopback()
        || a.is_private()
        || a.is_link_local()
        || a.is_unspecified()
        || a.is_broadcast()
        || a.is_multicast()
        || a.is_documentation()
        || o[0] == 0
        || (o[0] == 100 && (o[1] & 0xc0) == 64) // shared 100.64.0.0/10
        || (o[0] == 198 && (o[1] & 0xfe) == 18) // benchmarking 198.18.0.0/15
        || o[0] >= 240 // reserved
}

/// Checks an endpoint URL as it is registered: `Err` says what is wrong, in words for the
/// business.
pub fn check_url(raw: &str, allow_private: bool) -> Result<Url, &'static str> {
    let raw = raw.trim();
    if raw.len() > MAX_URL {
        return Err("a webhook URL is at most 2000 characters");
    }
    let url = Url::parse(raw)
        .map_err(|_| "enter a full URL such as https://erp.example.com/hooks/portico")?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("a webhook URL may not carry a user name or password");
    }
    let Some(host) = url.host_str() else {
        return Err("enter a full URL such as https://erp.example.com/hooks/portico");
    };
    let loopback = host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match url.scheme() {
        "https" => {}
        "http" if loopback && allow_private => {}
        "http" => return Err("a webhook URL must start with https://"),
        _ => return Err("a webhook URL must start with https://"),
    }
    if !allow_private {
        if let Ok(ip) = host.trim_matches(['[', ']']).parse::<IpAddr>() {
            if forbidden(ip) {
                return Err("a webhook URL may not point to a private or local network address");
            }
        }
        if host == "localhost" || host.ends_with(".localhost") {
            return Err("a webhook URL may not point to a private or local network address");
        }
    }
    Ok(url)
}

/// Resolves the URL's host and picks the address to send to, refusing private ones unless
/// allowed: (host, address).
pub async fn resolve(url: &Url, allow_private: bool) -> Result<(String, SocketAddr), String> {
    let host = url
        .host_str()
        .ok_or_else(|| "the URL has no host".to_owned())?
        .trim_matches(['[', ']'])
        .to_owned();
    let port = url.port_or_known_default().unwrap_or(443);
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|e| format!("resolving {host}: {e}"))?
        .collect();
    if addrs.is_empty() {
        return Err(format!("{host} has no address"));
    }
    if !allow_private {
        if let Some(bad) = addrs.iter().find(|a| forbidden(a.ip())) {
            return Err(format!(
                "{host} resolves to {}, a private or local address: refused",
                bad.ip()
            ));
        }
    }
    Ok((host, addrs[0]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_local_and_metadata_addresses_are_forbidden() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fd00:ec2::254",
            "fe80::1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
        ] {
            assert!(forbidden(ip.parse().expect(ip)), "{ip}");
        }
        for ip in ["93.184.216.34", "8.8.8.8", "2606:4700::1111"] {
            assert!(!forbidden(ip.parse().expect(ip)), "{ip}");
        }
    }

    #[test]
    fn urls_are_https_without_credentials_or_private_hosts() {
        assert!(check_url("https://erp.example.com/hooks", false).is_ok());
        assert!(check_url("http://erp.example.com/hooks", false).is_err());
        assert!(check_url("http://127.0.0.1:9000/hooks", false).is_err());
        assert!(check_url("http://127.0.0.1:9000/hooks", true).is_ok());
        assert!(check_url("http://localhost:9000/hooks", true).is_ok());
        assert!(check_url("https://10.0.0.5/hooks", false).is_err());
        assert!(check_url("https://169.254.169.254/latest", false).is_err());
        assert!(check_url("https://user:pw@erp.example.com/", false).is_err());
        assert!(check_url("ftp://erp.example.com/", false).is_err());
        assert!(check_url("not a url", false).is_err());
    }
}
