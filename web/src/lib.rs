//! The Portico portal (Dioxus 0.7 fullstack). Pages render on the server with their data and hydrate
//! in the browser. Data comes only through the GraphQL API, executed in-process with the caller's
//! session by an executor the server hands in; this crate never sees the store.
//!
//! Every page works with JavaScript off: links are plain links, filters are GET forms and actions
//! are POST forms (handled in `forms`). Hydration adds the live parts: payment status, the staff
//! payments feed and the passkey ceremonies.

#[cfg(all(feature = "server", feature = "web"))]
compile_error!(
    "portico-web: enable `server` or `web`, never both (hydration breaks when they unify)"
);

use dioxus::prelude::*;

pub mod chart;
pub mod data;
mod downloads;
pub mod flash;
pub mod fmt;
pub mod i18n;
#[cfg(feature = "web")]
mod live;
mod pages;
mod ui;

#[cfg(feature = "server")]
mod forms;
#[cfg(feature = "server")]
pub mod server;

use pages::staff::*;
use pages::*;
use ui::Shell;

#[derive(Routable, Clone, PartialEq, Debug)]
#[rustfmt::skip]
#[allow(clippy::enum_variant_names)]
pub enum Route {
    #[route("/")]
    Landing {},
    #[route("/signup?:..q")]
    SignUp { q: Qs },
    #[route("/signup/verify?:..q")]
    SignUpVerify { q: Qs },
    #[nest("/:tenant")]
        #[route("/sign-in?:..q")]
        SignIn { tenant: String, q: Qs },
        #[route("/auth/magic?:..q")]
        MagicLinkPage { tenant: String, q: Qs },
        #[route("/auth/invite?:..q")]
        InvitePage { tenant: String, q: Qs },
        #[route("/i/:token")]
        InvoiceLinkPage { tenant: String, token: String },
        #[route("/pay/demo/:token")]
        DemoGatewayPage { tenant: String, token: String },
        #[layout(Shell)]
            #[route("/")]
            Home { tenant: String },
            #[route("/invoices?:..q")]
            Invoices { tenant: String, q: Qs },
            #[route("/invoices/:id?:..q")]
            InvoicePage { tenant: String, id: String, q: Qs },
            #[route("/pay?:..q")]
            Pay { tenant: String, q: Qs },
            #[route("/pay/return/:attempt?:..q")]
            PayReturn { tenant: String, attempt: String, q: Qs },
            #[route("/payments")]
            Payments { tenant: String },
            #[route("/payments/:id?:..q")]
            Receipt { tenant: String, id: String, q: Qs },
            #[route("/estimates?:..q")]
            Estimates { tenant: String, q: Qs },
            #[route("/estimates/:id?:..q")]
            EstimatePage { tenant: String, id: String, q: Qs },
            #[route("/credit-notes?:..q")]
            CreditNotes { tenant: String, q: Qs },
            #[route("/statement?:..q")]
            StatementPage { tenant: String, q: Qs },
            #[route("/projects?:..q")]
            Projects { tenant: String, q: Qs },
            #[route("/messages")]
            Messages { tenant: String },
            #[route("/messages/:id?:..q")]
            ThreadPage { tenant: String, id: String, q: Qs },
            #[route("/settings?:..q")]
            Settings { tenant: String, q: Qs },
            #[route("/help")]
            Help { tenant: String },
            #[route("/staff/payments")]
            StaffPayments { tenant: String },
            #[route("/staff/clients?:..q")]
            StaffClients { tenant: String, q: Qs },
            #[route("/staff/clients/:id?:..q")]
            StaffClient { tenant: String, id: String, q: Qs },
            #[route("/staff/invitations?:..q")]
            StaffInvitations { tenant: String, q: Qs },
            #[route("/staff/estimates/new?:..q")]
            StaffEstimateNew { tenant: String, q: Qs },
            #[route("/staff/estimates/:id/edit?:..q")]
            StaffEstimateEdit { tenant: String, id: String, q: Qs },
            #[route("/staff/invoices/new?:..q")]
            StaffInvoiceNew { tenant: String, q: Qs },
            #[route("/staff/invoices/:id/edit?:..q")]
            StaffInvoiceEdit { tenant: String, id: String, q: Qs },
            #[route("/staff/portal?:..q")]
            StaffPortal { tenant: String, q: Qs },
            #[route("/staff/notifications")]
            StaffNotifications { tenant: String },
            #[route("/staff/webhooks?:..q")]
            StaffWebhooks { tenant: String, q: Qs },
            #[route("/:..rest")]
            TenantNotFound { tenant: String, rest: Vec<String> },
        #[end_layout]
    #[end_nest]
    #[route("/:..segments")]
    NotFound { segments: Vec<String> },
}

/// A page's raw query string, read with `get`/`all` (repeated keys are kept, as forms send them).
#[derive(Clone, PartialEq, Debug, Default)]
pub struct Qs(pub String);

impl From<&str> for Qs {
    fn from(s: &str) -> Self {
        Qs(s.trim_start_matches('?').to_owned())
    }
}

impl std::fmt::Display for Qs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Qs {
    /// Every value of `key`, decoded.
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .split('&')
            .filter_map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(k) == key).then(|| decode(v))
            })
            .collect()
    }

    /// The last value of `key`, decoded and trimmed; empty when absent.
    pub fn get(&self, key: &str) -> String {
        self.all(key).pop().unwrap_or_default().trim().to_owned()
    }
}

/// `application/x-www-form-urlencoded` decoding (`+` is a space; bad escapes stay as they are).
pub fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() && s.is_char_boundary(i + 1) && s.is_char_boundary(i + 3) => {
                match u8::from_str_radix(&s[i + 1..i + 3], 16) {
                    Ok(v) => {
                        out.push(v);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes a value for a query string.
pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for c in s.bytes() {
        match c {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(c as char)
            }
            _ => out.push_str(&format!("%{c:02X}")),
        }
    }
    out
}

/// The whole portal.
#[component]
pub fn App() -> Element {
    // Once the bundle has hydrated the page, `<html data-hydrated>` says so (tests wait for it
    // before using the parts that need script).
    #[cfg(feature = "web")]
    use_effect(|| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("data-hydrated", "1");
        }
    });
    rsx! {
        document::Meta { name: "viewport", content: "width=device-width, initial-scale=1" }
        document::Link { rel: "stylesheet", href: "/assets/portal.css" }
        document::Link { rel: "icon", href: "/assets/favicon.svg", r#type: "image/svg+xml" }
        document::Script { r#type: "module", src: "/assets/boot.js" }
        Router::<Route> {}
    }
}

#[component]
fn Landing() -> Element {
    rsx! {
        ui::PageTitle { text: "Portico" }
        main { id: "content", class: "landing",
            h1 { "Portico" }
            p { "Open your business's portal at /your-business/ — for example the link in your invitation or sign-in email." }
            SignUpInvite {}
        }
    }
}

/// On a deployment that takes sign-ups, the landing page offers one.
#[component]
fn SignUpInvite() -> Element {
    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Open {
        public_signup: bool,
    }
    let res = data::use_query::<Open>("", "{ publicSignup }", serde_json::json!({}))?;
    let open = matches!(res.read().as_ref(), Some(Ok(o)) if o.public_signup);
    rsx! {
        if open {
            p { a { class: "button primary", href: "/signup", "Open a portal for your business" } }
        }
    }
}

/// An unknown address inside a portal: the portal's own layout with a "not found" box.
#[component]
fn TenantNotFound(tenant: String, rest: Vec<String>) -> Element {
    let _ = (tenant, rest);
    rsx! { ui::Problem { error: data::PageError::NotFound } }
}

#[component]
fn NotFound(segments: Vec<String>) -> Element {
    #[cfg(feature = "server")]
    server::not_found();
    rsx! {
        ui::PageTitle { text: "Page not found" }
        main { id: "content", class: "landing",
            h1 { "Page not found" }
            p { a { href: "/", "Portico" } }
        }
    }
}
