//! Webhooks (owner and admin): the endpoints partners' systems receive events at, each with its
//! state, the events it wants, its actions and its delivery log; and the form to add one. A new
//! endpoint's (or rotated) signing secret is shown once.

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Delivery {
    id: String,
    message_id: String,
    event_type: String,
    status: String,
    attempts: i64,
    response_status: Option<i64>,
    duration_ms: Option<i64>,
    last_error: Option<String>,
    next_attempt_at: Option<i64>,
    created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Endpoint {
    id: String,
    url: String,
    description: Option<String>,
    event_types: Vec<String>,
    enabled: bool,
    disabled_reason: Option<String>,
    failing_since: Option<i64>,
    previous_secret_until: Option<i64>,
    deliveries: Vec<Delivery>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WebhooksData {
    webhook_endpoints: Vec<Endpoint>,
    webhook_event_types: Vec<String>,
}

/// The status of a delivery in words.
fn delivery_status(s: &str, l: crate::i18n::Locale) -> &'static str {
    match s {
        "delivered" => l.t("Delivered"),
        "pending" => l.t("Retrying"),
        "failed" => l.t("Failed"),
        _ => l.t("Skipped (endpoint off)"),
    }
}

#[component]
pub fn StaffWebhooks(tenant: String, q: Qs) -> Element {
    let flash = crate::ui::use_flash(&q);
    let res = use_query::<WebhooksData>(
        &tenant,
        "{ webhookEndpoints { id url description eventTypes enabled disabledReason failingSince previousSecretUntil deliveries(first: 10) { id messageId eventType status attempts responseStatus durationMs lastError nextAttemptAt createdAt } } webhookEventTypes }",
        json!({}),
    )?;
    let fresh = use_server_future(crate::data::fresh_api_token)?;
    let secret = fresh
        .read()
        .clone()
        .flatten()
        .filter(|s| s.starts_with("whsec_"));
    let l = locale();
    loaded!(res, |d| {
        let types: Vec<String> = d
            .webhook_event_types
            .iter()
            .filter(|t| *t != "webhook.test")
            .cloned()
            .collect();
        rsx! {
            PageTitle { text: l.t("Webhooks") }
            h1 { {l.t("Webhooks")} }
            p { class: "muted lead", {l.t("Tell your accounting system or ERP about changes as they happen. Every delivery is signed as the Standard Webhooks specification says, and retried for about a day and a half while your endpoint is down.")} }
            Notice { flash: flash.clone() }
            if let Some(s) = secret.clone() {
                section { class: "panel notice ok", id: "new-secret", role: "status",
                    h2 { {l.t("Signing secret")} }
                    p { {l.t("Copy it now into your receiver: it is not shown again.")} }
                    p { code { class: "secret", "{s}" } }
                }
            }
            if d.webhook_endpoints.is_empty() {
                section { class: "panel empty",
                    p { {l.t("No endpoints yet. Add the address your system receives events at below.")} }
                }
            }
            for e in d.webhook_endpoints.iter() {
                section { class: "panel webhook", key: "{e.id}",
                    h2 { class: "url", "{e.url}" }
                    if let Some(desc) = e.description.clone() { p { class: "muted", "{desc}" } }
                    p {
                        if e.enabled {
                            Status { status: "active" }
                        } else {
                            Status { status: "revoked" }
                            " " {l.t("Off")}
                            if let Some(r) = e.disabled_reason.clone() { ": " "{r}" }
                        }
                        if let Some(since) = e.failing_since {
                            " · " span { class: "error", {l.t("failing since")} " " {crate::fmt::instant_in(since, l)} }
                        }
                        if let Some(until) = e.previous_secret_until {
                            " · " {l.t("the previous secret signs too until")} " " {crate::fmt::instant_in(until, l)}
                        }
                    }
                    p { {l.t("Events")} ": "
                        if e.event_types.is_empty() { {l.t("all")} } else { code { {e.event_types.join(", ")} } }
                    }
                    div { class: "actions",
                        form { method: "post", action: "/{tenant}/forms/webhooks/{e.id}/test", class: "inline",
                            button { r#type: "submit", {l.t("Send a test event")} }
                        }
                        form { method: "post", action: "/{tenant}/forms/webhooks/{e.id}/rotate", class: "inline",
                            button { r#type: "submit", {l.t("New signing secret")} }
                        }
                        if e.enabled {
                            form { method: "post", action: "/{tenant}/forms/webhooks/{e.id}/disable", class: "inline",
                                button { r#type: "submit", {l.t("Turn off")} }
                            }
                        } else {
                            form { method: "post", action: "/{tenant}/forms/webhooks/{e.id}/enable", class: "inline",
                                button { r#type: "submit", class: "primary", {l.t("Turn on")} }
                            }
                        }
                        form { method: "post", action: "/{tenant}/forms/webhooks/{e.id}/delete", class: "inline",
                            button { r#type: "submit", class: "danger", {l.t("Remove")} }
                        }
                    }
                    h3 { {l.t("Recent deliveries")} }
                    if e.deliveries.is_empty() {
                        p { class: "muted", {l.t("Nothing sent yet.")} }
                    } else {
                        table { class: "list deliveries",
                            thead { tr {
                                th { scope: "col", {l.t("When")} }
                                th { scope: "col", {l.t("Event")} }
                                th { scope: "col", {l.t("Status")} }
                                th { scope: "col", class: "num", {l.t("Answer")} }
                                th { scope: "col", class: "num", {l.t("Time")} }
                                th { scope: "col", span { class: "sr", {l.t("Actions")} } }
                            } }
                            tbody {
                                for x in e.deliveries.iter() {
                                    tr { key: "{x.id}",
                                        td { "data-label": l.t("When"), {crate::fmt::instant_in(x.created_at, l)} }
                                        td { "data-label": l.t("Event"), code { "{x.event_type}" } }
                                        td { "data-label": l.t("Status"),
                                            {delivery_status(&x.status, l)}
                                            if x.attempts > 1 { " · " {crate::fmt::count(x.attempts, "try", l)} }
                                            if let Some(next) = x.next_attempt_at.filter(|_| x.status == "pending" && x.attempts > 0) {
                                                br {} small { class: "muted", {l.t("Next try")} " " {crate::fmt::instant_in(next, l)} }
                                            }
                                            if let Some(err) = x.last_error.clone().filter(|_| x.status != "delivered") {
                                                br {} small { class: "error", "{err}" }
                                            }
                                        }
                                        td { class: "num", "data-label": l.t("Answer"), {x.response_status.map(|s| s.to_string()).unwrap_or_else(|| "—".into())} }
                                        td { class: "num", "data-label": l.t("Time"), {x.duration_ms.map(|m| format!("{m} ms")).unwrap_or_else(|| "—".into())} }
                                        td {
                                            if x.status != "pending" {
                                                form { method: "post", action: "/{tenant}/forms/webhook-deliveries/{x.id}/resend", class: "inline",
                                                    button { r#type: "submit", class: "link", title: "{x.message_id}", {l.t("Resend")} }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section { class: "panel", id: "add-webhook",
                h2 { {l.t("Add an endpoint")} }
                form { method: "post", action: "/{tenant}/forms/webhooks", class: "stack",
                    label { r#for: "wh-url", {l.t("URL")} }
                    input { id: "wh-url", name: "url", r#type: "url", required: true, placeholder: "https://erp.example.com/hooks/portico", maxlength: "2000", autocomplete: "off" }
                    label { r#for: "wh-desc", {l.t("Description")} }
                    input { id: "wh-desc", name: "description", maxlength: "200", placeholder: l.t("e.g. Accounting system") }
                    fieldset { class: "cols",
                        legend { {l.t("Events")} }
                        for t in types.iter() {
                            label { key: "{t}", class: "check",
                                input { r#type: "checkbox", name: "event", value: "{t}" }
                                " " code { "{t}" }
                            }
                        }
                    }
                    small { class: "muted", {l.t("Leave them all unticked to receive every event.")} }
                    button { r#type: "submit", class: "primary", {l.t("Add the endpoint")} }
                }
            }
        }
    })
}
