//! Our vocabularies mapped to the EU authority tables DCAT-AP asks for.

/// EU data theme of a topik.
pub fn data_theme(topik: &str) -> &'static str {
    match topik {
        "Pertahanan dan Luar Negeri" => "INTR",
        "Ekonomi dan Industri" => "ECON",
        "Pembangunan Daerah" => "REGI",
        "Perlindungan Sosial dan Kesehatan" => "HEAL",
        "Ketertiban Umum dan Keselamatan" => "JUST",
        "Pendidikan dan Tenaga Kerja" | "Budaya dan Agama" => "EDUC",
        "Lingkungan dan Sumber Daya Alam" => "ENVI",
        _ => "GOVE",
    }
}

/// EU frequency of a frekuensi.
pub fn frequency(frekuensi: &str) -> &'static str {
    match frekuensi {
        "Harian" => "DAILY",
        "Mingguan" => "WEEKLY",
        "Bulanan" => "MONTHLY",
        "Triwulanan" => "QUARTERLY",
        "Empat Bulanan" => "ANNUAL_3",
        "Semesteran" => "ANNUAL_2",
        "Tahunan" => "ANNUAL",
        "Dua Tahunan" => "BIENNIAL",
        _ => "IRREG",
    }
}

/// EU access right of an akses.
pub fn access_right(akses: &str) -> &'static str {
    match akses {
        "Terbuka" => "PUBLIC",
        "Terbatas" => "RESTRICTED",
        _ => "NON_PUBLIC",
    }
}

/// EU file type of a published format.
pub fn file_type(format: &str) -> &'static str {
    match format {
        "csv" => "CSV",
        "json" => "JSON",
        "parquet" => "PARQUET",
        "xlsx" => "XLSX",
        _ => "BIN",
    }
}

/// The EU authority table IRI of a code.
pub fn authority(table: &str, code: &str) -> String {
    format!("http://publications.europa.eu/resource/authority/{table}/{code}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use satudata_catalog::vocab;

    #[test]
    fn every_value_has_a_specific_mapping() {
        for f in vocab::FREKUENSI.values {
            assert!(f == &"Ad-hoc" || frequency(f) != "IRREG", "{f}");
        }
        for t in vocab::TOPIK.values {
            assert!(!data_theme(t).is_empty());
        }
    }
}
