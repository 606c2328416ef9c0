//! Recording a payment a client made by hand (a transfer, a cheque) and spreading it over several
//! of its open invoices, on the client's page. Amounts left blank are not allocated; with none
//! given the oldest invoices are settled first, and anything left stays as the client's credit.

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OpenInvoice {
    id: String,
    number: String,
    due_date: String,
    balance: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OpenData {
    invoices: Nodes<OpenInvoice>,
}

#[component]
pub fn RecordPaymentPanel(
    tenant: String,
    client_id: String,
    currency: String,
    today: String,
) -> Element {
    let l = locale();
    let res = use_query::<OpenData>(
        &tenant,
        query!("query($c: ID!, $cur: String!) { invoices(first: 50, filter: { clientId: $c, currency: $cur, status: [ISSUED, PARTIALLY_PAID] }, orderBy: { field: DUE_DATE, direction: ASC }) { nodes { id number dueDate balance { ...M } } } }"),
        json!({ "c": client_id, "cur": currency }),
    )?;
    let open = match res.read().clone() {
        Some(Ok(d)) => d.invoices.nodes,
        _ => Vec::new(),
    };
    rsx! {
        section { class: "staff-actions noprint", aria_label: l.t("Record a payment"),
        details { class: "record", id: "record-payment",
            summary { {l.t("Record a payment")} }
            form { method: "post", action: "/{tenant}/forms/clients/{client_id}/payment", class: "stack",
                input { r#type: "hidden", name: "currency", value: "{currency}" }
                div { class: "fields",
                    div { class: "field short",
                        label { r#for: "cp-amount", {l.t("Amount received")} " (" "{currency}" ")" }
                        input { id: "cp-amount", name: "amount", inputmode: "decimal", required: true }
                    }
                    div { class: "field short",
                        label { r#for: "cp-method", {l.t("Method")} }
                        select { id: "cp-method", name: "method",
                            for m in ["BANK_TRANSFER", "CARD", "CASH", "CHEQUE", "DIRECT_DEBIT", "CRYPTO", "OTHER"] {
                                option { key: "{m}", value: "{m}", {crate::ui::method_text(m, l)} }
                            }
                        }
                    }
                    div { class: "field short",
                        label { r#for: "cp-on", {l.t("Received on")} }
                        input { id: "cp-on", name: "received_on", r#type: "date", value: "{today}" }
                    }
                    div { class: "field",
                        label { r#for: "cp-ref", {l.t("Reference")} }
                        input { id: "cp-ref", name: "reference", maxlength: "200" }
                    }
                }
                if open.is_empty() {
                    p { class: "muted", {l.t("No open invoices in this currency: the payment is kept as the client's credit.")} }
                } else {
                    p { class: "muted", {l.t("Spread it over these invoices; leave them all blank to settle the oldest first. What is left stays as the client's credit.")} }
                    table { class: "list allocations",
                        caption { class: "sr", {l.t("Allocations")} }
                        thead { tr {
                            th { scope: "col", {l.t("Invoice")} }
                            th { scope: "col", {l.t("Due")} }
                            th { scope: "col", class: "num", {l.t("Balance")} }
                            th { scope: "col", class: "num", {l.t("Allocate")} }
                        } }
                        tbody {
                            for (i, inv) in open.iter().enumerate() {
                                tr { key: "{inv.id}",
                                    td { "data-label": l.t("Invoice"), a { href: "/{tenant}/invoices/{inv.id}", "{inv.number}" } }
                                    td { "data-label": l.t("Due"), {crate::fmt::date(&inv.due_date, l)} }
                                    td { class: "num", "data-label": l.t("Balance"), {money(&inv.balance, l)} }
                                    td { class: "num", "data-label": l.t("Allocate"),
                                        input { r#type: "hidden", name: "invoice", value: "{inv.id}" }
                                        input { name: "allocate", id: "cp-alloc-{i}", inputmode: "decimal", placeholder: "{inv.balance.amount}",
                                            "aria-label": format!("{} {}", l.t("Allocate to"), inv.number) }
                                    }
                                }
                            }
                        }
                    }
                }
                div { class: "actions",
                    button { r#type: "submit", class: "primary", {l.t("Record payment")} }
                }
            }
        }
        }
    }
}
