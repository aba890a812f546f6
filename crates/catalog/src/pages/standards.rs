//! How many datasets a visitor may see use each Standar Data variable.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde_json::Value;

use super::index::portal_visible;
use crate::entity::dataset;
use crate::error::Result;
use crate::{Actor, Catalog};

impl Catalog {
    /// Per Standar Data kode, the datasets `actor` may see on the portal that bind a column to
    /// it (kept per catalogue generation for anonymous visitors).
    pub async fn standards_use(&self, actor: &Actor) -> Result<Arc<HashMap<String, u64>>> {
        let anonymous = matches!(actor, Actor::Anonymous);
        let generation = self.generation().await?;
        if anonymous && let Some(used) = self.pages.standards_use.get(generation, "anonymous") {
            return Ok(used);
        }
        let schemas: Vec<Option<Value>> = dataset::Entity::find()
            .select_only()
            .column(dataset::Column::TableSchema)
            .filter(portal_visible(actor))
            .filter(dataset::Column::TableSchema.is_not_null())
            .into_tuple()
            .all(self.db())
            .await?;
        let mut used: HashMap<String, u64> = HashMap::new();
        for schema in schemas.into_iter().flatten() {
            let kodes: HashSet<&str> = schema["fields"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|f| f["standar_data"].as_str())
                .collect();
            for kode in kodes {
                *used.entry(kode.to_owned()).or_default() += 1;
            }
        }
        let used = Arc::new(used);
        if anonymous {
            self.pages
                .standards_use
                .put(generation, "anonymous".into(), used.clone(), 1);
        }
        Ok(used)
    }
}
