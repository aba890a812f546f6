//! Organisasi Perangkat Daerah (OPD).

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::entity::organization;
use crate::error::{Error, Message, Result};
use crate::fields::{self, patch};
use crate::paging::{Page, Paged, Window};
use crate::{Actor, Catalog, vocab};

/// A new OPD. Only `slug` and `name` are required.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganization {
    /// URL name, e.g. `dinkes`.
    pub slug: String,
    /// Full name, e.g. "Dinas Kesehatan".
    pub name: String,
    /// Short name, e.g. "Dinkes".
    pub short_name: Option<String>,
    /// Kind: dinas, badan, kantor, sekretariat, inspektorat, satuan, rsud, kecamatan, kelurahan,
    /// lainnya (default).
    pub kind: Option<String>,
    /// What the OPD does.
    pub description: Option<String>,
    /// Contact e-mail.
    pub email: Option<String>,
    /// Contact phone.
    pub phone: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// Postal address.
    pub address: Option<String>,
}

/// Changes to an OPD (JSON merge-patch: absent fields stay, `null` clears).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationPatch {
    /// Full name.
    pub name: Option<String>,
    /// Kind (see the create body).
    pub kind: Option<String>,
    /// Short name.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub short_name: Option<Option<String>>,
    /// Description.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// Contact e-mail.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    /// Contact phone.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    /// Website.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub website: Option<Option<String>>,
    /// Postal address.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
}

impl Catalog {
    /// Creates an OPD (admin or walidata).
    pub async fn create_organization(
        &self,
        actor: &Actor,
        new: NewOrganization,
    ) -> Result<organization::Model> {
        actor.require_steward()?;
        let slug = fields::slug("slug", new.slug.trim())?;
        let row = organization::ActiveModel {
            uuid: Set(Uuid::new_v4()),
            name: Set(fields::required("name", &new.name, 200)?),
            short_name: Set(fields::optional(
                "short_name",
                new.short_name.as_deref(),
                50,
            )?),
            kind: Set(vocab::ORGANIZATION_KIND
                .parse_opt(new.kind.as_deref())?
                .unwrap_or("lainnya")
                .to_owned()),
            description: Set(fields::optional(
                "description",
                new.description.as_deref(),
                5000,
            )?),
            email: Set(fields::email("email", new.email.as_deref())?),
            phone: Set(fields::optional("phone", new.phone.as_deref(), 50)?),
            website: Set(fields::http_url("website", new.website.as_deref())?),
            address: Set(fields::optional("address", new.address.as_deref(), 500)?),
            created_at: Set(Utc::now()),
            updated_at: Set(Utc::now()),
            slug: Set(slug.clone()),
            ..Default::default()
        };
        if self.find_organization_row(&slug).await?.is_some() {
            return Err(Error::Conflict(Message::new(
                format!("OPD dengan slug '{slug}' sudah ada"),
                format!("an OPD with slug '{slug}' already exists"),
            )));
        }
        Ok(row.insert(self.db()).await?)
    }

    /// Changes an OPD (admin or walidata).
    pub async fn update_organization(
        &self,
        actor: &Actor,
        key: &str,
        change: OrganizationPatch,
    ) -> Result<organization::Model> {
        actor.require_steward()?;
        let current = self.organization(key).await?;
        let id = current.id;
        let mut row = current.into_active_model();
        if let Some(name) = &change.name {
            row.name = Set(fields::required("name", name, 200)?);
        }
        if let Some(kind) = &change.kind {
            row.kind = Set(vocab::ORGANIZATION_KIND.parse(kind)?.to_owned());
        }
        if let Some(v) = &change.short_name {
            row.short_name = Set(fields::optional("short_name", v.as_deref(), 50)?);
        }
        if let Some(v) = &change.description {
            row.description = Set(fields::optional("description", v.as_deref(), 5000)?);
        }
        if let Some(v) = &change.email {
            row.email = Set(fields::email("email", v.as_deref())?);
        }
        if let Some(v) = &change.phone {
            row.phone = Set(fields::optional("phone", v.as_deref(), 50)?);
        }
        if let Some(v) = &change.website {
            row.website = Set(fields::http_url("website", v.as_deref())?);
        }
        if let Some(v) = &change.address {
            row.address = Set(fields::optional("address", v.as_deref(), 500)?);
        }
        row.updated_at = Set(Utc::now());
        let updated = row.update(self.db()).await?;
        // The OPD's names are part of its datasets' search text.
        self.reindex_organization(id).await?;
        Ok(updated)
    }

    /// An OPD by slug or UUID.
    pub async fn organization(&self, key: &str) -> Result<organization::Model> {
        self.find_organization_row(key)
            .await?
            .ok_or_else(|| Error::not_found("OPD", "organization", key))
    }

    /// An OPD by database id.
    pub async fn organization_by_id(&self, id: i32) -> Result<organization::Model> {
        organization::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or_else(|| Error::not_found("OPD", "organization", &id.to_string()))
    }

    pub(crate) async fn find_organization_row(
        &self,
        key: &str,
    ) -> Result<Option<organization::Model>> {
        let query = match Uuid::parse_str(key) {
            Ok(uuid) => organization::Entity::find().filter(organization::Column::Uuid.eq(uuid)),
            Err(_) => organization::Entity::find().filter(organization::Column::Slug.eq(key)),
        };
        Ok(query.one(self.db()).await?)
    }

    /// OPDs ordered by name.
    pub async fn list_organizations(&self, page: Page) -> Result<Paged<organization::Model>> {
        let query = organization::Entity::find().order_by_asc(organization::Column::Name);
        let total = query.clone().count(self.db()).await?;
        let items = query.window(page.offset, page.limit).all(self.db()).await?;
        Ok(Paged { items, total, page })
    }

    /// OPDs by id, for joining onto datasets.
    pub async fn organizations_by_id(
        &self,
        ids: impl IntoIterator<Item = i32>,
    ) -> Result<std::collections::HashMap<i32, organization::Model>> {
        let ids: Vec<i32> = ids.into_iter().collect();
        let rows = organization::Entity::find()
            .filter(organization::Column::Id.is_in(ids))
            .all(self.db())
            .await?;
        Ok(rows.into_iter().map(|o| (o.id, o)).collect())
    }
}
