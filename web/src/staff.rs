//! Staff pages: the live payments feed, clients with balances, invitations and notifications.

use dioxus::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::data::{use_query, Money};
use crate::fmt::money;
use crate::pages::Nodes;
use crate::ui::{loaded, locale, Notice, PageTitle, Problem, Status};
use crate::Qs;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedData {
    pub payments: Nodes<FeedPayment>,
    pub payment_attempts: Vec<FeedAttempt>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedPayment {
    pub id: String,
    pub number: String,
    pub amount: Money,
    pub method: String,
    pub created_at: i64,
    pub client: Option<crate::data::ClientRef>,
    pub allocations: Vec<crate::pages::PaidAllocation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedAttempt {
    pub id: String,
    pub status: String,
    pub method: String,
    pub amount: Money,
    pub created_at: i64,
    pub client: Option<crate::data::ClientRef>,
}

pub const FEED_QUERY: &str = "{ payments(first: 30) { nodes { id number amount { ...M } method createdAt client { id name } allocations { amount { ...M } reversal invoice { id number } } } } paymentAttempts(first: 30) { id status method amount { ...M } createdAt client { id name } } } fragment M on Money { amount currency minor }";

/// One line of the feed: a payment recorded, or an online attempt still pending or failed.
#[derive(Debug, Clone, PartialEq)]
struct FeedRow {
    key: String,
    at: i64,
    status: String,
    amount: Money,
    client: String,
    method: String,
    payment: Option<FeedPayment>,
}

fn rows(d: &FeedData, l: crate::i18n::Locale) -> Vec<FeedRow> {
    let mut out: Vec<FeedRow> = d
        .payments
        .nodes
        .iter()
        .map(|p| FeedRow {
            key: p.id.clone(),
            at: p.created_at,
            status: "succeeded".into(),
            amount: p.amount.clone(),
            client: p
                .client
                .as_ref()
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            method: crate::ui::method_text(&p.method, l).to_owned(),
            payment: Some(p.clone()),
        })
        .collect();
    // Succeeded attempts are the payments above; the others show what is on its way or failed.
    out.extend(
        d.payment_attempts
            .iter()
            .filter(|a| a.status != "succeeded")
            .map(|a| FeedRow {
                key: a.id.clone(),
                at: a.created_at,
                status: a.status.clone(),
                amount: a.amount.clone(),
                client: a
                    .client
                    .as_ref()
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
                method: crate::pages::method_label(&a.method.to_ascii_uppercase(), l).to_owned(),
                payment: None,
            }),
    );
    out.sort_by_key(|r| std::cmp::Reverse(r.at));
    out.truncate(40);
    out
}

/// Payments as they arrive (and online attempts pending or failed): rendered on the server, then
/// refreshed by the `paymentEvents` subscription (no reload, no polling). Rows that arrived
/// after the page opened are marked new.
#[component]
pub fn StaffPayments(tenant: String) -> Element {
    let res = use_query::<FeedData>(&tenant, FEED_QUERY, json!({}))?;
    let l = locale();
    #[allow(unused_mut)]
    let mut live = use_signal(|| None::<FeedData>);
    #[allow(unused_mut)]
    let mut connected = use_signal(|| false);
    #[cfg(feature = "web")]
    {
        let t = tenant.clone();
        use_effect(move || {
            let t = t.clone();
            spawn(async move {
                use futures_util::StreamExt;
                let mut events = crate::live::subscribe(
                    "subscription { paymentEvents { action subjectId at } }",
                    json!({}),
                );
                while let Some(event) = events.next().await {
                    if event.get("subscribed").is_some() {
                        connected.set(true);
                    }
                    if let Ok(d) =
                        crate::data::fetch::<FeedData>(t.clone(), FEED_QUERY, json!({})).await
                    {
                        live.set(Some(d));
                    }
                }
            });
        });
    }
    let initial = res.read().clone();
    let first: Vec<String> = match &initial {
        Some(Ok(d)) => rows(d, l).into_iter().map(|r| r.key).collect(),
        _ => Vec::new(),
    };
    let data = match (live.read().clone(), initial) {
        (Some(d), _) => Ok(d),
        (None, Some(r)) => r,
        (None, None) => return rsx! {},
    };
    let d = match data {
        Ok(d) => d,
        Err(e) => return rsx! { Problem { error: e } },
    };
    let feed = rows(&d, l);
    rsx! {
        PageTitle { text: l.t("Live payments") }
        h1 { {l.t("Live payments")} }
        p { class: "muted", id: "feed-state", "data-live": if connected() { "on" } else { "off" }, {l.t("New payments appear here as they arrive.")} }
        if feed.is_empty() { p { class: "muted", {l.t("No payments yet.")} } }
        ol { class: "feed", id: "payments-feed", "aria-live": "polite",
            for r in feed.iter() {
                li { key: "{r.key}", class: if first.contains(&r.key) { "" } else { "new" },
                    "data-number": r.payment.as_ref().map(|p| p.number.clone()).unwrap_or_default(),
                    time { class: "when", {crate::ui::when(r.at, l)} }
                    " "
                    if !first.contains(&r.key) { span { class: "badge new-badge", {l.t("New")} } " " }
                    Status { status: r.status.clone() }
                    " " strong { {money(&r.amount, l)} }
                    " · {r.client} · {r.method}"
                    if let Some(p) = r.payment.clone() {
                        " · " a { href: "/{tenant}/payments/{p.id}", "{p.number}" }
                        for (n, a) in p.allocations.iter().filter(|a| !a.reversal).enumerate() {
                            if let Some(i) = a.invoice.clone() {
                                span { key: "{n}", " · " a { href: "/{tenant}/invoices/{i.id}", "{i.number}" } }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientBalance {
    pub client_id: String,
    pub name: String,
    pub email: Option<String>,
    pub currency: String,
    pub due: Money,
    pub overdue: Money,
    pub credit: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientsData {
    pub client_balances: Vec<ClientBalance>,
}

#[component]
pub fn StaffClients(tenant: String) -> Element {
    let res = use_query::<ClientsData>(&tenant, "{ clientBalances { clientId name email currency due { ...M } overdue { ...M } credit { ...M } } } fragment M on Money { amount currency minor }", json!({}))?;
    let l = locale();
    loaded!(res, |d| rsx! {
        PageTitle { text: l.t("Clients") }
        h1 { {l.t("Clients")} }
        table { class: "list",
            thead { tr {
                th { scope: "col", {l.t("Client")} }
                th { scope: "col", {l.t("Email")} }
                th { scope: "col", class: "num", {l.t("Amount due")} }
                th { scope: "col", class: "num", {l.t("Overdue")} }
                th { scope: "col", class: "num", {l.t("Credit available")} }
            } }
            tbody {
                for c in d.client_balances.iter() {
                    tr { key: "{c.client_id}-{c.currency}",
                        td { "data-label": l.t("Client"),
                            a { href: "/{tenant}/statement?client={c.client_id}", "{c.name}" }
                        }
                        td { "data-label": l.t("Email"), span { class: "email", {c.email.clone().unwrap_or_default()} } }
                        td { class: "num", "data-label": l.t("Amount due"), {money(&c.due, l)} }
                        td { class: "num", "data-label": l.t("Overdue"), {money(&c.overdue, l)} }
                        td { class: "num", "data-label": l.t("Credit available"), {money(&c.credit, l)} }
                    }
                }
            }
        }
    })
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    pub id: String,
    pub client_id: String,
    pub email: String,
    pub name: String,
    pub status: String,
    pub sent_count: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientName {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvitationsData {
    pub invitations: Vec<Invitation>,
    pub clients: Nodes<ClientName>,
}

#[component]
pub fn StaffInvitations(tenant: String, q: Qs) -> Element {
    let flash = crate::ui::use_flash(&q);
    let res = use_query::<InvitationsData>(&tenant, "{ invitations { id clientId email name status sentCount expiresAt } clients(first: 100) { nodes { id name } } }", json!({}))?;
    let l = locale();
    let revoke = q.get("revoke");
    loaded!(res, |d| {
        // Revoking asks first: `?revoke=ID` shows what would be revoked, and the button that does it.
        let confirm = d
            .invitations
            .iter()
            .find(|i| i.id == revoke && i.status == "pending")
            .cloned();
        let name_of = |id: &str| {
            d.clients
                .nodes
                .iter()
                .find(|c| c.id == id)
                .map(|c| c.name.clone())
                .unwrap_or_default()
        };
        rsx! {
            PageTitle { text: l.t("Invitations") }
            h1 { {l.t("Invitations")} }
            Notice { flash: flash.clone() }
            if let Some(i) = confirm.as_ref() {
                section { class: "panel confirm", id: "confirm-revoke", role: "alertdialog", aria_labelledby: "confirm-title",
                    h2 { id: "confirm-title", {l.t("Revoke this invitation?")} }
                    p { strong { "{i.name}" } " · " span { class: "email", "{i.email}" } " · " {name_of(&i.client_id)} }
                    p { {l.t("The link in the invitation email stops working. People who already have access keep it.")} }
                    div { class: "actions",
                        form { method: "post", action: "/{tenant}/forms/invitations/{i.id}/revoke", class: "inline",
                            button { r#type: "submit", class: "danger", {l.t("Revoke invitation")} }
                        }
                        a { class: "button", href: "/{tenant}/staff/invitations", {l.t("Cancel")} }
                    }
                }
            }
            section { class: "panel",
                h2 { {l.t("Invite")} }
                form { method: "post", action: "/{tenant}/forms/invitations", class: "grid-form",
                    label { r#for: "i-client", {l.t("Client")} }
                    select { id: "i-client", name: "client", required: true,
                        for c in d.clients.nodes.iter() { option { key: "{c.id}", value: "{c.id}", "{c.name}" } }
                    }
                    label { r#for: "i-name", {l.t("Name")} }
                    input { id: "i-name", name: "name", required: true, maxlength: "200" }
                    label { r#for: "i-email", {l.t("Email")} }
                    input { id: "i-email", name: "email", r#type: "email", required: true }
                    label { r#for: "i-role", {l.t("Role")} }
                    select { id: "i-role", name: "role",
                        option { value: "PAYER", {l.t("Payer: sees and pays invoices")} }
                        option { value: "ADMIN", {l.t("Admin: also manages the client's people and billing details")} }
                        option { value: "VIEWER", {l.t("Viewer: sees documents, cannot pay")} }
                    }
                    button { r#type: "submit", class: "primary", {l.t("Invite")} }
                }
            }
            table { class: "list",
                thead { tr {
                    th { scope: "col", {l.t("Name")} }
                    th { scope: "col", {l.t("Client")} }
                    th { scope: "col", {l.t("Status")} }
                    th { scope: "col", {l.t("Expires")} }
                    th { scope: "col", span { class: "sr", {l.t("Invite")} } }
                } }
                tbody {
                    for i in d.invitations.iter() {
                        tr { key: "{i.id}",
                            td { "data-label": l.t("Name"), span { class: "who-cell", strong { "{i.name}" } span { class: "muted email", "{i.email}" } } }
                            td { "data-label": l.t("Client"), {name_of(&i.client_id)} }
                            td { "data-label": l.t("Status"), Status { status: i.status.clone() } " " span { class: "muted", {l.t("emails sent")} ": {i.sent_count}" } }
                            td { "data-label": l.t("Expires"), {crate::ui::when(i.expires_at, l)} }
                            td {
                                if i.status == "pending" || i.status == "expired" {
                                    form { method: "post", action: "/{tenant}/forms/invitations/{i.id}/resend", class: "inline",
                                        button { r#type: "submit", class: "link action", {l.t("Resend")} span { class: "sr", " {i.email}" } }
                                    }
                                }
                                if i.status == "pending" {
                                    a { href: "/{tenant}/staff/invitations?revoke={i.id}#confirm-revoke", class: "link action", {l.t("Revoke")} span { class: "sr", " {i.email}" } }
                                }
                            }
                        }
                    }
                }
            }
        }
    })
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    pub id: String,
    pub kind: String,
    pub message: String,
    pub params: String,
    pub subject: Option<String>,
    pub created_at: i64,
    pub read: bool,
}

/// A notification as a sentence in `l`, from its kind and what it is about; the API's English
/// sentence for a kind this page does not know.
pub fn notification_text(n: &Notification, l: crate::i18n::Locale) -> String {
    let p: serde_json::Value = serde_json::from_str(&n.params).unwrap_or_default();
    let v = |k: &str| match &p[k] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => String::new(),
    };
    let amount = || crate::fmt::money_text(&v("amount"), &v("currency"), l);
    let fill = |template: &str, values: &[String]| {
        values
            .iter()
            .fold(template.to_owned(), |t, x| t.replacen("{}", x, 1))
    };
    let known = !v("number").is_empty()
        || !v("who").is_empty()
        || !v("amount").is_empty()
        || !v("ip").is_empty();
    if !known {
        return n.message.clone();
    }
    match n.kind.as_str() {
        "invoice.viewed" if v("via") == "link" => fill(
            l.t("Invoice {} was opened through its link."),
            &[v("number")],
        ),
        "invoice.viewed" => fill(
            l.t("{} ({}) opened invoice {}."),
            &[v("who"), v("client"), v("number")],
        ),
        "estimate.accepted" => {
            let mut t = fill(
                l.t("{} ({}) accepted estimate {}."),
                &[v("who"), v("client"), v("number")],
            );
            if !v("comment").is_empty() {
                t.push_str(&format!(" “{}”", v("comment")));
            }
            t
        }
        "estimate.rejected" => {
            let mut t = fill(
                l.t("{} ({}) rejected estimate {}."),
                &[v("who"), v("client"), v("number")],
            );
            if !v("comment").is_empty() {
                t.push_str(&format!(" “{}”", v("comment")));
            }
            t
        }
        "message.posted" => fill(
            l.t("{} ({}) wrote about {}."),
            &[v("who"), v("client"), v("title")],
        ),
        "payment.received" => fill(
            l.t("Payment {} of {} received online."),
            &[v("number"), amount()],
        ),
        "payment.refunded" => fill(
            l.t("Payment {} of {} was refunded."),
            &[v("number"), amount()],
        ),
        "payment.disputed" => fill(l.t("A payment of {} is disputed."), &[amount()]),
        "payment.discrepancy" => fill(
            l.t("A gateway reported {} for a payment of {}; nothing was recorded. Check it with the gateway."),
            &[v("reported"), amount()],
        ),
        "credit.used" => fill(
            l.t("{} used {} of credit on {}."),
            &[v("client"), amount(), v("numbers")],
        ),
        "auth.failures" => fill(
            l.t("{} failed sign-in attempts from {} in 15 minutes."),
            &[v("count"), v("ip")],
        ),
        "mail.failed" => fill(
            l.t("The email “{}” to {} could not be sent for 3 days and was given up. Check the mail server and let them know another way."),
            &[v("subject"), v("recipient")],
        ),
        _ => n.message.clone(),
    }
}

/// Where a notification's subject is in the portal.
fn notification_href(tenant: &str, n: &Notification) -> Option<String> {
    let id = n.subject.clone()?;
    let path = match n.kind.as_str() {
        "invoice.viewed" | "credit.used" => format!("invoices/{id}"),
        "estimate.accepted" | "estimate.rejected" => format!("estimates/{id}"),
        "message.posted" => format!("messages/{id}"),
        "payment.received" | "payment.refunded" => format!("payments/{id}"),
        _ => return None,
    };
    Some(format!("/{tenant}/{path}"))
}

/// The kind of a notification as a short label.
fn notification_kind(kind: &str, l: crate::i18n::Locale) -> &'static str {
    match kind {
        "invoice.viewed" => l.t("Invoice viewed"),
        "estimate.accepted" => l.t("Estimate accepted"),
        "estimate.rejected" => l.t("Estimate rejected"),
        "message.posted" => l.t("New message"),
        "payment.received" => l.t("Payment received"),
        "payment.refunded" => l.t("Payment refunded"),
        "payment.disputed" => l.t("Payment disputed"),
        "payment.discrepancy" => l.t("Amount to check"),
        "credit.used" => l.t("Credit used"),
        "auth.failures" => l.t("Failed sign-ins"),
        "mail.failed" => l.t("Email not sent"),
        _ => l.t("Notice"),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationsData {
    pub notifications: Vec<Notification>,
}

#[component]
pub fn StaffNotifications(tenant: String) -> Element {
    let res = use_query::<NotificationsData>(
        &tenant,
        "{ notifications(first: 100) { id kind message params subject createdAt read } }",
        json!({}),
    )?;
    let l = locale();
    loaded!(res, |d| rsx! {
        PageTitle { text: l.t("Notifications") }
        h1 { {l.t("Notifications")} }
        if d.notifications.is_empty() { p { class: "muted", {l.t("No notifications.")} } }
        else {
            form { method: "post", action: "/{tenant}/forms/notifications/read", class: "inline",
                button { r#type: "submit", {l.t("Mark all read")} }
            }
        }
        ol { class: "feed",
            for n in d.notifications.iter() {
                li { key: "{n.id}", class: if n.read { "" } else { "unread" },
                    span { class: "status", {notification_kind(&n.kind, l)} } " "
                    if let Some(href) = notification_href(&tenant, n) {
                        a { href: "{href}", {notification_text(n, l)} }
                    } else {
                        {notification_text(n, l)}
                    }
                    span { class: "meta-line", {crate::ui::when(n.created_at, l)}
                        if !n.read { span { class: "sr", " · " {l.t("Unread")} } }
                    }
                }
            }
        }
    })
}
