//! Clients with their balances.

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientBalance {
    pub client_id: String,
    pub name: String,
    pub email: Option<String>,
    pub currency: String,
    pub due: Money,
    pub overdue: Money,
    pub credit: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientsData {
    pub client_balances: Vec<ClientBalance>,
}

#[component]
pub fn StaffClients(tenant: String, q: Qs) -> Element {
    let flash = crate::ui::use_flash(&q);
    let res = use_query::<ClientsData>(&tenant, "{ clientBalances { clientId name email currency due { ...M } overdue { ...M } credit { ...M } } } fragment M on Money { amount currency minor }", json!({}))?;
    let l = locale();
    loaded!(res, |d| rsx! {
        PageTitle { text: l.t("Clients") }
        h1 { {l.t("Clients")} }
        Notice { flash: flash.clone() }
        if d.client_balances.is_empty() {
            p { class: "empty", {l.t("No clients yet: add your first one below.")} }
        }
        table { class: "list",
            thead { tr {
                th { scope: "col", {l.t("Client")} }
                th { scope: "col", {l.t("Email")} }
                th { scope: "col", class: "num", {l.t("Amount due")} }
                th { scope: "col", class: "num", {l.t("Overdue")} }
                th { scope: "col", class: "num", {l.t("Credit available")} }
            } }
            tbody {
                for c in d.client_balances.iter() {
                    tr { key: "{c.client_id}-{c.currency}",
                        td { "data-label": l.t("Client"),
                            a { href: "/{tenant}/staff/clients/{c.client_id}", "{c.name}" }
                        }
                        td { "data-label": l.t("Email"), span { class: "email", {c.email.clone().unwrap_or_default()} } }
                        td { class: "num", "data-label": l.t("Amount due"), {money(&c.due, l)} }
                        td { class: "num", "data-label": l.t("Overdue"), {money(&c.overdue, l)} }
                        td { class: "num", "data-label": l.t("Credit available"), {money(&c.credit, l)} }
                    }
                }
            }
        }
        section { class: "panel", id: "new-client",
            h2 { {l.t("New client")} }
            form { method: "post", action: "/{tenant}/forms/clients/new", class: "field-row",
                div { class: "field wide",
                    label { r#for: "c-name", {l.t("Name")} }
                    input { id: "c-name", name: "name", required: true, maxlength: "200", autocomplete: "organization" }
                }
                div { class: "field wide",
                    label { r#for: "c-email", {l.t("Billing email")} }
                    input { id: "c-email", name: "email", r#type: "email", autocomplete: "email" }
                }
                div { class: "field",
                    label { r#for: "c-currency", {l.t("Currency")} }
                    input { id: "c-currency", name: "currency", maxlength: "3", size: "4", placeholder: "EUR" }
                }
                button { r#type: "submit", class: "primary", {l.t("Add client")} }
            }
        }
    })
}
