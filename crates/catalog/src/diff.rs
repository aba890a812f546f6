//! What changed between two versions (published ones, or a cleaned version under review and
//! the newest published one before it): columns added and removed, and rows added,
//! removed and changed by the table's key (the declared primary key, else the key the engine
//! proposed; without one, rows are compared whole). Three streaming passes over the clean
//! CSVs; memory holds one hash per row of the older version.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hash, Hasher};
use std::io::Read;

use serde_json::{Map, Value, json};
use tokio_util::io::{StreamReader, SyncIoBridge};

use crate::error::{Error, Result};
use crate::{Actor, Catalog};

/// Examples listed per kind of change.
const EXAMPLES: usize = 20;

impl Catalog {
    /// The difference from published version `a` to published version `b`.
    pub async fn diff_versions(&self, actor: &Actor, key: &str, a: i32, b: i32) -> Result<Value> {
        let record = self.dataset(actor, key).await?;
        let d = &record.dataset;
        let old = self.published_version(actor, d, Some(a)).await?;
        let new = self.published_version(actor, d, Some(b)).await?;
        let old_key = self.csv_key(old.id).await?;
        let new_key = self.csv_key(new.id).await?;
        let mut out = self.diff_tables(d, &new, old_key, new_key).await?;
        out["from"] = json!(a);
        out["to"] = json!(b);
        Ok(out)
    }

    /// What version `number` changes from the newest published version before it, for those
    /// who see the version (its OPD and the walidata before publication): the version's
    /// published CSV, or its clean table while it is not published. `None` when there is no
    /// earlier published version, or the version has no clean table (its report has errors).
    pub async fn diff_with_previous(
        &self,
        actor: &Actor,
        key: &str,
        number: i32,
    ) -> Result<Option<Value>> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        let record = self.dataset(actor, key).await?;
        let d = &record.dataset;
        let new = self.version_of(actor, d, number).await?;
        let Some(old) = crate::entity::dataset_version::Entity::find()
            .filter(crate::entity::dataset_version::Column::DatasetId.eq(d.id))
            .filter(crate::entity::dataset_version::Column::Number.lt(number))
            .filter(crate::entity::dataset_version::Column::PublishedAt.is_not_null())
            .order_by_desc(crate::entity::dataset_version::Column::Number)
            .one(self.db())
            .await?
        else {
            return Ok(None);
        };
        let new_key = if new.published_at.is_some() {
            self.csv_key(new.id).await?
        } else {
            match &new.clean_sha256 {
                Some(sha256) => crate::cleaned::blob_key(sha256),
                None => return Ok(None),
            }
        };
        let old_key = self.csv_key(old.id).await?;
        let mut out = self.diff_tables(d, &new, old_key, new_key).await?;
        out["from"] = json!(old.number);
        out["to"] = json!(number);
        Ok(Some(out))
    }

    /// Compares two stored clean CSVs by the dataset's key (declared, else proposed by the
    /// newer version's report).
    async fn diff_tables(
        &self,
        d: &crate::entity::dataset::Model,
        new: &crate::entity::dataset_version::Model,
        old_key: String,
        new_key: String,
    ) -> Result<Value> {
        let declared = self
            .schema_of(d)
            .await?
            .map(|s| s.primary_key)
            .filter(|k| !k.is_empty());
        let proposed = new
            .report
            .as_ref()
            .and_then(|r| r["suggestions"]["key"].as_array().cloned())
            .map(|k| {
                k.iter()
                    .filter_map(Value::as_str)
                    .map(satudata_validation::snake_case)
                    .collect::<Vec<_>>()
            })
            .filter(|k| !k.is_empty());
        let key_columns = declared
            .map(|k| {
                k.iter()
                    .map(|c| satudata_validation::snake_case(c))
                    .collect()
            })
            .or(proposed)
            .unwrap_or_default();
        let cache_key = format!("{old_key}\n{new_key}\n{}", key_columns.join("\u{1f}"));
        if let Some(known) = self.pages.diffs.get(&cache_key) {
            return Ok(Value::clone(&known));
        }
        let me = self.clone();
        let reader = move |object: String| {
            let store = me.storage().clone();
            let handle = tokio::runtime::Handle::current();
            move || -> Result<Input> {
                use futures_util::TryStreamExt;
                let stream = handle
                    .block_on(store.stream(&object))?
                    .map_err(std::io::Error::other);
                Ok(Box::new(SyncIoBridge::new_with_handle(
                    StreamReader::new(stream),
                    handle.clone(),
                )))
            }
        };
        let open_old = reader(old_key);
        let open_new = reader(new_key);
        let diff = tokio::task::spawn_blocking(move || compare(&open_old, &open_new, &key_columns))
            .await??;
        self.pages
            .diffs
            .insert(cache_key, std::sync::Arc::new(diff.clone()));
        Ok(diff)
    }

    async fn csv_key(&self, version_id: i32) -> Result<String> {
        self.distributions(version_id)
            .await?
            .into_iter()
            .find(|f| f.format == "csv")
            .map(|f| f.object_key)
            .ok_or_else(|| Error::Invariant(format!("version {version_id} has no CSV")))
    }
}

/// A readable published CSV.
type Input = Box<dyn Read + Send>;
/// Opens a published CSV again (each pass reads it from the start).
type Opener<'a> = &'a dyn Fn() -> Result<Input>;

fn compare(open_old: Opener<'_>, open_new: Opener<'_>, key: &[String]) -> Result<Value> {
    let hasher = foldhash::fast::FixedState::with_seed(7);
    // Each pass reads its CSV from the start; the first two passes take the headers on the way.
    let (old_header, mut old_rows) = header(open_old()?)?;
    let (new_header, mut new_rows) = header(open_new()?)?;
    let common: Vec<String> = new_header
        .iter()
        .filter(|c| old_header.contains(c))
        .cloned()
        .collect();
    let added_columns: Vec<&String> = new_header
        .iter()
        .filter(|c| !old_header.contains(c))
        .collect();
    let removed_columns: Vec<&String> = old_header
        .iter()
        .filter(|c| !new_header.contains(c))
        .collect();
    let key: Vec<String> = if !key.is_empty() && key.iter().all(|k| common.contains(k)) {
        key.to_vec()
    } else {
        Vec::new()
    };
    let keyed = !key.is_empty();
    let positions = |header: &[String], names: &[String]| -> Vec<usize> {
        names
            .iter()
            .filter_map(|n| header.iter().position(|h| h == n))
            .collect()
    };
    let digest = |record: &csv::StringRecord, cols: &[usize]| -> u64 {
        let mut h = hasher.build_hasher();
        for &i in cols {
            record.get(i).unwrap_or("").hash(&mut h);
        }
        h.finish()
    };
    let key_text = |record: &csv::StringRecord, cols: &[usize]| -> String {
        cols.iter()
            .map(|&i| record.get(i).unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\u{1f}")
    };
    let old_common = positions(&old_header, &common);
    let new_common = positions(&new_header, &common);
    let old_key_pos = positions(&old_header, &key);
    let new_key_pos = positions(&new_header, &key);

    // Pass 1: the old version, one hash per row (by key, or a count per whole-row hash).
    let mut by_key: HashMap<String, u64> = HashMap::new();
    let mut by_row: HashMap<u64, u64> = HashMap::new();
    let mut record = csv::StringRecord::new();
    while old_rows.read_record(&mut record).map_err(csv_error)? {
        if keyed {
            by_key.insert(
                key_text(&record, &old_key_pos),
                digest(&record, &old_common),
            );
        } else {
            *by_row.entry(digest(&record, &old_common)).or_default() += 1;
        }
    }
    // Pass 2: the new version.
    let (mut added, mut changed, mut unchanged) = (0u64, 0u64, 0u64);
    let mut added_examples = Vec::new();
    let mut changed_new: HashMap<String, Map<String, Value>> = HashMap::new();
    while new_rows.read_record(&mut record).map_err(csv_error)? {
        let hash = digest(&record, &new_common);
        let found = if keyed {
            match by_key.remove(&key_text(&record, &new_key_pos)) {
                Some(old) if old == hash => Some(true),
                Some(_) => Some(false),
                None => None,
            }
        } else {
            match by_row.get_mut(&hash) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    Some(true)
                }
                _ => None,
            }
        };
        match found {
            Some(true) => unchanged += 1,
            Some(false) => {
                changed += 1;
                if changed_new.len() < EXAMPLES {
                    changed_new.insert(
                        key_text(&record, &new_key_pos),
                        row_map(&new_header, &record),
                    );
                }
            }
            None => {
                added += 1;
                if added_examples.len() < EXAMPLES {
                    added_examples.push(Value::Object(row_map(&new_header, &record)));
                }
            }
        }
    }
    let removed: u64 = if keyed {
        by_key.len() as u64
    } else {
        by_row.values().sum()
    };
    // Pass 3: the old rows of the examples.
    let removed_keys: HashSet<String> = by_key.keys().take(EXAMPLES).cloned().collect();
    let mut removed_examples = Vec::new();
    let mut changed_examples = Vec::new();
    if keyed && (!removed_keys.is_empty() || !changed_new.is_empty()) {
        let (_, mut rows) = header(open_old()?)?;
        while rows.read_record(&mut record).map_err(csv_error)? {
            let k = key_text(&record, &old_key_pos);
            if removed_keys.contains(&k) {
                removed_examples.push(Value::Object(row_map(&old_header, &record)));
            } else if let Some(new_row) = changed_new.get(&k) {
                let old_row = row_map(&old_header, &record);
                let mut changes = Map::new();
                for c in &common {
                    if old_row.get(c) != new_row.get(c) {
                        changes.insert(c.clone(), json!({"from": old_row[c], "to": new_row[c]}));
                    }
                }
                let key_values: Map<String, Value> = key
                    .iter()
                    .map(|c| (c.clone(), new_row[c].clone()))
                    .collect();
                changed_examples.push(json!({"key": key_values, "changes": changes}));
            }
        }
    }
    Ok(json!({
        "key": key,
        "columns_added": added_columns,
        "columns_removed": removed_columns,
        "rows_added": added,
        "rows_removed": removed,
        "rows_changed": changed,
        "rows_unchanged": unchanged,
        "examples": {
            "added": added_examples,
            "removed": removed_examples,
            "changed": changed_examples,
        },
    }))
}

fn header(input: Input) -> Result<(Vec<String>, csv::Reader<Input>)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(input);
    let header = reader
        .headers()
        .map_err(csv_error)?
        .iter()
        .map(str::to_owned)
        .collect();
    Ok((header, reader))
}

fn row_map(header: &[String], record: &csv::StringRecord) -> Map<String, Value> {
    header
        .iter()
        .zip(record.iter())
        .map(|(h, v)| (h.clone(), Value::String(v.to_owned())))
        .collect()
}

fn csv_error(e: csv::Error) -> Error {
    Error::Internal {
        context: "reading a published CSV",
        source: Box::new(e),
    }
}
