//! Standar Data variables: konsep, definisi, klasifikasi (a code list), ukuran, satuan, type and
//! validation rules.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "standard_variable")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub kode: String,
    pub nama: String,
    pub konsep: Option<String>,
    pub definisi: Option<String>,
    /// Frictionless type: string, integer, number, boolean, date, year.
    pub tipe_data: String,
    pub code_list_id: Option<i32>,
    pub ukuran: Option<String>,
    pub satuan: Option<String>,
    /// Aturan validasi as Frictionless constraints (minimum, maximum, pattern ...).
    #[sea_orm(column_type = "JsonBinary")]
    pub aturan: Json,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
