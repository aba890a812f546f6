//! The Kemendagri region reference: imported once by the operator from the `idn-area-data`
//! package, kept in the database, and held in memory for validation.

use std::path::Path;
use std::sync::Arc;

use satudata_validation::{Region, RegionLevel, RegionReference};
use sea_orm::{ActiveValue::Set, EntityTrait, PaginatorTrait, QuerySelect};

use crate::entity::region;
use crate::error::{Error, Message, Result};
use crate::{Actor, Catalog};

/// Rows per INSERT while importing (well under SQLite's and PostgreSQL's parameter limits).
const BATCH: usize = 1000;

impl Catalog {
    /// Replaces the stored region list with the package at `path` (the `.tgz` from
    /// `npm pack idn-area-data@4.0.1`, or its unpacked folder) after verifying it. Returns the
    /// counts of provinsi, kabupaten/kota, kecamatan and desa/kelurahan.
    pub async fn import_regions(&self, actor: &Actor, path: &Path) -> Result<[usize; 4]> {
        actor.require_admin()?;
        let path = path.to_owned();
        let reference = tokio::task::spawn_blocking(move || RegionReference::load(&path))
            .await?
            .map_err(|e| {
                Error::invalid(
                    "path",
                    format!("Paket wilayah tidak dapat dibaca: {e}"),
                    format!("The region package cannot be read: {e}"),
                )
            })?;
        let counts = reference.counts();
        let rows: Vec<region::ActiveModel> = reference
            .iter()
            .map(|r| region::ActiveModel {
                code: Set(r.code.clone()),
                name: Set(r.name.clone()),
                level: Set(r.level.as_str().to_owned()),
                parent_code: Set(r.parent.clone()),
            })
            .collect();
        let txn = self.begin_write().await?;
        region::Entity::delete_many().exec(&txn).await?;
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let batch: Vec<_> = rows.by_ref().take(BATCH).collect();
            region::Entity::insert_many(batch).exec(&txn).await?;
        }
        txn.commit().await?;
        self.set_reference(Some(Arc::new(reference)));
        Ok(counts)
    }

    /// Loads the stored region list into memory; `None` when nothing was imported yet.
    pub async fn load_regions(&self) -> Result<Option<Arc<RegionReference>>> {
        if region::Entity::find().limit(1).count(self.db()).await? == 0 {
            self.set_reference(None);
            return Ok(None);
        }
        let rows = region::Entity::find().all(self.db()).await?;
        let regions = rows.into_iter().map(|r| Region {
            level: parse_level(&r.level),
            code: r.code,
            name: r.name,
            parent: r.parent_code,
        });
        let reference =
            RegionReference::from_regions(regions).map_err(|source| Error::Internal {
                context: "the stored region list is inconsistent; import it again",
                source: Box::new(source),
            })?;
        let reference = Arc::new(reference);
        self.set_reference(Some(reference.clone()));
        Ok(Some(reference))
    }

    /// The region list in memory, if loaded.
    pub fn regions(&self) -> Option<Arc<RegionReference>> {
        self.reference.read().map(|r| r.clone()).unwrap_or_default()
    }

    fn set_reference(&self, reference: Option<Arc<RegionReference>>) {
        if let Ok(mut slot) = self.reference.write() {
            *slot = reference;
        }
    }
}

fn parse_level(name: &str) -> RegionLevel {
    match name {
        "provinsi" => RegionLevel::Provinsi,
        "kabupaten-kota" => RegionLevel::KabupatenKota,
        "kecamatan" => RegionLevel::Kecamatan,
        _ => RegionLevel::DesaKelurahan,
    }
}

/// The message when no reference is loaded, for operators.
pub fn missing_reference_hint() -> Message {
    Message::new(
        "Daftar wilayah Kemendagri belum diimpor: jalankan `satudata reference import kemendagri PATH`",
        "The Kemendagri region list is not imported: run `satudata reference import kemendagri PATH`",
    )
}
