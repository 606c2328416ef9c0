//! Paying: the pay page (what will be paid, credit, amount and method, then "Pay €X") and the
//! return page whose status follows the attempt live, with a way to try again.

use dioxus::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{InvoiceRow, Nodes};
use crate::data::{use_query, Money, PageError};
use crate::fmt::{date, money};
use crate::i18n::Locale;
use crate::ui::{loaded, locale, use_flash, Notice, PageTitle, Problem, Status};
use crate::{encode, Qs};

macro_rules! query {
    ($q:literal) => {
        concat!($q, " fragment M on Money { amount currency minor }")
    };
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PayData {
    pub invoices: Nodes<InvoiceRow>,
    pub payment_settings: PaySettings,
    pub dashboard: CreditFigures,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaySettings {
    pub methods: Vec<String>,
    /// Offered, but their gateway is not answering right now.
    #[serde(default)]
    pub unavailable_methods: Vec<String>,
    pub allow_partial: bool,
    pub min_partial: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreditFigures {
    pub currencies: Vec<CurrencyCredit>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CurrencyCredit {
    pub currency: String,
    pub credit_available: Money,
}

/// `minor` units of `currency` (two decimals) as money.
fn minor_money(minor: i64, currency: &str) -> Money {
    let sign = if minor < 0 { "-" } else { "" };
    let m = minor.unsigned_abs();
    Money {
        amount: format!("{sign}{}.{:02}", m / 100, m % 100),
        currency: currency.to_owned(),
        minor,
    }
}

/// The pay page. With invoices chosen (`?invoice=…`, or everything due in one currency when none
/// is) it shows exactly what will be paid and its total, the client's credit with a button to use
/// it, then the amount (when partial payments are allowed), the method and a "Pay €X" button.
/// `?choose=1` lists every open invoice to choose from. It all works without JavaScript.
#[component]
pub fn Pay(tenant: String, q: Qs) -> Element {
    let res = use_query::<PayData>(&tenant, query!("{ invoices(first: 100, filter: { status: [ISSUED, PARTIALLY_PAID] }, orderBy: { field: DUE_DATE, direction: ASC }) { nodes { id number reference status overdue issueDate dueDate total { ...M } balance { ...M } client { id name } } } paymentSettings { methods unavailableMethods allowPartial minPartial { ...M } } dashboard { currencies { currency creditAvailable { ...M } } } }"), json!({}))?;
    let l = locale();
    let asked = q.all("invoice");
    let flash = use_flash(&q);
    let field = q.get("field");
    let typed_amount = q.get("amount");
    let typed_method = q.get("method");
    let choosing = q.get("choose") == "1";
    loaded!(res, |d| {
        let open: Vec<InvoiceRow> = d
            .invoices
            .nodes
            .into_iter()
            .filter(|r| r.balance.minor > 0)
            .collect();
        if choosing || open.is_empty() {
            return rsx! {
                PageTitle { text: l.t("Pay") }
                h1 { {l.t("Pay")} }
                Notice { flash: flash.clone() }
                if open.is_empty() {
                    section { class: "empty",
                        p { {l.t("Nothing is due.")} }
                        a { class: "button", href: "/{tenant}/payments", {l.t("Payment history")} }
                    }
                } else {
                    Choose { tenant: tenant.clone(), open: open.clone(), asked: asked.clone() }
                }
            };
        }
        // What is being paid: the invoices asked for that are still open, else everything due in
        // the currency of the first one due.
        let mut chosen: Vec<InvoiceRow> = open
            .iter()
            .filter(|r| asked.contains(&r.id))
            .cloned()
            .collect();
        if chosen.is_empty() {
            let currency = open[0].balance.currency.clone();
            chosen = open
                .iter()
                .filter(|r| r.balance.currency == currency)
                .cloned()
                .collect();
        }
        let currency = chosen[0].balance.currency.clone();
        let mixed = chosen.iter().any(|r| r.balance.currency != currency);
        if mixed {
            chosen.retain(|r| r.balance.currency == currency);
        }
        let total_minor: i64 = chosen.iter().map(|r| r.balance.minor).sum();
        let total = minor_money(total_minor, &currency);
        let credit = d
            .dashboard
            .currencies
            .iter()
            .find(|c| c.currency == currency)
            .map(|c| c.credit_available.clone())
            .filter(|c| c.minor > 0);
        let ids: String = chosen
            .iter()
            .map(|r| format!("invoice={}", encode(&r.id)))
            .collect::<Vec<_>>()
            .join("&");
        let settings = d.payment_settings.clone();
        let pay_label = format!("{} {}", l.t("Pay"), money(&total, l));
        let amount_error = if field == "amount" {
            flash.error.clone()
        } else {
            String::new()
        };
        let other_error = if field == "amount" {
            String::new()
        } else {
            flash.error.clone()
        };
        let chosen_method = if settings.methods.contains(&typed_method) {
            typed_method.clone()
        } else {
            settings.methods.first().cloned().unwrap_or_default()
        };
        rsx! {
            PageTitle { text: l.t("Pay") }
            h1 { {l.t("Pay")} }
            Notice { flash: crate::ui::Flash { error: other_error.clone(), done: flash.done.clone() } }
            if mixed {
                p { class: "error", role: "alert", {l.t("Pay invoices of one currency at a time.")} }
            }
            section { class: "panel", aria_labelledby: "pay-what",
                h2 { id: "pay-what", {l.t("What you are paying")} }
                table { class: "list pay-lines",
                    thead { tr {
                        th { scope: "col", {l.t("Invoice")} }
                        th { scope: "col", {l.t("Due")} }
                        th { scope: "col", class: "num", {l.t("Balance")} }
                    } }
                    tbody {
                        for r in chosen.iter() {
                            tr { key: "{r.id}",
                                td { "data-label": l.t("Invoice"),
                                    a { href: "/{tenant}/invoices/{r.id}", "{r.number}" }
                                    if r.overdue { " " Status { status: "overdue" } }
                                }
                                td { "data-label": l.t("Due"), {date(&r.due_date, l)} }
                                td { class: "num", "data-label": l.t("Balance"), {money(&r.balance, l)} }
                            }
                        }
                    }
                    tfoot { tr {
                        th { scope: "row", colspan: "2", {l.t("Total")} " (" "{currency}" ")" }
                        td { class: "num", id: "pay-total", strong { {money(&total, l)} } }
                    } }
                }
                p { a { href: "/{tenant}/pay?choose=1&{ids}", {l.t("Change what to pay")} } }
            }
            if let Some(c) = credit.clone() {
                section { class: "panel credit", aria_labelledby: "pay-credit",
                    h2 { id: "pay-credit", {l.t("Credit available")} }
                    p { {l.t("You have credit of")} " " strong { {money(&c, l)} } ". "
                        if c.minor >= total_minor {
                            {l.t("It covers this payment in full.")}
                        } else {
                            {l.t("Use it first and pay only the rest online.")}
                        }
                    }
                    form { method: "post", action: "/{tenant}/forms/credit", class: "inline",
                        for r in chosen.iter() { input { key: "{r.id}", r#type: "hidden", name: "invoice", value: "{r.id}" } }
                        button { r#type: "submit", class: if c.minor >= total_minor { "primary" } else { "" }, id: "use-credit",
                            if c.minor >= total_minor {
                                {l.t("Settle from credit")} " (" {money(&total, l)} ")"
                            } else {
                                {l.t("Use credit")} " (" {money(&c, l)} ")"
                            }
                        }
                    }
                }
            }
            form { method: "post", action: "/{tenant}/forms/pay", class: "stack pay", novalidate: true,
                for r in chosen.iter() { input { key: "{r.id}", r#type: "hidden", name: "invoice", value: "{r.id}" } }
                if settings.allow_partial {
                    div { class: "field",
                        label { r#for: "pay-amount", {l.t("Amount to pay")} }
                        input {
                            id: "pay-amount", name: "amount", inputmode: "decimal", autocomplete: "off",
                            value: "{typed_amount}", placeholder: crate::fmt::decimal(&total.amount, l),
                            aria_invalid: if amount_error.is_empty() { "false" } else { "true" },
                            aria_describedby: "pay-amount-hint pay-amount-error",
                        }
                        p { class: "muted hint", id: "pay-amount-hint",
                            {l.t("Leave empty to pay the total.")}
                            if let Some(min) = settings.min_partial.clone().filter(|m| m.minor > 0 && m.currency == currency) {
                                " " {l.t("A partial payment is at least")} " " {money(&min, l)} "."
                            }
                        }
                        if !amount_error.is_empty() {
                            p { class: "error field-error", id: "pay-amount-error", role: "alert", "{amount_error}" }
                        }
                    }
                }
                fieldset {
                    legend { {l.t("Method")} }
                    for m in settings.methods.iter() {
                        div { class: "check method", key: "{m}",
                            input { r#type: "radio", name: "method", id: "m-{m}", value: "{m}", checked: *m == chosen_method }
                            label { r#for: "m-{m}",
                                strong { {method_label(m, l)} }
                                span { class: "muted", " — " {method_hint(m, l)} }
                            }
                        }
                    }
                    for m in settings.unavailable_methods.iter() {
                        div { class: "check method unavailable", key: "{m}",
                            input { r#type: "radio", name: "method", id: "m-{m}", value: "{m}", disabled: true,
                                aria_describedby: "m-{m}-why" }
                            label { r#for: "m-{m}",
                                strong { {method_label(m, l)} }
                                span { class: "muted", id: "m-{m}-why", " — " {l.t("temporarily unavailable: choose another method or try again later")} }
                            }
                        }
                    }
                }
                button { r#type: "submit", class: "primary", id: "pay-submit", "{pay_label}" }
            }
        }
    })
}

/// Every open invoice, to choose what to pay (one currency at a time).
#[component]
fn Choose(tenant: String, open: Vec<InvoiceRow>, asked: Vec<String>) -> Element {
    let l = locale();
    let mut currencies: Vec<String> = open.iter().map(|r| r.balance.currency.clone()).collect();
    currencies.dedup();
    currencies.sort();
    currencies.dedup();
    rsx! {
        form { method: "get", action: "/{tenant}/pay", class: "stack pay",
            for c in currencies.iter() {
                fieldset { key: "{c}",
                    legend { {l.t("Choose what to pay")} if currencies.len() > 1 { " · {c}" } }
                    for r in open.iter().filter(|r| &r.balance.currency == c) {
                        div { class: "check", key: "{r.id}",
                            input {
                                r#type: "checkbox", name: "invoice", id: "pay-{r.id}", value: "{r.id}",
                                checked: asked.is_empty() || asked.contains(&r.id),
                            }
                            label { r#for: "pay-{r.id}",
                                strong { "{r.number}" } " · " {l.t("Due")} " " {date(&r.due_date, l)} " · "
                                {money(&r.balance, l)}
                                if r.overdue { " " Status { status: "overdue" } }
                            }
                        }
                    }
                }
            }
            button { r#type: "submit", class: "primary", {l.t("Review")} }
        }
    }
}

pub fn method_label(m: &str, l: Locale) -> &'static str {
    match m {
        "STRIPE" => l.t("Card (Stripe)"),
        "BANK_TRANSFER" => l.t("Bank transfer"),
        "CRYPTO" => l.t("Cryptocurrency (PassimPay)"),
        _ => l.t("Demo gateway"),
    }
}

fn method_hint(m: &str, l: Locale) -> &'static str {
    match m {
        "STRIPE" => l.t("pay by card on Stripe's secure page"),
        "BANK_TRANSFER" => l.t("we show the account and the reference to quote"),
        "CRYPTO" => l.t("Bitcoin, Ethereum, Litecoin, Ripple or USDT: you choose the coin on PassimPay's page; the amount stays in the invoice's currency"),
        _ => l.t("a test page: no money moves"),
    }
}

// ---------------------------------------------------------------------------------------------
// Pay return: live status

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    pub id: String,
    #[serde(deserialize_with = "crate::data::lowercase")]
    pub status: String,
    pub method: String,
    pub amount: Money,
    pub reference: String,
    pub failure_reason: Option<String>,
    pub bank_details: Option<String>,
    pub payment_id: Option<String>,
    pub redirect_url: Option<String>,
    pub invoice_ids: Vec<String>,
    pub payment: Option<PaymentName>,
}

/// The payment an attempt became: its number is its one name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentName {
    pub number: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttemptData {
    pub payment_attempt: Option<Attempt>,
}

pub const ATTEMPT_QUERY: &str = "query($id: ID!) { paymentAttempt(id: $id) { id status method amount { ...M } reference failureReason bankDetails paymentId redirectUrl invoiceIds payment { number } } } fragment M on Money { amount currency minor }";

#[component]
pub fn PayReturn(tenant: String, attempt: String, q: Qs) -> Element {
    let res = use_query::<AttemptData>(&tenant, ATTEMPT_QUERY, json!({ "id": attempt }))?;
    let l = locale();
    let initial = res.read().clone();
    #[allow(unused_mut)]
    let mut live = use_signal(|| None::<Attempt>);
    #[allow(unused_mut)]
    let mut connected = use_signal(|| false);
    #[cfg(feature = "web")]
    {
        let t = tenant.clone();
        let a = attempt.clone();
        use_effect(move || {
            let (t, a) = (t.clone(), a.clone());
            spawn(async move {
                use futures_util::StreamExt;
                let mut events = crate::live::subscribe(
                    "subscription($id: ID!) { paymentStatus(attemptId: $id) { action status at } }",
                    json!({ "id": a.clone() }),
                );
                while let Some(event) = events.next().await {
                    if event.get("subscribed").is_some() {
                        connected.set(true);
                    }
                    if let Ok(d) = crate::data::fetch::<AttemptData>(
                        t.clone(),
                        ATTEMPT_QUERY,
                        json!({ "id": a.clone() }),
                    )
                    .await
                    {
                        live.set(d.payment_attempt);
                    }
                }
            });
        });
    }
    let data = match (live.read().clone(), initial) {
        (Some(a), _) => Ok(Some(a)),
        (None, None) => return rsx! {},
        (None, Some(r)) => r.map(|d| d.payment_attempt),
    };
    let a = match data {
        Err(e) => return rsx! { Problem { error: e, missing: l.t("Payment not found") } },
        Ok(None) => {
            return rsx! { Problem { error: PageError::NotFound, missing: l.t("Payment not found") } }
        }
        Ok(Some(a)) => a,
    };
    let status = a.status.to_ascii_lowercase();
    let again = a
        .invoice_ids
        .iter()
        .map(|i| format!("invoice={}", encode(i)))
        .collect::<Vec<_>>()
        .join("&");
    // Straight from the pay form to a hosted page elsewhere: go on (a link without JavaScript).
    let go_on = (q.get("go") == "1" && status == "processing")
        .then(|| a.redirect_url.clone())
        .flatten()
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
    rsx! {
        PageTitle { text: l.t("Payment status") }
        h1 { {l.t("Payment status")} }
        if let Some(url) = go_on.clone() {
            GoOn { url }
        }
        div { class: "panel", "aria-live": "polite", id: "attempt-status", "data-status": "{status}", "data-live": if connected() { "on" } else { "off" },
            p { class: "big", Status { status: status.clone() } }
            p { {l.t("Amount")} ": " {money(&a.amount, l)}
                // A transfer must quote its reference; otherwise the payment's number is its name.
                if a.method == "bank_transfer" { " · " {l.t("Quote this reference")} ": " code { "{a.reference}" } }
            }
            if let Some(pay) = a.payment.clone() {
                p { {l.t("Payment")} " " strong { "{pay.number}" } }
            }
            if let Some(r) = a.failure_reason.clone() { p { class: "error", {crate::i18n::message(&r, l)} } }
            if let Some(b) = a.bank_details.clone() { pre { class: "bank", "{b}" } }
            if let Some(p) = a.payment_id.clone() { p { a { class: "button", href: "/{tenant}/payments/{p}", {l.t("See the receipt")} } } }
        }
        if status == "failed" {
            div { class: "actions retry", id: "retry",
                form { method: "post", action: "/{tenant}/forms/pay", class: "inline",
                    for i in a.invoice_ids.iter() { input { key: "{i}", r#type: "hidden", name: "invoice", value: "{i}" } }
                    input { r#type: "hidden", name: "amount", value: "{a.amount.amount}" }
                    input { r#type: "hidden", name: "method", value: "{a.method.to_ascii_uppercase()}" }
                    button { r#type: "submit", class: "primary", {l.t("Try again")} }
                }
                a { class: "button", href: "/{tenant}/pay?{again}", {l.t("Choose another method")} }
            }
        }
        if status == "processing" && a.method == "crypto" {
            p { class: "muted", {l.t("A crypto payment is confirmed once the network has confirmed the transaction, which can take a few minutes.")} }
        }
        if status == "processing" || status == "awaiting_transfer" {
            p { class: "muted", {l.t("This page updates by itself.")} " "
                a { href: "/{tenant}/pay/return/{a.id}", {l.t("Check again")} }
            }
        }
        p { a { href: "/{tenant}/", "← " {l.t("Dashboard")} } }
    }
}

/// A link on to a hosted payment page; with JavaScript it is followed at once.
#[component]
fn GoOn(url: String) -> Element {
    let l = locale();
    #[cfg(feature = "web")]
    {
        let target = url.clone();
        use_effect(move || {
            if let Some(w) = web_sys::window() {
                let _ = w.location().assign(&target);
            }
        });
    }
    rsx! {
        p { a { class: "button primary", id: "continue-payment", href: "{url}", {l.t("Continue to payment")} } }
    }
}
