//! Help articles' Markdown as HTML a page can show as it is: raw HTML in the source is shown as
//! text, links go only to `http(s):`, `mailto:` or the portal's own paths, and images become
//! their description (no requests elsewhere from a client's page).

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

/// Whether a link target is safe to follow from a client's page.
fn safe_link(url: &str) -> bool {
    let u = url.trim().to_ascii_lowercase();
    u.starts_with("https://")
        || u.starts_with("http://")
        || u.starts_with("mailto:")
        || (u.starts_with('/') && !u.starts_with("//"))
        || u.starts_with('#')
}

/// `source` as safe HTML.
pub fn to_html(source: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(source, options).filter_map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Some(Event::Text(h)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest_url = if safe_link(&dest_url) {
                dest_url
            } else {
                CowStr::Borrowed("#")
            };
            Some(Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }))
        }
        // The image's description stays, as text.
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        other => Some(other),
    });
    let mut out = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_safe_html() {
        let h = to_html("## Paying\n\nPay by **card** or [transfer](https://bank.example/iban).");
        assert!(
            h.contains("<h2>Paying</h2>") && h.contains("<strong>card</strong>"),
            "{h}"
        );
        assert!(h.contains("href=\"https://bank.example/iban\""), "{h}");
        let h = to_html(
            "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>",
        );
        assert!(
            !h.contains("<script") && h.contains("&lt;script&gt;"),
            "{h}"
        );
        assert!(!h.contains("javascript:") && !h.contains("<img"), "{h}");
        let h = to_html("![logo](https://tracker.example/p.png)");
        assert!(!h.contains("<img") && h.contains("logo"), "{h}");
    }
}
