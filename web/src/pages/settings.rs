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
    let res = use_query::<SettingsData>(&tenant, "{ viewer { client { id name email taxId address city postalCode country } } myPasskeys { id name createdAt lastUsedAt } mySessions { id createdAt lastSeenAt userAgent ip current } }", json!({}))?;
    let shell = use_shell();
    let l = shell.locale;
    let can_edit_billing = shell
        .viewer
        .as_ref()
        .is_some_and(|v| v.role == "contact_admin");
    let can_edit_business = shell
        .viewer
        .as_ref()
        .is_some_and(|v| v.role == "owner" || v.role == "admin");
    // A client chooses among the languages the business offers; staff among all.
    let staff = shell.viewer.as_ref().is_some_and(|v| v.is_staff());
    let offers = |lang: Locale| staff || shell.profile.as_ref().is_none_or(|p| p.offers(lang));
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
                    div { class: "field-row",
                        div { class: "field",
                            label { r#for: "b-postal", {l.t("Postal code")} }
                            input { id: "b-postal", name: "postal_code", value: "{c.postal_code.clone().unwrap_or_default()}", disabled: !can_edit_billing, autocomplete: "postal-code", maxlength: "20" }
                        }
                        div { class: "field",
                            label { r#for: "b-city", {l.t("City")} }
                            input { id: "b-city", name: "city", value: "{c.city.clone().unwrap_or_default()}", disabled: !can_edit_billing, autocomplete: "address-level2", maxlength: "100" }
                        }
                        div { class: "field",
                            label { r#for: "b-country", {l.t("Country code")} }
                            input { id: "b-country", name: "country", value: "{c.country.clone().unwrap_or_default()}", disabled: !can_edit_billing, autocomplete: "country", maxlength: "2", size: "3", placeholder: "GR" }
                        }
                    }
                    if can_edit_billing { button { r#type: "submit", class: "primary", {l.t("Save")} } }
                }
            }
        }
        if can_edit_business {
            BusinessPanel { tenant: tenant.clone() }
            crate::pages::staff::AccessPanel { tenant: tenant.clone() }
        }
        if offers(Locale::En) && offers(Locale::El) {
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BusinessSettings {
    pub vat_id: Option<String>,
    pub address: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub document_footer: Option<String>,
    pub payment_terms: Option<String>,
    pub bank_name: Option<String>,
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub attach_pdfs: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BusinessData {
    pub business_settings: BusinessSettings,
}

/// The business's legal details and what its documents print (owner and admin).
#[component]
fn BusinessPanel(tenant: String) -> Element {
    let res = use_query::<BusinessData>(&tenant, "{ businessSettings { vatId address city postalCode country email phone documentFooter paymentTerms bankName iban bic attachPdfs } }", json!({}))?;
    let l = use_shell().locale;
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    loaded!(res, |d| {
        let b = d.business_settings;
        rsx! {
            section { class: "panel", id: "business",
                h2 { {l.t("Business details")} }
                p { class: "muted", {l.t("Printed on every document and declared in e-invoices.")} }
                form { method: "post", action: "/{tenant}/forms/business", class: "stack",
                    label { r#for: "t-vat", {l.t("VAT ID")} }
                    input { id: "t-vat", name: "vat_id", value: "{v(&b.vat_id)}", placeholder: "EL094019245", maxlength: "40" }
                    label { r#for: "t-addr", {l.t("Address")} }
                    textarea { id: "t-addr", name: "address", rows: "2", autocomplete: "street-address", dangerous_inner_html: crate::ui::textarea_html(b.address.as_deref().unwrap_or_default()) }
                    div { class: "field-row",
                        div { class: "field",
                            label { r#for: "t-postal", {l.t("Postal code")} }
                            input { id: "t-postal", name: "postal_code", value: "{v(&b.postal_code)}", autocomplete: "postal-code", maxlength: "20" }
                        }
                        div { class: "field",
                            label { r#for: "t-city", {l.t("City")} }
                            input { id: "t-city", name: "city", value: "{v(&b.city)}", autocomplete: "address-level2", maxlength: "100" }
                        }
                        div { class: "field",
                            label { r#for: "t-country", {l.t("Country code")} }
                            input { id: "t-country", name: "country", value: "{v(&b.country)}", maxlength: "2", size: "3", placeholder: "GR" }
                        }
                    }
                    div { class: "field-row",
                        div { class: "field",
                            label { r#for: "t-email", {l.t("Email")} }
                            input { id: "t-email", name: "email", r#type: "email", value: "{v(&b.email)}", autocomplete: "email" }
                        }
                        div { class: "field",
                            label { r#for: "t-phone", {l.t("Phone")} }
                            input { id: "t-phone", name: "phone", r#type: "tel", value: "{v(&b.phone)}", autocomplete: "tel", maxlength: "40" }
                        }
                    }
                    button { r#type: "submit", class: "primary", {l.t("Save")} }
                }
            }
            section { class: "panel", id: "documents",
                h2 { {l.t("Documents")} }
                form { method: "post", action: "/{tenant}/forms/documents", class: "stack",
                    label { r#for: "d-terms", {l.t("Payment terms")} }
                    textarea { id: "d-terms", name: "payment_terms", rows: "2", maxlength: "1000", dangerous_inner_html: crate::ui::textarea_html(b.payment_terms.as_deref().unwrap_or_default()) }
                    div { class: "field-row",
                        div { class: "field wide",
                            label { r#for: "d-iban", "IBAN" }
                            input { id: "d-iban", name: "iban", value: "{v(&b.iban)}", maxlength: "50", autocomplete: "off" }
                        }
                        div { class: "field",
                            label { r#for: "d-bic", "BIC" }
                            input { id: "d-bic", name: "bic", value: "{v(&b.bic)}", maxlength: "11", size: "12", autocomplete: "off" }
                        }
                        div { class: "field",
                            label { r#for: "d-bank", {l.t("Bank")} }
                            input { id: "d-bank", name: "bank_name", value: "{v(&b.bank_name)}", maxlength: "100" }
                        }
                    }
                    label { r#for: "d-footer", {l.t("Footer")} }
                    input { id: "d-footer", name: "footer", value: "{v(&b.document_footer)}", maxlength: "300" }
                    label { class: "check",
                        input { r#type: "checkbox", name: "attach_pdfs", value: "1", checked: b.attach_pdfs }
                        " " {l.t("Attach the PDF to emails (receipts)")}
                    }
                    button { r#type: "submit", class: "primary", {l.t("Save")} }
                }
            }
        }
    })
}
