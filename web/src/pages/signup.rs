//! Public sign-up (only when the deployment allows it): the form, the "check your email" notice,
//! and the page the emailed link opens, whose button creates the business and signs its owner in.

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Open {
    public_signup: bool,
}

/// Currencies offered first; any ISO 4217 code is accepted.
const CURRENCIES: [&str; 6] = ["EUR", "USD", "GBP", "CHF", "SEK", "PLN"];

fn problem(code: &str, l: Locale) -> Option<(&'static str, &'static str)> {
    let (field, text) = match code {
        "business" => (
            "business",
            "Enter your business's name (up to 100 characters).",
        ),
        "slug" => (
            "slug",
            "The address is 2 to 40 lower-case letters, digits or hyphens, such as acme-builders.",
        ),
        "slug_taken" => ("slug", "That address is taken; choose another."),
        "name" => ("name", "Enter your name."),
        "email" => ("email", "Enter a valid email address."),
        "currency" => ("currency", "Choose a currency such as EUR."),
        "too_many" => (
            "",
            "Too many sign-ups for this address just now; try again in an hour.",
        ),
        "mail" => (
            "",
            "The email could not be sent just now; try again shortly.",
        ),
        "used" => (
            "",
            "This link has expired or was already used. Sign up again.",
        ),
        _ => return None,
    };
    Some((field, l.t(text)))
}

/// The page frame of the deployment's own pages: Portico's name, a card.
#[component]
fn Card(title: String, children: Element) -> Element {
    rsx! {
        PageTitle { text: format!("{title} · Portico") }
        main { id: "content", class: "signin",
            div { class: "card",
                div { class: "card-brand", span { "Portico" } }
                h1 { "{title}" }
                {children}
            }
        }
    }
}

#[component]
pub fn SignUp(q: Qs) -> Element {
    let res = use_query::<Open>("", "{ publicSignup }", json!({}))?;
    let l = crate::data::request_locale();
    let open = matches!(res.read().as_ref(), Some(Ok(o)) if o.public_signup);
    if !open {
        #[cfg(feature = "server")]
        crate::server::not_found();
        return rsx! {
            Card { title: l.t("Page not found").to_owned(),
                p { {l.t("This server does not take sign-ups. Ask its operator for a portal.")} }
            }
        };
    }
    let sent = q.get("sent");
    if !sent.is_empty() {
        return rsx! {
            Card { title: l.t("Check your email").to_owned(),
                p { {l.t("We sent a link to {}. Open it to confirm your address and your portal opens; it works once, for 24 hours.").replace("{}", &sent)} }
                p { class: "muted", {l.t("Nothing arrived? Look in spam, or sign up again in a few minutes.")} }
            }
        };
    }
    let error = problem(&q.get("error"), l);
    let bad = |name: &str| error.is_some_and(|(f, _)| f == name);
    let typed = |name: &str| q.get(name);
    let currency = Some(typed("currency"))
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "EUR".into());
    rsx! {
        Card { title: l.t("Open your client portal").to_owned(),
            p { class: "muted", {l.t("Your clients see and pay what they owe; you run your receivables. Confirm your email and it opens.")} }
            // A problem with one field is said beside it; others (mail, limits) here.
            if let Some((field, text)) = error {
                p { class: if field.is_empty() { "error" } else { "error sr" }, role: "alert", id: "signup-error", "{text}" }
            }
            form { method: "post", action: "/signup", class: "stack",
                input { r#type: "hidden", name: "lang", value: "{l.code()}" }
                label { r#for: "su-business", {l.t("Business name")} }
                input { id: "su-business", name: "business", required: true, maxlength: "100", autocomplete: "organization", value: "{typed(\"business\")}", "aria-invalid": bad("business").then_some("true") }
                if bad("business") { small { class: "field-error", id: "su-business-error", {error.map(|(_, t)| t).unwrap_or_default()} } }
                label { r#for: "su-slug", {l.t("Portal address")} }
                input { id: "su-slug", name: "slug", required: true, maxlength: "40", pattern: "[a-z0-9-]{{2,40}}", autocapitalize: "none", spellcheck: "false", "aria-describedby": "su-slug-help", value: "{typed(\"slug\")}", "aria-invalid": bad("slug").then_some("true") }
                if bad("slug") { small { class: "field-error", id: "su-slug-error", {error.map(|(_, t)| t).unwrap_or_default()} } }
                p { id: "su-slug-help", class: "muted", {l.t("Lower-case letters, digits and hyphens: your portal is at /your-address/.")} }
                label { r#for: "su-name", {l.t("Your name")} }
                input { id: "su-name", name: "name", required: true, maxlength: "100", autocomplete: "name", value: "{typed(\"name\")}", "aria-invalid": bad("name").then_some("true") }
                if bad("name") { small { class: "field-error", id: "su-name-error", {error.map(|(_, t)| t).unwrap_or_default()} } }
                label { r#for: "su-email", {l.t("Email")} }
                input { id: "su-email", name: "email", r#type: "email", required: true, autocomplete: "email", value: "{typed(\"email\")}", "aria-invalid": bad("email").then_some("true") }
                if bad("email") { small { class: "field-error", id: "su-email-error", {error.map(|(_, t)| t).unwrap_or_default()} } }
                label { r#for: "su-currency", {l.t("Currency")} }
                select { id: "su-currency", name: "currency", "aria-invalid": bad("currency").then_some("true"),
                    for c in CURRENCIES {
                        option { key: "{c}", value: "{c}", selected: currency == c, "{c}" }
                    }
                    if !CURRENCIES.contains(&currency.as_str()) {
                        option { value: "{currency}", selected: true, "{currency}" }
                    }
                }
                button { r#type: "submit", class: "primary", id: "signup", {l.t("Email me a link")} }
            }
        }
    }
}

#[component]
pub fn SignUpVerify(q: Qs) -> Element {
    let res = use_query::<Open>("", "{ publicSignup }", json!({}))?;
    let l = crate::data::request_locale();
    if !matches!(res.read().as_ref(), Some(Ok(o)) if o.public_signup) {
        #[cfg(feature = "server")]
        crate::server::not_found();
        return rsx! {
            Card { title: l.t("Page not found").to_owned(), p { {l.t("This server does not take sign-ups. Ask its operator for a portal.")} } }
        };
    }
    if let Some((_, text)) = problem(&q.get("error"), l) {
        #[cfg(feature = "server")]
        crate::server::set_status(400);
        return rsx! {
            Card { title: l.t("This link cannot be used").to_owned(),
                p { "{text}" }
                a { class: "button primary", href: "/signup", {l.t("Sign up")} }
            }
        };
    }
    let token = q.get("token");
    rsx! {
        Card { title: l.t("Open your client portal").to_owned(),
            p { {l.t("Press the button to confirm your email: your portal is created and you are signed in.")} }
            form { method: "post", action: "/signup/verify", class: "stack",
                input { r#type: "hidden", name: "token", value: "{token}" }
                button { r#type: "submit", class: "primary", id: "confirm-signup", {l.t("Confirm and open the portal")} }
            }
        }
    }
}
