//! The pages an emailed link opens before anyone is signed in: the sign-in link's page (a button
//! that signs in, since a GET never uses the link up) and the invitation's page (who invited you,
//! to what, what you will be able to do). Both carry the business's name, logo and colour, and
//! say plainly when a link can no longer be used.

use dioxus::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::data::Profile;
use crate::ui::{safe_color, PageTitle};
use crate::Qs;

/// The business's card around a link page's content.
#[component]
fn LinkCard(profile: Profile, title: String, children: Element) -> Element {
    let brand = safe_color(&profile.brand_color);
    rsx! {
        PageTitle { text: format!("{title} · {}", profile.name) }
        main { id: "content", class: "signin", style: "--brand: {brand}",
            div { class: "card",
                div { class: "card-brand",
                    if let Some(logo) = profile.logo.clone() {
                        img { src: "{logo}", alt: "", width: "40", height: "40" }
                    }
                    span { "{profile.name}" }
                }
                h1 { "{title}" }
                {children}
            }
        }
    }
}

/// The page a sign-in link opens: a button that signs in (POST), or why the link cannot be used.
#[component]
pub fn MagicLinkPage(tenant: String, q: Qs) -> Element {
    let t = tenant.clone();
    let shell = use_server_future(move || crate::data::load_shell(t.clone()))?;
    let (profile, l) = match crate::ui::public_shell(shell.read().clone()) {
        Ok(found) => found,
        Err(page) => return page,
    };
    let error = q.get("error");
    if error == "network" || error == "passkey" {
        #[cfg(feature = "server")]
        crate::server::set_status(403);
        let why = if error == "network" {
            l.t("This business lets its staff sign in only from its office network. Connect from there (or through its VPN) and ask for a new link.")
        } else {
            l.t("This business asks its staff to sign in with their passkey. Use “Sign in with a passkey” on the sign-in page.")
        };
        return rsx! {
            LinkCard { profile: profile.clone(), title: l.t("Sign-in refused").to_owned(),
                p { {why} }
                a { class: "button primary", href: "/{tenant}/sign-in", {l.t("Go to the sign-in page")} }
            }
        };
    }
    if !error.is_empty() {
        #[cfg(feature = "server")]
        crate::server::set_status(400);
        return rsx! {
            LinkCard { profile: profile.clone(), title: l.t("This link cannot be used").to_owned(),
                p { {l.t("Sign-in links work once, for 10 minutes, on the portal that sent them. This one has expired or was already used.")} }
                a { class: "button primary", href: "/{tenant}/sign-in", {l.t("Send me a new link")} }
            }
        };
    }
    let (token, next) = (q.get("token"), q.get("next"));
    rsx! {
        LinkCard { profile: profile.clone(), title: format!("{} {}", l.t("Sign in to"), profile.name),
            p { {l.t("Press the button to sign in on this device.")} }
            form { method: "post", action: "/{tenant}/auth/magic", class: "stack",
                input { r#type: "hidden", name: "token", value: "{token}" }
                if !next.is_empty() { input { r#type: "hidden", name: "next", value: "{next}" } }
                button { r#type: "submit", class: "primary", id: "use-link", {l.t("Sign in")} }
            }
            p { class: "muted", {l.t("This link works once, for 10 minutes.")} }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvitationPreview {
    pub name: String,
    pub email: String,
    pub role: String,
    pub client_name: String,
    pub invited_by: Option<String>,
    pub status: String,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvitationData {
    pub invitation_preview: Option<InvitationPreview>,
}

/// The page an invitation link opens: who invited you, to which client's portal, what you will
/// be able to do, and a button that accepts and signs you in.
#[component]
pub fn InvitePage(tenant: String, q: Qs) -> Element {
    let t = tenant.clone();
    let shell = use_server_future(move || crate::data::load_shell(t.clone()))?;
    let token = q.get("token");
    let t2 = tenant.clone();
    let tok = token.clone();
    let preview = use_server_future(move || {
        crate::data::fetch::<InvitationData>(
            t2.clone(),
            "query($s: String!, $t: String!) { invitationPreview(slug: $s, token: $t) { name email role clientName invitedBy status expiresAt } }",
            json!({ "s": t2, "t": tok }),
        )
    })?;
    let (profile, l) = match crate::ui::public_shell(shell.read().clone()) {
        Ok(found) => found,
        Err(page) => return page,
    };
    let invitation = match preview.read().clone() {
        Some(Ok(d)) => d.invitation_preview,
        _ => None,
    };
    let usable =
        q.get("error").is_empty() && invitation.as_ref().is_some_and(|i| i.status == "pending");
    let Some(inv) = invitation.filter(|_| usable) else {
        #[cfg(feature = "server")]
        crate::server::set_status(400);
        return rsx! {
            LinkCard { profile: profile.clone(), title: l.t("This invitation cannot be used").to_owned(),
                p { {l.t("It has expired, was withdrawn or was already accepted. Ask the person who invited you for a new one, or sign in if you already have access.")} }
                a { class: "button primary", href: "/{tenant}/sign-in", {l.t("Sign in")} }
            }
        };
    };
    let can = match inv.role.as_str() {
        "ADMIN" => l.t("see and pay the invoices of {}, decide on estimates, and manage its people and billing details"),
        "PAYER" => l.t("see and pay the invoices of {} and decide on estimates"),
        _ => l.t("see the invoices, statements and documents of {}"),
    }
    .replace("{}", &inv.client_name);
    rsx! {
        LinkCard { profile: profile.clone(), title: format!("{} {}", l.t("Join"), profile.name),
            p { class: "lead",
                if let Some(by) = inv.invited_by.clone() { strong { "{by}" } " " {l.t("invited you")} }
                else { {l.t("You are invited")} }
                " (" span { class: "email", "{inv.email}" } ") " {l.t("to the client portal of")} " " strong { "{inv.client_name}" } "."
            }
            p { {l.t("You will be able to")} " " "{can}." }
            form { method: "post", action: "/{tenant}/auth/invite", class: "stack",
                input { r#type: "hidden", name: "token", value: "{token}" }
                button { r#type: "submit", class: "primary", id: "accept-invitation", {l.t("Accept and sign in")} }
            }
            p { class: "muted", {l.t("The invitation is valid until")} " " {crate::ui::when(inv.expires_at, l)} "." }
        }
    }
}
