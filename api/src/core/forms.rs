//! Helpers for the sign-in and gateway routes that take form posts: reading submitted fields
//! (JSON or urlencoded) and percent-encoding. Every HTML page is the portal's (`web/`).

use axum::http::{header, HeaderMap};

/// A field from a JSON object or an urlencoded form body (by its Content-Type).
pub fn field(headers: &HeaderMap, body: &[u8], name: &str) -> Option<String> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if ct.starts_with("application/json") {
        let v: serde_json::Value = serde_json::from_slice(body).ok()?;
        return v.get(name)?.as_str().map(str::to_owned);
    }
    if ct.starts_with("application/x-www-form-urlencoded") {
        let text = std::str::from_utf8(body).ok()?;
        return text
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| form_decode(v));
    }
    None
}

/// Whether a request body is an HTML form post (`application/x-www-form-urlencoded`).
pub fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"))
}

/// Percent-encodes a query parameter value (everything but RFC 3986's unreserved characters).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn form_decode(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(
                    std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                    16,
                ) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The answer while the database cannot be reached: `503` with `Retry-After`, so gateways retry
/// (a `404` would read as a misconfigured endpoint) and people are told to try again shortly.
pub fn unavailable() -> axum::response::Response {
    use axum::http::{HeaderValue, StatusCode};
    use axum::response::IntoResponse;
    let mut resp = (
        StatusCode::SERVICE_UNAVAILABLE,
        "temporarily unavailable, try again shortly",
    )
        .into_response();
    resp.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_are_decoded() {
        assert_eq!(form_decode("a%40b.example+x"), "a@b.example x");
        assert_eq!(form_decode("100%"), "100%");
    }

    #[test]
    fn query_values_are_percent_encoded_and_decode_back() {
        let text = "Too many requests. Wait 15 minutes & ask again: café?";
        let encoded = percent_encode(text);
        assert!(encoded
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~%".contains(c)));
        assert_eq!(form_decode(&encoded), text);
    }
}
