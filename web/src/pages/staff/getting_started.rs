//! The owner's and admins' first steps on the dashboard, until all are done.

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Steps {
    branding: bool,
    payment_method: bool,
    first_client: bool,
    first_invoice: bool,
    done: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StepsData {
    getting_started: Steps,
}

#[component]
pub fn GettingStarted(tenant: String) -> Element {
    let res = use_query::<StepsData>(
        &tenant,
        "{ gettingStarted { branding paymentMethod firstClient firstInvoice done } }",
        json!({}),
    )?;
    let l = locale();
    let Some(Ok(d)) = res.read().clone() else {
        return rsx! {};
    };
    let s = d.getting_started;
    if s.done {
        return rsx! {};
    }
    let steps = [
        (
            s.branding,
            "Add your logo and colour",
            format!("/{tenant}/staff/portal#branding"),
        ),
        (
            s.payment_method,
            "Say how clients pay you (bank details)",
            format!("/{tenant}/settings#documents"),
        ),
        (
            s.first_client,
            "Add your first client",
            format!("/{tenant}/staff/clients#new-client"),
        ),
        (
            s.first_invoice,
            "Write your first invoice",
            format!("/{tenant}/staff/invoices/new"),
        ),
    ];
    let left = steps.iter().filter(|(done, _, _)| !done).count();
    rsx! {
        section { class: "panel getting-started", id: "getting-started",
            h2 { {l.t("Getting started")} }
            p { class: "muted", {l.t("Steps left:")} " {left} / 4" }
            ol {
                for (done, label, href) in steps {
                    li { key: "{label}", class: if done { "done" } else { "" },
                        if done {
                            span { "✓ " {l.t(label)} span { class: "sr", " (" {l.t("done")} ")" } }
                        } else {
                            a { href: "{href}", {l.t(label)} }
                        }
                    }
                }
            }
        }
    }
}
