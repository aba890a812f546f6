//! The clean table of a version: written once, when a valid version is uploaded, as a
//! content-addressed blob (`blobs/sha256/…`). Review sees it, publication serves it as the CSV
//! and reads it for the other formats, so the walidata approves the very bytes that go online.

use std::path::{Path, PathBuf};

use satudata_validation::{TableInfo, TableSchema};

use crate::entity::dataset_version;
use crate::error::{Error, Message, Result};
use satudata_publish as formats;

use crate::{Actor, Catalog};

/// The store key of a content-addressed blob.
pub(crate) fn blob_key(sha256: &str) -> String {
    format!("blobs/sha256/{}/{sha256}", &sha256[..2.min(sha256.len())])
}

/// A stored clean table.
#[derive(Debug, Clone)]
pub(crate) struct CleanTable {
    pub sha256: String,
    pub size: u64,
    /// What cleaning changed ([`satudata_validation::CleanLog`] as stored).
    pub log: serde_json::Value,
}

/// A version's clean table as stored, for review before publication.
#[derive(Debug, Clone)]
pub struct CleanFile {
    /// The version.
    pub version: dataset_version::Model,
    /// The store key of the clean CSV.
    pub object_key: String,
    /// Its SHA-256 (hex).
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
}

impl Catalog {
    /// The clean table of version `number` of dataset `key`, for whoever may see the version
    /// (before publication: its OPD and the walidata).
    pub async fn clean_file(&self, actor: &Actor, key: &str, number: i32) -> Result<CleanFile> {
        let version = self.version(actor, key, number).await?;
        let (Some(sha256), Some(size)) = (version.clean_sha256.clone(), version.clean_size) else {
            return Err(Error::NotFound(Message::new(
                format!(
                    "Versi {number} tidak memiliki tabel bersih: tabel hanya dibersihkan bila \
                     laporan validasinya tanpa galat"
                ),
                format!(
                    "Version {number} has no clean table: a table is cleaned only when its \
                     validation report has no errors"
                ),
            )));
        };
        Ok(CleanFile {
            version,
            object_key: blob_key(&sha256),
            sha256,
            size: u64::try_from(size).unwrap_or(0),
        })
    }

    /// Cleans the stored object `object_key`, read as its report's `table` and `schema`, and
    /// stores the result under its hash. Nothing in the database changes here: until a row
    /// points at it, the blob is a leftover that `satudata gc` removes.
    pub(crate) async fn store_clean_table(
        &self,
        object_key: &str,
        table: &TableInfo,
        schema: &TableSchema,
        long: bool,
    ) -> Result<CleanTable> {
        let scratch = self.storage().scratch_dir("clean-")?;
        let reader = self.storage().blocking_reader(object_key).await?;
        let reference = self.regions();
        let path = scratch.path().join("data.csv");
        let (table, schema, target) = (table.clone(), schema.clone(), path.clone());
        let options = satudata_validation::CleanOptions {
            long,
            limits: self.settings().read_limits,
        };
        let (sha256, size, log) = tokio::task::spawn_blocking(move || {
            formats::clean(
                reader,
                &table,
                &schema,
                reference.as_deref(),
                &target,
                &options,
            )
        })
        .await??;
        // Put even when the same blob exists: an old unreferenced copy could be removed by gc
        // before this version's row points at it; pinning and putting it makes it young.
        self.pin_blob(&blob_key(&sha256)).await?;
        let put = self.storage().put_file(&blob_key(&sha256), &path).await?;
        self.storage().drop_scratch(scratch, &[put]);
        let log = serde_json::to_value(&log).map_err(Error::json("the cleaning log"))?;
        Ok(CleanTable { sha256, size, log })
    }

    /// A local file holding the clean table `sha256`: the stored file itself in a `file://`
    /// store, otherwise a copy made in `scratch`.
    pub(crate) async fn clean_table_file(&self, sha256: &str, scratch: &Path) -> Result<PathBuf> {
        Ok(self
            .storage()
            .local_path(&blob_key(sha256), &scratch.join("clean.csv"))
            .await?)
    }
}
