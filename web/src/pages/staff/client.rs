//! One client, for staff: balances per currency, billing details (editable), contacts with their
//! access, invitations, recent invoices, payments and estimates, and the client's audit trail.

use super::*;
use crate::data::PageError;
use crate::fmt::date;
use crate::pages::ClientFull;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ContactRow {
    id: String,
    name: String,
    email: String,
    role: String,
    disabled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClientData {
    currency: String,
    #[serde(flatten)]
    details: ClientFull,
    contacts: Vec<ContactRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DocRow {
    id: String,
    number: String,
    status: String,
    #[serde(default)]
    issue_date: Option<String>,
    #[serde(default)]
    received_on: Option<String>,
    #[serde(default)]
    total: Option<Money>,
    #[serde(default)]
    balance: Option<Money>,
    #[serde(default)]
    amount: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Nodes<T> {
    nodes: Vec<T>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Event {
    action: String,
    created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Pending {
    id: String,
    email: String,
    status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageData {
    client: Option<ClientData>,
    client_balances: Vec<super::ClientBalance>,
    invoices: Nodes<DocRow>,
    payments: Nodes<DocRow>,
    estimates: Nodes<DocRow>,
    invitations: Vec<Pending>,
    audit_events: Vec<Event>,
}

const QUERY: &str = query!("query($id: ID!) { client(id: $id) { id name currency email taxId address city postalCode country contacts { id name email role disabled } } \
    clientBalances { clientId name email currency due { ...M } overdue { ...M } credit { ...M } } \
    invoices(first: 10, filter: { clientId: $id }, orderBy: { field: ISSUE_DATE, direction: DESC }) { nodes { id number status issueDate total { ...M } balance { ...M } } } \
    payments(clientId: $id, first: 10) { nodes { id number status: method receivedOn amount { ...M } } } \
    estimates(clientId: $id, first: 10) { nodes { id number status issueDate total { ...M } } } \
    invitations(clientId: $id) { id email status } \
    auditEvents(subjectId: $id, first: 20) { action createdAt } }");

#[component]
pub fn StaffClient(tenant: String, id: String, q: Qs) -> Element {
    let flash = crate::ui::use_flash(&q);
    let res = use_query::<PageData>(&tenant, QUERY, json!({ "id": id }))?;
    let l = locale();
    let today = crate::ui::use_shell().today;
    loaded!(res, missing: l.t("Client not found").to_owned(), |d| {
        let Some(c) = d.client.clone() else {
            return rsx! { Problem { error: PageError::NotFound, missing: l.t("Client not found") } };
        };
        let (cid, cname) = (c.details.id.clone(), c.details.name.clone());
        let balances: Vec<_> = d.client_balances.iter().filter(|b| b.client_id == cid).cloned().collect();
        let v = |o: &Option<String>| o.clone().unwrap_or_default();
        let det = c.details.clone();
        rsx! {
            PageTitle { text: cname.clone() }
            div { class: "toolbar noprint",
                a { href: "/{tenant}/staff/clients", "← " {l.t("Clients")} }
            }
            div { class: "page-head",
                h1 { "{cname}" }
                div { class: "quick",
                    a { class: "button primary", href: "/{tenant}/staff/invoices/new?client={cid}", "+ " {l.t("New invoice")} }
                    a { class: "button", href: "/{tenant}/staff/estimates/new?client={cid}", "+ " {l.t("New estimate")} }
                    a { class: "button", href: "/{tenant}/statement?client={cid}", {l.t("Statement")} }
                }
            }
            Notice { flash: flash.clone() }
            section { class: "tiles", aria_label: l.t("Balances"),
                if balances.is_empty() {
                    div { class: "tile", h2 { {l.t("Amount due")} } p { class: "big", {l.t("Nothing due")} } }
                }
                for b in balances.iter() {
                    div { key: "{b.currency}", class: if b.overdue.minor > 0 { "tile warn" } else { "tile" },
                        h2 { {l.t("Amount due")} " · {b.currency}" }
                        p { class: "big", {money(&b.due, l)} }
                        p { class: "muted", {l.t("Overdue")} " " {money(&b.overdue, l)} " · " {l.t("Credit available")} " " {money(&b.credit, l)} }
                    }
                }
            }
            RecordPaymentPanel { tenant: tenant.clone(), client_id: cid.clone(), currency: c.currency.clone(), today: today.clone() }
            div { class: "columns",
                section { class: "panel", id: "contacts",
                    h2 { {l.t("Contacts")} }
                    if c.contacts.is_empty() { p { class: "empty", {l.t("No contacts yet: invite one below.")} } }
                    ul { class: "plain",
                        for p in c.contacts.iter() {
                            li { key: "{p.id}",
                                strong { "{p.name}" } " · " span { class: "email", "{p.email}" } " · "
                                {crate::ui::status_text(&p.role, l)}
                                if p.disabled {
                                    " · " Status { status: "revoked" }
                                } else {
                                    form { method: "post", action: "/{tenant}/forms/contacts/{p.id}/disable", class: "inline",
                                        input { r#type: "hidden", name: "client", value: "{cid}" }
                                        " " button { r#type: "submit", class: "link action", "aria-label": format!("{} {}", l.t("Turn off access for"), p.name), {l.t("Turn off access")} }
                                    }
                                }
                            }
                        }
                    }
                    for i in d.invitations.iter().filter(|i| i.status == "pending") {
                        p { key: "{i.id}", class: "muted", {l.t("Invitation pending:")} " {i.email}" }
                    }
                    h3 { {l.t("Invite a contact")} }
                    form { method: "post", action: "/{tenant}/forms/invitations", class: "field-row",
                        input { r#type: "hidden", name: "client", value: "{cid}" }
                        input { r#type: "hidden", name: "back", value: "client" }
                        div { class: "field", label { r#for: "i-name", {l.t("Name")} } input { id: "i-name", name: "name", required: true, maxlength: "200" } }
                        div { class: "field wide", label { r#for: "i-email", {l.t("Email")} } input { id: "i-email", name: "email", r#type: "email", required: true } }
                        div { class: "field",
                            label { r#for: "i-role", {l.t("Role")} }
                            select { id: "i-role", name: "role",
                                option { value: "PAYER", {l.t("payer")} }
                                option { value: "ADMIN", {l.t("admin")} }
                                option { value: "VIEWER", {l.t("viewer")} }
                            }
                        }
                        button { r#type: "submit", {l.t("Invite")} }
                    }
                }
                section { class: "panel", id: "billing",
                    h2 { {l.t("Billing details")} }
                    form { method: "post", action: "/{tenant}/forms/clients/{cid}/update", class: "stack",
                        label { r#for: "b-name", {l.t("Name")} }
                        input { id: "b-name", name: "name", value: "{cname}", required: true, maxlength: "200" }
                        label { r#for: "b-email", {l.t("Billing email")} }
                        input { id: "b-email", name: "email", r#type: "email", value: "{v(&det.email)}" }
                        label { r#for: "b-tax", {l.t("Tax ID")} }
                        input { id: "b-tax", name: "tax_id", value: "{v(&det.tax_id)}", maxlength: "40" }
                        label { r#for: "b-addr", {l.t("Address")} }
                        textarea { id: "b-addr", name: "address", rows: "2", dangerous_inner_html: crate::ui::textarea_html(det.address.as_deref().unwrap_or_default()) }
                        div { class: "field-row",
                            div { class: "field", label { r#for: "b-postal", {l.t("Postal code")} } input { id: "b-postal", name: "postal_code", value: "{v(&det.postal_code)}", maxlength: "20" } }
                            div { class: "field", label { r#for: "b-city", {l.t("City")} } input { id: "b-city", name: "city", value: "{v(&det.city)}", maxlength: "100" } }
                            div { class: "field", label { r#for: "b-country", {l.t("Country code")} } input { id: "b-country", name: "country", value: "{v(&det.country)}", maxlength: "2", size: "3" } }
                        }
                        p { class: "muted", {l.t("Currency")} ": {c.currency}" }
                        button { r#type: "submit", class: "primary", {l.t("Save")} }
                    }
                }
            }
            DocList { tenant: tenant.clone(), title: l.t("Invoices"), path: "invoices", rows: d.invoices.nodes.clone() }
            DocList { tenant: tenant.clone(), title: l.t("Payments"), path: "payments", rows: d.payments.nodes.clone() }
            DocList { tenant: tenant.clone(), title: l.t("Estimates"), path: "estimates", rows: d.estimates.nodes.clone() }
            section { class: "panel", id: "activity",
                h2 { {l.t("Activity")} }
                if d.audit_events.is_empty() { p { class: "empty", {l.t("Nothing recorded yet.")} } }
                ul { class: "plain",
                    for (n, e) in d.audit_events.iter().enumerate() {
                        li { key: "{n}", {crate::ui::when(e.created_at, l)} " · " code { "{e.action}" } }
                    }
                }
            }
        }
    })
}

#[component]
fn DocList(tenant: String, title: String, path: &'static str, rows: Vec<DocRow>) -> Element {
    let l = locale();
    // Payments have a method where documents have a status.
    let third = if path == "payments" {
        l.t("Method")
    } else {
        l.t("Status")
    };
    rsx! {
        section { class: "panel",
            h2 { "{title}" }
            if rows.is_empty() {
                p { class: "empty", {l.t("None yet.")} }
            } else {
                table { class: "list",
                    thead { tr {
                        th { scope: "col", {l.t("Number")} }
                        th { scope: "col", {l.t("Date")} }
                        th { scope: "col", "{third}" }
                        th { scope: "col", class: "num", {l.t("Amount")} }
                    } }
                    tbody {
                        for r in rows.iter() {
                            tr { key: "{r.id}",
                                td { "data-label": l.t("Number"), a { href: "/{tenant}/{path}/{r.id}", "{r.number}" } }
                                td { "data-label": l.t("Date"), {r.issue_date.as_deref().or(r.received_on.as_deref()).map(|d| date(d, l)).unwrap_or_default()} }
                                td { "data-label": third,
                                    if path == "payments" { {crate::ui::method_text(&r.status, l)} } else { Status { status: r.status.clone() } }
                                }
                                td { class: "num", "data-label": l.t("Amount"),
                                    {r.total.as_ref().or(r.amount.as_ref()).map(|m| money(m, l)).unwrap_or_default()}
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
