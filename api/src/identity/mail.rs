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

/// "Hello Maria," / "Γεια σας Maria," ("Hello," without a name).
pub fn greeting(lang: Lang, name: &str) -> String {
    let hello = lang.pick("Hello", "Γεια σας");
    if name.trim().is_empty() {
        format!("{hello},")
    } else {
        format!("{hello} {},", name.trim())
    }
}
