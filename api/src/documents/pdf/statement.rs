//! A client's statement for a period: opening balance, every line with its running balance,
//! closing balance, and the aging of what is still open.

use chrono::NaiveDate;
use portico_domain::{Currency, Money};
use portico_pdf::{Column, Document, Fact, Row, Table, Total};

use super::{money, Drawn};
use crate::core::db::Store;
use crate::core::error::AppResult;
use crate::core::mail::message::Lang;
use crate::core::scope::Scope;
use crate::documents::ledger_lists::ledger_kind_text;

pub async fn statement(
    store: &Store,
    scope: &Scope,
    client_id: &str,
    currency: Option<Currency>,
    from: NaiveDate,
    to: NaiveDate,
    lang: Lang,
) -> AppResult<Drawn> {
    let s = store
        .statement(scope, client_id, currency, from, to)
        .await?;
    let super::kinds::Parties { brand, buyer, .. } =
        super::kinds::parties(store, scope, client_id, lang).await?;
    let t = |en, el| lang.pick(en, el).to_owned();
    let amount = |m: Money| {
        if m.minor == 0 {
            String::new()
        } else {
            money(lang, m)
        }
    };
    let mut rows = vec![Row::strong(vec![
        lang.date(s.from),
        t("Opening balance", "Υπόλοιπο έναρξης"),
        String::new(),
        String::new(),
        money(lang, s.opening_balance),
    ])];
    rows.extend(s.lines.iter().map(|l| {
        Row::new(vec![
            lang.date(l.date),
            format!("{} {}", ledger_kind_text(lang, l.kind), l.reference),
            amount(l.debit),
            amount(l.credit),
            money(lang, l.balance),
        ])
    }));
    rows.push(Row::strong(vec![
        lang.date(s.to),
        t("Closing balance", "Υπόλοιπο τέλους περιόδου"),
        money(lang, s.total_debits),
        money(lang, s.total_credits),
        money(lang, s.closing_balance),
    ]));
    let ledger = Table {
        title: None,
        columns: vec![
            Column::text(t("Date", "Ημερομηνία")),
            Column::wide(t("Document", "Παραστατικό")),
            Column::amount(t("Debit", "Χρέωση")),
            Column::amount(t("Credit", "Πίστωση")),
            Column::amount(t("Balance", "Υπόλοιπο")),
        ],
        rows,
        empty: String::new(),
    };
    let a = s.aging;
    let aging = Table {
        title: Some(t(
            "Aging of open invoices",
            "Χρονική ανάλυση ανοιχτών τιμολογίων",
        )),
        columns: vec![
            Column::amount(t("Not yet due", "Μη ληξιπρόθεσμα")),
            Column::amount(t("1–30 days", "1–30 ημέρες")),
            Column::amount(t("31–60 days", "31–60 ημέρες")),
            Column::amount(t("61–90 days", "61–90 ημέρες")),
            Column::amount(t("Over 90 days", "Πάνω από 90 ημέρες")),
            Column::amount(t("Total", "Σύνολο")),
        ],
        rows: vec![Row::new(
            [
                a.current,
                a.days_1_30,
                a.days_31_60,
                a.days_61_90,
                a.days_over_90,
                a.total,
            ]
            .into_iter()
            .map(|m| money(lang, m))
            .collect(),
        )],
        empty: String::new(),
    };
    let doc = Document {
        lang: lang.code().to_owned(),
        title: t("Statement", "Καρτέλα πελάτη"),
        number: String::new(),
        accent: brand.accent,
        seller: brand.seller,
        buyer: Some(buyer),
        buyer_label: t("Account of", "Λογαριασμός"),
        facts: vec![
            Fact {
                label: t("Period", "Περίοδος"),
                value: format!("{} – {}", lang.date(s.from), lang.date(s.to)),
            },
            Fact {
                label: t("Currency", "Νόμισμα"),
                value: s.currency.code().to_owned(),
            },
            Fact {
                label: t("Balance", "Υπόλοιπο"),
                value: money(lang, s.closing_balance),
            },
        ],
        tables: vec![ledger, aging],
        totals: vec![Total {
            label: t("Closing balance", "Υπόλοιπο τέλους περιόδου"),
            amount: money(lang, s.closing_balance),
            strong: true,
        }],
        stamp: None,
        link: None,
        notes: Vec::new(),
        footer: brand.footer,
    };
    Ok(Drawn {
        doc,
        logo: brand.logo,
        file_name: format!("statement-{from}-{to}.pdf"),
    })
}
