//! Help.

use super::*;

#[component]
pub fn Help(tenant: String) -> Element {
    let shell = use_shell();
    let l = shell.locale;
    let p = shell.profile.unwrap_or_default();
    let faq = [
        ("How do I pay an invoice?", "Open the invoice or the dashboard and choose Pay now. You can pay several invoices at once, or part of one when the business allows it."),
        ("Where is my receipt?", "Every payment has a receipt under Payments."),
        ("How do I sign in without email?", "Add a passkey in Settings; next time choose Sign in with a passkey."),
    ];
    let _ = &tenant;
    rsx! {
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
        section { class: "panel",
            h2 { {l.t("Frequently asked questions")} }
            for (n, (qq, a)) in faq.iter().enumerate() {
                details { key: "{n}", summary { {l.t(qq)} } p { {l.t(a)} } }
            }
        }
    }
}
