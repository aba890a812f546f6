//! The first catalog: portal, organisations, accounts, tokens, datasets, tags and versions.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Portal::Table)
                    .col(integer(Portal::Id).primary_key())
                    .col(string(Portal::Name))
                    .col(string(Portal::RegionCode))
                    .col(string_null(Portal::BaseUrl))
                    .col(string_null(Portal::ContactName))
                    .col(string_null(Portal::ContactEmail))
                    .col(timestamp_with_time_zone(Portal::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Organization::Table)
                    .col(pk_auto(Organization::Id))
                    .col(uuid_uniq(Organization::Uuid))
                    .col(string_uniq(Organization::Slug))
                    .col(string(Organization::Name))
                    .col(string_null(Organization::ShortName))
                    .col(string(Organization::Kind))
                    .col(text_null(Organization::Description))
                    .col(string_null(Organization::Email))
                    .col(string_null(Organization::Phone))
                    .col(string_null(Organization::Website))
                    .col(string_null(Organization::Address))
                    .col(timestamp_with_time_zone(Organization::CreatedAt))
                    .col(timestamp_with_time_zone(Organization::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Account::Table)
                    .col(pk_auto(Account::Id))
                    .col(uuid_uniq(Account::Uuid))
                    .col(string_uniq(Account::Email))
                    .col(string(Account::Name))
                    .col(string(Account::Role))
                    .col(integer_null(Account::OrganizationId))
                    .col(string_null(Account::PasswordHash))
                    .col(boolean(Account::Active).default(true))
                    .col(timestamp_with_time_zone(Account::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Account::Table, Account::OrganizationId)
                            .to(Organization::Table, Organization::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ApiToken::Table)
                    .col(pk_auto(ApiToken::Id))
                    .col(integer(ApiToken::AccountId))
                    .col(string_uniq(ApiToken::TokenHash))
                    .col(string(ApiToken::Prefix))
                    .col(string(ApiToken::Label))
                    .col(timestamp_with_time_zone(ApiToken::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiToken::ExpiresAt))
                    .col(timestamp_with_time_zone_null(ApiToken::RevokedAt))
                    .col(timestamp_with_time_zone_null(ApiToken::LastUsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApiToken::Table, ApiToken::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Dataset::Table)
                    .col(pk_auto(Dataset::Id))
                    .col(uuid_uniq(Dataset::Uuid))
                    .col(string_uniq(Dataset::Slug))
                    .col(string(Dataset::Title))
                    .col(text(Dataset::Description).default(""))
                    .col(integer(Dataset::OrganizationId))
                    .col(string_null(Dataset::Topik))
                    .col(string(Dataset::License))
                    .col(string(Dataset::Akses))
                    .col(string_null(Dataset::Frekuensi))
                    .col(string_null(Dataset::TingkatPenyajian))
                    .col(string_null(Dataset::CakupanWilayah))
                    .col(date_null(Dataset::TemporalStart))
                    .col(date_null(Dataset::TemporalEnd))
                    .col(string_null(Dataset::Ukuran))
                    .col(string_null(Dataset::Satuan))
                    .col(string_null(Dataset::ContactName))
                    .col(string_null(Dataset::ContactEmail))
                    .col(integer_null(Dataset::PrioritasTahun))
                    .col(json_binary(Dataset::Msind))
                    .col(boolean(Dataset::IsPublic).default(false))
                    .col(text(Dataset::SearchText).default(""))
                    .col(integer_null(Dataset::CreatedBy))
                    .col(timestamp_with_time_zone(Dataset::CreatedAt))
                    .col(timestamp_with_time_zone(Dataset::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Dataset::DeletedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Dataset::Table, Dataset::OrganizationId)
                            .to(Organization::Table, Organization::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Dataset::Table, Dataset::CreatedBy)
                            .to(Account::Table, Account::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_dataset_organization", Dataset::OrganizationId),
            ("idx_dataset_topik", Dataset::Topik),
            ("idx_dataset_updated", Dataset::UpdatedAt),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Dataset::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(DatasetTag::Table)
                    .col(integer(DatasetTag::DatasetId))
                    .col(string(DatasetTag::Tag))
                    .primary_key(
                        Index::create()
                            .col(DatasetTag::DatasetId)
                            .col(DatasetTag::Tag),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DatasetTag::Table, DatasetTag::DatasetId)
                            .to(Dataset::Table, Dataset::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_dataset_tag_tag")
                    .table(DatasetTag::Table)
                    .col(DatasetTag::Tag)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(DatasetVersion::Table)
                    .col(pk_auto(DatasetVersion::Id))
                    .col(uuid_uniq(DatasetVersion::Uuid))
                    .col(integer(DatasetVersion::DatasetId))
                    .col(integer(DatasetVersion::Number))
                    .col(string(DatasetVersion::ObjectKey))
                    .col(string(DatasetVersion::Sha256))
                    .col(big_integer(DatasetVersion::ByteSize))
                    .col(string_null(DatasetVersion::OriginalFilename))
                    .col(string(DatasetVersion::MediaType))
                    .col(integer_null(DatasetVersion::UploadedBy))
                    .col(timestamp_with_time_zone(DatasetVersion::CreatedAt))
                    .col(boolean(DatasetVersion::IsTable))
                    .col(big_integer_null(DatasetVersion::RowCount))
                    .col(big_integer_null(DatasetVersion::ColumnCount))
                    .col(json_binary(DatasetVersion::TableInfo))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DatasetVersion::Table, DatasetVersion::DatasetId)
                            .to(Dataset::Table, Dataset::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DatasetVersion::Table, DatasetVersion::UploadedBy)
                            .to(Account::Table, Account::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_dataset_version_number")
                    .table(DatasetVersion::Table)
                    .col(DatasetVersion::DatasetId)
                    .col(DatasetVersion::Number)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DatasetVersion::Table.into_iden(),
            DatasetTag::Table.into_iden(),
            Dataset::Table.into_iden(),
            ApiToken::Table.into_iden(),
            Account::Table.into_iden(),
            Organization::Table.into_iden(),
            Portal::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Portal {
    Table,
    Id,
    Name,
    RegionCode,
    BaseUrl,
    ContactName,
    ContactEmail,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
    Uuid,
    Slug,
    Name,
    ShortName,
    Kind,
    Description,
    Email,
    Phone,
    Website,
    Address,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
    Uuid,
    Email,
    Name,
    Role,
    OrganizationId,
    PasswordHash,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ApiToken {
    Table,
    Id,
    AccountId,
    TokenHash,
    Prefix,
    Label,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum Dataset {
    Table,
    Id,
    Uuid,
    Slug,
    Title,
    Description,
    OrganizationId,
    Topik,
    License,
    Akses,
    Frekuensi,
    TingkatPenyajian,
    CakupanWilayah,
    TemporalStart,
    TemporalEnd,
    Ukuran,
    Satuan,
    ContactName,
    ContactEmail,
    PrioritasTahun,
    Msind,
    IsPublic,
    SearchText,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum DatasetTag {
    Table,
    DatasetId,
    Tag,
}

#[derive(DeriveIden)]
enum DatasetVersion {
    Table,
    Id,
    Uuid,
    DatasetId,
    Number,
    ObjectKey,
    Sha256,
    ByteSize,
    OriginalFilename,
    MediaType,
    UploadedBy,
    CreatedAt,
    IsTable,
    RowCount,
    ColumnCount,
    TableInfo,
}
