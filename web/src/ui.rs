//! The layout every tenant page shares, and small building blocks.

use dioxus::prelude::*;

use crate::data::{load_shell, PageError, ShellData};
use crate::i18n::Locale;
use crate::Route;

pub use crate::flash::{use_flash, Flash, Notice};

/// Sets the page's `<title>` during the server render (the browser keeps it; no script needed):
/// the page, then the business ("Invoices · Acme Design Studio").
#[component]
pub fn PageTitle(text: String) -> Element {
    let business = try_use_context::<ShellData>()
        .and_then(|s| s.profile)
        .map(|p| p.name)
        .filter(|name| !name.is_empty() && !text.contains(name.as_str()));
    let title = match business {
        Some(name) => format!("{text} · {name}"),
        None => text,
    };
    #[cfg(feature = "server")]
    document::document().set_title(title);
    #[cfg(not(feature = "server"))]
    let _ = title;
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
    let route = use_route::<Route>();
    // Unread counts for the menu's badges: from the server render, then live (`viewerCounts`).
    let signed_in = shell.viewer.is_some();
    #[allow(unused_mut)]
    let mut counts = use_signal(|| {
        shell
            .viewer
            .as_ref()
            .map(|v| (v.unread_messages, v.unread_notifications))
            .unwrap_or((0, 0))
    });
    #[cfg(feature = "web")]
    use_effect(move || {
        if !signed_in {
            return;
        }
        spawn(async move {
            use futures_util::StreamExt;
            let mut events = crate::live::subscribe(
                "subscription { viewerCounts { unreadMessages unreadNotifications } }",
                serde_json::json!({}),
            );
            while let Some(event) = events.next().await {
                let c = &event["viewerCounts"];
                if let (Some(m), Some(n)) = (
                    c["unreadMessages"].as_i64(),
                    c["unreadNotifications"].as_i64(),
                ) {
                    counts.set((m, n));
                }
            }
        });
    });
    #[cfg(not(feature = "web"))]
    let _ = signed_in;
    let (unread_messages, unread_notifications) = counts();
    let Some(viewer) = shell.viewer.clone() else {
        // Signed out on one of the portal's pages: sign in, then come back to it.
        let next = match &route {
            Route::Home { .. } => String::new(),
            Route::TenantNotFound { .. } => {
                return rsx! { ErrorPage { error: PageError::NotFound, locale: l } };
            }
            r => r.to_string().trim_end_matches('?').to_owned(),
        };
        return rsx! {
            crate::pages::SignInBody { tenant, profile, locale: l, sent: false, error: String::new(), next }
        };
    };
    let brand = safe_color(&profile.brand_color);
    let base = format!("/{tenant}");
    // (path under the portal, label, unread count shown as a badge)
    // (path, label, the client section it belongs to): staff see every page their role may use;
    // clients the sections their business shows them.
    let menu: &[(&str, &'static str, &str)] = if viewer.is_staff() {
        &[
            ("/", "Dashboard", ""),
            ("/staff/payments", "Live payments", ""),
            ("/staff/clients", "Clients", ""),
            ("/invoices", "Invoices", ""),
            ("/payments", "Payments", ""),
            ("/estimates", "Estimates", ""),
            ("/credit-notes", "Credit notes", ""),
            ("/staff/invitations", "Invitations", ""),
            ("/messages", "Messages", ""),
            ("/staff/notifications", "Notifications", ""),
            ("/staff/portal", "Client portal", "admin"),
            ("/staff/webhooks", "Webhooks", "admin"),
            ("/settings", "Settings", ""),
        ]
    } else {
        &[
            ("/", "Dashboard", ""),
            ("/invoices", "Invoices", "INVOICES"),
            ("/payments", "Payments", ""),
            ("/estimates", "Estimates", "ESTIMATES"),
            ("/credit-notes", "Credit notes", "CREDIT_NOTES"),
            ("/statement", "Statement", "STATEMENTS"),
            ("/projects", "Projects", "PROJECTS"),
            ("/messages", "Messages", "MESSAGES"),
            ("/settings", "Settings", ""),
            ("/help", "Help", "HELP"),
        ]
    };
    let allowed = |gate: &str| match gate {
        "" => true,
        "admin" => viewer.is_admin(),
        section => profile.client_sections.iter().any(|s| s == section),
    };
    let links: Vec<(String, &'static str, i64)> = menu
        .iter()
        .filter(|(_, _, gate)| allowed(gate))
        .map(|(path, label, _)| (path, label))
        .map(|(path, label)| {
            let badge = match *path {
                "/messages" => unread_messages,
                "/staff/notifications" => unread_notifications,
                _ => 0,
            };
            (format!("{base}{path}"), *label, badge)
        })
        .collect();
    // The print view of a document: the document alone, no menu.
    if matches!(&route, Route::InvoicePage { q, .. } if q.get("print") == "1") {
        return rsx! {
            div { class: "print-page", lang: "{l.code()}", style: "--brand: {brand}",
                main { id: "content", Outlet::<Route> {} }
            }
        };
    }
    // Staff pages do not exist for client contacts (not "forbidden": nothing to find there).
    let staff_only = matches!(
        route,
        Route::StaffPayments { .. }
            | Route::StaffClients { .. }
            | Route::StaffInvitations { .. }
            | Route::StaffNotifications { .. }
            | Route::StaffInvoiceNew { .. }
            | Route::StaffInvoiceEdit { .. }
            | Route::StaffPortal { .. }
            | Route::StaffClient { .. }
    );
    // Pages for the owner and admins only are not there for members either.
    let admin_only = matches!(route, Route::StaffPortal { .. });
    let hidden = (staff_only && !viewer.is_staff()) || (admin_only && !viewer.is_admin());
    let here = route.to_string();
    let here_path = here.split('?').next().unwrap_or("").to_owned();
    let is_current = |href: &str| {
        href == here_path || (href.len() > base.len() + 1 && here_path.starts_with(href))
    };
    let unread: i64 = links.iter().map(|(_, _, b)| b).sum();
    let who = match &viewer.client {
        Some(c) => format!("{} · {}", viewer.name, c.name),
        None => viewer.name.clone(),
    };
    rsx! {
        div { class: "shell", lang: "{l.code()}", style: "--brand: {brand}",
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
            // Phones: one "Menu" button that opens every page (no sideways scrolling to find
            // one); it names the current page and the unread count.
            details { class: "phone-menu",
                summary {
                    span { {l.t("Menu")} }
                    if let Some((_, label, _)) = links.iter().find(|(href, _, _)| is_current(href)) {
                        span { class: "current", " · " {l.t(label)} }
                    }
                    if unread > 0 {
                        span { class: "badge", "{unread}" span { class: "sr", " " {l.t("unread")} } }
                    }
                    span { class: "chev", "aria-hidden": "true", "▾" }
                }
                nav { aria_label: l.t("Main menu"),
                    ul {
                        for (href, label, badge) in links.iter().cloned() {
                            li { key: "{href}",
                                a {
                                    href: "{href}",
                                    "aria-current": if is_current(&href) { "page" } else { "false" },
                                    {l.t(label)}
                                    if badge > 0 {
                                        span { class: "badge", "{badge}" span { class: "sr", " " {l.t("unread")} } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            nav { class: "menu", aria_label: l.t("Main menu"),
                ul {
                    for (href, label, badge) in links {
                        li { key: "{href}",
                            a {
                                href: "{href}",
                                "aria-current": if is_current(&href) { "page" } else { "false" },
                                {l.t(label)}
                                if badge > 0 {
                                    span { class: "badge", "{badge}" span { class: "sr", " " {l.t("unread")} } }
                                }
                            }
                        }
                    }
                }
            }
            main { id: "content", tabindex: "-1",
                if hidden { Problem { error: PageError::NotFound } } else { Outlet::<Route> {} }
            }
            footer { class: "foot",
                span { "{profile.name}" }
                if let Some(e) = profile.email.clone() { span { " · " a { href: "mailto:{e}", "{e}" } } }
                if let Some(p) = profile.phone.clone() { span { " · {p}" } }
                if !profile.time_zone.is_empty() && profile.time_zone != "UTC" {
                    span { class: "zone", " · " {l.t("Times are in")} " " {zone_place(&profile.time_zone)} " " {l.t("time")} }
                }
            }
        }
    }
}

/// An instant as the business's local time ("22 Nov 2026, 16:05"), from the offsets of its time
/// zone that the page's shell carries; UTC, said as such, where there are none.
pub fn when(ms: i64, l: Locale) -> String {
    let offsets = try_consume_context::<ShellData>()
        .and_then(|s| s.profile)
        .map(|p| p.utc_offsets)
        .unwrap_or_default();
    crate::fmt::instant_local(ms, &offsets, l)
}

/// The business's time zone as a place people name ("Europe/New_York" → "New York").
pub fn zone_place(name: &str) -> String {
    name.rsplit('/').next().unwrap_or(name).replace('_', " ")
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
fn describe(error: &PageError, l: Locale, missing: &str) -> (String, String) {
    #[cfg(feature = "server")]
    crate::server::set_status(match error {
        PageError::NotFound => 404,
        PageError::Forbidden(_) => 403,
        PageError::Invalid(_) => 400,
        PageError::SignedOut => 401,
        PageError::Failed(_) => 500,
    });
    match error {
        PageError::NotFound if !missing.is_empty() => (missing.to_owned(), String::new()),
        PageError::NotFound => (l.t("Page not found").to_owned(), String::new()),
        PageError::Forbidden(m) => (
            l.t("You may not see this page.").to_owned(),
            crate::i18n::message(m, l),
        ),
        PageError::SignedOut => (l.t("Sign in").to_owned(), String::new()),
        PageError::Invalid(m) => (crate::i18n::message(m, l), String::new()),
        PageError::Failed(m) => (
            l.t("Something went wrong").to_owned(),
            crate::i18n::message(m, l),
        ),
    }
}

/// A public page's business and language (pages links open, before anyone signs in), or the
/// page to show instead: nothing while loading, a 404 for an unknown portal, the error.
pub fn public_shell(
    loaded: Option<crate::data::Loaded<ShellData>>,
) -> Result<(crate::data::Profile, Locale), Element> {
    match loaded {
        Some(Ok(s)) => match s.profile {
            Some(p) => Ok((p, s.locale)),
            None => Err(rsx! { ErrorPage { error: PageError::NotFound, locale: s.locale } }),
        },
        Some(Err(e)) => Err(rsx! { ErrorPage { error: e, locale: Locale::En } }),
        None => Err(rsx! {}),
    }
}

/// A whole page for an error (outside the signed-in layout).
#[component]
pub fn ErrorPage(error: PageError, locale: Locale) -> Element {
    let (title, detail) = describe(&error, locale, "");
    rsx! {
        PageTitle { text: title.clone() }
        main { id: "content", class: "landing",
            h1 { "{title}" }
            if !detail.is_empty() { p { class: "error", role: "alert", "{detail}" } }
        }
    }
}

/// What a page shows in place of its content when it has none: a "not found" heading that names
/// what is missing (`missing`, e.g. "Invoice not found") with a way back, or the error's box.
#[component]
pub fn Problem(error: PageError, #[props(default)] missing: String) -> Element {
    let l = locale();
    let (title, detail) = describe(&error, l, &missing);
    if error == PageError::NotFound {
        let home = use_shell()
            .profile
            .map(|p| format!("/{}/", p.slug))
            .unwrap_or_else(|| "/".into());
        return rsx! {
            PageTitle { text: title.clone() }
            section { class: "empty", id: "not-found",
                h1 { "{title}" }
                p { class: "muted", {l.t("The address may be incomplete, or what it named is no longer there.")} }
                a { class: "button", href: "{home}", {l.t("Go to the dashboard")} }
            }
        };
    }
    let text = if detail.is_empty() {
        title
    } else {
        format!("{title}: {detail}")
    };
    rsx! { p { class: "error", role: "alert", "{text}" } }
}

/// Renders a page's loaded data: nothing while pending (the server waits), the problem (naming
/// what is missing when given), or the page built by `$body` from the data bound to `$d`.
macro_rules! loaded {
    ($res:expr, |$d:ident| $body:expr) => {
        $crate::ui::loaded!($res, missing: String::new(), |$d| $body)
    };
    ($res:expr, missing: $missing:expr, |$d:ident| $body:expr) => {{
        let value = $res.read().clone();
        match value {
            None => rsx! {},
            Some(Err(e)) => rsx! { $crate::ui::Problem { error: e, missing: $missing } },
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

/// A way of paying (`CARD`, `BANK_TRANSFER`, …) in the interface language.
pub fn method_text(method: &str, l: Locale) -> &'static str {
    match method.to_ascii_uppercase().as_str() {
        "CARD" => l.t("Card"),
        "BANK_TRANSFER" => l.t("Bank transfer"),
        "CASH" => l.t("Cash"),
        "CHEQUE" => l.t("Cheque"),
        "CRYPTO" => l.t("Cryptocurrency"),
        "DIRECT_DEBIT" => l.t("Direct debit"),
        "DEMO" => l.t("Demo gateway (no money moves)"),
        _ => l.t("Other"),
    }
}

/// A status word as a coloured badge (text, not colour alone, carries the meaning).
#[component]
pub fn Status(status: String) -> Element {
    let l = locale();
    let key = status.to_ascii_lowercase();
    let text = status_text(&key, l);
    rsx! { span { class: "status s-{key}", "{text}" } }
}

/// The inner HTML of a `textarea` that holds exactly `text`. A text child would not do: the
/// server render wraps dynamic text in hydration markers (`<!--node-id…-->`), and inside a
/// `textarea` those are text, so they would become part of the value and be saved with it. The
/// leading newline is the one the HTML parser drops after `<textarea>`, so a value that starts
/// with a newline keeps it.
pub fn textarea_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    out.push('\n');
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every status, method and kind a page shows has a Greek label (not the English word).
    #[test]
    fn every_value_shown_to_people_has_greek() {
        let statuses = [
            // invoices (and the filters), estimates, credit notes
            "draft",
            "issued",
            "partially_paid",
            "paid",
            "void",
            "overdue",
            "unpaid",
            "sent",
            "accepted",
            "rejected",
            "expired",
            "open",
            "applied",
            // payment attempts, invitations, projects
            "processing",
            "awaiting_transfer",
            "succeeded",
            "failed",
            "pending",
            "revoked",
            "active",
            "completed",
            "archived",
        ];
        for s in statuses {
            let el = status_text(s, Locale::El);
            assert_ne!(el, status_text(s, Locale::En), "no Greek for status {s}");
        }
        for m in [
            "CARD",
            "BANK_TRANSFER",
            "CASH",
            "CHEQUE",
            "CRYPTO",
            "DIRECT_DEBIT",
            "OTHER",
        ] {
            assert_ne!(
                method_text(m, Locale::El),
                method_text(m, Locale::En),
                "{m}"
            );
        }
        for m in ["STRIPE", "BANK_TRANSFER", "CRYPTO", "DEMO"] {
            assert_ne!(
                crate::pages::method_label(m, Locale::El),
                crate::pages::method_label(m, Locale::En),
                "{m}"
            );
        }
    }

    #[test]
    fn a_textarea_holds_its_text_escaped_and_nothing_else() {
        assert_eq!(
            textarea_html("15 Market St\n<b>&"),
            "\n15 Market St\n&lt;b&gt;&amp;"
        );
        assert_eq!(
            textarea_html("</textarea><script>"),
            "\n&lt;/textarea&gt;&lt;script&gt;"
        );
        assert_eq!(textarea_html(""), "\n");
    }

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
