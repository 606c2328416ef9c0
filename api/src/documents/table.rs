//! A table to export: typed columns and rows, written as CSV (UTF-8 with BOM, `,` or `;`, ISO
//! dates, formula injection defused) or as XLSX (real dates and numbers, money with two
//! decimals, a frozen header, a filter and a totals row). Rows arrive page by page, so an export
//! never holds the whole list.

use chrono::NaiveDate;
use portico_domain::Money;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Date,
    /// An amount in the row's currency: two decimals, summed in the totals row.
    Money,
    /// A quantity (hours): a number with two decimals.
    Number,
}

#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub title: &'static str,
    pub kind: Kind,
    /// Width in characters (XLSX).
    pub width: f64,
    /// Summed in the XLSX totals row.
    pub total: bool,
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Date(NaiveDate),
    Money(Money),
    Number(rust_decimal::Decimal),
    Empty,
}

/// The field separator of a CSV export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Separator {
    #[default]
    Comma,
    /// For spreadsheets set to a language that writes decimals with a comma (Greek, German…).
    Semicolon,
}

impl Separator {
    pub fn parse(s: Option<&str>) -> Separator {
        match s.map(str::trim) {
            Some(";") | Some("semicolon") => Separator::Semicolon,
            _ => Separator::Comma,
        }
    }

    fn byte(self) -> u8 {
        match self {
            Separator::Comma => b',',
            Separator::Semicolon => b';',
        }
    }
}

/// Text a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab, carriage return) is
/// prefixed with `'`, as OWASP recommends for CSV.
pub fn defuse(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// Writes CSV, page by page.
pub struct CsvWriter {
    separator: Separator,
    pending: Vec<u8>,
}

impl CsvWriter {
    pub fn new(separator: Separator) -> CsvWriter {
        CsvWriter {
            separator,
            pending: Vec::new(),
        }
    }

    fn record<I: IntoIterator<Item = String>>(&mut self, fields: I) -> std::io::Result<()> {
        let mut w = csv::WriterBuilder::new()
            .delimiter(self.separator.byte())
            .terminator(csv::Terminator::CRLF)
            .from_writer(std::mem::take(&mut self.pending));
        w.write_record(fields)?;
        self.pending = w
            .into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        Ok(())
    }

    /// The header row.
    pub fn header(&mut self, columns: &[Column]) -> std::io::Result<()> {
        self.record(columns.iter().map(|c| defuse(c.title)))
    }

    pub fn row(&mut self, cells: &[Cell]) -> std::io::Result<()> {
        self.record(cells.iter().map(|c| match c {
            Cell::Text(t) => defuse(t),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::Money(m) => m.amount_string(),
            Cell::Number(n) => n.normalize().to_string(),
            Cell::Empty => String::new(),
        }))
    }

    /// What was written since the last call.
    pub fn take(&mut self) -> std::io::Result<Vec<u8>> {
        Ok(std::mem::take(&mut self.pending))
    }

    /// The UTF-8 byte-order mark, sent first so spreadsheets read UTF-8.
    pub const BOM: &'static [u8] = b"\xEF\xBB\xBF";
}

/// Writes an XLSX workbook of one sheet, row by row (constant memory: rows go to a temporary
/// file, not to memory).
pub struct XlsxWriter {
    book: rust_xlsxwriter::Workbook,
    columns: Vec<Column>,
    next_row: u32,
    date: rust_xlsxwriter::Format,
    money: rust_xlsxwriter::Format,
    bold: rust_xlsxwriter::Format,
}

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

impl XlsxWriter {
    pub fn new(sheet: &str, columns: &[Column]) -> std::io::Result<XlsxWriter> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let bold = rust_xlsxwriter::Format::new().set_bold();
        let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        let money = rust_xlsxwriter::Format::new().set_num_format("#,##0.00");
        {
            let ws = book
                .add_worksheet_with_constant_memory()
                .map_err(xlsx_err)?;
            ws.set_name(sheet).map_err(xlsx_err)?;
            for (i, c) in columns.iter().enumerate() {
                let col = i as u16;
                ws.set_column_width(col, c.width).map_err(xlsx_err)?;
                ws.write_string_with_format(0, col, c.title, &bold)
                    .map_err(xlsx_err)?;
            }
            ws.set_freeze_panes(1, 0).map_err(xlsx_err)?;
        }
        Ok(XlsxWriter {
            book,
            columns: columns.to_vec(),
            next_row: 1,
            date,
            money,
            bold,
        })
    }

    pub fn row(&mut self, cells: &[Cell]) -> std::io::Result<()> {
        let row = self.next_row;
        let ws = self.book.worksheet_from_index(0).map_err(xlsx_err)?;
        for (i, cell) in cells.iter().enumerate() {
            let col = i as u16;
            match cell {
                Cell::Text(t) => ws.write_string(row, col, t).map(|_| ()),
                Cell::Date(d) => ws
                    .write_date_with_format(row, col, d, &self.date)
                    .map(|_| ()),
                Cell::Money(m) => ws
                    .write_with_format(row, col, m.to_decimal(), &self.money)
                    .map(|_| ()),
                Cell::Number(n) => ws.write_with_format(row, col, *n, &self.money).map(|_| ()),
                Cell::Empty => Ok(()),
            }
            .map_err(xlsx_err)?;
        }
        self.next_row += 1;
        Ok(())
    }

    /// Adds the filter and the totals row, and returns the file.
    pub fn finish(mut self) -> std::io::Result<Vec<u8>> {
        let last_data = self.next_row - 1;
        let total_row = self.next_row;
        let ncols = self.columns.len() as u16;
        let ws = self.book.worksheet_from_index(0).map_err(xlsx_err)?;
        ws.autofilter(0, 0, last_data, ncols.saturating_sub(1))
            .map_err(xlsx_err)?;
        ws.write_string_with_format(total_row, 0, "Total", &self.bold)
            .map_err(xlsx_err)?;
        for (i, c) in self.columns.iter().enumerate() {
            if c.total && last_data >= 1 {
                let col = i as u16;
                let range = rust_xlsxwriter::utility::cell_range(1, col, last_data, col);
                ws.write_formula_with_format(
                    total_row,
                    col,
                    rust_xlsxwriter::Formula::new(format!("=SUM({range})")),
                    &self.money.clone().set_bold(),
                )
                .map_err(xlsx_err)?;
            }
        }
        self.book.save_to_buffer().map_err(xlsx_err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_other_text_is_kept() {
        assert_eq!(defuse("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(defuse("+1"), "'+1");
        assert_eq!(defuse("-x"), "'-x");
        assert_eq!(defuse("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defuse("Ξενοδοχείο"), "Ξενοδοχείο");
        assert_eq!(defuse(""), "");
    }

    #[test]
    fn csv_rows_use_the_separator_iso_dates_and_two_decimals() {
        let mut w = CsvWriter::new(Separator::Semicolon);
        w.header(&[
            Column {
                title: "A",
                kind: Kind::Text,
                width: 1.0,
                total: false,
            },
            Column {
                title: "B",
                kind: Kind::Date,
                width: 1.0,
                total: false,
            },
        ])
        .expect("header");
        w.row(&[
            Cell::Text("x;y".into()),
            Cell::Date(NaiveDate::from_ymd_opt(2026, 3, 1).expect("date")),
        ])
        .expect("row");
        let eur = portico_domain::Currency::parse("EUR").expect("EUR");
        w.row(&[Cell::Money(Money::new(123450, eur)), Cell::Empty])
            .expect("row");
        let text = String::from_utf8(w.take().expect("take")).expect("utf8");
        assert_eq!(text, "A;B\r\n\"x;y\";2026-03-01\r\n1234.50;\r\n");
    }
}
