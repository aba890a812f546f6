//! Scores: a verdict on each of the four Satu Data principles, and the metadata quality score of
//! the EU data portal (MQA, 405 points) for what this service knows today.

use serde::Serialize;

use crate::report::{RegionCells, Report};

/// What the score needs from a version's validation report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableFacts {
    /// Columns in the table.
    pub columns: usize,
    /// No error-severity finding.
    pub valid: bool,
    /// No wide layout, totals, title or footnote rows.
    pub tidy: bool,
    /// Whether region codes were checked against the Kemendagri list.
    pub region_checked: bool,
    /// Region code cells checked and found.
    pub region_cells: RegionCells,
}

/// Finding types that make a table untidy.
pub const UNTIDY: [&str; 4] = ["wide-layout", "totals-row", "title-row", "footnote-row"];

impl From<&Report> for TableFacts {
    fn from(r: &Report) -> Self {
        Self {
            columns: r.table.column_count as usize,
            valid: r.valid,
            tidy: !UNTIDY.iter().any(|k| r.counts.contains_key(k)),
            region_checked: r.region_reference.is_some(),
            region_cells: r.region_cells,
        }
    }
}

/// Facts about a dataset's metadata and its latest version that the score needs; the catalog
/// fills them in.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Keywords present.
    pub keywords: bool,
    /// A topik (theme) is set.
    pub theme: bool,
    /// Cakupan wilayah (spatial coverage) is set.
    pub spatial: bool,
    /// Temporal coverage is set.
    pub temporal: bool,
    /// The dataset's page answers the public (it is public).
    pub public: bool,
    /// A download URL exists for the latest version.
    pub download_url: bool,
    /// Format of the latest version (`csv`, `xlsx`, `json`), if any.
    pub format: Option<String>,
    /// A licence from the accepted vocabulary is set.
    pub license: bool,
    /// Akses (access rights) is set.
    pub access_rights: bool,
    /// A contact point (name or e-mail) is set.
    pub contact: bool,
    /// The owning OPD (publisher) is known.
    pub publisher: bool,
    /// MS-Ind fields filled, out of the fields counted.
    pub msind_filled: usize,
    /// MS-Ind fields counted.
    pub msind_total: usize,
    /// Columns bound to a Standar Data variable, out of all columns.
    pub columns_bound: usize,
}

/// How far a principle is met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Met.
    Terpenuhi,
    /// Partly met.
    Sebagian,
    /// Not met.
    BelumTerpenuhi,
    /// Cannot be judged yet (no table, or no reference list).
    TidakDapatDinilai,
}

/// One principle's verdict with its measure and a bilingual note.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Principle {
    /// Verdict.
    pub verdict: Verdict,
    /// The measure behind it, 0 to 1, when there is one.
    pub share: Option<f64>,
    /// Why, in Bahasa Indonesia.
    pub note: String,
    /// Why, in English.
    pub note_en: String,
}

/// The EU MQA dimensions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mqa {
    /// Out of 100.
    pub findability: u32,
    /// Out of 100.
    pub accessibility: u32,
    /// Out of 110.
    pub interoperability: u32,
    /// Out of 75.
    pub reusability: u32,
    /// Out of 20.
    pub contextuality: u32,
    /// Out of 405.
    pub total: u32,
    /// Excellent (351-405), Good (221-350), Sufficient (121-220) or Bad (0-120).
    pub band: &'static str,
}

/// The score of a dataset and its latest version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    /// Standar Data: share of columns bound to a Standar Data variable.
    pub standar_data: Principle,
    /// Metadata: MS-Ind completeness.
    pub metadata: Principle,
    /// Interoperabilitas: machine-readable, tidy, valid.
    pub interoperabilitas: Principle,
    /// Kode Referensi: share of region code cells that exist in the Kemendagri list.
    pub kode_referensi: Principle,
    /// Metadata quality as the EU data portal scores it.
    pub mqa: Mqa,
}

fn share_verdict(share: f64) -> Verdict {
    if share >= 0.999 {
        Verdict::Terpenuhi
    } else if share >= 0.5 {
        Verdict::Sebagian
    } else {
        Verdict::BelumTerpenuhi
    }
}

fn principle(verdict: Verdict, share: Option<f64>, note: String, note_en: String) -> Principle {
    Principle {
        verdict,
        share,
        note,
        note_en,
    }
}

/// Scores the metadata `facts` and the latest version's table (if any).
pub fn score(facts: &Facts, table: Option<&TableFacts>) -> Score {
    let columns = table.map_or(0, |t| t.columns);
    let standar_data = match columns {
        0 => principle(
            Verdict::TidakDapatDinilai,
            None,
            "Belum ada tabel".into(),
            "No table yet".into(),
        ),
        n => {
            let share = facts.columns_bound as f64 / n as f64;
            principle(
                share_verdict(share),
                Some(share),
                format!(
                    "{} dari {n} kolom terikat pada variabel Standar Data",
                    facts.columns_bound
                ),
                format!(
                    "{} of {n} columns are bound to a Standar Data variable",
                    facts.columns_bound
                ),
            )
        }
    };
    let msind = if facts.msind_total == 0 {
        0.0
    } else {
        facts.msind_filled as f64 / facts.msind_total as f64
    };
    let metadata = principle(
        share_verdict(msind),
        Some(msind),
        format!(
            "{} dari {} isian MS-Ind terisi",
            facts.msind_filled, facts.msind_total
        ),
        format!(
            "{} of {} MS-Ind fields are filled in",
            facts.msind_filled, facts.msind_total
        ),
    );
    let interoperabilitas = match table {
        None => principle(
            Verdict::TidakDapatDinilai,
            None,
            "Belum ada tabel".into(),
            "No table yet".into(),
        ),
        Some(r) => {
            let untidy = usize::from(!r.tidy);
            let checks = [true, r.tidy, r.valid];
            let met = checks.iter().filter(|c| **c).count();
            let verdict = match met {
                3 => Verdict::Terpenuhi,
                2 => Verdict::Sebagian,
                _ => Verdict::BelumTerpenuhi,
            };
            principle(
                verdict,
                Some(met as f64 / 3.0),
                format!(
                    "terbaca mesin: ya; rapi (tidy): {}; valid: {}",
                    if untidy == 0 { "ya" } else { "tidak" },
                    if r.valid { "ya" } else { "tidak" }
                ),
                format!(
                    "machine-readable: yes; tidy: {}; valid: {}",
                    if untidy == 0 { "yes" } else { "no" },
                    if r.valid { "yes" } else { "no" }
                ),
            )
        }
    };
    let kode_referensi = match table.map(|r| (r.region_cells, r.region_checked)) {
        Some((cells, true)) if cells.checked > 0 => {
            let share = cells.known as f64 / cells.checked as f64;
            principle(
                share_verdict(share),
                Some(share),
                format!(
                    "{} dari {} sel kode wilayah ada di daftar Kemendagri",
                    cells.known, cells.checked
                ),
                format!(
                    "{} of {} region code cells exist in the Kemendagri list",
                    cells.known, cells.checked
                ),
            )
        }
        Some((_, true)) => principle(
            Verdict::TidakDapatDinilai,
            None,
            "Tabel tidak memiliki kolom kode wilayah".into(),
            "The table has no region code column".into(),
        ),
        _ => principle(
            Verdict::TidakDapatDinilai,
            None,
            "Kode wilayah belum diperiksa (daftar Kemendagri belum dimuat atau belum ada tabel)"
                .into(),
            "Region codes not checked (no Kemendagri list loaded, or no table yet)".into(),
        ),
    };
    Score {
        standar_data,
        metadata,
        interoperabilitas,
        kode_referensi,
        mqa: mqa(facts),
    }
}

fn points(condition: bool, points: u32) -> u32 {
    if condition { points } else { 0 }
}

/// The MQA dimensions as far as this service can tell without probing URLs over the network:
/// "answers 2xx" counts when the service itself serves the URL publicly; DCAT-AP SHACL validity
/// and `dct:rights` are not scored yet (0).
fn mqa(f: &Facts) -> Mqa {
    let format = f.format.as_deref();
    let findability = points(f.keywords, 30)
        + points(f.theme, 30)
        + points(f.spatial, 20)
        + points(f.temporal, 20);
    let accessibility =
        points(f.public, 50) + points(f.download_url, 20) + points(f.download_url && f.public, 30);
    let interoperability = points(format.is_some(), 20)
        + points(format.is_some(), 10)
        + points(format.is_some(), 10)
        + points(matches!(format, Some("csv" | "json")), 20)
        + points(format.is_some(), 20);
    let reusability = points(f.license, 30)
        + points(f.access_rights, 15)
        + points(f.contact, 20)
        + points(f.publisher, 10);
    let contextuality = points(format.is_some(), 5) + 5 + 5;
    let total = findability + accessibility + interoperability + reusability + contextuality;
    let band = match total {
        351.. => "Excellent",
        221..=350 => "Good",
        121..=220 => "Sufficient",
        _ => "Bad",
    };
    Mqa {
        findability,
        accessibility,
        interoperability,
        reusability,
        contextuality,
        total,
        band,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Options, validate};

    #[test]
    fn metadata_only_scores() {
        let score = score(&Facts::default(), None);
        assert_eq!(score.standar_data.verdict, Verdict::TidakDapatDinilai);
        assert_eq!(score.metadata.verdict, Verdict::BelumTerpenuhi);
        assert_eq!(score.mqa.total, 10, "issued and modified are always known");
        assert_eq!(score.mqa.band, "Bad");
    }

    #[test]
    fn a_complete_dataset_scores_well() {
        let facts = Facts {
            keywords: true,
            theme: true,
            spatial: true,
            temporal: true,
            public: true,
            download_url: true,
            format: Some("csv".into()),
            license: true,
            access_rights: true,
            contact: true,
            publisher: true,
            msind_filled: 9,
            msind_total: 9,
            columns_bound: 4,
        };
        let report = validate(
            &b"kecamatan,jumlah,satuan,tahun\nMagersari,1,Jiwa,2024\n"[..],
            &Options::default(),
        );
        let table = report.as_ref().ok().map(TableFacts::from);
        let score = score(&facts, table.as_ref());
        assert_eq!(score.metadata.verdict, Verdict::Terpenuhi);
        assert_eq!(score.standar_data.verdict, Verdict::Terpenuhi);
        assert_eq!(score.interoperabilitas.verdict, Verdict::Terpenuhi);
        assert_eq!(score.kode_referensi.verdict, Verdict::TidakDapatDinilai);
        assert_eq!(
            score.mqa.total, 370,
            "405 less SHACL validity (30) and dct:rights (5), not scored yet"
        );
        assert_eq!(score.mqa.band, "Excellent");
    }
}
