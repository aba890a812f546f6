//! A dataset's history: transitions and metadata edits, appended in the transaction that makes
//! them, listed oldest first.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, Iterable,
    QueryFilter, QueryOrder,
};
use serde_json::{Map, Value, json};

use super::{EventKind, VersionStatus};
use crate::entity::{dataset, dataset_event};
use crate::error::Result;
use crate::{Actor, Catalog};

/// What a service appends.
#[derive(Debug)]
pub(crate) struct EventInput {
    pub dataset_id: i32,
    pub version_number: Option<i32>,
    pub action: EventKind,
    pub from_status: Option<VersionStatus>,
    pub to_status: Option<VersionStatus>,
    pub note: Option<String>,
    pub changes: Option<Value>,
}

/// Appends an event (inside the caller's transaction).
pub(crate) async fn record_event<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    input: EventInput,
) -> Result<()> {
    let actor_name = match actor {
        Actor::Account(p) => p.name.clone(),
        Actor::Operator => "operator".to_owned(),
        Actor::Anonymous => "anonim".to_owned(),
    };
    dataset_event::ActiveModel {
        dataset_id: Set(input.dataset_id),
        version_number: Set(input.version_number),
        action: Set(input.action),
        from_status: Set(input.from_status),
        to_status: Set(input.to_status),
        note: Set(input.note),
        changes: Set(input.changes),
        actor_id: Set(actor.account_id()),
        actor_name: Set(actor_name),
        at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

impl Catalog {
    /// A dataset's history, oldest first. The OPD, the walidata and the pembina see every
    /// event; others see publication and metadata events only.
    pub async fn history(&self, actor: &Actor, key: &str) -> Result<Vec<dataset_event::Model>> {
        let dataset = self.dataset_row(actor, key).await?;
        let mut query =
            dataset_event::Entity::find().filter(dataset_event::Column::DatasetId.eq(dataset.id));
        if !actor.sees_drafts(&dataset) {
            let public = EventKind::iter().filter(|kind| kind.public());
            query = query.filter(dataset_event::Column::Action.is_in(public));
        }
        Ok(query
            .order_by_asc(dataset_event::Column::Id)
            .all(self.db())
            .await?)
    }
}

/// Appends a `metadata` event when an edit changed anything (inside the caller's transaction).
pub(crate) async fn record_metadata_edit<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    before: &dataset::Model,
    after: &dataset::Model,
    tags: (&[String], &[String]),
) -> Result<()> {
    let Some(changes) = metadata_changes(before, after, tags) else {
        return Ok(());
    };
    record_event(
        db,
        actor,
        EventInput {
            dataset_id: after.id,
            version_number: None,
            action: EventKind::Metadata,
            from_status: None,
            to_status: None,
            note: None,
            changes: Some(changes),
        },
    )
    .await
}

/// The metadata fields that changed between two states of a dataset, as
/// `{field: {"from": .., "to": ..}}`; `None` when nothing did.
fn metadata_changes(
    before: &dataset::Model,
    after: &dataset::Model,
    tags: (&[String], &[String]),
) -> Option<Value> {
    let mut changes = Map::new();
    let mut note = |field: &str, from: Value, to: Value| {
        if from != to {
            changes.insert(field.to_owned(), json!({"from": from, "to": to}));
        }
    };
    note("title", json!(before.title), json!(after.title));
    note(
        "description",
        json!(before.description),
        json!(after.description),
    );
    note(
        "organization_id",
        json!(before.organization_id),
        json!(after.organization_id),
    );
    note("topik", json!(before.topik), json!(after.topik));
    note("license", json!(before.license), json!(after.license));
    note("akses", json!(before.akses), json!(after.akses));
    note("frekuensi", json!(before.frekuensi), json!(after.frekuensi));
    note(
        "tingkat_penyajian",
        json!(before.tingkat_penyajian),
        json!(after.tingkat_penyajian),
    );
    note(
        "cakupan_wilayah",
        json!(before.cakupan_wilayah),
        json!(after.cakupan_wilayah),
    );
    note(
        "temporal_start",
        json!(before.temporal_start),
        json!(after.temporal_start),
    );
    note(
        "temporal_end",
        json!(before.temporal_end),
        json!(after.temporal_end),
    );
    note("ukuran", json!(before.ukuran), json!(after.ukuran));
    note("satuan", json!(before.satuan), json!(after.satuan));
    note(
        "contact_name",
        json!(before.contact_name),
        json!(after.contact_name),
    );
    note(
        "contact_email",
        json!(before.contact_email),
        json!(after.contact_email),
    );
    note(
        "prioritas_tahun",
        json!(before.prioritas_tahun),
        json!(after.prioritas_tahun),
    );
    note("msind", json!(before.msind), json!(after.msind));
    note("mskeg", json!(before.mskeg), json!(after.mskeg));
    note(
        "table_schema",
        json!(before.table_schema),
        json!(after.table_schema),
    );
    note("tags", json!(tags.0), json!(tags.1));
    (!changes.is_empty()).then_some(Value::Object(changes))
}
