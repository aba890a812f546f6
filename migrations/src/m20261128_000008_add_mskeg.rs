//! MS-Keg (Metadata Statistik Kegiatan, Perba BPS 5/2020): the statistical activity that
//! produced a dataset, one JSON document per dataset under the national portal's key names.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Dataset::Table)
                    .add_column(json_binary_null(Dataset::Mskeg))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Dataset::Table)
                    .drop_column(Dataset::Mskeg)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Dataset {
    Table,
    Mskeg,
}
