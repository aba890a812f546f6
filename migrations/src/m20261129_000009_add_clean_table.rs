//! The clean table is written when a valid version is uploaded: the version records its blob
//! (`blobs/sha256/…`, shared with the published CSV) by hash and size.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one change at a time.
        for column in [
            string_null(DatasetVersion::CleanSha256),
            big_integer_null(DatasetVersion::CleanSize),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(DatasetVersion::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [DatasetVersion::CleanSha256, DatasetVersion::CleanSize] {
            manager
                .alter_table(
                    Table::alter()
                        .table(DatasetVersion::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum DatasetVersion {
    Table,
    CleanSha256,
    CleanSize,
}
