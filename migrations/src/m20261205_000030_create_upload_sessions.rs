//! `upload_session`: a resumable upload from the workspace (a 500 MB Excel export over a
//! dropping link). Each received chunk is an object under `uploads/{uuid}/`; the row holds the
//! offset and the chunks' keys, so any node can take the next chunk. When the last byte has
//! arrived the chunks are streamed, in order, into an ordinary version upload.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(UploadSession::Table)
                    .col(pk_auto(UploadSession::Id))
                    .col(uuid_uniq(UploadSession::Uuid))
                    .col(integer(UploadSession::DatasetId))
                    .col(integer(UploadSession::AccountId))
                    .col(string(UploadSession::Filename))
                    .col(string(UploadSession::MediaType))
                    .col(big_integer(UploadSession::Size))
                    .col(big_integer(UploadSession::Received).default(0))
                    .col(integer(UploadSession::ChunkSize))
                    .col(json_binary(UploadSession::Parts))
                    .col(string(UploadSession::State))
                    .col(boolean(UploadSession::Long).default(false))
                    .col(integer_null(UploadSession::VersionId))
                    .col(uuid_null(UploadSession::JobUuid))
                    .col(text_null(UploadSession::Error))
                    .col(timestamp_with_time_zone(UploadSession::CreatedAt))
                    .col(timestamp_with_time_zone(UploadSession::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(UploadSession::Table, UploadSession::DatasetId)
                            .to(Dataset::Table, Dataset::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_upload_session_updated")
                    .table(UploadSession::Table)
                    .col(UploadSession::UpdatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(UploadSession::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum UploadSession {
    Table,
    Id,
    Uuid,
    DatasetId,
    AccountId,
    Filename,
    MediaType,
    Size,
    Received,
    ChunkSize,
    Parts,
    State,
    Long,
    VersionId,
    JobUuid,
    Error,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Dataset {
    Table,
    Id,
}
