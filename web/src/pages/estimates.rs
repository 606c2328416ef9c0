//! Estimates: the list (those awaiting a decision first) and one estimate as a document, where a
//! client's admin or payer accepts or rejects it after a confirmation that says what is decided.

use dioxus::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Line, Nodes};
use crate::data::{use_query, Money, PageError};
use crate::fmt::{date, money};
use crate::ui::{loaded, locale, use_flash, use_shell, Notice, PageTitle, Problem, Status};
use crate::Qs;

macro_rules! query {
    ($q:literal) => {
        concat!($q, " fragment M on Money { amount currency minor }")
    };
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EstimateRow {
    pub id: String,
    pub number: String,
    pub status: String,
    pub issue_date: String,
    pub valid_until: Option<String>,
    pub total: Money,
    pub client: Option<crate::data::ClientRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EstimatesData {
    pub estimates: Nodes<EstimateRow>,
}

/// Estimates, those awaiting the client's decision first, then the newest.
#[component]
pub fn Estimates(tenant: String, q: Qs) -> Element {
    let flash = use_flash(&q);
    let res = use_query::<EstimatesData>(&tenant, query!("{ estimates(first: 100) { nodes { id number status issueDate validUntil total { ...M } client { id name } } } }"), json!({}))?;
    let l = locale();
    let staff = use_shell().viewer.is_some_and(|v| v.is_staff());
    loaded!(res, |d| {
        let mut rows = d.estimates.nodes.clone();
        // Awaiting a decision first (soonest to expire first), then the rest, newest first.
        rows.sort_by(|a, b| {
            let waiting = |e: &EstimateRow| e.status != "SENT";
            (waiting(a), a.valid_until.clone().unwrap_or_default())
                .cmp(&(waiting(b), b.valid_until.clone().unwrap_or_default()))
                .then_with(|| b.issue_date.cmp(&a.issue_date))
        });
        let awaiting = rows.iter().filter(|e| e.status == "SENT").count();
        rsx! {
            PageTitle { text: l.t("Estimates") }
            div { class: "page-head",
                h1 { {l.t("Estimates")} }
                if staff {
                    div { class: "quick",
                        a { class: "button primary", href: "/{tenant}/staff/estimates/new", "+ " {l.t("New estimate")} }
                    }
                }
            }
            Notice { flash: flash.clone() }
            if rows.is_empty() {
                p { class: "muted", {l.t("No estimates.")} }
            } else {
                if awaiting > 0 {
                    p { class: "muted", role: "status", if staff { {l.t("Awaiting the client's decision:")} } else { {l.t("Awaiting your decision:")} } " " {crate::fmt::count(awaiting as i64, "estimate", l)} }
                }
                table { class: "list estimates",
                    thead { tr {
                        th { scope: "col", {l.t("Number")} }
                        if staff { th { scope: "col", {l.t("Client")} } }
                        th { scope: "col", {l.t("Status")} }
                        th { scope: "col", {l.t("Issued")} }
                        th { scope: "col", {l.t("Valid until")} }
                        th { scope: "col", class: "num", {l.t("Total")} }
                        th { scope: "col", span { class: "sr", {l.t("Open")} } }
                        th { scope: "col", class: "pdf", span { class: "sr", {l.t("Download")} } }
                    } }
                    tbody {
                        for e in rows.iter() {
                            tr { key: "{e.id}", class: if e.status == "SENT" { "awaiting" } else { "" },
                                td { "data-label": l.t("Number"), a { href: "/{tenant}/estimates/{e.id}", "{e.number}" } }
                                if staff { td { "data-label": l.t("Client"), {e.client.as_ref().map(|c| c.name.clone()).unwrap_or_default()} } }
                                td { "data-label": l.t("Status"), Status { status: e.status.clone() } }
                                td { "data-label": l.t("Issued"), {date(&e.issue_date, l)} }
                                td { "data-label": l.t("Valid until"), {e.valid_until.as_deref().map(|v| date(v, l)).unwrap_or_default()} }
                                td { class: "num", "data-label": l.t("Total"), {money(&e.total, l)} }
                                td {
                                    if e.status == "SENT" && !staff {
                                        a { class: "button primary", href: "/{tenant}/estimates/{e.id}", {l.t("Review and decide")} span { class: "sr", " {e.number}" } }
                                    }
                                }
                                crate::downloads::PdfCell { href: crate::downloads::pdf_href(&tenant, "estimate", &e.id), number: e.number.clone() }
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
pub struct EstimateDoc {
    pub id: String,
    pub number: String,
    pub status: String,
    pub issue_date: String,
    pub valid_until: Option<String>,
    pub subtotal: Money,
    pub discount: Money,
    pub tax: Money,
    pub total: Money,
    pub notes: Option<String>,
    pub decision_comment: Option<String>,
    pub decided_by: Option<String>,
    pub client: Option<crate::data::ClientRef>,
    pub lines: Vec<Line>,
    /// The invoice it became (staff converted it).
    #[serde(default)]
    pub invoice: Option<super::payments::InvoiceRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EstimateData {
    pub node: Option<EstimateDoc>,
}

/// One estimate as a document. `?decide=accept` or `?decide=reject` shows what the decision is
/// about and the button that makes it (with a comment, or the reason a rejection needs).
#[component]
pub fn EstimatePage(tenant: String, id: String, q: Qs) -> Element {
    let flash = use_flash(&q);
    let res = use_query::<EstimateData>(&tenant, query!("query($id: ID!) { node(id: $id) { ... on Estimate { id number status issueDate validUntil subtotal { ...M } discount { ...M } tax { ...M } total { ...M } notes decisionComment decidedBy client { id name } invoice { id number } lines { description quantity unitPrice { ...M } taxRate discountPercent subtotal { ...M } discount { ...M } total { ...M } } } } }"), json!({ "id": id }))?;
    let shell = use_shell();
    let l = shell.locale;
    let can_decide = shell
        .viewer
        .as_ref()
        .is_some_and(|v| v.role == "contact_admin" || v.role == "contact_payer");
    let profile = shell.profile.clone().unwrap_or_default();
    let staff = shell.viewer.as_ref().is_some_and(|v| v.is_staff());
    let decide = q.get("decide");
    loaded!(res, missing: l.t("Estimate not found").to_owned(), |d| {
        let Some(e) = d.node else {
            return rsx! { Problem { error: PageError::NotFound, missing: l.t("Estimate not found") } };
        };
        let open = can_decide && e.status == "SENT";
        let title = format!("{} {}", l.t("Estimate"), e.number);
        rsx! {
            PageTitle { text: title.clone() }
            Notice { flash: flash.clone() }
            div { class: "toolbar noprint",
                a { href: "/{tenant}/estimates", "← " {l.t("Estimates")} }
                crate::downloads::PdfButton { href: crate::downloads::pdf_href(&tenant, "estimate", &e.id) }
                if open && decide.is_empty() {
                    a { class: "button primary", href: "/{tenant}/estimates/{e.id}?decide=accept#decision", {l.t("Accept")} }
                    a { class: "button", href: "/{tenant}/estimates/{e.id}?decide=reject#decision", {l.t("Reject")} }
                }
                // Staff: send a draft; turn an accepted estimate into a draft invoice, once.
                if staff && e.status == "DRAFT" {
                    a { class: "button", href: "/{tenant}/staff/estimates/{e.id}/edit", {l.t("Edit")} }
                    form { method: "post", action: "/{tenant}/forms/estimates/{e.id}/send", class: "inline",
                        button { r#type: "submit", class: "primary", {l.t("Send to the client")} }
                    }
                }
                if staff && e.status == "ACCEPTED" && e.invoice.is_none() {
                    form { method: "post", action: "/{tenant}/forms/estimates/{e.id}/convert", class: "inline",
                        button { r#type: "submit", class: "primary", {l.t("Convert to an invoice")} }
                    }
                }
                if let Some(inv) = e.invoice.clone() {
                    a { href: "/{tenant}/invoices/{inv.id}", {l.t("Invoice")} " {inv.number}" }
                }
            }
            if open && (decide == "accept" || decide == "reject") {
                section { class: "panel confirm", id: "decision", aria_labelledby: "decision-title",
                    if decide == "accept" {
                        h2 { id: "decision-title", {l.t("Accept estimate")} " {e.number}?" }
                        p { {l.t("You accept the work and prices below, for a total of")} " " strong { {money(&e.total, l)} } ". " {profile.name.clone()} " " {l.t("is told at once.")} }
                        form { method: "post", action: "/{tenant}/forms/estimates/{e.id}/accept", class: "stack",
                            label { r#for: "decision-comment", {l.t("Comment (optional)")} }
                            textarea { id: "decision-comment", name: "comment", rows: "3", maxlength: "2000" }
                            div { class: "actions",
                                button { r#type: "submit", class: "primary", {l.t("Confirm acceptance")} }
                                a { class: "button", href: "/{tenant}/estimates/{e.id}", {l.t("Cancel")} }
                            }
                        }
                    } else {
                        h2 { id: "decision-title", {l.t("Reject estimate")} " {e.number}?" }
                        p { {l.t("Tell us why, so we can send a better one.")} }
                        form { method: "post", action: "/{tenant}/forms/estimates/{e.id}/reject", class: "stack",
                            label { r#for: "decision-reason", {l.t("Reason")} }
                            textarea { id: "decision-reason", name: "reason", rows: "3", required: true, maxlength: "2000" }
                            div { class: "actions",
                                button { r#type: "submit", class: "danger", {l.t("Confirm rejection")} }
                                a { class: "button", href: "/{tenant}/estimates/{e.id}", {l.t("Cancel")} }
                            }
                        }
                    }
                }
            }
            article { class: "document",
                header { class: "doc-head",
                    div {
                        p { class: "company", "{profile.name}" }
                        if let Some(c) = e.client.clone() { p { {l.t("For")} " " strong { "{c.name}" } } }
                    }
                    div { class: "doc-title",
                        h1 { {l.t("Estimate")} " " span { class: "docnum", "{e.number}" } " " Status { status: e.status.clone() } }
                        dl { class: "meta",
                            dt { {l.t("Issued")} } dd { {date(&e.issue_date, l)} }
                            if let Some(v) = e.valid_until.clone() { dt { {l.t("Valid until")} } dd { {date(&v, l)} } }
                        }
                    }
                }
                super::LinesTable { lines: e.lines.iter().map(super::LineView::from).collect::<Vec<_>>() }
                dl { class: "totals",
                    dt { {l.t("Subtotal")} } dd { {money(&e.subtotal, l)} }
                    if e.discount.minor != 0 { dt { {l.t("Discount")} } dd { "−" {money(&e.discount, l)} } }
                    dt { {l.t("Tax")} } dd { {money(&e.tax, l)} }
                    dt { class: "grand", {l.t("Total")} } dd { class: "grand", {money(&e.total, l)} }
                }
                if let Some(n) = e.notes.clone() { section { h2 { {l.t("Notes")} } p { class: "pre", "{n}" } } }
                if let Some(c) = e.decision_comment.clone() {
                    section { class: "decision",
                        h2 { {l.t("Decision")} }
                        p { "“{c}”" if let Some(b) = e.decided_by.clone() { " — {b}" } }
                    }
                }
            }
        }
    })
}
