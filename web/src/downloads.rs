//! What a page offers to take away: a list's spreadsheets, a document's PDF and e-invoice.

use dioxus::prelude::*;

use crate::ui::locale;

/// "Download: Excel · CSV" for a list or statement: `base` is the export's address without its
/// extension (`/acme/exports/invoices`), `query` the page's filters (`status=paid&sort=…`). Both
/// come in the reader's language; the CSV uses `;` for Greek spreadsheets, which write decimals
/// with a comma.
#[component]
pub fn Downloads(base: String, query: String, #[props(default)] pdf: Option<String>) -> Element {
    let l = locale();
    let mut q = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect::<Vec<_>>();
    q.push(format!("lang={}", l.code()));
    let q = q.join("&");
    let sep = if l.code() == "el" { "&sep=;" } else { "" };
    rsx! {
        div { class: "downloads", role: "group", aria_label: l.t("Download this list"),
            span { class: "muted", {l.t("Download")} }
            if let Some(pdf) = pdf {
                a { class: "button", href: "{pdf}?{q}", download: "", "PDF" }
            }
            a { class: "button", href: "{base}.xlsx?{q}", download: "", {l.t("Excel")} }
            a { class: "button", href: "{base}.csv?{q}{sep}", download: "", "CSV" }
        }
    }
}

/// The address of one document's PDF (`kind`: invoice, receipt, credit-note, estimate).
pub fn pdf_href(tenant: &str, kind: &str, id: &str) -> String {
    format!("/{tenant}/documents/{kind}/{}.pdf", crate::encode(id))
}

/// "Download PDF" for the document on a page, in the reader's language.
#[component]
pub fn PdfButton(href: String) -> Element {
    let l = locale();
    rsx! {
        a { class: "button", href: "{href}?lang={l.code()}", download: "", {l.t("Download PDF")} }
    }
}

/// A list row's PDF (and e-invoice), named for screen readers: "PDF" and the document's number.
#[component]
pub fn PdfCell(href: String, number: String, #[props(default)] xml: Option<String>) -> Element {
    let l = locale();
    rsx! {
        td { class: "pdf noprint", "data-label": l.t("Download"),
            a { href: "{href}?lang={l.code()}", download: "", "PDF" span { class: "sr", " {number}" } }
            if let Some(xml) = xml {
                a { href: "{xml}", download: "", title: l.t("E-invoice (XML)"), "XML" span { class: "sr", " {number}" } }
            }
        }
    }
}
