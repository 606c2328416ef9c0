//! Help: whom to contact, and the business's help articles in the reader's language.

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Article {
    id: String,
    title: String,
    /// Safe HTML rendered by the API from the article's Markdown.
    html: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct HelpData {
    help_articles: Vec<Article>,
}

#[component]
pub fn Help(tenant: String) -> Element {
    let shell = use_shell();
    let l = shell.locale;
    let p = shell.profile.unwrap_or_default();
    // Staff read the articles in the language the portal speaks to them.
    let res = use_query::<HelpData>(
        &tenant,
        "query($l: String) { helpArticles(locale: $l) { id title html } }",
        json!({ "l": if shell.viewer.as_ref().is_some_and(|v| v.is_staff()) { json!(l.code()) } else { serde_json::Value::Null } }),
    )?;
    loaded!(res, |d| rsx! {
        PageTitle { text: l.t("Help") }
        h1 { {l.t("Help")} }
        section { class: "panel",
            h2 { {l.t("Contact")} }
            p { class: "company", "{p.name}" }
            dl { class: "meta",
                if let Some(e) = p.email.clone() { dt { {l.t("Email")} } dd { a { href: "mailto:{e}", "{e}" } } }
                if let Some(ph) = p.phone.clone() { dt { {l.t("Phone")} } dd { a { href: "tel:{ph}", "{ph}" } } }
                if let Some(a) = p.address.clone() { dt { {l.t("Address")} } dd { class: "pre", "{a}" } }
            }
        }
        section { class: "panel help-articles",
            h2 { {l.t("Frequently asked questions")} }
            if d.help_articles.is_empty() {
                p { class: "empty", {l.t("No help articles yet: write to us or call, we are glad to help.")} }
            }
            for a in d.help_articles.iter() {
                details { key: "{a.id}",
                    summary { "{a.title}" }
                    div { class: "article", dangerous_inner_html: "{a.html}" }
                }
            }
        }
    })
}
