//! The address of the person behind a request. It is the connection's peer, unless the peer is
//! one of the configured trusted proxies (`PORTICO_TRUSTED_PROXIES`): then `Forwarded` (RFC 7239)
//! or `X-Forwarded-For` is read from the right, skipping trusted hops, and the first address that
//! is not a trusted proxy is the client's. Headers from anyone else are ignored, so nobody can
//! choose their own rate-limit bucket by sending a header.
//!
//! A layer computes it once per request ([`layer`]); handlers take [`ClientIp`] as an extractor.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

/// The client's address, when the server knows it (served with connection info).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientIp(pub Option<IpAddr>);

impl ClientIp {
    /// The address as text, `unknown` when there is none (rate-limit keys, audit details).
    pub fn text(&self) -> String {
        self.0
            .map(|ip| ip.to_string())
            .unwrap_or_else(|| "unknown".into())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<ClientIp>()
            .copied()
            .unwrap_or_else(|| {
                ClientIp(
                    parts
                        .extensions
                        .get::<ConnectInfo<SocketAddr>>()
                        .map(|c| c.0.ip()),
                )
            }))
    }
}

/// Parses `PORTICO_TRUSTED_PROXIES`: addresses or CIDR ranges, separated by commas or spaces.
pub fn parse_trusted(list: &str) -> anyhow::Result<Vec<IpNet>> {
    list.split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    anyhow::anyhow!(
                        "PORTICO_TRUSTED_PROXIES: {s:?} is not an IP address or a CIDR range (e.g. 10.0.0.0/8)"
                    )
                })
        })
        .collect()
}

/// The middleware: stores the request's [`ClientIp`] for handlers.
pub async fn layer(trusted: Arc<[IpNet]>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let ip = peer.map(|p| resolve(p, req.headers(), &trusted));
    req.extensions_mut().insert(ClientIp(ip));
    next.run(req).await
}

fn is_trusted(ip: IpAddr, trusted: &[IpNet]) -> bool {
    let ip = canonical(ip);
    trusted.iter().any(|n| n.contains(&ip))
}

/// IPv4-mapped IPv6 (`::ffff:10.0.0.1`) as IPv4, so one list covers both listeners.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// The client's address for a connection from `peer` with these headers.
pub fn resolve(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let peer = canonical(peer);
    if !is_trusted(peer, trusted) {
        return peer;
    }
    let hops = forwarded_hops(headers);
    // From the nearest hop outwards: the first address that is not one of our proxies.
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop {
            Some(ip) => {
                client = canonical(*ip);
                if !is_trusted(client, trusted) {
                    return client;
                }
            }
            // An address we cannot read (obfuscated, garbage): stop at the last one we trust.
            None => return client,
        }
    }
    client
}

/// The chain of addresses a request passed through, client first: `Forwarded`'s `for=` values
/// when present, else `X-Forwarded-For`. `None` stands for an entry that is not an address.
fn forwarded_hops(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<Option<IpAddr>> = headers
        .get_all("forwarded")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (k, v) = pair.trim().split_once('=')?;
                k.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| parse_node(v.trim().trim_matches('"')))
            })
        })
        .collect();
    if !forwarded.is_empty() {
        return forwarded;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|s| parse_node(s.trim()))
        .collect()
}

/// `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]`, `[2001:db8::1]:4711` or `2001:db8::1`.
fn parse_node(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(rest) = s.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    s.parse::<SocketAddr>().ok().map(|a| a.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).expect("name"),
                v.parse().expect("value"),
            );
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn headers_from_an_untrusted_peer_are_ignored() {
        let trusted = parse_trusted("10.0.0.0/8").expect("list");
        let h = headers(&[("x-forwarded-for", "1.2.3.4"), ("forwarded", "for=5.6.7.8")]);
        assert_eq!(resolve(ip("203.0.113.9"), &h, &trusted), ip("203.0.113.9"));
        assert_eq!(resolve(ip("203.0.113.9"), &h, &[]), ip("203.0.113.9"));
    }

    #[test]
    fn a_trusted_proxy_chain_is_read_from_the_right() {
        let trusted = parse_trusted("10.0.0.0/8, 192.168.1.1").expect("list");
        // The client spoofs a first entry; our two proxies appended the real address.
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 198.51.100.7, 192.168.1.1")]);
        assert_eq!(resolve(ip("10.1.2.3"), &h, &trusted), ip("198.51.100.7"));
        // Several header lines form one list.
        let h = headers(&[
            ("x-forwarded-for", "6.6.6.6"),
            ("x-forwarded-for", "198.51.100.8"),
        ]);
        assert_eq!(resolve(ip("10.1.2.3"), &h, &trusted), ip("198.51.100.8"));
        // No header: the proxy itself.
        assert_eq!(
            resolve(ip("10.1.2.3"), &HeaderMap::new(), &trusted),
            ip("10.1.2.3")
        );
        // Every hop trusted: the farthest one.
        let h = headers(&[("x-forwarded-for", "10.9.9.9, 192.168.1.1")]);
        assert_eq!(resolve(ip("10.1.2.3"), &h, &trusted), ip("10.9.9.9"));
        // An unreadable entry stops the walk at the last trusted hop.
        let h = headers(&[("x-forwarded-for", "198.51.100.7, garbage")]);
        assert_eq!(resolve(ip("10.1.2.3"), &h, &trusted), ip("10.1.2.3"));
    }

    #[test]
    fn forwarded_takes_precedence_and_accepts_ports_and_ipv6() {
        let trusted = parse_trusted("127.0.0.1, ::1").expect("list");
        let h = headers(&[
            ("x-forwarded-for", "6.6.6.6"),
            (
                "forwarded",
                "for=192.0.2.60;proto=https, for=\"[2001:db8:cafe::17]:4711\"",
            ),
        ]);
        assert_eq!(
            resolve(ip("127.0.0.1"), &h, &trusted),
            ip("2001:db8:cafe::17")
        );
        let h = headers(&[("forwarded", "for=192.0.2.43:8080")]);
        assert_eq!(resolve(ip("::1"), &h, &trusted), ip("192.0.2.43"));
        // An IPv4-mapped peer matches an IPv4 entry.
        let h = headers(&[("x-forwarded-for", "192.0.2.44")]);
        assert_eq!(
            resolve(ip("::ffff:127.0.0.1"), &h, &trusted),
            ip("192.0.2.44")
        );
    }

    #[test]
    fn the_trusted_list_refuses_what_is_not_an_address() {
        assert!(parse_trusted("").expect("empty").is_empty());
        assert_eq!(parse_trusted("10.0.0.1 ,fd00::/8").expect("list").len(), 2);
        let err = parse_trusted("10.0.0.1, proxy.local")
            .expect_err("a host name")
            .to_string();
        assert!(err.contains("\"proxy.local\""), "{err}");
    }
}
