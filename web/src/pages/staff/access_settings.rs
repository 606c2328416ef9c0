//! The owner's and admins' part of Settings beside the business details: the time zone, how many
//! invitations may go out a day, and the API tokens partners use (listed with their last use, and
//! revoked).

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Limits {
    invitation_daily_limit: i64,
    time_zone: String,
    session_idle_days: i64,
    session_absolute_days: i64,
    staff_passkeys_required: bool,
    staff_networks: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Token {
    id: String,
    name: String,
    role: String,
    scopes: String,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AccessData {
    business_settings: Limits,
    api_tokens: Vec<Token>,
}

#[component]
pub fn AccessPanel(tenant: String) -> Element {
    let res = use_query::<AccessData>(
        &tenant,
        "{ businessSettings { invitationDailyLimit timeZone sessionIdleDays sessionAbsoluteDays staffPasskeysRequired staffNetworks } apiTokens { id name role scopes createdAt lastUsedAt revoked } }",
        json!({}),
    )?;
    let fresh = use_server_future(crate::data::fresh_api_token)?;
    let fresh = fresh.read().clone().flatten();
    let l = locale();
    let Some(Ok(d)) = res.read().clone() else {
        return rsx! {};
    };
    let b = d.business_settings;
    rsx! {
        section { class: "panel", id: "access",
            h2 { {l.t("Time zone, invitations and sessions")} }
            form { method: "post", action: "/{tenant}/forms/access", class: "field-row",
                div { class: "field wide",
                    label { r#for: "a-tz", {l.t("Time zone")} }
                    input { id: "a-tz", name: "time_zone", value: "{b.time_zone}", placeholder: "Europe/Athens", maxlength: "64", autocomplete: "off" }
                }
                div { class: "field",
                    label { r#for: "a-limit", {l.t("Invitations per day")} }
                    input { id: "a-limit", name: "invitation_limit", r#type: "number", min: "1", max: "1000", value: "{b.invitation_daily_limit}" }
                }
                div { class: "field",
                    label { r#for: "a-idle", {l.t("Sign out after days unused")} }
                    input { id: "a-idle", name: "idle_days", r#type: "number", min: "1", max: "30", value: "{b.session_idle_days}" }
                }
                div { class: "field",
                    label { r#for: "a-abs", {l.t("Sign in again after days")} }
                    input { id: "a-abs", name: "absolute_days", r#type: "number", min: "1", max: "90", value: "{b.session_absolute_days}" }
                }
                button { r#type: "submit", class: "primary", {l.t("Save")} }
            }
        }
        section { class: "panel", id: "security",
            h2 { {l.t("Staff sign-in")} }
            form { method: "post", action: "/{tenant}/forms/security", class: "stack",
                label { class: "check",
                    input { name: "require_passkeys", r#type: "checkbox", value: "on", checked: b.staff_passkeys_required }
                    " " {l.t("Staff who have a passkey must sign in with it (sign-in links stop working for them)")}
                }
                label { r#for: "s-networks", {l.t("Networks staff may sign in from")} }
                textarea { id: "s-networks", name: "networks", rows: "3", placeholder: "203.0.113.0/24", "aria-describedby": "s-networks-help",
                    dangerous_inner_html: crate::ui::textarea_html(&b.staff_networks.join("\n")),
                }
                p { id: "s-networks-help", class: "muted", {l.t("One address or range per line; leave empty to allow any network. Your own address must be in the list.")} }
                button { r#type: "submit", class: "primary", {l.t("Save")} }
            }
        }
        section { class: "panel", id: "tokens",
            h2 { {l.t("API tokens")} }
            p { class: "muted", {l.t("Partners (accounting systems, ERPs) call the GraphQL API with a token.")} }
            if d.api_tokens.iter().all(|t| t.revoked) {
                p { class: "empty", {l.t("No API tokens.")} }
            } else {
                table { class: "list",
                    thead { tr {
                        th { scope: "col", {l.t("Name")} }
                        th { scope: "col", {l.t("Role")} }
                        th { scope: "col", {l.t("Scopes")} }
                        th { scope: "col", {l.t("Last used")} }
                        th { scope: "col", span { class: "sr", {l.t("Actions")} } }
                    } }
                    tbody {
                        for t in d.api_tokens.iter().filter(|t| !t.revoked) {
                            tr { key: "{t.id}",
                                td { "data-label": l.t("Name"), "{t.name}" }
                                td { "data-label": l.t("Role"), {crate::ui::status_text(&t.role, l)} }
                                td { "data-label": l.t("Scopes"), "{t.scopes}" }
                                td { "data-label": l.t("Last used"), {t.last_used_at.map(|at| crate::ui::when(at, l)).unwrap_or_else(|| l.t("never").to_owned())} }
                                td {
                                    form { method: "post", action: "/{tenant}/forms/tokens/{t.id}/revoke", class: "inline",
                                        button { r#type: "submit", class: "link action", "aria-label": format!("{} {}", l.t("Revoke"), t.name), {l.t("Revoke")} }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if let Some(token) = fresh {
                div { class: "secret", role: "status",
                    p { strong { {l.t("Copy the new token now: it is shown only this once.")} } }
                    input { id: "new-token", class: "token", readonly: true, value: "{token}", "aria-label": l.t("New API token") }
                }
            }
            div { class: "staff-actions", details { class: "new-token",
                summary { "+ " {l.t("New API token")} }
                form { method: "post", action: "/{tenant}/forms/tokens/new", class: "stack",
                    label { r#for: "t-name", {l.t("Name")} }
                    input { id: "t-name", name: "name", required: true, maxlength: "100", placeholder: "Accounting sync" }
                    label { r#for: "t-role", {l.t("Role")} }
                    select { id: "t-role", name: "role",
                        option { value: "PARTNER", {l.t("Partner (an accounting system, an ERP)")} }
                        option { value: "MEMBER", {crate::ui::status_text("member", l)} }
                        option { value: "ADMIN", {crate::ui::status_text("admin", l)} }
                    }
                    fieldset { class: "cols",
                        legend { {l.t("It may also")} }
                        label { class: "check", input { r#type: "checkbox", name: "scope", value: "WRITE", checked: true } " " {l.t("change records")} }
                        label { class: "check", input { r#type: "checkbox", name: "scope", value: "PAYMENTS", checked: true } " " {l.t("record payments and refunds")} }
                    }
                    button { r#type: "submit", class: "primary", {l.t("Create the token")} }
                }
            } }
            p { class: "muted", {l.t("A token is shown once, here, and never travels in a page's address; portico token create makes one on the server too.")} }
        }
    }
}
