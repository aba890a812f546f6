//! Connecting to the database and running migrations.

use std::time::Duration;

use satudata_migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

use crate::error::{Error, Result};

/// Opens `url` (`sqlite://PATH` or `postgres://...`). For SQLite the file and its folder are
/// created when missing.
pub async fn connect(url: &str) -> Result<DatabaseConnection> {
    let url = prepare_url(url)?;
    let mut options = ConnectOptions::new(url.clone());
    options
        .sqlx_logging(false)
        .acquire_timeout(Duration::from_secs(30))
        .max_connections(if url.starts_with("sqlite:") { 8 } else { 20 });
    let db = Database::connect(options).await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        use sea_orm::ConnectionTrait;
        // WAL (a property of the database file) lets readers proceed while an upload commits.
        // sqlx already turns foreign keys on and sets a busy timeout on every pooled connection.
        db.execute_unprepared("PRAGMA journal_mode=WAL;").await?;
    }
    Ok(db)
}

/// A PostgreSQL advisory lock key of its own ("satudata" in ASCII).
const MIGRATION_LOCK: i64 = 0x7361_7475_6461_7461;

/// Runs every pending migration. On PostgreSQL, nodes that start together take turns (an
/// advisory lock held on one pooled connection while the migrations run on others); the
/// later ones find nothing pending.
pub async fn migrate(db: &DatabaseConnection) -> Result<()> {
    if db.get_database_backend() != DbBackend::Postgres {
        Migrator::up(db, None).await?;
        return Ok(());
    }
    use sea_orm::sqlx;
    let pool = db.get_postgres_connection_pool();
    let mut holder = pool.acquire().await.map_err(lock_error)?;
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *holder)
        .await
        .map_err(lock_error)?;
    let result = Migrator::up(db, None).await;
    sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *holder)
        .await
        .map_err(lock_error)?;
    result?;
    Ok(())
}

fn lock_error(source: sea_orm::sqlx::Error) -> Error {
    Error::Internal {
        context: "the migration lock",
        source: Box::new(source),
    }
}

/// Creates an empty database file readable by its owner only (0600) when there is none:
/// SQLite would create it, and its `-wal` and `-shm` files, with the umask's 0644, leaving
/// password hashes and unpublished data readable by every local user.
fn create_private(path: &std::path::Path) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(source) => Err(Error::Io {
            context: format!("creating the database file {}", path.display()),
            source,
        }),
    }
}

fn prepare_url(url: &str) -> Result<String> {
    if let Some(rest) = url.strip_prefix("sqlite:") {
        let path = rest.trim_start_matches("//");
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        if path == ":memory:" || path.is_empty() {
            return Ok(url.to_owned());
        }
        if let Some(parent) = std::path::Path::new(path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent).map_err(|source| Error::Io {
                context: format!("creating the database folder {}", parent.display()),
                source,
            })?;
        }
        create_private(std::path::Path::new(path))?;
        let query = if query.is_empty() {
            "mode=rwc".to_owned()
        } else {
            query.to_owned()
        };
        return Ok(format!("sqlite://{path}?{query}"));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(url.to_owned());
    }
    Err(Error::invalid(
        "database_url",
        format!("URL basis data '{url}' harus diawali sqlite:// atau postgres://"),
        format!("database URL '{url}' must start with sqlite:// or postgres://"),
    ))
}

/// Begins a transaction that writes. On SQLite it starts as a write transaction
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads first holds a read snapshot, and
/// SQLite answers its first write with `database is locked` at once, without waiting for the
/// busy timeout, whenever another connection is writing. Taking the write lock at `BEGIN`
/// waits its turn instead. PostgreSQL ignores the mode.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction> {
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        })
        .await?;
    Ok(txn)
}
