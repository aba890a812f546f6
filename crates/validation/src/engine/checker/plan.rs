//! Making the checker's plan: each schema field bound to its column with its checks, the keys,
//! and the findings about the header that the plan itself reveals.

use std::collections::{BTreeSet, HashMap};

use super::super::keys::Key;
use super::super::memo::{Memo, NOTES};
use super::super::{Options, TablePlan};
use super::totals::Series;
use super::{Checker, Column, Seen2};
use crate::report::{Findings, RegionCells};
use crate::roles::{CodeSystem, ColumnRole};
use crate::schema::{self, FieldType, TableSchema};
use crate::seen::Seen;

impl<'o> Checker<'o> {
    pub(in crate::engine) fn new(
        labels: &[String],
        schema: &TableSchema,
        declared: bool,
        options: &Options<'o>,
        plan: &TablePlan,
        header_row: u64,
        findings: &mut Findings,
    ) -> Self {
        let position = |name: &str| labels.iter().position(|l| l == name);
        let role_of = |i: usize| plan.roles.get(i).copied().unwrap_or(ColumnRole::Other);
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
            let role = role_of(index);
            let numeric = matches!(field.kind, FieldType::Integer | FieldType::Number);
            let measure = numeric
                && !matches!(
                    role,
                    ColumnRole::Year
                        | ColumnRole::Month
                        | ColumnRole::Period
                        | ColumnRole::Id
                        | ColumnRole::Code
                        | ColumnRole::RegionCode { .. }
                )
                && !plan.index_columns.contains(&index);
            columns.push(Column {
                index,
                name: field.name.clone(),
                kind: field.kind,
                role,
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
                region: plan.regions.iter().find(|r| r.index == index).copied(),
                seen: (c.unique == Some(true)).then(Seen::default),
                notes: [0; NOTES],
                examples: Default::default(),
                unit: None,
                measure,
                number: None,
                region_ok: false,
                sum: 0.0,
                sum_rows: 0,
                sum_first_row: header_row + 1,
                decimals: 0,
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
            .filter_map(|c| c.region.map(|r| r.index))
            .collect();
        if options.reference.is_none() {
            for region in plan
                .regions
                .iter()
                .filter(|r| code_columns.contains(&r.index))
            {
                let (id, en) = if region.system == CodeSystem::Bps {
                    ("BPS", "BPS")
                } else {
                    ("Kemendagri", "Kemendagri")
                };
                findings.add(
                    "region-not-checked",
                    Some(header_row),
                    Some((&labels[region.index], region.index)),
                    None,
                    format!("Kode wilayah tidak diperiksa: daftar wilayah {id} belum dimuat"),
                    format!("Region codes not checked: the {en} region list is not loaded"),
                );
            }
        }
        let satuan = (0..labels.len())
            .find(|&i| {
                role_of(i) == ColumnRole::Unit && crate::checks::snake_case(&labels[i]) == "satuan"
            })
            .map(|i| (i, BTreeSet::new()));
        let tahun = (0..labels.len()).find(|&i| role_of(i) == ColumnRole::Year);
        let text = |i: usize| {
            schema
                .fields
                .iter()
                .find(|f| f.name == labels[i])
                .is_some_and(|f| matches!(f.kind, FieldType::String | FieldType::Any))
        };
        let label_columns: Vec<usize> = (0..labels.len())
            .filter(|&i| {
                !labels[i].is_empty()
                    && text(i)
                    && !matches!(role_of(i), ColumnRole::Unit | ColumnRole::Id)
                    && !plan.index_columns.contains(&i)
            })
            .collect();
        let region_names = match options.reference {
            Some(reference) if !label_columns.is_empty() => reference.upper_names(),
            _ => HashMap::new(),
        };
        let series = series(&columns, plan, tahun);
        let measures: Vec<(usize, &str)> = columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.measure)
            .map(|(i, c)| (i, c.name.as_str()))
            .collect();
        let names: Vec<&str> = measures.iter().map(|(_, n)| *n).collect();
        let pairs: Vec<usize> = super::pairs::sex_pairs(&names)
            .into_iter()
            .map(|p| measures[p].0)
            .collect();
        let measure_count = names.len();
        Self {
            width: labels.len(),
            labels: labels.to_vec(),
            columns,
            keys,
            missing: schema.missing_values.clone(),
            placeholders: !declared,
            reference: options.reference,
            coverage: options.coverage,
            tahun,
            satuan,
            regions: plan
                .regions
                .iter()
                .filter(|r| code_columns.contains(&r.index))
                .copied()
                .collect(),
            index_columns: plan.index_columns.clone(),
            label_columns,
            code_columns,
            filled: vec![0; labels.len()],
            region_cells: RegionCells::default(),
            region_cache: HashMap::default(),
            region_key: String::new(),
            region_changed: false,
            disagreements: Vec::new(),
            region_names,
            last_label: String::new(),
            last_row: header_row,
            series,
            pairs,
            shifted: Vec::new(),
            measures: measure_count,
            runs: Vec::new(),
            name_column: if plan.regions.is_empty() {
                plan.roles
                    .iter()
                    .position(|r| matches!(r, ColumnRole::RegionName { .. }))
            } else {
                None
            },
            names: plausible_names(),
            seen: Seen2::default(),
            kept: 0,
        }
    }
}

fn plausible_names() -> super::plausible::Names {
    super::plausible::Names::new()
}

/// Each region's series of each measure, when the table has a region, a year and measures.
fn series(columns: &[Column], plan: &TablePlan, tahun: Option<usize>) -> Option<Series> {
    let year = tahun?;
    let finest_code = plan.regions.iter().max_by_key(|r| r.level).map(|r| r.index);
    let finest_name = plan
        .roles
        .iter()
        .enumerate()
        .filter_map(|(i, role)| match role {
            ColumnRole::RegionName { level, .. } => Some((i, *level)),
            _ => None,
        })
        .max_by_key(|(_, level)| *level)
        .map(|(i, _)| i);
    let region = finest_code.or(finest_name)?;
    let measures: Vec<usize> = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.measure)
        .map(|(i, _)| i)
        .collect();
    (!measures.is_empty()).then(|| Series::new(region, year, measures))
}
