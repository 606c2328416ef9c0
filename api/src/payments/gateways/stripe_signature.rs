//! Stripe's webhook signature scheme, verified on the raw body: the `Stripe-Signature` header is
//! `t=<unix seconds>,v1=<hex>[,v1=<hex>…][,v0=…]`; each `v1` is HMAC-SHA256 of `"<t>.<body>"` with
//! the endpoint's signing secret. A request is genuine when any `v1` matches (compared in constant
//! time) and `t` is within the tolerance of now.

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const TOLERANCE_SECS: i64 = 300;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("missing or malformed Stripe-Signature header")]
    Malformed,
    #[error("timestamp outside the tolerance")]
    Stale,
    #[error("no signature matches")]
    Mismatch,
}

/// Verifies `header` for `body` with `secret` at `now` (unix seconds).
pub fn verify(header: &str, body: &[u8], secret: &str, now: i64) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut candidates = Vec::new();
    for part in header.split(',') {
        let Some((k, v)) = part.trim().split_once('=') else {
            continue;
        };
        match k {
            "t" => timestamp = v.parse::<i64>().ok(),
            "v1" => candidates.push(decode_hex(v).ok_or(SignatureError::Malformed)?),
            _ => {}
        }
    }
    let t = timestamp.ok_or(SignatureError::Malformed)?;
    if candidates.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - t).abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale);
    }
    for candidate in &candidates {
        let mac = mac(secret, t, body);
        // `verify_slice` compares in constant time.
        if mac.verify_slice(candidate).is_ok() {
            return Ok(());
        }
    }
    Err(SignatureError::Mismatch)
}

fn mac(secret: &str, t: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// A header for `body` signed at `t` (for the demo and tests).
pub fn sign(body: &[u8], secret: &str, t: i64) -> String {
    let tag = mac(secret, t, body).finalize().into_bytes();
    format!(
        "t={t},v1={}",
        tag.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || s.len() > 256 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";

    #[test]
    fn a_fresh_correct_signature_verifies() {
        let body = br#"{"id":"evt_1"}"#;
        assert_eq!(
            verify(&sign(body, SECRET, 1_000), body, SECRET, 1_100),
            Ok(())
        );
    }

    #[test]
    fn any_of_several_v1_values_may_match() {
        let body = b"{}";
        let good = sign(body, SECRET, 50);
        let v1 = good.split("v1=").nth(1).unwrap_or_default();
        let header = format!("t=50,v1={},v0=abc,v1={v1}", "00".repeat(32));
        assert_eq!(verify(&header, body, SECRET, 60), Ok(()));
    }

    #[test]
    fn tampered_bodies_wrong_secrets_and_stale_or_future_timestamps_are_refused() {
        let body = br#"{"amount":100}"#;
        let header = sign(body, SECRET, 10_000);
        assert_eq!(
            verify(&header, br#"{"amount":900}"#, SECRET, 10_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(&header, body, "whsec_other", 10_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(&header, body, SECRET, 10_301),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(&header, body, SECRET, 9_699),
            Err(SignatureError::Stale)
        );
        assert_eq!(verify(&header, body, SECRET, 10_300), Ok(()));
    }

    #[test]
    fn malformed_headers_are_refused() {
        for h in ["", "t=1", "v1=00", "t=x,v1=00", "t=1,v1=zz", "t=1,v0=00"] {
            assert_eq!(
                verify(h, b"{}", SECRET, 1),
                Err(SignatureError::Malformed),
                "{h}"
            );
        }
    }
}
