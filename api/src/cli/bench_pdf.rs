//! `portico bench-pdf`: draws a one-page invoice and a statement of about twenty pages with the
//! PDF renderer, one after another and then on every core, and prints documents per second,
//! pages and the process's peak resident memory while drawing (sampled every 5 ms, over the
//! memory before).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use portico_pdf::{Column, Document, Fact, Link, Note, Party, Row, Stamp, Table, Total};

use crate::cli::soak::rss_kib;

#[derive(Debug, clap::Args)]
pub struct BenchPdfArgs {
    /// Invoices to draw.
    #[arg(long, default_value_t = 200)]
    pub invoices: usize,
    /// Statements to draw.
    #[arg(long, default_value_t = 10)]
    pub statements: usize,
    /// Lines of the statement (about 45 a page).
    #[arg(long, default_value_t = 880)]
    pub statement_lines: usize,
}

fn party(name: &str, lines: &[&str]) -> Party {
    Party {
        name: name.into(),
        lines: lines.iter().map(|l| (*l).to_owned()).collect(),
    }
}

fn base(title: &str, number: &str) -> Document {
    Document {
        lang: "el".into(),
        title: title.into(),
        number: number.into(),
        accent: "#1f4e79".into(),
        seller: party(
            "Ξενοδοχεία Αιγαίου ΑΕ",
            &["Οδός Αθηνάς 10", "105 51 Αθήνα, GR", "ΑΦΜ EL094019245"],
        ),
        buyer: Some(party(
            "Helios Travel Ltd",
            &["Marktplatz 5", "80331 München, DE", "VAT DE123456789"],
        )),
        buyer_label: "Προς".into(),
        facts: vec![
            Fact {
                label: "Έκδοση".into(),
                value: "2 Νοεμβρίου 2026".into(),
            },
            Fact {
                label: "Λήξη".into(),
                value: "2 Δεκεμβρίου 2026".into(),
            },
        ],
        tables: Vec::new(),
        totals: Vec::new(),
        stamp: None,
        link: None,
        notes: Vec::new(),
        footer: "Ξενοδοχεία Αιγαίου ΑΕ · EL094019245 · billing@aegean.example".into(),
    }
}

fn invoice() -> Document {
    let mut d = base("Τιμολόγιο", "INV-2026-00117");
    d.tables.push(Table {
        title: None,
        columns: vec![
            Column::wide("Περιγραφή"),
            Column::amount("Ποσότητα"),
            Column::amount("Τιμή μονάδας"),
            Column::amount("ΦΠΑ"),
            Column::amount("Ποσό"),
        ],
        rows: (1..=10)
            .map(|i| {
                Row::new(vec![
                    format!("Δωμάτιο {i}: διανυκτέρευση με πρωινό"),
                    "2".into(),
                    "89,90 EUR".into(),
                    "13%".into(),
                    "179,80 EUR".into(),
                ])
            })
            .collect(),
        empty: String::new(),
    });
    d.totals = vec![
        Total {
            label: "Μερικό σύνολο".into(),
            amount: "1.798,00 EUR".into(),
            strong: false,
        },
        Total {
            label: "ΦΠΑ 13% επί 1.798,00 EUR".into(),
            amount: "233,74 EUR".into(),
            strong: false,
        },
        Total {
            label: "Σύνολο".into(),
            amount: "2.031,74 EUR".into(),
            strong: true,
        },
    ];
    d.link = Some(Link {
        label: "Πληρωμή online".into(),
        url: "https://portal.example/aegean/pay?invoice=SW52b2ljZTowMTk0ZjJhZS0xMjM0".into(),
    });
    d.notes.push(Note {
        title: "Πληρωμή με τραπεζική μεταφορά".into(),
        body: "IBAN GR16 0110 1250 0000 0001 2300 695\nBIC ETHNGRAA".into(),
    });
    d
}

fn statement(lines: usize) -> Document {
    let mut d = base("Καρτέλα πελάτη", "");
    d.stamp = None::<Stamp>;
    let mut rows = vec![Row::strong(vec![
        "1 Ιανουαρίου 2026".into(),
        "Υπόλοιπο έναρξης".into(),
        String::new(),
        String::new(),
        "0,00 EUR".into(),
    ])];
    rows.extend((1..=lines).map(|i| {
        Row::new(vec![
            "3 Μαρτίου 2026".into(),
            format!("Πληρωμή PAY-2026-{i:05}"),
            String::new(),
            "1,00 EUR".into(),
            format!("{},00 EUR", lines - i),
        ])
    }));
    d.tables.push(Table {
        title: None,
        columns: vec![
            Column::text("Ημερομηνία"),
            Column::wide("Παραστατικό"),
            Column::amount("Χρέωση"),
            Column::amount("Πίστωση"),
            Column::amount("Υπόλοιπο"),
        ],
        rows,
        empty: String::new(),
    });
    d
}

/// Draws `doc` `n` times on `threads` threads: (seconds, pages per document, peak RSS KiB).
fn measure(doc: &Document, n: usize, threads: usize) -> anyhow::Result<(f64, usize, u64)> {
    let before = rss_kib();
    let peak = Arc::new(AtomicU64::new(before));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let started = Instant::now();
    let pages = std::thread::scope(|s| -> anyhow::Result<usize> {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || -> anyhow::Result<usize> {
                    let mut pages = 0;
                    for i in (t..n).step_by(threads) {
                        // Each drawing differs (number, a line) so Typst's memo cache cannot
                        // hand back a previous one.
                        let mut doc = doc.clone();
                        doc.number = format!("{}-{i}", doc.number);
                        if let Some(cell) = doc.tables[0].rows[0].cells.get_mut(0) {
                            cell.push_str(&format!(" {i}"));
                        }
                        pages = portico_pdf::render_counted(&doc, None)?.1;
                    }
                    Ok(pages)
                })
            })
            .collect();
        let mut pages = 0;
        for w in workers {
            pages = pages.max(
                w.join()
                    .map_err(|_| anyhow::anyhow!("a drawing thread panicked"))??,
            );
        }
        Ok(pages)
    })?;
    let took = started.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    let _ = sampler.join();
    Ok((
        took,
        pages,
        peak.load(Ordering::Relaxed).saturating_sub(before),
    ))
}

pub fn run(args: BenchPdfArgs) -> anyhow::Result<()> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let cases = [
        ("invoice", invoice(), args.invoices.max(1)),
        (
            "statement",
            statement(args.statement_lines),
            args.statements.max(1),
        ),
    ];
    let started = Instant::now();
    for (_, doc, _) in &cases {
        portico_pdf::render(doc, None)?;
    }
    println!(
        "first drawing (fonts and layout loaded): {:.2} s, RSS {:.1} MiB",
        started.elapsed().as_secs_f64(),
        rss_kib() as f64 / 1024.0
    );
    for (name, doc, n) in &cases {
        for threads in [1, cores] {
            let (took, pages, peak) = measure(doc, *n, threads)?;
            println!(
                "{name:>9}: {n} × {pages} page(s) on {threads} thread(s) in {took:.2} s: {:.1} PDFs/s, {:.1} ms each, peak RSS +{:.1} MiB",
                *n as f64 / took,
                took * 1000.0 * threads as f64 / *n as f64,
                peak as f64 / 1024.0,
            );
        }
    }
    Ok(())
}
