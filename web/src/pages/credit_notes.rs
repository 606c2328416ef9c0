//! Credit notes.

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreditRow {
    pub id: String,
    pub number: String,
    pub status: String,
    pub reason: String,
    pub issue_date: String,
    pub total: Money,
    pub applied: Money,
    pub remaining: Money,
    pub invoice: Option<InvoiceRef>,
    pub client: Option<crate::data::ClientRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreditData {
    pub credit_notes: Nodes<CreditRow>,
}

#[component]
pub fn CreditNotes(tenant: String, q: Qs) -> Element {
    let flash = crate::ui::use_flash(&q);
    let res = use_query::<CreditData>(&tenant, query!("{ creditNotes(first: 100) { nodes { id number status reason issueDate total { ...M } applied { ...M } remaining { ...M } invoice { id number } client { id name country } } } }"), json!({}))?;
    let l = locale();
    let shell = use_shell();
    let staff = shell.viewer.as_ref().is_some_and(|v| v.is_staff());
    let profile = shell.profile.clone().unwrap_or_default();
    loaded!(res, |d| rsx! {
        PageTitle { text: l.t("Credit notes") }
        h1 { {l.t("Credit notes")} }
        Notice { flash: flash.clone() }
        if d.credit_notes.nodes.is_empty() {
            p { class: "muted", {l.t("No credit notes.")} }
        } else {
            div { class: "list-head",
                p { class: "muted", role: "status", {crate::fmt::count(d.credit_notes.nodes.len() as i64, "credit note", l)} }
                crate::downloads::Downloads { base: format!("/{tenant}/exports/credit-notes"), query: String::new() }
            }
            table { class: "list",
                thead { tr {
                    th { scope: "col", {l.t("Number")} }
                    if staff { th { scope: "col", {l.t("Client")} } }
                    th { scope: "col", {l.t("Status")} }
                    th { scope: "col", {l.t("Issued")} }
                    th { scope: "col", {l.t("Reason")} }
                    th { scope: "col", {l.t("Invoice")} }
                    th { scope: "col", class: "num", {l.t("Total")} }
                    th { scope: "col", class: "num", {l.t("Applied")} }
                    th { scope: "col", class: "num", {l.t("Remaining")} }
                    th { scope: "col", class: "pdf", span { class: "sr", {l.t("Download")} } }
                    if staff { th { scope: "col", span { class: "sr", {l.t("Actions")} } } }
                } }
                tbody {
                    for c in d.credit_notes.nodes.iter() {
                        tr { key: "{c.id}",
                            td { "data-label": l.t("Number"), "{c.number}" }
                            if staff { td { "data-label": l.t("Client"), {c.client.as_ref().map(|x| x.name.clone()).unwrap_or_default()} } }
                            td { "data-label": l.t("Status"), Status { status: c.status.clone() } }
                            td { "data-label": l.t("Issued"), {date(&c.issue_date, l)} }
                            td { "data-label": l.t("Reason"), "{c.reason}" }
                            td { "data-label": l.t("Invoice"),
                                if let Some(i) = c.invoice.clone() { a { href: "/{tenant}/invoices/{i.id}", "{i.number}" } }
                            }
                            td { class: "num", "data-label": l.t("Total"), {money(&c.total, l)} }
                            td { class: "num", "data-label": l.t("Applied"), {money(&c.applied, l)} }
                            td { class: "num", "data-label": l.t("Remaining"), {money(&c.remaining, l)} }
                            crate::downloads::PdfCell {
                                href: crate::downloads::pdf_href(&tenant, "credit-note", &c.id),
                                number: c.number.clone(),
                                xml: (c.status != "DRAFT"
                                    && c.status != "VOID"
                                    && profile.can_e_invoice(c.client.as_ref().and_then(|x| x.country.as_deref())))
                                .then(|| crate::downloads::pdf_href(&tenant, "credit-note", &c.id).replace(".pdf", ".xml")),
                            }
                            // Staff: issue a draft; void one that has not been applied.
                            if staff {
                                td {
                                    if c.status == "DRAFT" {
                                        form { method: "post", action: "/{tenant}/forms/credit-notes/{c.id}/issue", class: "inline",
                                            button { r#type: "submit", class: "link action", "aria-label": format!("{} {}", l.t("Issue"), c.number), {l.t("Issue")} }
                                        }
                                    }
                                    if (c.status == "DRAFT" || c.status == "OPEN") && c.applied.minor == 0 {
                                        form { method: "post", action: "/{tenant}/forms/credit-notes/{c.id}/void", class: "inline",
                                            button { r#type: "submit", class: "link action", "aria-label": format!("{} {}", l.t("Void"), c.number), {l.t("Void")} }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    })
}
