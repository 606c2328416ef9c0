//! The client portal as the business sets it up (owner and admin): its name and brand colour
//! with a live preview and contrast check, the sections clients see, and the help articles.

use super::*;
use crate::data::PageError;
use crate::flash::Flash;
use crate::ui::use_shell;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Branding {
    name: String,
    brand_color: String,
    client_sections: Vec<String>,
    languages: Vec<String>,
    portal_url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Article {
    id: String,
    locale: String,
    title: String,
    body: String,
    position: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PortalData {
    business_settings: Branding,
    help_articles: Vec<Article>,
}

/// The sections, as the API names them, with their labels.
const SECTIONS: [(&str, &str); 7] = [
    ("INVOICES", "Invoices"),
    ("ESTIMATES", "Estimates"),
    ("CREDIT_NOTES", "Credit notes"),
    ("STATEMENTS", "Statement"),
    ("PROJECTS", "Projects"),
    ("MESSAGES", "Messages"),
    ("HELP", "Help"),
];

/// The portal's languages, each named in itself.
const LANGUAGES: [(&str, &str); 2] = [("en", "English"), ("el", "Ελληνικά")];

/// The contrast of white text on `color` (`#rrggbb`), as WCAG 2 defines it; the API refuses
/// colours under 4.5:1, this only says so while the colour is chosen.
pub fn contrast_with_white(color: &str) -> Option<f64> {
    let hex = color.strip_prefix('#').filter(|h| h.len() == 6)?;
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()?) / 255.0;
        Some(if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        })
    };
    let lum = 0.2126 * channel(0)? + 0.7152 * channel(2)? + 0.0722 * channel(4)?;
    Some(1.05 / (lum + 0.05))
}

#[component]
pub fn StaffPortal(tenant: String, q: Qs) -> Element {
    let flash = crate::ui::use_flash(&q);
    let res = use_query::<PortalData>(
        &tenant,
        "{ businessSettings { name brandColor clientSections languages portalUrl } helpArticles { id locale title body position } }",
        json!({}),
    )?;
    let l = locale();
    let editing = q.get("edit");
    loaded!(res, |d| {
        let b = d.business_settings.clone();
        let article = d.help_articles.iter().find(|a| a.id == editing).cloned();
        if !editing.is_empty() && article.is_none() {
            return rsx! { Problem { error: PageError::NotFound } };
        }
        rsx! {
            PageTitle { text: l.t("Client portal") }
            h1 { {l.t("Client portal")} }
            Notice { flash: flash.clone() }
            BrandingPanel { tenant: tenant.clone(), name: b.name.clone(), color: b.brand_color.clone() }
            super::PaymentsPanel { tenant: tenant.clone() }
            section { class: "panel", id: "sections",
                h2 { {l.t("Sections clients see")} }
                p { class: "muted", {l.t("A section turned off disappears from your clients' menu; its pages and downloads are refused to them. You keep seeing everything.")} }
                form { method: "post", action: "/{tenant}/forms/sections", class: "stack",
                    fieldset { class: "cols",
                        legend { {l.t("Sections")} }
                        for (key, label) in SECTIONS {
                            label { key: "{key}", class: "check",
                                input { r#type: "checkbox", name: "section", value: "{key}", checked: b.client_sections.iter().any(|s| s == key) }
                                " " {l.t(label)}
                            }
                        }
                    }
                    button { r#type: "submit", class: "primary", {l.t("Save")} }
                }
            }
            section { class: "panel", id: "languages",
                h2 { {l.t("Address and languages")} }
                p { {l.t("Your clients' portal:")} " " a { href: "{b.portal_url}/", "{b.portal_url}/" } }
                form { method: "post", action: "/{tenant}/forms/languages", class: "stack",
                    fieldset { class: "cols",
                        legend { {l.t("Languages offered")} }
                        for (code, name) in LANGUAGES {
                            label { key: "{code}", class: "check",
                                input { r#type: "checkbox", name: "language", value: "{code}", checked: b.languages.iter().any(|c| c == code) }
                                " " "{name}"
                            }
                        }
                    }
                    label { r#for: "l-default", {l.t("Default language")} }
                    select { id: "l-default", name: "default_language",
                        for (code, name) in LANGUAGES {
                            option { key: "{code}", value: "{code}", selected: b.languages.first().is_some_and(|c| c == code), "{name}" }
                        }
                    }
                    button { r#type: "submit", class: "primary", {l.t("Save")} }
                }
            }
            HelpPanel { tenant: tenant.clone(), articles: d.help_articles.clone(), editing: article, flash: Flash::default() }
        }
    })
}

#[component]
fn BrandingPanel(tenant: String, name: String, color: String) -> Element {
    let l = locale();
    let logo = use_shell().profile.and_then(|p| p.logo);
    let mut chosen = use_signal(|| color.clone());
    let ratio = contrast_with_white(&chosen());
    let readable = ratio.is_some_and(|r| r >= 4.5);
    let shown = if ratio.is_some() {
        chosen()
    } else {
        color.clone()
    };
    rsx! {
        section { class: "panel", id: "branding",
            h2 { {l.t("Name and colour")} }
            form { method: "post", action: "/{tenant}/forms/branding", class: "stack",
                label { r#for: "b-name", {l.t("Business name")} }
                input { id: "b-name", name: "name", value: "{name}", maxlength: "100", required: true }
                label { r#for: "b-color", {l.t("Brand colour")} }
                div { class: "inline-form",
                    input { id: "b-color", name: "brand_color", r#type: "color", value: "{chosen}",
                        "aria-describedby": "b-contrast",
                        oninput: move |e: Event<FormData>| chosen.set(e.value()),
                    }
                    span { id: "b-contrast", class: if readable { "ok" } else { "error" },
                        if let Some(r) = ratio {
                            {l.t("Contrast with white text:")} " "
                            {format!("{r:.1}:1").replace('.', if l == crate::i18n::Locale::El { "," } else { "." })}
                            " — "
                            if readable { {l.t("readable")} } else { {l.t("too light: choose a darker colour")} }
                        }
                    }
                }
                // What clients will see: the top bar, a link and a button in this colour.
                div { class: "brand-preview", "aria-hidden": "true", style: "--brand: {shown}",
                    div { class: "top",
                        span { class: "brand",
                            if let Some(src) = logo.clone() { img { src: "{src}", alt: "", width: "32", height: "32" } }
                            "{name}"
                        }
                    }
                    p { span { class: "like-link", {l.t("Invoices")} } " · " span { class: "button primary", {l.t("Pay now")} } }
                }
                button { r#type: "submit", class: "primary", {l.t("Save")} }
            }
            h3 { {l.t("Logo")} }
            p { class: "muted", {l.t("PNG, JPEG or SVG, at most 512 KiB; square logos look best. An SVG keeps only what draws.")} }
            form { method: "post", action: "/{tenant}/forms/logo", enctype: "multipart/form-data", class: "inline-form",
                label { r#for: "b-logo", class: "sr", {l.t("Logo file")} }
                input { id: "b-logo", name: "logo", r#type: "file", accept: "image/png,image/jpeg,image/svg+xml", required: true }
                button { r#type: "submit", {l.t("Upload logo")} }
            }
            if logo.is_some() {
                form { method: "post", action: "/{tenant}/forms/logo/remove", class: "inline-form",
                    button { r#type: "submit", class: "link action", {l.t("Remove the logo")} }
                }
            }
        }
    }
}

#[component]
fn HelpPanel(
    tenant: String,
    articles: Vec<Article>,
    editing: Option<Article>,
    flash: Flash,
) -> Element {
    let l = locale();
    let _ = flash;
    let cur = editing.clone();
    let id = cur.as_ref().map(|a| a.id.clone()).unwrap_or_default();
    rsx! {
        section { class: "panel", id: "help",
            h2 { {l.t("Help articles")} }
            p { class: "muted", {l.t("Your clients read them under Help, in their language. Write them in Markdown: **bold**, *italic*, lists with -, links as [text](https://…).")} }
            if articles.is_empty() {
                p { class: "empty", {l.t("No help articles yet.")} }
            } else {
                table { class: "list",
                    thead { tr {
                        th { scope: "col", {l.t("Title")} }
                        th { scope: "col", {l.t("Language")} }
                        th { scope: "col", class: "num", {l.t("Order")} }
                        th { scope: "col", span { class: "sr", {l.t("Actions")} } }
                    } }
                    tbody {
                        for art in articles.iter() {
                            tr { key: "{art.id}",
                                td { "data-label": l.t("Title"), "{art.title}" }
                                td { "data-label": l.t("Language"), if art.locale == "el" { "Ελληνικά" } else { "English" } }
                                td { class: "num", "data-label": l.t("Order"), "{art.position}" }
                                td {
                                    a { class: "link action", href: "/{tenant}/staff/portal?edit={art.id}#help-form", {l.t("Edit")} }
                                    form { method: "post", action: "/{tenant}/forms/help/{art.id}/delete", class: "inline",
                                        button { r#type: "submit", class: "link action", "aria-label": format!("{} {}", l.t("Delete"), art.title), {l.t("Delete")} }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h3 { id: "help-form", if cur.is_some() { {l.t("Edit the article")} } else { {l.t("New article")} } }
            form { method: "post", action: "/{tenant}/forms/help/save", class: "stack",
                input { r#type: "hidden", name: "id", value: "{id}" }
                div { class: "field-row",
                    div { class: "field",
                        label { r#for: "h-locale", {l.t("Language")} }
                        select { id: "h-locale", name: "locale",
                            option { value: "en", selected: cur.as_ref().is_none_or(|a| a.locale == "en"), "English" }
                            option { value: "el", selected: cur.as_ref().is_some_and(|a| a.locale == "el"), "Ελληνικά" }
                        }
                    }
                    div { class: "field",
                        label { r#for: "h-position", {l.t("Order")} }
                        input { id: "h-position", name: "position", r#type: "number", min: "0", max: "10000", value: cur.as_ref().map(|a| a.position).unwrap_or(0).to_string() }
                    }
                }
                label { r#for: "h-title", {l.t("Title")} }
                input { id: "h-title", name: "title", maxlength: "200", required: true, value: cur.as_ref().map(|a| a.title.clone()).unwrap_or_default() }
                label { r#for: "h-body", {l.t("Text")} }
                textarea { id: "h-body", name: "body", rows: "8", maxlength: "20000", required: true,
                    dangerous_inner_html: crate::ui::textarea_html(cur.as_ref().map(|a| a.body.as_str()).unwrap_or_default()) }
                div { class: "inline-form",
                    button { r#type: "submit", class: "primary", if cur.is_some() { {l.t("Save")} } else { {l.t("Add article")} } }
                    if cur.is_some() { a { href: "/{tenant}/staff/portal#help", {l.t("Cancel")} } }
                }
            }
        }
    }
}
