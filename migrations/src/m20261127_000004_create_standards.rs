//! Standar Data: code lists (kode referensi defined by the walidata) and standard variables, and
//! the Table Schema a dataset declares.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CodeList::Table)
                    .col(pk_auto(CodeList::Id))
                    .col(string_uniq(CodeList::Slug))
                    .col(string(CodeList::Name))
                    .col(text_null(CodeList::Description))
                    .col(json_binary(CodeList::Items))
                    .col(timestamp_with_time_zone(CodeList::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StandardVariable::Table)
                    .col(pk_auto(StandardVariable::Id))
                    .col(string_uniq(StandardVariable::Kode))
                    .col(string(StandardVariable::Nama))
                    .col(text_null(StandardVariable::Konsep))
                    .col(text_null(StandardVariable::Definisi))
                    .col(string(StandardVariable::TipeData))
                    .col(integer_null(StandardVariable::CodeListId))
                    .col(string_null(StandardVariable::Ukuran))
                    .col(string_null(StandardVariable::Satuan))
                    .col(json_binary(StandardVariable::Aturan))
                    .col(timestamp_with_time_zone(StandardVariable::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(StandardVariable::Table, StandardVariable::CodeListId)
                            .to(CodeList::Table, CodeList::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Dataset::Table)
                    .add_column(json_binary_null(Dataset::TableSchema))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Dataset::Table)
                    .drop_column(Dataset::TableSchema)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(StandardVariable::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(CodeList::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum CodeList {
    Table,
    Id,
    Slug,
    Name,
    Description,
    Items,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum StandardVariable {
    Table,
    Id,
    Kode,
    Nama,
    Konsep,
    Definisi,
    TipeData,
    CodeListId,
    Ukuran,
    Satuan,
    Aturan,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Dataset {
    Table,
    TableSchema,
}
