//! Background work and its coordination across nodes, all through the database:
//!
//! - `job`: validation and publication run as jobs that any node may claim (PostgreSQL:
//!   `FOR UPDATE SKIP LOCKED`), under a lease renewed by heartbeats, retried with back-off,
//!   taken over when a node dies;
//! - `blob_pin`: a writer pins a content-addressed blob before storing it, and gc locks the
//!   pin row before removing one, so a blob stored again is never removed after;
//! - `maintenance_lease`: named leases (a running backup) that gc respects.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Job::Table)
                    .col(pk_auto(Job::Id))
                    .col(uuid_uniq(Job::Uuid))
                    .col(string(Job::Kind))
                    .col(string(Job::State))
                    .col(integer_null(Job::DatasetId))
                    .col(integer_null(Job::VersionId))
                    .col(json_binary(Job::Payload))
                    .col(json_binary(Job::Progress))
                    .col(integer(Job::Attempts).default(0))
                    .col(integer(Job::MaxAttempts).default(5))
                    .col(timestamp_with_time_zone(Job::RunAfter))
                    .col(string_null(Job::LeaseOwner))
                    .col(timestamp_with_time_zone_null(Job::LeaseExpiresAt))
                    .col(text_null(Job::Error))
                    .col(timestamp_with_time_zone(Job::CreatedAt))
                    .col(timestamp_with_time_zone(Job::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Job::FinishedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_job_claim")
                    .table(Job::Table)
                    .col(Job::State)
                    .col(Job::RunAfter)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_job_version")
                    .table(Job::Table)
                    .col(Job::VersionId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BlobPin::Table)
                    .col(string(BlobPin::ObjectKey).primary_key())
                    .col(timestamp_with_time_zone(BlobPin::PinnedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MaintenanceLease::Table)
                    .col(string(MaintenanceLease::Name).primary_key())
                    .col(string(MaintenanceLease::Owner))
                    .col(timestamp_with_time_zone(MaintenanceLease::ExpiresAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            MaintenanceLease::Table.into_iden(),
            BlobPin::Table.into_iden(),
            Job::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Job {
    Table,
    Id,
    Uuid,
    Kind,
    State,
    DatasetId,
    VersionId,
    Payload,
    Progress,
    Attempts,
    MaxAttempts,
    RunAfter,
    LeaseOwner,
    LeaseExpiresAt,
    Error,
    CreatedAt,
    UpdatedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum BlobPin {
    Table,
    ObjectKey,
    PinnedAt,
}

#[derive(DeriveIden)]
enum MaintenanceLease {
    Table,
    Name,
    Owner,
    ExpiresAt,
}
