//! The Satu Data score of a dataset: its metadata and its latest version's validation report.

use satudata_validation::{Facts, RegionCells, Score, TableFacts, UNTIDY, score};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;

use crate::datasets::DatasetRecord;
use crate::entity::dataset_version;
use crate::error::Result;
use crate::{Actor, Catalog};

impl Catalog {
    /// Scores a dataset the actor may read against the four principles and the EU MQA.
    pub async fn dataset_score(&self, actor: &Actor, key: &str) -> Result<Score> {
        let record = self.dataset(actor, key).await?;
        let latest = dataset_version::Entity::find()
            .filter(dataset_version::Column::DatasetId.eq(record.dataset.id))
            .order_by_desc(dataset_version::Column::Number)
            .one(self.db())
            .await?;
        Ok(self.score_of(&record, latest.as_ref()).await?.1)
    }

    /// The facts and the score of a dataset with one of its versions (the walidata's review
    /// page scores the version under review).
    pub async fn version_score(
        &self,
        actor: &Actor,
        key: &str,
        number: i32,
    ) -> Result<(Facts, Score)> {
        let record = self.dataset(actor, key).await?;
        let version = self.version_of(actor, &record.dataset, number).await?;
        self.score_of(&record, Some(&version)).await
    }

    /// The facts the score is made of and the score, for a dataset and one of its versions
    /// (the public portal scores the published version, the API the latest upload).
    pub(crate) async fn score_of(
        &self,
        record: &DatasetRecord,
        latest: Option<&dataset_version::Model>,
    ) -> Result<(Facts, Score)> {
        let d = &record.dataset;
        // Columns of the latest table that the dataset's schema binds to a Standar Data variable.
        let header: Vec<String> = latest
            .and_then(|v| v.table_info.get("header"))
            .and_then(|h| serde_json::from_value(h.clone()).ok())
            .unwrap_or_default();
        // The stored schema names the binding; its variables are not needed to count it.
        let columns_bound = d
            .table_schema
            .as_ref()
            .and_then(|s| s["fields"].as_array())
            .into_iter()
            .flatten()
            .filter(|f| {
                f["standar_data"].as_str().is_some_and(|k| !k.is_empty())
                    && f["name"]
                        .as_str()
                        .is_some_and(|n| header.iter().any(|h| h == n))
            })
            .count();
        let m = &d.msind;
        let text = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
        let msind = [
            text(&m.nama_indikator),
            text(&m.konsep),
            text(&m.definisi),
            text(&m.interpretasi),
            text(&m.metode_perhitungan),
            !m.klasifikasi_penyajian.is_empty(),
            m.indikator_komposit.is_some(),
            text(&m.kegiatan_penghasil),
            text(&m.level_estimasi),
        ];
        let format = latest.map(|v| {
            v.table_info
                .get("format")
                .and_then(Value::as_str)
                .unwrap_or("csv")
                .to_owned()
        });
        let facts = Facts {
            keywords: !record.tags.is_empty(),
            theme: d.topik.is_some(),
            spatial: d.cakupan_wilayah.is_some(),
            temporal: d.temporal_start.is_some() || d.temporal_end.is_some(),
            public: d.is_live() && d.akses == crate::actor::AKSES_TERBUKA,
            download_url: d.is_live(),
            format,
            license: true,
            access_rights: true,
            contact: d.contact_name.is_some() || d.contact_email.is_some(),
            publisher: true,
            msind_filled: msind.iter().filter(|f| **f).count(),
            msind_total: msind.len(),
            columns_bound,
        };
        let table = latest.and_then(|v| v.report.as_ref()).map(table_facts);
        let score = score(&facts, table.as_ref());
        Ok((facts, score))
    }
}

/// Reads the score's inputs back from a stored report.
fn table_facts(report: &Value) -> TableFacts {
    let number = |v: &Value| v.as_u64().unwrap_or_default();
    TableFacts {
        columns: usize::try_from(number(&report["table"]["column_count"])).unwrap_or_default(),
        valid: report["valid"].as_bool().unwrap_or(false),
        tidy: !UNTIDY.iter().any(|k| report["counts"].get(k).is_some()),
        region_checked: report["region_reference"].is_string(),
        region_cells: RegionCells {
            checked: number(&report["region_cells"]["checked"]),
            known: number(&report["region_cells"]["known"]),
        },
    }
}
