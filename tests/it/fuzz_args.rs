//! Every argument of every query and mutation, fed hostile values (issue 10, item 5): control
//! characters, huge lists, amounts beyond the maximum, impossible dates, ids of the wrong type or
//! of another tenant, every enum value. The schema is read by introspection, so a field added
//! later is fuzzed too. Nothing may answer INTERNAL or a 5xx, as staff or as a client's contact.

use crate::common::{invoice, party, TestApp};
use axum::http::StatusCode;
use serde_json::{json, Map, Value};

const INTROSPECTION: &str = r#"{
  __schema {
    queryType { name } mutationType { name }
    types {
      kind name
      fields { name args { name type { ...T } } type { ...T } }
      inputFields { name type { ...T } }
      enumValues { name }
    }
  }
}
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }"#;

/// A small deterministic generator (xorshift), so a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
    fn chance(&mut self, one_in: u64) -> bool {
        self.next().is_multiple_of(one_in)
    }
}

struct Schema {
    types: Map<String, Value>,
}

impl Schema {
    fn ty(&self, name: &str) -> &Value {
        &self.types[name]
    }
}

/// `[ID!]!` and friends, from an introspected type reference.
fn type_string(t: &Value) -> String {
    match t["kind"].as_str() {
        Some("NON_NULL") => format!("{}!", type_string(&t["ofType"])),
        Some("LIST") => format!("[{}]", type_string(&t["ofType"])),
        _ => t["name"].as_str().unwrap_or_default().to_owned(),
    }
}

fn named(t: &Value) -> &Value {
    match t["kind"].as_str() {
        Some("NON_NULL") | Some("LIST") => named(&t["ofType"]),
        _ => t,
    }
}

struct Ids {
    mine: Vec<String>,
    foreign: Vec<String>,
}

fn value(schema: &Schema, t: &Value, rng: &mut Rng, ids: &Ids, depth: usize) -> Value {
    match t["kind"].as_str() {
        Some("NON_NULL") => value(schema, &t["ofType"], rng, ids, depth),
        Some("LIST") => {
            let mut n = *rng.pick(&[0usize, 1, 2, 3, 40, 1_001, 5_000]);
            let one = value(schema, &t["ofType"], rng, ids, depth + 1);
            if n > 40 && one.to_string().len() > 64 {
                n = 41; // keeps the body under the 1 MiB limit
            }
            if n > 40 {
                // A long list of one value (the status-filter case), cheap to build.
                Value::Array(vec![one; n])
            } else {
                Value::Array(
                    (0..n)
                        .map(|i| {
                            if i == 0 {
                                one.clone()
                            } else {
                                value(schema, &t["ofType"], rng, ids, depth + 1)
                            }
                        })
                        .collect(),
                )
            }
        }
        _ => {
            let name = t["name"].as_str().unwrap_or_default();
            let def = schema.ty(name);
            match def["kind"].as_str() {
                Some("ENUM") => {
                    let values: Vec<&str> = def["enumValues"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|v| v["name"].as_str())
                        .collect();
                    json!(rng.pick(&values))
                }
                Some("INPUT_OBJECT") => {
                    let mut obj = Map::new();
                    for f in def["inputFields"].as_array().into_iter().flatten() {
                        let required = f["type"]["kind"] == "NON_NULL";
                        if depth > 4 && !required {
                            continue;
                        }
                        if required || !rng.chance(3) {
                            let key = f["name"].as_str().unwrap_or_default().to_owned();
                            obj.insert(key, value(schema, &f["type"], rng, ids, depth + 1));
                        }
                    }
                    Value::Object(obj)
                }
                _ => scalar(name, rng, ids),
            }
        }
    }
}

fn scalar(name: &str, rng: &mut Rng, ids: &Ids) -> Value {
    let long = "x".repeat(10_001);
    match name {
        "Int" => json!(rng.pick(&[0i64, -1, 1, 3, 100, 2_147_483_647, -2_147_483_648])),
        "Float" => json!(rng.pick(&[0.0f64, -1.5, 1e300])),
        "Long" => json!(rng.pick(&[0i64, -1, 1, i64::MAX, i64::MIN])),
        "Boolean" => json!(rng.chance(2)),
        "ID" => {
            let pools = [&ids.mine, &ids.foreign];
            let pool = rng.pick(&pools);
            if rng.chance(3) {
                json!(rng.pick(&["", "not-an-id", "SW52b2ljZTo=", "\u{0}", "Q2xpZW50OjE="]))
            } else {
                json!(rng.pick(pool))
            }
        }
        "Decimal" => json!(rng.pick(&[
            "0",
            "-1",
            "1",
            "12.34",
            "0.001",
            "1e3",
            "99999999999.99",
            "100000000000",
            "92233720368547758.07",
            "-92233720368547758.08",
            "NaN",
            "\u{0}5",
        ])),
        "Date" => json!(rng.pick(&[
            "0000-01-01",
            "1899-12-31",
            "2026-02-30",
            "2026-11-30",
            "2199-12-31",
            "2200-01-01",
            "2026-13-01",
            "yesterday",
        ])),
        _ => json!(rng.pick(&[
            "",
            " ",
            "Ελληνικά 🙂",
            "a\u{0}b",
            "\u{1b}[31mred",
            "'; DROP TABLE invoices; --",
            "%_\\",
            "\u{202e}evil",
            "EUR",
            "el",
            "https://example.com/x",
            long.as_str(),
        ])),
    }
}

/// The selection after a field of type `t`: `{ __typename }` for objects, nothing for leaves.
fn selection(schema: &Schema, t: &Value) -> &'static str {
    let n = named(t);
    match schema.ty(n["name"].as_str().unwrap_or_default())["kind"].as_str() {
        Some("OBJECT") | Some("INTERFACE") | Some("UNION") => " { __typename }",
        _ => "",
    }
}

async fn every_argument_refuses_hostile_values_without_internal(app: TestApp) {
    let (tenant_id, owner) = app.tenant("fuzz-home").await;
    let client = party(&app, &tenant_id, &owner, "Fuzz Co", "EUR").await;
    let inv = invoice(&app, &owner, &client.client_gid, "120.00", true).await;
    let (other_id, other_owner) = app.tenant("fuzz-away").await;
    let other = party(&app, &other_id, &other_owner, "Away Co", "EUR").await;
    let foreign_inv = invoice(&app, &other_owner, &other.client_gid, "50.00", true).await;
    let ids = Ids {
        mine: vec![inv, client.client_gid.clone()],
        foreign: vec![foreign_inv, other.client_gid.clone()],
    };

    let intro = app.ok(&owner, INTROSPECTION, json!({})).await;
    let mut types = Map::new();
    for t in intro["__schema"]["types"].as_array().expect("types") {
        types.insert(t["name"].as_str().expect("name").to_owned(), t.clone());
    }
    let schema = Schema { types };
    let roots = [
        ("query", intro["__schema"]["queryType"]["name"].clone()),
        (
            "mutation",
            intro["__schema"]["mutationType"]["name"].clone(),
        ),
    ];

    let mut rng = Rng(0x5eed_f00d_cafe_b0a7);
    let mut requests = 0;
    let mut failures = Vec::new();
    for (kind, root) in roots {
        let def = schema.ty(root.as_str().expect("root"));
        for field in def["fields"].as_array().expect("fields") {
            let name = field["name"].as_str().expect("field name");
            let args = field["args"].as_array().expect("args");
            let rounds = if args.is_empty() { 1 } else { 20 };
            for round in 0..rounds {
                let mut decls = Vec::new();
                let mut uses = Vec::new();
                let mut vars = Map::new();
                for a in args {
                    let an = a["name"].as_str().expect("arg name");
                    let required = a["type"]["kind"] == "NON_NULL";
                    decls.push(format!("${an}: {}", type_string(&a["type"])));
                    uses.push(format!("{an}: ${an}"));
                    if required || round % 3 != 0 {
                        vars.insert(an.to_owned(), value(&schema, &a["type"], &mut rng, &ids, 0));
                    }
                }
                let decl = if decls.is_empty() {
                    String::new()
                } else {
                    format!("({})", decls.join(", "))
                };
                let call = if uses.is_empty() {
                    String::new()
                } else {
                    format!("({})", uses.join(", "))
                };
                let doc = format!(
                    "{kind}{decl} {{ {name}{call}{} }}",
                    selection(&schema, &field["type"])
                );
                for token in [&owner, &client.admin_token] {
                    requests += 1;
                    let (status, body) = app
                        .post(
                            Some(token),
                            "application/json",
                            json!({ "query": doc, "variables": vars }).to_string(),
                        )
                        .await;
                    let internal = body["errors"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|e| e["extensions"]["code"] == "INTERNAL");
                    if status.is_server_error() || status != StatusCode::OK || internal {
                        let mut shown = Value::Object(vars.clone()).to_string();
                        shown.truncate(600);
                        failures.push(format!("{name} ({status}): {body} with {shown}"));
                    }
                }
            }
        }
    }
    eprintln!("fuzzed with {requests} requests");
    assert!(
        requests > 500,
        "only {requests} requests: the schema was not read"
    );
    assert!(
        failures.is_empty(),
        "{} of {requests} requests failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

both_backends!(every_argument_refuses_hostile_values_without_internal);
