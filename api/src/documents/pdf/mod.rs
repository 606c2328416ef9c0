//! PDFs of single documents: invoice, receipt, statement, credit note, estimate. Each kind is
//! built from the same reads as its page (the area's store calls under the caller's scope, so a
//! contact reaches only their client's documents) into the one layout of `portico-pdf`, in the
//! reader's language. Drawing is CPU work and runs on a blocking thread.

mod kinds;
mod statement;

use base64::Engine;
use portico_domain::{Discount, Money};
use portico_pdf::{Column, Document, Logo, Party, Row, Stamp, Table, Total};
use rust_decimal::Decimal;

use crate::core::error::{AppError, AppResult};
use crate::core::mail::message::Lang;
use crate::invoicing::lines::Line;
use crate::tenancy::Tenant;

pub use kinds::{credit_note, estimate, invoice, receipt};
pub use statement::statement;

/// A document ready to draw, with the name it downloads under (`INV-2026-00117.pdf`).
pub struct Drawn {
    pub doc: Document,
    pub logo: Option<Logo>,
    pub file_name: String,
}

/// At most one drawing per core at a time: a burst of long statements queues instead of taking
/// every blocking thread (and their memory) at once.
static DRAWING: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(1, usize::from))
});

/// Draws on a blocking thread, in turn.
pub async fn render(drawn: Drawn) -> AppResult<(Vec<u8>, String)> {
    let Drawn {
        doc,
        logo,
        file_name,
    } = drawn;
    let _turn = DRAWING
        .acquire()
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("pdf queue: {e}")))?;
    // A logo the layout cannot read (a damaged upload) leaves the business's name in its place
    // rather than failing every document.
    let bytes = tokio::task::spawn_blocking(move || match logo {
        Some(logo) => portico_pdf::render(&doc, Some(logo)).or_else(|e| {
            tracing::warn!(error = %e, "pdf: the logo could not be drawn; drawing without it");
            portico_pdf::render(&doc, None)
        }),
        None => portico_pdf::render(&doc, None),
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!("pdf task: {e}")))?
    .map_err(|e| AppError::Internal(anyhow::anyhow!("pdf: {e}")))?;
    Ok((bytes, file_name))
}

/// A file name from a document number: letters, digits, `-` and `_` only.
pub fn file_name(stem: &str, ext: &str) -> String {
    let clean: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{clean}.{ext}")
}

/// The business as it prints itself: name, address, contacts; its colour and logo.
pub(super) struct Brand {
    pub seller: Party,
    pub accent: String,
    pub logo: Option<Logo>,
    pub footer: String,
}

pub(super) fn brand(tenant: &Tenant, lang: Lang) -> Brand {
    let mut lines: Vec<String> = split_lines(tenant.address.as_deref());
    lines.extend(place_line(
        tenant.postal_code.as_deref(),
        tenant.city.as_deref(),
        tenant.country.as_deref(),
    ));
    if let Some(vat) = &tenant.vat_id {
        lines.push(format!("{} {vat}", lang.pick("VAT", "ΑΦΜ")));
    }
    lines.extend(tenant.email.iter().cloned());
    lines.extend(tenant.phone.iter().cloned());
    // The business's own small print, else its name and contacts.
    let footer = tenant.documents.footer.clone().unwrap_or_else(|| {
        [
            Some(tenant.name.clone()),
            tenant.vat_id.clone(),
            tenant.email.clone(),
            tenant.phone.clone(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ")
    });
    Brand {
        seller: Party {
            name: tenant.name.clone(),
            lines,
        },
        accent: tenant.brand_color.clone(),
        logo: tenant.logo.as_deref().and_then(decode_logo),
        footer,
    }
}

/// "105 51 Athens, GR": the line after the street.
fn place_line(postal: Option<&str>, city: Option<&str>, country: Option<&str>) -> Option<String> {
    let town = [postal, city]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    match (town.is_empty(), country) {
        (true, None) => None,
        (true, Some(c)) => Some(c.to_owned()),
        (false, None) => Some(town),
        (false, Some(c)) => Some(format!("{town}, {c}")),
    }
}

/// The business's bank details and payment terms, as notes under an invoice.
pub(super) fn payment_notes(
    tenant: &Tenant,
    lang: Lang,
    own_terms: bool,
) -> Vec<portico_pdf::Note> {
    let d = &tenant.documents;
    let mut out = Vec::new();
    if let Some(iban) = &d.iban {
        let mut body = vec![format!("IBAN {}", spaced(iban))];
        if let Some(bic) = &d.bic {
            body.push(format!("BIC {bic}"));
        }
        if let Some(bank) = &d.bank_name {
            body.push(bank.clone());
        }
        out.push(portico_pdf::Note {
            title: lang
                .pick("Pay by bank transfer", "Πληρωμή με τραπεζική μεταφορά")
                .to_owned(),
            body: body.join("\n"),
        });
    }
    if let (false, Some(terms)) = (own_terms, &d.payment_terms) {
        out.push(portico_pdf::Note {
            title: lang.pick("Payment terms", "Όροι πληρωμής").to_owned(),
            body: terms.clone(),
        });
    }
    out
}

/// An IBAN in groups of four, as it is read aloud.
fn spaced(iban: &str) -> String {
    iban.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A client as it is billed: name, address lines, VAT id, email.
pub(super) fn buyer(client: &crate::parties::Client, lang: Lang) -> Party {
    let mut lines = split_lines(client.address.as_deref());
    lines.extend(place_line(
        client.place.postal_code.as_deref(),
        client.place.city.as_deref(),
        client.place.country.as_deref(),
    ));
    if let Some(tax) = client.tax_id.as_deref().filter(|t| !t.trim().is_empty()) {
        lines.push(format!("{} {}", lang.pick("VAT", "ΑΦΜ"), tax.trim()));
    }
    lines.extend(client.email.iter().cloned());
    Party {
        name: client.name.clone(),
        lines,
    }
}

/// The non-blank lines of an address, trimmed.
pub(crate) fn split_lines(text: Option<&str>) -> Vec<String> {
    text.unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A stored logo (`data:` URI of SVG, PNG or JPEG) as image bytes; `None` if it cannot be read
/// (the header then shows the business's name).
fn decode_logo(uri: &str) -> Option<Logo> {
    let rest = uri.strip_prefix("data:")?;
    let (meta, payload) = rest.split_once(',')?;
    let format = if meta.starts_with("image/svg+xml") {
        "svg"
    } else if meta.starts_with("image/png") {
        "png"
    } else if meta.starts_with("image/jpeg") {
        "jpg"
    } else {
        return None;
    };
    let bytes = if meta.ends_with(";base64") {
        base64::engine::general_purpose::STANDARD
            .decode(payload.trim())
            .ok()?
    } else {
        percent_decode(payload)?
    };
    Some(Logo { bytes, format })
}

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// A number as the reader writes it: `1.5` or `1,5`, no trailing zeros.
pub(super) fn number(lang: Lang, d: Decimal) -> String {
    let s = d.normalize().to_string();
    match lang {
        Lang::En => s,
        Lang::El => s.replace('.', ","),
    }
}

pub(super) fn money(lang: Lang, m: Money) -> String {
    lang.money(m)
}

/// The lines table of an invoice or estimate.
pub(super) fn lines_table(lines: &[Line], lang: Lang) -> Table {
    let t = |en, el| lang.pick(en, el).to_owned();
    let any_discount = lines.iter().any(|l| !matches!(l.discount, Discount::None));
    let mut columns = vec![
        Column::wide(t("Description", "Περιγραφή")),
        Column::amount(t("Qty", "Ποσότητα")),
        Column::amount(t("Unit price", "Τιμή μονάδας")),
    ];
    if any_discount {
        columns.push(Column::amount(t("Discount", "Έκπτωση")));
    }
    columns.push(Column::amount(t("VAT", "ΦΠΑ")));
    columns.push(Column::amount(t("Amount", "Ποσό")));
    let rows = lines
        .iter()
        .map(|l| {
            // An exempt line says why under its description.
            let description = match (&l.vat_category, l.vat_exemption.as_deref()) {
                (portico_domain::VatCategory::Exempt, Some(reason)) => {
                    format!("{}\n{reason}", l.description)
                }
                _ => l.description.clone(),
            };
            let mut cells = vec![
                description,
                number(lang, l.quantity),
                money(lang, l.unit_price),
            ];
            if any_discount {
                cells.push(match l.discount {
                    Discount::None => String::new(),
                    Discount::Percent(p) => format!("{}%", number(lang, p)),
                    Discount::Amount(_) => money(lang, l.amounts.discount),
                });
            }
            cells.push(vat_cell(lang, l));
            cells.push(money(lang, l.amounts.net));
            Row::new(cells)
        })
        .collect();
    Table {
        title: None,
        columns,
        rows,
        empty: t("No lines.", "Χωρίς γραμμές."),
    }
}

/// The VAT of a line: its rate, and for lines without VAT, why.
fn vat_cell(lang: Lang, l: &Line) -> String {
    use portico_domain::VatCategory as V;
    let rate = format!("{}%", number(lang, l.tax_rate));
    match l.vat_category {
        V::Standard | V::ZeroRated => rate,
        V::Exempt | V::ReverseCharge => {
            let label = match l.vat_category {
                V::Exempt => lang.pick("exempt", "απαλλαγή"),
                _ => lang.pick("reverse charge", "αντίστροφη χρέωση"),
            };
            format!("{rate} {label}")
        }
    }
}

/// Subtotal, discount, VAT per rate and total of an invoice or estimate (as its page shows them).
pub(super) fn sums(
    lang: Lang,
    lines: &[Line],
    subtotal: Money,
    discount: Money,
    tax: Money,
    total: Money,
) -> Vec<Total> {
    let t = |en, el| lang.pick(en, el).to_owned();
    let mut out = vec![Total {
        label: t("Subtotal", "Μερικό σύνολο"),
        amount: money(lang, subtotal),
        strong: false,
    }];
    if discount.minor != 0 {
        out.push(Total {
            label: t("Discount", "Έκπτωση"),
            amount: money(lang, Money::new(-discount.minor, discount.currency)),
            strong: false,
        });
    }
    let amounts: Vec<_> = lines.iter().map(|l| l.amounts).collect();
    let rates: Vec<_> = lines.iter().map(|l| l.tax_rate).collect();
    match portico_domain::totals(total.currency, &amounts, &rates) {
        Ok(t) if !t.taxes.is_empty() => out.extend(t.taxes.into_iter().map(|b| Total {
            label: format!(
                "{} {}% {} {}",
                lang.pick("VAT", "ΦΠΑ"),
                number(lang, b.rate),
                lang.pick("on", "επί"),
                money(lang, b.net)
            ),
            amount: money(lang, b.tax),
            strong: false,
        })),
        _ => out.push(Total {
            label: t("VAT", "ΦΠΑ"),
            amount: money(lang, tax),
            strong: false,
        }),
    }
    out.push(Total {
        label: t("Total", "Σύνολο"),
        amount: money(lang, total),
        strong: true,
    });
    out
}

pub(super) fn stamp(text: &str, detail: Option<String>, tone: &str) -> Option<Stamp> {
    Some(Stamp {
        text: text.to_owned(),
        detail,
        tone: tone.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logos_decode_from_base64_and_plain_data_uris() {
        let png = decode_logo("data:image/png;base64,iVBORw0KGgo=").map(|l| (l.format, l.bytes));
        assert_eq!(png, Some(("png", b"\x89PNG\r\n\x1a\n".to_vec())));
        let svg = decode_logo("data:image/svg+xml;utf8,%3Csvg%3E%3C/svg%3E").map(|l| l.bytes);
        assert_eq!(svg, Some(b"<svg></svg>".to_vec()));
        assert!(decode_logo("data:image/gif;base64,R0lG").is_none());
    }

    #[test]
    fn file_names_keep_only_safe_characters() {
        assert_eq!(file_name("INV-2026-00117", "pdf"), "INV-2026-00117.pdf");
        assert_eq!(file_name("A/B \"x\"", "pdf"), "A-B--x-.pdf");
    }
}
