//! The portal's two languages. English text is the key; `t` gives the Greek for it. A unit test
//! checks that every `t("…")` in the portal's source has a Greek entry.

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
    GREEK.iter().find(|(k, _)| *k == en).map(|(_, v)| *v)
}

pub(crate) const GREEK: &[(&str, &str)] = &[
    (
        "The email “{}” to {} could not be sent for 3 days and was given up. Check the mail server and let them know another way.",
        "Το email «{}» προς {} δεν στάλθηκε επί 3 ημέρες και εγκαταλείφθηκε. Ελέγξτε τον διακομιστή αλληλογραφίας και ενημερώστε τον παραλήπτη με άλλο τρόπο.",
    ),
    ("Email not sent", "Το email δεν στάλθηκε"),
    ("Balance brought forward", "Υπόλοιπο από μεταφορά"),
    (
        "({} earlier entries in this period; choose a shorter period to see them)",
        "({} προηγούμενες κινήσεις σε αυτή την περίοδο· επιλέξτε μικρότερη περίοδο για να τις δείτε)",
    ),
    ("Dashboard", "Πίνακας"),
    ("Invoices", "Τιμολόγια"),
    ("Invoice", "Τιμολόγιο"),
    ("Payments", "Πληρωμές"),
    ("Estimates", "Προσφορές"),
    ("Credit notes", "Πιστωτικά"),
    ("Statement", "Καρτέλα"),
    ("Projects", "Έργα"),
    ("Messages", "Μηνύματα"),
    ("Settings", "Ρυθμίσεις"),
    ("Help", "Βοήθεια"),
    ("Sign out", "Αποσύνδεση"),
    ("Sign in", "Σύνδεση"),
    ("Skip to content", "Μετάβαση στο περιεχόμενο"),
    ("Main menu", "Κύριο μενού"),
    ("Amount due", "Οφειλόμενο ποσό"),
    ("Overdue", "Ληξιπρόθεσμο"),
    ("Credit available", "Διαθέσιμη πίστωση"),
    ("Paid this year", "Πληρωμένα φέτος"),
    ("Pay now", "Πληρωμή τώρα"),
    ("Recent invoices", "Πρόσφατα τιμολόγια"),
    ("Quick actions", "Γρήγορες ενέργειες"),
    ("Invoiced vs paid, last 12 months", "Τιμολογήθηκαν και πληρώθηκαν, τελευταίοι 12 μήνες"),
    ("Invoiced", "Τιμολογήθηκαν"),
    ("Paid", "Πληρώθηκαν"),
    ("Number", "Αριθμός"),
    ("Status", "Κατάσταση"),
    ("Issued", "Έκδοση"),
    ("Due", "Λήξη"),
    ("Total", "Σύνολο"),
    ("Balance", "Υπόλοιπο"),
    ("Reference", "Αναφορά"),
    ("Search", "Αναζήτηση"),
    ("All", "Όλα"),
    ("Filter", "Φιλτράρισμα"),
    ("Sort by", "Ταξινόμηση"),
    ("Columns", "Στήλες"),
    ("Issued from", "Έκδοση από"),
    ("Issued to", "Έκδοση έως"),
    ("Next page", "Επόμενη σελίδα"),
    ("First page", "Πρώτη σελίδα"),
    ("No invoices match.", "Κανένα τιμολόγιο δεν ταιριάζει."),
    ("draft", "πρόχειρο"),
    ("issued", "εκδόθηκε"),
    ("partially_paid", "μερικώς πληρωμένο"),
    ("paid", "πληρωμένο"),
    ("void", "ακυρωμένο"),
    ("overdue", "ληξιπρόθεσμο"),
    ("Bill to", "Χρέωση σε"),
    ("Description", "Περιγραφή"),
    ("Quantity", "Ποσότητα"),
    ("Unit price", "Τιμή μονάδας"),
    ("Amount", "Ποσό"),
    ("Subtotal", "Μερικό σύνολο"),
    ("Discount", "Έκπτωση"),
    ("Tax", "ΦΠΑ"),
    ("Credited", "Πιστώθηκαν"),
    ("Payments made", "Πληρωμές"),
    ("Terms", "Όροι"),
    ("Notes", "Σημειώσεις"),
    ("Print", "Εκτύπωση"),
    ("Contact", "Επικοινωνία"),
    ("Pay", "Πληρωμή"),
    ("Choose what to pay", "Επιλέξτε τι θα πληρώσετε"),
    ("Method", "Τρόπος"),
    ("Card (Stripe)", "Κάρτα (Stripe)"),
    ("Bank transfer", "Τραπεζική μεταφορά"),
    ("Demo gateway", "Δοκιμαστική πύλη"),
    ("Amount to pay (leave empty to pay in full)", "Ποσό πληρωμής (κενό για εξόφληση)"),
    ("Continue to payment", "Συνέχεια στην πληρωμή"),
    ("Nothing is due.", "Δεν οφείλετε τίποτα."),
    ("Payment status", "Κατάσταση πληρωμής"),
    ("processing", "σε επεξεργασία"),
    ("awaiting_transfer", "αναμονή μεταφοράς"),
    ("succeeded", "επιτυχής"),
    ("failed", "απέτυχε"),
    ("This page updates by itself.", "Η σελίδα ενημερώνεται μόνη της."),
    ("Check again", "Έλεγχος ξανά"),
    ("Payment history", "Ιστορικό πληρωμών"),
    ("Receipt", "Απόδειξη"),
    ("Date", "Ημερομηνία"),
    ("Unallocated", "Μη κατανεμημένο"),
    ("Refunded", "Επιστράφηκε"),
    ("Accept", "Αποδοχή"),
    ("Reject", "Απόρριψη"),
    ("Comment (optional)", "Σχόλιο (προαιρετικό)"),
    ("Reason", "Αιτία"),
    ("Valid until", "Ισχύει έως"),
    ("No estimates.", "Δεν υπάρχουν προσφορές."),
    ("No credit notes.", "Δεν υπάρχουν πιστωτικά."),
    ("No payments yet.", "Δεν υπάρχουν πληρωμές."),
    ("Remaining", "Απομένει"),
    ("Applied", "Συμψηφίστηκε"),
    ("From", "Από"),
    ("To", "Έως"),
    ("Show", "Εμφάνιση"),
    ("Opening balance", "Υπόλοιπο έναρξης"),
    ("Closing balance", "Υπόλοιπο τέλους περιόδου"),
    ("Document", "Παραστατικό"),
    ("Debit", "Χρέωση"),
    ("Credit", "Πίστωση"),
    ("Aging", "Χρονική ανάλυση οφειλών"),
    ("Current", "Μη ληξιπρόθεσμα"),
    ("1–30 days", "1–30 ημέρες"),
    ("31–60 days", "31–60 ημέρες"),
    ("61–90 days", "61–90 ημέρες"),
    ("Over 90 days", "Πάνω από 90 ημέρες"),
    ("Time entries", "Καταχωρίσεις χρόνου"),
    ("Billable only", "Μόνο χρεώσιμες"),
    ("Hours by month", "Ώρες ανά μήνα"),
    ("By task", "Ανά εργασία"),
    ("By assignee", "Ανά άτομο"),
    ("Hours", "Ώρες"),
    ("Billable", "Χρεώσιμες"),
    ("Task", "Εργασία"),
    ("Person", "Άτομο"),
    ("No projects.", "Δεν υπάρχουν έργα."),
    ("unread", "αδιάβαστα"),
    ("No messages.", "Δεν υπάρχουν μηνύματα."),
    ("Write a message", "Γράψτε μήνυμα"),
    ("Send", "Αποστολή"),
    ("Billing details", "Στοιχεία χρέωσης"),
    ("Name", "Όνομα"),
    ("Email", "Email"),
    ("Tax ID", "ΑΦΜ"),
    ("Address", "Διεύθυνση"),
    ("Save", "Αποθήκευση"),
    ("Language", "Γλώσσα"),
    ("Passkeys", "Κλειδιά πρόσβασης"),
    ("Add a passkey", "Προσθήκη κλειδιού"),
    ("Remove", "Αφαίρεση"),
    ("Sessions", "Συνδέσεις"),
    ("End", "Τερματισμός"),
    ("This session", "Αυτή η σύνδεση"),
    ("Saved.", "Αποθηκεύτηκε."),
    ("Frequently asked questions", "Συχνές ερωτήσεις"),
    ("How do I pay an invoice?", "Πώς πληρώνω ένα τιμολόγιο;"),
    ("Open the invoice or the dashboard and choose Pay now. You can pay several invoices at once, or part of one when the business allows it.", "Ανοίξτε το τιμολόγιο ή τον πίνακα και επιλέξτε Πληρωμή τώρα. Μπορείτε να πληρώσετε πολλά τιμολόγια μαζί ή μέρος ενός, όταν το επιτρέπει η επιχείρηση."),
    ("Where is my receipt?", "Πού είναι η απόδειξή μου;"),
    ("Every payment has a receipt under Payments.", "Κάθε πληρωμή έχει απόδειξη στις Πληρωμές."),
    ("How do I sign in without email?", "Πώς συνδέομαι χωρίς email;"),
    ("Add a passkey in Settings; next time choose Sign in with a passkey.", "Προσθέστε κλειδί πρόσβασης στις Ρυθμίσεις· την επόμενη φορά επιλέξτε Σύνδεση με κλειδί."),
    ("Sign in to", "Σύνδεση στο"),
    ("We email you a sign-in link. It works once, for 10 minutes.", "Σας στέλνουμε σύνδεσμο σύνδεσης με email. Ισχύει μία φορά, για 10 λεπτά."),
    ("Email me a sign-in link", "Στείλτε μου σύνδεσμο"),
    ("Sign in with a passkey", "Σύνδεση με κλειδί πρόσβασης"),
    ("Passkeys need JavaScript.", "Τα κλειδιά πρόσβασης χρειάζονται JavaScript."),
    ("Page not found", "Η σελίδα δεν βρέθηκε"),
    ("Something went wrong", "Κάτι πήγε στραβά"),
    ("You may not see this page.", "Δεν έχετε πρόσβαση σε αυτή τη σελίδα."),
    ("Live payments", "Ζωντανές πληρωμές"),
    ("New payments appear here as they arrive.", "Οι νέες πληρωμές εμφανίζονται εδώ μόλις φτάσουν."),
    ("Clients", "Πελάτες"),
    ("Invitations", "Προσκλήσεις"),
    ("Notifications", "Ειδοποιήσεις"),
    ("Client", "Πελάτης"),
    ("Invite", "Πρόσκληση"),
    ("Resend", "Επαναποστολή"),
    ("Revoke", "Ανάκληση"),
    ("Role", "Ρόλος"),
    ("Expires", "Λήγει"),
    ("No notifications.", "Δεν υπάρχουν ειδοποιήσεις."),
    ("Done.", "Έγινε."),
    ("Accepted", "Αποδεκτή"),
    ("Rejected", "Απορρίφθηκε"),
    ("sent", "στάλθηκε"),
    ("accepted", "αποδεκτή"),
    ("rejected", "απορρίφθηκε"),
    ("expired", "έληξε"),
    ("pending", "εκκρεμεί"),
    ("revoked", "ανακλήθηκε"),
    ("open", "ανοιχτό"),
    ("applied", "συμψηφισμένο"),
    ("active", "ενεργό"),
    ("completed", "ολοκληρώθηκε"),
    ("archived", "αρχειοθετήθηκε"),
    ("unpaid", "απλήρωτα"),
    ("Previous", "Προηγούμενο"),
    ("Close", "Κλείσιμο"),
    ("Show all", "Όλες"),
    ("This year", "Φέτος"),
    ("Download receipt", "Λήψη απόδειξης"),
    ("Download", "Λήψη"),
    ("Download PDF", "Λήψη PDF"),
    ("Postal code", "Ταχυδρομικός κώδικας"),
    ("City", "Πόλη"),
    ("Country code", "Κωδικός χώρας"),
    ("Business details", "Στοιχεία επιχείρησης"),
    ("Printed on every document and declared in e-invoices.", "Εμφανίζονται σε κάθε παραστατικό και δηλώνονται στα ηλεκτρονικά τιμολόγια."),
    ("VAT ID", "ΑΦΜ"),
    ("Documents", "Παραστατικά"),
    ("Payment terms", "Όροι πληρωμής"),
    ("Bank", "Τράπεζα"),
    ("Footer", "Υποσέλιδο"),
    ("Attach the PDF to emails (receipts)", "Επισύναψη του PDF στα email (αποδείξεις)"),
    ("Business details saved.", "Τα στοιχεία της επιχείρησης αποθηκεύτηκαν."),
    ("Document settings saved.", "Οι ρυθμίσεις παραστατικών αποθηκεύτηκαν."),
    ("E-invoice (XML)", "Ηλεκτρονικό τιμολόγιο (XML)"),
    ("Download this list", "Λήψη αυτής της λίστας"),
    ("Excel", "Excel"),
    ("Back", "Πίσω"),
    ("Unread", "Αδιάβαστα"),
    ("Phone", "Τηλέφωνο"),
    ("Portal", "Πύλη"),
    ("Mark all read", "Σήμανση όλων ως αναγνωσμένων"),
    ("That is not an email address.", "Αυτό δεν είναι διεύθυνση email."),
    ("Enter your email address.", "Γράψτε τη διεύθυνση email σας."),
    ("Sign-in is unavailable, try again shortly.", "Η σύνδεση δεν είναι διαθέσιμη, δοκιμάστε ξανά σε λίγο."),
    ("Too many sign-in requests. Wait 15 minutes, then ask for a new link.", "Πάρα πολλά αιτήματα σύνδεσης. Περιμένετε 15 λεπτά και ζητήστε νέο σύνδεσμο."),
    ("Sign-in failed. Try again.", "Η σύνδεση απέτυχε. Δοκιμάστε ξανά."),
    ("Payer: sees and pays invoices", "Πληρωτής: βλέπει και πληρώνει τιμολόγια"),
    ("Admin: also manages the client's people and billing details", "Διαχειριστής: επιπλέον διαχειρίζεται τα άτομα και τα στοιχεία χρέωσης του πελάτη"),
    ("Viewer: sees documents, cannot pay", "Θεατής: βλέπει έγγραφα, δεν πληρώνει"),
    ("Revoke this invitation?", "Ανάκληση αυτής της πρόσκλησης;"),
    ("The link in the invitation email stops working. People who already have access keep it.", "Ο σύνδεσμος του email πρόσκλησης παύει να λειτουργεί. Όσοι έχουν ήδη πρόσβαση τη διατηρούν."),
    ("Revoke invitation", "Ανάκληση πρόσκλησης"),
    ("Cancel", "Άκυρο"),
    ("Invitation sent to {}.", "Η πρόσκληση στάλθηκε στο {}."),
    ("Invitation sent again to {}.", "Η πρόσκληση στάλθηκε ξανά στο {}."),
    ("Invitation for {} revoked.", "Η πρόσκληση για το {} ανακλήθηκε."),
    ("Estimate {} accepted.", "Η προσφορά {} έγινε αποδεκτή."),
    ("Estimate {} rejected.", "Η προσφορά {} απορρίφθηκε."),
    ("Billing details saved.", "Τα στοιχεία χρέωσης αποθηκεύτηκαν."),
    ("Language saved.", "Η γλώσσα αποθηκεύτηκε."),
    ("All notifications marked read.", "Όλες οι ειδοποιήσεις σημειώθηκαν ως αναγνωσμένες."),
    ("Passkey added.", "Το κλειδί πρόσβασης προστέθηκε."),
    ("Passkey {} removed.", "Το κλειδί πρόσβασης {} αφαιρέθηκε."),
    ("Session ended.", "Η συνεδρία τερματίστηκε."),
    ("Invoice not found", "Το τιμολόγιο δεν βρέθηκε"),
    ("Payment not found", "Η πληρωμή δεν βρέθηκε"),
    ("Conversation not found", "Η συζήτηση δεν βρέθηκε"),
    ("The address may be incomplete, or what it named is no longer there.", "Η διεύθυνση μπορεί να είναι ελλιπής ή αυτό που έδειχνε δεν υπάρχει πια."),
    ("Go to the dashboard", "Μετάβαση στον πίνακα"),
    ("Tax rate", "Συντ. ΦΠΑ"),
    ("last active", "τελευταία δραστηριότητα"),
    ("Menu", "Μενού"),
    ("Amount to check", "Ποσό προς έλεγχο"),
    ("A gateway reported {} for a payment of {}; nothing was recorded. Check it with the gateway.", "Μια πύλη ανέφερε {} για πληρωμή {}· δεν καταχωρίστηκε τίποτα. Ελέγξτε το με την πύλη."),
    ("Times are in", "Οι ώρες είναι σε ώρα"),
    ("time", ""),
    ("Questions about this invoice?", "Ερωτήσεις για αυτό το τιμολόγιο;"),
    ("No passkeys yet.", "Δεν υπάρχουν ακόμη κλειδιά πρόσβασης."),
    ("Demo payment", "Δοκιμαστική πληρωμή"),
    ("Test payment page: nothing is charged and no card is needed.", "Δοκιμαστική σελίδα πληρωμής: δεν χρεώνεται τίποτα και δεν χρειάζεται κάρτα."),
    ("Payee", "Δικαιούχος"),
    ("Pay (succeeds)", "Πληρωμή (επιτυγχάνει)"),
    ("Pay (card declined)", "Πληρωμή (η κάρτα απορρίπτεται)"),
    ("Leave it pending", "Να μείνει σε εκκρεμότητα"),
    ("Invoice {} was opened through its link.", "Το τιμολόγιο {} άνοιξε μέσω του συνδέσμου του."),
    ("This link is not valid", "Αυτός ο σύνδεσμος δεν είναι έγκυρος"),
    ("It may have expired or been withdrawn. Ask the sender for a new one.", "Μπορεί να έχει λήξει ή να έχει ανακληθεί. Ζητήστε νέο από τον αποστολέα."),
    ("Have an account with us? Sign in to pay online and see all your documents.", "Έχετε λογαριασμό μαζί μας; Συνδεθείτε για να πληρώσετε ηλεκτρονικά και να δείτε όλα τα έγγραφά σας."),
    ("This link cannot be used", "Αυτός ο σύνδεσμος δεν μπορεί να χρησιμοποιηθεί"),
    ("Sign-in links work once, for 10 minutes, on the portal that sent them. This one has expired or was already used.", "Οι σύνδεσμοι σύνδεσης λειτουργούν μία φορά, για 10 λεπτά, στην πύλη που τους έστειλε. Αυτός έχει λήξει ή έχει ήδη χρησιμοποιηθεί."),
    ("Send me a new link", "Στείλτε μου νέο σύνδεσμο"),
    ("Press the button to sign in on this device.", "Πατήστε το κουμπί για να συνδεθείτε σε αυτή τη συσκευή."),
    ("This link works once, for 10 minutes.", "Ο σύνδεσμος λειτουργεί μία φορά, για 10 λεπτά."),
    ("This invitation cannot be used", "Αυτή η πρόσκληση δεν μπορεί να χρησιμοποιηθεί"),
    ("It has expired, was withdrawn or was already accepted. Ask the person who invited you for a new one, or sign in if you already have access.", "Έχει λήξει, ανακλήθηκε ή έχει ήδη γίνει αποδεκτή. Ζητήστε νέα από όποιον σας προσκάλεσε ή συνδεθείτε αν έχετε ήδη πρόσβαση."),
    ("see and pay the invoices of {}, decide on estimates, and manage its people and billing details", "βλέπετε και πληρώνετε τα τιμολόγια της {}, αποφασίζετε για προσφορές και διαχειρίζεστε τα άτομα και τα στοιχεία χρέωσής της"),
    ("see and pay the invoices of {} and decide on estimates", "βλέπετε και πληρώνετε τα τιμολόγια της {} και αποφασίζετε για προσφορές"),
    ("see the invoices, statements and documents of {}", "βλέπετε τα τιμολόγια, τις καρτέλες και τα έγγραφα της {}"),
    ("Join", "Συμμετοχή στην πύλη:"),
    ("invited you", "σας προσκάλεσε"),
    ("You are invited", "Έχετε πρόσκληση"),
    ("to the client portal of", "στην πύλη πελατών για"),
    ("You will be able to", "Θα μπορείτε να"),
    ("Accept and sign in", "Αποδοχή και σύνδεση"),
    ("The invitation is valid until", "Η πρόσκληση ισχύει έως"),
    ("last", "τελευταίο"),
    ("Project", "Έργο"),
    ("Open what it is about", "Άνοιγμα του θέματος"),
    ("Payment", "Πληρωμή"),
    ("Your reference", "Η αιτιολογία σας"),
    ("Applied to", "Εφαρμόστηκε σε"),
    ("Balance now", "Υπόλοιπο τώρα"),
    ("Amount paid", "Ποσό πληρωμής"),
    ("Held as credit", "Κρατείται ως πίστωση"),
    ("Quote this reference", "Αναφέρετε αυτή την αιτιολογία"),
    ("See the receipt", "Δείτε την απόδειξη"),
    ("emails sent", "email που στάλθηκαν"),
    ("New", "Νέα"),
    ("Awaiting your decision:", "Περιμένουν την απόφασή σας:"),
    ("Open", "Άνοιγμα"),
    ("Review and decide", "Εξέταση και απόφαση"),
    ("Estimate not found", "Η προσφορά δεν βρέθηκε"),
    ("Estimate", "Προσφορά"),
    ("Accept estimate", "Αποδοχή προσφοράς"),
    ("You accept the work and prices below, for a total of", "Αποδέχεστε τις εργασίες και τις τιμές παρακάτω, με σύνολο"),
    ("is told at once.", "ενημερώνεται αμέσως."),
    ("Confirm acceptance", "Επιβεβαίωση αποδοχής"),
    ("Reject estimate", "Απόρριψη προσφοράς"),
    ("Tell us why, so we can send a better one.", "Πείτε μας γιατί, ώστε να στείλουμε μια καλύτερη."),
    ("Confirm rejection", "Επιβεβαίωση απόρριψης"),
    ("For", "Για"),
    ("Decision", "Απόφαση"),
    ("Needs attention", "Χρειάζονται προσοχή"),
    ("All invoices", "Όλα τα τιμολόγια"),
    ("Tab or point at a month for its figures.", "Πατήστε Tab ή δείξτε έναν μήνα για τα στοιχεία του."),
    ("{} ({}) opened invoice {}.", "Ο/Η {} ({}) άνοιξε το τιμολόγιο {}."),
    ("{} ({}) accepted estimate {}.", "Ο/Η {} ({}) αποδέχτηκε την προσφορά {}."),
    ("{} ({}) rejected estimate {}.", "Ο/Η {} ({}) απέρριψε την προσφορά {}."),
    ("{} ({}) wrote about {}.", "Ο/Η {} ({}) έγραψε για: {}."),
    ("Payment {} of {} received online.", "Η πληρωμή {} ποσού {} ελήφθη ηλεκτρονικά."),
    ("Payment {} of {} was refunded.", "Η πληρωμή {} ποσού {} επιστράφηκε."),
    ("A payment of {} is disputed.", "Μια πληρωμή ποσού {} αμφισβητείται."),
    ("{} used {} of credit on {}.", "Ο πελάτης {} χρησιμοποίησε πίστωση {} για {}."),
    ("{} failed sign-in attempts from {} in 15 minutes.", "{} αποτυχημένες προσπάθειες σύνδεσης από {} σε 15 λεπτά."),
    ("Invoice viewed", "Προβολή τιμολογίου"),
    ("Estimate accepted", "Αποδοχή προσφοράς"),
    ("Estimate rejected", "Απόρριψη προσφοράς"),
    ("New message", "Νέο μήνυμα"),
    ("Payment received", "Πληρωμή ελήφθη"),
    ("Payment refunded", "Επιστροφή πληρωμής"),
    ("Payment disputed", "Αμφισβήτηση πληρωμής"),
    ("Credit used", "Χρήση πίστωσης"),
    ("Failed sign-ins", "Αποτυχημένες συνδέσεις"),
    ("Notice", "Ειδοποίηση"),
    ("Card", "Κάρτα"),
    ("Cash", "Μετρητά"),
    ("Cheque", "Επιταγή"),
    ("Cryptocurrency", "Κρυπτονόμισμα"),
    ("Direct debit", "Άμεση χρέωση"),
    ("Other", "Άλλο"),
    ("Payments in progress", "Πληρωμές σε εξέλιξη"),
    ("See its status", "Δείτε την κατάστασή της"),
    ("Totals for the period", "Σύνολα περιόδου"),
    ("Balance and amount due", "Υπόλοιπο και οφειλόμενο ποσό"),
    ("Amount due on invoices", "Οφειλόμενο ποσό τιμολογίων"),
    ("Unapplied credit held for you", "Αδιάθετη πίστωση υπέρ σας"),
    ("Credit is used on your next payment, or you can use it now on the Pay page.", "Η πίστωση χρησιμοποιείται στην επόμενη πληρωμή σας ή μπορείτε να τη χρησιμοποιήσετε τώρα στη σελίδα Πληρωμής."),
    ("Unapplied — held as credit", "Αδιάθετο — κρατείται ως πίστωση"),
    ("on", "επί"),
    ("Credit of {} used.", "Χρησιμοποιήθηκε πίστωση {}."),
    ("Pay invoices of one currency at a time.", "Πληρώστε τιμολόγια ενός νομίσματος κάθε φορά."),
    ("What you are paying", "Τι πληρώνετε"),
    ("Change what to pay", "Αλλαγή επιλογής"),
    ("You have credit of", "Έχετε πίστωση"),
    ("It covers this payment in full.", "Καλύπτει ολόκληρη την πληρωμή."),
    ("Use it first and pay only the rest online.", "Χρησιμοποιήστε τη πρώτα και πληρώστε ηλεκτρονικά μόνο το υπόλοιπο."),
    ("Settle from credit", "Εξόφληση από την πίστωση"),
    ("Use credit", "Χρήση πίστωσης"),
    ("Amount to pay", "Ποσό πληρωμής"),
    ("Leave empty to pay the total.", "Αφήστε το κενό για να πληρώσετε το σύνολο."),
    ("A partial payment is at least", "Η μερική πληρωμή είναι τουλάχιστον"),
    ("Review", "Έλεγχος"),
    ("pay by card on Stripe's secure page", "πληρωμή με κάρτα στην ασφαλή σελίδα της Stripe"),
    ("we show the account and the reference to quote", "σας δείχνουμε τον λογαριασμό και την αιτιολογία που θα αναφέρετε"),
    ("a test page: no money moves", "δοκιμαστική σελίδα: δεν μεταφέρονται χρήματα"),
    ("Try again", "Δοκιμάστε ξανά"),
    ("Choose another method", "Επιλογή άλλου τρόπου"),
    ("Check your inbox", "Ελέγξτε τα εισερχόμενά σας"),
    ("If the address belongs to this portal, a sign-in link is on its way. Open it on this device: it works once, for 10 minutes.", "Αν η διεύθυνση ανήκει σε αυτή την πύλη, ένας σύνδεσμος σύνδεσης είναι καθ' οδόν. Ανοίξτε τον σε αυτή τη συσκευή: λειτουργεί μία φορά, για 10 λεπτά."),
    ("Nothing after a few minutes? Look in your spam folder, or ask again.", "Τίποτα μετά από λίγα λεπτά; Κοιτάξτε στα ανεπιθύμητα ή ζητήστε ξανά."),
    ("Use another address", "Χρήση άλλης διεύθυνσης"),
];

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
        let mut keys: Vec<_> = GREEK.iter().map(|(k, _)| *k).collect();
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
