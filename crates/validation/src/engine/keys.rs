//! The table's keys (`primaryKey`, `uniqueKeys`): each row's key is hashed part by part and
//! batched; repeats are found by sorting the batch (seen.rs) and reported with their first row.

use crate::read::{Row, trim};
use crate::report::Findings;
use crate::schema::TableSchema;
use crate::seen::{DeferredSeen, KeyHasher, Repeat};

#[derive(Debug)]
pub(super) struct Key {
    pub(super) columns: Vec<usize>,
    label: String,
    kind: &'static str,
    seen: DeferredSeen,
}

impl Key {
    /// The primary key and the unique keys of `schema`; a key naming a column the table lacks
    /// is reported and skipped.
    pub(super) fn all(
        schema: &TableSchema,
        labels: &[String],
        header_row: u64,
        findings: &mut Findings,
    ) -> Vec<Self> {
        let position = |name: &String| labels.iter().position(|l| l == name);
        let mut wanted: Vec<(&[String], &'static str)> = Vec::new();
        if !schema.primary_key.is_empty() {
            wanted.push((&schema.primary_key, "primary-key"));
        }
        for unique in &schema.unique_keys {
            wanted.push((unique, "unique-error"));
        }
        let mut keys = Vec::new();
        for (names, kind) in wanted {
            let columns: Option<Vec<usize>> = names.iter().map(position).collect();
            let Some(columns) = columns.filter(|c| !c.is_empty()) else {
                findings.add(
                    "missing-label",
                    Some(header_row),
                    None,
                    None,
                    format!(
                        "Kunci {} memakai kolom yang tidak ada di tabel",
                        names.join(",")
                    ),
                    format!(
                        "Key {} uses columns missing from the table",
                        names.join(",")
                    ),
                );
                continue;
            };
            keys.push(Self {
                columns,
                label: names.join(","),
                kind,
                seen: DeferredSeen::default(),
            });
        }
        keys
    }

    /// The hash of the row's key made of `columns`; `None` when a part is empty (that is the
    /// `required` check's business, not uniqueness'). Pure, so the reader thread computes it.
    pub(super) fn hash(columns: &[usize], row: &Row) -> Option<u64> {
        let mut hasher = KeyHasher::new();
        for &i in columns {
            let part = row.cells.get(i).map_or("", trim);
            if part.is_empty() {
                return None;
            }
            hasher.part(part);
        }
        Some(hasher.finish())
    }

    /// Records the row's key hash (from [`Key::hash`]); repeats found so far are reported.
    pub(super) fn record(&mut self, hash: Option<u64>, row: u64, findings: &mut Findings) {
        let Some(hash) = hash else {
            return;
        };
        let (early, now) = self.seen.insert_hash(hash, row);
        for (repeat, first) in early {
            self.report(repeat, Repeat::Of(first), findings);
        }
        if let Some(repeat @ (Repeat::Of(_) | Repeat::Earlier)) = now {
            self.report(row, repeat, findings);
        }
    }

    /// Reports the repeats left in the keys' batches, each key sorted on its own thread.
    pub(super) fn finish(keys: &mut [Self], findings: &mut Findings) {
        let repeats: Vec<_> = std::thread::scope(|scope| {
            let sorting: Vec<_> = keys
                .iter_mut()
                .map(|key| scope.spawn(move || key.seen.repeats()))
                .collect();
            sorting
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        for (key, repeats) in keys.iter().zip(repeats) {
            for (row, first) in repeats {
                key.report(row, Repeat::Of(first), findings);
            }
        }
    }

    /// A repeated key at `row`.
    fn report(&self, row: u64, earlier: Repeat, findings: &mut Findings) {
        let (id, en) = if self.kind == "primary-key" {
            ("kunci utama", "primary key")
        } else {
            ("kunci unik", "unique key")
        };
        let (earlier_id, earlier_en) = match earlier {
            Repeat::New => return,
            Repeat::Of(first) => (format!("baris {first}"), format!("row {first}")),
            Repeat::Earlier => ("baris sebelumnya".to_owned(), "an earlier row".to_owned()),
        };
        findings.add(
            self.kind,
            Some(row),
            Some((&self.label, self.columns[0])),
            None,
            format!("Nilai {id} ({}) sama dengan {earlier_id}", self.label),
            format!("The {en} ({}) repeats {earlier_en}", self.label),
        );
    }
}
