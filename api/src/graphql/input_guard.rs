//! One check over every argument of every request, before anything runs: no text may carry
//! control characters (other than tab and line breaks), and no list may be longer than
//! [`MAX_LIST`]. It covers inline arguments, directive arguments, variables and variable defaults,
//! so a field added tomorrow is covered too; fields keep their own, tighter limits (500 lines,
//! 100 invoices to pay, …).

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ServerError, Variables};
use async_graphql_value::{ConstValue, Value};

/// The longest list any argument may hold.
pub const MAX_LIST: usize = 1_000;

/// Why an input was refused: the message, and the argument or variable it was found in.
pub fn check(doc: &ExecutableDocument, variables: &Variables) -> Result<(), ServerError> {
    for (name, value) in variables.iter() {
        check_const(value).map_err(|m| refuse(m, &format!("${name}")))?;
    }
    for (_, op) in doc.operations.iter() {
        for def in &op.node.variable_definitions {
            if let Some(default) = &def.node.default_value {
                check_const(&default.node)
                    .map_err(|m| refuse(m, &format!("${}", def.node.name.node)))?;
            }
        }
        check_set(&op.node.selection_set.node)?;
    }
    for frag in doc.fragments.values() {
        check_set(&frag.node.selection_set.node)?;
    }
    Ok(())
}

fn refuse(message: &'static str, arg: &str) -> ServerError {
    let mut err = ServerError::new(format!("{arg}: {message}"), None);
    err.extensions
        .get_or_insert_with(Default::default)
        .set("code", "BAD_USER_INPUT");
    err
}

const CONTROL: &str = "contains control characters";
const LONG_LIST: &str = "a list may have at most 1000 items";

fn text_ok(s: &str) -> bool {
    !s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

fn check_const(v: &ConstValue) -> Result<(), &'static str> {
    match v {
        ConstValue::String(s) if !text_ok(s) => Err(CONTROL),
        ConstValue::Enum(n) if !text_ok(n.as_str()) => Err(CONTROL),
        ConstValue::List(items) => {
            if items.len() > MAX_LIST {
                return Err(LONG_LIST);
            }
            items.iter().try_for_each(check_const)
        }
        ConstValue::Object(fields) => fields.iter().try_for_each(|(k, v)| {
            if !text_ok(k) {
                return Err(CONTROL);
            }
            check_const(v)
        }),
        _ => Ok(()),
    }
}

fn check_value(v: &Value) -> Result<(), &'static str> {
    match v {
        Value::String(s) if !text_ok(s) => Err(CONTROL),
        Value::List(items) => {
            if items.len() > MAX_LIST {
                return Err(LONG_LIST);
            }
            items.iter().try_for_each(check_value)
        }
        Value::Object(fields) => fields.values().try_for_each(check_value),
        _ => Ok(()),
    }
}

fn check_set(set: &SelectionSet) -> Result<(), ServerError> {
    for item in &set.items {
        match &item.node {
            Selection::Field(f) => {
                let args = f.node.arguments.iter().chain(
                    f.node
                        .directives
                        .iter()
                        .flat_map(|d| d.node.arguments.iter()),
                );
                for (name, value) in args {
                    check_value(&value.node).map_err(|m| refuse(m, name.node.as_str()))?;
                }
                check_set(&f.node.selection_set.node)?;
            }
            Selection::InlineFragment(i) => check_set(&i.node.selection_set.node)?,
            Selection::FragmentSpread(_) => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(query: &str, vars: serde_json::Value) -> Result<(), String> {
        let doc = async_graphql::parser::parse_query(query).map_err(|e| e.to_string())?;
        let vars = Variables::from_json(vars);
        check(&doc, &vars).map_err(|e| e.message)
    }

    #[test]
    fn control_characters_are_refused_in_variables_and_inline_arguments() {
        assert_eq!(
            run(
                "query($s: String) { a(s: $s) }",
                serde_json::json!({ "s": "a\u{0}b" })
            ),
            Err("$s: contains control characters".into())
        );
        assert_eq!(
            run("{ a(s: \"a\\u0007b\") }", serde_json::json!({})),
            Err("s: contains control characters".into())
        );
        assert_eq!(
            run(
                "query($i: I) { a(i: $i) }",
                serde_json::json!({ "i": { "deep": [{ "x": "\u{1b}[31m" }] } })
            ),
            Err("$i: contains control characters".into())
        );
        assert_eq!(
            run(
                "query($s: String) { a(s: $s) }",
                serde_json::json!({ "s": "line one\r\nline two\tend" })
            ),
            Ok(())
        );
    }

    #[test]
    fn lists_longer_than_the_maximum_are_refused() {
        let long: Vec<u32> = (0..=MAX_LIST as u32).collect();
        assert_eq!(
            run(
                "query($l: [Int]) { a(l: $l) }",
                serde_json::json!({ "l": long })
            ),
            Err("$l: a list may have at most 1000 items".into())
        );
        let inline = format!("{{ a(l: [{}]) }}", vec!["1"; MAX_LIST + 1].join(","));
        assert_eq!(
            run(&inline, serde_json::json!({})),
            Err("l: a list may have at most 1000 items".into())
        );
        let fits: Vec<u32> = (0..MAX_LIST as u32).collect();
        assert_eq!(
            run(
                "query($l: [Int]) { a(l: $l) }",
                serde_json::json!({ "l": fits })
            ),
            Ok(())
        );
    }
}
