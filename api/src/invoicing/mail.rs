//! The invoice email: staff sent an invoice to the client's contacts.

use chrono::NaiveDate;
use portico_domain::Money;

use crate::core::mail::message::{Body, Brand, Lang, Template};
use crate::identity::mail::greeting;

/// Invoice `number` for `name`: `balance` of `total` due on `due`, with a link to see and pay it
/// and, if staff wrote one, their message.
pub struct InvoiceEmail<'a> {
    pub name: &'a str,
    pub number: &'a str,
    pub total: Money,
    pub balance: Money,
    pub due: NaiveDate,
    pub link: &'a str,
    pub message: Option<&'a str>,
}

impl Template for InvoiceEmail<'_> {
    fn subject(&self, brand: &Brand, lang: Lang) -> String {
        match lang {
            Lang::En => format!("Invoice {} from {}", self.number, brand.name),
            Lang::El => format!("Τιμολόγιο {} από {}", self.number, brand.name),
        }
    }

    fn body(&self, brand: &Brand, lang: Lang) -> Body {
        let total = lang.money(self.total);
        let balance = lang.money(self.balance);
        let due = lang.date(self.due);
        let mut paragraphs = Vec::new();
        if let Some(m) = self.message.map(str::trim).filter(|m| !m.is_empty()) {
            paragraphs.push(m.to_owned());
        }
        paragraphs.push(match lang {
            Lang::En => format!(
                "{} sent you invoice {} for {total}. {balance} is due by {due}.",
                brand.name, self.number
            ),
            Lang::El => format!(
                "Η επιχείρηση {} σας έστειλε το τιμολόγιο {} ποσού {total}. Οφειλόμενο ποσό {balance}, έως {due}.",
                brand.name, self.number
            ),
        });
        Body {
            greeting: greeting(lang, self.name),
            paragraphs,
            action: Some((
                lang.pick("See and pay the invoice", "Δείτε και πληρώστε το τιμολόγιο")
                    .to_owned(),
                self.link.to_owned(),
            )),
            note: None,
        }
    }
}
