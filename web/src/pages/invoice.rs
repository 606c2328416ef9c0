//! One invoice.

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Line {
    pub description: String,
    pub quantity: String,
    pub unit_price: Money,
    pub tax_rate: String,
    pub discount_percent: Option<String>,
    /// Quantity × unit price: the amount column, which adds up to the invoice's subtotal.
    pub subtotal: Money,
    pub discount: Money,
    pub total: Money,
}

/// One line of a document as the lines table shows it (invoices, estimates, invoice links).
#[derive(Debug, Clone, PartialEq)]
pub struct LineView {
    pub description: String,
    pub quantity: String,
    pub unit_price: Money,
    pub tax_rate: String,
    pub discount_percent: Option<String>,
    pub subtotal: Money,
    pub discount: Money,
}

impl From<&Line> for LineView {
    fn from(l: &Line) -> Self {
        LineView {
            description: l.description.clone(),
            quantity: l.quantity.clone(),
            unit_price: l.unit_price.clone(),
            tax_rate: l.tax_rate.clone(),
            discount_percent: l.discount_percent.clone(),
            subtotal: l.subtotal.clone(),
            discount: l.discount.clone(),
        }
    }
}

/// A document's lines. Amounts are quantity × unit price and add up to the subtotal below the
/// table; discounts (a column only when a line has one) and taxes follow it, so a column always
/// adds up to the figure under it.
#[component]
pub fn LinesTable(lines: Vec<LineView>) -> Element {
    let l = locale();
    let has_discounts = lines.iter().any(|ln| ln.discount.minor != 0);
    rsx! {
        table { class: "lines",
            thead { tr {
                th { scope: "col", {l.t("Description")} }
                th { scope: "col", class: "num", {l.t("Quantity")} }
                th { scope: "col", class: "num", {l.t("Unit price")} }
                if has_discounts { th { scope: "col", class: "num", {l.t("Discount")} } }
                th { scope: "col", class: "num", {l.t("Tax rate")} }
                th { scope: "col", class: "num", {l.t("Amount")} }
            } }
            tbody {
                for (n, line) in lines.iter().enumerate() {
                    tr { key: "{n}",
                        td { "data-label": l.t("Description"), "{line.description}" }
                        td { class: "num", "data-label": l.t("Quantity"), {crate::fmt::decimal(&line.quantity, l)} }
                        td { class: "num", "data-label": l.t("Unit price"), {money(&line.unit_price, l)} }
                        if has_discounts {
                            td { class: "num", "data-label": l.t("Discount"),
                                if line.discount.minor != 0 {
                                    "−" {money(&line.discount, l)}
                                    if let Some(dp) = line.discount_percent.clone() { span { class: "muted", " ({crate::fmt::decimal(&dp, l)}%)" } }
                                }
                            }
                        }
                        td { class: "num", "data-label": l.t("Tax rate"), {crate::fmt::decimal(&line.tax_rate, l)} "%" }
                        td { class: "num", "data-label": l.t("Amount"), {money(&line.subtotal, l)} }
                    }
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaxLine {
    pub rate: String,
    pub net: Money,
    pub tax: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRef {
    pub id: String,
    pub number: String,
    pub received_on: String,
    pub method: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AllocationRow {
    pub amount: Money,
    pub reversal: bool,
    pub payment: Option<PaymentRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientFull {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub tax_id: Option<String>,
    pub address: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceFull {
    pub id: String,
    pub number: String,
    pub reference: Option<String>,
    pub status: String,
    pub overdue: bool,
    pub currency: String,
    pub issue_date: String,
    pub due_date: String,
    pub subtotal: Money,
    pub discount: Money,
    pub tax: Money,
    pub total: Money,
    pub amount_paid: Money,
    pub amount_credited: Money,
    pub balance: Money,
    pub notes: Option<String>,
    pub terms: Option<String>,
    pub client: Option<ClientFull>,
    pub lines: Vec<Line>,
    pub taxes: Vec<TaxLine>,
    pub payments: Vec<AllocationRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceData {
    pub invoice: Option<InvoiceFull>,
    pub threads: Vec<ThreadRef>,
    pub payment_attempts: Vec<AttemptRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadRef {
    pub id: String,
    pub message_count: i64,
}

#[component]
pub fn InvoicePage(tenant: String, id: String, q: Qs) -> Element {
    let flash = crate::ui::use_flash(&q);
    let res = use_query::<InvoiceData>(&tenant, query!("query($id: ID!) { invoice(id: $id) { id number reference status overdue currency issueDate dueDate subtotal { ...M } discount { ...M } tax { ...M } total { ...M } amountPaid { ...M } amountCredited { ...M } balance { ...M } notes terms client { id name email taxId address city postalCode country } lines { description quantity unitPrice { ...M } taxRate discountPercent subtotal { ...M } discount { ...M } total { ...M } } taxes { rate net { ...M } tax { ...M } } payments { amount { ...M } reversal payment { id number receivedOn method } } } threads(subjectId: $id) { id messageCount } paymentAttempts(first: 50) { id status method amount { ...M } createdAt invoiceIds } }"), json!({ "id": id }))?;
    let l = locale();
    // Live: a payment, credit or void elsewhere (staff recording a payment, a webhook) shows at
    // once; `data-live` on the balance says the page is listening.
    #[allow(unused_mut)]
    let mut listening = use_signal(|| false);
    #[cfg(feature = "web")]
    {
        let mut res = res;
        let watched = id.clone();
        use_effect(move || {
            let watched = watched.clone();
            spawn(async move {
                use futures_util::StreamExt;
                let mut events = crate::live::subscribe(
                    "subscription($id: ID!) { invoiceUpdated(invoiceId: $id) { status } }",
                    json!({ "id": watched }),
                );
                while let Some(event) = events.next().await {
                    if event.get("subscribed").is_some() {
                        listening.set(true);
                    }
                    res.restart();
                }
            });
        });
    }
    let shell = use_shell();
    let profile = shell.profile.clone().unwrap_or_default();
    let can_pay = shell
        .viewer
        .as_ref()
        .is_some_and(|v| v.role == "contact_admin" || v.role == "contact_payer");
    let print = q.get("print") == "1";
    let is_staff = shell.viewer.as_ref().is_some_and(|v| v.is_staff());
    let today = shell.today.clone();
    loaded!(res, missing: l.t("Invoice not found").to_owned(), |d| {
        let Some(inv) = d.invoice else {
            return rsx! { Problem { error: PageError::NotFound, missing: l.t("Invoice not found") } };
        };
        let payable = can_pay
            && inv.balance.minor > 0
            && matches!(inv.status.as_str(), "ISSUED" | "PARTIALLY_PAID");
        let title = format!("{} {}", l.t("Invoice"), inv.number);
        rsx! {
            PageTitle { text: title.clone() }
            Notice { flash: flash.clone() }
            if !print {
                PendingAttempts {
                    tenant: tenant.clone(),
                    attempts: d.payment_attempts.iter().filter(|a| a.invoice_ids.contains(&inv.id)).cloned().collect::<Vec<_>>(),
                }
            }
            div { class: if print { "toolbar noprint print-mode" } else { "toolbar noprint" },
                a { href: if print { format!("/{tenant}/invoices/{}", inv.id) } else { format!("/{tenant}/invoices") }, "← " {if print { l.t("Back") } else { l.t("Invoices") }} }
                if payable && !print {
                    a { class: "button primary", href: "/{tenant}/pay?invoice={inv.id}", {l.t("Pay now")} }
                }
                if print {
                    button {
                        r#type: "button",
                        class: "primary",
                        id: "print",
                        onclick: move |_| {
                            #[cfg(feature = "web")]
                            if let Some(w) = web_sys::window() {
                                let _ = w.print();
                            }
                        },
                        {l.t("Print")}
                    }
                } else {
                    a { class: "button", href: "/{tenant}/invoices/{inv.id}?print=1", {l.t("Print")} }
                    crate::downloads::PdfButton { href: crate::downloads::pdf_href(&tenant, "invoice", &inv.id) }
                    if !matches!(inv.status.as_str(), "DRAFT" | "VOID")
                        && profile.can_e_invoice(inv.client.as_ref().and_then(|c| c.country.as_deref()))
                    {
                        a { class: "button", href: crate::downloads::pdf_href(&tenant, "invoice", &inv.id).replace(".pdf", ".xml"), download: "", {l.t("E-invoice (XML)")} }
                    }
                }
                if let Some(th) = d.threads.first() {
                    a { href: "/{tenant}/messages/{th.id}", {l.t("Messages")} " ({th.message_count})" }
                }
            }
            if is_staff && !print {
                crate::pages::staff::StaffInvoiceActions {
                    tenant: tenant.clone(),
                    today: today.clone(),
                    inv: crate::pages::staff::ActionTarget {
                        id: inv.id.clone(),
                        status: inv.status.clone(),
                        client_id: inv.client.as_ref().map(|c| c.id.clone()).unwrap_or_default(),
                        currency: inv.currency.clone(),
                        balance: inv.balance.clone(),
                        settled: inv.amount_paid.minor != 0 || inv.amount_credited.minor != 0,
                    },
                }
            }
            article { class: "document",
                header { class: "doc-head",
                    div {
                        if let Some(logo) = profile.logo.clone() { img { src: "{logo}", alt: "", width: "48", height: "48" } }
                        p { class: "company", "{profile.name}" }
                        if let Some(a) = profile.address.clone() { p { class: "pre", "{a}" } }
                            if let Some(place) = profile.place_line() { p { "{place}" } }
                            if let Some(vat) = profile.vat_id.clone() { p { {l.t("VAT ID")} ": {vat}" } }
                        if let Some(e) = profile.email.clone() { p { "{e}" } }
                        if let Some(p) = profile.phone.clone() { p { "{p}" } }
                    }
                    div { class: "doc-title",
                        h1 { {l.t("Invoice")} " " span { class: "docnum", "{inv.number}" } }
                        p { Status { status: inv.status.clone() } if inv.overdue { " " Status { status: "overdue" } } }
                        dl { class: "meta",
                            dt { {l.t("Issued")} } dd { {date(&inv.issue_date, l)} }
                            dt { {l.t("Due")} } dd { {date(&inv.due_date, l)} }
                            if let Some(r) = inv.reference.clone() { dt { {l.t("Reference")} } dd { "{r}" } }
                        }
                    }
                }
                if let Some(c) = inv.client.clone() {
                    section { class: "bill-to",
                        h2 { {l.t("Bill to")} }
                        p { class: "company", "{c.name}" }
                        if let Some(a) = c.address.clone() { p { class: "pre", "{a}" } }
                        if let Some(t) = c.tax_id.clone() { p { {l.t("Tax ID")} ": {t}" } }
                        if let Some(e) = c.email.clone() { p { "{e}" } }
                    }
                }
                LinesTable { lines: inv.lines.iter().map(LineView::from).collect::<Vec<_>>() }
                dl { class: "totals",
                    dt { {l.t("Subtotal")} } dd { {money(&inv.subtotal, l)} }
                    if inv.discount.minor != 0 { dt { {l.t("Discount")} } dd { "−" {money(&inv.discount, l)} } }
                    for (n, tl) in inv.taxes.iter().enumerate() {
                        div { key: "{n}", class: "row",
                            dt { {l.t("Tax")} " " {crate::fmt::decimal(&tl.rate, l)} "% " {l.t("on")} " " {money(&tl.net, l)} }
                            dd { {money(&tl.tax, l)} }
                        }
                    }
                    dt { class: "grand", {l.t("Total")} } dd { class: "grand", {money(&inv.total, l)} }
                    if inv.amount_paid.minor != 0 { dt { {l.t("Paid")} } dd { "−" {money(&inv.amount_paid, l)} } }
                    if inv.amount_credited.minor != 0 { dt { {l.t("Credited")} } dd { "−" {money(&inv.amount_credited, l)} } }
                    dt { class: "grand", {l.t("Balance")} } dd { class: "grand", id: "balance", "data-live": if listening() { "on" } else { "off" }, {money(&inv.balance, l)} }
                }
                if !inv.payments.is_empty() {
                    section {
                        h2 { {l.t("Payments made")} }
                        ul { class: "plain",
                            for (n, p) in inv.payments.iter().enumerate() {
                                li { key: "{n}",
                                    if let Some(pr) = p.payment.clone() {
                                        a { href: "/{tenant}/payments/{pr.id}", "{pr.number}" }
                                        " · " {date(&pr.received_on, l)} " · "
                                    }
                                    if p.reversal { {l.t("Refunded")} " " }
                                    {money(&p.amount, l)}
                                }
                            }
                        }
                    }
                }
                if let Some(t) = inv.terms.clone() { section { h2 { {l.t("Terms")} } p { class: "pre", "{t}" } } }
                if let Some(n) = inv.notes.clone() { section { h2 { {l.t("Notes")} } p { class: "pre", "{n}" } } }
                if d.threads.is_empty() && !print {
                    section { class: "panel ask noprint",
                        h2 { {l.t("Questions about this invoice?")} }
                        form { method: "post", action: "/{tenant}/forms/messages/new", class: "stack",
                            input { r#type: "hidden", name: "subject", value: "{inv.id}" }
                            label { r#for: "m-body", {l.t("Write a message")} }
                            textarea { id: "m-body", name: "body", rows: "3", required: true, maxlength: "5000" }
                            button { r#type: "submit", {l.t("Send")} }
                        }
                    }
                }
                footer { class: "doc-foot",
                    h2 { {l.t("Contact")} }
                    p { "{profile.name}"
                        if let Some(e) = profile.email.clone() { " · " a { href: "mailto:{e}", "{e}" } }
                        if let Some(p) = profile.phone.clone() { " · {p}" }
                    }
                }
            }
        }
    })
}
