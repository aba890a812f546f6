//! Upgrades: a database made by an earlier release's migrations (the fixture
//! `tests/fixtures/upgrade/schema-000009.db`: nine migrations, an OPD, an account, a dataset
//! with a published and a draft version, four published files, five history events) migrates
//! to today's schema, ends with exactly the schema a new installation gets, and serves its
//! data. On PostgreSQL the same rows go into a database migrated to the same point first.

use axum::http::StatusCode;
use satudata_migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

use crate::support::{Backend, TestApp, Tokens, empty_installation};

/// The migrations the fixture was made with.
const FIXTURE_MIGRATIONS: u32 = 9;
const SLUG: &str = "jumlah-penduduk-per-kecamatan";

fn fixture() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/upgrade/schema-000009.db")
}

#[tokio::test]
async fn a_sqlite_database_of_an_earlier_release_upgrades() {
    let (dir, _, storage) = empty_installation(Backend::Sqlite).await.expect("sqlite");
    let path = dir.path().join("old.db");
    std::fs::copy(fixture(), &path).expect("copy the fixture");
    let url = format!("sqlite://{}", path.display());
    upgrades(dir, url, storage, Backend::Sqlite).await;
}

#[tokio::test]
async fn a_postgres_database_of_an_earlier_release_upgrades() {
    let Some((dir, url, storage)) = empty_installation(Backend::Postgres).await else {
        return;
    };
    let old = sea_orm::Database::connect(&url).await.expect("connect");
    Migrator::up(&old, Some(FIXTURE_MIGRATIONS))
        .await
        .expect("the earlier migrations");
    let source = sea_orm::Database::connect(format!("sqlite://{}?mode=ro", fixture().display()))
        .await
        .expect("open the fixture");
    copy_rows(&source, &old).await;
    old.close().await.expect("close");
    upgrades(dir, url, storage, Backend::Postgres).await;
}

async fn upgrades(
    dir: tempfile::TempDir,
    url: String,
    storage: satudata_catalog::Storage,
    backend: Backend,
) {
    let tokens = Tokens {
        admin: String::new(),
        walidata: String::new(),
        produsen: String::new(),
        other_produsen: String::new(),
        pembina: String::new(),
    };
    // `attach` migrates, as `satudata serve` does at start.
    let app = TestApp::attach(dir, url, storage, tokens).await;
    let (_fresh_dir, fresh_url, _) = empty_installation(backend).await.expect("backend");
    let fresh = satudata_catalog::db::connect(&fresh_url)
        .await
        .expect("connect");
    satudata_catalog::db::migrate(&fresh)
        .await
        .expect("migrate");
    let upgraded = schema(app.catalog.db()).await;
    assert_eq!(
        upgraded,
        schema(&fresh).await,
        "the upgraded schema is a new one's"
    );
    assert!(upgraded.len() > 100, "{} columns", upgraded.len());

    for (table, rows) in [
        ("dataset_version", 2),
        ("distribution", 4),
        ("dataset_event", 5),
        ("account", 1),
        ("api_token", 1),
    ] {
        assert_eq!(app.count(table).await, rows, "{table}");
    }
    let dataset = app
        .get(&format!("/api/v1/datasets/{SLUG}"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(dataset.json["slug"], SLUG);
    let package = app
        .get(&format!("/api/3/action/package_show?id={SLUG}"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(package.json["success"], true);
    assert_eq!(
        package.json["result"]["resources"].as_array().map(Vec::len),
        Some(4),
        "{}",
        package.json
    );
    let search = app
        .get("/api/3/action/package_search?q=penduduk", None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(search.json["result"]["count"], 1, "{}", search.json);
    let feed = app.get("/data.json", None).await.expect(StatusCode::OK);
    assert_eq!(feed.json["dataset"].as_array().map(Vec::len), Some(1));
}

/// Columns and indexes of every table, in a form both backends can compare with themselves.
async fn schema(db: &DatabaseConnection) -> Vec<String> {
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Sqlite => {
            "SELECT m.name || '.' || p.name || ' ' || p.type || ' ' || p.\"notnull\" || ' ' || \
             p.pk AS line FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' \
             UNION ALL SELECT 'index ' || tbl_name || '.' || name FROM sqlite_master \
             WHERE type = 'index' ORDER BY 1"
        }
        _ => {
            "SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable \
             || ' ' || COALESCE(column_default, '') AS line FROM information_schema.columns \
             WHERE table_schema = current_schema() \
             UNION ALL SELECT 'index ' || tablename || '.' || indexname FROM pg_indexes \
             WHERE schemaname = current_schema() ORDER BY 1"
        }
    };
    db.query_all_raw(Statement::from_string(backend, sql))
        .await
        .expect("schema")
        .iter()
        .map(|row| row.try_get_by_index::<String>(0).expect("line"))
        .collect()
}

/// Copies the fixture's rows into a PostgreSQL database at the same migration, as SQL
/// literals (PostgreSQL casts them to each column's type; UUIDs stored as 16-byte blobs by
/// SQLite become their text form).
async fn copy_rows(source: &DatabaseConnection, target: &DatabaseConnection) {
    let sqlite = sea_orm::DbBackend::Sqlite;
    for table in [
        "portal",
        "organization",
        "account",
        "api_token",
        "dataset",
        "dataset_tag",
        "dataset_version",
        "dataset_event",
        "distribution",
        "catalogue_state",
    ] {
        let columns: Vec<String> = source
            .query_all_raw(Statement::from_string(
                sqlite,
                format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"),
            ))
            .await
            .expect("columns")
            .iter()
            .map(|row| row.try_get_by_index::<String>(0).expect("name"))
            .collect();
        let quoted: Vec<String> = columns.iter().map(|c| format!("quote(\"{c}\")")).collect();
        let rows = source
            .query_all_raw(Statement::from_string(
                sqlite,
                format!("SELECT {} FROM {table}", quoted.join(", ")),
            ))
            .await
            .expect("rows");
        target
            .execute_unprepared(&format!("DELETE FROM {table}"))
            .await
            .expect("empty the table");
        for row in rows {
            let values: Vec<String> = (0..columns.len())
                .map(|i| postgres_literal(&row.try_get_by_index::<String>(i).expect("value")))
                .collect();
            let names: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
            target
                .execute_unprepared(&format!(
                    "INSERT INTO {table} ({}) VALUES ({})",
                    names.join(", "),
                    values.join(", ")
                ))
                .await
                .unwrap_or_else(|e| panic!("insert into {table}: {e}"));
        }
        if columns.iter().any(|c| c == "id") {
            target
                .execute_unprepared(&format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                     COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                ))
                .await
                .expect("sequence");
        }
    }
}

/// SQLite's `quote()` output as a PostgreSQL literal of unknown type.
fn postgres_literal(quoted: &str) -> String {
    if quoted == "NULL" {
        return quoted.to_owned();
    }
    if let Some(hex) = quoted
        .strip_prefix("X'")
        .and_then(|rest| rest.strip_suffix('\''))
    {
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
            .collect();
        let uuid = uuid::Uuid::from_slice(&bytes).expect("a 16-byte blob is a UUID");
        return format!("'{uuid}'");
    }
    if quoted.starts_with('\'') {
        quoted.to_owned()
    } else {
        format!("'{quoted}'")
    }
}

/// Nodes that start together on one PostgreSQL database take turns migrating it.
#[tokio::test]
async fn nodes_that_start_together_migrate_in_turn() {
    let Some((_dir, url, _)) = empty_installation(Backend::Postgres).await else {
        return;
    };
    let mut nodes = Vec::new();
    for _ in 0..3 {
        nodes.push(satudata_catalog::db::connect(&url).await.expect("connect"));
    }
    let results =
        futures_util::future::join_all(nodes.iter().map(satudata_catalog::db::migrate)).await;
    for result in results {
        result.expect("every node starts");
    }
    let applied = nodes[0]
        .query_one_raw(Statement::from_string(
            nodes[0].get_database_backend(),
            "SELECT COUNT(*) AS n FROM seaql_migrations",
        ))
        .await
        .expect("count")
        .expect("a row")
        .try_get::<i64>("", "n")
        .expect("n");
    assert_eq!(
        usize::try_from(applied).expect("count"),
        Migrator::migrations().len()
    );
}
