//! What a client is told about an upload: its state, offset and, once validated, its
//! version; also for a plain upload's validation job, in the same shape.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{ASSEMBLING, CHUNK_SIZE, FAILED, RECEIVING, UploadState, UploadStatus, u64_of};
use crate::Actor;
use crate::Catalog;
use crate::entity::{dataset, dataset_version, job, upload_session};
use crate::error::{Error, Message, Result};
use crate::jobs::{JobFailure, JobState};

impl Catalog {
    /// The status of a session as the protocol tells it.
    pub(super) async fn status_of(
        &self,
        session: &upload_session::Model,
        slug: &str,
    ) -> Result<UploadStatus> {
        let mut status = UploadStatus {
            uuid: session.uuid,
            dataset_slug: slug.to_owned(),
            filename: session.filename.clone(),
            state: UploadState::Receiving,
            offset: u64_of(session.received),
            size: u64_of(session.size),
            chunk_size: u32::try_from(session.chunk_size).unwrap_or(CHUNK_SIZE),
            rows_checked: None,
            message: None,
            version_number: None,
        };
        match session.state.as_str() {
            RECEIVING => {}
            ASSEMBLING => status.state = UploadState::Validating,
            FAILED => {
                status.state = UploadState::Failed;
                status.message = session.error.as_deref().map(failure_message);
            }
            _ => {
                let job = match session.job_uuid {
                    Some(uuid) => {
                        job::Entity::find()
                            .filter(job::Column::Uuid.eq(uuid))
                            .one(self.db())
                            .await?
                    }
                    None => None,
                };
                let version = match session.version_id {
                    Some(id) => {
                        dataset_version::Entity::find_by_id(id)
                            .one(self.db())
                            .await?
                    }
                    None => None,
                };
                status.version_number = version.map(|v| v.number);
                apply_job(&mut status, job.as_ref());
            }
        }
        Ok(status)
    }

    /// The status of a validation job (an upload through the plain form), in the shape of a
    /// chunked upload's.
    pub async fn validation_status(&self, actor: &Actor, uuid: Uuid) -> Result<UploadStatus> {
        let job = self.job(actor, uuid).await?;
        let version = match job.version_id {
            Some(id) => self.version_by_id(id).await?,
            None => return Err(Error::not_found("Unggahan", "upload", &uuid.to_string())),
        };
        let dataset = dataset::Entity::find_by_id(version.dataset_id)
            .one(self.db())
            .await?
            .ok_or_else(|| Error::not_found("Unggahan", "upload", &uuid.to_string()))?;
        let size = u64_of(version.byte_size);
        let mut status = UploadStatus {
            uuid,
            dataset_slug: dataset.slug,
            filename: version.original_filename.clone().unwrap_or_default(),
            state: UploadState::Validating,
            offset: size,
            size,
            chunk_size: CHUNK_SIZE,
            rows_checked: None,
            message: None,
            version_number: Some(version.number),
        };
        apply_job(&mut status, Some(&job));
        Ok(status)
    }
}

fn failure_message(stored: &str) -> Message {
    match serde_json::from_str::<JobFailure>(stored) {
        Ok(f) => Message::new(f.message, f.message_en),
        Err(_) => Message::new(stored.to_owned(), stored.to_owned()),
    }
}

fn apply_job(status: &mut UploadStatus, job: Option<&job::Model>) {
    let Some(job) = job else {
        status.state = UploadState::Validating;
        return;
    };
    status.rows_checked = job.progress["rows"].as_u64();
    match job.state {
        JobState::Queued | JobState::Running => status.state = UploadState::Validating,
        JobState::Done => status.state = UploadState::Done,
        JobState::Failed => {
            status.state = UploadState::Failed;
            status.message = job.error.as_deref().map(failure_message);
        }
    }
}
