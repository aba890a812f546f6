//! Backup, restore and verification of an installation: the database and every object it
//! references.
//!
//! A backup is a folder: `manifest.json`, the database (`database.sqlite`, an online
//! `VACUUM INTO` copy, or `database.pgdump`, a `pg_dump` custom-format archive) and
//! `objects/<key>` for every object the database copy references, each with its SHA-256 in the
//! manifest. The references are read from the same snapshot the database copy is made from (the
//! copy itself for SQLite, an exported snapshot for PostgreSQL), and gc removes nothing while a
//! backup holds the `backup` lease, so the copy is consistent while the service runs.

mod restore;
mod snapshot;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use satudata_storage::Storage;
use sea_orm::{ConnectionTrait, EntityTrait, QuerySelect};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

pub use restore::{RestoreReport, restore};
pub use snapshot::BackupReport;

use crate::Catalog;
use crate::cleaned::blob_key;
use crate::entity::{dataset_version, distribution};
use crate::error::{Error, Result};

/// The manifest's `format`.
pub const FORMAT: &str = "satudata-backup/1";
/// The manifest's file name in a backup folder.
pub const MANIFEST: &str = "manifest.json";
/// The folder of the objects in a backup folder.
const OBJECTS: &str = "objects";

/// What a backup folder holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// When the snapshot was taken (RFC 3339).
    pub created_at: String,
    /// The version of satudata that wrote it.
    pub satudata_version: String,
    /// The database copy.
    pub database: DatabaseCopy,
    /// Every object the database copy references, by key.
    pub objects: Vec<ObjectRef>,
}

/// The database part of a backup.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DatabaseCopy {
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// The file in the backup folder.
    pub file: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256 (hex).
    pub sha256: String,
}

/// An object the database references, with what it must hold.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct ObjectRef {
    /// The key in the object store.
    pub key: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256 (hex).
    pub sha256: String,
}

/// What [`Catalog::verify`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// Objects checked.
    pub checked: usize,
    /// Bytes read.
    pub bytes: u64,
    /// Referenced objects the store does not have.
    pub missing: Vec<String>,
    /// Objects whose size or SHA-256 differs from what the database records.
    pub corrupt: Vec<String>,
    /// Keys the database records with two different contents (a bug).
    pub conflicting: Vec<String>,
}

impl VerifyReport {
    /// Whether everything referenced is there with its recorded content.
    pub fn is_ok(&self) -> bool {
        self.missing.is_empty() && self.corrupt.is_empty() && self.conflicting.is_empty()
    }
}

impl Catalog {
    /// Checks that every object the database references exists with its recorded size and
    /// SHA-256, reading each one in full.
    pub async fn verify(&self) -> Result<VerifyReport> {
        verify(self.db(), self.storage()).await
    }
}

/// Every object `db` references (source uploads, clean tables, published files), each once.
/// Keys recorded with two different contents are returned apart.
pub(crate) async fn references<C: ConnectionTrait>(
    db: &C,
) -> Result<(Vec<ObjectRef>, Vec<String>)> {
    let mut refs: Vec<ObjectRef> = Vec::new();
    let versions: Vec<VersionObjects> = dataset_version::Entity::find()
        .select_only()
        .column(dataset_version::Column::ObjectKey)
        .column(dataset_version::Column::ByteSize)
        .column(dataset_version::Column::Sha256)
        .column(dataset_version::Column::CleanSha256)
        .column(dataset_version::Column::CleanSize)
        .into_tuple()
        .all(db)
        .await?;
    for (key, size, sha256, clean_sha256, clean_size) in versions {
        refs.push(object_ref(key, size, sha256));
        if let (Some(sha256), Some(size)) = (clean_sha256, clean_size) {
            refs.push(object_ref(blob_key(&sha256), size, sha256));
        }
    }
    let files: Vec<(String, i64, String)> = distribution::Entity::find()
        .select_only()
        .column(distribution::Column::ObjectKey)
        .column(distribution::Column::ByteSize)
        .column(distribution::Column::Sha256)
        .into_tuple()
        .all(db)
        .await?;
    refs.extend(
        files
            .into_iter()
            .map(|(key, size, sha256)| object_ref(key, size, sha256)),
    );
    let mut by_key: BTreeMap<String, ObjectRef> = BTreeMap::new();
    let mut conflicting = Vec::new();
    for r in refs {
        match by_key.get(&r.key) {
            Some(seen) if seen != &r => conflicting.push(r.key.clone()),
            Some(_) => {}
            None => {
                by_key.insert(r.key.clone(), r);
            }
        }
    }
    conflicting.sort();
    conflicting.dedup();
    Ok((by_key.into_values().collect(), conflicting))
}

/// A version's source (key, size, SHA-256) and clean table (SHA-256, size).
type VersionObjects = (String, i64, String, Option<String>, Option<i64>);

fn object_ref(key: String, size: i64, sha256: String) -> ObjectRef {
    ObjectRef {
        key,
        size: u64::try_from(size).unwrap_or_default(),
        sha256,
    }
}

/// Reads every referenced object of `db` from `storage` and compares it with its record.
pub(crate) async fn verify<C: ConnectionTrait>(db: &C, storage: &Storage) -> Result<VerifyReport> {
    let (refs, conflicting) = references(db).await?;
    let mut report = VerifyReport {
        conflicting,
        ..VerifyReport::default()
    };
    let mut checks = futures_util::stream::iter(refs.iter().map(|r| async move {
        let found = hash_object(storage, &r.key, None).await;
        (r, found)
    }))
    .buffer_unordered(4);
    while let Some((r, found)) = checks.next().await {
        report.checked += 1;
        match found {
            Ok(Some((size, sha256))) => {
                report.bytes += size;
                if size != r.size || sha256 != r.sha256 {
                    report.corrupt.push(r.key.clone());
                }
            }
            Ok(None) => report.missing.push(r.key.clone()),
            Err(e) => return Err(e),
        }
    }
    report.missing.sort();
    report.corrupt.sort();
    Ok(report)
}

/// Streams an object, returning its size and SHA-256 (`None` when it does not exist); with
/// `copy_to`, also writes it to that file.
async fn hash_object(
    storage: &Storage,
    key: &str,
    copy_to: Option<&Path>,
) -> Result<Option<(u64, String)>> {
    let mut stream = match storage.stream(key).await {
        Ok(stream) => stream,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let mut file = match copy_to {
        Some(path) => Some(create_file(path).await?),
        None => None,
    };
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| Error::Storage(e.into()))?;
        hasher.update(&chunk);
        size += chunk.len() as u64;
        if let Some(file) = &mut file {
            file.write_all(&chunk)
                .await
                .map_err(|e| io(format!("writing {key} into the backup"), e))?;
        }
    }
    if let Some(mut file) = file {
        file.flush()
            .await
            .map_err(|e| io(format!("writing {key} into the backup"), e))?;
        file.sync_all()
            .await
            .map_err(|e| io(format!("writing {key} into the backup"), e))?;
    }
    Ok(Some((size, hex::encode(hasher.finalize()))))
}

/// The size and SHA-256 of a local file.
async fn hash_file(path: &Path) -> Result<(u64, String)> {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut file =
            std::fs::File::open(&path).map_err(|e| io(format!("reading {}", path.display()), e))?;
        let mut hasher = Sha256::new();
        let size = std::io::copy(&mut file, &mut hasher)
            .map_err(|e| io(format!("reading {}", path.display()), e))?;
        Ok((size, hex::encode(hasher.finalize())))
    })
    .await?
}

/// Where an object lives in a backup folder; `None` for a key that would leave it.
fn object_path(folder: &Path, key: &str) -> Option<PathBuf> {
    let relative = Path::new(key);
    relative
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)))
        .then(|| folder.join(OBJECTS).join(relative))
}

async fn create_file(path: &Path) -> Result<tokio::fs::File> {
    if let Some(parent) = path.parent() {
        tokio::fs::create_dir_all(parent)
            .await
            .map_err(|e| io(format!("creating {}", parent.display()), e))?;
    }
    tokio::fs::File::create(path)
        .await
        .map_err(|e| io(format!("creating {}", path.display()), e))
}

fn io(context: String, source: std::io::Error) -> Error {
    Error::Io { context, source }
}

/// An error of the backup tooling, in both languages' place: operators read these on a
/// terminal, in English.
fn backup_error(text: impl Into<String>) -> Error {
    Error::Backup(text.into())
}

/// Runs a PostgreSQL client program (`pg_dump`, `pg_restore`) to its end; its standard error
/// becomes the error. The password goes in `PGPASSWORD`, never in the arguments (which other
/// local users can read).
async fn run_pg_tool(program: &str, mut args: Vec<String>, database_url: &str) -> Result<()> {
    let mut url = url::Url::parse(database_url)
        .map_err(|e| backup_error(format!("database_url is not a URL: {e}")))?;
    let password = url.password().map(percent_decode);
    let _ = url.set_password(None);
    args.push(format!("--dbname={url}"));
    let name = program.to_owned();
    let program = program.to_owned();
    let output = tokio::task::spawn_blocking(move || {
        let mut command = std::process::Command::new(&program);
        command.args(&args).stdin(std::process::Stdio::null());
        if let Some(password) = password {
            command.env("PGPASSWORD", password);
        }
        command.output().map_err(|e| {
            io(
                format!("running {program} (is the PostgreSQL client installed?)"),
                e,
            )
        })
    })
    .await??;
    if output.status.success() {
        Ok(())
    } else {
        Err(backup_error(format!(
            "{name} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )))
    }
}

/// Decodes `%XX` escapes (a URL's password).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::{object_path, percent_decode};
    use std::path::Path;

    #[test]
    fn passwords_are_decoded() {
        assert_eq!(percent_decode("p%40ss%2Fw%zz%"), "p@ss/w%zz%");
    }

    #[test]
    fn keys_stay_inside_the_folder() {
        let folder = Path::new("/b");
        assert_eq!(
            object_path(folder, "blobs/ab/cd"),
            Some(Path::new("/b/objects/blobs/ab/cd").to_owned())
        );
        assert_eq!(object_path(folder, "../etc/passwd"), None);
        assert_eq!(object_path(folder, "/etc/passwd"), None);
    }
}
