//! What every email is made of: the recipient's language, the business it comes from (its name
//! and colour), and one layout rendered twice, as plain text and as HTML. Each area writes its
//! emails as typed templates (`identity::mail`, `parties::mail`, `payments::mail`) that fill a
//! [`Body`]; nothing here knows what an email is about.

use chrono::{Datelike, NaiveDate};
use portico_domain::Money;

/// The language an email is written in: the recipient's, English when they have not chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    El,
}

impl Lang {
    /// From a stored locale (`en`, `el`, or none).
    pub fn from_locale(locale: Option<&str>) -> Lang {
        match locale.map(str::trim) {
            Some(l) if l.eq_ignore_ascii_case("el") => Lang::El,
            _ => Lang::En,
        }
    }

    /// `"en"` or `"el"`, for the HTML `lang` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::El => "el",
        }
    }

    /// One sentence in both languages: the one to use.
    pub fn pick<'a>(self, en: &'a str, el: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::El => el,
        }
    }

    /// An amount as people of this language write it: `EUR 1,234.50` or `1.234,50 EUR`.
    pub fn money(self, m: Money) -> String {
        let plain = m.amount_string();
        let (int, frac) = plain.split_once('.').unwrap_or((&plain, ""));
        let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
        let (group, point) = match self {
            Lang::En => (',', '.'),
            Lang::El => ('.', ','),
        };
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(group);
            }
            grouped.push(c);
        }
        let number = if frac.is_empty() {
            format!("{sign}{grouped}")
        } else {
            format!("{sign}{grouped}{point}{frac}")
        };
        match self {
            Lang::En => format!("{} {number}", m.currency.code()),
            Lang::El => format!("{number} {}", m.currency.code()),
        }
    }

    /// A date written out: `1 December 2026`, `1 Δεκεμβρίου 2026`.
    pub fn date(self, d: NaiveDate) -> String {
        const EN: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        // Greek dates take the month in the genitive.
        const EL: [&str; 12] = [
            "Ιανουαρίου",
            "Φεβρουαρίου",
            "Μαρτίου",
            "Απριλίου",
            "Μαΐου",
            "Ιουνίου",
            "Ιουλίου",
            "Αυγούστου",
            "Σεπτεμβρίου",
            "Οκτωβρίου",
            "Νοεμβρίου",
            "Δεκεμβρίου",
        ];
        let month = d.month0() as usize;
        let name = match self {
            Lang::En => EN[month],
            Lang::El => EL[month],
        };
        format!("{} {name} {}", d.day(), d.year())
    }
}

/// The business an email comes from.
#[derive(Debug, Clone)]
pub struct Brand {
    pub name: String,
    /// `#rrggbb`; anything else falls back to the portal's default colour.
    pub colour: String,
}

impl Brand {
    pub fn new(name: &str, colour: &str) -> Brand {
        let ok = colour.len() == 7
            && colour.starts_with('#')
            && colour[1..].bytes().all(|b| b.is_ascii_hexdigit());
        Brand {
            name: name.to_owned(),
            colour: if ok {
                colour.to_owned()
            } else {
                "#1f4e79".into()
            },
        }
    }
}

/// What a template says, before layout.
#[derive(Debug, Clone, Default)]
pub struct Body {
    /// "Hello Maria,".
    pub greeting: String,
    pub paragraphs: Vec<String>,
    /// The one thing to do: a button in HTML, a labelled link in text.
    pub action: Option<(String, String)>,
    /// Small print under the action.
    pub note: Option<String>,
}

/// A rendered email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// An email a template renders for a business, in a language.
pub trait Template {
    fn subject(&self, brand: &Brand, lang: Lang) -> String;
    fn body(&self, brand: &Brand, lang: Lang) -> Body;

    fn render(&self, brand: &Brand, lang: Lang) -> Email {
        let subject = self.subject(brand, lang);
        let body = self.body(brand, lang);
        Email {
            text: text(brand, lang, &body),
            html: html(brand, lang, &subject, &body),
            subject,
        }
    }
}

fn sent_by(brand: &Brand, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Sent by {} through its client portal.", brand.name),
        Lang::El => format!(
            "Το μήνυμα στάλθηκε μέσω της πύλης πελατών της επιχείρησης {}.",
            brand.name
        ),
    }
}

fn text(brand: &Brand, lang: Lang, body: &Body) -> String {
    let mut out = format!("{}\n\n", body.greeting);
    for p in &body.paragraphs {
        out.push_str(p);
        out.push_str("\n\n");
    }
    if let Some((label, url)) = &body.action {
        out.push_str(&format!("{label}:\n{url}\n\n"));
    }
    if let Some(note) = &body.note {
        out.push_str(note);
        out.push_str("\n\n");
    }
    out.push_str(&format!("— {}\n{}\n", brand.name, sent_by(brand, lang)));
    out
}

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn html(brand: &Brand, lang: Lang, subject: &str, body: &Body) -> String {
    let c = &brand.colour;
    let mut main = format!(
        "<p style=\"margin:0 0 16px\">{}</p>",
        escape(&body.greeting)
    );
    for p in &body.paragraphs {
        main.push_str(&format!("<p style=\"margin:0 0 16px\">{}</p>", escape(p)));
    }
    if let Some((label, url)) = &body.action {
        let url = escape(url);
        main.push_str(&format!(
            "<p style=\"margin:24px 0\"><a href=\"{url}\" style=\"background:{c};color:#ffffff;\
             text-decoration:none;padding:12px 20px;border-radius:6px;font-weight:600;display:inline-block\">{}</a></p>\
             <p style=\"margin:0 0 16px;font-size:13px;color:#555555\">{}<br><a href=\"{url}\" style=\"color:{c};word-break:break-all\">{url}</a></p>",
            escape(label),
            escape(lang.pick("Or open this address:", "Ή ανοίξτε αυτή τη διεύθυνση:")),
        ));
    }
    if let Some(note) = &body.note {
        main.push_str(&format!(
            "<p style=\"margin:0 0 16px;font-size:13px;color:#555555\">{}</p>",
            escape(note)
        ));
    }
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{title}</title></head>\
         <body style=\"margin:0;padding:0;background:#f4f5f7\">\
         <table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"background:#f4f5f7\"><tr><td align=\"center\" style=\"padding:24px 12px\">\
         <table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"max-width:560px;background:#ffffff;border-radius:8px;overflow:hidden;\
         font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1d2330\">\
         <tr><td style=\"background:{c};color:#ffffff;padding:16px 24px;font-size:18px;font-weight:600\">{name}</td></tr>\
         <tr><td style=\"padding:24px\">{main}</td></tr>\
         <tr><td style=\"padding:16px 24px;border-top:1px solid #e3e6ea;font-size:12px;color:#6b7280\">{footer}</td></tr>\
         </table></td></tr></table></body></html>",
        lang = lang.code(),
        title = escape(subject),
        name = escape(&brand.name),
        footer = escape(&sent_by(brand, lang)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_domain::Currency;

    struct Hello;
    impl Template for Hello {
        fn subject(&self, brand: &Brand, lang: Lang) -> String {
            format!("{} {}", lang.pick("Hello from", "Γεια από"), brand.name)
        }
        fn body(&self, _brand: &Brand, lang: Lang) -> Body {
            Body {
                greeting: lang.pick("Hello <b>", "Γεια σας <b>").to_owned(),
                paragraphs: vec!["one & two".into()],
                action: Some(("Open".into(), "https://x.example/a?b=1&c=2".into())),
                note: Some("small".into()),
            }
        }
    }

    #[test]
    fn one_template_renders_as_text_and_escaped_html_in_the_brand_colour() {
        let brand = Brand::new("Acme <Ltd>", "#aa3300");
        let e = Hello.render(&brand, Lang::El);
        assert_eq!(e.subject, "Γεια από Acme <Ltd>");
        assert!(e.text.starts_with("Γεια σας <b>\n\none & two\n\nOpen:\nhttps://x.example/a?b=1&c=2\n\nsmall\n\n— Acme <Ltd>\n"), "{}", e.text);
        assert!(e.html.contains("lang=\"el\""));
        assert!(e.html.contains("Acme &lt;Ltd&gt;") && !e.html.contains("<Ltd>"));
        assert!(e.html.contains("Γεια σας &lt;b&gt;") && e.html.contains("one &amp; two"));
        assert!(e.html.contains("href=\"https://x.example/a?b=1&amp;c=2\""));
        assert!(e.html.contains("background:#aa3300"));
        assert!(
            Brand::new("X", "red;x:y").colour == "#1f4e79",
            "a colour is checked"
        );
    }

    #[test]
    fn amounts_and_dates_are_written_the_readers_way() {
        let eur = Currency::parse("EUR").expect("EUR");
        let m = Money::new(123_456_750, eur);
        assert_eq!(Lang::En.money(m), "EUR 1,234,567.50");
        assert_eq!(Lang::El.money(m), "1.234.567,50 EUR");
        assert_eq!(Lang::El.money(Money::new(-5, eur)), "-0,05 EUR");
        let jpy = Currency::parse("JPY").expect("JPY");
        assert_eq!(Lang::En.money(Money::new(1000, jpy)), "JPY 1,000");
        let d = NaiveDate::from_ymd_opt(2026, 5, 1).expect("date");
        assert_eq!(Lang::En.date(d), "1 May 2026");
        assert_eq!(Lang::El.date(d), "1 Μαΐου 2026");
        assert_eq!(Lang::from_locale(Some("el")), Lang::El);
        assert_eq!(Lang::from_locale(None), Lang::En);
    }
}
