//! Invitations: invite, resend, revoke.

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    pub id: String,
    pub client_id: String,
    pub email: String,
    pub name: String,
    pub status: String,
    pub sent_count: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientName {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvitationsData {
    pub invitations: Vec<Invitation>,
    pub clients: Nodes<ClientName>,
}

#[component]
pub fn StaffInvitations(tenant: String, q: Qs) -> Element {
    let flash = crate::ui::use_flash(&q);
    let res = use_query::<InvitationsData>(&tenant, "{ invitations { id clientId email name status sentCount expiresAt } clients(first: 100) { nodes { id name } } }", json!({}))?;
    let l = locale();
    let revoke = q.get("revoke");
    loaded!(res, |d| {
        // Revoking asks first: `?revoke=ID` shows what would be revoked, and the button that does it.
        let confirm = d
            .invitations
            .iter()
            .find(|i| i.id == revoke && i.status == "pending")
            .cloned();
        let name_of = |id: &str| {
            d.clients
                .nodes
                .iter()
                .find(|c| c.id == id)
                .map(|c| c.name.clone())
                .unwrap_or_default()
        };
        rsx! {
            PageTitle { text: l.t("Invitations") }
            h1 { {l.t("Invitations")} }
            Notice { flash: flash.clone() }
            if let Some(i) = confirm.as_ref() {
                section { class: "panel confirm", id: "confirm-revoke", role: "alertdialog", aria_labelledby: "confirm-title",
                    h2 { id: "confirm-title", {l.t("Revoke this invitation?")} }
                    p { strong { "{i.name}" } " · " span { class: "email", "{i.email}" } " · " {name_of(&i.client_id)} }
                    p { {l.t("The link in the invitation email stops working. People who already have access keep it.")} }
                    div { class: "actions",
                        form { method: "post", action: "/{tenant}/forms/invitations/{i.id}/revoke", class: "inline",
                            button { r#type: "submit", class: "danger", {l.t("Revoke invitation")} }
                        }
                        a { class: "button", href: "/{tenant}/staff/invitations", {l.t("Cancel")} }
                    }
                }
            }
            section { class: "panel",
                h2 { {l.t("Invite")} }
                form { method: "post", action: "/{tenant}/forms/invitations", class: "grid-form",
                    label { r#for: "i-client", {l.t("Client")} }
                    select { id: "i-client", name: "client", required: true,
                        for c in d.clients.nodes.iter() { option { key: "{c.id}", value: "{c.id}", "{c.name}" } }
                    }
                    label { r#for: "i-name", {l.t("Name")} }
                    input { id: "i-name", name: "name", required: true, maxlength: "200" }
                    label { r#for: "i-email", {l.t("Email")} }
                    input { id: "i-email", name: "email", r#type: "email", required: true }
                    label { r#for: "i-role", {l.t("Role")} }
                    select { id: "i-role", name: "role",
                        option { value: "PAYER", {l.t("Payer: sees and pays invoices")} }
                        option { value: "ADMIN", {l.t("Admin: also manages the client's people and billing details")} }
                        option { value: "VIEWER", {l.t("Viewer: sees documents, cannot pay")} }
                    }
                    button { r#type: "submit", class: "primary", {l.t("Invite")} }
                }
            }
            table { class: "list",
                thead { tr {
                    th { scope: "col", {l.t("Name")} }
                    th { scope: "col", {l.t("Client")} }
                    th { scope: "col", {l.t("Status")} }
                    th { scope: "col", {l.t("Expires")} }
                    th { scope: "col", span { class: "sr", {l.t("Invite")} } }
                } }
                tbody {
                    for i in d.invitations.iter() {
                        tr { key: "{i.id}",
                            td { "data-label": l.t("Name"), span { class: "who-cell", strong { "{i.name}" } span { class: "muted email", "{i.email}" } } }
                            td { "data-label": l.t("Client"), {name_of(&i.client_id)} }
                            td { "data-label": l.t("Status"), Status { status: i.status.clone() } " " span { class: "muted", {l.t("emails sent")} ": {i.sent_count}" } }
                            td { "data-label": l.t("Expires"), {crate::ui::when(i.expires_at, l)} }
                            td {
                                if i.status == "pending" || i.status == "expired" {
                                    form { method: "post", action: "/{tenant}/forms/invitations/{i.id}/resend", class: "inline",
                                        button { r#type: "submit", class: "link action", {l.t("Resend")} span { class: "sr", " {i.email}" } }
                                    }
                                }
                                if i.status == "pending" {
                                    a { href: "/{tenant}/staff/invitations?revoke={i.id}#confirm-revoke", class: "link action", {l.t("Revoke")} span { class: "sr", " {i.email}" } }
                                }
                            }
                        }
                    }
                }
            }
        }
    })
}
