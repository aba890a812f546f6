//! Free-text keywords of a dataset, one row each so that they can be filtered.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dataset_tag")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub dataset_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub tag: String,
    #[sea_orm(belongs_to, from = "dataset_id", to = "id")]
    pub dataset: HasOne<super::dataset::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
