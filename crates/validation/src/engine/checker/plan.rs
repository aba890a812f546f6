//! Making the checker's plan: each schema field bound to its column with its checks, the keys,
//! and the findings about the header that the plan itself reveals.

use std::collections::{BTreeSet, HashMap};

use super::super::Options;
use super::super::keys::Key;
use super::super::memo::Memo;
use super::super::region::is_region_column;
use super::{Checker, Column};
use crate::report::{Findings, RegionCells};
use crate::schema::{self, TableSchema};
use crate::seen::Seen;

impl<'o> Checker<'o> {
    pub(in crate::engine) fn new(
        labels: &[String],
        schema: &TableSchema,
        declared: bool,
        options: &Options<'o>,
        header_row: u64,
        findings: &mut Findings,
    ) -> Self {
        let position = |name: &str| labels.iter().position(|l| l == name);
        let mut columns = Vec::new();
        for field in &schema.fields {
            let Some(index) = position(&field.name) else {
                findings.add(
                    "missing-label",
                    Some(header_row),
                    Some((&field.name, columns.len())),
                    None,
                    format!("Kolom '{}' dari skema tidak ada di tabel", field.name),
                    format!(
                        "Column '{}' of the schema is missing from the table",
                        field.name
                    ),
                );
                continue;
            };
            let c = &field.constraints;
            let region = is_region_column(&field.name)
                .then(|| position(&field.name.replacen("kode_", "nama_", 1)));
            columns.push(Column {
                index,
                name: field.name.clone(),
                kind: field.kind,
                required: c.required == Some(true),
                minimum: c.minimum.as_ref().and_then(schema::bound),
                maximum: c.maximum.as_ref().and_then(schema::bound),
                min_length: c.min_length,
                max_length: c.max_length,
                pattern: c.pattern.as_deref().and_then(schema::compile_pattern),
                values: c
                    .values
                    .as_ref()
                    .map(|v| v.iter().map(schema::enum_text).collect()),
                region,
                seen: (c.unique == Some(true)).then(Seen::default),
                grouped_numbers: 0,
                memo: Memo::default(),
            });
        }
        if declared {
            for (i, label) in labels.iter().enumerate() {
                if !label.is_empty() && !schema.fields.iter().any(|f| &f.name == label) {
                    findings.add(
                        "extra-label",
                        Some(header_row),
                        Some((label, i)),
                        Some(label),
                        format!("Kolom '{label}' tidak ada di skema"),
                        format!("Column '{label}' is not in the schema"),
                    );
                }
            }
        }
        let keys = Key::all(schema, labels, header_row, findings);
        // A unique column that is also a one-column key is tracked once, by the key.
        for column in &mut columns {
            if keys.iter().any(|k| k.columns == [column.index]) {
                column.seen = None;
            }
        }
        let code_columns: Vec<usize> = columns
            .iter()
            .filter(|c| c.region.is_some())
            .map(|c| c.index)
            .collect();
        if options.reference.is_none() {
            for &index in &code_columns {
                findings.add(
                    "region-not-checked",
                    Some(header_row),
                    Some((&labels[index], index)),
                    None,
                    "Kode wilayah tidak diperiksa: daftar wilayah Kemendagri belum dimuat".into(),
                    "Region codes not checked: the Kemendagri region list is not loaded".into(),
                );
            }
        }
        let satuan = position("satuan").map(|i| (i, BTreeSet::new()));
        Self {
            width: labels.len(),
            labels: labels.to_vec(),
            columns,
            keys,
            missing: schema.missing_values.clone(),
            reference: options.reference,
            coverage: options.coverage,
            tahun: position("tahun"),
            satuan,
            code_columns,
            filled: vec![0; labels.len()],
            region_cells: RegionCells::default(),
            region_cache: HashMap::default(),
            region_key: String::new(),
        }
    }
}
