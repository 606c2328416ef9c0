//! The page an invoice link opens (`/SLUG/i/TOKEN`): that one invoice as a document, in the
//! business's colours and the reader's language, without signing in.

use dioxus::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::data::{Money, PageError};
use crate::fmt::{date, decimal, money};
use crate::i18n::Locale;
use crate::ui::{safe_color, ErrorPage, PageTitle, Status};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkedLine {
    pub description: String,
    pub quantity: String,
    pub unit_price: Money,
    pub tax_rate: String,
    pub subtotal: Money,
    pub discount: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkedTax {
    pub rate: String,
    pub net: Money,
    pub tax: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkedInvoice {
    pub number: String,
    pub status: String,
    pub overdue: bool,
    pub issue_date: String,
    pub due_date: String,
    pub client_name: String,
    pub client_address: Option<String>,
    pub lines: Vec<LinkedLine>,
    pub taxes: Vec<LinkedTax>,
    pub subtotal: Money,
    pub discount: Money,
    pub tax: Money,
    pub total: Money,
    pub settled: Money,
    pub balance: Money,
    pub notes: Option<String>,
    pub terms: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkedData {
    pub linked_invoice: Option<LinkedInvoice>,
}

const LINKED: &str = "query($s: String!, $t: String!) { linkedInvoice(slug: $s, token: $t) { number status overdue issueDate dueDate clientName clientAddress lines { description quantity unitPrice { ...M } taxRate subtotal { ...M } discount { ...M } } taxes { rate net { ...M } tax { ...M } } subtotal { ...M } discount { ...M } tax { ...M } total { ...M } settled { ...M } balance { ...M } notes terms } } fragment M on Money { amount currency minor }";

#[component]
pub fn InvoiceLinkPage(tenant: String, token: String) -> Element {
    let t = tenant.clone();
    let shell = use_server_future(move || crate::data::load_shell(t.clone()))?;
    let (t2, tok) = (tenant.clone(), token.clone());
    let linked = use_server_future(move || {
        crate::data::fetch::<LinkedData>(t2.clone(), LINKED, json!({ "s": t2, "t": tok }))
    })?;
    let data = shell.read().clone();
    let shell = match data {
        Some(Ok(s)) if s.profile.is_some() => s,
        Some(Ok(s)) => return rsx! { ErrorPage { error: PageError::NotFound, locale: s.locale } },
        Some(Err(e)) => return rsx! { ErrorPage { error: e, locale: Locale::En } },
        None => return rsx! {},
    };
    let invoice = match linked.read().clone() {
        Some(Ok(d)) => d.linked_invoice,
        _ => None,
    };
    rsx! { LinkedDocument { tenant, token, shell, invoice } }
}

/// The linked invoice (or why there is none), with the business's profile and the reader's
/// language provided to the building blocks below it.
#[component]
fn LinkedDocument(
    tenant: String,
    token: String,
    shell: crate::data::ShellData,
    invoice: Option<LinkedInvoice>,
) -> Element {
    use_context_provider(|| shell.clone());
    let l = shell.locale;
    let profile = shell.profile.clone().unwrap_or_default();
    let brand = safe_color(&profile.brand_color);
    let Some(inv) = invoice else {
        #[cfg(feature = "server")]
        crate::server::set_status(404);
        return rsx! {
            PageTitle { text: format!("{} · {}", l.t("This link is not valid"), profile.name) }
            main { id: "content", class: "signin", style: "--brand: {brand}",
                div { class: "card",
                    div { class: "card-brand", span { "{profile.name}" } }
                    h1 { {l.t("This link is not valid")} }
                    p { {l.t("It may have expired or been withdrawn. Ask the sender for a new one.")} }
                    a { class: "button", href: "/{tenant}/sign-in", {l.t("Sign in")} }
                }
            }
        };
    };
    rsx! {
        PageTitle { text: format!("{} {} · {}", l.t("Invoice"), inv.number, profile.name) }
        div { class: "print-page", style: "--brand: {brand}",
            main { id: "content",
                article { class: "document",
                    header { class: "doc-head",
                        div {
                            div { class: "card-brand",
                                if let Some(logo) = profile.logo.clone() { img { src: "{logo}", alt: "", width: "40", height: "40" } }
                                span { class: "company", "{profile.name}" }
                            }
                            if let Some(a) = profile.address.clone() { p { class: "pre", "{a}" } }
                            if let Some(place) = profile.place_line() { p { "{place}" } }
                            if let Some(vat) = profile.vat_id.clone() { p { {l.t("VAT ID")} ": {vat}" } }
                            if let Some(e) = profile.email.clone() { p { span { class: "email", "{e}" } } }
                        }
                        div { class: "doc-title",
                            h1 { {l.t("Invoice")} " " span { class: "docnum", "{inv.number}" } }
                            p { span { class: "pills", Status { status: inv.status.clone() } if inv.overdue { Status { status: "overdue" } } } }
                            dl { class: "meta",
                                dt { {l.t("Issued")} } dd { {date(&inv.issue_date, l)} }
                                dt { {l.t("Due")} } dd { {date(&inv.due_date, l)} }
                            }
                        }
                    }
                    section { class: "bill-to",
                        h2 { {l.t("Bill to")} }
                        p { class: "company", "{inv.client_name}" }
                        if let Some(a) = inv.client_address.clone() { p { class: "pre", "{a}" } }
                    }
                    super::LinesTable {
                        lines: inv.lines.iter().map(|ln| super::LineView {
                            description: ln.description.clone(),
                            quantity: ln.quantity.clone(),
                            unit_price: ln.unit_price.clone(),
                            tax_rate: ln.tax_rate.clone(),
                            discount_percent: None,
                            subtotal: ln.subtotal.clone(),
                            discount: ln.discount.clone(),
                        }).collect::<Vec<_>>()
                    }
                    dl { class: "totals",
                        dt { {l.t("Subtotal")} } dd { {money(&inv.subtotal, l)} }
                        if inv.discount.minor != 0 { dt { {l.t("Discount")} } dd { "−" {money(&inv.discount, l)} } }
                        for (n, tl) in inv.taxes.iter().enumerate() {
                            div { key: "{n}", class: "row",
                                dt { {l.t("Tax")} " " {decimal(&tl.rate, l)} "% " {l.t("on")} " " {money(&tl.net, l)} }
                                dd { {money(&tl.tax, l)} }
                            }
                        }
                        dt { class: "grand", {l.t("Total")} } dd { class: "grand", {money(&inv.total, l)} }
                        if inv.settled.minor != 0 { dt { {l.t("Paid")} } dd { "−" {money(&inv.settled, l)} } }
                        dt { class: "grand", {l.t("Balance")} } dd { class: "grand", id: "balance", {money(&inv.balance, l)} }
                    }
                    if let Some(t) = inv.terms.clone() { section { h2 { {l.t("Terms")} } p { class: "pre", "{t}" } } }
                    if let Some(n) = inv.notes.clone() { section { h2 { {l.t("Notes")} } p { class: "pre", "{n}" } } }
                    footer { class: "doc-foot noprint",
                        p { a { class: "button", href: "/{tenant}/i/{token}/invoice.pdf?lang={l.code()}", download: "", {l.t("Download PDF")} } }
                        p { {l.t("Have an account with us? Sign in to pay online and see all your documents.")} " "
                            a { href: "/{tenant}/sign-in", {l.t("Sign in")} }
                        }
                    }
                }
            }
        }
    }
}
