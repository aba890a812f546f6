//! The test harness: a real router over a real database (SQLite always, PostgreSQL when
//! `TEST_DATABASE_URL` is set) and a real object store on the local filesystem.

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use satudata_api::{AppState, router};
use satudata_catalog::accounts::NewAccount;
use satudata_catalog::organizations::NewOrganization;
use satudata_catalog::{Actor, Catalog, S3Options, Settings, Storage, db};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use tempfile::TempDir;
use tower::ServiceExt;

/// Upload limit of test apps: small, so the oversize test stays quick.
pub const TEST_UPLOAD_LIMIT: u64 = 1024 * 1024;

/// The database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Tokens of the seeded accounts.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub admin: String,
    pub walidata: String,
    /// Produsen of `dinkes`.
    pub produsen: String,
    /// Produsen of `disdik`.
    pub other_produsen: String,
    pub pembina: String,
}

/// A running app with seeded OPDs (`dinkes`, `disdik`) and one account per role.
pub struct TestApp {
    pub router: Router,
    /// The router's state: its metrics and draining flag.
    pub state: AppState,
    pub catalog: Catalog,
    pub tokens: Tokens,
    pub dir: TempDir,
    /// This app's job workers (validation, publication), as `satudata serve` runs them.
    pub workers: Option<satudata_catalog::jobs::Workers>,
    /// The database this app runs on.
    pub database_url: String,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // The workers first (a JoinSet aborts its tasks), then their database.
        self.workers = None;
        drop_created_database(&self.database_url);
    }
}

/// A response, with the body parsed as JSON when it is JSON.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub json: Value,
    pub bytes: Vec<u8>,
}

impl TestResponse {
    /// Asserts the status and, for errors, the envelope's shape.
    #[track_caller]
    pub fn expect(self, status: StatusCode) -> Self {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.json
        );
        if status.is_client_error() || status.is_server_error() {
            assert_envelope(&self.json);
        }
        self
    }
}

/// A downloaded Parquet file read with polars.
#[track_caller]
pub fn parquet_frame(bytes: &[u8]) -> polars::prelude::DataFrame {
    use polars::prelude::{ParquetReader, SerReader};
    ParquetReader::new(std::io::Cursor::new(bytes.to_vec()))
        .finish()
        .expect("parquet reads")
}

/// Asserts that a body is our error envelope.
#[track_caller]
pub fn assert_envelope(json: &Value) {
    let error = &json["error"];
    assert!(error["code"].is_string(), "no error.code in {json}");
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "no error.message in {json}"
    );
    assert!(
        error["message_en"].as_str().is_some_and(|m| !m.is_empty()),
        "no error.message_en in {json}"
    );
}

/// With `TEST_LOG` set (an env filter such as `warn` or `satudata_catalog=debug`),
/// the server's log goes to the test's output: a flaky 500 then shows its cause.
fn log_when_asked() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if let Ok(filter) = std::env::var("TEST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_test_writer()
                .try_init();
        }
    });
}

impl TestApp {
    /// A fresh app on `backend`; `None` when PostgreSQL is asked for but not configured.
    pub async fn new(backend: Backend) -> Option<Self> {
        Self::with_storage(backend, None, TEST_UPLOAD_LIMIT).await
    }

    /// A fresh app whose files go to `storage` (`url`, options) instead of a local folder.
    pub async fn with_storage(
        backend: Backend,
        storage: Option<(String, S3Options)>,
        max_upload_bytes: u64,
    ) -> Option<Self> {
        Self::with_settings(backend, storage, max_upload_bytes, |_| {}).await
    }

    /// A fresh app whose settings `tweak` changes (a short jobs lease …).
    pub async fn with_settings(
        backend: Backend,
        storage: Option<(String, S3Options)>,
        max_upload_bytes: u64,
        tweak: impl FnOnce(&mut Settings),
    ) -> Option<Self> {
        log_when_asked();
        let dir = tempfile::tempdir().expect("temp dir");
        let url = match backend {
            Backend::Sqlite => format!("sqlite://{}/satudata.db", dir.path().display()),
            Backend::Postgres => fresh_postgres_database().await?,
        };
        let conn = db::connect(&url).await.expect("connect");
        db::migrate(&conn).await.expect("migrate");
        let (objects, options) = storage.unwrap_or_else(|| {
            (
                format!("file://{}/objects", dir.path().display()),
                S3Options::default(),
            )
        });
        let storage = Storage::open(&objects, &options).expect("storage");
        let mut settings = test_settings(&dir, max_upload_bytes);
        tweak(&mut settings);
        let catalog = Catalog::new(conn, storage, settings);
        // As `satudata serve` does at start.
        catalog.portal().await.expect("portal row");
        let tokens = seed(&catalog).await;
        Some(Self::assemble(catalog, tokens, dir, url))
    }

    fn assemble(catalog: Catalog, tokens: Tokens, dir: TempDir, database_url: String) -> Self {
        let state = AppState::new(catalog.clone(), "http://satudata.test");
        let router = router(state.clone());
        let workers = Some(state.catalog.start_workers());
        Self {
            router,
            state,
            catalog,
            tokens,
            dir,
            workers,
            database_url,
        }
    }

    /// The backend this app runs on.
    pub fn backend(&self) -> Backend {
        if self.database_url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        }
    }

    /// An app over an installation that already has its accounts (restored from a backup, or
    /// upgraded), using `tokens` for them.
    pub async fn attach(dir: TempDir, url: String, storage: Storage, tokens: Tokens) -> Self {
        let conn = db::connect(&url).await.expect("connect");
        db::migrate(&conn).await.expect("migrate");
        let catalog = Catalog::new(conn, storage, test_settings(&dir, TEST_UPLOAD_LIMIT));
        Self::assemble(catalog, tokens, dir, url)
    }

    /// Sends a request.
    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        TestResponse {
            status,
            headers,
            json,
            bytes,
        }
    }

    /// Sends a request with an optional bearer token, body and content type.
    pub async fn call(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: impl Into<Body>,
    ) -> TestResponse {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        self.send(request.body(body.into()).expect("request")).await
    }

    pub async fn get(&self, uri: &str, token: Option<&str>) -> TestResponse {
        self.call(Method::GET, uri, token, None, Body::empty())
            .await
    }

    /// A GET with extra request headers.
    pub async fn get_with(
        &self,
        uri: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let mut request = Request::builder().method(Method::GET).uri(uri);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::empty()).expect("request"))
            .await
    }

    pub async fn post_json(&self, uri: &str, token: Option<&str>, json: Value) -> TestResponse {
        self.call(
            Method::POST,
            uri,
            token,
            Some("application/json"),
            json.to_string(),
        )
        .await
    }

    pub async fn patch_json(&self, uri: &str, token: Option<&str>, json: Value) -> TestResponse {
        self.call(
            Method::PATCH,
            uri,
            token,
            Some("application/json"),
            json.to_string(),
        )
        .await
    }

    pub async fn delete(&self, uri: &str, token: Option<&str>) -> TestResponse {
        self.call(Method::DELETE, uri, token, None, Body::empty())
            .await
    }

    /// Uploads bytes as the raw body of a new version.
    pub async fn upload(
        &self,
        slug: &str,
        token: Option<&str>,
        content_type: &str,
        bytes: &[u8],
    ) -> TestResponse {
        let uri = format!("/api/v1/datasets/{slug}/versions");
        self.call(
            Method::POST,
            &uri,
            token,
            Some(content_type),
            bytes.to_vec(),
        )
        .await
    }

    /// Creates a dataset as the walidata and returns its slug.
    pub async fn dataset(&self, body: Value) -> String {
        let created = self
            .post_json("/api/v1/datasets", Some(&self.tokens.walidata), body)
            .await;
        let created = created.expect(StatusCode::CREATED);
        created.json["slug"].as_str().expect("slug").to_owned()
    }

    /// Takes a dataset through the whole lifecycle with `csv` as its table: upload (as the
    /// walidata), submit, approve, publish. Returns the published version's number.
    pub async fn publish(&self, slug: &str, csv: &[u8]) -> i64 {
        let t = &self.tokens;
        let version = self
            .upload(slug, Some(&t.walidata), "text/csv", csv)
            .await
            .expect(StatusCode::CREATED);
        let n = version.json["number"].as_i64().expect("number");
        self.approve_and_publish(slug, n).await;
        n
    }

    /// Submits, approves and publishes version `n` of `slug` (as the walidata).
    pub async fn approve_and_publish(&self, slug: &str, n: i64) {
        let t = &self.tokens;
        let base = format!("/api/v1/datasets/{slug}/versions/{n}");
        let report = self.get(&format!("{base}/report"), Some(&t.walidata)).await;
        assert_eq!(report.json["valid"], true, "{}", report.json);
        self.post_json(&format!("{base}/submit"), Some(&t.walidata), json!({}))
            .await
            .expect(StatusCode::OK);
        self.post_json(
            &format!("{base}/review"),
            Some(&t.walidata),
            json!({"decision": "approve"}),
        )
        .await
        .expect(StatusCode::OK);
        self.post_json(&format!("{base}/publish"), Some(&t.walidata), json!({}))
            .await
            .expect(StatusCode::OK);
    }

    /// Runs one SQL statement (to set up states the API cannot reach, e.g. older rows).
    pub async fn execute(&self, sql: &str) {
        let db = self.catalog.db();
        db.execute_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .expect("statement");
    }

    /// Counts rows of a table.
    pub async fn count(&self, table: &str) -> i64 {
        let db = self.catalog.db();
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .expect("count query")
            .expect("one row");
        row.try_get::<i64>("", "n").expect("count")
    }

    /// Files in the object store folder.
    pub fn stored_files(&self) -> Vec<std::path::PathBuf> {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                // Files on their way in (or, for a blob already stored, on their way out) are
                // not stored objects.
                if entry.file_name() == ".scratch" {
                    continue;
                }
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    out.push(path);
                }
            }
        }
        let mut files = Vec::new();
        walk(&self.dir.path().join("objects"), &mut files);
        files
    }
}

/// Creates an empty database on the server of `TEST_DATABASE_URL` and returns its URL.
/// An empty installation: a database URL (nothing migrated yet) and a `file://` store in a new
/// folder. `None` for PostgreSQL when `TEST_DATABASE_URL` is not set.
pub async fn empty_installation(backend: Backend) -> Option<(TempDir, String, Storage)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = match backend {
        Backend::Sqlite => format!("sqlite://{}/satudata.db", dir.path().display()),
        Backend::Postgres => fresh_postgres_database().await?,
    };
    let objects = format!("file://{}/objects", dir.path().display());
    let storage = Storage::open(&objects, &S3Options::default()).expect("storage");
    Some((dir, url, storage))
}

fn test_settings(dir: &TempDir, max_upload_bytes: u64) -> Settings {
    Settings {
        max_upload_bytes,
        cache_dir: dir.path().join("cache"),
        page_cache_entries: 100,
        // On, so that every test that changes the catalogue and reads a feed again checks
        // that the cache never answers with what was true before the change.
        feed_cache_bytes: 8 * 1024 * 1024,
        ..Settings::default()
    }
}

async fn fresh_postgres_database() -> Option<String> {
    let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
        assert!(
            std::env::var_os("TEST_REQUIRE_POSTGRES").is_none(),
            "TEST_REQUIRE_POSTGRES is set but TEST_DATABASE_URL is not"
        );
        eprintln!("TEST_DATABASE_URL is not set: skipping the PostgreSQL run");
        return None;
    };
    let name = format!("satudata_test_{}", uuid::Uuid::new_v4().simple());
    let admin = sea_orm::Database::connect(&admin_url)
        .await
        .expect("connect to TEST_DATABASE_URL");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create database");
    admin.close().await.expect("close");
    let (base, _) = admin_url
        .rsplit_once('/')
        .expect("TEST_DATABASE_URL has a database name");
    let url = format!("{base}/{name}");
    CREATED
        .lock()
        .expect("created databases")
        .push((url.clone(), name));
    Some(url)
}

/// PostgreSQL databases this test process created: (URL, name). The app that runs on one
/// drops it when it goes, so that a developer's server does not collect a database per test.
static CREATED: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());

/// Drops the database at `url` if this process created it. Runs on a thread of its own: the
/// caller is a `Drop` inside the test's runtime, which cannot wait on a future.
fn drop_created_database(url: &str) {
    let name = {
        let mut created = CREATED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(at) = created.iter().position(|(u, _)| u == url) else {
            return;
        };
        created.swap_remove(at).1
    };
    let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
        return;
    };
    let dropped = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let admin = sea_orm::Database::connect(&admin_url).await?;
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await?;
            admin.close().await
        })
    })
    .join();
    if !matches!(dropped, Ok(Ok(()))) {
        eprintln!("could not drop the test database {url}: {dropped:?}");
    }
}

async fn seed(catalog: &Catalog) -> Tokens {
    let operator = Actor::Operator;
    for (slug, name) in [
        ("dinkes", "Dinas Kesehatan"),
        ("disdik", "Dinas Pendidikan"),
    ] {
        let new = NewOrganization {
            slug: slug.into(),
            name: name.into(),
            kind: Some("dinas".into()),
            ..Default::default()
        };
        catalog
            .create_organization(&operator, new)
            .await
            .expect("seed OPD");
    }
    let token = async |email: &str, role: &str, org: Option<&str>| {
        let new = NewAccount {
            email: email.into(),
            name: email.into(),
            role: role.into(),
            organization: org.map(Into::into),
            password: None,
        };
        let account = catalog
            .create_account(&operator, new)
            .await
            .expect("seed account");
        catalog
            .issue_token(&account, "test", Some(1))
            .await
            .expect("token")
            .token
    };
    Tokens {
        admin: token("admin@mojokertokota.go.id", "admin", None).await,
        walidata: token("walidata@mojokertokota.go.id", "walidata", None).await,
        produsen: token("produsen@dinkes.go.id", "produsen", Some("dinkes")).await,
        other_produsen: token("produsen@disdik.go.id", "produsen", Some("disdik")).await,
        pembina: token("pembina@bps.go.id", "pembina", None).await,
    }
}

/// Runs an async test body on SQLite and on PostgreSQL (when configured) as two tests.
macro_rules! twin {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    let app = $crate::support::TestApp::new($crate::support::Backend::Sqlite)
                        .await
                        .expect("sqlite app");
                    super::$name(app).await;
                }

                #[tokio::test]
                async fn postgres() {
                    if let Some(app) = $crate::support::TestApp::new($crate::support::Backend::Postgres).await {
                        super::$name(app).await;
                    }
                }
            }
        )+
    };
}
pub(crate) use twin;
