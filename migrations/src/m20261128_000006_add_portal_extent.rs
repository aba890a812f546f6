//! The portal's geographic extent (a WGS 84 bounding box), which DCAT-AP publishes as the
//! `dcat:bbox` and `dcat:centroid` of the region: the Kemendagri list has no coordinates.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for column in [Portal::West, Portal::South, Portal::East, Portal::North] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Portal::Table)
                        .add_column(double_null(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Portal::West, Portal::South, Portal::East, Portal::North] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Portal::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Portal {
    Table,
    #[sea_orm(iden = "bbox_west")]
    West,
    #[sea_orm(iden = "bbox_south")]
    South,
    #[sea_orm(iden = "bbox_east")]
    East,
    #[sea_orm(iden = "bbox_north")]
    North,
}
