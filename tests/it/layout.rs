//! The layout holds: imports go one way (`domain` <- `core` <- areas <- `graphql` <- `http` <- `app`
//! <- `cli`), areas import only areas below them, and no source file grows past 600 lines. See
//! `docs/ARCHITECTURE.md`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The areas, lowest first: an area may use the areas before it, never those after it.
const AREAS: [&str; 14] = [
    "tenancy",
    "identity",
    "parties",
    "invoicing",
    "estimates",
    "payments",
    "credit",
    "projects",
    "threads",
    "help",
    "notifications",
    "reporting",
    "documents",
    "webhooks_out",
];

/// Above the areas, in order: each may use everything before it.
const ABOVE: [&str; 4] = ["graphql", "http", "app", "cli"];

fn repo() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
        .join("..")
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The layer a file of `api/src` belongs to (`core`, an area, `graphql`, …). An area's GraphQL
/// (`<area>/graphql.rs` or `<area>/graphql/`) lives in the area's folder but belongs to the GraphQL
/// layer: it may use every area and the schema's support, and no area may use it.
fn top_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("under api/src");
    let parts: Vec<&str> = rel
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .collect();
    let first = parts.first().copied().unwrap_or_default();
    if AREAS.contains(&first)
        && parts
            .get(1)
            .is_some_and(|p| *p == "graphql.rs" || *p == "graphql")
    {
        return "graphql".into();
    }
    first.trim_end_matches(".rs").to_owned()
}

/// The layers a file names through `crate::…` outside its unit tests (`crate::AREA::graphql` is
/// the GraphQL layer).
fn uses(text: &str) -> BTreeSet<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    let mut found = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            continue;
        }
        let graphql_of_area = AREAS.contains(&name.as_str())
            && rest[name.len()..].starts_with("::graphql")
            && !rest[name.len() + "::graphql".len()..]
                .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
        found.insert(if graphql_of_area {
            "graphql".into()
        } else {
            name
        });
    }
    found
}

/// Rank of a top-level module: lower may not use higher.
fn rank(top: &str) -> Option<usize> {
    if top == "core" {
        return Some(0);
    }
    if let Some(i) = AREAS.iter().position(|a| *a == top) {
        return Some(1 + i);
    }
    ABOVE
        .iter()
        .position(|a| *a == top)
        .map(|i| 1 + AREAS.len() + i)
}

#[test]
fn imports_go_from_the_core_up_through_the_areas() {
    let src = repo().join("api/src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut wrong = Vec::new();
    let mut unknown = BTreeSet::new();
    for file in &files {
        let top = top_of(&src, file);
        if top == "lib" || top == "main" {
            continue;
        }
        let Some(own) = rank(&top) else {
            unknown.insert(top);
            continue;
        };
        let text = std::fs::read_to_string(file).expect("source");
        for used in uses(&text) {
            if used == top || used == "domain" {
                continue;
            }
            match rank(&used) {
                Some(r) if r < own => {}
                _ => wrong.push(format!(
                    "{} ({top}) uses crate::{used}",
                    file.strip_prefix(&src).unwrap_or(file).display()
                )),
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "top-level modules missing from the layout test's order (add them to AREAS or ABOVE): {unknown:?}"
    );
    assert!(
        wrong.is_empty(),
        "imports against the layout's direction (core <- areas in order <- graphql <- http <- app <- cli):\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_core_names_no_table_of_an_area() {
    // core/ holds the database plumbing and the tables every area writes (audit, outbox,
    // notifications, events); an area's tables are named only in that area.
    let src = repo().join("api/src/core");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let area_tables = [
        "FROM invoices",
        "FROM clients",
        "FROM payments",
        "FROM estimates",
        "FROM credit_notes",
        "FROM projects",
        "FROM threads",
        "INTO invoices",
        "INTO payments",
    ];
    let mut wrong = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("source");
        for t in area_tables {
            if text.contains(t) {
                wrong.push(format!("{}: {t}", file.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn no_source_file_is_over_600_lines() {
    let mut files = Vec::new();
    sources(&repo().join("api/src"), &mut files);
    sources(&repo().join("web/src"), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let lines = std::fs::read_to_string(f).expect("source").lines().count();
            (lines > 600).then(|| format!("{} ({lines} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these files: {long:?}");
}

#[test]
fn every_now_is_read_from_the_clock() {
    // Tests move the app's clock (`core::clock`); a direct read of the system time would not move
    // with it. The command-line tools (benchmarks, the soak) act as outside parties and may.
    let src = repo().join("api/src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let direct = ["Utc::now()", "SystemTime::now()", "Local::now()"];
    let wrong: Vec<String> = files
        .iter()
        .filter(|f| !f.ends_with("core/clock.rs") && !f.starts_with(src.join("cli")))
        .filter_map(|f| {
            let text = std::fs::read_to_string(f).expect("source");
            direct
                .iter()
                .any(|d| text.contains(d))
                .then(|| f.display().to_string())
        })
        .collect();
    assert!(wrong.is_empty(), "read the time from the Clock: {wrong:?}");
}

#[test]
fn invoice_payment_and_attempt_ids_are_typed() {
    // Their global ids are made and read only by their types (`InvoiceId::from_global`,
    // `id.to_global()`), so one kind's id cannot stand for another's.
    let src = repo().join("api/src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let untyped = [
        "\"Invoice\")",
        "\"Payment\")",
        "\"PaymentAttempt\")",
        "encode(\"Invoice\"",
        "encode(\"Payment\"",
        "encode(\"PaymentAttempt\"",
    ];
    let wrong: Vec<String> = files
        .iter()
        .filter(|f| !f.ends_with("core/ids.rs"))
        .filter_map(|f| {
            let text = std::fs::read_to_string(f).expect("source");
            let hits: Vec<&str> = untyped
                .iter()
                .copied()
                .filter(|u| text.contains(u))
                .collect();
            (!hits.is_empty()).then(|| format!("{}: {hits:?}", f.display()))
        })
        .collect();
    assert!(wrong.is_empty(), "use the typed ids: {wrong:?}");
}

#[test]
fn sql_is_written_only_in_the_areas_and_the_core() {
    // An area's SQL is in its own files (never in GraphQL, HTTP or the command line); the core
    // holds the database plumbing and the tables every area writes. The benchmark's bulk loader
    // is the one exception: it writes rows by the thousand.
    let src = repo().join("api/src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let wrong: Vec<String> = files
        .iter()
        .filter(|f| {
            let top = top_of(&src, f);
            !(top == "core" || AREAS.contains(&top.as_str()) || f.ends_with("cli/bulk.rs"))
        })
        .filter(|f| {
            let text = std::fs::read_to_string(f).expect("source");
            text.contains("sqlx::query")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(wrong.is_empty(), "SQL outside the areas: {wrong:?}");
}
