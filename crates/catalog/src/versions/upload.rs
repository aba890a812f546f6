//! Receiving an upload: the body streams into the store while it is hashed; then, in one
//! transaction, the version is numbered and recorded (DRAFT, its report still to come) with
//! its `upload` event and the job that validates it (`jobs/validate.rs`). The request may wait
//! for that job or answer at once; nothing of the version is half there either way.

use bytes::Bytes;
use chrono::Utc;
use futures_util::{Stream, StreamExt};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{TEXT_MEDIA_TYPES, Upload, WHOLE_MEDIA_TYPES};
use crate::entity::{dataset, dataset_version, job};
use crate::error::{Error, Message, Result};
use crate::jobs::JobKind;
use crate::lifecycle::{EventInput, EventKind, VersionStatus, record_event};
use crate::{Actor, Catalog};
use satudata_storage::ObjectWriter;

impl Catalog {
    /// Streams an upload into the store and records it as the dataset's next version, with
    /// the job that validates it. Memory stays bounded whatever the size: chunks go to the
    /// store as they come, while a SHA-256 sees each chunk once. Returns the version (its
    /// report still to come) and its validation job; [`Catalog::await_job`] waits for it.
    pub async fn upload_version<S, E>(
        &self,
        actor: &Actor,
        key: &str,
        upload: Upload<S>,
    ) -> Result<(dataset_version::Model, job::Model)>
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
        self.observer().upload_received(received.bytes);
        let row = dataset_version::ActiveModel {
            uuid: Set(version_uuid),
            dataset_id: Set(dataset.id),
            object_key: Set(object_key.clone()),
            sha256: Set(received.sha256),
            byte_size: Set(i64::try_from(received.bytes).unwrap_or(i64::MAX)),
            original_filename: Set(filename),
            media_type: Set(media_type),
            uploaded_by: Set(actor.account_id()),
            created_at: Set(Utc::now()),
            is_table: Set(true),
            table_info: Set(serde_json::json!({})),
            status: Set(VersionStatus::Draft),
            ..Default::default()
        };
        let payload = serde_json::json!({ "long": upload.long });
        let recorded = self.insert_version(actor, dataset.id, row, payload).await;
        if recorded.is_err() {
            // Nothing may point at the object; do not leave it behind.
            self.storage().delete(&object_key).await?;
        }
        let recorded = recorded?;
        self.wake_workers();
        Ok(recorded)
    }

    /// Numbers a version and inserts it with its `upload` history event and its validation
    /// job in one transaction. The transaction first writes the dataset's row, which holds
    /// concurrent uploads of the same dataset back (a PostgreSQL row lock; on SQLite the
    /// transaction holds the write lock from its start) until it commits: each one then reads the number the previous one took.
    async fn insert_version(
        &self,
        actor: &Actor,
        dataset_id: i32,
        mut row: dataset_version::ActiveModel,
        payload: serde_json::Value,
    ) -> Result<(dataset_version::Model, job::Model)> {
        use sea_orm::sea_query::Expr;
        let txn = self.begin_write().await?;
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
        record_event(
            &txn,
            actor,
            EventInput {
                dataset_id: model.dataset_id,
                version_number: Some(model.number),
                action: EventKind::Upload,
                from_status: None,
                to_status: Some(VersionStatus::Draft),
                note: None,
                changes: None,
            },
        )
        .await?;
        let job = self
            .enqueue(&txn, JobKind::Validate, dataset_id, model.id, payload)
            .await?;
        txn.commit().await?;
        Ok((model, job))
    }
}

struct Received {
    sha256: String,
    bytes: u64,
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
pub(super) fn clean_filename(name: Option<&str>) -> Option<String> {
    let base = name?.rsplit(['/', '\\']).next()?.trim();
    let clean: String = base.chars().filter(|c| !c.is_control()).take(255).collect();
    (!clean.is_empty() && clean != "." && clean != "..").then_some(clean)
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
