//! Database migrations, written with portable SeaQuery DDL so that the same migration runs on
//! SQLite and PostgreSQL. Migrations never import entity types: they describe the schema as it was
//! on the day they were written.
//!
//! Depends on sea-orm-migration only; must not depend on any satudata crate.

use sea_orm_migration::prelude::*;

mod m20261127_000001_create_catalog;
mod m20261127_000002_create_search;
mod m20261127_000003_add_validation;
mod m20261127_000004_create_standards;
mod m20261127_000005_create_lifecycle;
mod m20261128_000006_add_portal_extent;
mod m20261128_000007_create_catalogue_generation;
mod m20261128_000008_add_mskeg;
mod m20261129_000009_add_clean_table;
mod m20261204_000010_create_download_counts;
mod m20261204_000020_create_jobs;
mod m20261205_000030_create_upload_sessions;

pub use sea_orm_migration::MigratorTrait;

/// All migrations, oldest first.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_create_catalog::Migration),
            Box::new(m20261127_000002_create_search::Migration),
            Box::new(m20261127_000003_add_validation::Migration),
            Box::new(m20261127_000004_create_standards::Migration),
            Box::new(m20261127_000005_create_lifecycle::Migration),
            Box::new(m20261128_000006_add_portal_extent::Migration),
            Box::new(m20261128_000007_create_catalogue_generation::Migration),
            Box::new(m20261128_000008_add_mskeg::Migration),
            Box::new(m20261129_000009_add_clean_table::Migration),
            Box::new(m20261204_000010_create_download_counts::Migration),
            Box::new(m20261204_000020_create_jobs::Migration),
            Box::new(m20261205_000030_create_upload_sessions::Migration),
        ]
    }
}
