//! Validation reports on versions, and the Kemendagri region reference.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for column in [
            json_binary_null(DatasetVersion::Report),
            boolean_null(DatasetVersion::ReportValid),
            big_integer_null(DatasetVersion::ErrorCount),
            big_integer_null(DatasetVersion::WarningCount),
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
        manager
            .create_table(
                Table::create()
                    .table(Region::Table)
                    .col(string(Region::Code).primary_key())
                    .col(string(Region::Name))
                    .col(string(Region::Level))
                    .col(string_null(Region::ParentCode))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Region::Table).to_owned())
            .await?;
        for column in [
            DatasetVersion::Report,
            DatasetVersion::ReportValid,
            DatasetVersion::ErrorCount,
            DatasetVersion::WarningCount,
        ] {
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
    Report,
    ReportValid,
    ErrorCount,
    WarningCount,
}

#[derive(DeriveIden)]
enum Region {
    Table,
    Code,
    Name,
    Level,
    ParentCode,
}
