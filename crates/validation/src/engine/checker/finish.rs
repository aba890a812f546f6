//! The findings made at the end, once every row is seen: repeated keys, mixed units, one finding
//! per column for each notation counted on its cells, placeholder zeros, and the columns without
//! a label (empty ones, a pandas index, or ones holding data).

use super::super::keys::Key;
use super::super::memo::{FLOAT, GROUPED, INDONESIAN, PLACEHOLDER, UNDOTTED};
use super::Checker;
use crate::report::Findings;
use crate::schema::FieldType;

/// Excel's name of a 0-based column (`0` → `A`, `26` → `AA`).
fn column_letter(index: usize) -> String {
    let mut letters = String::new();
    let mut n = index + 1;
    while n > 0 {
        letters.insert(0, char::from(b'A' + ((n - 1) % 26) as u8));
        n = (n - 1) / 26;
    }
    letters
}

/// Column ranges as spreadsheets name them: `H–S, U`.
fn ranges(columns: &[usize]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < columns.len() {
        let mut j = i;
        while j + 1 < columns.len() && columns[j + 1] == columns[j] + 1 {
            j += 1;
        }
        out.push(if j > i {
            format!(
                "{}–{}",
                column_letter(columns[i]),
                column_letter(columns[j])
            )
        } else {
            column_letter(columns[i])
        });
        i = j + 1;
    }
    out.join(", ")
}

impl Checker<'_> {
    pub(in crate::engine) fn finish(&mut self, header_row: u64, findings: &mut Findings) {
        Key::finish(&mut self.keys, findings);
        if let Some((i, units)) = &self.satuan
            && units.len() > 1
        {
            let list = units.iter().cloned().collect::<Vec<_>>().join(", ");
            findings.add(
                "mixed-units",
                None,
                Some(("satuan", *i)),
                None,
                format!(
                    "Satuan berbeda dalam satu tabel: {list}; satu tabel sebaiknya satu satuan"
                ),
                format!("Different units in one table: {list}; a table should use one unit"),
            );
        }
        self.notes(findings);
        self.placeholder_zeros(findings);
        self.report_triples(findings);
        self.report_plausibility(findings);
        self.unlabelled_columns(header_row, findings);
    }

    /// One finding per column and notation counted on its cells.
    fn notes(&self, findings: &mut Findings) {
        for column in &self.columns {
            let field = Some((column.name.as_str(), column.index));
            let name = &column.name;
            let example = |note: usize| {
                column.examples[note]
                    .as_ref()
                    .map_or(String::new(), |(row, v)| format!("baris/row {row}: '{v}'"))
            };
            let indonesian = column.notes[GROUPED] + column.notes[INDONESIAN];
            if indonesian > 0 {
                let unit = column
                    .unit
                    .map_or(String::new(), |u| format!("; satuan/unit: {u}"));
                let e = if column.notes[GROUPED] > 0 {
                    example(GROUPED)
                } else {
                    example(INDONESIAN)
                };
                let first = column.examples[GROUPED]
                    .as_ref()
                    .or(column.examples[INDONESIAN].as_ref())
                    .map(|(row, _)| *row);
                findings.add_counted_at(
                    "indonesian-number",
                    first,
                    field,
                    indonesian,
                    format!(
                        "{indonesian} angka di kolom '{name}' memakai format Indonesia (titik \
                         ribuan 1.234, koma desimal 12,5, Rp, %) ({e}{unit}); pembersihan \
                         mengubahnya menjadi angka baku (1234, 12.5)"
                    ),
                    format!(
                        "{indonesian} numbers in column '{name}' use Indonesian notation \
                         (thousand dots 1.234, decimal comma 12,5, Rp, %) ({e}{unit}); cleaning \
                         makes them plain numbers (1234, 12.5)"
                    ),
                );
            }
            let floats = column.notes[FLOAT];
            if floats > 0 {
                let e = example(FLOAT);
                findings.add_counted_at(
                    "float-formatted",
                    column.examples[FLOAT].as_ref().map(|(row, _)| *row),
                    field,
                    floats,
                    format!(
                        "{floats} nilai di kolom '{name}' adalah bilangan bulat atau kode yang \
                         diekspor sebagai desimal ({e}); simpan tanpa '.0' (pembersihan \
                         memulihkannya)"
                    ),
                    format!(
                        "{floats} values in column '{name}' are integers or codes exported as \
                         decimals ({e}); save them without '.0' (cleaning restores them)"
                    ),
                );
            }
            let undotted = column.notes[UNDOTTED];
            if undotted > 0 {
                let (row, code) = column.examples[UNDOTTED].clone().unwrap_or_default();
                let dotted = crate::reference::dotted(&code).unwrap_or_default();
                let text = matches!(column.kind, FieldType::String | FieldType::Any);
                let (fix, fix_en) = if text {
                    (
                        format!("tulis '{dotted}'; pembersihan menambahkan titiknya"),
                        format!("write '{dotted}'; cleaning adds the dots"),
                    )
                } else {
                    (
                        "kolom ini bertipe angka di skema, ubah menjadi teks (string) agar kode \
                         bertitik dapat dipakai"
                            .to_owned(),
                        "the schema makes this column numeric: make it text (string) so the \
                         dotted code fits"
                            .to_owned(),
                    )
                };
                findings.add_counted_at(
                    "undotted-region-code",
                    column.examples[UNDOTTED].as_ref().map(|(row, _)| *row),
                    field,
                    undotted,
                    format!(
                        "{undotted} kode wilayah Kemendagri di kolom '{name}' ditulis tanpa titik \
                         (baris {row}: '{code}' = '{dotted}'); {fix}"
                    ),
                    format!(
                        "{undotted} Kemendagri region codes in column '{name}' lack their dots \
                         (row {row}: '{code}' = '{dotted}'); {fix_en}"
                    ),
                );
            }
            let placeholders = column.notes[PLACEHOLDER];
            if placeholders > 0 {
                let e = example(PLACEHOLDER);
                findings.add_counted_at(
                    "placeholder-value",
                    column.examples[PLACEHOLDER].as_ref().map(|(row, _)| *row),
                    field,
                    placeholders,
                    format!(
                        "{placeholders} sel di kolom '{name}' berisi penanda nilai kosong ({e}); \
                         kosongkan sel atau isi nilainya (pembersihan mengosongkannya)"
                    ),
                    format!(
                        "{placeholders} cells in column '{name}' hold a missing-value marker \
                         ({e}); leave them empty or fill in the value (cleaning empties them)"
                    ),
                );
            }
        }
    }

    /// Columns without a label: empty ones (one finding; cleaning drops them), a pandas index
    /// (cleaning drops it), and ones holding data (each a `blank-header` error).
    fn unlabelled_columns(&self, header_row: u64, findings: &mut Findings) {
        let blank: Vec<usize> = (0..self.width)
            .filter(|&i| self.labels[i].is_empty())
            .collect();
        let empty: Vec<usize> = blank
            .iter()
            .copied()
            .filter(|&i| self.filled[i] == 0 && self.kept > 0)
            .collect();
        if !empty.is_empty() {
            let list = ranges(&empty);
            let n = empty.len();
            findings.add_counted_at(
                "empty-columns",
                Some(header_row),
                Some(("", empty[0])),
                n as u64,
                format!(
                    "{n} kolom tanpa judul dan tanpa isi ({list}); hapus kolom ini (pembersihan \
                     menghapusnya)"
                ),
                format!(
                    "{n} columns without a label or any value ({list}); remove them (cleaning \
                     removes them)"
                ),
            );
        }
        for &i in &self.index_columns {
            let letter = column_letter(i);
            findings.add(
                "index-column",
                Some(header_row),
                Some(("", i)),
                None,
                format!(
                    "Kolom {letter} tanpa judul berisi nomor urut (indeks pandas, 'Unnamed: 0'); \
                     hapus kolom ini (pembersihan menghapusnya)"
                ),
                format!(
                    "Column {letter} has no label and holds row numbers (a pandas index, \
                     'Unnamed: 0'); remove it (cleaning removes it)"
                ),
            );
        }
        for &i in blank
            .iter()
            .filter(|i| !empty.contains(i) && !self.index_columns.contains(i))
        {
            findings.add(
                "blank-header",
                Some(header_row),
                Some(("", i)),
                None,
                format!(
                    "Kolom {} ({}) berisi data tetapi tidak memiliki judul; beri judul",
                    i + 1,
                    column_letter(i)
                ),
                format!(
                    "Column {} ({}) holds data but has no label; give it one",
                    i + 1,
                    column_letter(i)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{column_letter, ranges};

    #[test]
    fn spreadsheet_column_names() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(313), "LB");
        assert_eq!(ranges(&[7, 8, 9, 18, 20]), "H–J, S, U");
    }
}
