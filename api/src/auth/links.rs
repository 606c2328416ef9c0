//! The page an invoice link opens: one invoice, rendered on the server, no sign-in. The token is
//! in the path, so the page sends no referrer and is never cached or indexed.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::tokens;
use crate::http::HttpState;
use crate::pages::escape;
use crate::store::{Invoice, Line};

pub fn routes() -> Router<HttpState> {
    Router::new().route("/{tenant}/i/{token}", get(view))
}

fn private(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    resp
}

fn not_found() -> Response {
    private(
        (
            StatusCode::NOT_FOUND,
            Html("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Link not valid</title></head>\
                  <body><h1>This link is not valid</h1><p>It may have expired or been withdrawn. Ask the sender for a new one.</p></body></html>"),
        )
            .into_response(),
    )
}

async fn view(
    State(state): State<HttpState>,
    Path((slug, token)): Path<(String, String)>,
    peer: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
) -> Response {
    let store = &state.shared.store;
    let Ok(Some(tenant)) = store.tenant_by_slug(&slug).await else {
        return not_found();
    };
    if tokens::tenant_of_with("pl", &token).as_deref() != Some(tenant.id.as_str()) {
        return not_found();
    }
    let ip = peer
        .map(|p| p.0 .0.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    let opened = match store
        .open_invoice_link(&tenant.id, &tokens::hash(&token), &ip)
        .await
    {
        Ok(Some(o)) => o,
        Ok(None) => return not_found(),
        Err(e) => {
            tracing::error!(error = %e, "opening an invoice link failed");
            return (StatusCode::SERVICE_UNAVAILABLE, "unavailable").into_response();
        }
    };
    let (invoice_id, scope) = opened;
    let (inv, lines, client) = match (
        store.invoice(&scope, &invoice_id).await,
        store
            .lines_for_documents(&scope, std::slice::from_ref(&invoice_id))
            .await,
        store
            .client(&scope, scope.client_id.as_deref().unwrap_or_default())
            .await,
    ) {
        (Ok(Some(i)), Ok(l), Ok(c)) => (i, l, c),
        _ => return not_found(),
    };
    let client_name = client.map(|c| c.name).unwrap_or_default();
    private(
        (
            StatusCode::OK,
            Html(render(
                &tenant.name,
                &client_name,
                &inv,
                &lines,
                tenant.allow_link_payments,
            )),
        )
            .into_response(),
    )
}

fn money(m: portico_domain::Money) -> String {
    format!("{} {}", m.amount_string(), m.currency.code())
}

fn render(tenant: &str, client: &str, inv: &Invoice, lines: &[Line], payable: bool) -> String {
    let rows: String = lines
        .iter()
        .map(|l| {
            format!(
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}%</td><td class=\"n\">{}</td></tr>",
                escape(&l.description),
                l.quantity.normalize(),
                money(l.unit_price),
                l.tax_rate.normalize(),
                money(l.amounts.total)
            )
        })
        .collect();
    let pay = if payable && inv.balance.is_positive() {
        "<p>Online payment through this link arrives with Portico's payments feature; until then, please pay by bank transfer quoting the invoice number.</p>"
    } else {
        ""
    };
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Invoice {number} — {tenant}</title><style>body{{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}}\
         table{{width:100%;border-collapse:collapse}}td,th{{padding:.4rem;border-bottom:1px solid #ddd;text-align:left}}.n{{text-align:right}}</style></head>\
         <body><header><h1>{tenant}</h1><p>Invoice <strong>{number}</strong> for {client}</p>\
         <p>Issued {issue} · Due {due} · Status {status}</p></header>\
         <table><thead><tr><th>Description</th><th class=\"n\">Qty</th><th class=\"n\">Unit price</th><th class=\"n\">Tax</th><th class=\"n\">Total</th></tr></thead>\
         <tbody>{rows}</tbody></table>\
         <dl><dt>Subtotal</dt><dd>{subtotal}</dd><dt>Discount</dt><dd>{discount}</dd><dt>Tax</dt><dd>{tax}</dd>\
         <dt>Total</dt><dd>{total}</dd><dt>Paid</dt><dd>{paid}</dd><dt>Balance due</dt><dd><strong>{balance}</strong></dd></dl>{terms}{pay}</body></html>",
        number = escape(&inv.number),
        tenant = escape(tenant),
        client = escape(client),
        issue = inv.issue_date,
        due = inv.due_date,
        status = inv.status.as_str().replace('_', " "),
        subtotal = money(inv.subtotal),
        discount = money(inv.discount),
        tax = money(inv.tax),
        total = money(inv.total),
        paid = money(inv.paid.checked_add(inv.credited).unwrap_or(inv.paid)),
        balance = money(inv.balance),
        terms = inv.terms.as_deref().map(|t| format!("<p>{}</p>", escape(t))).unwrap_or_default(),
    )
}
