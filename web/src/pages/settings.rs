//! Settings.

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Passkey {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionRow {
    pub id: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsViewer {
    pub client: Option<ClientFull>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsData {
    pub viewer: SettingsViewer,
    pub my_passkeys: Vec<Passkey>,
    pub my_sessions: Vec<SessionRow>,
}

#[component]
pub fn Settings(tenant: String, q: Qs) -> Element {
    let flash = crate::ui::use_flash(&q);
    let res = use_query::<SettingsData>(&tenant, "{ viewer { client { id name email taxId address } } myPasskeys { id name createdAt lastUsedAt } mySessions { id createdAt lastSeenAt userAgent ip current } }", json!({}))?;
    let shell = use_shell();
    let l = shell.locale;
    let can_edit_billing = shell
        .viewer
        .as_ref()
        .is_some_and(|v| v.role == "contact_admin");
    #[allow(unused_mut)]
    let mut passkey_msg = use_signal(String::new);
    let t2 = tenant.clone();
    loaded!(res, |d| rsx! {
        PageTitle { text: l.t("Settings") }
        h1 { {l.t("Settings")} }
        Notice { flash: flash.clone() }
        if let Some(c) = d.viewer.client.clone() {
            section { class: "panel",
                h2 { {l.t("Billing details")} }
                form { method: "post", action: "/{tenant}/forms/billing", class: "stack",
                    label { r#for: "b-name", {l.t("Name")} }
                    input { id: "b-name", name: "name", value: "{c.name}", required: true, disabled: !can_edit_billing, autocomplete: "organization" }
                    label { r#for: "b-email", {l.t("Email")} }
                    input { id: "b-email", name: "email", r#type: "email", value: "{c.email.clone().unwrap_or_default()}", disabled: !can_edit_billing, autocomplete: "email" }
                    label { r#for: "b-tax", {l.t("Tax ID")} }
                    input { id: "b-tax", name: "tax_id", value: "{c.tax_id.clone().unwrap_or_default()}", disabled: !can_edit_billing }
                    label { r#for: "b-addr", {l.t("Address")} }
                    textarea { id: "b-addr", name: "address", rows: "3", disabled: !can_edit_billing, autocomplete: "street-address", dangerous_inner_html: crate::ui::textarea_html(c.address.as_deref().unwrap_or_default()) }
                    if can_edit_billing { button { r#type: "submit", class: "primary", {l.t("Save")} } }
                }
            }
        }
        section { class: "panel",
            h2 { {l.t("Language")} }
            form { method: "post", action: "/{tenant}/forms/language", class: "inline-form",
                label { r#for: "lang", {l.t("Language")} }
                select { id: "lang", name: "locale", lang: "",
                    option { value: "en", selected: l == Locale::En, lang: "en", "English" }
                    option { value: "el", selected: l == Locale::El, lang: "el", "Ελληνικά" }
                }
                button { r#type: "submit", {l.t("Save")} }
            }
        }
        section { class: "panel",
            h2 { {l.t("Passkeys")} }
            if d.my_passkeys.is_empty() { p { class: "muted", {l.t("No passkeys yet.")} } }
            ul { class: "plain",
                for p in d.my_passkeys.iter() {
                    li { key: "{p.id}",
                        strong { "{p.name}" } " · " {crate::ui::when(p.created_at, l)}
                        form { method: "post", action: "/{tenant}/forms/passkeys/{p.id}/remove", class: "inline",
                            button { r#type: "submit", class: "link", {l.t("Remove")} span { class: "sr", " {p.name}" } }
                        }
                    }
                }
            }
            button {
                id: "passkey-add",
                r#type: "button",
                onclick: move |_| {
                    #[cfg(feature = "web")]
                    {
                        let t = t2.clone();
                        spawn(async move {
                            match crate::live::passkey_register(&t).await {
                                Ok(()) => {
                                    let _ = web_sys::window().map(|w| w.location().set_href(&format!("/{t}/settings?done=passkey")));
                                }
                                Err(e) => passkey_msg.set(e),
                            }
                        });
                    }
                    #[cfg(not(feature = "web"))]
                    let _ = &t2;
                },
                {l.t("Add a passkey")}
            }
            noscript { p { class: "muted", {l.t("Passkeys need JavaScript.")} } }
            if !passkey_msg.read().is_empty() { p { class: "error", role: "alert", "{passkey_msg}" } }
        }
        section { class: "panel",
            h2 { {l.t("Sessions")} }
            ul { class: "plain",
                for s in d.my_sessions.iter() {
                    li { key: "{s.id}",
                        strong { {crate::fmt::browser_name(s.user_agent.as_deref().unwrap_or_default(), l)} }
                        if let Some(ip) = s.ip.clone() { " · {ip}" }
                        " · " {l.t("last active")} " " {crate::ui::when(s.last_seen_at, l)}
                        if s.current {
                            " " span { class: "status s-active", {l.t("This session")} }
                        } else {
                            form { method: "post", action: "/{tenant}/forms/sessions/{s.id}/end", class: "inline",
                                button { r#type: "submit", class: "link", {l.t("End")} }
                            }
                        }
                    }
                }
            }
        }
    })
}
