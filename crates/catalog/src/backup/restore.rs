//! `satudata restore SRC`: a backup folder into an empty installation.
//!
//! Objects go first and the database last, so that an interrupted restore never leaves a
//! database that points at missing objects, and running it again picks up where it stopped
//! (objects already stored with the right content are kept).

use std::path::Path;

use satudata_storage::Storage;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

use super::{
    FORMAT, MANIFEST, Manifest, VerifyReport, backup_error, hash_file, hash_object, io,
    object_path, run_pg_tool, verify,
};
use crate::db;
use crate::error::{Error, Result};

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreReport {
    /// Objects put into the store.
    pub copied: usize,
    /// Objects the store already had with the right content.
    pub kept: usize,
    /// Bytes put into the store.
    pub bytes: u64,
    /// The verification of the restored installation.
    pub verify: VerifyReport,
}

/// Restores the backup folder `src` into the database at `database_url` (which must hold no
/// OPD, account or dataset) and `storage`, migrates the database to this version's schema and
/// verifies every object. Stop the service of the target installation first.
pub async fn restore(src: &Path, database_url: &str, storage: &Storage) -> Result<RestoreReport> {
    let manifest = read_manifest(src).await?;
    let backend = if database_url.starts_with("sqlite:") {
        "sqlite"
    } else {
        "postgres"
    };
    if manifest.database.backend != backend {
        return Err(backup_error(format!(
            "this backup holds a {} database and database_url names a {backend} one; \
             restore into the same kind of database",
            manifest.database.backend
        )));
    }
    let dump = src.join(&manifest.database.file);
    let (size, sha256) = hash_file(&dump).await?;
    if size != manifest.database.size || sha256 != manifest.database.sha256 {
        return Err(backup_error(format!(
            "{} differs from the manifest (damaged backup)",
            dump.display()
        )));
    }
    let target = db::connect(database_url).await?;
    refuse_non_empty(&target).await?;
    let (mut copied, mut kept, mut bytes) = (0, 0, 0);
    for r in &manifest.objects {
        let path = object_path(src, &r.key)
            .ok_or_else(|| backup_error(format!("object key {:?} is not a safe path", r.key)))?;
        if hash_object(storage, &r.key, None).await? == Some((r.size, r.sha256.clone())) {
            kept += 1;
            continue;
        }
        if hash_file(&path).await? != (r.size, r.sha256.clone()) {
            return Err(backup_error(format!(
                "{} differs from the manifest (damaged backup)",
                path.display()
            )));
        }
        storage.put_file(&r.key, &path).await?;
        copied += 1;
        bytes += r.size;
    }
    match target.get_database_backend() {
        DbBackend::Sqlite => {
            target.close().await?;
            replace_sqlite_file(database_url, &dump).await?;
        }
        _ => {
            drop_tables(&target).await?;
            target.close().await?;
            run_pg_tool(
                "pg_restore",
                vec![
                    "--no-owner".to_owned(),
                    "--no-privileges".to_owned(),
                    "--single-transaction".to_owned(),
                    "--exit-on-error".to_owned(),
                    dump.display().to_string(),
                ],
                database_url,
            )
            .await?;
        }
    }
    let restored = db::connect(database_url).await?;
    db::migrate(&restored).await?;
    let verify = verify(&restored, storage).await?;
    restored.close().await?;
    Ok(RestoreReport {
        copied,
        kept,
        bytes,
        verify,
    })
}

async fn read_manifest(src: &Path) -> Result<Manifest> {
    let path = src.join(MANIFEST);
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| io(format!("reading {}", path.display()), e))?;
    let manifest: Manifest = serde_json::from_slice(&bytes).map_err(|source| Error::Json {
        context: "the backup manifest",
        source,
    })?;
    if manifest.format != FORMAT {
        return Err(backup_error(format!(
            "{} is a {:?} backup; this satudata reads {FORMAT}",
            path.display(),
            manifest.format
        )));
    }
    if !matches!(
        manifest.database.file.as_str(),
        "database.sqlite" | "database.pgdump"
    ) {
        return Err(backup_error(format!(
            "unexpected database file {:?} in the manifest",
            manifest.database.file
        )));
    }
    Ok(manifest)
}

/// An installation is empty when it has no OPD, account or dataset (`satudata migrate` and a
/// first start, which writes the portal row and the region list, may have run).
async fn refuse_non_empty(db: &DatabaseConnection) -> Result<()> {
    for table in ["organization", "account", "dataset"] {
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        let count: i64 = match db
            .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
        {
            Ok(Some(row)) => row.try_get("", "n")?,
            // No such table: never migrated.
            Ok(None) | Err(_) => 0,
        };
        if count > 0 {
            return Err(backup_error(format!(
                "the target database already has {count} row(s) in {table}; restore into an \
                 empty installation (a new database_url and storage)"
            )));
        }
    }
    Ok(())
}

/// Drops every table and function of the current schema, so that `pg_restore` recreates the backup's
/// exactly (a newer binary's first start may have made tables the backup does not have).
async fn drop_tables(db: &DatabaseConnection) -> Result<()> {
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()",
        ))
        .await?;
    for row in rows {
        let table: String = row.try_get("", "tablename")?;
        let quoted = table.replace('"', "\"\"");
        db.execute_unprepared(&format!("DROP TABLE IF EXISTS \"{quoted}\" CASCADE"))
            .await?;
    }
    // The migrations' trigger functions (`catalogue_bump`) outlive their tables.
    let functions = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT p.oid::regprocedure::text AS f FROM pg_proc p \
             WHERE p.pronamespace = current_schema()::regnamespace",
        ))
        .await?;
    for row in functions {
        let function: String = row.try_get("", "f")?;
        db.execute_unprepared(&format!("DROP FUNCTION IF EXISTS {function} CASCADE"))
            .await?;
    }
    Ok(())
}

/// Puts the backup's SQLite file where `database_url` points: copied beside it (0600), then
/// renamed over it, with the old file's WAL and shared-memory files removed.
async fn replace_sqlite_file(database_url: &str, dump: &Path) -> Result<()> {
    let rest = database_url
        .trim_start_matches("sqlite:")
        .trim_start_matches("//");
    let path = Path::new(rest.split_once('?').map_or(rest, |(p, _)| p)).to_owned();
    let dump = dump.to_owned();
    tokio::task::spawn_blocking(move || -> Result<()> {
        use std::os::unix::fs::OpenOptionsExt;
        let partial = path.with_extension("restoring");
        let context = || format!("writing {}", partial.display());
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&partial)
            .map_err(|e| io(context(), e))?;
        let mut input = std::fs::File::open(&dump).map_err(|e| io(context(), e))?;
        std::io::copy(&mut input, &mut out).map_err(|e| io(context(), e))?;
        out.sync_all().map_err(|e| io(context(), e))?;
        for suffix in ["-wal", "-shm"] {
            let mut side = path.as_os_str().to_owned();
            side.push(suffix);
            match std::fs::remove_file(&side) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io(format!("removing {}", side.display()), e)),
            }
        }
        std::fs::rename(&partial, &path)
            .map_err(|e| io(format!("replacing {}", path.display()), e))?;
        Ok(())
    })
    .await?
}
