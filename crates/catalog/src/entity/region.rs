//! The Kemendagri region reference (from idn-area-data, ODbL), imported by the operator.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "region")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub name: String,
    /// provinsi, kabupaten-kota, kecamatan or desa-kelurahan.
    pub level: String,
    pub parent_code: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
