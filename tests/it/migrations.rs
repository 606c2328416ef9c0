//! The two migration trees hold the same schema (tables, columns with their types and
//! nullability, indexes), compared after migrating a fresh database of each kind; and on
//! PostgreSQL every table with a `tenant_id` has forced row-level security and a policy.

use std::collections::BTreeMap;

use sqlx::Row;

use crate::common::{Kind, TestApp};

/// table -> (columns: name -> "type null|not null", indexes: name -> columns)
type Shape = BTreeMap<String, (BTreeMap<String, String>, BTreeMap<String, String>)>;

/// One spelling for both backends: integers of any width are `int` (SQLite has one integer type).
fn normal_type(t: &str) -> String {
    match t.to_ascii_lowercase().as_str() {
        "integer" | "bigint" | "int" | "int8" | "int4" => "int".into(),
        "text" | "character varying" => "text".into(),
        other => other.to_owned(),
    }
}

async fn sqlite_shape(app: &TestApp) -> Shape {
    let pool = app.app.store.pool();
    let tables: Vec<String> = sqlx::query(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .expect("tables")
    .iter()
    .map(|r| r.get::<String, _>("name"))
    .collect();
    let mut shape = Shape::new();
    for t in tables {
        let mut columns = BTreeMap::new();
        for r in sqlx::query(&format!("PRAGMA table_info('{t}')"))
            .fetch_all(pool)
            .await
            .expect("columns")
        {
            let not_null = r.get::<i64, _>("notnull") != 0 || r.get::<i64, _>("pk") != 0;
            columns.insert(
                r.get::<String, _>("name"),
                format!(
                    "{} {}",
                    normal_type(&r.get::<String, _>("type")),
                    if not_null { "not null" } else { "null" }
                ),
            );
        }
        let mut indexes = BTreeMap::new();
        for r in sqlx::query(&format!(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = '{t}' \
             AND name NOT LIKE 'sqlite_autoindex_%'"
        ))
        .fetch_all(pool)
        .await
        .expect("indexes")
        {
            let name = r.get::<String, _>("name");
            let cols: Vec<String> = sqlx::query(&format!("PRAGMA index_info('{name}')"))
                .fetch_all(pool)
                .await
                .expect("index columns")
                .iter()
                .map(|c| c.get::<String, _>("name"))
                .collect();
            indexes.insert(name, cols.join(", "));
        }
        shape.insert(t, (columns, indexes));
    }
    shape
}

async fn postgres_shape(app: &TestApp) -> Shape {
    let pool = app.app.store.pool();
    let mut shape = Shape::new();
    for r in sqlx::query(
        "SELECT table_name::text AS t, column_name::text AS c, data_type::text AS ty, is_nullable::text AS n \
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .expect("columns")
    {
        let not_null = r.get::<String, _>("n") == "NO";
        shape
            .entry(r.get::<String, _>("t"))
            .or_default()
            .0
            .insert(
                r.get::<String, _>("c"),
                format!(
                    "{} {}",
                    normal_type(&r.get::<String, _>("ty")),
                    if not_null { "not null" } else { "null" }
                ),
            );
    }
    // Indexes that are not a constraint's own (primary keys, UNIQUE columns: SQLite's are
    // automatic and unnamed, so they are compared through the columns, not here).
    for r in sqlx::query(
        "SELECT t.relname::text AS t, i.relname::text AS i, \
         (SELECT string_agg(a.attname::text, ', ' ORDER BY k.ord) FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord) \
          JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS cols \
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = 'public' AND t.relname <> '_sqlx_migrations' \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
    )
    .fetch_all(pool)
    .await
    .expect("indexes")
    {
        shape
            .entry(r.get::<String, _>("t"))
            .or_default()
            .1
            .insert(r.get::<String, _>("i"), r.get::<String, _>("cols"));
    }
    shape
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_and_postgresql_migrations_hold_the_same_schema() {
    let Some(lite) = TestApp::start(Kind::Sqlite).await else {
        return;
    };
    let Some(pg) = TestApp::start(Kind::Postgres).await else {
        return;
    };
    let (a, b) = (sqlite_shape(&lite).await, postgres_shape(&pg).await);
    assert!(a.len() > 20, "only {} tables read", a.len());
    let names = |s: &Shape| s.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "the same tables");
    for (table, (cols, idx)) in &a {
        let (pg_cols, pg_idx) = &b[table];
        assert_eq!(
            cols, pg_cols,
            "columns of {table} (SQLite left, PostgreSQL right)"
        );
        assert_eq!(
            idx, pg_idx,
            "indexes of {table} (SQLite left, PostgreSQL right)"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_postgresql_table_with_tenant_data_has_forced_row_level_security() {
    let Some(app) = TestApp::start(Kind::Postgres).await else {
        return;
    };
    let rows = sqlx::query(
        "SELECT c.relname::text AS t, \
         CAST(CASE WHEN c.relrowsecurity THEN 1 ELSE 0 END AS BIGINT) AS rls, \
         CAST(CASE WHEN c.relforcerowsecurity THEN 1 ELSE 0 END AS BIGINT) AS forced, \
         (SELECT CAST(COUNT(*) AS BIGINT) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'public' AND c.relkind = 'r' AND EXISTS ( \
           SELECT 1 FROM information_schema.columns k WHERE k.table_schema = 'public' \
           AND k.table_name = c.relname AND k.column_name = 'tenant_id')",
    )
    .fetch_all(app.app.store.pool())
    .await
    .expect("tables");
    assert!(rows.len() > 20, "only {} tenant tables", rows.len());
    let bare: Vec<String> = rows
        .iter()
        .filter(|r| {
            r.get::<i64, _>("rls") == 0
                || r.get::<i64, _>("forced") == 0
                || r.get::<i64, _>("policies") == 0
        })
        .map(|r| r.get::<String, _>("t"))
        .collect();
    assert!(
        bare.is_empty(),
        "tenant tables without forced RLS and a policy: {bare:?}"
    );
}
