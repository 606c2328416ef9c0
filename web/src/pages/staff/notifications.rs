//! Notifications, as sentences in the reader's language.

use super::*;

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
        || !v("ip").is_empty()
        || !v("gateway").is_empty()
        || !v("url").is_empty();
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
        "gateway.down" => fill(
            l.t("{} is not answering: clients cannot pay through it until it is back. The pay page shows it as temporarily unavailable."),
            &[v("gateway")],
        ),
        "webhook.disabled" => fill(
            l.t("The webhook endpoint {} was turned off: {}."),
            &[v("url"), crate::i18n::message(&v("reason"), l)],
        ),
        "gateway.up" => fill(
            l.t("{} is working again: clients can pay through it."),
            &[v("gateway")],
        ),
        _ => n.message.clone(),
    }
}

/// Where a notification's subject is in the portal.
pub(crate) fn notification_href(tenant: &str, n: &Notification) -> Option<String> {
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
pub(crate) fn notification_kind(kind: &str, l: crate::i18n::Locale) -> &'static str {
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
        "gateway.down" => l.t("Payment method unavailable"),
        "gateway.up" => l.t("Payment method back"),
        "webhook.disabled" => l.t("Webhook endpoint off"),
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
