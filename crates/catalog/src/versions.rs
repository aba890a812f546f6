//! Dataset versions: every upload is streamed to the object store and hashed on the way, then
//! and recorded as an immutable, numbered version.

use bytes::Bytes;
use chrono::{Datelike, Utc};
use futures_util::{Stream, StreamExt};
use satudata_validation::{Options, Report};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::entity::{dataset, dataset_version};
use crate::error::{Error, Message, Result};
use crate::{Actor, Catalog};
use satudata_storage::ObjectWriter;

/// Media types accepted as delimited text tables.
pub const TEXT_MEDIA_TYPES: &[&str] = &[
    "text/csv",
    "application/csv",
    "text/plain",
    "text/tab-separated-values",
    "application/vnd.ms-excel",
];

/// Media types of tables read whole: XLSX workbooks and JSON arrays of records.
pub const WHOLE_MEDIA_TYPES: &[&str] = &[
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/json",
];

/// An upload as it arrives: metadata and a stream of chunks.
#[derive(Debug)]
pub struct Upload<S> {
    /// The media type the client declared (`Content-Type`), parameters stripped.
    pub media_type: String,
    /// The file name the client gave, kept for display only (never used in storage keys).
    pub filename: Option<String>,
    /// The declared length, when known; rejected early when above the limit.
    pub declared_len: Option<u64>,
    /// Clean a wide table (years or months as columns) into the Satu Data long layout.
    pub long: bool,
    /// The bytes.
    pub body: S,
}

impl Catalog {
    /// Streams an upload into the store and records it as the dataset's next version.
    ///
    /// Memory stays bounded whatever the size: chunks go to the store as they come, while a
    /// SHA-256 sees each chunk once; then the stored object is read back once by the validation
    /// engine and, when the table is valid, once more to write its clean table. A failed or
    /// rejected upload leaves nothing behind but, at most, a blob no row points at (which
    /// `satudata gc` removes).
    pub async fn upload_version<S, E>(
        &self,
        actor: &Actor,
        key: &str,
        upload: Upload<S>,
    ) -> Result<dataset_version::Model>
    where
        S: Stream<Item = std::result::Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        actor.require_signed_in()?;
        let dataset = self.dataset_row(actor, key).await?;
        actor.require_dataset_writer(dataset.organization_id)?;
        let media_type = upload.media_type.trim().to_ascii_lowercase();
        let text = TEXT_MEDIA_TYPES.contains(&media_type.as_str());
        if !text && !WHOLE_MEDIA_TYPES.contains(&media_type.as_str()) {
            return Err(Error::UnsupportedMediaType(media_type));
        }
        let limit = self.settings().max_upload_bytes;
        if upload.declared_len.is_some_and(|n| n > limit) {
            return Err(Error::TooLarge { limit });
        }
        if upload.declared_len == Some(0) {
            return Err(empty_upload());
        }
        let filename = clean_filename(upload.filename.as_deref());

        let version_uuid = Uuid::now_v7();
        let object_key = format!("datasets/{}/versions/{version_uuid}/source", dataset.uuid);
        let writer = self.storage().writer(&object_key).await?;
        let received = receive(writer, upload.body, limit).await?;
        let coverage = match (dataset.temporal_start, dataset.temporal_end) {
            (Some(start), Some(end)) => Some((start.year(), end.year())),
            _ => None,
        };
        let schema = self.schema_of(&dataset).await?;
        // One read of the stored object: the report says whether it is a table at all.
        let report = match self.validate_object(&object_key, coverage, schema).await {
            Ok(report) => report,
            Err(error) => {
                self.storage().delete(&object_key).await?;
                return Err(error);
            }
        };
        let mut table = Table::new(&report)?;
        // A valid table is cleaned now: review sees the clean table, and publication serves it.
        if report.valid {
            match self
                .store_clean_table(&object_key, &report.table, &report.schema, upload.long)
                .await
            {
                Ok(clean) => table.clean = Some(clean),
                Err(error) => {
                    self.storage().delete(&object_key).await?;
                    return Err(error);
                }
            }
        }
        let recorded = self
            .record_version(
                &dataset,
                actor,
                version_uuid,
                &object_key,
                &received.sha256,
                received.bytes,
                filename,
                media_type,
                &table,
            )
            .await;
        if recorded.is_err() {
            // Nothing may point at the object; do not leave it behind.
            self.storage().delete(&object_key).await?;
        }
        recorded
    }

    /// Validates a stored object against the Satu Data rules, streaming it from the store.
    pub async fn validate_object(
        &self,
        key: &str,
        coverage: Option<(i32, i32)>,
        schema: Option<satudata_validation::TableSchema>,
    ) -> Result<Report> {
        let reader = self.storage().blocking_reader(key).await?;
        let reference = self.regions();
        let limits = self.settings().read_limits;
        tokio::task::spawn_blocking(move || {
            let options = Options {
                schema: schema.as_ref(),
                reference: reference.as_deref(),
                coverage,
                limits,
                ..Options::default()
            };
            satudata_validation::validate(reader, &options)
        })
        .await?
        .map_err(|e| unreadable(&e))
    }

    /// The validation report of a version.
    pub async fn version_report(
        &self,
        actor: &Actor,
        key: &str,
        number: i32,
    ) -> Result<serde_json::Value> {
        let version = self.version(actor, key, number).await?;
        version.report.ok_or_else(|| {
            Error::NotFound(Message::new(
                format!("Versi {number} belum memiliki laporan validasi"),
                format!("Version {number} has no validation report"),
            ))
        })
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "one private call site that spells out the record"
    )]
    async fn record_version(
        &self,
        dataset: &dataset::Model,
        actor: &Actor,
        uuid: Uuid,
        object_key: &str,
        sha256: &str,
        bytes: u64,
        filename: Option<String>,
        media_type: String,
        table: &Table,
    ) -> Result<dataset_version::Model> {
        let row = dataset_version::ActiveModel {
            uuid: Set(uuid),
            dataset_id: Set(dataset.id),
            object_key: Set(object_key.to_owned()),
            sha256: Set(sha256.to_owned()),
            byte_size: Set(i64::try_from(bytes).unwrap_or(i64::MAX)),
            original_filename: Set(filename),
            media_type: Set(media_type),
            uploaded_by: Set(actor.account_id()),
            created_at: Set(Utc::now()),
            is_table: Set(true),
            row_count: Set(i64::try_from(table.rows).ok()),
            column_count: Set(i64::try_from(table.columns).ok()),
            table_info: Set(table.info.clone()),
            report: Set(Some(table.report.clone())),
            report_valid: Set(Some(table.valid)),
            error_count: Set(i64::try_from(table.errors).ok()),
            warning_count: Set(i64::try_from(table.warnings).ok()),
            clean_sha256: Set(table.clean.as_ref().map(|c| c.sha256.clone())),
            clean_size: Set(table
                .clean
                .as_ref()
                .and_then(|c| i64::try_from(c.size).ok())),
            clean_log: Set(table.clean.as_ref().map(|c| c.log.clone())),
            status: Set(crate::lifecycle::VersionStatus::Draft),
            ..Default::default()
        };
        // Numbered inside the insert transaction, after the dataset's row is locked: concurrent
        // uploads queue there instead of racing (the unique index on (dataset, number) stays
        // as the guard).
        self.insert_version(actor, dataset.id, row).await
    }

    /// Numbers a version and inserts it with its `upload` history event in one transaction.
    /// The transaction first writes the dataset's row, which holds concurrent uploads of the
    /// same dataset back (PostgreSQL row lock, SQLite write lock) until it commits: each one
    /// then reads the number the previous one took.
    async fn insert_version(
        &self,
        actor: &Actor,
        dataset_id: i32,
        mut row: dataset_version::ActiveModel,
    ) -> Result<dataset_version::Model> {
        use sea_orm::sea_query::Expr;
        let txn = self.db().begin().await?;
        dataset::Entity::update_many()
            .col_expr(dataset::Column::Id, Expr::col(dataset::Column::Id))
            .filter(dataset::Column::Id.eq(dataset_id))
            .exec(&txn)
            .await?;
        let last = dataset_version::Entity::find()
            .filter(dataset_version::Column::DatasetId.eq(dataset_id))
            .order_by_desc(dataset_version::Column::Number)
            .limit(1)
            .one(&txn)
            .await?;
        row.number = Set(last.map_or(1, |v| v.number + 1));
        let model = row.insert(&txn).await?;
        crate::lifecycle::record_event(
            &txn,
            actor,
            crate::lifecycle::EventInput {
                dataset_id: model.dataset_id,
                version_number: Some(model.number),
                action: crate::lifecycle::EventKind::Upload,
                from_status: None,
                to_status: Some(crate::lifecycle::VersionStatus::Draft),
                note: None,
                changes: None,
            },
        )
        .await?;
        txn.commit().await?;
        Ok(model)
    }

    /// A dataset's versions, newest first. Readers who may not see drafts see published
    /// versions only.
    pub async fn list_versions(
        &self,
        actor: &Actor,
        key: &str,
    ) -> Result<Vec<dataset_version::Model>> {
        let dataset = self.dataset_row(actor, key).await?;
        let mut query = dataset_version::Entity::find()
            .filter(dataset_version::Column::DatasetId.eq(dataset.id));
        if !actor.sees_drafts(&dataset) {
            query = query.filter(dataset_version::Column::PublishedAt.is_not_null());
        }
        Ok(query
            .order_by_desc(dataset_version::Column::Number)
            .all(self.db())
            .await?)
    }

    /// One version of a dataset by number.
    pub async fn version(
        &self,
        actor: &Actor,
        key: &str,
        number: i32,
    ) -> Result<dataset_version::Model> {
        let dataset = self.dataset_row(actor, key).await?;
        self.version_of(actor, &dataset, number).await
    }

    /// One version of a dataset the actor may read, by number.
    pub(crate) async fn version_of(
        &self,
        actor: &Actor,
        dataset: &dataset::Model,
        number: i32,
    ) -> Result<dataset_version::Model> {
        dataset_version::Entity::find()
            .filter(dataset_version::Column::DatasetId.eq(dataset.id))
            .filter(dataset_version::Column::Number.eq(number))
            .one(self.db())
            .await?
            .filter(|v| v.published_at.is_some() || actor.sees_drafts(dataset))
            .ok_or_else(|| {
                Error::not_found("Versi", "version", &format!("{}/{number}", dataset.slug))
            })
    }

    /// A version by database id.
    pub(crate) async fn version_by_id(&self, id: i32) -> Result<dataset_version::Model> {
        dataset_version::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or_else(|| Error::Invariant(format!("version {id} vanished")))
    }
}

struct Received {
    sha256: String,
    bytes: u64,
}

/// What is recorded of a table with its version: shape, the validation report and the stored
/// clean table, in the same insert as the version itself.
struct Table {
    clean: Option<crate::cleaned::CleanTable>,
    rows: u64,
    columns: u64,
    info: serde_json::Value,
    valid: bool,
    errors: u64,
    warnings: u64,
    report: serde_json::Value,
}

impl Table {
    fn new(report: &Report) -> Result<Self> {
        let t = &report.table;
        Ok(Self {
            clean: None,
            valid: report.valid,
            errors: report.error_count,
            warnings: report.warning_count,
            report: serde_json::to_value(report).map_err(Error::json("the validation report"))?,
            rows: t.row_count,
            columns: t.column_count,
            info: serde_json::json!({
                "format": t.format,
                "sheet": t.sheet,
                "encoding": t.encoding,
                "delimiter": t.delimiter,
                "header": t.header,
                "header_row": t.header_row,
            }),
        })
    }
}

/// Pumps the body into the writer; on any failure the partial object is aborted.
async fn receive<S, E>(mut writer: ObjectWriter, mut body: S, limit: u64) -> Result<Received>
where
    S: Stream<Item = std::result::Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut hasher = Sha256::new();
    let mut bytes = 0u64;
    let failure = loop {
        let chunk = match body.next().await {
            None => break None,
            Some(Ok(chunk)) => chunk,
            Some(Err(e)) => {
                break Some(Error::Unreadable(Message::new(
                    format!("Unggahan terputus: {e}"),
                    format!("The upload was interrupted: {e}"),
                )));
            }
        };
        bytes += chunk.len() as u64;
        if bytes > limit {
            break Some(Error::TooLarge { limit });
        }
        hasher.update(&chunk);
        if let Err(e) = writer.write(&chunk).await {
            break Some(e.into());
        }
    };
    if let Some(error) = failure {
        writer.abort().await;
        return Err(error);
    }
    if bytes == 0 {
        writer.abort().await;
        return Err(empty_upload());
    }
    writer.finish().await?;
    Ok(Received {
        sha256: hex::encode(hasher.finalize()),
        bytes,
    })
}

fn empty_upload() -> Error {
    Error::invalid(
        "body",
        "Berkas yang diunggah kosong",
        "The uploaded file is empty",
    )
}

/// Keeps the last path segment of a client's file name, without control characters.
fn clean_filename(name: Option<&str>) -> Option<String> {
    let base = name?.rsplit(['/', '\\']).next()?.trim();
    let clean: String = base.chars().filter(|c| !c.is_control()).take(255).collect();
    (!clean.is_empty() && clean != "." && clean != "..").then_some(clean)
}

/// Why a file is not a table, for the steward: the reader's messages carry both languages
/// (`id / en`); a file over a limit names the limit and what to do.
fn unreadable(error: &satudata_validation::ReadError) -> Error {
    let text = error.to_string();
    let (id, en) = text.split_once(" / ").unwrap_or((&text, &text));
    Error::Unreadable(Message::new(
        format!("Tabel tidak dapat dibaca: {id}"),
        format!("The table cannot be read: {en}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::clean_filename;

    #[test]
    fn file_names_lose_their_paths() {
        assert_eq!(
            clean_filename(Some("../../etc/passwd")).as_deref(),
            Some("passwd")
        );
        assert_eq!(
            clean_filename(Some("C:\\data\\penduduk.csv")).as_deref(),
            Some("penduduk.csv")
        );
        assert_eq!(clean_filename(Some("..")), None);
        assert_eq!(clean_filename(None), None);
    }
}
