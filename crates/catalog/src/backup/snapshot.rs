//! `satudata backup DEST`: a consistent copy of a running installation.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DbBackend, IsolationLevel, Statement,
    TransactionTrait,
};

use super::{
    DatabaseCopy, FORMAT, MANIFEST, Manifest, ObjectRef, backup_error, hash_file, hash_object, io,
    object_path, references, run_pg_tool,
};
use crate::Catalog;
use crate::error::{Error, Result};
use crate::maintenance::BACKUP;

/// How long the backup lease lasts without renewal; renewed every third of it.
const LEASE: Duration = Duration::from_secs(600);

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    /// The manifest written to the folder.
    pub manifest: Manifest,
    /// Bytes of objects copied.
    pub object_bytes: u64,
}

impl Catalog {
    /// Copies the database and every object it references into the folder `dest` (created;
    /// it must be empty if it exists) while the service runs. `database_url` is the URL this
    /// catalog was opened with (`pg_dump` connects to it). gc removes nothing until the copy
    /// is complete.
    pub async fn backup(&self, dest: &Path, database_url: &str) -> Result<BackupReport> {
        prepare_folder(dest).await?;
        let owner = format!("backup:{}:{}", std::process::id(), uuid::Uuid::now_v7());
        if !self
            .take_lease(
                BACKUP,
                &owner,
                chrono::Duration::from_std(LEASE).unwrap_or_default(),
            )
            .await?
        {
            return Err(backup_error(
                "another backup is running (it holds the backup lease); try again when it ends",
            ));
        }
        let renew = {
            let catalog = self.clone();
            let owner = owner.clone();
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(LEASE / 3).await;
                    let ttl = chrono::Duration::from_std(LEASE).unwrap_or_default();
                    if let Err(error) = catalog.take_lease(BACKUP, &owner, ttl).await {
                        tracing::warn!(error = %crate::error::Chain(&error), "renewing the backup lease failed");
                    }
                }
            })
        };
        let result = self.copy_into(dest, database_url).await;
        renew.abort();
        if let Err(error) = self.drop_lease(BACKUP, &owner).await {
            tracing::warn!(error = %crate::error::Chain(&error), "giving up the backup lease failed; it expires by itself");
        }
        result
    }

    async fn copy_into(&self, dest: &Path, database_url: &str) -> Result<BackupReport> {
        let created_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let (database, refs) = match self.db().get_database_backend() {
            DbBackend::Sqlite => sqlite_snapshot(self.db(), dest).await?,
            DbBackend::Postgres => postgres_snapshot(self.db(), dest, database_url).await?,
            other => return Err(backup_error(format!("no backup for a {other:?} database"))),
        };
        let mut object_bytes = 0;
        for r in &refs {
            let path = object_path(dest, &r.key).ok_or_else(|| {
                backup_error(format!("object key {:?} is not a safe path", r.key))
            })?;
            let Some((size, sha256)) = hash_object(self.storage(), &r.key, Some(&path)).await?
            else {
                return Err(backup_error(format!(
                    "object {} is referenced by the database but missing from the store; \
                     run `satudata verify` and restore it before backing up",
                    r.key
                )));
            };
            if size != r.size || sha256 != r.sha256 {
                return Err(backup_error(format!(
                    "object {} differs from its record (size {size}, SHA-256 {sha256}; \
                     recorded {} and {}); run `satudata verify`",
                    r.key, r.size, r.sha256
                )));
            }
            object_bytes += size;
        }
        let manifest = Manifest {
            format: FORMAT.to_owned(),
            created_at,
            satudata_version: env!("CARGO_PKG_VERSION").to_owned(),
            database,
            objects: refs,
        };
        write_manifest(dest, &manifest).await?;
        Ok(BackupReport {
            manifest,
            object_bytes,
        })
    }
}

/// Creates `dest`, or checks that it is an empty folder.
async fn prepare_folder(dest: &Path) -> Result<()> {
    match tokio::fs::read_dir(dest).await {
        Ok(mut entries) => {
            let first = entries
                .next_entry()
                .await
                .map_err(|e| io(format!("reading {}", dest.display()), e))?;
            if first.is_some() {
                return Err(backup_error(format!(
                    "{} is not empty; back up into a new folder",
                    dest.display()
                )));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => tokio::fs::create_dir_all(dest)
            .await
            .map_err(|e| io(format!("creating {}", dest.display()), e)),
        Err(e) => Err(io(format!("opening {}", dest.display()), e)),
    }
}

/// SQLite: `VACUUM INTO` writes a consistent copy while others read and write; the
/// references are read from the copy.
async fn sqlite_snapshot(
    db: &DatabaseConnection,
    dest: &Path,
) -> Result<(DatabaseCopy, Vec<ObjectRef>)> {
    let file = "database.sqlite";
    let path = dest.join(file);
    let target = path
        .to_str()
        .ok_or_else(|| backup_error(format!("{} is not valid UTF-8", path.display())))?;
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Sqlite,
        "VACUUM INTO ?",
        [target.into()],
    ))
    .await?;
    let copy = open_sqlite(&path).await?;
    let (refs, conflicting) = references(&copy).await?;
    copy.close().await?;
    refuse_conflicts(&conflicting)?;
    let (size, sha256) = hash_file(&path).await?;
    Ok((
        DatabaseCopy {
            backend: "sqlite".to_owned(),
            file: file.to_owned(),
            size,
            sha256,
        },
        refs,
    ))
}

/// PostgreSQL: a read-only repeatable-read transaction exports its snapshot; `pg_dump` dumps
/// exactly that snapshot and the references are read inside the same transaction.
async fn postgres_snapshot(
    db: &DatabaseConnection,
    dest: &Path,
    database_url: &str,
) -> Result<(DatabaseCopy, Vec<ObjectRef>)> {
    let file = "database.pgdump";
    let path = dest.join(file);
    #[expect(
        clippy::disallowed_methods,
        reason = "a read-only PostgreSQL snapshot, not a write transaction"
    )]
    let txn = db
        .begin_with_config(
            Some(IsolationLevel::RepeatableRead),
            Some(AccessMode::ReadOnly),
        )
        .await?;
    let snapshot: String = txn
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT pg_export_snapshot() AS id",
        ))
        .await?
        .ok_or_else(|| backup_error("pg_export_snapshot() returned nothing"))?
        .try_get("", "id")?;
    let (refs, conflicting) = references(&txn).await?;
    run_pg_tool(
        "pg_dump",
        vec![
            "--format=custom".to_owned(),
            "--no-owner".to_owned(),
            "--no-privileges".to_owned(),
            format!("--snapshot={snapshot}"),
            format!("--file={}", path.display()),
        ],
        database_url,
    )
    .await?;
    txn.commit().await?;
    refuse_conflicts(&conflicting)?;
    let (size, sha256) = hash_file(&path).await?;
    Ok((
        DatabaseCopy {
            backend: "postgres".to_owned(),
            file: file.to_owned(),
            size,
            sha256,
        },
        refs,
    ))
}

fn refuse_conflicts(conflicting: &[String]) -> Result<()> {
    match conflicting.first() {
        None => Ok(()),
        Some(key) => Err(backup_error(format!(
            "the database records {} object key(s) with two different contents (first: {key}); \
             run `satudata verify`",
            conflicting.len()
        ))),
    }
}

/// Opens a SQLite file read-only, without migrating it.
pub(super) async fn open_sqlite(path: &Path) -> Result<DatabaseConnection> {
    let url = format!("sqlite://{}?mode=ro", path.display());
    Ok(sea_orm::Database::connect(url).await?)
}

async fn write_manifest(dest: &Path, manifest: &Manifest) -> Result<()> {
    let json = serde_json::to_vec_pretty(manifest).map_err(|source| Error::Json {
        context: "the backup manifest",
        source,
    })?;
    let path: PathBuf = dest.join(MANIFEST);
    tokio::fs::write(&path, json)
        .await
        .map_err(|e| io(format!("writing {}", path.display()), e))
}
