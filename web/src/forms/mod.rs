//! The portal's form actions (under `/{tenant}/forms/`, apart from the pages' paths): plain HTML POSTs (they work with JavaScript off) that run one
//! GraphQL mutation as the signed-in person and answer `303 See Other` back to a page, with
//! `?done=…` or `?error=…`. The executor refuses mutations without the portal's Origin.

use axum::body::Bytes;
use axum::extract::{Extension, Path};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};

mod estimates;
mod invoices;
mod portal;
mod settings;
mod webhooks;

use crate::server::{Call, Executor};
use crate::{decode, encode};

pub fn routes() -> Router {
    forms().layer(axum::middleware::from_fn(
        |req: axum::extract::Request, next: axum::middleware::Next| async move {
            // Redirects are built from the tenant segment: only a well-formed slug gets that far
            // (a decoded `%2F` would otherwise make `//elsewhere.example` of it).
            let slug = req.uri().path().split('/').nth(1).unwrap_or("");
            let ok = !slug.is_empty()
                && slug
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if ok {
                next.run(req).await
            } else {
                StatusCode::NOT_FOUND.into_response()
            }
        },
    ))
}

fn forms() -> Router {
    webhooks::routes(Router::new())
        .route("/{tenant}/forms/pay", post(pay))
        .route("/{tenant}/forms/credit", post(credit))
        .route(
            "/{tenant}/forms/estimates/{id}/{decision}",
            post(estimates::decide),
        )
        .route(
            "/{tenant}/forms/messages/{thread}",
            post(estimates::message),
        )
        .route("/{tenant}/forms/language", post(language))
        .route("/{tenant}/forms/billing", post(settings::billing))
        .route("/{tenant}/forms/business", post(settings::business))
        .route("/{tenant}/forms/documents", post(settings::documents))
        .route("/{tenant}/forms/invitations", post(invite))
        .route("/{tenant}/forms/branding", post(portal::branding))
        .route("/{tenant}/forms/sections", post(portal::sections))
        .route("/{tenant}/forms/logo", post(portal::logo))
        .route(
            "/{tenant}/forms/payment-settings",
            post(portal::payment_settings),
        )
        .route("/{tenant}/forms/stripe", post(portal::stripe))
        .route("/{tenant}/forms/passimpay", post(portal::passimpay))
        .route(
            "/{tenant}/forms/gateway-remove",
            post(portal::remove_gateway),
        )
        .route("/{tenant}/forms/access", post(portal::access))
        .route("/{tenant}/forms/security", post(portal::security))
        .route("/{tenant}/forms/tokens/new", post(settings::create_token))
        .route("/{tenant}/forms/languages", post(portal::languages))
        .route("/{tenant}/forms/clients/new", post(portal::new_client))
        .route(
            "/{tenant}/forms/clients/{id}/payment",
            post(portal::client_payment),
        )
        .route(
            "/{tenant}/forms/clients/{id}/update",
            post(portal::update_client),
        )
        .route(
            "/{tenant}/forms/contacts/{id}/disable",
            post(portal::disable_contact),
        )
        .route("/{tenant}/forms/logo/remove", post(portal::remove_logo))
        .route("/{tenant}/forms/help/save", post(portal::save_article))
        .route(
            "/{tenant}/forms/help/{id}/delete",
            post(portal::delete_article),
        )
        .route("/{tenant}/forms/invoices/save", post(invoices::save))
        .route(
            "/{tenant}/forms/estimates/save",
            post(invoices::save_estimate),
        )
        .route(
            "/{tenant}/forms/invoices/{id}/{action}",
            post(invoices::act),
        )
        .route(
            "/{tenant}/forms/payments/{id}/refund",
            post(invoices::refund),
        )
        .route("/{tenant}/forms/{kind}/{id}/{action}", post(by_id))
        .route(
            "/{tenant}/forms/notifications/read",
            post(notifications_read),
        )
}

/// Whether `url` is on the portal's own `origin` (`scheme://host[:port]`).
fn same_origin(url: &str, origin: &str) -> bool {
    !origin.is_empty()
        && url
            .strip_prefix(origin)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The submitted fields, decoded, in order (repeated names are kept).
fn fields(body: &[u8]) -> Vec<(String, String)> {
    String::from_utf8_lossy(body)
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            // A browser sends a textarea's line breaks as CRLF; they are stored as LF.
            (decode(k), decode(v).replace("\r\n", "\n"))
        })
        .collect()
}

/// Every value of a repeated field (e.g. the invoices chosen to pay).
fn all(f: &[(String, String)], name: &str) -> Vec<String> {
    f.iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .collect()
}

fn field(f: &[(String, String)], name: &str) -> String {
    f.iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default()
}

fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response()
}

/// Runs an operation (a mutation, or a query a form needs) as the form's sender;
/// `Err(message)` for any error the API reports.
async fn mutate(
    exec: &Executor,
    headers: &HeaderMap,
    tenant: &str,
    query: &str,
    variables: Value,
) -> Result<Value, String> {
    run(exec, headers, tenant, query, variables)
        .await
        .map_err(|(message, _)| message)
}

/// [`mutate`], with the input field a refusal is about (`extensions.field`, or "").
async fn run(
    exec: &Executor,
    headers: &HeaderMap,
    tenant: &str,
    query: &str,
    variables: Value,
) -> Result<Value, (String, String)> {
    let answer = exec
        .0
        .execute(Call {
            method: &Method::POST,
            headers,
            tenant,
            query,
            variables,
        })
        .await;
    match answer.error {
        Some((_, message)) => Err((message, answer.error_field.unwrap_or_default())),
        None => Ok(answer.data),
    }
}

/// What a finished action says: a code for the sentence and its subject (a number, an address).
type Done = (&'static str, String);

/// Back to `path` with what happened: `?done=CODE&n=SUBJECT` or `?error=MESSAGE`, signed so that
/// the page shows it (a link made elsewhere cannot put words on the portal).
fn back(path: &str, result: Result<Done, String>) -> Response {
    let sep = if path.contains('?') { '&' } else { '?' };
    match result {
        Ok((code, subject)) if subject.is_empty() => see_other(&format!("{path}{sep}done={code}")),
        Ok((code, subject)) => see_other(&format!(
            "{path}{sep}done={code}&n={}&sig={}",
            encode(&subject),
            crate::server::sign(&format!("{code}\n{subject}"))
        )),
        Err(e) => see_other(&format!(
            "{path}{sep}error={}&sig={}",
            encode(&e),
            crate::server::sign(&e)
        )),
    }
}

/// A form field as the API takes an optional text: null when left blank (which clears it).
fn optional(f: &[(String, String)], name: &str) -> Value {
    let v = field(f, name);
    if v.is_empty() {
        Value::Null
    } else {
        json!(v)
    }
}

/// The person a form action acts for: runs their mutation and answers with the redirect.
struct Caller<'a> {
    exec: &'a Executor,
    headers: &'a HeaderMap,
    tenant: &'a str,
}

impl Caller<'_> {
    /// Runs `mutation`, then back to `page` saying `done` (with the answer's text at
    /// `subject_at`, or none for "") or the refusal.
    async fn then_back(
        &self,
        mutation: &str,
        variables: Value,
        page: &str,
        done: &'static str,
        subject_at: &str,
    ) -> Response {
        let result = mutate(self.exec, self.headers, self.tenant, mutation, variables).await;
        back(page, result.map(|d| (done, text_at(&d, subject_at))))
    }
}

/// A string at `path` (`/`-separated keys) of a mutation's answer.
fn text_at(data: &Value, path: &str) -> String {
    path.split('/')
        .fold(data, |v, k| &v[k])
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Whether `s` reads as an amount people type: digits, then at most two decimals after `.` or `,`.
fn amount_like(s: &str) -> bool {
    let (int, frac) = s.split_once(['.', ',']).unwrap_or((s, ""));
    !int.is_empty()
        && int.len() <= 13
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.len() <= 2
        && frac.bytes().all(|b| b.is_ascii_digit())
        && (frac.is_empty() != s.contains(['.', ',']))
}

async fn pay(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let ids = all(&f, "invoice");
    let typed = field(&f, "amount");
    let amount = typed.replace(',', ".");
    let method = field(&f, "method");
    let mut input = json!({ "invoiceIds": ids, "method": method });
    if !amount.is_empty() {
        input["amount"] = json!(amount);
    }
    // Back to the pay page with what was typed, and the field the refusal is about.
    let back_to = |field_name: &str| {
        let mut parts: Vec<String> = ids
            .iter()
            .map(|i| format!("invoice={}", encode(i)))
            .collect();
        if !typed.is_empty() {
            parts.push(format!("amount={}", encode(&typed)));
        }
        if !method.is_empty() {
            parts.push(format!("method={}", encode(&method)));
        }
        if !field_name.is_empty() {
            parts.push(format!("field={}", encode(field_name)));
        }
        format!("/{tenant}/pay?{}", parts.join("&"))
    };
    if ids.is_empty() {
        return back(&back_to(""), Err("choose at least one invoice".into()));
    }
    if method.is_empty() {
        return back(&back_to("method"), Err("choose how to pay".into()));
    }
    if !amount.is_empty() && !amount_like(&typed) {
        return back(
            &back_to("amount"),
            Err("enter an amount such as 120.50".into()),
        );
    }
    let answer = exec
        .0
        .execute(Call {
            method: &Method::POST,
            headers: &headers,
            tenant: &tenant,
            query: "mutation($input: StartPaymentInput!) { startPayment(input: $input) { id redirectUrl } }",
            variables: json!({ "input": input }),
        })
        .await;
    if let Some((_, message)) = answer.error {
        let at = answer.error_field.unwrap_or_default();
        return back(&back_to(&at), Err(message));
    }
    let a = &answer.data["startPayment"];
    let id = a["id"].as_str().unwrap_or_default();
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .unwrap_or_default();
    match a["redirectUrl"].as_str() {
        Some(url) if same_origin(url, origin) => see_other(url),
        // A hosted page elsewhere (Stripe): the page's CSP (`form-action 'self'`) forbids
        // a form's redirect there, so the return page links on (and goes on by itself).
        Some(_) => see_other(&format!("/{tenant}/pay/return/{id}?go=1")),
        None => see_other(&format!("/{tenant}/pay/return/{id}")),
    }
}

/// Uses the client's credit on the chosen invoices, then back to the pay page for the rest.
async fn credit(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let ids = all(&f, "invoice");
    let page = format!(
        "/{tenant}/pay?{}",
        ids.iter()
            .map(|i| format!("invoice={}", encode(i)))
            .collect::<Vec<_>>()
            .join("&")
    );
    let result = mutate(
        &exec,
        &headers,
        &tenant,
        "mutation($ids: [ID!]!) { useCredit(invoiceIds: $ids) { applied { amount currency } } }",
        json!({ "ids": ids }),
    )
    .await;
    back(
        &page,
        result.map(|d| {
            let applied = &d["useCredit"]["applied"];
            (
                "credit",
                format!(
                    "{} {}",
                    applied["currency"].as_str().unwrap_or_default(),
                    applied["amount"].as_str().unwrap_or_default()
                ),
            )
        }),
    )
}

async fn language(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let Some(locale) = crate::i18n::Locale::parse(&field(&f, "locale")) else {
        return back(
            &format!("/{tenant}/settings"),
            Err("choose English or Greek".into()),
        );
    };
    let result = mutate(
        &exec,
        &headers,
        &tenant,
        "mutation($l: String!) { setMyLanguage(locale: $l) }",
        json!({ "l": locale.code() }),
    )
    .await;
    let mut resp = back(
        &format!("/{tenant}/settings"),
        result.map(|_| ("language", String::new())),
    );
    if resp
        .headers()
        .get(header::LOCATION)
        .is_some_and(|l| l.to_str().is_ok_and(|s| s.contains("done=")))
    {
        let cookie = format!(
            "portico_lang={}; Path=/; Max-Age=31536000; SameSite=Lax",
            locale.code()
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

async fn invite(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let role = field(&f, "role");
    let input = json!({
        "clientId": field(&f, "client"),
        "name": field(&f, "name"),
        "email": field(&f, "email"),
        "role": if role.is_empty() { "PAYER".to_owned() } else { role },
    });
    let result = mutate(
        &exec,
        &headers,
        &tenant,
        "mutation($input: InviteContactInput!) { inviteContact(input: $input) { email } }",
        json!({ "input": input }),
    )
    .await;
    // From a client's page, back to it.
    let page = if field(&f, "back") == "client" {
        format!("/{tenant}/staff/clients/{}", encode(&field(&f, "client")))
    } else {
        format!("/{tenant}/staff/invitations")
    };
    back(
        &page,
        result.map(|d| ("invited", text_at(&d, "inviteContact/email"))),
    )
}

async fn notifications_read(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
) -> Response {
    let result = mutate(
        &exec,
        &headers,
        &tenant,
        "mutation { markNotificationsRead }",
        json!({}),
    )
    .await;
    back(
        &format!("/{tenant}/staff/notifications"),
        result.map(|_| ("read", String::new())),
    )
}

/// An action on one thing by its id.
struct ById {
    kind: &'static str,
    action: &'static str,
    mutation: &'static str,
    /// What the confirmation says, and where in the answer its subject is (or "").
    done: &'static str,
    subject_at: &'static str,
    /// The page to return to, under the portal.
    page: &'static str,
}

const BY_ID: &[ById] = &[
    ById {
        kind: "tokens",
        action: "revoke",
        mutation: "mutation($id: ID!) { revokeApiToken(id: $id) }",
        done: "token-revoked",
        subject_at: "",
        page: "/settings",
    },
    ById {
        kind: "credit-notes",
        action: "issue",
        mutation: "mutation($id: ID!) { issueCreditNote(id: $id) { number } }",
        done: "credit-issued",
        subject_at: "issueCreditNote/number",
        page: "/credit-notes",
    },
    ById {
        kind: "credit-notes",
        action: "void",
        mutation: "mutation($id: ID!) { voidCreditNote(id: $id) { number } }",
        done: "credit-voided",
        subject_at: "voidCreditNote/number",
        page: "/credit-notes",
    },
    ById {
        kind: "passkeys",
        action: "remove",
        mutation: "mutation($id: ID!) { removePasskey(id: $id) }",
        done: "passkey-removed",
        subject_at: "",
        page: "/settings",
    },
    ById {
        kind: "sessions",
        action: "end",
        mutation: "mutation($id: ID!) { revokeSession(id: $id) }",
        done: "session-ended",
        subject_at: "",
        page: "/settings",
    },
    ById {
        kind: "invitations",
        action: "resend",
        mutation: "mutation($id: ID!) { resendInvitation(id: $id) { email } }",
        done: "resent",
        subject_at: "resendInvitation/email",
        page: "/staff/invitations",
    },
    ById {
        kind: "invitations",
        action: "revoke",
        mutation: "mutation($id: ID!) { revokeInvitation(id: $id) { email } }",
        done: "revoked",
        subject_at: "revokeInvitation/email",
        page: "/staff/invitations",
    },
];

async fn by_id(
    Extension(exec): Extension<Executor>,
    Path((tenant, kind, id, action)): Path<(String, String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let Some(a) = BY_ID.iter().find(|a| a.kind == kind && a.action == action) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let result = mutate(&exec, &headers, &tenant, a.mutation, json!({ "id": id })).await;
    back(
        &format!("/{tenant}{}", a.page),
        result.map(|d| (a.done, text_at(&d, a.subject_at))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_portals_own_urls_are_same_origin() {
        let o = "http://localhost:8080";
        assert!(same_origin("http://localhost:8080/acme/pay/demo/x", o));
        assert!(!same_origin("http://localhost:8080.evil.example/x", o));
        assert!(!same_origin("https://checkout.stripe.com/c/pay/cs_1", o));
        assert!(!same_origin("http://localhost:8080/x", ""));
    }

    #[test]
    fn amounts_are_digits_with_at_most_two_decimals() {
        for ok in ["12", "12.5", "12,50", "0.01", "1234567"] {
            assert!(amount_like(ok), "{ok}");
        }
        for bad in ["", "12.", ".5", "1.234", "12 EUR", "-5", "1e3", "12.5.0"] {
            assert!(!amount_like(bad), "{bad}");
        }
    }

    #[test]
    fn fields_are_decoded_and_repeated_names_kept() {
        let f = fields(b"invoice=a&invoice=b&amount=12%2C50&note=two+words");
        assert_eq!(f.iter().filter(|(k, _)| k == "invoice").count(), 2);
        assert_eq!(field(&f, "amount"), "12,50");
        assert_eq!(field(&f, "note"), "two words");
        assert_eq!(field(&f, "missing"), "");
    }
}
