use super::*;

/// A Greek invoice with `rows` lines, a stamp, a link and a note.
pub fn sample(rows: usize) -> Document {
    Document {
        lang: "el".into(),
        title: "Τιμολόγιο".into(),
        number: "INV-2026-00117".into(),
        accent: "#0b5cad".into(),
        seller: Party {
            name: "Acme Ltd".into(),
            lines: vec!["1 Main St".into(), "Athens".into()],
        },
        buyer: Some(Party {
            name: "Όμικρον ΑΕ".into(),
            lines: vec!["Οδός Αθηνάς 5".into()],
        }),
        buyer_label: "Χρέωση προς".into(),
        facts: vec![Fact {
            label: "Due".into(),
            value: "2026-12-31".into(),
        }],
        tables: vec![Table {
            title: None,
            columns: vec![Column::wide("Description"), Column::amount("Amount")],
            rows: (0..rows)
                .map(|i| Row::new(vec![format!("Line {i}"), "€1.00".into()]))
                .collect(),
            empty: "None".into(),
        }],
        totals: vec![Total {
            label: "Total".into(),
            amount: "€10.00".into(),
            strong: true,
        }],
        stamp: Some(Stamp {
            text: "PAID".into(),
            detail: Some("2026-11-03".into()),
            tone: "green".into(),
        }),
        link: Some(Link {
            label: "Pay online".into(),
            url: "https://portal.example/acme/i/abc".into(),
        }),
        notes: vec![Note {
            title: "Terms".into(),
            body: "Net 30.\nThank you.".into(),
        }],
        footer: "Acme Ltd · VAT EL123".into(),
    }
}

#[test]
fn draws_a_pdf_with_a_logo_and_a_qr_code() -> Result<(), Error> {
    let logo = Logo {
        bytes: br##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#0b5cad"/></svg>"##.to_vec(),
        format: "svg",
    };
    let pdf = render(&sample(3), Some(logo))?;
    assert!(pdf.starts_with(b"%PDF-"));
    Ok(())
}

#[test]
fn a_long_table_runs_over_several_pages() -> Result<(), Error> {
    let (_, short) = render_counted(&sample(3), None)?;
    let (_, long) = render_counted(&sample(300), None)?;
    assert_eq!(short, 1);
    assert!(long >= 5, "{long} pages");
    Ok(())
}
