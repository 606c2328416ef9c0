//! The receipt email: a payment made online was received.

use chrono::NaiveDate;
use portico_domain::Money;

use crate::core::mail::message::{Body, Brand, Lang, Template};
use crate::identity::mail::greeting;

/// A receipt for `name`: payment `number` of `amount` on `received_on`, applied to `applied_to`
/// (invoice numbers; none means it is held as credit), with a link to the receipt's page.
pub struct ReceiptEmail<'a> {
    pub name: &'a str,
    pub number: &'a str,
    pub amount: Money,
    pub received_on: NaiveDate,
    pub applied_to: &'a [String],
    pub link: &'a str,
}

impl Template for ReceiptEmail<'_> {
    fn subject(&self, _brand: &Brand, lang: Lang) -> String {
        match lang {
            Lang::En => format!("Payment {} received", self.number),
            Lang::El => format!("Η πληρωμή {} ελήφθη", self.number),
        }
    }

    fn body(&self, brand: &Brand, lang: Lang) -> Body {
        let amount = lang.money(self.amount);
        let on = lang.date(self.received_on);
        let thanks = match lang {
            Lang::En => format!(
                "Thank you: {} received {amount} on {on}. Its number is {}.",
                brand.name, self.number
            ),
            Lang::El => format!(
                "Σας ευχαριστούμε: η επιχείρηση {} έλαβε {amount} στις {on}. Ο αριθμός της πληρωμής είναι {}.",
                brand.name, self.number
            ),
        };
        let applied = if self.applied_to.is_empty() {
            lang.pick(
                "It is held as credit on your account, for your next invoices.",
                "Παραμένει ως πίστωση στον λογαριασμό σας, για τα επόμενα τιμολόγιά σας.",
            )
            .to_owned()
        } else {
            let list = self.applied_to.join(", ");
            match lang {
                Lang::En => format!("Applied to: {list}."),
                Lang::El => format!("Εφαρμόστηκε στα τιμολόγια: {list}."),
            }
        };
        Body {
            greeting: greeting(lang, self.name),
            paragraphs: vec![thanks, applied],
            action: Some((
                lang.pick("See your receipt", "Δείτε την απόδειξη")
                    .to_owned(),
                self.link.to_owned(),
            )),
            note: None,
        }
    }
}
