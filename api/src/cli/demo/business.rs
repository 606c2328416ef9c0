//! The demo businesses' legal details and document settings: what their documents and
//! e-invoices print.

use crate::core::db::Store;
use crate::core::scope::Scope;

pub(super) async fn seed(
    store: &Store,
    staff: &Scope,
    slug: &str,
    email: &str,
) -> anyhow::Result<()> {
    // What its documents and e-invoices print: legal address, VAT id, bank details.
    store
        .set_business_details(
            staff,
            crate::tenancy::BusinessDetails {
                vat_id: Some(format!("EL{:09}", 800_000_000 + slug.len() * 1_000_003)),
                address: Some("1 Demo Street".into()),
                city: Some("Athens".into()),
                postal_code: Some("105 51".into()),
                country: Some("GR".into()),
                email: Some(email.into()),
                phone: Some("+30 210 000 0000".into()),
            },
        )
        .await?;
    store
        .set_document_settings(
            staff,
            crate::tenancy::DocumentSettings {
                footer: None,
                payment_terms: Some("Payment within 30 days of the invoice date.".into()),
                bank_name: Some("Demo Bank".into()),
                iban: Some("GR1601101250000000012300695".into()),
                bic: Some("ETHNGRAA".into()),
                attach_pdfs: true,
            },
        )
        .await?;
    // Its help articles, in both languages (the Help page shows the reader's).
    for (position, (locale, title, body)) in HELP.iter().enumerate() {
        store
            .create_help_article(
                staff,
                crate::help::ArticleInput {
                    locale: (*locale).into(),
                    title: (*title).into(),
                    body: (*body).into(),
                    position: (position % 3) as i64,
                },
            )
            .await?;
    }
    Ok(())
}

const HELP: [(&str, &str, &str); 6] = [
    ("en", "How do I pay an invoice?", "Open the invoice or the **Dashboard** and choose **Pay now**.\n\n- Pay several invoices at once from the dashboard.\n- Pay part of one, when the business allows it.\n- Card payments are confirmed at once; bank transfers when the money arrives."),
    ("en", "Where is my receipt?", "Every payment has a receipt under **Payments**, as a page and as a PDF. Receipts of online payments are also emailed to you."),
    ("en", "How do I sign in without email?", "Add a **passkey** in *Settings* (your phone's or computer's screen lock). Next time, choose *Sign in with a passkey*."),
    ("el", "Πώς πληρώνω ένα τιμολόγιο;", "Ανοίξτε το τιμολόγιο ή τον **Πίνακα** και επιλέξτε **Πληρωμή τώρα**.\n\n- Πληρώστε πολλά τιμολόγια μαζί από τον πίνακα.\n- Πληρώστε μέρος ενός, όταν το επιτρέπει η επιχείρηση.\n- Οι πληρωμές με κάρτα επιβεβαιώνονται αμέσως· οι τραπεζικές μεταφορές όταν φτάσουν τα χρήματα."),
    ("el", "Πού είναι η απόδειξή μου;", "Κάθε πληρωμή έχει απόδειξη στις **Πληρωμές**, ως σελίδα και ως PDF. Οι αποδείξεις των ηλεκτρονικών πληρωμών σας αποστέλλονται και με email."),
    ("el", "Πώς συνδέομαι χωρίς email;", "Προσθέστε ένα **κλειδί πρόσβασης** στις *Ρυθμίσεις* (το κλείδωμα οθόνης του κινητού ή του υπολογιστή σας). Την επόμενη φορά επιλέξτε *Σύνδεση με κλειδί*."),
];
