//! The invoice editor's form as typed: lines as text, read into the API's `LineInput`s (by the
//! form action, and by the editor for its live totals), and the API's error fields mapped back to
//! the line and column they are about.

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::Qs;

/// One line as typed (text, not yet numbers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Row {
    pub description: String,
    pub quantity: String,
    pub unit_price: String,
    pub tax_rate: String,
    /// `10%` (percent off) or `5.00` (an amount off).
    pub discount: String,
}

/// The editor's columns: (form field, what the API calls it).
pub const COLUMNS: [&str; 5] = [
    "description",
    "quantity",
    "unit_price",
    "tax_rate",
    "discount",
];

impl Row {
    pub fn is_blank(&self) -> bool {
        [
            &self.description,
            &self.quantity,
            &self.unit_price,
            &self.tax_rate,
            &self.discount,
        ]
        .iter()
        .all(|v| v.trim().is_empty())
    }

    pub fn get(&self, column: &str) -> &str {
        match column {
            "description" => &self.description,
            "quantity" => &self.quantity,
            "unit_price" => &self.unit_price,
            "tax_rate" => &self.tax_rate,
            _ => &self.discount,
        }
    }

    pub fn set(&mut self, column: &str, value: String) {
        match column {
            "description" => self.description = value,
            "quantity" => self.quantity = value,
            "unit_price" => self.unit_price = value,
            "tax_rate" => self.tax_rate = value,
            _ => self.discount = value,
        }
    }

    /// The line as the API's `LineInput`, or the column that does not read as a number and why.
    /// A blank quantity is 1 and a blank price 0; `,` is read as the decimal point.
    pub fn to_input(&self) -> Result<serde_json::Value, (&'static str, &'static str)> {
        let num = |s: &str| s.trim().replace(',', ".");
        let quantity = match num(&self.quantity) {
            q if q.is_empty() => "1".to_owned(),
            q if number_like(&q) => q,
            _ => return Err(("quantity", "enter a quantity such as 2 or 1.5")),
        };
        let price = match num(&self.unit_price) {
            p if p.is_empty() => "0".to_owned(),
            p if number_like(&p) => p,
            _ => return Err(("unit_price", "enter an amount such as 120.50")),
        };
        let mut line = json!({
            "description": self.description.trim(),
            "quantity": quantity,
            "unitPrice": price,
        });
        let rate = num(self.tax_rate.trim_end_matches('%'));
        if !rate.is_empty() {
            if !number_like(&rate) {
                return Err(("tax_rate", "enter a tax rate such as 24"));
            }
            line["taxRate"] = json!(rate);
        }
        let discount = num(&self.discount);
        if let Some(p) = discount.strip_suffix('%') {
            let p = p.trim();
            if !number_like(p) {
                return Err(("discount", "enter a discount such as 10% or 5.00"));
            }
            line["discountPercent"] = json!(p);
        } else if !discount.is_empty() {
            if !number_like(&discount) {
                return Err(("discount", "enter a discount such as 10% or 5.00"));
            }
            line["discountAmount"] = json!(discount);
        }
        Ok(line)
    }
}

/// Digits with at most one decimal point (no sign, no exponent).
fn number_like(s: &str) -> bool {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    !(int.is_empty() && frac.is_empty())
        && int.len() <= 16
        && frac.len() <= 8
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !frac.contains('.')
}

/// The editor column an API error field (`lines.2.taxRate`) is about, and the line's index.
pub fn field_at(field: &str) -> Option<(usize, &'static str)> {
    let rest = field.strip_prefix("lines.")?;
    let (i, name) = rest.split_once('.')?;
    let i = i.parse().ok()?;
    let n = name.to_ascii_lowercase();
    let column = if n.contains("quantity") {
        "quantity"
    } else if n.contains("tax") || n.contains("vat") {
        "tax_rate"
    } else if n.contains("discount") {
        "discount"
    } else if n.contains("description") {
        "description"
    } else {
        "unit_price"
    };
    Some((i, column))
}

/// Everything the form holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Draft {
    pub client: String,
    pub currency: String,
    pub reference: String,
    pub issue_date: String,
    pub due_date: String,
    pub notes: String,
    pub terms: String,
    pub rows: Vec<Row>,
}

impl Draft {
    /// What a refused save sent back (the form's fields in the query string).
    pub fn from_query(q: &Qs) -> Draft {
        let cols: Vec<Vec<String>> = COLUMNS.iter().map(|c| q.all(c)).collect();
        let n = cols.iter().map(Vec::len).max().unwrap_or(0);
        let rows = (0..n)
            .map(|i| {
                let mut r = Row::default();
                for (c, values) in COLUMNS.iter().zip(&cols) {
                    r.set(c, values.get(i).cloned().unwrap_or_default());
                }
                r
            })
            .collect();
        Draft {
            client: q.get("client"),
            currency: q.get("currency"),
            reference: q.get("reference"),
            issue_date: q.get("issue_date"),
            due_date: q.get("due_date"),
            notes: q.all("notes").pop().unwrap_or_default(),
            terms: q.all("terms").pop().unwrap_or_default(),
            rows,
        }
    }

    /// The lines that are not blank, as `LineInput`s (the form action reads them).
    #[cfg_attr(not(feature = "server"), allow(dead_code))]
    pub fn inputs(&self) -> Result<Vec<serde_json::Value>, (usize, &'static str, &'static str)> {
        self.rows
            .iter()
            .filter(|r| !r.is_blank())
            .enumerate()
            .map(|(i, r)| r.to_input().map_err(|(c, m)| (i, c, m)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_read_as_line_inputs() {
        let r = Row {
            description: "Design".into(),
            quantity: "2,5".into(),
            unit_price: "120".into(),
            tax_rate: "24%".into(),
            discount: "10 %".into(),
        };
        let v = r.to_input().unwrap_or_default();
        assert_eq!(v["quantity"], "2.5");
        assert_eq!(v["taxRate"], "24");
        assert_eq!(v["discountPercent"], "10");
        let amount_off = Row {
            discount: "5.00".into(),
            ..r.clone()
        };
        assert_eq!(
            amount_off.to_input().unwrap_or_default()["discountAmount"],
            "5.00"
        );
        let defaults = Row {
            description: "Call".into(),
            ..Row::default()
        };
        let v = defaults.to_input().unwrap_or_default();
        assert_eq!(
            (v["quantity"].as_str(), v["unitPrice"].as_str()),
            (Some("1"), Some("0"))
        );
        let bad = Row {
            quantity: "two".into(),
            ..r
        };
        assert_eq!(bad.to_input().err().map(|e| e.0), Some("quantity"));
    }

    #[test]
    fn api_fields_name_the_line_and_column() {
        assert_eq!(field_at("lines.2.taxRate"), Some((2, "tax_rate")));
        assert_eq!(field_at("lines.0.quantity"), Some((0, "quantity")));
        assert_eq!(field_at("lines.1.discountPercent"), Some((1, "discount")));
        assert_eq!(field_at("lines.3.amount"), Some((3, "unit_price")));
        assert_eq!(field_at("dueDate"), None);
    }
}
