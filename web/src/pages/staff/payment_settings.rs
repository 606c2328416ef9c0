//! How clients pay (owner and admin): the methods they see now, partial payments and their
//! minimum, paying through invoice links, the bank transfer instructions, the Stripe and
//! PassimPay keys, and any gateway that is not answering.

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Settings {
    methods: Vec<String>,
    #[serde(default)]
    unavailable_methods: Vec<String>,
    #[serde(default)]
    gateway_problems: Vec<Problem>,
    allow_partial: bool,
    min_partial: Option<Money>,
    bank_details: Option<String>,
    allow_link_payments: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Problem {
    method: String,
    since: i64,
    last_error: Option<String>,
    next_check: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SettingsData {
    payment_settings: Settings,
}

#[component]
pub fn PaymentsPanel(tenant: String) -> Element {
    let res = use_query::<SettingsData>(
        &tenant,
        query!("{ paymentSettings { methods unavailableMethods gatewayProblems { method since lastError nextCheck } allowPartial minPartial { ...M } bankDetails allowLinkPayments } }"),
        json!({}),
    )?;
    let l = locale();
    let Some(Ok(d)) = res.read().clone() else {
        return rsx! {};
    };
    let p = d.payment_settings;
    let offers = |m: &str| {
        p.methods
            .iter()
            .chain(&p.unavailable_methods)
            .any(|x| x == m)
    };
    let stripe = offers("STRIPE");
    let crypto = offers("CRYPTO");
    let min = p
        .min_partial
        .as_ref()
        .map(|m| m.amount.clone())
        .unwrap_or_else(|| "0.00".into());
    rsx! {
        section { class: "panel", id: "payments",
            h2 { {l.t("Payments")} }
            p { {l.t("Clients can pay by:")} " "
                strong { {p.methods.iter().map(|m| crate::pages::method_label(m, l)).collect::<Vec<_>>().join(", ")} }
            }
            for g in p.gateway_problems.iter() {
                div { class: "notice error", role: "status", key: "{g.method}",
                    p {
                        strong { {crate::pages::method_label(&g.method, l)} } " — "
                        {l.t("not answering since")} " " {crate::fmt::instant_in(g.since, l)} ". "
                        {l.t("Clients see it as temporarily unavailable until it answers again.")}
                    }
                    if let Some(e) = g.last_error.clone() { p { class: "muted", {l.t("Last error")} ": " code { "{e}" } } }
                    if let Some(n) = g.next_check { p { class: "muted", {l.t("Next check")} ": " {crate::fmt::instant_in(n, l)} } }
                }
            }
            form { method: "post", action: "/{tenant}/forms/payment-settings", class: "stack",
                label { class: "check",
                    input { r#type: "checkbox", name: "allow_partial", value: "1", checked: p.allow_partial }
                    " " {l.t("Clients may pay part of what they owe")}
                }
                label { r#for: "ps-min", {l.t("Smallest part payment")} }
                input { id: "ps-min", name: "minimum", inputmode: "decimal", value: "{min}", size: "10" }
                label { class: "check",
                    input { r#type: "checkbox", name: "allow_link_payments", value: "1", checked: p.allow_link_payments }
                    " " {l.t("Invoice links can be paid without signing in")}
                }
                label { r#for: "ps-bank", {l.t("Bank transfer instructions")} }
                textarea { id: "ps-bank", name: "bank_details", rows: "3", maxlength: "1000",
                    "aria-describedby": "ps-bank-hint",
                    dangerous_inner_html: crate::ui::textarea_html(p.bank_details.as_deref().unwrap_or_default()) }
                small { id: "ps-bank-hint", class: "muted", {l.t("Shown to clients who choose a bank transfer; blank turns bank transfers off.")} }
                button { r#type: "submit", class: "primary", {l.t("Save")} }
            }
            h3 { "Stripe" }
            p { class: if stripe { "ok" } else { "muted" },
                if stripe { {l.t("Card payments through Stripe are on.")} } else { {l.t("Card payments are off until you add your Stripe keys.")} }
            }
            form { method: "post", action: "/{tenant}/forms/stripe", class: "stack",
                label { r#for: "ps-sk", {l.t("Secret key")} }
                input { id: "ps-sk", name: "secret_key", r#type: "password", autocomplete: "off", placeholder: "sk_live_…", required: true }
                label { r#for: "ps-wh", {l.t("Webhook signing secret")} }
                input { id: "ps-wh", name: "webhook_secret", r#type: "password", autocomplete: "off", placeholder: "whsec_…", required: true,
                    "aria-describedby": "ps-wh-hint" }
                small { id: "ps-wh-hint", class: "muted", {l.t("In Stripe, add a webhook endpoint at this portal's address followed by")} " " code { "/webhooks/stripe/{tenant}" } }
                button { r#type: "submit", {l.t("Save the Stripe keys")} }
            }
            if stripe {
                form { method: "post", action: "/{tenant}/forms/gateway-remove", class: "inline gateway-off",
                    input { r#type: "hidden", name: "method", value: "STRIPE" }
                    button { r#type: "submit", class: "danger", {l.t("Turn card payments off")} }
                }
            }
            h3 { "PassimPay" }
            p { class: if crypto { "ok" } else { "muted" },
                if crypto { {l.t("Crypto payments through PassimPay are on.")} } else { {l.t("Crypto payments (Bitcoin, Ethereum, Litecoin, Ripple, USDT) are off until you add your PassimPay platform.")} }
            }
            form { method: "post", action: "/{tenant}/forms/passimpay", class: "stack",
                label { r#for: "ps-pp-id", {l.t("Platform id")} }
                input { id: "ps-pp-id", name: "platform_id", inputmode: "numeric", autocomplete: "off", placeholder: "1234", required: true, size: "12" }
                label { r#for: "ps-pp-key", {l.t("Secret key")} }
                input { id: "ps-pp-key", name: "secret_key", r#type: "password", autocomplete: "off", required: true,
                    "aria-describedby": "ps-pp-hint" }
                small { id: "ps-pp-hint", class: "muted", {l.t("In PassimPay's platform settings, set the notification URL to this portal's address followed by")} " " code { "/webhooks/passimpay/{tenant}" } }
                button { r#type: "submit", {l.t("Save the PassimPay keys")} }
            }
            if crypto {
                form { method: "post", action: "/{tenant}/forms/gateway-remove", class: "inline gateway-off",
                    input { r#type: "hidden", name: "method", value: "CRYPTO" }
                    button { r#type: "submit", class: "danger", {l.t("Turn crypto payments off")} }
                }
            }
        }
    }
}
