//! Payment history and receipts.

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceRef {
    pub id: String,
    pub number: String,
    /// The invoice's balance now, where the page asks for it (a receipt).
    #[serde(default)]
    pub balance: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaidAllocation {
    pub amount: Money,
    pub reversal: bool,
    pub invoice: Option<InvoiceRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRow {
    pub id: String,
    pub number: String,
    pub amount: Money,
    pub method: String,
    pub reference: Option<String>,
    pub received_on: String,
    pub unallocated: Money,
    pub refunded: Money,
    pub notes: Option<String>,
    pub client: Option<ClientFull>,
    pub allocations: Vec<PaidAllocation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentsData {
    pub payments: Nodes<PaymentRow>,
    pub payment_attempts: Vec<AttemptRow>,
}

/// A payment started online that has not (yet) become a payment: shown while it is processing,
/// waiting for a transfer, or failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttemptRow {
    pub id: String,
    #[serde(deserialize_with = "crate::data::lowercase")]
    pub status: String,
    pub method: String,
    pub amount: Money,
    pub created_at: i64,
    pub invoice_ids: Vec<String>,
}

#[component]
pub fn Payments(tenant: String) -> Element {
    let res = use_query::<PaymentsData>(&tenant, query!("{ payments(first: 100) { nodes { id number amount { ...M } method reference receivedOn unallocated { ...M } refunded { ...M } notes client { id name email taxId address } allocations { amount { ...M } reversal invoice { id number } } } } paymentAttempts(first: 20) { id status method amount { ...M } createdAt invoiceIds } }"), json!({}))?;
    let l = locale();
    let staff = use_shell().viewer.is_some_and(|v| v.is_staff());
    loaded!(res, |d| rsx! {
        PageTitle { text: l.t("Payment history") }
        h1 { {l.t("Payment history")} }
        PendingAttempts { tenant: tenant.clone(), attempts: d.payment_attempts.clone() }
        if d.payments.nodes.is_empty() {
            p { class: "muted", {l.t("No payments yet.")} }
        } else {
            div { class: "list-head",
                p { class: "muted", role: "status", {crate::fmt::count(d.payments.nodes.len() as i64, "payment", l)} }
                crate::downloads::Downloads { base: format!("/{tenant}/exports/payments"), query: String::new() }
            }
            table { class: "list",
                thead { tr {
                    th { scope: "col", {l.t("Receipt")} }
                    if staff { th { scope: "col", {l.t("Client")} } }
                    th { scope: "col", {l.t("Date")} }
                    th { scope: "col", {l.t("Method")} }
                    th { scope: "col", {l.t("Invoices")} }
                    th { scope: "col", class: "num", {l.t("Amount")} }
                    th { scope: "col", class: "pdf", span { class: "sr", {l.t("Download")} } }
                } }
                tbody {
                    for p in d.payments.nodes.iter() {
                        tr { key: "{p.id}",
                            td { "data-label": l.t("Receipt"), a { href: "/{tenant}/payments/{p.id}", "{p.number}" } }
                            if staff { td { "data-label": l.t("Client"), {p.client.as_ref().map(|x| x.name.clone()).unwrap_or_default()} } }
                            td { "data-label": l.t("Date"), {date(&p.received_on, l)} }
                            td { "data-label": l.t("Method"), {crate::ui::method_text(&p.method, l)} }
                            td { "data-label": l.t("Invoices"),
                                for (n, a) in p.allocations.iter().filter(|a| !a.reversal).enumerate() {
                                    if let Some(i) = a.invoice.clone() {
                                        span { key: "{n}", a { href: "/{tenant}/invoices/{i.id}", "{i.number}" } " " }
                                    }
                                }
                                if p.unallocated.minor > 0 {
                                    span { class: "muted unapplied", {l.t("Unapplied — held as credit")} ": " {money(&p.unallocated, l)} }
                                }
                            }
                            td { class: "num", "data-label": l.t("Amount"), {money(&p.amount, l)}
                                if p.refunded.minor > 0 { br {} span { class: "muted", {l.t("Refunded")} " " {money(&p.refunded, l)} } }
                            }
                            crate::downloads::PdfCell { href: crate::downloads::pdf_href(&tenant, "receipt", &p.id), number: p.number.clone() }
                        }
                    }
                }
            }
        }
    })
}

/// Payments started online that are not payments yet (processing, waiting for a transfer) or
/// that failed recently, with a way on: follow the status, or try again.
#[component]
pub fn PendingAttempts(tenant: String, attempts: Vec<AttemptRow>) -> Element {
    let l = locale();
    let open: Vec<AttemptRow> = attempts
        .into_iter()
        .filter(|a| {
            matches!(
                a.status.as_str(),
                "processing" | "awaiting_transfer" | "failed"
            )
        })
        .take(5)
        .collect();
    if open.is_empty() {
        return rsx! {};
    }
    rsx! {
        section { class: "panel attempts", id: "attempts",
            h2 { {l.t("Payments in progress")} }
            ul { class: "plain",
                for a in open.iter() {
                    li { key: "{a.id}",
                        Status { status: a.status.clone() } " "
                        strong { {money(&a.amount, l)} } " · " {crate::pages::method_label(&a.method.to_ascii_uppercase(), l)}
                        " · " {crate::ui::when(a.created_at, l)} " · "
                        a { href: "/{tenant}/pay/return/{a.id}",
                            if a.status == "failed" { {l.t("Try again")} } else { {l.t("See its status")} }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReceiptData {
    pub node: Option<PaymentRow>,
}

#[component]
pub fn Receipt(tenant: String, id: String, q: Qs) -> Element {
    let flash = crate::ui::use_flash(&q);
    let can_refund = use_shell()
        .viewer
        .is_some_and(|v| v.role == "owner" || v.role == "admin");
    let res = use_query::<ReceiptData>(&tenant, query!("query($id: ID!) { node(id: $id) { ... on Payment { id number amount { ...M } method reference receivedOn unallocated { ...M } refunded { ...M } notes client { id name email taxId address } allocations { amount { ...M } reversal invoice { id number balance { ...M } } } } } }"), json!({ "id": id }))?;
    let l = locale();
    let profile = use_shell().profile.unwrap_or_default();
    loaded!(res, missing: l.t("Payment not found").to_owned(), |d| {
        let Some(p) = d.node else {
            return rsx! { Problem { error: PageError::NotFound, missing: l.t("Payment not found") } };
        };
        let title = format!("{} {}", l.t("Receipt"), p.number);
        rsx! {
            PageTitle { text: title.clone() }
            Notice { flash: flash.clone() }
            div { class: "toolbar noprint",
                a { href: "/{tenant}/payments", "← " {l.t("Payments")} }
                crate::downloads::PdfButton { href: crate::downloads::pdf_href(&tenant, "receipt", &p.id) }
            }
            // Refunds send money back: the owner and admins only (members do not see the form).
            if can_refund && p.refunded.minor < p.amount.minor {
                section { class: "staff-actions noprint", aria_label: l.t("Staff actions"),
                    details { class: "refund",
                        summary { {l.t("Refund")} }
                        form { method: "post", action: "/{tenant}/forms/payments/{p.id}/refund", class: "fields",
                            div { class: "field short",
                                label { r#for: "r-amount", {l.t("Amount")} " (" "{p.amount.currency}" ")" }
                                input { id: "r-amount", name: "amount", inputmode: "decimal", required: true,
                                    value: crate::fmt::minor_amount(p.amount.minor - p.refunded.minor, &p.amount) }
                            }
                            div { class: "field",
                                label { r#for: "r-reason", {l.t("Reason")} }
                                input { id: "r-reason", name: "reason", maxlength: "200" }
                            }
                            div { class: "actions",
                                button { r#type: "submit", class: "danger", {l.t("Refund")} }
                            }
                        }
                    }
                }
            }
            article { class: "document receipt",
                header { class: "doc-head",
                    div {
                        p { class: "company", "{profile.name}" }
                        if let Some(a) = profile.address.clone() { p { class: "pre", "{a}" } }
                            if let Some(place) = profile.place_line() { p { "{place}" } }
                            if let Some(vat) = profile.vat_id.clone() { p { {l.t("VAT ID")} ": {vat}" } }
                    }
                    div { class: "doc-title",
                        h1 { {l.t("Receipt")} " " span { class: "docnum", "{p.number}" } }
                        dl { class: "meta",
                            dt { {l.t("Date")} } dd { {date(&p.received_on, l)} }
                            dt { {l.t("Method")} } dd { {crate::ui::method_text(&p.method, l)} }
                            // The payer's own reference (a transfer's or cheque's); gateway and
                            // internal references are not the payment's name.
                            if matches!(p.method.as_str(), "BANK_TRANSFER" | "CHEQUE") {
                                if let Some(r) = p.reference.clone() { dt { {l.t("Your reference")} } dd { class: "ref", "{r}" } }
                            }
                        }
                    }
                }
                if let Some(c) = p.client.clone() {
                    section { class: "bill-to", h2 { {l.t("Client")} } p { class: "company", "{c.name}" }
                        if let Some(a) = c.address.clone() { p { class: "pre", "{a}" } }
                    }
                }
                if !p.allocations.is_empty() {
                    table { class: "lines",
                        caption { {l.t("Applied to")} }
                        thead { tr {
                            th { scope: "col", {l.t("Invoice")} }
                            th { scope: "col", class: "num", {l.t("Applied")} }
                            th { scope: "col", class: "num", {l.t("Balance now")} }
                        } }
                        tbody {
                            for (n, a) in p.allocations.iter().enumerate() {
                                tr { key: "{n}",
                                    td { "data-label": l.t("Invoice"),
                                        if a.reversal { {l.t("Refunded")} " " }
                                        if let Some(i) = a.invoice.clone() { a { href: "/{tenant}/invoices/{i.id}", "{i.number}" } }
                                    }
                                    td { class: "num", "data-label": l.t("Applied"), {money(&a.amount, l)} }
                                    td { class: "num", "data-label": l.t("Balance now"),
                                        {a.invoice.as_ref().and_then(|i| i.balance.as_ref()).map(|b| money(b, l)).unwrap_or_default()}
                                    }
                                }
                            }
                        }
                    }
                }
                dl { class: "totals",
                    dt { class: "grand", {l.t("Amount paid")} } dd { class: "grand", {money(&p.amount, l)} }
                    if p.unallocated.minor != 0 { dt { {l.t("Held as credit")} } dd { {money(&p.unallocated, l)} } }
                    if p.refunded.minor != 0 { dt { {l.t("Refunded")} } dd { {money(&p.refunded, l)} } }
                }
            }
        }
    })
}
