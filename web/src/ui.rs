//! The layout every tenant page shares, and small building blocks.

use dioxus::prelude::*;

use crate::data::{load_shell, PageError, ShellData};
use crate::i18n::Locale;
use crate::Route;

/// Sets the page's `<title>` during the server render (the browser keeps it; no script needed).
#[component]
pub fn PageTitle(text: String) -> Element {
    #[cfg(feature = "server")]
    document::document().set_title(text);
    #[cfg(not(feature = "server"))]
    let _ = text;
    rsx! {}
}

/// The signed-in person's shell data, provided by `Shell` to every page below it.
pub fn use_shell() -> ShellData {
    use_context::<ShellData>()
}

pub fn locale() -> Locale {
    use_shell().locale
}

/// Header with the tenant's name, logo and colour, the menu, and the page below it. Signed-out
/// visitors get the sign-in form instead of the page.
#[component]
pub fn Shell(tenant: String) -> Element {
    let t = tenant.clone();
    let shell = use_server_future(move || load_shell(t.clone()))?;
    let data = shell.read().clone();
    match data {
        None => rsx! {},
        Some(Err(e)) => rsx! { ErrorPage { error: e, locale: Locale::En } },
        Some(Ok(s)) if s.profile.is_none() => rsx! {
            ErrorPage { error: PageError::NotFound, locale: s.locale }
        },
        Some(Ok(s)) => rsx! { ShellBody { tenant, shell: s } },
    }
}

#[component]
fn ShellBody(tenant: String, shell: ShellData) -> Element {
    use_context_provider(|| shell.clone());
    let l = shell.locale;
    let profile = shell.profile.clone().unwrap_or_default();
    let Some(viewer) = shell.viewer.clone() else {
        return rsx! {
            crate::pages::SignInBody { tenant, profile, locale: l, sent: false, error: String::new() }
        };
    };
    let brand = safe_color(&profile.brand_color);
    let base = format!("/{tenant}");
    // (path under the portal, label, unread count shown as a badge)
    let menu: &[(&str, &'static str)] = if viewer.is_staff() {
        &[
            ("/", "Dashboard"),
            ("/staff/payments", "Live payments"),
            ("/staff/clients", "Clients"),
            ("/invoices", "Invoices"),
            ("/staff/invitations", "Invitations"),
            ("/messages", "Messages"),
            ("/staff/notifications", "Notifications"),
            ("/settings", "Settings"),
        ]
    } else {
        &[
            ("/", "Dashboard"),
            ("/invoices", "Invoices"),
            ("/payments", "Payments"),
            ("/estimates", "Estimates"),
            ("/credit-notes", "Credit notes"),
            ("/statement", "Statement"),
            ("/projects", "Projects"),
            ("/messages", "Messages"),
            ("/settings", "Settings"),
            ("/help", "Help"),
        ]
    };
    let links: Vec<(String, &'static str, i64)> = menu
        .iter()
        .map(|(path, label)| {
            let badge = match *path {
                "/messages" => viewer.unread_messages,
                "/staff/notifications" => viewer.unread_notifications,
                _ => 0,
            };
            (format!("{base}{path}"), *label, badge)
        })
        .collect();
    let route = use_route::<Route>();
    // The print view of a document: the document alone, no menu.
    if matches!(&route, Route::InvoicePage { q, .. } if q.get("print") == "1") {
        return rsx! {
            div { class: "print-page", style: "--brand: {brand}",
                main { id: "content", Outlet::<Route> {} }
            }
        };
    }
    let here = route.to_string();
    let here_path = here.split('?').next().unwrap_or("").to_owned();
    let who = match &viewer.client {
        Some(c) => format!("{} · {}", viewer.name, c.name),
        None => viewer.name.clone(),
    };
    rsx! {
        div { class: "shell", style: "--brand: {brand}",
            a { class: "skip", href: "#content", {l.t("Skip to content")} }
            header { class: "top",
                a { class: "brand", href: "{base}/",
                    if let Some(logo) = profile.logo.clone() {
                        img { src: "{logo}", alt: "", width: "32", height: "32" }
                    }
                    span { "{profile.name}" }
                }
                span { class: "who", "{who}" }
                form { method: "post", action: "{base}/auth/logout", class: "inline",
                    button { r#type: "submit", class: "link", {l.t("Sign out")} }
                }
            }
            nav { class: "menu", aria_label: l.t("Main menu"),
                ul {
                    for (href, label, badge) in links {
                        li { key: "{href}",
                            a {
                                href: "{href}",
                                "aria-current": if href == here_path || (href.len() > base.len() + 1 && here_path.starts_with(&href)) { "page" } else { "false" },
                                {l.t(label)}
                                if badge > 0 {
                                    span { class: "badge", "{badge}" span { class: "sr", " " {l.t("unread")} } }
                                }
                            }
                        }
                    }
                }
            }
            main { id: "content", tabindex: "-1", Outlet::<Route> {} }
            footer { class: "foot",
                span { "{profile.name}" }
                if let Some(e) = profile.email.clone() { span { " · " a { href: "mailto:{e}", "{e}" } } }
                if let Some(p) = profile.phone.clone() { span { " · {p}" } }
            }
        }
    }
}

/// The tenant's colour as used on the page: only `#rgb`/`#rrggbb` reach the style attribute, and
/// a colour too light for white text (and for links on white) is darkened, keeping its hue, until
/// it has WCAG AA contrast (4.5:1) with white.
pub fn safe_color(c: &str) -> String {
    const FALLBACK: (u8, u8, u8) = (0x1f, 0x4e, 0x79);
    let hex = c.strip_prefix('#').unwrap_or("");
    let ok = matches!(hex.len(), 3 | 6) && hex.chars().all(|ch| ch.is_ascii_hexdigit());
    let full: String = if hex.len() == 3 {
        hex.chars().flat_map(|ch| [ch, ch]).collect()
    } else {
        hex.to_owned()
    };
    let channel =
        |i: usize| u8::from_str_radix(full.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0);
    let (mut r, mut g, mut b) = if ok {
        (channel(0), channel(2), channel(4))
    } else {
        FALLBACK
    };
    while contrast_with_white(r, g, b) < 4.5 {
        let darker = |x: u8| (u16::from(x) * 9 / 10) as u8;
        (r, g, b) = (darker(r), darker(g), darker(b));
    }
    format!("#{r:02x}{g:02x}{b:02x}")
}

fn contrast_with_white(r: u8, g: u8, b: u8) -> f64 {
    let lin = |x: u8| {
        let c = f64::from(x) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    1.05 / (l + 0.05)
}

/// What a page error says (a heading and the API's detail) and answers (its HTTP status, set
/// on the response being rendered).
fn describe(error: &PageError, l: Locale) -> (&'static str, String) {
    #[cfg(feature = "server")]
    crate::server::set_status(match error {
        PageError::NotFound => 404,
        PageError::Forbidden(_) => 403,
        PageError::SignedOut => 401,
        PageError::Failed(_) => 500,
    });
    match error {
        PageError::NotFound => (l.t("Page not found"), String::new()),
        PageError::Forbidden(m) => (l.t("You may not see this page."), m.clone()),
        PageError::SignedOut => (l.t("Sign in"), String::new()),
        PageError::Failed(m) => (l.t("Something went wrong"), m.clone()),
    }
}

/// A whole page for an error (outside the signed-in layout).
#[component]
pub fn ErrorPage(error: PageError, locale: Locale) -> Element {
    let (title, detail) = describe(&error, locale);
    rsx! {
        PageTitle { text: title }
        main { id: "content", class: "landing",
            h1 { "{title}" }
            if !detail.is_empty() { p { class: "error", role: "alert", "{detail}" } }
        }
    }
}

/// The error box a page shows in place of its content.
#[component]
pub fn Problem(error: PageError) -> Element {
    let (title, detail) = describe(&error, locale());
    let text = if detail.is_empty() {
        title.to_owned()
    } else {
        format!("{title}: {detail}")
    };
    rsx! { p { class: "error", role: "alert", "{text}" } }
}

/// Renders a page's loaded data: nothing while pending (the server waits), the problem, or the
/// page built by `$body` from the data bound to `$d`.
macro_rules! loaded {
    ($res:expr, |$d:ident| $body:expr) => {{
        let value = $res.read().clone();
        match value {
            None => rsx! {},
            Some(Err(e)) => rsx! { $crate::ui::Problem { error: e } },
            Some(Ok($d)) => $body,
        }
    }};
}
pub(crate) use loaded;

/// A status word in the interface language.
pub fn status_text(status: &str, l: Locale) -> String {
    let key = status.to_ascii_lowercase();
    match l {
        Locale::El => crate::i18n::greek(&key).map(str::to_owned),
        Locale::En => None,
    }
    .unwrap_or_else(|| key.replace('_', " "))
}

/// A status word as a coloured badge (text, not colour alone, carries the meaning).
#[component]
pub fn Status(status: String) -> Element {
    let l = locale();
    let key = status.to_ascii_lowercase();
    let text = status_text(&key, l);
    rsx! { span { class: "status s-{key}", "{text}" } }
}

/// A notice from a form's redirect (`?done=…` / `?error=…`).
#[component]
pub fn Notice(done: String, error: String) -> Element {
    let l = locale();
    rsx! {
        if !error.is_empty() {
            p { class: "error", role: "alert", "{error}" }
        }
        if !done.is_empty() {
            p { class: "ok", role: "status", {l.t("Done.")} }
        }
    }
}

/// The error a form action sent back (`?error=…&sig=…`), shown only when the server signed it;
/// anything else reads as a generic failure. Decided on the server, carried to the browser.
pub fn use_flash_error(q: &crate::Qs) -> String {
    let (message, sig) = (q.get("error"), q.get("sig"));
    let l = locale();
    let verified = use_server_cached(move || {
        #[cfg(feature = "server")]
        {
            if message.is_empty() {
                None
            } else if crate::server::verify(&message, &sig) {
                Some(message.clone())
            } else {
                Some(String::new())
            }
        }
        #[cfg(not(feature = "server"))]
        {
            let _ = (&message, &sig);
            None::<String>
        }
    });
    match verified {
        None => String::new(),
        Some(m) if m.is_empty() => l.t("Something went wrong").to_owned(),
        Some(m) => m,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brand_colours_keep_aa_contrast_with_white() {
        assert_eq!(safe_color("#1f4e79"), "#1f4e79");
        assert_eq!(safe_color("#FFF"), safe_color("#ffffff"));
        for c in ["#ffcc00", "#fff", "#7fffd4", "#c2410c"] {
            let s = safe_color(c);
            let v = |i: usize| u8::from_str_radix(&s[i..i + 2], 16).expect("hex");
            assert!(contrast_with_white(v(1), v(3), v(5)) >= 4.5, "{c} → {s}");
        }
        assert_eq!(safe_color("red; background: url(x)"), "#1f4e79");
        assert_eq!(safe_color(""), "#1f4e79");
    }
}
