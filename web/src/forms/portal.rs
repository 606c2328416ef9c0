//! The client portal's setup forms (owner and admin; the API decides): name and colour, the
//! sections clients see, and help articles.

use axum::body::Bytes;
use axum::extract::{Extension, Multipart, Path};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::json;

use super::{all, back, field, fields, mutate, optional, text_at, Caller};
use crate::encode;
use crate::server::Executor;

fn page(tenant: &str) -> String {
    format!("/{tenant}/staff/portal")
}

pub(super) async fn branding(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    Caller {
        exec: &exec,
        headers: &headers,
        tenant: &tenant,
    }
    .then_back(
        "mutation($i: BrandingInput!) { updateBranding(input: $i) }",
        json!({ "i": { "name": field(&f, "name"), "brandColor": field(&f, "brand_color") } }),
        &page(&tenant),
        "branding",
        "",
    )
    .await
}

pub(super) async fn sections(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    Caller {
        exec: &exec,
        headers: &headers,
        tenant: &tenant,
    }
    .then_back(
        "mutation($s: [ClientSection!]!) { setClientSections(sections: $s) }",
        json!({ "s": all(&f, "section") }),
        &page(&tenant),
        "sections",
        "",
    )
    .await
}

pub(super) async fn save_article(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let id = field(&f, "id");
    let input = json!({
        "locale": field(&f, "locale"),
        "title": field(&f, "title"),
        "body": field(&f, "body"),
        "position": field(&f, "position").parse::<i64>().unwrap_or(0),
    });
    let result = if id.is_empty() {
        mutate(
            &exec,
            &headers,
            &tenant,
            "mutation($i: HelpArticleInput!) { createHelpArticle(input: $i) { title } }",
            json!({ "i": input }),
        )
        .await
        .map(|d| ("article", text_at(&d, "createHelpArticle/title")))
    } else {
        mutate(
            &exec,
            &headers,
            &tenant,
            "mutation($id: ID!, $i: HelpArticleInput!) { updateHelpArticle(id: $id, input: $i) { title } }",
            json!({ "id": id, "i": input }),
        )
        .await
        .map(|d| ("article", text_at(&d, "updateHelpArticle/title")))
    };
    let to = match (&result, id.is_empty()) {
        (Err(_), false) => format!("{}?edit={}", page(&tenant), encode(&id)),
        _ => page(&tenant),
    };
    back(&to, result)
}

pub(super) async fn delete_article(
    Extension(exec): Extension<Executor>,
    Path((tenant, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    Caller {
        exec: &exec,
        headers: &headers,
        tenant: &tenant,
    }
    .then_back(
        "mutation($id: ID!) { deleteHelpArticle(id: $id) }",
        json!({ "id": id }),
        &page(&tenant),
        "article-deleted",
        "",
    )
    .await
}

/// A logo file from the form (multipart): sent to the API as a `data:` URI, which reads it by
/// its content and cleans an SVG.
pub(super) async fn logo(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    use base64::Engine;
    let mut file = Vec::new();
    loop {
        match form.next_field().await {
            Ok(Some(f)) if f.name() == Some("logo") => match f.bytes().await {
                Ok(b) => file = b.to_vec(),
                Err(_) => return back(&page(&tenant), Err("a logo is at most 512 KiB".into())),
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return back(&page(&tenant), Err("a logo is at most 512 KiB".into())),
        }
    }
    if file.is_empty() {
        return back(&page(&tenant), Err("choose an image file".into()));
    }
    let uri = format!(
        "data:application/octet-stream;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&file)
    );
    Caller {
        exec: &exec,
        headers: &headers,
        tenant: &tenant,
    }
    .then_back(
        "mutation($i: String!) { setLogo(image: $i) }",
        json!({ "i": uri }),
        &page(&tenant),
        "logo",
        "",
    )
    .await
}

pub(super) async fn remove_logo(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
) -> Response {
    Caller {
        exec: &exec,
        headers: &headers,
        tenant: &tenant,
    }
    .then_back(
        "mutation { removeLogo }",
        json!({}),
        &page(&tenant),
        "logo-removed",
        "",
    )
    .await
}

/// A new client (staff), then back to the clients.
pub(super) async fn new_client(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let currency = field(&f, "currency").to_uppercase();
    let result = mutate(
        &exec,
        &headers,
        &tenant,
        "mutation($i: CreateClientInput!) { createClient(input: $i) { name } }",
        json!({ "i": {
            "name": field(&f, "name"),
            "email": optional(&f, "email"),
            "currency": if currency.is_empty() { serde_json::Value::Null } else { json!(currency) },
        } }),
    )
    .await;
    back(
        &format!("/{tenant}/staff/clients"),
        result.map(|d| ("client", text_at(&d, "createClient/name"))),
    )
}

/// A client's billing details (staff), then back to its page.
pub(super) async fn update_client(
    Extension(exec): Extension<Executor>,
    Path((tenant, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let input = json!({
        "id": id,
        "name": field(&f, "name"),
        "email": optional(&f, "email"),
        "taxId": optional(&f, "tax_id"),
        "address": optional(&f, "address"),
        "city": optional(&f, "city"),
        "postalCode": optional(&f, "postal_code"),
        "country": optional(&f, "country"),
    });
    let result = mutate(
        &exec,
        &headers,
        &tenant,
        "mutation($i: UpdateClientInput!) { updateClient(input: $i) { name } }",
        json!({ "i": input }),
    )
    .await;
    back(
        &format!("/{tenant}/staff/clients/{}", encode(&id)),
        result.map(|_| ("billing", String::new())),
    )
}

/// Turns a contact's access off (staff), then back to the client's page.
pub(super) async fn disable_contact(
    Extension(exec): Extension<Executor>,
    Path((tenant, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let result = mutate(
        &exec,
        &headers,
        &tenant,
        "mutation($id: ID!) { disableContact(id: $id) { email } }",
        json!({ "id": id }),
    )
    .await;
    back(
        &format!("/{tenant}/staff/clients/{}", encode(&field(&f, "client"))),
        result.map(|d| ("contact-disabled", text_at(&d, "disableContact/email"))),
    )
}

/// How clients pay (owner and admin).
pub(super) async fn payment_settings(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let typed = field(&f, "minimum");
    let minimum = if typed.is_empty() {
        "0".to_owned()
    } else {
        typed.replace(',', ".")
    };
    if !super::amount_like(&minimum) {
        return back(&page(&tenant), Err("enter an amount such as 120.50".into()));
    }
    let bank = field(&f, "bank_details");
    let result = mutate(
        &exec,
        &headers,
        &tenant,
        "mutation($i: PaymentSettingsInput!) { updatePaymentSettings(input: $i) }",
        json!({ "i": {
            "allowPartialPayments": field(&f, "allow_partial") == "1",
            "minimumPartialAmount": minimum,
            "bankDetails": if bank.is_empty() { serde_json::Value::Null } else { json!(bank) },
            "allowLinkPayments": field(&f, "allow_link_payments") == "1",
        } }),
    )
    .await;
    back(&page(&tenant), result.map(|_| ("payments", String::new())))
}

/// The business's Stripe keys (owner and admin), stored encrypted by the API.
pub(super) async fn stripe(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    Caller {
        exec: &exec,
        headers: &headers,
        tenant: &tenant,
    }
    .then_back("mutation($k: String!, $w: String!) { setStripeCredentials(secretKey: $k, webhookSecret: $w) }", json!({ "k": field(&f, "secret_key"), "w": field(&f, "webhook_secret") }), &page(&tenant), "stripe", "")
    .await
}

/// The business's PassimPay platform id and secret key (owner and admin), stored encrypted.
pub(super) async fn passimpay(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    Caller {
        exec: &exec,
        headers: &headers,
        tenant: &tenant,
    }
    .then_back("mutation($p: String!, $s: String!) { setPassimpayCredentials(platformId: $p, secretKey: $s) }", json!({ "p": field(&f, "platform_id"), "s": field(&f, "secret_key") }), &page(&tenant), "passimpay", "")
    .await
}

/// Turns Stripe or PassimPay off by removing its keys (owner and admin).
pub(super) async fn remove_gateway(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let method = match field(&f, "method").as_str() {
        "STRIPE" => "STRIPE",
        _ => "CRYPTO",
    };
    Caller {
        exec: &exec,
        headers: &headers,
        tenant: &tenant,
    }
    .then_back(
        "mutation($m: PaymentChannel!) { removeGatewayCredentials(method: $m) }",
        json!({ "m": method }),
        &page(&tenant),
        "gateway_removed",
        "",
    )
    .await
}

/// Time zone and the daily invitation limit (owner and admin), then back to Settings.
pub(super) async fn access(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let settings = format!("/{tenant}/settings");
    let Ok(limit) = field(&f, "invitation_limit").parse::<i32>() else {
        return back(
            &settings,
            Err("enter a number of invitations such as 50".into()),
        );
    };
    let zone = mutate(
        &exec,
        &headers,
        &tenant,
        "mutation($z: String!) { setTimeZone(timeZone: $z) }",
        json!({ "z": field(&f, "time_zone") }),
    )
    .await;
    if let Err(e) = zone {
        return back(&settings, Err(e));
    }
    let (Ok(idle), Ok(absolute)) = (
        field(&f, "idle_days").parse::<i32>(),
        field(&f, "absolute_days").parse::<i32>(),
    ) else {
        return back(&settings, Err("enter a number of days such as 30".into()));
    };
    Caller {
        exec: &exec,
        headers: &headers,
        tenant: &tenant,
    }
    .then_back(
        "mutation($n: Int!, $i: Int!, $a: Int!) { setInvitationDailyLimit(limit: $n) setSessionLifetime(idleDays: $i, absoluteDays: $a) }",
        json!({ "n": limit, "i": idle, "a": absolute }),
        &settings,
        "access",
        "",
    )
    .await
}

/// How staff sign in: passkeys required, and the networks they may sign in from.
pub(super) async fn security(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let networks: Vec<String> = field(&f, "networks")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    Caller {
        exec: &exec,
        headers: &headers,
        tenant: &tenant,
    }
    .then_back(
        "mutation($p: Boolean!, $n: [String!]!) { setStaffSecurity(requirePasskeys: $p, networks: $n) }",
        json!({ "p": field(&f, "require_passkeys") == "on", "n": networks }),
        &format!("/{tenant}/settings"),
        "security",
        "",
    )
    .await
}

/// The languages the portal offers its clients; the default first.
pub(super) async fn languages(
    Extension(exec): Extension<Executor>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let default = field(&f, "default_language");
    let mut list: Vec<String> = all(&f, "language");
    list.sort_by_key(|c| *c != default);
    Caller {
        exec: &exec,
        headers: &headers,
        tenant: &tenant,
    }
    .then_back(
        "mutation($l: [String!]!) { setLanguages(languages: $l) }",
        json!({ "l": list }),
        &page(&tenant),
        "languages",
        "",
    )
    .await
}

/// A payment a client made by hand, spread over the invoices given amounts (none: the oldest
/// first); what is left stays as its credit. Back to the client's page.
pub(super) async fn client_payment(
    Extension(exec): Extension<Executor>,
    Path((tenant, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = fields(&body);
    let page = format!("/{tenant}/staff/clients/{}", encode(&id));
    let amount = field(&f, "amount");
    if !super::amount_like(&amount) {
        return back(&page, Err("enter an amount such as 120.50".into()));
    }
    let mut allocations = Vec::new();
    for (invoice, typed) in all(&f, "invoice").into_iter().zip(all(&f, "allocate")) {
        let typed = typed.trim().to_owned();
        if typed.is_empty() {
            continue;
        }
        if !super::amount_like(&typed) {
            return back(&page, Err("enter an amount such as 120.50".into()));
        }
        allocations.push(json!({ "invoiceId": invoice, "amount": typed.replace(',', ".") }));
    }
    let mut input = json!({
        "clientId": id,
        "amount": amount.replace(',', "."),
        "currency": field(&f, "currency"),
        "method": field(&f, "method"),
        "reference": optional(&f, "reference"),
    });
    if !allocations.is_empty() {
        input["allocations"] = json!(allocations);
    }
    let on = field(&f, "received_on");
    if !on.is_empty() {
        input["receivedOn"] = json!(on);
    }
    let result = mutate(
        &exec,
        &headers,
        &tenant,
        "mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { number } }",
        json!({ "i": input }),
    )
    .await;
    back(
        &page,
        result.map(|d| ("recorded", text_at(&d, "recordPayment/number"))),
    )
}
