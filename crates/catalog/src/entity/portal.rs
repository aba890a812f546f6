//! The portal itself: one row, id 1.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "portal")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub name: String,
    pub region_code: String,
    pub base_url: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    /// The region's bounding box (WGS 84 degrees), for DCAT's dcat:bbox and dcat:centroid.
    #[sea_orm(column_type = "Double", nullable)]
    pub bbox_west: Option<f64>,
    /// Southern edge.
    #[sea_orm(column_type = "Double", nullable)]
    pub bbox_south: Option<f64>,
    /// Eastern edge.
    #[sea_orm(column_type = "Double", nullable)]
    pub bbox_east: Option<f64>,
    /// Northern edge.
    #[sea_orm(column_type = "Double", nullable)]
    pub bbox_north: Option<f64>,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// `[west, south, east, north]` when all four edges are set.
    pub fn bbox(&self) -> Option<[f64; 4]> {
        Some([
            self.bbox_west?,
            self.bbox_south?,
            self.bbox_east?,
            self.bbox_north?,
        ])
    }
}
