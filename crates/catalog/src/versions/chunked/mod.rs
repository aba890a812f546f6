//! Resumable uploads (the workspace's progress bar over a dropping link): an upload is opened
//! with its size, then receives chunks at the offset the server holds. Each chunk is stored as
//! its own object under `uploads/{uuid}/` before the offset moves (a conditional UPDATE, so a
//! retried chunk whose answer was lost is never appended twice, and any node may take the next
//! chunk). When the last byte has arrived the chunks are streamed, in order, through
//! [`Catalog::upload_version`]: the version is recorded and validated exactly as an upload
//! through the API. Sessions idle for a day are swept by gc with their chunks.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use bytes::Bytes;
use chrono::{Duration, Utc};
use futures_util::{StreamExt, TryStreamExt, stream};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{TEXT_MEDIA_TYPES, Upload, WHOLE_MEDIA_TYPES};
use crate::entity::{dataset, upload_session};
use crate::error::{Error, Message, Result};
use crate::jobs::JobFailure;
use crate::{Actor, Catalog};

/// The largest chunk a client may send (the client never sends more than it is told).
pub const CHUNK_SIZE: u32 = 4 * 1024 * 1024;
/// How long a session may sit without a chunk before gc removes it.
pub const UPLOAD_EXPIRY: Duration = Duration::hours(24);

/// What a client declares when it opens an upload.
#[derive(Debug, Clone)]
pub struct OpenUpload {
    pub filename: String,
    pub size: u64,
    /// The browser's media type for the file (may be empty or `application/octet-stream`:
    /// then the file name's extension decides).
    pub media_type: String,
    /// Clean a wide table into the long layout.
    pub long: bool,
}

/// Where an upload is, as the client sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadState {
    /// Waiting for chunks.
    Receiving,
    /// All bytes are in; the version is being recorded or validated.
    Validating,
    /// Validated: the version's report is ready.
    Done,
    /// It will not go on: `message` says why.
    Failed,
}

impl UploadState {
    /// The name the upload protocol uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Receiving => "receiving",
            Self::Validating => "validating",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }
}

/// An upload's status.
#[derive(Debug, Clone)]
pub struct UploadStatus {
    pub uuid: Uuid,
    pub dataset_slug: String,
    pub filename: String,
    pub state: UploadState,
    pub offset: u64,
    pub size: u64,
    pub chunk_size: u32,
    /// Rows the validation has read so far.
    pub rows_checked: Option<u64>,
    /// Why it failed.
    pub message: Option<Message>,
    /// The version it became, once recorded.
    pub version_number: Option<i32>,
}

/// What became of a chunk.
#[derive(Debug, Clone)]
pub enum Chunk {
    /// Appended; more is expected.
    Appended(UploadStatus),
    /// Appended, and it was the last: the file is being validated.
    Complete(UploadStatus),
    /// Not appended: the server's offset is another (or the upload no longer receives).
    Conflict(UploadStatus),
}

mod claim;
mod status;

const RECEIVING: &str = "receiving";
const ASSEMBLING: &str = "assembling";
const VALIDATING: &str = "validating";
const FAILED: &str = "failed";

/// The media type an upload is recorded with: the declared one when it is a table type,
/// otherwise the one its extension names.
pub fn media_type_for(declared: &str, filename: &str) -> Result<String> {
    let declared = declared
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if TEXT_MEDIA_TYPES.contains(&declared.as_str())
        || WHOLE_MEDIA_TYPES.contains(&declared.as_str())
    {
        return Ok(declared);
    }
    let extension = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let by_name = match extension.as_str() {
        "csv" | "txt" => "text/csv",
        "tsv" => "text/tab-separated-values",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "json" => "application/json",
        _ if declared.is_empty() => "application/octet-stream",
        _ => return Err(Error::UnsupportedMediaType(declared)),
    };
    if by_name == "application/octet-stream" {
        return Err(Error::UnsupportedMediaType(by_name.to_owned()));
    }
    Ok(by_name.to_owned())
}

fn parts_of(session: &upload_session::Model) -> Vec<String> {
    serde_json::from_value(session.parts.clone()).unwrap_or_default()
}

fn u64_of(n: i64) -> u64 {
    u64::try_from(n).unwrap_or_default()
}

impl Catalog {
    /// Opens a resumable upload of a new version of dataset `key`.
    pub async fn open_upload(
        &self,
        actor: &Actor,
        key: &str,
        open: OpenUpload,
    ) -> Result<UploadStatus> {
        actor.require_signed_in()?;
        let dataset = self.dataset_row(actor, key).await?;
        actor.require_dataset_writer(dataset.organization_id)?;
        let Some(account_id) = actor.account_id() else {
            return Err(Error::unauthenticated());
        };
        let limit = self.settings().max_upload_bytes;
        if open.size > limit {
            return Err(Error::TooLarge { limit });
        }
        if open.size == 0 {
            return Err(Error::invalid(
                "size",
                "Berkas yang dipilih kosong",
                "The chosen file is empty",
            ));
        }
        let filename = super::upload::clean_filename(Some(&open.filename)).unwrap_or_default();
        let media_type = media_type_for(&open.media_type, &filename)?;
        let now = Utc::now();
        let row = upload_session::ActiveModel {
            uuid: Set(Uuid::now_v7()),
            dataset_id: Set(dataset.id),
            account_id: Set(account_id),
            filename: Set(filename),
            media_type: Set(media_type),
            size: Set(i64::try_from(open.size).unwrap_or(i64::MAX)),
            received: Set(0),
            chunk_size: Set(i32::try_from(CHUNK_SIZE).unwrap_or(i32::MAX)),
            parts: Set(serde_json::json!([])),
            state: Set(RECEIVING.to_owned()),
            long: Set(open.long),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(self.db())
        .await?;
        self.status_of(&row, &dataset.slug).await
    }

    /// An upload's status. An upload whose last byte arrived but whose assembly never
    /// finished (its node stopped) is assembled now.
    pub async fn upload_status(&self, actor: &Actor, uuid: Uuid) -> Result<UploadStatus> {
        let (session, dataset) = self.session(actor, uuid).await?;
        // An assembly renews its claim every third of the jobs' lease: one not renewed for a
        // whole lease was cut off (its node stopped) and is taken over.
        let lease = Duration::from_std(self.settings().jobs.lease).unwrap_or(Duration::minutes(1));
        let cut_off = session.state == ASSEMBLING && session.updated_at < Utc::now() - lease;
        let complete = session.state == RECEIVING && session.received == session.size;
        if cut_off || complete {
            return self.assemble(actor, session, &dataset.slug).await;
        }
        self.status_of(&session, &dataset.slug).await
    }

    /// Appends `bytes` at `offset` to an upload.
    pub async fn append_chunk(
        &self,
        actor: &Actor,
        uuid: Uuid,
        offset: u64,
        bytes: Bytes,
    ) -> Result<Chunk> {
        let (session, dataset) = self.session(actor, uuid).await?;
        if session.state != RECEIVING || u64_of(session.received) != offset {
            return Ok(Chunk::Conflict(
                self.status_of(&session, &dataset.slug).await?,
            ));
        }
        let len = bytes.len() as u64;
        let chunk_limit = u64::from(u32::try_from(session.chunk_size).unwrap_or(CHUNK_SIZE));
        if len > chunk_limit {
            return Err(Error::TooLarge { limit: chunk_limit });
        }
        let size = u64_of(session.size);
        if offset + len > size {
            return Err(Error::TooLarge { limit: size });
        }
        if len == 0 {
            return Err(Error::invalid(
                "body",
                "Potongan berkas kosong",
                "The chunk is empty",
            ));
        }
        let part = format!("uploads/{uuid}/{offset:016}-{}", Uuid::new_v4().simple());
        let mut writer = self.storage().writer(&part).await?;
        if let Err(e) = writer.write(&bytes).await {
            writer.abort().await;
            return Err(e.into());
        }
        writer.finish().await?;
        let mut parts = parts_of(&session);
        parts.push(part.clone());
        let received = session.received + i64::try_from(len).unwrap_or(i64::MAX);
        let moved = upload_session::Entity::update_many()
            .col_expr(upload_session::Column::Received, Expr::value(received))
            .col_expr(
                upload_session::Column::Parts,
                Expr::value(serde_json::json!(parts)),
            )
            .col_expr(upload_session::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(upload_session::Column::Id.eq(session.id))
            .filter(upload_session::Column::Received.eq(session.received))
            .filter(upload_session::Column::State.eq(RECEIVING))
            .exec(self.db())
            .await?;
        if moved.rows_affected == 0 {
            // Another request took this offset first: this copy is not part of the file.
            self.storage().delete(&part).await?;
            let (session, dataset) = self.session(actor, uuid).await?;
            return Ok(Chunk::Conflict(
                self.status_of(&session, &dataset.slug).await?,
            ));
        }
        let (session, dataset) = self.session(actor, uuid).await?;
        if session.received == session.size {
            return Ok(Chunk::Complete(
                self.assemble(actor, session, &dataset.slug).await?,
            ));
        }
        Ok(Chunk::Appended(
            self.status_of(&session, &dataset.slug).await?,
        ))
    }

    /// Cancels an upload still receiving and removes its chunks; an upload already recorded
    /// as a version is left as it is (cancel the version instead).
    pub async fn cancel_upload(&self, actor: &Actor, uuid: Uuid) -> Result<()> {
        let (session, _) = self.session(actor, uuid).await?;
        if matches!(session.state.as_str(), RECEIVING | FAILED) {
            let deleted = upload_session::Entity::delete_many()
                .filter(upload_session::Column::Id.eq(session.id))
                .filter(upload_session::Column::State.eq(session.state.clone()))
                .filter(upload_session::Column::Received.eq(session.received))
                .exec(self.db())
                .await?;
            if deleted.rows_affected == 0 {
                // A chunk or the assembly came first: the chunks are not ours to remove.
                return Err(Error::Conflict(Message::new(
                    "Unggahan ini sedang diproses dan tidak dapat dibatalkan sekarang",
                    "This upload is being processed and cannot be cancelled now",
                )));
            }
            self.remove_parts(&session).await;
        }
        Ok(())
    }

    /// Removes sessions idle for longer than [`UPLOAD_EXPIRY`] (and `min_age`) with their
    /// chunks; returns the chunk keys removed (or that would be, with `dry_run`).
    pub(crate) async fn sweep_uploads(
        &self,
        min_age: std::time::Duration,
        dry_run: bool,
    ) -> Result<Vec<String>> {
        let age = Duration::from_std(min_age)
            .unwrap_or(Duration::MAX)
            .max(UPLOAD_EXPIRY);
        let idle = upload_session::Entity::find()
            .filter(upload_session::Column::UpdatedAt.lt(Utc::now() - age))
            .all(self.db())
            .await?;
        let mut removed = Vec::new();
        for session in idle {
            let parts = parts_of(&session);
            if !dry_run {
                upload_session::Entity::delete_by_id(session.id)
                    .exec(self.db())
                    .await?;
                self.remove_parts(&session).await;
            }
            removed.extend(parts);
        }
        // Chunks no session knows (a chunk stored just before its process died, or whose
        // session was removed while it was being stored), once as old as an idle session.
        let live: std::collections::HashSet<String> = upload_session::Entity::find()
            .all(self.db())
            .await?
            .into_iter()
            .map(|s| s.uuid.to_string())
            .collect();
        let cutoff = Utc::now() - age;
        for (key, modified) in self.storage().list("uploads/").await? {
            let session = key.split('/').nth(1).unwrap_or_default();
            if modified < cutoff && !live.contains(session) && !removed.contains(&key) {
                if !dry_run {
                    self.storage().delete(&key).await?;
                }
                removed.push(key);
            }
        }
        Ok(removed)
    }

    /// The session `uuid` of the signed-in account, with its dataset.
    async fn session(
        &self,
        actor: &Actor,
        uuid: Uuid,
    ) -> Result<(upload_session::Model, dataset::Model)> {
        let not_found = || Error::not_found("Unggahan", "upload", &uuid.to_string());
        let session = upload_session::Entity::find()
            .filter(upload_session::Column::Uuid.eq(uuid))
            .one(self.db())
            .await?
            .filter(|s| actor.account_id() == Some(s.account_id))
            .ok_or_else(not_found)?;
        let dataset = dataset::Entity::find_by_id(session.dataset_id)
            .one(self.db())
            .await?
            .ok_or_else(not_found)?;
        Ok((session, dataset))
    }

    /// Claims a complete session for assembly (once: a conditional UPDATE) and assembles it
    /// in a task of its own, so that a client that goes away does not cut it off; answers at
    /// once with the session as it now is (validating).
    async fn assemble(
        &self,
        actor: &Actor,
        session: upload_session::Model,
        slug: &str,
    ) -> Result<UploadStatus> {
        let claimed_at = Utc::now();
        let claimed = upload_session::Entity::update_many()
            .col_expr(upload_session::Column::State, Expr::value(ASSEMBLING))
            .col_expr(upload_session::Column::UpdatedAt, Expr::value(claimed_at))
            .filter(upload_session::Column::Id.eq(session.id))
            .filter(upload_session::Column::State.eq(session.state.clone()))
            .filter(upload_session::Column::UpdatedAt.eq(session.updated_at))
            .exec(self.db())
            .await?;
        if claimed.rows_affected == 1 {
            let (me, actor, slug) = (self.clone(), actor.clone(), slug.to_owned());
            let session = session.clone();
            tokio::spawn(async move {
                let uuid = session.uuid;
                if let Err(e) = me
                    .assemble_claimed(&actor, session, &slug, claimed_at)
                    .await
                {
                    tracing::warn!(upload = %uuid, error = %e, "assembling an upload failed");
                }
            });
        }
        let (session, _) = self.session(actor, session.uuid).await?;
        self.status_of(&session, slug).await
    }

    /// Streams the chunks, in order, into a new version, and records the outcome if the
    /// session is still the one claimed at `claimed_at`. A failure to read a chunk from the
    /// store (or of the database) keeps the chunks and lets the next status request try
    /// again; a file that is no table fails the upload.
    async fn assemble_claimed(
        &self,
        actor: &Actor,
        session: upload_session::Model,
        slug: &str,
        claimed_at: chrono::DateTime<Utc>,
    ) -> Result<()> {
        let storage = self.storage().clone();
        let store_failed = Arc::new(AtomicBool::new(false));
        let failed = store_failed.clone();
        let body = stream::iter(parts_of(&session))
            .then(move |key| {
                let storage = storage.clone();
                async move { storage.stream(&key).await }
            })
            .map(move |opened| {
                let failed = failed.clone();
                match opened {
                    Ok(chunks) => chunks
                        .map_err(move |e| {
                            failed.store(true, Ordering::Relaxed);
                            e.to_string()
                        })
                        .boxed(),
                    Err(e) => {
                        failed.store(true, Ordering::Relaxed);
                        let failure = e.to_string();
                        stream::once(async move { Err(failure) }).boxed()
                    }
                }
            })
            .flatten()
            .boxed();
        let upload = Upload {
            media_type: session.media_type.clone(),
            filename: Some(session.filename.clone()),
            declared_len: Some(u64_of(session.size)),
            long: session.long,
            body,
        };
        let claim = claim::Claim::hold(self, session.id, claimed_at);
        let outcome = self.upload_version(actor, slug, upload).await;
        let retry = match &outcome {
            Ok(_) => false,
            Err(e) => e.is_internal() || store_failed.load(Ordering::Relaxed),
        };
        // The outcome is recorded at once after the last renewal (well within the lease);
        // the chunks go only once it is (gc removes chunks no session knows).
        let Some(stamp) = claim.release().await else {
            tracing::warn!(upload = %session.uuid, "an assembly outlived its claim; its outcome is not recorded");
            return outcome.map(|_| ());
        };
        let mut update = upload_session::Entity::update_many()
            .col_expr(upload_session::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(upload_session::Column::Id.eq(session.id))
            .filter(upload_session::Column::State.eq(ASSEMBLING))
            .filter(upload_session::Column::UpdatedAt.eq(stamp));
        update = match &outcome {
            Ok((version, job)) => update
                .col_expr(upload_session::Column::State, Expr::value(VALIDATING))
                .col_expr(upload_session::Column::VersionId, Expr::value(version.id))
                .col_expr(upload_session::Column::JobUuid, Expr::value(job.uuid))
                .col_expr(
                    upload_session::Column::Parts,
                    Expr::value(serde_json::json!([])),
                ),
            // The chunks stay; the next status request assembles again.
            Err(_) if retry => {
                update.col_expr(upload_session::Column::State, Expr::value(RECEIVING))
            }
            Err(e) => update
                .col_expr(upload_session::Column::State, Expr::value(FAILED))
                .col_expr(
                    upload_session::Column::Error,
                    Expr::value(serde_json::to_string(&JobFailure::of(e)).ok()),
                )
                .col_expr(
                    upload_session::Column::Parts,
                    Expr::value(serde_json::json!([])),
                ),
        };
        let recorded = update.exec(self.db()).await?.rows_affected == 1;
        if recorded && !retry {
            self.remove_parts(&session).await;
        }
        if !recorded {
            tracing::warn!(upload = %session.uuid, "an assembly outlived its claim; its outcome is not recorded");
        }
        match outcome {
            Err(e) if retry => Err(e),
            _ => Ok(()),
        }
    }

    async fn remove_parts(&self, session: &upload_session::Model) {
        for key in parts_of(session) {
            if let Err(e) = self.storage().delete(&key).await {
                tracing::warn!(%key, error = %e, "could not remove an upload chunk; gc will");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::media_type_for;

    #[test]
    fn media_type_comes_from_the_declared_type_or_the_extension() {
        let xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        assert_eq!(
            media_type_for("text/csv", "a.xlsx").expect("a table type"),
            "text/csv"
        );
        assert_eq!(
            media_type_for("", "Rekap.XLSX").expect("a table type"),
            xlsx
        );
        assert_eq!(
            media_type_for("application/octet-stream", "data.csv").expect("a table type"),
            "text/csv"
        );
        assert!(media_type_for("application/pdf", "rekap.pdf").is_err());
        assert!(media_type_for("", "rekap").is_err());
    }
}
