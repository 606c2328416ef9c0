//! PassimPay's API for one business's platform: signed JSON POSTs to create an order (the hosted
//! crypto payment page) and read its status, and the verification of its callbacks.
//!
//! Every request and callback is signed the same way: `x-signature` is the lower-case hex of
//! HMAC-SHA256, keyed with the platform's secret, over `platformId;BODY;secret`, where BODY is
//! the exact JSON bytes sent.

use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::Sha256;

use portico_domain::Money;

/// How long one call may take before it counts as failed.
const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// PassimPay, for one business's platform.
pub struct PassimpayClient {
    pub api_base: String,
    pub platform_id: i64,
    pub secret: String,
}

/// What `orderstatus` says of an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderStatus {
    /// Paid in full: the amount received, in minor units of the order's currency.
    Paid { amount_minor: Option<i64> },
    /// Not paid yet, or paid in part.
    Waiting,
    /// Cancelled or expired.
    Failed,
}

/// A callback's fields (a trigger only: the order's status decides).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Callback {
    pub order_id: String,
    #[serde(default)]
    pub txhash: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub payment_id: Option<String>,
}

/// A field PassimPay sends as a number or a string, as text.
fn lenient_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

/// The signature of `body` for a platform: lower-case hex HMAC-SHA256 over
/// `platformId;body;secret`, keyed with the secret.
pub fn sign(platform_id: i64, secret: &str, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(platform_id.to_string().as_bytes());
    mac.update(b";");
    mac.update(body);
    mac.update(b";");
    mac.update(secret.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `signature` is this platform's over `body` (compared in constant time).
pub fn verify(platform_id: i64, secret: &str, body: &[u8], signature: &str) -> bool {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(platform_id.to_string().as_bytes());
    mac.update(b";");
    mac.update(body);
    mac.update(b";");
    mac.update(secret.as_bytes());
    let Some(bytes) = unhex(signature.trim()) else {
        return false;
    };
    mac.verify_slice(&bytes).is_ok()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() != 64 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// An amount as PassimPay reads it: a decimal string with two places (`"100.00"`).
pub fn amount_text(minor: i64, exponent: u32) -> String {
    format!("{:.2}", rust_decimal::Decimal::new(minor, exponent))
}

/// Minor units from PassimPay's decimal text (`"12.5"` → 1250 with exponent 2); `None` for
/// what is not an amount in that currency.
pub fn minor_of(text: &str, exponent: u32) -> Option<i64> {
    use rust_decimal::prelude::ToPrimitive;
    let d: rust_decimal::Decimal = text.trim().parse().ok()?;
    let scaled = d.checked_mul(rust_decimal::Decimal::from(10_i64.checked_pow(exponent)?))?;
    if !scaled.fract().is_zero() {
        return None;
    }
    scaled.to_i64()
}

impl PassimpayClient {
    async fn post(&self, path: &str, body: Value) -> anyhow::Result<Value> {
        let bytes = serde_json::to_vec(&body)?;
        let signature = sign(self.platform_id, &self.secret, &bytes);
        let resp = super::http()
            .post(format!("{}{path}", self.api_base.trim_end_matches('/')))
            .timeout(TIMEOUT)
            .header("content-type", "application/json")
            .header("x-signature", signature)
            .body(bytes)
            .send()
            .await?;
        let status = resp.status();
        let v: Value = resp.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            return Err(super::HttpStatus(status.as_u16(), v.to_string()).into());
        }
        Ok(v)
    }

    /// Whether PassimPay answers at all (any answer to a status request for an order that does
    /// not exist; an outage is an error).
    pub async fn probe(&self) -> anyhow::Result<()> {
        match self
            .post(
                "/v2/orderstatus",
                json!({ "platformId": self.platform_id, "orderId": "portico-probe" }),
            )
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if !crate::payments::health::is_outage(&e) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Creates the order `order_id` (an attempt's id) for `amount`; returns the hosted page.
    pub async fn create_order(
        &self,
        order_id: &str,
        amount: Money,
        payer: Option<(&str, &str)>,
    ) -> anyhow::Result<String> {
        let mut body = json!({
            "platformId": self.platform_id,
            "orderId": order_id,
            "amount": amount_text(amount.minor, amount.currency.exponent()),
            "symbol": amount.currency.code(),
            "type": 1,
        });
        if let Some((name, email)) = payer {
            body["customerName"] = json!(name);
            body["customerEmail"] = json!(email);
        }
        let v = self.post("/v2/createorder", body).await?;
        match (v["result"].as_i64(), v["url"].as_str()) {
            (Some(1), Some(url)) if url.starts_with("https://") || url.starts_with("http://") => {
                Ok(url.to_owned())
            }
            _ => anyhow::bail!("PassimPay did not create the order: {v}"),
        }
    }

    /// The status of an order (the attempt's id), with the amount paid.
    pub async fn order_status(&self, order_id: &str, exponent: u32) -> anyhow::Result<OrderStatus> {
        let v = self
            .post(
                "/v2/orderstatus",
                json!({ "platformId": self.platform_id, "orderId": order_id }),
            )
            .await?;
        let paid = |v: &Value| {
            v.get("amountPaid").and_then(|a| match a {
                Value::String(s) => minor_of(s, exponent),
                Value::Number(n) => minor_of(&n.to_string(), exponent),
                _ => None,
            })
        };
        match v["status"].as_str() {
            Some("paid") => Ok(OrderStatus::Paid {
                amount_minor: paid(&v),
            }),
            Some("wait") => Ok(OrderStatus::Waiting),
            Some("error") => Ok(OrderStatus::Failed),
            _ => anyhow::bail!("PassimPay's order status is unreadable: {v}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_signed_over_platform_body_and_secret() {
        let body = br#"{"platformId":42,"orderId":"a1"}"#;
        let sig = sign(42, "s3cret", body);
        assert_eq!(sig.len(), 64);
        assert!(sig
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert!(verify(42, "s3cret", body, &sig));
        assert!(!verify(42, "other", body, &sig), "another secret");
        assert!(!verify(43, "s3cret", body, &sig), "another platform");
        assert!(!verify(
            42,
            "s3cret",
            br#"{"platformId":42,"orderId":"a2"}"#,
            &sig
        ));
        assert!(!verify(42, "s3cret", body, "zz"));
    }

    #[test]
    fn amounts_have_two_places() {
        assert_eq!(amount_text(10000, 2), "100.00");
        assert_eq!(amount_text(1250, 2), "12.50");
        assert_eq!(amount_text(7, 2), "0.07");
        assert_eq!(amount_text(500, 0), "500.00");
        assert_eq!(minor_of("12.5", 2), Some(1250));
        assert_eq!(minor_of("100", 2), Some(10000));
        assert_eq!(minor_of("0.001", 2), None);
        assert_eq!(minor_of("x", 2), None);
    }
}
