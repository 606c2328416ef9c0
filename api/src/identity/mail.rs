//! The sign-in link email.

use crate::core::mail::message::{Body, Brand, Lang, Template};
use crate::identity::service::MAGIC_LINK_MS;

/// A magic link for `name`, valid once for ten minutes.
pub struct MagicLinkEmail<'a> {
    pub name: &'a str,
    pub link: &'a str,
}

impl Template for MagicLinkEmail<'_> {
    fn subject(&self, brand: &Brand, lang: Lang) -> String {
        match lang {
            Lang::En => format!("Your sign-in link for {}", brand.name),
            Lang::El => format!("Ο σύνδεσμος σύνδεσης για {}", brand.name),
        }
    }

    fn body(&self, brand: &Brand, lang: Lang) -> Body {
        let minutes = MAGIC_LINK_MS / 60_000;
        Body {
            greeting: greeting(lang, self.name),
            paragraphs: vec![match lang {
                Lang::En => format!(
                    "Use this link to sign in to {}. It works once, for {minutes} minutes.",
                    brand.name
                ),
                Lang::El => format!(
                    "Με αυτόν τον σύνδεσμο συνδέεστε στην πύλη της επιχείρησης {}. Ισχύει μία φορά, για {minutes} λεπτά.",
                    brand.name
                ),
            }],
            action: Some((
                lang.pick("Sign in", "Σύνδεση").to_owned(),
                self.link.to_owned(),
            )),
            note: Some(
                lang.pick(
                    "If you did not ask for it, ignore this email: nobody can sign in without it.",
                    "Αν δεν το ζητήσατε, αγνοήστε αυτό το μήνυμα: κανείς δεν συνδέεται χωρίς τον σύνδεσμο.",
                )
                .to_owned(),
            ),
        }
    }
}

/// The first email of a new business's owner: its portal is ready, with a sign-in link valid for
/// `days` days.
pub struct WelcomeEmail<'a> {
    pub name: &'a str,
    pub link: &'a str,
    pub days: i64,
}

impl Template for WelcomeEmail<'_> {
    fn subject(&self, brand: &Brand, lang: Lang) -> String {
        match lang {
            Lang::En => format!("{}'s client portal is ready", brand.name),
            Lang::El => format!("Η πύλη πελατών της επιχείρησης {} είναι έτοιμη", brand.name),
        }
    }

    fn body(&self, brand: &Brand, lang: Lang) -> Body {
        let days = self.days;
        Body {
            greeting: greeting(lang, self.name),
            paragraphs: vec![
                match lang {
                    Lang::En => format!(
                        "The client portal of {} is ready, and you are its owner. Sign in with this link (it works once, for {days} days); a short checklist then takes you through your logo, a payment method, your first client and your first invoice.",
                        brand.name
                    ),
                    Lang::El => format!(
                        "Η πύλη πελατών της επιχείρησης {} είναι έτοιμη και είστε ο ιδιοκτήτης της. Συνδεθείτε με αυτόν τον σύνδεσμο (ισχύει μία φορά, για {days} ημέρες)· μια σύντομη λίστα σας οδηγεί στο λογότυπο, στον τρόπο πληρωμής, στον πρώτο πελάτη και στο πρώτο τιμολόγιο.",
                        brand.name
                    ),
                },
                lang.pick(
                    "Next time, sign in from the portal's address with your email, or add a passkey in Settings.",
                    "Την επόμενη φορά, συνδεθείτε από τη διεύθυνση της πύλης με το email σας ή προσθέστε κλειδί πρόσβασης στις Ρυθμίσεις.",
                )
                .to_owned(),
            ],
            action: Some((lang.pick("Sign in", "Σύνδεση").to_owned(), self.link.to_owned())),
            note: None,
        }
    }
}

/// "Hello Maria," / "Γεια σας Maria," ("Hello," without a name).
pub fn greeting(lang: Lang, name: &str) -> String {
    let hello = lang.pick("Hello", "Γεια σας");
    if name.trim().is_empty() {
        format!("{hello},")
    } else {
        format!("{hello} {},", name.trim())
    }
}

/// The link that proves a sign-up's email address (public sign-up).
pub struct SignupEmail<'a> {
    pub name: &'a str,
    pub business: &'a str,
    pub link: &'a str,
    pub hours: i64,
}

impl Template for SignupEmail<'_> {
    fn subject(&self, _: &Brand, lang: Lang) -> String {
        match lang {
            Lang::En => format!("Confirm your email to open {}'s portal", self.business),
            Lang::El => format!(
                "Επιβεβαιώστε το email σας για την πύλη της επιχείρησης {}",
                self.business
            ),
        }
    }

    fn body(&self, _: &Brand, lang: Lang) -> Body {
        let hours = self.hours;
        Body {
            greeting: greeting(lang, self.name),
            paragraphs: vec![
                match lang {
                    Lang::En => format!(
                        "Confirm this is your email address and the client portal of {} opens, with you as its owner. The link works once, for {hours} hours.",
                        self.business
                    ),
                    Lang::El => format!(
                        "Επιβεβαιώστε ότι αυτή είναι η διεύθυνσή σας και η πύλη πελατών της επιχείρησης {} ανοίγει, με εσάς ιδιοκτήτη. Ο σύνδεσμος ισχύει μία φορά, για {hours} ώρες.",
                        self.business
                    ),
                },
                lang.pick(
                    "If you did not sign up, ignore this email: nothing is created without it.",
                    "Αν δεν κάνατε εγγραφή, αγνοήστε αυτό το μήνυμα: χωρίς αυτό δεν δημιουργείται τίποτα.",
                )
                .to_owned(),
            ],
            action: Some((
                lang.pick("Confirm and open the portal", "Επιβεβαίωση και άνοιγμα της πύλης").to_owned(),
                self.link.to_owned(),
            )),
            note: None,
        }
    }
}
