//! Readable reports: a rule that fires on most cells of a column becomes one column finding
//! (how many cells, the first examples, the fix), and a column rule that fires on many columns
//! becomes one table finding. The findings they stand for move to the report's `details`.

use crate::report::{Finding, Findings};

/// Cells a rule must fire on, at least, to be summarised.
const MIN_CELLS: u64 = 10;
/// Columns a column rule must fire on, more than, to be summarised.
const MAX_COLUMNS: usize = 5;

/// Summarises `findings` in place; returns the findings summarised (the details).
pub(super) fn summarise(findings: &mut Findings, filled: &[u64], header_row: u64) -> Vec<Finding> {
    let mut details = Vec::new();
    let mut summaries = Vec::new();
    for ((kind, column), (count, first)) in &findings.by_column {
        let cells = filled
            .get(*column as usize - 1)
            .copied()
            .unwrap_or(0)
            .max(1);
        if *count < MIN_CELLS || count * 2 < cells {
            continue;
        }
        let Some(example) = first.first() else {
            continue;
        };
        let name = example.field_name.clone().unwrap_or_default();
        let examples: Vec<String> = first
            .iter()
            .map(|f| {
                format!(
                    "{} '{}'",
                    f.row_number.unwrap_or(0),
                    f.cell.as_deref().unwrap_or_default()
                )
            })
            .collect();
        let examples = examples.join("; ");
        summaries.push(Finding {
            kind,
            severity: example.severity,
            row_number: None,
            field_name: Some(name.clone()),
            field_number: Some(*column),
            cell: None,
            count: Some(*count),
            message: format!(
                "{count} dari {cells} sel kolom '{name}': {} (baris: {examples})",
                example.message
            ),
            message_en: format!(
                "{count} of {cells} cells of column '{name}': {} (rows: {examples})",
                example.message_en
            ),
        });
    }
    for summary in &summaries {
        let (kind, column) = (summary.kind, summary.field_number);
        let (moved, kept): (Vec<Finding>, Vec<Finding>) = std::mem::take(&mut findings.items)
            .into_iter()
            .partition(|f| f.kind == kind && f.field_number == column && f.row_number.is_some());
        findings.items = kept;
        details.extend(moved);
    }
    findings.items.extend(summaries);
    // Column rules that fired on many columns.
    let mut kinds: Vec<&'static str> = findings.items.iter().map(|f| f.kind).collect();
    kinds.sort_unstable();
    kinds.dedup();
    for kind in kinds {
        // A column's finding: at the header row, or standing for the column's cells.
        let column_level = |f: &Finding| {
            f.kind == kind
                && f.field_number.is_some()
                && (f.row_number.is_none_or(|r| r == header_row) || f.count.is_some())
        };
        let listed = findings.items.iter().filter(|f| f.kind == kind).count();
        let mut n = findings.items.iter().filter(|f| column_level(f)).count();
        if n <= MAX_COLUMNS {
            continue;
        }
        if n == listed {
            // Every finding of the type is a column's: count the ones the cap left out too.
            n = n.max(findings.counts.get(kind).copied().unwrap_or(0) as usize);
        }
        let (moved, kept): (Vec<Finding>, Vec<Finding>) = std::mem::take(&mut findings.items)
            .into_iter()
            .partition(column_level);
        findings.items = kept;
        let first = &moved[0];
        let names: Vec<&str> = moved
            .iter()
            .take(MAX_COLUMNS)
            .filter_map(|f| f.field_name.as_deref())
            .collect();
        let more = n.saturating_sub(MAX_COLUMNS);
        let list = if more > 0 {
            format!("{} … (+{more})", names.join(", "))
        } else {
            names.join(", ")
        };
        findings.items.push(Finding {
            kind,
            severity: first.severity,
            row_number: moved.iter().filter_map(|f| f.row_number).min(),
            field_name: None,
            field_number: None,
            cell: None,
            count: Some(n as u64),
            message: format!("{n} kolom ({list}); misalnya: {}", first.message),
            message_en: format!("{n} columns ({list}); for example: {}", first.message_en),
        });
        details.extend(moved);
    }
    details
}
