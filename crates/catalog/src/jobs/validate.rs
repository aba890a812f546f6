//! The validation job: reads the stored upload once with the Satu Data rules, writes the clean
//! table of a valid one, and completes the version in one transaction. A file that is no table
//! at all fails the job for good: its version and `upload` event are removed, so nothing of it
//! stays visible, and the job keeps the reason for whoever waits.

use chrono::Datelike;
use satudata_validation::{Options, Report};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};

use crate::Catalog;
use crate::entity::{dataset, dataset_event, dataset_version, job};
use crate::error::{Error, Message, Result};
use crate::lifecycle::EventKind;

impl Catalog {
    pub(crate) async fn run_validate(&self, job: &job::Model) -> Result<()> {
        let Some(version) = self.job_version(job).await? else {
            return Ok(());
        };
        if version.report.is_some() {
            // Done before a crash that came between the commit and the job's end.
            return Ok(());
        }
        let dataset = dataset::Entity::find_by_id(version.dataset_id)
            .one(self.db())
            .await?
            .ok_or_else(|| Error::Invariant(format!("dataset {} vanished", version.dataset_id)))?;
        let long = job.payload["long"].as_bool().unwrap_or(false);
        let coverage = match (dataset.temporal_start, dataset.temporal_end) {
            (Some(start), Some(end)) => Some((start.year(), end.year())),
            _ => None,
        };
        let schema = self.schema_of(&dataset).await?;
        self.progress(job, "validating", u64::try_from(version.byte_size).ok())
            .await;
        let report = match self
            .validate_object(&version.object_key, coverage, schema)
            .await
        {
            Ok(report) => report,
            Err(error @ Error::Unreadable(_)) => {
                self.remove_unreadable(&version).await?;
                return Err(error);
            }
            Err(error) => return Err(error),
        };
        let mut table = Table::new(&report)?;
        // A valid table is cleaned now: review sees the clean table, and publication serves it.
        if report.valid {
            self.progress(job, "cleaning", u64::try_from(version.byte_size).ok())
                .await;
            table.clean = Some(
                self.store_clean_table(&version.object_key, &report.table, &report.schema, long)
                    .await?,
            );
        }
        let mut row = version.into_active_model();
        row.row_count = Set(i64::try_from(table.rows).ok());
        row.column_count = Set(i64::try_from(table.columns).ok());
        row.table_info = Set(table.info);
        row.report = Set(Some(table.report));
        row.report_valid = Set(Some(table.valid));
        row.error_count = Set(i64::try_from(table.errors).ok());
        row.warning_count = Set(i64::try_from(table.warnings).ok());
        row.clean_sha256 = Set(table.clean.as_ref().map(|c| c.sha256.clone()));
        row.clean_size = Set(table
            .clean
            .as_ref()
            .and_then(|c| i64::try_from(c.size).ok()));
        row.clean_log = Set(table.clean.map(|c| c.log));
        row.update(self.db()).await?;
        Ok(())
    }

    /// The version a job works on, unless it is gone (its upload was no table).
    pub(crate) async fn job_version(
        &self,
        job: &job::Model,
    ) -> Result<Option<dataset_version::Model>> {
        let Some(id) = job.version_id else {
            return Ok(None);
        };
        Ok(dataset_version::Entity::find_by_id(id)
            .one(self.db())
            .await?)
    }

    /// Removes a version whose upload is no table, with its `upload` event; its stored file
    /// goes at once unless a backup is running (then gc removes it later).
    async fn remove_unreadable(&self, version: &dataset_version::Model) -> Result<()> {
        let txn = self.begin_write().await?;
        dataset_event::Entity::delete_many()
            .filter(dataset_event::Column::DatasetId.eq(version.dataset_id))
            .filter(dataset_event::Column::VersionNumber.eq(version.number))
            .filter(dataset_event::Column::Action.eq(EventKind::Upload))
            .exec(&txn)
            .await?;
        dataset_version::Entity::delete_by_id(version.id)
            .exec(&txn)
            .await?;
        txn.commit().await?;
        if !self.backup_running().await? {
            self.storage().delete(&version.object_key).await?;
        }
        Ok(())
    }

    /// Validates a stored object against the Satu Data rules, streaming it from the store.
    pub(crate) async fn validate_object(
        &self,
        key: &str,
        coverage: Option<(i32, i32)>,
        schema: Option<satudata_validation::TableSchema>,
    ) -> Result<Report> {
        let reader = self.storage().blocking_reader(key).await?;
        let reference = self.regions();
        let limits = self.settings().read_limits;
        let started = std::time::Instant::now();
        let report = tokio::task::spawn_blocking(move || {
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
        .map_err(|e| unreadable(&e))?;
        self.observer()
            .validated(report.table.row_count, started.elapsed());
        Ok(report)
    }
}

/// What is recorded of a table with its version: shape, the validation report and the stored
/// clean table.
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

/// Why a file is not a table, for the steward: the reader's messages carry both languages
/// (`id / en`); a file over a limit names the limit and what to do.
pub(crate) fn unreadable(error: &satudata_validation::ReadError) -> Error {
    let text = error.to_string();
    let (id, en) = text.split_once(" / ").unwrap_or((&text, &text));
    Error::Unreadable(Message::new(
        format!("Tabel tidak dapat dibaca: {id}"),
        format!("The table cannot be read: {en}"),
    ))
}
