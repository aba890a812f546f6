//! The review and publication lifecycle: version statuses, the dataset's published version, the
//! history of every transition, and the published files of each version.
//!
//! Visibility now follows `akses` and publication, so the administrator's `is_public` switch goes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for column in [
            string(DatasetVersion::Status).default("DRAFT").to_owned(),
            text_null(DatasetVersion::StatusNote),
            integer_null(DatasetVersion::WalidataApprovedBy),
            integer_null(DatasetVersion::PembinaApprovedBy),
            timestamp_with_time_zone_null(DatasetVersion::PublishedAt),
            json_binary_null(DatasetVersion::CleanLog),
        ] {
            alter(manager, DatasetVersion::Table, column).await?;
        }
        for column in [
            integer_null(Dataset::CurrentVersionId),
            timestamp_with_time_zone_null(Dataset::PublishedAt),
            timestamp_with_time_zone_null(Dataset::WithdrawnAt),
            text_null(Dataset::WithdrawnReason),
        ] {
            alter(manager, Dataset::Table, column).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Dataset::Table)
                    .drop_column(Dataset::IsPublic)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(DatasetEvent::Table)
                    .col(pk_auto(DatasetEvent::Id))
                    .col(integer(DatasetEvent::DatasetId))
                    .col(integer_null(DatasetEvent::VersionNumber))
                    .col(string(DatasetEvent::Action))
                    .col(string_null(DatasetEvent::FromStatus))
                    .col(string_null(DatasetEvent::ToStatus))
                    .col(text_null(DatasetEvent::Note))
                    .col(json_binary_null(DatasetEvent::Changes))
                    .col(integer_null(DatasetEvent::ActorId))
                    .col(string(DatasetEvent::ActorName))
                    .col(timestamp_with_time_zone(DatasetEvent::At))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DatasetEvent::Table, DatasetEvent::DatasetId)
                            .to(Dataset::Table, Dataset::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_dataset_event_dataset")
                    .table(DatasetEvent::Table)
                    .col(DatasetEvent::DatasetId)
                    .col(DatasetEvent::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Distribution::Table)
                    .col(pk_auto(Distribution::Id))
                    .col(integer(Distribution::VersionId))
                    .col(string(Distribution::Format))
                    .col(string(Distribution::MediaType))
                    .col(string(Distribution::ObjectKey))
                    .col(string(Distribution::Sha256))
                    .col(big_integer(Distribution::ByteSize))
                    .col(timestamp_with_time_zone(Distribution::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Distribution::Table, Distribution::VersionId)
                            .to(DatasetVersion::Table, DatasetVersion::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_distribution_version_format")
                    .table(Distribution::Table)
                    .col(Distribution::VersionId)
                    .col(Distribution::Format)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_distribution_object")
                    .table(Distribution::Table)
                    .col(Distribution::ObjectKey)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Distribution::Table.into_iden(),
            DatasetEvent::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        alter(
            manager,
            Dataset::Table,
            boolean(Dataset::IsPublic).default(false).to_owned(),
        )
        .await?;
        for (table, column) in [
            (
                Dataset::Table.into_iden(),
                Dataset::CurrentVersionId.into_iden(),
            ),
            (Dataset::Table.into_iden(), Dataset::PublishedAt.into_iden()),
            (Dataset::Table.into_iden(), Dataset::WithdrawnAt.into_iden()),
            (
                Dataset::Table.into_iden(),
                Dataset::WithdrawnReason.into_iden(),
            ),
            (
                DatasetVersion::Table.into_iden(),
                DatasetVersion::Status.into_iden(),
            ),
            (
                DatasetVersion::Table.into_iden(),
                DatasetVersion::StatusNote.into_iden(),
            ),
            (
                DatasetVersion::Table.into_iden(),
                DatasetVersion::WalidataApprovedBy.into_iden(),
            ),
            (
                DatasetVersion::Table.into_iden(),
                DatasetVersion::PembinaApprovedBy.into_iden(),
            ),
            (
                DatasetVersion::Table.into_iden(),
                DatasetVersion::PublishedAt.into_iden(),
            ),
            (
                DatasetVersion::Table.into_iden(),
                DatasetVersion::CleanLog.into_iden(),
            ),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}

async fn alter<T: IntoIden>(
    manager: &SchemaManager<'_>,
    table: T,
    column: ColumnDef,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).add_column(column).to_owned())
        .await
}

#[derive(DeriveIden)]
enum Dataset {
    Table,
    Id,
    IsPublic,
    CurrentVersionId,
    PublishedAt,
    WithdrawnAt,
    WithdrawnReason,
}

#[derive(DeriveIden)]
enum DatasetVersion {
    Table,
    Id,
    Status,
    StatusNote,
    WalidataApprovedBy,
    PembinaApprovedBy,
    PublishedAt,
    CleanLog,
}

#[derive(DeriveIden)]
enum DatasetEvent {
    Table,
    Id,
    DatasetId,
    VersionNumber,
    Action,
    FromStatus,
    ToStatus,
    Note,
    Changes,
    ActorId,
    ActorName,
    At,
}

#[derive(DeriveIden)]
enum Distribution {
    Table,
    Id,
    VersionId,
    Format,
    MediaType,
    ObjectKey,
    Sha256,
    ByteSize,
    CreatedAt,
}
