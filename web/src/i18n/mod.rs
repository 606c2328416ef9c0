//! The portal's two languages. English text is the key; `t` gives the Greek for it. A unit test
//! checks that every `t("…")` in the portal's source has a Greek entry.

mod greek;
mod greek_gateways;

use greek::GREEK;
use greek_gateways::GREEK_GATEWAYS;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    En,
    El,
}

impl Locale {
    pub fn parse(s: &str) -> Option<Locale> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Locale::En),
            "el" | "gr" => Some(Locale::El),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::El => "el",
        }
    }

    /// The interface text for `en` in this language.
    pub fn t(self, en: &'static str) -> &'static str {
        match self {
            Locale::En => en,
            Locale::El => greek(en).unwrap_or(en),
        }
    }
}

/// A message from the API (or a form action) as a sentence in `l`: capitalised, with a full stop,
/// in Greek where `API_GREEK` has it, and amounts (`EUR 1234.50`) formatted as everywhere else.
/// Messages are matched whole, with each amount standing as `{}`.
pub fn message(m: &str, l: Locale) -> String {
    let m = m.trim().trim_end_matches('.');
    // Amounts in the API's text: a currency code, a space and a plain decimal.
    let words: Vec<&str> = m.split(' ').collect();
    let mut template = Vec::with_capacity(words.len());
    let mut amounts = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let (w, next) = (words[i], words.get(i + 1).copied().unwrap_or(""));
        let is_code = w.len() == 3 && w.bytes().all(|b| b.is_ascii_uppercase());
        let number = next.trim_start_matches('-');
        let is_amount = !number.is_empty()
            && number.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && number.bytes().next().is_some_and(|b| b.is_ascii_digit());
        if is_code && is_amount {
            amounts.push(crate::fmt::money_text(next, w, l));
            template.push("{}");
            i += 2;
        } else {
            template.push(w);
            i += 1;
        }
    }
    let template = template.join(" ");
    let mut text = match l {
        Locale::El => API_GREEK
            .iter()
            .find(|(k, _)| *k == template)
            .map(|(_, v)| *v)
            .unwrap_or(&template),
        Locale::En => &template,
    }
    .to_owned();
    for a in amounts {
        text = text.replacen("{}", &a, 1);
    }
    let mut c = text.chars();
    match c.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), c.as_str()),
        None => String::new(),
    }
}

/// Greek for the API's refusals that people meet through the portal's forms.
const API_GREEK: &[(&str, &str)] = &[
    ("amount: may be at most {}", "ποσό: το πολύ {}"),
    (
        "unit_price: may be at most {}",
        "τιμή μονάδας: η γραμμή μπορεί να είναι το πολύ {}",
    ),
    (
        "lines: may be at most {}",
        "γραμμές: το σύνολο μπορεί να είναι το πολύ {}",
    ),
    (
        "the amounts are too large to add up",
        "τα ποσά είναι πολύ μεγάλα για να αθροιστούν",
    ),
    (
        "this person already has access to the portal",
        "αυτό το άτομο έχει ήδη πρόσβαση στην πύλη",
    ),
    (
        "choose at least one invoice",
        "επιλέξτε τουλάχιστον ένα τιμολόγιο",
    ),
    ("choose how to pay", "επιλέξτε τρόπο πληρωμής"),
    ("choose English or Greek", "επιλέξτε Αγγλικά ή Ελληνικά"),
    (
        "the invitation is already revoked",
        "η πρόσκληση έχει ήδη ανακληθεί",
    ),
    (
        "only staff and the client's admin contacts can invite",
        "προσκλήσεις στέλνουν μόνο το προσωπικό και οι διαχειριστές του πελάτη",
    ),
    ("a reason is required", "χρειάζεται αιτιολογία"),
    ("not an email address", "δεν είναι διεύθυνση email"),
    (
        "the amount must be more than zero",
        "το ποσό πρέπει να είναι μεγαλύτερο από μηδέν",
    ),
    (
        "the amount is more than the {} due",
        "το ποσό είναι μεγαλύτερο από το οφειλόμενο {}",
    ),
    (
        "pay the full {} due",
        "πληρώστε ολόκληρο το οφειλόμενο ποσό των {}",
    ),
    (
        "a partial payment is at least {}",
        "η μερική πληρωμή είναι τουλάχιστον {}",
    ),
    (
        "enter an amount such as 120.50",
        "γράψτε ένα ποσό, π.χ. 120,50",
    ),
    (
        "an invoice is not open for payment",
        "ένα τιμολόγιο δεν είναι ανοιχτό για πληρωμή",
    ),
    ("nothing is due", "δεν οφείλεται τίποτα"),
    (
        "pay invoices of one currency at a time",
        "πληρώστε τιμολόγια ενός νομίσματος κάθε φορά",
    ),
    ("there is no credit to use", "δεν υπάρχει πίστωση για χρήση"),
    (
        "your credit changed meanwhile; try again",
        "η πίστωσή σας άλλαξε στο μεταξύ· δοκιμάστε ξανά",
    ),
    (
        "viewers cannot use the client's credit",
        "οι θεατές δεν μπορούν να χρησιμοποιήσουν την πίστωση του πελάτη",
    ),
    (
        "the end of the period is before its start",
        "το τέλος της περιόδου είναι πριν από την αρχή της",
    ),
    (
        "enter a quantity such as 2 or 1.5",
        "γράψτε μια ποσότητα, π.χ. 2 ή 1,5",
    ),
    (
        "enter a tax rate such as 24",
        "γράψτε έναν συντελεστή φόρου, π.χ. 24",
    ),
    (
        "enter a discount such as 10% or 5.00",
        "γράψτε μια έκπτωση, π.χ. 10% ή 5,00",
    ),
    (
        "give the lines again when changing the currency",
        "δώστε ξανά τις γραμμές όταν αλλάζετε νόμισμα",
    ),
    (
        "the client has no contact or billing email to send the invoice to",
        "ο πελάτης δεν έχει επαφή ή email χρέωσης για να σταλεί το τιμολόγιο",
    ),
    (
        "a void invoice cannot be sent",
        "ένα ακυρωμένο τιμολόγιο δεν αποστέλλεται",
    ),
    (
        "quantity: must be greater than 0 and at most 1000000",
        "ποσότητα: πρέπει να είναι πάνω από 0 και έως 1000000",
    ),
    (
        "quantity: allows at most 4 decimal places",
        "ποσότητα: έως 4 δεκαδικά ψηφία",
    ),
    (
        "tax_rate: must be between 0 and 100",
        "συντελεστής φόρου: πρέπει να είναι από 0 έως 100",
    ),
    (
        "tax_rate: allows at most 3 decimal places",
        "συντελεστής φόρου: έως 3 δεκαδικά ψηφία",
    ),
    ("description: is required", "περιγραφή: είναι υποχρεωτική"),
    (
        "discount: percent must be between 0 and 100",
        "έκπτωση: το ποσοστό πρέπει να είναι από 0 έως 100",
    ),
    (
        "the due date is before the issue date",
        "η ημερομηνία λήξης είναι πριν από την ημερομηνία έκδοσης",
    ),
    ("a colour is written as # and six hex digits, e.g. #1f4e79", "ένα χρώμα γράφεται ως # και έξι δεκαεξαδικά ψηφία, π.χ. #1f4e79"),
    ("title: is required", "τίτλος: είναι υποχρεωτικός"),
    ("body: is required", "κείμενο: είναι υποχρεωτικό"),
    ("name: is required", "όνομα: είναι υποχρεωτικό"),
    ("white text on this colour is hard to read (a contrast of at least 4.5:1 is needed); choose a darker colour", "το λευκό κείμενο διαβάζεται δύσκολα σε αυτό το χρώμα (χρειάζεται αντίθεση τουλάχιστον 4,5:1)· επιλέξτε πιο σκούρο χρώμα"),
    ("choose an image file", "επιλέξτε ένα αρχείο εικόνας"),
    ("a logo is at most 512 KiB", "ένα λογότυπο είναι έως 512 KiB"),
    ("a logo is a PNG, JPEG or SVG image", "ένα λογότυπο είναι εικόνα PNG, JPEG ή SVG"),
    ("a logo is at most 4096 pixels wide and high", "ένα λογότυπο έχει έως 4096 εικονοστοιχεία πλάτος και ύψος"),
    ("an SVG logo may not declare a document type", "ένα λογότυπο SVG δεν μπορεί να δηλώνει τύπο εγγράφου"),
    ("enter a number of invitations such as 50", "γράψτε έναν αριθμό προσκλήσεων, π.χ. 50"),
    ("only a draft estimate can be edited", "μόνο μια πρόχειρη προσφορά μπορεί να επεξεργαστεί"),
    ("valid until is before the issue date", "η λήξη ισχύος είναι πριν από την ημερομηνία έκδοσης"),
    ("choose at least one language", "επιλέξτε τουλάχιστον μία γλώσσα"),
    ("the languages are among en, el", "οι γλώσσες είναι en, el"),
    ("at most 50 networks", "το πολύ 50 δίκτυα"),
    (
        "the address you signed in from is not in the list: you would be shut out",
        "η διεύθυνση από την οποία συνδεθήκατε δεν είναι στη λίστα· θα αποκλειόσασταν",
    ),
    ("that host name is the deployment's own", "αυτό το όνομα κεντρικού υπολογιστή ανήκει στην εγκατάσταση"),
    ("enter a number of days such as 30", "γράψτε έναν αριθμό ημερών, π.χ. 30"),
    ("a PassimPay platform id is a number, as shown in PassimPay's platform settings", "το αναγνωριστικό πλατφόρμας της PassimPay είναι αριθμός, όπως φαίνεται στις ρυθμίσεις της πλατφόρμας"),
    ("paste the platform's secret key from PassimPay (8 to 255 characters, no spaces)", "επικολλήστε το μυστικό κλειδί της πλατφόρμας από την PassimPay (8 έως 255 χαρακτήρες, χωρίς κενά)"),
    ("only Stripe and PassimPay have credentials", "κλειδιά έχουν μόνο η Stripe και η PassimPay"),
    ("crypto payments through PassimPay are not configured for this business", "οι πληρωμές με κρυπτονομίσματα μέσω PassimPay δεν έχουν ρυθμιστεί για αυτή την επιχείρηση"),
    ("the crypto payment page could not be opened; try again shortly or choose another method", "η σελίδα πληρωμής με κρυπτονόμισμα δεν άνοιξε· δοκιμάστε ξανά σε λίγο ή επιλέξτε άλλον τρόπο"),
    ("the crypto payment page could not be opened; try again or choose another method", "η σελίδα πληρωμής με κρυπτονόμισμα δεν άνοιξε· δοκιμάστε ξανά ή επιλέξτε άλλον τρόπο"),
    ("the crypto payment expired or was cancelled", "η πληρωμή με κρυπτονόμισμα έληξε ή ακυρώθηκε"),
    ("no payment was confirmed within three days", "καμία πληρωμή δεν επιβεβαιώθηκε μέσα σε τρεις ημέρες"),
    ("this payment method is temporarily unavailable; choose another method or try again later", "αυτός ο τρόπος πληρωμής είναι προσωρινά μη διαθέσιμος· επιλέξτε άλλον ή δοκιμάστε αργότερα"),
    ("it answered 410 Gone", "απάντησε 410 Gone"),
    ("its deliveries failed for 5 days", "οι αποστολές του αποτύγχαναν επί 5 ημέρες"),
    ("a webhook URL is at most 2000 characters", "μια διεύθυνση webhook έχει έως 2000 χαρακτήρες"),
    ("enter a full URL such as https://erp.example.com/hooks/portico", "γράψτε πλήρη διεύθυνση, π.χ. https://erp.example.com/hooks/portico"),
    ("a webhook URL may not carry a user name or password", "μια διεύθυνση webhook δεν μπορεί να περιέχει όνομα χρήστη ή κωδικό"),
    ("a webhook URL must start with https://", "μια διεύθυνση webhook πρέπει να αρχίζει με https://"),
    ("a webhook URL may not point to a private or local network address", "μια διεύθυνση webhook δεν μπορεί να δείχνει σε ιδιωτική ή τοπική διεύθυνση δικτύου"),
    ("a business has at most 20 webhook endpoints", "μια επιχείρηση έχει έως 20 σημεία λήψης webhook"),
    ("the server has no PORTICO_SECRET_KEY to encrypt webhook secrets with", "ο διακομιστής δεν έχει PORTICO_SECRET_KEY για την κρυπτογράφηση των μυστικών των webhook"),
];

/// Month abbreviations, January first.
pub fn months(l: Locale) -> [&'static str; 12] {
    match l {
        Locale::En => [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ],
        Locale::El => [
            "Ιαν", "Φεβ", "Μαρ", "Απρ", "Μαΐ", "Ιουν", "Ιουλ", "Αυγ", "Σεπ", "Οκτ", "Νοε", "Δεκ",
        ],
    }
}

pub(crate) fn greek(en: &str) -> Option<&'static str> {
    GREEK
        .iter()
        .chain(GREEK_GATEWAYS)
        .find(|(k, _)| *k == en)
        .map(|(_, v)| *v)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `t("…")` in the portal's source has a Greek entry, and no entry is listed twice.
    #[test]
    fn every_text_has_greek() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut missing = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(dir)];
        while let Some(p) = stack.pop() {
            for e in std::fs::read_dir(&p).expect("src dir") {
                let path = e.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("source");
                for piece in text.split(".t(\"").skip(1) {
                    let key = piece.split("\")").next().unwrap_or("");
                    if !key.is_empty() && greek(key).is_none() {
                        missing.push(key.to_owned());
                    }
                }
            }
        }
        missing.sort();
        missing.dedup();
        assert!(missing.is_empty(), "no Greek for: {missing:?}");
        let mut keys: Vec<_> = GREEK
            .iter()
            .chain(GREEK_GATEWAYS)
            .map(|(k, _)| *k)
            .collect();
        let n = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), n, "a key is listed twice");
    }

    #[test]
    fn api_messages_become_sentences_with_formatted_money() {
        assert_eq!(
            message("the amount is more than the EUR 1234.50 due", Locale::En),
            "The amount is more than the €1,234.50 due."
        );
        assert_eq!(
            message("the amount is more than the EUR 1234.50 due", Locale::El),
            "Το ποσό είναι μεγαλύτερο από το οφειλόμενο 1.234,50 €."
        );
        assert_eq!(message("something new", Locale::El), "Something new.");
    }

    #[test]
    fn parse_and_translate() {
        assert_eq!(Locale::parse("EL"), Some(Locale::El));
        assert_eq!(Locale::parse("fr"), None);
        assert_eq!(Locale::El.t("Invoices"), "Τιμολόγια");
        assert_eq!(Locale::En.t("Invoices"), "Invoices");
    }
}
