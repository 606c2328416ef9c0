//! The sign-in page.

use super::*;

#[component]
pub fn SignIn(tenant: String, q: Qs) -> Element {
    let t = tenant.clone();
    let shell = use_server_future(move || crate::data::load_shell(t.clone()))?;
    let data = shell.read().clone();
    match data {
        Some(Ok(s)) => match s.profile {
            Some(profile) => rsx! {
                SignInBody {
                    tenant,
                    profile,
                    locale: s.locale,
                    sent: q.get("sent") == "1",
                    error: q.get("error"),
                    next: q.get("next"),
                }
            },
            None => rsx! { crate::ui::ErrorPage { error: PageError::NotFound, locale: s.locale } },
        },
        Some(Err(e)) => rsx! { crate::ui::ErrorPage { error: e, locale: Locale::En } },
        None => rsx! {},
    }
}

/// The sign-in form: a magic link by email (works without JavaScript) or a passkey.
#[component]
pub fn SignInBody(
    tenant: String,
    profile: Profile,
    locale: Locale,
    sent: bool,
    error: String,
    /// The page to return to after signing in (the server accepts only this portal's pages).
    #[props(default)]
    next: String,
) -> Element {
    let l = locale;
    let again = if next.is_empty() {
        format!("/{tenant}/sign-in")
    } else {
        format!("/{tenant}/sign-in?next={}", crate::encode(&next))
    };
    let brand = crate::ui::safe_color(&profile.brand_color);
    let title = format!("{} {}", l.t("Sign in to"), profile.name);
    #[allow(unused_mut)]
    let mut passkey_error = use_signal(String::new);
    let t2 = tenant.clone();
    rsx! {
        PageTitle { text: title.clone() }
        main { id: "content", class: "signin", style: "--brand: {brand}",
            div { class: "card",
                if let Some(logo) = profile.logo.clone() {
                    img { src: "{logo}", alt: "", width: "48", height: "48" }
                }
                if sent {
                    h1 { {l.t("Check your inbox")} }
                    div { class: "sent", role: "status", id: "link-sent",
                        p { {l.t("If the address belongs to this portal, a sign-in link is on its way. Open it on this device: it works once, for 10 minutes.")} }
                        p { class: "muted", {l.t("Nothing after a few minutes? Look in your spam folder, or ask again.")} }
                    }
                    a { class: "button", href: "{again}", {l.t("Use another address")} }
                } else {
                    h1 { "{title}" }
                    if let Some(message) = sign_in_error(&error, l) {
                        p { class: "error", role: "alert", "{message}" }
                    }
                    p { {l.t("We email you a sign-in link. It works once, for 10 minutes.")} }
                    form { method: "post", action: "/{tenant}/auth/magic-link", class: "stack",
                        if !next.is_empty() { input { r#type: "hidden", name: "next", value: "{next}" } }
                        label { r#for: "email", {l.t("Email")} }
                        input { id: "email", name: "email", r#type: "email", required: true, autocomplete: "username webauthn" }
                        button { r#type: "submit", class: "primary", {l.t("Email me a sign-in link")} }
                    }
                    hr {}
                    button {
                        id: "passkey-login",
                        r#type: "button",
                        onclick: move |_| {
                            #[cfg(feature = "web")]
                            {
                                let t = t2.clone();
                                spawn(async move {
                                    if let Err(e) = crate::live::passkey_login(&t).await {
                                        passkey_error.set(e);
                                    }
                                });
                            }
                            #[cfg(not(feature = "web"))]
                            let _ = &t2;
                        },
                        {l.t("Sign in with a passkey")}
                    }
                    noscript { p { class: "muted", {l.t("Passkeys need JavaScript.")} } }
                    if !passkey_error.read().is_empty() {
                        p { class: "error", role: "alert", "{passkey_error}" }
                    }
                }
            }
        }
    }
}

/// The sign-in endpoint's known refusals, in the page's language; any other `?error=` text reads
/// as a generic failure (a link cannot put its own words on the page).
pub(crate) fn sign_in_error(error: &str, l: Locale) -> Option<&'static str> {
    if error.is_empty() {
        return None;
    }
    Some(match error {
        "That is not an email address." => l.t("That is not an email address."),
        "Enter your email address." => l.t("Enter your email address."),
        "Sign-in is unavailable, try again shortly." => {
            l.t("Sign-in is unavailable, try again shortly.")
        }
        e if e.starts_with("Too many sign-in requests") => {
            l.t("Too many sign-in requests. Wait 15 minutes, then ask for a new link.")
        }
        _ => l.t("Sign-in failed. Try again."),
    })
}
