//! Plausibility, warned about but never an error: a row of a wide table repeating one value
//! over many columns (counts split evenly rather than counted), and region names that are the
//! same name without its type (`Tangerang` and `Kota Tangerang`) in a table without codes.

use std::collections::HashMap;

use super::Checker;
use crate::names::loose_name;
use crate::read::{Row, trim};
use crate::report::Findings;

/// Equal values in a row, one after the other, that make a run suspicious.
const RUN: usize = 5;
/// Values below this repeat by chance (small counts).
const SMALL: f64 = 10.0;
/// Measure columns a table needs for its rows to be checked for runs.
const WIDE: usize = 10;
/// Distinct names remembered per table.
const NAMES: usize = 10_000;

impl Checker<'_> {
    /// Notes a run of equal values in this row's measures (tables of many measures only).
    pub(super) fn check_runs(&mut self, row: u64) {
        if self.measures < WIDE {
            return;
        }
        let mut run = 0usize;
        let mut last: Option<f64> = None;
        for column in self.columns.iter().filter(|c| c.measure) {
            match column.number {
                Some(x) if x >= SMALL && last == Some(x) => {
                    run += 1;
                    if run + 1 >= RUN {
                        self.runs.push((row, x, column.name.clone()));
                        return;
                    }
                }
                other => {
                    run = 0;
                    last = other;
                }
            }
        }
    }

    /// Remembers the region names of a table without codes, by their loose form.
    pub(super) fn note_names(&mut self, row: &Row) {
        let Some(i) = self.name_column else { return };
        let name = row.cells.get(i).map_or("", trim);
        if name.is_empty() || self.names.len() >= NAMES {
            return;
        }
        let loose = loose_name(name);
        let seen = self.names.entry(loose).or_default();
        if !seen.iter().any(|(n, _)| n == name) && seen.len() < 4 {
            seen.push((name.to_owned(), row.number));
        }
    }

    pub(super) fn report_plausibility(&self, findings: &mut Findings) {
        for (row, value, column) in &self.runs {
            findings.add(
                "repeated-values",
                Some(*row),
                None,
                None,
                format!(
                    "Nilai {value} berulang di {RUN} kolom berturut-turut atau lebih (sampai \
                     '{column}'): tampak dibagi rata, bukan dihitung; periksa angkanya"
                ),
                format!(
                    "The value {value} repeats in {RUN} or more columns in a row (up to \
                     '{column}'): it looks split evenly rather than counted; check the figures"
                ),
            );
        }
        let Some(i) = self.name_column else { return };
        let label = &self.labels[i];
        let mut groups: Vec<&Vec<(String, u64)>> =
            self.names.values().filter(|g| g.len() > 1).collect();
        groups.sort_by_key(|g| g.iter().map(|(_, r)| *r).min());
        for group in groups {
            let listed: Vec<String> = group.iter().map(|(n, r)| format!("'{n}' ({r})")).collect();
            let listed = listed.join(", ");
            let row = group.iter().map(|(_, r)| *r).min();
            findings.add(
                "ambiguous-region-name",
                row,
                Some((label, i)),
                None,
                format!(
                    "Nama wilayah {listed} hanya berbeda pada jenisnya (Kabupaten/Kota): tulis \
                     nama lengkapnya ('Kabupaten …', 'Kota …') atau tambahkan kode wilayah"
                ),
                format!(
                    "Region names {listed} differ only in their type (kabupaten/kota): write \
                     them in full ('Kabupaten …', 'Kota …') or add region codes"
                ),
            );
        }
    }
}

/// The names seen per loose name, with their first row.
pub(super) type Names = HashMap<String, Vec<(String, u64)>>;
