//! How clients pay (owner and admin): the methods they see now, partial payments and their
//! minimum, paying through invoice links, the bank transfer instructions, and the Stripe keys.

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Settings {
    methods: Vec<String>,
    allow_partial: bool,
    min_partial: Option<Money>,
    bank_details: Option<String>,
    allow_link_payments: bool,
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
        query!("{ paymentSettings { methods allowPartial minPartial { ...M } bankDetails allowLinkPayments } }"),
        json!({}),
    )?;
    let l = locale();
    let Some(Ok(d)) = res.read().clone() else {
        return rsx! {};
    };
    let p = d.payment_settings;
    let stripe = p.methods.iter().any(|m| m == "STRIPE");
    let min = p
        .min_partial
        .as_ref()
        .map(|m| m.amount.clone())
        .unwrap_or_else(|| "0.00".into());
    rsx! {
        section { class: "panel", id: "payments",
            h2 { {l.t("Payments")} }
            p { {l.t("Clients can pay by:")} " "
                strong { {p.methods.iter().map(|m| crate::ui::method_text(m, l)).collect::<Vec<_>>().join(", ")} }
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
        }
    }
}
