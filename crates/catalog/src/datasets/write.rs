//! Creating, changing and deleting datasets.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter,
};
use uuid::Uuid;

use super::input::{self, DatasetInput, flat};
use super::{DatasetRecord, search_text};
use crate::entity::{dataset, dataset_tag, organization};
use crate::error::{Error, Message, Result};
use crate::{Actor, Catalog, fields, lifecycle, vocab};

/// Sets an optional column from a merge-patch value after checking it.
macro_rules! apply {
    ($row:ident . $col:ident, $value:expr, $check:expr) => {
        if let Some(value) = &$value {
            $row.$col = Set($check(value.as_deref())?);
        }
    };
}

impl Catalog {
    /// Creates a dataset for an OPD the actor may write to.
    pub async fn create_dataset(
        &self,
        actor: &Actor,
        input: DatasetInput,
    ) -> Result<DatasetRecord> {
        let title = fields::required("title", input.title.as_deref().unwrap_or(""), 300)?;
        let organization = self
            .owning_organization(input.organization.as_deref())
            .await?;
        actor.require_dataset_writer(organization.id)?;
        let slug = match input.slug.as_deref() {
            Some(slug) => {
                let slug = fields::slug("slug", slug.trim())?;
                if self.slug_taken(&slug).await? {
                    return Err(Error::Conflict(Message::new(
                        format!("Slug dataset '{slug}' sudah dipakai"),
                        format!("dataset slug '{slug}' is taken"),
                    )));
                }
                slug
            }
            None => self.free_slug(&fields::slug_from_title(&title)).await?,
        };
        let now = Utc::now();
        let mut row = dataset::ActiveModel {
            uuid: Set(Uuid::new_v4()),
            slug: Set(slug),
            title: Set(title),
            description: Set(fields::optional(
                "description",
                input.description.as_deref(),
                20_000,
            )?
            .unwrap_or_default()),
            organization_id: Set(organization.id),
            license: Set(vocab::DEFAULT_LICENSE.to_owned()),
            akses: Set("Terbuka".to_owned()),
            msind: Set(Default::default()),
            created_by: Set(actor.account_id()),
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            ..Default::default()
        };
        apply_metadata(&mut row, &input)?;
        input::temporal(flat(&input.temporal_start), flat(&input.temporal_end))?;
        let tags = input::tags(input.tags.as_deref().unwrap_or_default())?;
        let title = input.title.as_deref().unwrap_or_default();
        let description = input.description.as_deref().unwrap_or_default();
        row.search_text = Set(search_text(title, description, &organization, &tags));

        let txn = self.begin_write().await?;
        let model = row.insert(&txn).await?;
        replace_tags(&txn, model.id, &tags).await?;
        txn.commit().await?;
        Ok(DatasetRecord {
            dataset: model,
            organization,
            tags,
        })
    }

    /// Changes a dataset's metadata.
    pub async fn update_dataset(
        &self,
        actor: &Actor,
        key: &str,
        input: DatasetInput,
    ) -> Result<DatasetRecord> {
        actor.require_signed_in()?;
        let current = self.dataset(actor, key).await?;
        actor.require_dataset_writer(current.dataset.organization_id)?;
        if input
            .slug
            .as_deref()
            .is_some_and(|s| s != current.dataset.slug)
        {
            return Err(Error::invalid(
                "slug",
                "Slug dataset tidak dapat diubah",
                "A dataset's slug cannot be changed",
            ));
        }
        let organization = match input.organization.as_deref() {
            Some(key) if key != current.organization.slug => {
                actor.require_steward()?;
                self.owning_organization(Some(key)).await?
            }
            _ => current.organization.clone(),
        };
        let start = input
            .temporal_start
            .unwrap_or(current.dataset.temporal_start);
        let end = input.temporal_end.unwrap_or(current.dataset.temporal_end);
        input::temporal(start, end)?;
        let tags = match &input.tags {
            Some(tags) => input::tags(tags)?,
            None => current.tags.clone(),
        };

        let mut row = current.dataset.clone().into_active_model();
        if let Some(title) = &input.title {
            row.title = Set(fields::required("title", title, 300)?);
        }
        if let Some(description) = &input.description {
            row.description = Set(
                fields::optional("description", Some(description), 20_000)?.unwrap_or_default()
            );
        }
        row.organization_id = Set(organization.id);
        apply_metadata(&mut row, &input)?;
        if let sea_orm::ActiveValue::Set(akses) = &row.akses {
            require_widening_right(actor, &current.dataset, akses)?;
        }
        let title = input.title.as_deref().unwrap_or(&current.dataset.title);
        let description = input
            .description
            .as_deref()
            .unwrap_or(&current.dataset.description);
        row.search_text = Set(search_text(title, description, &organization, &tags));
        row.updated_at = Set(Utc::now());

        let txn = self.begin_write().await?;
        let model = row.update(&txn).await?;
        if input.tags.is_some() {
            replace_tags(&txn, model.id, &tags).await?;
        }
        lifecycle::record_metadata_edit(
            &txn,
            actor,
            &current.dataset,
            &model,
            (&current.tags, &tags),
        )
        .await?;
        txn.commit().await?;
        Ok(DatasetRecord {
            dataset: model,
            organization,
            tags,
        })
    }

    /// Deletes a dataset: it disappears from every listing and lookup, while its versions' files
    /// stay in the store (published data must never vanish from under its users).
    pub async fn delete_dataset(&self, actor: &Actor, key: &str) -> Result<()> {
        actor.require_signed_in()?;
        let current = self.dataset_row(actor, key).await?;
        actor.require_dataset_writer(current.organization_id)?;
        let mut row = current.into_active_model();
        row.deleted_at = Set(Some(Utc::now()));
        row.update(self.db()).await?;
        Ok(())
    }

    /// Recomputes the search text of an OPD's datasets after the OPD's names changed.
    pub(crate) async fn reindex_organization(&self, organization_id: i32) -> Result<()> {
        let rows = dataset::Entity::find()
            .filter(dataset::Column::OrganizationId.eq(organization_id))
            .all(self.db())
            .await?;
        for record in self.records(rows).await? {
            let text = search_text(
                &record.dataset.title,
                &record.dataset.description,
                &record.organization,
                &record.tags,
            );
            let mut row = record.dataset.into_active_model();
            row.search_text = Set(text);
            row.update(self.db()).await?;
        }
        Ok(())
    }

    async fn owning_organization(&self, key: Option<&str>) -> Result<organization::Model> {
        let key = key
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .ok_or_else(|| {
                Error::invalid(
                    "organization",
                    "organization (slug OPD pemilik) wajib diisi",
                    "organization (the owning OPD's slug) is required",
                )
            })?;
        self.find_organization_row(key).await?.ok_or_else(|| {
            Error::invalid(
                "organization",
                format!("OPD '{key}' tidak ditemukan"),
                format!("OPD '{key}' does not exist"),
            )
        })
    }

    async fn slug_taken(&self, slug: &str) -> Result<bool> {
        let n = dataset::Entity::find()
            .filter(dataset::Column::Slug.eq(slug))
            .count(self.db())
            .await?;
        Ok(n > 0)
    }

    async fn free_slug(&self, base: &str) -> Result<String> {
        if !self.slug_taken(base).await? {
            return Ok(base.to_owned());
        }
        for n in 2..1000 {
            let candidate = format!("{base}-{n}");
            if !self.slug_taken(&candidate).await? {
                return Ok(candidate);
            }
        }
        Err(Error::Conflict(Message::new(
            format!("Terlalu banyak dataset berjudul mirip '{base}'"),
            format!("too many datasets with titles like '{base}'"),
        )))
    }
}

/// Applies the vocabulary and descriptive fields of an input to a row.
fn apply_metadata(row: &mut dataset::ActiveModel, input: &DatasetInput) -> Result<()> {
    apply!(row.topik, input.topik, |v| input::vocab_value(
        &vocab::TOPIK,
        v
    ));
    apply!(row.frekuensi, input.frekuensi, |v| input::vocab_value(
        &vocab::FREKUENSI,
        v
    ));
    apply!(row.tingkat_penyajian, input.tingkat_penyajian, |v| {
        input::vocab_value(&vocab::TINGKAT_PENYAJIAN, v)
    });
    apply!(row.cakupan_wilayah, input.cakupan_wilayah, input::region);
    apply!(row.ukuran, input.ukuran, |v| fields::optional(
        "ukuran", v, 100
    ));
    apply!(row.satuan, input.satuan, |v| fields::optional(
        "satuan", v, 100
    ));
    apply!(row.contact_name, input.contact_name, |v| fields::optional(
        "contact_name",
        v,
        200
    ));
    apply!(row.contact_email, input.contact_email, |v| fields::email(
        "contact_email",
        v
    ));
    if let Some(license) = &input.license {
        let value = vocab::LICENSE
            .parse_opt(license.as_deref())?
            .unwrap_or(vocab::DEFAULT_LICENSE);
        row.license = Set(value.to_owned());
    }
    if let Some(akses) = &input.akses {
        row.akses = Set(vocab::AKSES
            .parse_opt(akses.as_deref())?
            .unwrap_or("Terbuka")
            .to_owned());
    }
    if let Some(start) = input.temporal_start {
        row.temporal_start = Set(start);
    }
    if let Some(end) = input.temporal_end {
        row.temporal_end = Set(end);
    }
    if let Some(year) = input.prioritas_tahun {
        row.prioritas_tahun = Set(input::prioritas(year)?);
    }
    if let Some(block) = &input.msind {
        row.msind = Set(input::msind(block)?);
    }
    if let Some(block) = &input.mskeg {
        let checked = block.as_ref().map(crate::national::mskeg).transpose()?;
        row.mskeg = Set(checked
            .filter(|m| !m.is_empty())
            .map(crate::entity::dataset::MsKeg));
    }
    Ok(())
}

async fn replace_tags<C: sea_orm::ConnectionTrait>(
    db: &C,
    dataset_id: i32,
    tags: &[String],
) -> Result<()> {
    dataset_tag::Entity::delete_many()
        .filter(dataset_tag::Column::DatasetId.eq(dataset_id))
        .exec(db)
        .await?;
    if tags.is_empty() {
        return Ok(());
    }
    let rows = tags.iter().map(|tag| dataset_tag::ActiveModel {
        dataset_id: Set(dataset_id),
        tag: Set(tag.clone()),
    });
    dataset_tag::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

/// Widening access to a published dataset (Tertutup → Terbatas → Terbuka) makes data public
/// without review: only the walidata or an admin may do it. Narrowing stays open to its OPD,
/// and either way the change is recorded in the history with who made it.
fn require_widening_right(actor: &Actor, dataset: &dataset::Model, akses: &str) -> Result<()> {
    let openness = |a: &str| match a {
        crate::actor::AKSES_TERBUKA => 2,
        crate::actor::AKSES_TERBATAS => 1,
        _ => 0,
    };
    let widens = openness(akses) > openness(&dataset.akses);
    if widens && dataset.published_at.is_some() && !actor.is_steward() {
        return Err(Error::forbidden(
            format!(
                "Hanya walidata atau admin yang dapat membuka akses dataset yang sudah ditayangkan \
                 ({} → {akses}); mempersempit akses tetap boleh",
                dataset.akses
            ),
            format!(
                "Only the walidata or an admin may widen the access of a published dataset \
                 ({} → {akses}); narrowing stays allowed",
                dataset.akses
            ),
        ));
    }
    Ok(())
}
