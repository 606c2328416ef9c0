//! The staff invoice editor: a draft's client, currency, dates, reference, notes, terms and lines,
//! saved all at once. With script, line amounts and totals follow every keystroke (the API
//! computes them, with the business's rounding) and a new blank line appears as the last one is
//! filled; without it, the same form saves, "Add line" and "Remove" round-trip through the
//! server, and the totals are shown after each submit.

pub use super::invoice_draft::{field_at, Draft, Row, COLUMNS};
use super::*;
use crate::data::PageError;
use crate::flash::Flash;
use crate::fmt::decimal;
use crate::pages::TaxLine;
use crate::ui::use_shell;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ClientOption {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) currency: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ClientNodes {
    pub(super) nodes: Vec<ClientOption>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SavedLine {
    pub(super) description: String,
    pub(super) quantity: String,
    pub(super) unit_price: Money,
    pub(super) tax_rate: String,
    pub(super) discount_percent: Option<String>,
    pub(super) discount: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SavedInvoice {
    id: String,
    number: String,
    status: String,
    currency: String,
    reference: Option<String>,
    issue_date: String,
    due_date: String,
    notes: Option<String>,
    terms: Option<String>,
    client: Option<ClientOption>,
    lines: Vec<SavedLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct EditorData {
    clients: ClientNodes,
    #[serde(default)]
    invoice: Option<SavedInvoice>,
}

const EDITOR: &str = query!("query($id: ID!, $edit: Boolean!) { clients(first: 100) { nodes { id name currency } } invoice(id: $id) @include(if: $edit) { id number status currency reference issueDate dueDate notes terms client { id name currency } lines { description quantity unitPrice { ...M } taxRate discountPercent discount { ...M } } } }");

/// Saved lines as the editor's rows.
pub(super) fn rows_of(lines: &[SavedLine]) -> Vec<Row> {
    lines
        .iter()
        .map(|ln| Row {
            description: ln.description.clone(),
            quantity: ln.quantity.clone(),
            unit_price: ln.unit_price.amount.clone(),
            tax_rate: ln.tax_rate.clone(),
            discount: match (&ln.discount_percent, ln.discount.minor) {
                (Some(p), _) => format!("{p}%"),
                (None, 0) => String::new(),
                (None, _) => ln.discount.amount.clone(),
            },
        })
        .collect()
}

/// `/staff/invoices/new`: a new draft (`?client=` picks the client).
#[component]
pub fn StaffInvoiceNew(tenant: String, q: Qs) -> Element {
    rsx! { InvoiceEditor { tenant, id: String::new(), q } }
}

/// `/staff/invoices/:id/edit`: a draft's editor.
#[component]
pub fn StaffInvoiceEdit(tenant: String, id: String, q: Qs) -> Element {
    rsx! { InvoiceEditor { tenant, id, q } }
}

#[component]
fn InvoiceEditor(tenant: String, id: String, q: Qs) -> Element {
    let edit = !id.is_empty();
    let res = use_query::<EditorData>(&tenant, EDITOR, json!({ "id": id, "edit": edit }))?;
    let l = locale();
    loaded!(res, missing: l.t("Invoice not found").to_owned(), |d| {
        let saved = d.invoice.clone();
        if edit && saved.is_none() {
            return rsx! { Problem { error: PageError::NotFound, missing: l.t("Invoice not found") } };
        }
        if let Some(inv) = saved.as_ref().filter(|i| i.status != "DRAFT") {
            // Only drafts change; an issued invoice is voided or credited instead.
            return rsx! {
                PageTitle { text: format!("{} {}", l.t("Invoice"), inv.number) }
                p { class: "error", role: "alert", {l.t("Only a draft can be edited.")} " "
                    a { href: "/{tenant}/invoices/{inv.id}", {l.t("Back to the invoice")} }
                }
            };
        }
        let draft = saved.as_ref().map(|inv| Draft {
            client: inv.client.as_ref().map(|c| c.id.clone()).unwrap_or_default(),
            currency: inv.currency.clone(),
            reference: inv.reference.clone().unwrap_or_default(),
            issue_date: inv.issue_date.clone(),
            due_date: inv.due_date.clone(),
            notes: inv.notes.clone().unwrap_or_default(),
            terms: inv.terms.clone().unwrap_or_default(),
            rows: rows_of(&inv.lines),
        });
        let (title, back_href, back_label) = match &saved {
            Some(inv) => (
                format!("{} {}", l.t("Edit invoice"), inv.number),
                format!("/{tenant}/invoices/{}", inv.id),
                l.t("Back to the invoice"),
            ),
            None => (l.t("New invoice").to_owned(), format!("/{tenant}/invoices"), l.t("Invoices")),
        };
        rsx! {
            EditorPage {
                tenant: tenant.clone(),
                estimate: false,
                title,
                back_href,
                back_label: back_label.to_owned(),
                empty: l.t("Add a client first: invoices are made out to a client.").to_owned(),
                id: saved.as_ref().map(|i| i.id.clone()).unwrap_or_default(),
                clients: d.clients.nodes.clone(),
                saved: draft,
                q: q.clone(),
            }
        }
    })
}

/// An editor's page around its form: title, the way back, and the draft to edit (what was
/// typed, when the form came back; else the saved draft; else a new one for `?client=`).
#[component]
pub(super) fn EditorPage(
    tenant: String,
    estimate: bool,
    title: String,
    back_href: String,
    back_label: String,
    /// Said instead of the form when the business has no client yet.
    empty: String,
    id: String,
    clients: Vec<ClientOption>,
    saved: Option<Draft>,
    q: Qs,
) -> Element {
    let flash = crate::ui::use_flash(&q);
    let today = use_shell().today;
    let mut draft = if q.get("form") == "1" {
        Draft::from_query(&q)
    } else if let Some(d) = saved {
        d
    } else {
        let client = q.get("client");
        let currency = clients
            .iter()
            .find(|c| c.id == client)
            .or(clients.first())
            .map(|c| c.currency.clone())
            .unwrap_or_else(|| "EUR".into());
        Draft {
            client,
            currency,
            issue_date: today,
            ..Draft::default()
        }
    };
    // Always one blank line to type into.
    if draft.rows.last().is_none_or(|r| !r.is_blank()) {
        draft.rows.push(Row::default());
    }
    rsx! {
        PageTitle { text: title.clone() }
        div { class: "toolbar noprint",
            a { href: "{back_href}", "← {back_label}" }
        }
        h1 { "{title}" }
        if clients.is_empty() {
            p { class: "empty", "{empty}" }
        } else {
            EditorForm {
                tenant: tenant.clone(),
                estimate,
                id,
                clients: clients.iter().map(|c| (c.id.clone(), format!("{} ({})", c.name, c.currency), c.currency.clone())).collect::<Vec<_>>(),
                draft,
                flash: flash.clone(),
                error_field: q.get("field"),
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PreviewRow {
    total: Option<Money>,
    subtotal: Option<Money>,
    field: Option<String>,
    error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Preview {
    lines: Vec<PreviewRow>,
    subtotal: Money,
    discount: Money,
    tax: Money,
    total: Money,
    taxes: Vec<TaxLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PreviewData {
    invoice_preview: Preview,
}

const PREVIEW: &str = query!("query($c: String!, $lines: [LineInput!]!) { invoicePreview(currency: $c, lines: $lines) { lines { subtotal { ...M } total { ...M } field error } subtotal { ...M } discount { ...M } tax { ...M } total { ...M } taxes { rate net { ...M } tax { ...M } } } }");

/// The preview of `draft`'s good lines (a line whose numbers do not read is left out).
async fn preview(tenant: String, draft: Draft) -> Option<Preview> {
    let lines: Vec<serde_json::Value> = draft
        .rows
        .iter()
        .filter(|r| !r.is_blank())
        // A line whose numbers do not read keeps its place (its own error is shown beside it).
        .map(|r| {
            r.to_input().unwrap_or_else(
                |_| json!({ "description": "-", "quantity": "1", "unitPrice": "0" }),
            )
        })
        .collect();
    if draft.currency.is_empty() {
        return None;
    }
    crate::data::fetch::<PreviewData>(
        tenant,
        PREVIEW,
        json!({ "c": draft.currency, "lines": lines }),
    )
    .await
    .ok()
    .map(|p| p.invoice_preview)
}

#[component]
pub(super) fn EditorForm(
    tenant: String,
    /// An estimate's editor: "valid until" for the due date, no reference or terms.
    estimate: bool,
    id: String,
    clients: Vec<(String, String, String)>,
    draft: Draft,
    flash: Flash,
    error_field: String,
) -> Element {
    let l = locale();
    let start = draft.clone();
    let mut rows = use_signal(|| start.rows.clone());
    let mut currency = use_signal(|| start.currency.clone());
    // Totals: computed on the server for the page as loaded, then again as lines change.
    let (t0, d0) = (tenant.clone(), draft.clone());
    let first = use_server_future(move || preview(t0.clone(), d0.clone()))?;
    let live = use_signal(|| None::<Preview>);
    let generation = use_signal(|| 0u32);
    let shown = live().or_else(|| first.read().clone().flatten());
    let bad = field_at(&error_field);
    let refresh = {
        let tenant = tenant.clone();
        move || {
            let _ = (&tenant, live, generation);
            #[cfg(feature = "web")]
            {
                // Signals are handles: local copies keep this closure `Fn`.
                let (mut gen, mut out) = (generation, live);
                let n = gen() + 1;
                gen.set(n);
                let tenant = tenant.clone();
                let d = Draft {
                    currency: currency(),
                    rows: rows(),
                    ..Draft::default()
                };
                spawn(async move {
                    crate::live::sleep(250).await;
                    if gen() != n {
                        return;
                    }
                    let p = preview(tenant, d).await;
                    if gen() == n {
                        out.set(p);
                    }
                });
            }
        }
    };
    let on_cell = {
        let refresh = refresh.clone();
        move |i: usize, column: &'static str, value: String| {
            let mut rows = rows;
            let mut r = rows.write();
            if let Some(row) = r.get_mut(i) {
                row.set(column, value);
            }
            // Typing into the last line opens a new one below it.
            if r.last().is_some_and(|row| !row.is_blank()) {
                r.push(Row::default());
            }
            drop(r);
            refresh();
        }
    };
    let previews = shown.as_ref().map(|p| p.lines.clone()).unwrap_or_default();
    // Preview rows follow the non-blank lines: map each line to its preview.
    let mut k = 0usize;
    let row_previews: Vec<Option<PreviewRow>> = rows()
        .iter()
        .map(|r| {
            if r.is_blank() {
                None
            } else {
                k += 1;
                previews.get(k - 1).cloned()
            }
        })
        .collect();
    // Which visible row an error's line index (counted over non-blank lines) is.
    let bad_row = bad.and_then(|(i, c)| {
        rows()
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.is_blank())
            .nth(i)
            .map(|(n, _)| (n, c))
    });
    let error_text = flash.error.clone();
    rsx! {
        Notice { flash: flash.clone() }
        form { method: "post", action: if estimate { format!("/{tenant}/forms/estimates/save") } else { format!("/{tenant}/forms/invoices/save") }, class: "editor", novalidate: true,
            input { r#type: "hidden", name: "id", value: "{id}" }
            // The default action when Enter is pressed in a field.
            button { r#type: "submit", name: "action", value: "save", class: "sr", tabindex: "-1", {l.t("Save draft")} }
            div { class: "fields",
                div { class: "field",
                    label { r#for: "e-client", {l.t("Client")} }
                    select { id: "e-client", name: "client",
                        onchange: {
                            let clients = clients.clone();
                            let refresh = refresh.clone();
                            move |e: Event<FormData>| {
                                if let Some((_, _, c)) = clients.iter().find(|(id, _, _)| *id == e.value()) {
                                    currency.set(c.clone());
                                    refresh();
                                }
                            }
                        },
                        for (cid, label, _) in clients.iter() {
                            option { key: "{cid}", value: "{cid}", selected: *cid == start.client, "{label}" }
                        }
                    }
                }
                div { class: "field short",
                    label { r#for: "e-currency", {l.t("Currency")} }
                    input { id: "e-currency", name: "currency", value: "{currency}", maxlength: "3", autocomplete: "off",
                        oninput: {
                            let refresh = refresh.clone();
                            move |e: Event<FormData>| { currency.set(e.value().to_uppercase()); refresh(); }
                        },
                    }
                }
                div { class: "field short",
                    label { r#for: "e-issue", {l.t("Issue date")} }
                    input { id: "e-issue", name: "issue_date", r#type: "date", value: "{start.issue_date}" }
                }
                div { class: "field short",
                    label { r#for: "e-due", if estimate { {l.t("Valid until")} } else { {l.t("Due date")} } }
                    input { id: "e-due", name: "due_date", r#type: "date", value: "{start.due_date}",
                        "aria-describedby": "e-due-hint" }
                    small { id: "e-due-hint", class: "muted", if estimate { {l.t("Leave blank for no expiry.")} } else { {l.t("Blank: 30 days after the issue date.")} } }
                }
                if !estimate {
                    div { class: "field",
                        label { r#for: "e-reference", {l.t("Reference")} }
                        input { id: "e-reference", name: "reference", value: "{start.reference}", maxlength: "200" }
                    }
                }
            }
            table { class: "lines editing",
                caption { class: "sr", {l.t("Lines")} }
                thead { tr {
                    th { scope: "col", {l.t("Description")} }
                    th { scope: "col", class: "num", {l.t("Quantity")} }
                    th { scope: "col", class: "num", {l.t("Unit price")} }
                    th { scope: "col", class: "num", {l.t("Tax rate")} " %" }
                    th { scope: "col", class: "num", {l.t("Discount")} }
                    th { scope: "col", class: "num", {l.t("Amount")} }
                    th { scope: "col", span { class: "sr", {l.t("Remove")} } }
                } }
                tbody {
                    for (i, row) in rows().iter().cloned().enumerate() {
                        tr { key: "{i}",
                            for column in COLUMNS {
                                {
                                    let wrong = bad_row == Some((i, column));
                                    let local = row.to_input().err().filter(|(c, _)| *c == column).map(|(_, m)| m.to_owned());
                                    let preview_error = row_previews.get(i).cloned().flatten()
                                        .and_then(|p| p.field.clone().zip(p.error.clone()))
                                        .and_then(|(f, m)| (field_at(&f).map(|(_, c)| c) == Some(column)).then_some(m));
                                    let message = if wrong {
                                        Some(error_text.clone())
                                    } else {
                                        local.or(preview_error).map(|m| crate::i18n::message(&m, l))
                                    };
                                    let on_cell = on_cell.clone();
                                    rsx! {
                                        td { class: if column == "description" { "" } else { "num" },
                                            "data-label": l.t(label_of(column)),
                                            input {
                                                name: "{column}",
                                                id: "e-{column}-{i}",
                                                value: "{row.get(column)}",
                                                inputmode: if column == "description" { "text" } else { "decimal" },
                                                autocomplete: "off",
                                                // A new invoice for a chosen client starts at its first line.
                                                autofocus: i == 0 && column == "description" && id.is_empty() && !start.client.is_empty(),
                                                "aria-label": format!("{} {}", l.t(label_of(column)), i + 1),
                                                "aria-invalid": if message.is_some() { "true" } else { "false" },
                                                "aria-describedby": if message.is_some() { format!("e-{column}-{i}-error") } else { String::new() },
                                                oninput: move |e: Event<FormData>| on_cell(i, column, e.value()),
                                            }
                                            if let Some(m) = message.clone() {
                                                small { id: "e-{column}-{i}-error", class: "field-error", "{m}" }
                                            }
                                        }
                                    }
                                }
                            }
                            td { class: "num amount", "data-label": l.t("Amount"),
                                if let Some(Some(m)) = row_previews.get(i).map(|p| p.as_ref().and_then(|p| p.subtotal.clone())) {
                                    {money(&m, l)}
                                }
                            }
                            td {
                                if !row.is_blank() {
                                    button { r#type: "submit", name: "remove", value: "{i}", class: "link remove",
                                        "aria-label": format!("{} {}", l.t("Remove line"), i + 1),
                                        onclick: {
                                            let refresh = refresh.clone();
                                            move |e: Event<MouseData>| {
                                                e.prevent_default();
                                                rows.write().remove(i);
                                                refresh();
                                            }
                                        },
                                        "✕"
                                    }
                                }
                            }
                        }
                    }
                }
            }
            div { class: "toolbar",
                button { r#type: "submit", name: "action", value: "add", class: "link",
                    onclick: move |e: Event<MouseData>| { e.prevent_default(); rows.write().push(Row::default()); },
                    "+ " {l.t("Add line")}
                }
            }
            if let Some(p) = shown.clone() {
                dl { class: "totals", id: "editor-totals", "aria-live": "polite",
                    dt { {l.t("Subtotal")} } dd { id: "editor-subtotal", {money(&p.subtotal, l)} }
                    if p.discount.minor != 0 { dt { {l.t("Discount")} } dd { "−" {money(&p.discount, l)} } }
                    for (n, tl) in p.taxes.iter().enumerate() {
                        div { key: "{n}", class: "row",
                            dt { {l.t("Tax")} " " {decimal(&tl.rate, l)} "% " {l.t("on")} " " {money(&tl.net, l)} }
                            dd { {money(&tl.tax, l)} }
                        }
                    }
                    dt { class: "grand", {l.t("Total")} } dd { class: "grand", id: "editor-total", {money(&p.total, l)} }
                }
            }
            div { class: "fields",
                div { class: "field wide",
                    label { r#for: "e-notes", {l.t("Notes")} }
                    textarea { id: "e-notes", name: "notes", rows: "3", maxlength: "5000", dangerous_inner_html: crate::ui::textarea_html(&start.notes) }
                }
                if !estimate {
                    div { class: "field wide",
                        label { r#for: "e-terms", {l.t("Terms")} }
                        textarea { id: "e-terms", name: "terms", rows: "3", maxlength: "5000", dangerous_inner_html: crate::ui::textarea_html(&start.terms) }
                    }
                }
            }
            div { class: "actions",
                button { r#type: "submit", name: "action", value: "save", {l.t("Save draft")} }
                if estimate {
                    button { r#type: "submit", name: "action", value: "issue", class: "primary", {l.t("Save and send")} }
                } else {
                    button { r#type: "submit", name: "action", value: "issue", class: "primary", {l.t("Save and issue")} }
                }
            }
        }
    }
}

fn label_of(column: &str) -> &'static str {
    match column {
        "description" => "Description",
        "quantity" => "Quantity",
        "unit_price" => "Unit price",
        "tax_rate" => "Tax rate",
        _ => "Discount",
    }
}
