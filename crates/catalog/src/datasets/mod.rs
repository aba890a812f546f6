//! Datasets: create, read, change, delete, and the listing with full-text search.

mod input;
mod write;

use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::entity::{dataset, dataset_tag, organization};
use crate::error::{Error, Message, Result};
use crate::{Actor, Catalog};

pub use input::DatasetInput;

/// A dataset with what a reader needs beside its row: its OPD and its tags.
#[derive(Debug, Clone)]
pub struct DatasetRecord {
    /// The dataset row.
    pub dataset: dataset::Model,
    /// The owning OPD.
    pub organization: organization::Model,
    /// Tags, sorted.
    pub tags: Vec<String>,
}

impl Catalog {
    /// A dataset by slug or UUID, if the actor may read it. Deleted datasets are not found.
    pub async fn dataset(&self, actor: &Actor, key: &str) -> Result<DatasetRecord> {
        let row = self.dataset_row(actor, key).await?;
        let mut records = self.records(vec![row]).await?;
        records
            .pop()
            .ok_or_else(|| Error::Invariant("dataset vanished".into()))
    }

    /// The dataset row by slug or UUID, if the actor may read it.
    pub async fn dataset_row(&self, actor: &Actor, key: &str) -> Result<dataset::Model> {
        let query = match Uuid::parse_str(key) {
            Ok(uuid) => dataset::Entity::find().filter(dataset::Column::Uuid.eq(uuid)),
            Err(_) => dataset::Entity::find().filter(dataset::Column::Slug.eq(key)),
        };
        let row = query
            .filter(dataset::Column::DeletedAt.is_null())
            .one(self.db())
            .await?
            .ok_or_else(|| Error::not_found("Dataset", "dataset", key))?;
        if actor.can_read(&row) {
            return Ok(row);
        }
        if row.withdrawn_at.is_some() && actor.akses_allows(&row.akses) {
            let reason = row.withdrawn_reason.unwrap_or_default();
            return Err(Error::Gone(Message::new(
                format!("Dataset '{key}' tidak ditayangkan lagi: {reason}"),
                format!("Dataset '{key}' has been withdrawn: {reason}"),
            )));
        }
        Err(Error::not_found("Dataset", "dataset", key))
    }

    /// Joins OPDs and tags onto dataset rows, keeping their order.
    pub async fn records(&self, rows: Vec<dataset::Model>) -> Result<Vec<DatasetRecord>> {
        let orgs = self
            .organizations_by_id(rows.iter().map(|d| d.organization_id))
            .await?;
        let mut tags: HashMap<i32, Vec<String>> = HashMap::new();
        let tag_rows = dataset_tag::Entity::find()
            .filter(dataset_tag::Column::DatasetId.is_in(rows.iter().map(|d| d.id)))
            .order_by_asc(dataset_tag::Column::Tag)
            .all(self.db())
            .await?;
        for t in tag_rows {
            tags.entry(t.dataset_id).or_default().push(t.tag);
        }
        rows.into_iter()
            .map(|dataset| {
                let organization =
                    orgs.get(&dataset.organization_id).cloned().ok_or_else(|| {
                        Error::Invariant(format!("dataset {} has no OPD", dataset.id))
                    })?;
                let tags = tags.remove(&dataset.id).unwrap_or_default();
                Ok(DatasetRecord {
                    dataset,
                    organization,
                    tags,
                })
            })
            .collect()
    }
}

/// The text full-text search indexes for a dataset.
pub(crate) fn search_text(
    title: &str,
    description: &str,
    organization: &organization::Model,
    tags: &[String],
) -> String {
    let mut parts = vec![title, description];
    parts.extend(tags.iter().map(String::as_str));
    parts.push(organization.name.as_str());
    parts.push(organization.slug.as_str());
    if let Some(short) = &organization.short_name {
        parts.push(short);
    }
    parts.join("\n")
}
