//! The invitation email: a person is asked to join a client's portal.

use crate::core::mail::message::{Body, Brand, Lang, Template};
use crate::identity::mail::greeting;
use crate::parties::invitations::INVITATION_MS;

/// An invitation for `invitee` (may be empty on a resend) from `inviter`.
pub struct InvitationEmail<'a> {
    pub invitee: &'a str,
    pub inviter: &'a str,
    pub link: &'a str,
    /// The portal's address (`https://portal.example/acme`): the email links to the documents.
    pub portal: &'a str,
}

impl Template for InvitationEmail<'_> {
    fn subject(&self, brand: &Brand, lang: Lang) -> String {
        match lang {
            Lang::En => format!(
                "{} invited you to {}'s client portal",
                self.inviter, brand.name
            ),
            Lang::El => format!(
                "{} σας προσκάλεσε στην πύλη πελατών της επιχείρησης {}",
                self.inviter, brand.name
            ),
        }
    }

    fn body(&self, brand: &Brand, lang: Lang) -> Body {
        let days = INVITATION_MS / 86_400_000;
        Body {
            greeting: greeting(lang, self.invitee),
            paragraphs: vec![
                match lang {
                    Lang::En => format!(
                        "{} invited you to {}'s client portal, where you can see your invoices, statements and documents, and pay them online.",
                        self.inviter, brand.name
                    ),
                    Lang::El => format!(
                        "{} σας προσκάλεσε στην πύλη πελατών της επιχείρησης {}, όπου βλέπετε τα τιμολόγια, τις καταστάσεις λογαριασμού και τα έγγραφά σας και τα πληρώνετε online.",
                        self.inviter, brand.name
                    ),
                },
                match lang {
                    Lang::En => format!(
                        "Once you have accepted, your documents are one click away, each with its PDF: invoices {p}/invoices, statement {p}/statement, receipts {p}/payments.",
                        p = self.portal
                    ),
                    Lang::El => format!(
                        "Μόλις αποδεχτείτε, τα παραστατικά σας είναι ένα κλικ μακριά, το καθένα με το PDF του: τιμολόγια {p}/invoices, καρτέλα {p}/statement, αποδείξεις {p}/payments.",
                        p = self.portal
                    ),
                },
            ],
            action: Some((
                lang.pick("Accept the invitation", "Αποδοχή της πρόσκλησης")
                    .to_owned(),
                self.link.to_owned(),
            )),
            note: Some(match lang {
                Lang::En => format!("The invitation is valid for {days} days."),
                Lang::El => format!("Η πρόσκληση ισχύει για {days} ημέρες."),
            }),
        }
    }
}
