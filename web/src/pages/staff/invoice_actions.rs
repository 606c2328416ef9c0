//! What staff can do on an invoice's page: edit, issue, send, duplicate, record a payment, share
//! a link and void, each offered only where the invoice's state allows it. Plain forms: they
//! work without script.

use super::*;

/// The invoice as the actions need it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionTarget {
    pub id: String,
    pub status: String,
    pub client_id: String,
    pub currency: String,
    pub balance: Money,
    /// Paid or credited: such an invoice is not voided (refund or credit it instead).
    pub settled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LinkRow {
    id: String,
    created_at: i64,
    expires_at: Option<i64>,
    revoked: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LinksData {
    invoice_links: Vec<LinkRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OpenCredit {
    id: String,
    number: String,
    status: String,
    remaining: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreditsData {
    credit_notes: Nodes<OpenCredit>,
}

#[component]
pub fn StaffInvoiceActions(tenant: String, inv: ActionTarget, today: String) -> Element {
    let l = locale();
    let links = use_query::<LinksData>(
        &tenant,
        "query($id: ID!) { invoiceLinks(invoiceId: $id) { id createdAt expiresAt revoked } }",
        json!({ "id": inv.id }),
    )?;
    let live_links: Vec<LinkRow> = match links.read().clone() {
        Some(Ok(d)) => d.invoice_links.into_iter().filter(|k| !k.revoked).collect(),
        _ => Vec::new(),
    };
    let credits = use_query::<CreditsData>(
        &tenant,
        query!("query($c: ID!) { creditNotes(clientId: $c, first: 50) { nodes { id number status remaining { ...M } } } }"),
        json!({ "c": inv.client_id }),
    )?;
    // The client's issued credit notes with something left, in this invoice's currency.
    let open_credits: Vec<OpenCredit> = match credits.read().clone() {
        Some(Ok(d)) => d
            .credit_notes
            .nodes
            .into_iter()
            .filter(|c| {
                c.status == "OPEN" && c.remaining.minor > 0 && c.remaining.currency == inv.currency
            })
            .collect(),
        _ => Vec::new(),
    };
    let base = format!("/{tenant}/forms/invoices/{}", inv.id);
    let draft = inv.status == "DRAFT";
    let open = matches!(inv.status.as_str(), "ISSUED" | "PARTIALLY_PAID");
    let voidable = (draft || inv.status == "ISSUED") && !inv.settled;
    rsx! {
        section { class: "staff-actions noprint", aria_label: l.t("Staff actions"),
            div { class: "toolbar",
                if draft {
                    a { class: "button primary", href: "/{tenant}/staff/invoices/{inv.id}/edit", {l.t("Edit")} }
                    form { method: "post", action: "{base}/issue", class: "inline",
                        button { r#type: "submit", {l.t("Issue")} }
                    }
                }
                form { method: "post", action: "{base}/duplicate", class: "inline",
                    button { r#type: "submit", {l.t("Duplicate")} }
                }
            }
            if inv.status != "VOID" {
                details { class: "send",
                    summary { if draft { {l.t("Issue and send to the client")} } else { {l.t("Send to the client")} } }
                    form { method: "post", action: "{base}/send", class: "stack",
                        label { r#for: "s-message", {l.t("Message (optional)")} }
                        textarea { id: "s-message", name: "message", rows: "3", maxlength: "5000" }
                        button { r#type: "submit", class: "primary", {l.t("Send")} }
                    }
                }
            }
            if open && inv.balance.minor > 0 {
                details { class: "record",
                    summary { {l.t("Record a payment")} }
                    form { method: "post", action: "{base}/payment", class: "fields",
                        input { r#type: "hidden", name: "client", value: "{inv.client_id}" }
                        input { r#type: "hidden", name: "currency", value: "{inv.currency}" }
                        div { class: "field short",
                            label { r#for: "p-amount", {l.t("Amount")} " (" "{inv.currency}" ")" }
                            input { id: "p-amount", name: "amount", inputmode: "decimal", value: "{inv.balance.amount}", required: true }
                        }
                        div { class: "field short",
                            label { r#for: "p-method", {l.t("Method")} }
                            select { id: "p-method", name: "method",
                                for m in ["BANK_TRANSFER", "CARD", "CASH", "CHEQUE", "DIRECT_DEBIT", "CRYPTO", "OTHER"] {
                                    option { key: "{m}", value: "{m}", {crate::ui::method_text(m, l)} }
                                }
                            }
                        }
                        div { class: "field short",
                            label { r#for: "p-on", {l.t("Received on")} }
                            input { id: "p-on", name: "received_on", r#type: "date", value: "{today}" }
                        }
                        div { class: "field",
                            label { r#for: "p-ref", {l.t("Reference")} }
                            input { id: "p-ref", name: "reference", maxlength: "200" }
                        }
                        div { class: "actions",
                            button { r#type: "submit", class: "primary", {l.t("Record payment")} }
                        }
                    }
                }
            }
            if open && inv.balance.minor > 0 && !open_credits.is_empty() {
                details { class: "apply-credit",
                    summary { {l.t("Apply a credit note")} }
                    form { method: "post", action: "{base}/apply-credit", class: "fields",
                        div { class: "field",
                            label { r#for: "ac-note", {l.t("Credit note")} }
                            select { id: "ac-note", name: "credit_note",
                                for c in open_credits.iter() {
                                    option { key: "{c.id}", value: "{c.id}", "{c.number} · " {l.t("Remaining")} " " {money(&c.remaining, l)} }
                                }
                            }
                        }
                        div { class: "field short",
                            label { r#for: "ac-amount", {l.t("Amount")} " (" "{inv.currency}" ")" }
                            input { id: "ac-amount", name: "amount", inputmode: "decimal", required: true,
                                value: {
                                    let first = open_credits.first().map(|c| c.remaining.minor).unwrap_or(0);
                                    if first < inv.balance.minor { open_credits[0].remaining.amount.clone() } else { inv.balance.amount.clone() }
                                },
                            }
                        }
                        div { class: "actions",
                            button { r#type: "submit", class: "primary", {l.t("Apply")} }
                        }
                    }
                }
            }
            if open && inv.balance.minor > 0 {
                details { class: "credit",
                    summary { {l.t("Issue a credit note")} }
                    form { method: "post", action: "{base}/credit", class: "fields",
                        input { r#type: "hidden", name: "client", value: "{inv.client_id}" }
                        div { class: "field short",
                            label { r#for: "cn-amount", {l.t("Amount")} " (" "{inv.currency}" ")" }
                            input { id: "cn-amount", name: "amount", inputmode: "decimal", value: "{inv.balance.amount}", required: true }
                        }
                        div { class: "field",
                            label { r#for: "cn-reason", {l.t("Reason")} }
                            input { id: "cn-reason", name: "reason", maxlength: "200", required: true }
                        }
                        label { class: "check",
                            input { r#type: "checkbox", name: "apply", value: "1", checked: true }
                            " " {l.t("Apply it to this invoice")}
                        }
                        div { class: "actions",
                            button { r#type: "submit", class: "primary", {l.t("Issue the credit note")} }
                        }
                    }
                }
            }
            if !draft && inv.status != "VOID" {
                details { class: "link",
                    summary { {l.t("Share a link")} }
                    if !live_links.is_empty() {
                        ul { class: "plain",
                            for k in live_links.iter() {
                                li { key: "{k.id}",
                                    {l.t("Link made")} " " {crate::ui::when(k.created_at, l)} " · "
                                    {match k.expires_at { Some(at) => format!("{} {}", l.t("valid until"), crate::ui::when(at, l)), None => l.t("until revoked").to_owned() }}
                                    form { method: "post", action: "{base}/unlink", class: "inline",
                                        input { r#type: "hidden", name: "link", value: "{k.id}" }
                                        " " button { r#type: "submit", class: "link action", {l.t("Revoke")} }
                                    }
                                }
                            }
                        }
                    }
                    form { method: "post", action: "{base}/link", class: "fields",
                        div { class: "field short",
                            label { r#for: "k-days", {l.t("Valid for")} }
                            select { id: "k-days", name: "days",
                                option { value: "7", {l.t("7 days")} }
                                option { value: "30", selected: true, {l.t("30 days")} }
                                option { value: "90", {l.t("90 days")} }
                                option { value: "", {l.t("Until revoked")} }
                            }
                        }
                        div { class: "actions",
                            button { r#type: "submit", {l.t("Create link")} }
                        }
                    }
                }
            }
            if voidable {
                details { class: "void",
                    summary { {l.t("Void this invoice")} }
                    form { method: "post", action: "{base}/void", class: "stack",
                        label { r#for: "v-reason", {l.t("Reason")} }
                        input { id: "v-reason", name: "reason", maxlength: "200", required: true }
                        button { r#type: "submit", class: "danger", {l.t("Void")} }
                    }
                }
            }
        }
    }
}
