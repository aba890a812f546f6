//! Download counts of the portal: how often each dataset's published files were downloaded,
//! all-time (`download_count`, one row per dataset, ranked for "most downloaded") and per day
//! (`download_day`, for CKAN's "recent" = the last 14 days). The download routes count in memory
//! and add their counts in batches, so these tables are not among the catalogue generation's
//! watched tables: a download does not invalidate the harvest caches.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DownloadCount::Table)
                    .col(integer(DownloadCount::DatasetId).primary_key())
                    .col(big_integer(DownloadCount::Total).default(0))
                    .col(timestamp_with_time_zone(DownloadCount::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DownloadCount::Table, DownloadCount::DatasetId)
                            .to(Dataset::Table, Dataset::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_download_count_total")
                    .table(DownloadCount::Table)
                    .col(DownloadCount::Total)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DownloadDay::Table)
                    .col(integer(DownloadDay::DatasetId))
                    .col(date(DownloadDay::Day))
                    .col(big_integer(DownloadDay::Count).default(0))
                    .primary_key(
                        Index::create()
                            .col(DownloadDay::DatasetId)
                            .col(DownloadDay::Day),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DownloadDay::Table, DownloadDay::DatasetId)
                            .to(Dataset::Table, Dataset::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DownloadDay::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(DownloadCount::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum DownloadCount {
    Table,
    DatasetId,
    Total,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DownloadDay {
    Table,
    DatasetId,
    Day,
    Count,
}

#[derive(DeriveIden)]
enum Dataset {
    Table,
    Id,
}
