//! The portal itself: the Pemda that runs this installation.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::entity::portal;
use crate::error::Result;
use crate::fields::{self, patch};
use crate::{Actor, Catalog, vocab};

/// Changes to the portal's description (JSON merge-patch: absent fields stay).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PortalPatch {
    /// Name of the Pemda, e.g. "Pemerintah Kota Mojokerto".
    pub name: Option<String>,
    /// Kemendagri code of the Pemda's region, e.g. `35.76`.
    pub region_code: Option<String>,
    /// Public URL of the portal.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub base_url: Option<Option<String>>,
    /// Contact person or unit.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub contact_name: Option<Option<String>>,
    /// Contact e-mail.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub contact_email: Option<Option<String>>,
    /// The region's bounding box in WGS 84 degrees, `[west, south, east, north]` (e.g. Kota
    /// Mojokerto `[112.41, -7.50, 112.46, -7.44]`); DCAT publishes it with the region.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<Vec<f64>>)]
    pub bbox: Option<Option<[f64; 4]>>,
}

impl Catalog {
    /// The portal's description; a fresh install gets a placeholder until an admin sets it.
    pub async fn portal(&self) -> Result<portal::Model> {
        if let Some(p) = portal::Entity::find_by_id(1).one(self.db()).await? {
            return Ok(p);
        }
        let fresh = portal::ActiveModel {
            id: Set(1),
            name: Set("Portal Satu Data".to_owned()),
            region_code: Set("00".to_owned()),
            base_url: Set(None),
            contact_name: Set(None),
            contact_email: Set(None),
            bbox_west: Set(None),
            bbox_south: Set(None),
            bbox_east: Set(None),
            bbox_north: Set(None),
            updated_at: Set(Utc::now()),
        };
        portal::Entity::insert(fresh).exec(self.db()).await?;
        portal::Entity::find_by_id(1)
            .one(self.db())
            .await?
            .ok_or_else(|| crate::Error::Invariant("portal row vanished".into()))
    }

    /// Changes the portal's description (admin only).
    pub async fn update_portal(&self, actor: &Actor, change: PortalPatch) -> Result<portal::Model> {
        actor.require_admin()?;
        let mut row = self.portal().await?.into_active_model();
        if let Some(name) = &change.name {
            row.name = Set(fields::required("name", name, 200)?);
        }
        if let Some(code) = &change.region_code {
            let code = code.trim();
            if code != "00" {
                vocab::check_region_code("region_code", code)?;
            }
            row.region_code = Set(code.to_owned());
        }
        if let Some(url) = &change.base_url {
            row.base_url = Set(fields::http_url("base_url", url.as_deref())?);
        }
        if let Some(name) = &change.contact_name {
            row.contact_name = Set(fields::optional("contact_name", name.as_deref(), 200)?);
        }
        if let Some(email) = &change.contact_email {
            row.contact_email = Set(fields::email("contact_email", email.as_deref())?);
        }
        if let Some(bbox) = change.bbox {
            let [west, south, east, north] = match bbox {
                Some(b) => check_bbox(b)?.map(Some),
                None => [None; 4],
            };
            row.bbox_west = Set(west);
            row.bbox_south = Set(south);
            row.bbox_east = Set(east);
            row.bbox_north = Set(north);
        }
        row.updated_at = Set(Utc::now());
        Ok(row.update(self.db()).await?)
    }
}

/// A bounding box inside WGS 84 with west < east and south < north.
fn check_bbox(b: [f64; 4]) -> Result<[f64; 4]> {
    let [west, south, east, north] = b;
    let lon = |x: f64| (-180.0..=180.0).contains(&x);
    let lat = |y: f64| (-90.0..=90.0).contains(&y);
    if lon(west) && lon(east) && lat(south) && lat(north) && west < east && south < north {
        Ok(b)
    } else {
        Err(crate::Error::invalid(
            "bbox",
            "bbox harus [barat, selatan, timur, utara] dalam derajat WGS 84, barat < timur dan selatan < utara",
            "bbox must be [west, south, east, north] in WGS 84 degrees, west < east and south < north",
        ))
    }
}
