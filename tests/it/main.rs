//! The integration tests: one binary, one module per file in this folder. Each runs on SQLite and
//! on PostgreSQL + Redis (`both_backends!`); the shared harness is `tests/common`. A file in this
//! folder without its `mod` line below fails `every_file_here_is_a_module`, so none is silently
//! left out.

#[macro_use]
#[path = "../common/mod.rs"]
mod common;

mod api;
mod auth;
mod back_office;
mod back_office_forms;
mod cancellation;
mod documents;
mod einvoices;
mod exports;
mod fuzz_args;
mod hosts;
mod invoice_editor;
mod layout;
mod ledger;
mod mail;
mod migrations;
mod outages;
mod passimpay;
mod passkeys;
mod payments;
mod portal;
mod portal_api;
mod portal_first_use;
mod roles;
mod signup;
mod staff_security;
mod stripe;
mod webhooks;
mod webhooks_out;

#[test]
fn every_file_here_is_a_module() {
    let api = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into());
    let here = api.join("../tests/it");
    let listed = include_str!("main.rs");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&here).expect("tests/it") {
        let path = entry.expect("entry").path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if path.extension().is_some_and(|e| e == "rs")
            && stem != "main"
            && !listed.contains(&format!("\nmod {stem};\n"))
        {
            missing.push(stem.to_owned());
        }
    }
    assert!(
        missing.is_empty(),
        "add `mod NAME;` to tests/it/main.rs for: {missing:?}"
    );
}
