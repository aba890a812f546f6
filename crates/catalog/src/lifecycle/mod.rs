//! The review lifecycle of a version, with the national status names:
//! DRAFT → MENUNGGU_PERSETUJUAN → DITOLAK | DISETUJUI → DITAYANGKAN → TIDAK_DITAYANGKAN; a
//! version that was never published can be cancelled (DIBATALKAN), which is final. Which step
//! is allowed from which status is [`VersionStatus::after`] (`status.rs`); this module checks
//! who may take it and records it.
//!
//! Every transition is one transaction that changes the version (and the dataset) and appends an
//! event to the dataset's history, so the history can never disagree with the state.

mod history;
mod publish;
mod status;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};

use crate::actor::Role;
use crate::entity::{dataset, dataset_version};
use crate::error::{Error, Message, Result};
use crate::{Actor, Catalog};

pub(crate) use history::{EventInput, record_event, record_metadata_edit};
pub use status::{EventKind, Step, VersionStatus};

/// A reviewer's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Approve the version.
    Approve,
    /// Return it to the OPD with a note.
    Return,
}

impl Catalog {
    /// The OPD submits a version for review. Versions whose validation report has errors, and
    /// versions that are not drafts or returned, cannot be submitted.
    pub async fn submit_version(
        &self,
        actor: &Actor,
        key: &str,
        number: i32,
        note: Option<String>,
    ) -> Result<dataset_version::Model> {
        let (dataset, version) = self.own_version(actor, key, number).await?;
        let status = next(&version, Step::Submit, "diajukan", "submitted")?;
        if version.report_valid != Some(true) {
            let errors = version.error_count.unwrap_or_default();
            return Err(Error::Conflict(Message::new(
                format!(
                    "Versi {number} belum dapat diajukan: laporan validasi memuat {errors} galat; \
                     perbaiki lalu unggah versi baru"
                ),
                format!(
                    "Version {number} cannot be submitted: its validation report has {errors} \
                     errors; fix them and upload a new version"
                ),
            )));
        }
        let mut row = version.clone().into_active_model();
        row.status = Set(status);
        row.walidata_approved_by = Set(None);
        row.pembina_approved_by = Set(None);
        let note = clean_text("note", note)?;
        self.transition(actor, &dataset, &version, row, Step::Submit, note)
            .await
    }

    /// The walidata (or, for Data Prioritas, the pembina) approves or returns a submitted
    /// version. A return needs a note; the OPD sees it next to the validation report.
    pub async fn review_version(
        &self,
        actor: &Actor,
        key: &str,
        number: i32,
        decision: Decision,
        note: Option<String>,
    ) -> Result<dataset_version::Model> {
        actor.require_signed_in()?;
        let dataset = self.dataset_row(actor, key).await?;
        let reviewer = reviewer_role(actor, &dataset)?;
        let version = self.version_of(actor, &dataset, number).await?;
        let step = match decision {
            Decision::Return => Step::Return,
            Decision::Approve => {
                let walidata_done =
                    reviewer != Role::Pembina || version.walidata_approved_by.is_some();
                let pembina_done = dataset.prioritas_tahun.is_none()
                    || reviewer == Role::Pembina
                    || version.pembina_approved_by.is_some();
                Step::Approve {
                    complete: walidata_done && pembina_done,
                }
            }
        };
        let status = next(&version, step, "diperiksa", "reviewed")?;
        let note = clean_text("note", note)?;
        let mut row = version.clone().into_active_model();
        row.status = Set(status);
        match decision {
            Decision::Return => {
                if note.is_none() {
                    return Err(Error::invalid(
                        "note",
                        "Catatan wajib diisi saat mengembalikan data ke OPD",
                        "A note is required when returning data to the OPD",
                    ));
                }
                row.status_note = Set(note.clone());
                row.walidata_approved_by = Set(None);
                row.pembina_approved_by = Set(None);
            }
            Decision::Approve => {
                let me = actor.account_id();
                if reviewer == Role::Pembina {
                    row.pembina_approved_by = Set(me);
                } else {
                    row.walidata_approved_by = Set(me);
                }
                if note.is_some() {
                    row.status_note = Set(note.clone());
                }
            }
        }
        self.transition(actor, &dataset, &version, row, step, note)
            .await
    }

    /// The OPD (or the walidata) cancels a version that has not been published: a draft, a
    /// submission still waiting, a returned or an approved one. DIBATALKAN is final: the
    /// version stays in the history and can no longer be submitted, reviewed or published.
    pub async fn cancel_version(
        &self,
        actor: &Actor,
        key: &str,
        number: i32,
        note: Option<String>,
    ) -> Result<dataset_version::Model> {
        let (dataset, version) = self.own_version(actor, key, number).await?;
        let status = next(&version, Step::Cancel, "dibatalkan", "cancelled")?;
        let note = clean_text("note", note)?;
        let mut row = version.clone().into_active_model();
        row.status = Set(status);
        if note.is_some() {
            row.status_note = Set(note.clone());
        }
        self.transition(actor, &dataset, &version, row, Step::Cancel, note)
            .await
    }

    /// The walidata withdraws a published dataset; its URLs then answer 410 with the reason.
    pub async fn unpublish_dataset(
        &self,
        actor: &Actor,
        key: &str,
        reason: Option<String>,
    ) -> Result<dataset::Model> {
        actor.require_steward()?;
        let dataset = self.dataset_row(actor, key).await?;
        let reason = clean_text("reason", reason)?.ok_or_else(|| {
            Error::invalid(
                "reason",
                "Alasan penghentian penayangan wajib diisi",
                "A reason for withdrawing is required",
            )
        })?;
        let current = match dataset.current_version_id {
            Some(id) if dataset.withdrawn_at.is_none() => self.version_by_id(id).await?,
            _ => {
                return Err(Error::Conflict(Message::new(
                    format!("Dataset '{key}' sedang tidak ditayangkan"),
                    format!("Dataset '{key}' is not published"),
                )));
            }
        };
        let status = next(&current, Step::Unpublish, "dihentikan", "withdrawn")?;
        let now = Utc::now();
        let txn = self.begin_write().await?;
        let mut version = current.clone().into_active_model();
        version.status = Set(status);
        version.status_note = Set(Some(reason.clone()));
        version.update(&txn).await?;
        let mut row = dataset.clone().into_active_model();
        row.withdrawn_at = Set(Some(now));
        row.withdrawn_reason = Set(Some(reason.clone()));
        let updated = row.update(&txn).await?;
        record_event(
            &txn,
            actor,
            EventInput {
                dataset_id: dataset.id,
                version_number: Some(current.number),
                action: EventKind::Unpublish,
                from_status: Some(current.status),
                to_status: Some(status),
                note: Some(reason),
                changes: None,
            },
        )
        .await?;
        txn.commit().await?;
        Ok(updated)
    }

    /// A version of a dataset the actor's OPD may write (submit, cancel).
    async fn own_version(
        &self,
        actor: &Actor,
        key: &str,
        number: i32,
    ) -> Result<(dataset::Model, dataset_version::Model)> {
        actor.require_signed_in()?;
        let dataset = self.dataset_row(actor, key).await?;
        actor.require_dataset_writer(dataset.organization_id)?;
        let version = self.version_of(actor, &dataset, number).await?;
        Ok((dataset, version))
    }

    /// Saves a changed version and its history event in one transaction.
    async fn transition(
        &self,
        actor: &Actor,
        dataset: &dataset::Model,
        before: &dataset_version::Model,
        row: dataset_version::ActiveModel,
        step: Step,
        note: Option<String>,
    ) -> Result<dataset_version::Model> {
        let txn = self.begin_write().await?;
        let updated = row.update(&txn).await?;
        record_event(
            &txn,
            actor,
            EventInput {
                dataset_id: dataset.id,
                version_number: Some(before.number),
                action: EventKind::of(step),
                from_status: Some(before.status),
                to_status: Some(updated.status),
                note,
                changes: None,
            },
        )
        .await?;
        txn.commit().await?;
        Ok(updated)
    }
}

/// The role in which the actor reviews, or why it may not.
fn reviewer_role(actor: &Actor, dataset: &dataset::Model) -> Result<Role> {
    if actor.is_steward() {
        return Ok(Role::Walidata);
    }
    match actor.principal()?.role {
        Role::Pembina if dataset.prioritas_tahun.is_some() => Ok(Role::Pembina),
        Role::Pembina => Err(Error::forbidden(
            "Pembina hanya memeriksa Data Prioritas",
            "A pembina reviews Data Prioritas only",
        )),
        _ => Err(Error::forbidden(
            "Hanya walidata (atau pembina untuk Data Prioritas) yang dapat memeriksa data",
            "Only the walidata (or a pembina for Data Prioritas) may review data",
        )),
    }
}

/// The version's status after `step`, or a 409 naming its status and the statuses the step
/// needs (`verb_*`: what the step does to a version, "diajukan" / "submitted").
fn next(
    version: &dataset_version::Model,
    step: Step,
    verb_id: &str,
    verb_en: &str,
) -> Result<VersionStatus> {
    if let Some(status) = version.status.after(step) {
        return Ok(status);
    }
    let allowed: Vec<&str> = VersionStatus::allowing(step)
        .into_iter()
        .map(VersionStatus::as_str)
        .collect();
    Err(Error::Conflict(Message::new(
        format!(
            "Versi {} berstatus {} sehingga tidak dapat {verb_id} (harus {})",
            version.number,
            version.status,
            allowed.join(" atau ")
        ),
        format!(
            "Version {} is {} and cannot be {verb_en} (it must be {})",
            version.number,
            version.status,
            allowed.join(" or ")
        ),
    )))
}

/// Trims a note; empty means none; at most 5,000 characters.
fn clean_text(field: &'static str, text: Option<String>) -> Result<Option<String>> {
    crate::fields::optional(field, text.as_deref(), 5_000)
}
