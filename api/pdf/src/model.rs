//! What the layout draws. Everything is text the reader will see: the caller translates labels
//! and formats money and dates in the reader's language before building it.

use serde::Serialize;

/// One document of any kind.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// `en` or `el`: hyphenation and quotes.
    pub lang: String,
    /// The kind, as the reader says it: "Invoice", "Τιμολόγιο".
    pub title: String,
    /// `INV-2026-00117`; empty for a statement.
    pub number: String,
    /// The tenant's colour, `#rrggbb`.
    pub accent: String,
    pub seller: Party,
    pub buyer: Option<Party>,
    /// Label above the buyer ("Bill to").
    pub buyer_label: String,
    /// Dates, status and references beside the parties.
    pub facts: Vec<Fact>,
    /// Lines, ledger entries, allocations, aging: drawn in order, headers repeated on every page.
    pub tables: Vec<Table>,
    /// Under the first table, right-aligned.
    pub totals: Vec<Total>,
    /// A large stamp over the first page: VOID, PAID.
    pub stamp: Option<Stamp>,
    /// A payment or acceptance link, printed with its QR code.
    pub link: Option<Link>,
    /// Notes, terms, bank details: titled paragraphs kept whole.
    pub notes: Vec<Note>,
    /// Small print at the foot of every page, left of the page number.
    pub footer: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Party {
    pub name: String,
    /// Address, VAT id, email: one line each.
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Fact {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    Left,
    Right,
}

#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub title: String,
    pub align: Align,
    /// Takes the remaining width (one per table, usually the description).
    pub wide: bool,
}

impl Column {
    pub fn text(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            align: Align::Left,
            wide: false,
        }
    }
    pub fn wide(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            align: Align::Left,
            wide: true,
        }
    }
    pub fn amount(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            align: Align::Right,
            wide: false,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub cells: Vec<String>,
    /// Bold: an opening or closing balance, a total.
    pub strong: bool,
}

impl Row {
    pub fn new(cells: Vec<String>) -> Self {
        Self {
            cells,
            strong: false,
        }
    }
    pub fn strong(cells: Vec<String>) -> Self {
        Self {
            cells,
            strong: true,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub title: Option<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Shown in place of rows when there are none.
    pub empty: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Total {
    pub label: String,
    pub amount: String,
    pub strong: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Stamp {
    pub text: String,
    /// Under the stamp: "2026-11-03".
    pub detail: Option<String>,
    /// `red` for VOID, `green` for PAID.
    pub tone: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// "Pay online", "Accept online".
    pub label: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Note {
    pub title: String,
    pub body: String,
}
