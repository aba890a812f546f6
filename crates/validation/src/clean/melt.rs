//! Wide to long, on request: the columns of one measure spread over years, months or groups
//! (the wide-layout finding) become rows, one per observation, with the year, month and group
//! their label named in their own columns (`tahun`, `bulan`, `kategori`), the value in `nilai`,
//! and the unit beside it in `satuan` when the table pairs each value column with a unit column.

use super::CleanColumn;
use super::ColumnPlan;
use crate::engine::{month_in, wide_groups, year_in};
use crate::report::TableInfo;
use crate::roles::ColumnRole;
use crate::schema::FieldType;

/// One melted column: where its values come from and what its label says.
#[derive(Debug, Clone)]
pub(super) struct Melted {
    pub index: usize,
    year: Option<i32>,
    month: Option<&'static str>,
    category: String,
    /// The unit column beside it, if the table pairs them.
    unit: Option<usize>,
}

/// The long layout of a wide table.
#[derive(Debug, Clone)]
pub(super) struct Melt {
    /// Kept source columns that identify an observation, in order.
    ids: Vec<usize>,
    pub melted: Vec<Melted>,
    value_kind: FieldType,
}

/// The words of a label, and those that are neither a year nor a month.
fn rest_words(label: &str) -> Vec<&str> {
    label
        .split_whitespace()
        .filter(|w| year_in(w).is_none() && month_in(w).is_none())
        .collect()
}

impl Melt {
    /// The long layout of `table`, when it is wide.
    pub(super) fn plan(table: &TableInfo, plan: &ColumnPlan) -> Option<Self> {
        let kinds: Vec<FieldType> = plan.sources.iter().map(|s| s.kind).collect();
        let roles: Vec<ColumnRole> = plan.sources.iter().map(|s| s.role).collect();
        let mut columns: Vec<usize> = wide_groups(&table.header, &kinds, &roles)
            .into_iter()
            .flatten()
            .filter(|i| plan.keep.contains(i))
            .collect();
        columns.sort_unstable();
        if columns.is_empty() {
            return None;
        }
        let rests: Vec<Vec<&str>> = columns
            .iter()
            .map(|&i| rest_words(&table.header[i]))
            .collect();
        // Words every melted label shares at its start and end name the measure, not a group.
        let shortest = rests.iter().map(Vec::len).min().unwrap_or(0);
        let prefix = (0..shortest)
            .take_while(|&k| rests.iter().all(|r| r[k].eq_ignore_ascii_case(rests[0][k])))
            .count();
        let suffix = (0..shortest - prefix)
            .take_while(|&k| {
                let last = rests[0][rests[0].len() - 1 - k];
                rests
                    .iter()
                    .all(|r| r[r.len() - 1 - k].eq_ignore_ascii_case(last))
            })
            .count();
        let unit_beside = |i: usize| {
            let next = i + 1;
            (roles.get(next) == Some(&ColumnRole::Unit) && plan.keep.contains(&next))
                .then_some(next)
        };
        let melted: Vec<Melted> = columns
            .iter()
            .zip(&rests)
            .map(|(&index, rest)| Melted {
                index,
                year: year_in(&table.header[index]),
                month: month_in(&table.header[index]),
                category: rest[prefix..rest.len() - suffix].join(" "),
                unit: unit_beside(index),
            })
            .collect();
        let units: Vec<usize> = melted.iter().filter_map(|m| m.unit).collect();
        let ids = plan
            .keep
            .iter()
            .copied()
            .filter(|i| !columns.contains(i) && !units.contains(i))
            .collect();
        let value_kind = if columns.iter().all(|&i| kinds[i] == FieldType::Integer) {
            FieldType::Integer
        } else {
            FieldType::Number
        };
        Some(Self {
            ids,
            melted,
            value_kind,
        })
    }

    fn has_category(&self) -> bool {
        self.melted.iter().any(|m| !m.category.is_empty())
    }

    /// The long table's columns.
    pub(super) fn columns(&self, plan: &ColumnPlan) -> Vec<CleanColumn> {
        let mut out: Vec<CleanColumn> = self
            .ids
            .iter()
            .map(|&i| {
                let at = plan.keep.iter().position(|k| *k == i).unwrap_or(0);
                CleanColumn {
                    name: plan.header[at].clone(),
                    kind: plan.sources[i].kind,
                }
            })
            .collect();
        let mut add = |name: &str, kind: FieldType, wanted: bool| {
            if wanted {
                let mut name = name.to_owned();
                while out.iter().any(|c| c.name == name) {
                    name.push_str("_2");
                }
                out.push(CleanColumn { name, kind });
            }
        };
        add("kategori", FieldType::String, self.has_category());
        add(
            "tahun",
            FieldType::Integer,
            self.melted.iter().any(|m| m.year.is_some()),
        );
        add(
            "bulan",
            FieldType::String,
            self.melted.iter().any(|m| m.month.is_some()),
        );
        add(
            "satuan",
            FieldType::String,
            self.melted.iter().any(|m| m.unit.is_some()),
        );
        add("nilai", self.value_kind, true);
        out
    }

    /// Writes one source row's observations; returns how many.
    pub(super) fn write<W: std::io::Write>(
        &self,
        values: &[String],
        writer: &mut csv::Writer<W>,
    ) -> Result<u64, csv::Error> {
        let category = self.has_category();
        let year = self.melted.iter().any(|m| m.year.is_some());
        let month = self.melted.iter().any(|m| m.month.is_some());
        let unit = self.melted.iter().any(|m| m.unit.is_some());
        for m in &self.melted {
            for &i in &self.ids {
                writer.write_field(&values[i])?;
            }
            if category {
                writer.write_field(&m.category)?;
            }
            if year {
                writer.write_field(m.year.map(|y| y.to_string()).unwrap_or_default())?;
            }
            if month {
                writer.write_field(m.month.unwrap_or_default())?;
            }
            if unit {
                writer.write_field(m.unit.map_or("", |u| values[u].as_str()))?;
            }
            writer.write_field(&values[m.index])?;
            writer.write_record(None::<&[u8]>)?;
        }
        Ok(self.melted.len() as u64)
    }

    /// The melted columns, for the change log.
    pub(super) fn describe(&self, labels: &[String]) -> String {
        let names: Vec<&str> = self
            .melted
            .iter()
            .map(|m| labels[m.index].as_str())
            .collect();
        let shown = names.iter().take(5).copied().collect::<Vec<_>>().join(", ");
        if names.len() > 5 {
            format!("{shown} … (+{})", names.len() - 5)
        } else {
            shown
        }
    }
}
