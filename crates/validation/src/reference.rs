//! Kemendagri region-code reference: provinsi, kabupaten/kota, kecamatan and desa/kelurahan.
//!
//! The list comes from the `idn-area-data` npm package (ODbL 1.0), read either from the `.tgz`
//! that `npm pack idn-area-data@4.0.1` writes or from an unpacked copy. Loading verifies the list
//! (code shapes, parents, duplicates) so that a broken copy fails loudly instead of flagging every
//! cell of an upload.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Component, Path, PathBuf};

use flate2::read::GzDecoder;
use serde::Serialize;

/// File names inside the package's `data` folder and their headers, in level order.
const FILES: [(&str, &str); 4] = [
    ("provinces.csv", "code,name"),
    ("regencies.csv", "code,province_code,name"),
    ("districts.csv", "code,regency_code,name"),
    ("villages.csv", "code,district_code,name"),
];
/// Digits in each dot-separated part of a Kemendagri code (`35.76.01.1003`).
const PART_LEN: [usize; 4] = [2, 2, 2, 4];
/// Name prefixes ignored by [`RegionReference::name_matches`] (stripped repeatedly).
const NAME_PREFIXES: &str =
    "KABUPATEN KAB. KAB KOTA DESA KELURAHAN KEL. KECAMATAN KEC. ADMINISTRASI ADM.";

/// Level of a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegionLevel {
    /// Province, code `35`.
    Provinsi,
    /// Regency or city, code `35.76`.
    KabupatenKota,
    /// District, code `35.76.01`.
    Kecamatan,
    /// Village or urban village, code `35.76.01.1003`.
    DesaKelurahan,
}

impl RegionLevel {
    /// All levels, from the top.
    pub const ALL: [Self; 4] = [
        Self::Provinsi,
        Self::KabupatenKota,
        Self::Kecamatan,
        Self::DesaKelurahan,
    ];

    /// The label used in JSON (kebab-case).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Provinsi => "provinsi",
            Self::KabupatenKota => "kabupaten-kota",
            Self::Kecamatan => "kecamatan",
            Self::DesaKelurahan => "desa-kelurahan",
        }
    }

    /// The level a dotted Kemendagri code has by its shape (parts of 2, 2, 2 and 4 digits), or
    /// `None` when it is not shaped like one. Says nothing about whether the code exists.
    pub fn of_code(code: &str) -> Option<Self> {
        let mut parts = 0;
        for part in code.split('.') {
            let want = *PART_LEN.get(parts)?;
            if part.len() != want || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            parts += 1;
        }
        Self::ALL.get(parts.checked_sub(1)?).copied()
    }
}

/// One region of the reference list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Region {
    /// Dotted Kemendagri code, e.g. `35.76.01.1003`.
    pub code: String,
    /// Name as written in the list, e.g. `Mentikan`.
    pub name: String,
    /// Level, implied by the code's shape.
    pub level: RegionLevel,
    /// Code of the enclosing region; `None` for a province.
    pub parent: Option<String>,
}

/// The loaded and verified Kemendagri region list.
#[derive(Clone)]
pub struct RegionReference {
    /// Regions per level (indexed by `RegionLevel as usize`), each sorted by code.
    levels: [Vec<Region>; 4],
}

impl std::fmt::Debug for RegionReference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegionReference")
            .field("counts", &self.counts())
            .finish_non_exhaustive()
    }
}

/// Why the reference list could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ReferenceError {
    /// A file or folder could not be read: path and cause.
    #[error("cannot read {path}: {1}", path = .0.display())]
    Io(PathBuf, #[source] io::Error),
    /// A CSV file (named) could not be parsed.
    #[error("{0}: {1}")]
    Csv(&'static str, #[source] csv::Error),
    /// The path is a file but not a readable `.tgz`/`.tar` archive: path and reason.
    #[error("{path} is not a readable .tgz/.tar archive: {1}", path = .0.display())]
    BadArchive(PathBuf, String),
    /// One of the four CSV files (named) is absent from the path.
    #[error("{0} not found in {path}", path = .1.display())]
    MissingFile(&'static str, PathBuf),
    /// The named file breaks a rule (shape, parent, duplicate, empty level), e.g.
    /// `villages.csv: line 7: desa-kelurahan 35.76.01.1003 has unknown parent 35.76.01`.
    #[error("{0}: {1}")]
    Verification(&'static str, String),
}

/// How a cell value relates to the reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CodeClass {
    /// Exists as written (dotted Kemendagri code; a province code has no dot).
    Known(RegionLevel),
    /// Digits only (e.g. `3576011003`) whose dotted form exists; carries the dotted code.
    UndottedKemendagri(String),
    /// Digits only of length 4, 7 or 10 (BPS style: `3576`, `3576010`, `3576010001`) that is not
    /// an undotted Kemendagri code in the list.
    BpsLike,
    /// Shaped like a Kemendagri code (dotted, or digits only of length 2 or 6) but not in the list.
    Unknown,
    /// Anything else.
    Malformed,
}

impl RegionReference {
    /// Attribution to show wherever the list is used (Bahasa Indonesia / English).
    pub const ATTRIBUTION: &'static str = "Kode wilayah Kemendagri dari idn-area-data 4.0.1, \
        lisensi ODbL 1.0 / Kemendagri region codes from idn-area-data 4.0.1 \
        (https://github.com/fityannugroho/idn-area-data), licensed under ODbL 1.0";

    /// Loads the list from the `.tgz` written by `npm pack` (or a plain `.tar`), from a folder
    /// holding `package/data/*.csv`, from the `package` folder itself (`data/*.csv`), or from the
    /// `data` folder.
    pub fn load(path: &Path) -> Result<Self, ReferenceError> {
        let io_err = |source| ReferenceError::Io(path.to_owned(), source);
        if !std::fs::metadata(path).map_err(io_err)?.is_dir() {
            return Self::load_archive(path);
        }
        let data = [
            path.join("package/data"),
            path.join("data"),
            path.to_owned(),
        ]
        .into_iter()
        .find(|dir| dir.join(FILES[0].0).is_file())
        .ok_or_else(|| ReferenceError::MissingFile("package/data/provinces.csv", path.into()))?;
        let open = |index: usize| {
            let file = data.join(FILES[index].0);
            File::open(&file).map_err(|source| match source.kind() {
                io::ErrorKind::NotFound => {
                    ReferenceError::MissingFile(FILES[index].0, data.clone())
                }
                _ => ReferenceError::Io(file, source),
            })
        };
        Self::from_readers(open(0)?, open(1)?, open(2)?, open(3)?)
    }

    /// Loads from a gzip-compressed or plain tar archive holding `[<root>/]data/*.csv`.
    fn load_archive(path: &Path) -> Result<Self, ReferenceError> {
        let io_err = |source| ReferenceError::Io(path.to_owned(), source);
        let bad = |reason: String| ReferenceError::BadArchive(path.to_owned(), reason);
        let bad_io = |error: io::Error| bad(error.to_string());
        let mut reader = BufReader::with_capacity(64 * 1024, File::open(path).map_err(io_err)?);
        let head = reader.fill_buf().map_err(io_err)?;
        let input: Box<dyn Read> = if head.starts_with(&[0x1f, 0x8b]) {
            Box::new(GzDecoder::new(reader))
        } else if head.get(257..262) == Some(b"ustar") {
            Box::new(reader)
        } else {
            return Err(bad("neither gzip nor tar".to_owned()));
        };
        let mut found: [Option<Vec<u8>>; 4] = Default::default();
        let mut archive = tar::Archive::new(input);
        for entry in archive.entries().map_err(bad_io)? {
            let mut entry = entry.map_err(bad_io)?;
            let Some(index) = data_file_index(&entry.path().map_err(bad_io)?) else {
                continue;
            };
            let mut bytes = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0));
            entry.read_to_end(&mut bytes).map_err(bad_io)?;
            found[index] = Some(bytes);
            if found.iter().all(Option::is_some) {
                break;
            }
        }
        let [p, r, d, v] = found;
        let need = |index: usize, bytes: Option<Vec<u8>>| {
            bytes.ok_or_else(|| ReferenceError::MissingFile(FILES[index].0, path.to_owned()))
        };
        let (p, r, d, v) = (need(0, p)?, need(1, r)?, need(2, d)?, need(3, v)?);
        Self::from_readers(p.as_slice(), r.as_slice(), d.as_slice(), v.as_slice())
    }

    /// Reads and verifies the four CSV files (with their headers, as in the package).
    pub fn from_readers(
        provinces: impl Read,
        regencies: impl Read,
        districts: impl Read,
        villages: impl Read,
    ) -> Result<Self, ReferenceError> {
        let p = read_level(RegionLevel::Provinsi, provinces, &[])?;
        let r = read_level(RegionLevel::KabupatenKota, regencies, &p)?;
        let d = read_level(RegionLevel::Kecamatan, districts, &r)?;
        let v = read_level(RegionLevel::DesaKelurahan, villages, &d)?;
        Ok(Self {
            levels: [p, r, d, v],
        })
    }

    /// Builds the list from regions already verified once (as stored by the catalog after an
    /// import): checks that codes match their levels, parents exist and no code repeats.
    pub fn from_regions(regions: impl IntoIterator<Item = Region>) -> Result<Self, ReferenceError> {
        let mut levels: [Vec<Region>; 4] = Default::default();
        for region in regions {
            if RegionLevel::of_code(&region.code) != Some(region.level) {
                let message = format!("{} is not a {} code", region.code, region.level.as_str());
                return Err(ReferenceError::Verification("stored regions", message));
            }
            levels[region.level as usize].push(region);
        }
        for list in &mut levels {
            list.sort_by(|a, b| a.code.cmp(&b.code));
            if let Some(pair) = list.windows(2).find(|w| w[0].code == w[1].code) {
                let message = format!("code {} appears twice", pair[0].code);
                return Err(ReferenceError::Verification("stored regions", message));
            }
        }
        let reference = Self { levels };
        for region in reference.iter() {
            let parent_ok = match (&region.parent, region.level) {
                (None, RegionLevel::Provinsi) => true,
                (Some(parent), _) => reference.get(parent).is_some(),
                (None, _) => false,
            };
            if !parent_ok {
                let message = format!("{} has no valid parent", region.code);
                return Err(ReferenceError::Verification("stored regions", message));
            }
        }
        Ok(reference)
    }

    /// The region with this exact dotted code.
    pub fn get(&self, code: &str) -> Option<&Region> {
        let list = &self.levels[RegionLevel::of_code(code)? as usize];
        let index = list.binary_search_by(|r| r.code.as_str().cmp(code)).ok()?;
        list.get(index)
    }

    /// Number of regions per level: provinsi, kabupaten/kota, kecamatan, desa/kelurahan.
    pub fn counts(&self) -> [usize; 4] {
        self.levels.each_ref().map(Vec::len)
    }

    /// Number of regions of all levels.
    pub fn len(&self) -> usize {
        self.levels.iter().map(Vec::len).sum()
    }

    /// Whether the list holds no region (never true for a loaded list).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// All regions, level by level from the provinces down, each level sorted by code.
    pub fn iter(&self) -> impl Iterator<Item = &Region> {
        self.levels.iter().flatten()
    }

    /// Classifies a cell value (trimmed first) against the list.
    pub fn classify(&self, value: &str) -> CodeClass {
        let value = value.trim();
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            return match RegionLevel::of_code(value) {
                Some(level) if self.get(value).is_some() => CodeClass::Known(level),
                Some(_) => CodeClass::Unknown,
                None => CodeClass::Malformed,
            };
        }
        let mut buf = [0; 13];
        if let Some(region) = add_dots(value, &mut buf).and_then(|code| self.get(code)) {
            return if region.code == value {
                CodeClass::Known(region.level)
            } else {
                CodeClass::UndottedKemendagri(region.code.clone())
            };
        }
        match value.len() {
            2 | 6 => CodeClass::Unknown,
            4 | 7 | 10 => CodeClass::BpsLike,
            _ => CodeClass::Malformed,
        }
    }

    /// Whether `name` is this code's name, compared loosely: case-insensitive, ignoring spaces,
    /// punctuation and the prefixes "KABUPATEN", "KAB.", "KAB", "KOTA", "DESA", "KELURAHAN",
    /// "KEL." (also "KECAMATAN", "KEC.", "ADMINISTRASI", "ADM.") so that "PRAJURIT KULON" matches
    /// "Prajuritkulon" and "KOTA MOJOKERTO" or "Mojokerto" match "Kota Mojokerto". `None` when
    /// the code (trimmed) is not in the list.
    pub fn name_matches(&self, code: &str, name: &str) -> Option<bool> {
        let region = self.get(code.trim())?;
        Some(loose_name(&region.name).eq(loose_name(name)))
    }
}

/// Which of [`FILES`] an archive entry is, if it is `[./][<root>/]data/<file>`.
fn data_file_index(path: &Path) -> Option<usize> {
    let mut components = path.components().rev();
    let name = components.next()?.as_os_str();
    let index = FILES.iter().position(|(file, _)| name == *file)?;
    let in_data = components.next()?.as_os_str() == "data";
    let depth = components
        .filter(|c| matches!(c, Component::Normal(_)))
        .count();
    (in_data && depth <= 1).then_some(index)
}

/// Dotted form of an all-digit value of length 2, 4, 6 or 10, written into `buf`.
fn add_dots<'a>(digits: &str, buf: &'a mut [u8; 13]) -> Option<&'a str> {
    let (mut rest, mut len) = (digits.as_bytes(), 0);
    for part in PART_LEN {
        if rest.is_empty() {
            break;
        }
        let (head, tail) = rest.split_at_checked(part)?;
        if len > 0 {
            buf[len] = b'.';
            len += 1;
        }
        buf.get_mut(len..len + part)?.copy_from_slice(head);
        (rest, len) = (tail, len + part);
    }
    if !rest.is_empty() {
        return None;
    }
    std::str::from_utf8(buf.get(..len)?).ok()
}

/// Letters and digits of a name, uppercased, after the [`NAME_PREFIXES`].
fn loose_name(name: &str) -> impl Iterator<Item = char> + '_ {
    let punctuation = |c: char| !c.is_alphanumeric();
    let mut rest = name.trim_start_matches(punctuation);
    while let Some(stripped) = NAME_PREFIXES.split(' ').find_map(|prefix| {
        let after = rest.get(prefix.len()..)?;
        let whole_word = prefix.ends_with('.') || after.starts_with(|c: char| !c.is_alphanumeric());
        (whole_word && rest.get(..prefix.len())?.eq_ignore_ascii_case(prefix)).then_some(after)
    }) {
        rest = stripped.trim_start_matches(punctuation);
    }
    rest.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
}

/// Reads one level's CSV, checking every row against `parents` (the level above, sorted).
fn read_level(
    level: RegionLevel,
    input: impl Read,
    parents: &[Region],
) -> Result<Vec<Region>, ReferenceError> {
    let (file, expected) = FILES[level as usize];
    let columns = expected.split(',').count();
    let fail = |message: String| ReferenceError::Verification(file, message);
    let csv_err = |source| ReferenceError::Csv(file, source);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let header = reader.byte_headers().map_err(csv_err)?;
    if !header
        .iter()
        .map(<[u8]>::trim_ascii)
        .eq(expected.split(',').map(str::as_bytes))
    {
        let found: Vec<_> = header.iter().map(String::from_utf8_lossy).collect();
        return Err(fail(format!(
            "header is `{}`, expected `{expected}`",
            found.join(",")
        )));
    }
    let mut record = csv::ByteRecord::new();
    let mut regions = Vec::new();
    while reader.read_byte_record(&mut record).map_err(csv_err)? {
        let line = record.position().map_or(0, csv::Position::line);
        let at = |message: String| fail(format!("line {line}: {message}"));
        if record.len() != columns {
            return Err(at(format!("{} columns, expected {columns}", record.len())));
        }
        let field = |i| Some(std::str::from_utf8(record.get(i)?).ok()?.trim());
        let (Some(code), Some(name)) = (field(0), field(columns - 1)) else {
            return Err(at("not valid UTF-8".to_owned()));
        };
        if RegionLevel::of_code(code) != Some(level) {
            return Err(at(format!("`{code}` is not a {} code", level.as_str())));
        }
        if name.is_empty() {
            return Err(at(format!("{code} has an empty name")));
        }
        let parent = match code.rsplit_once('.') {
            None => None,
            Some((own_parent, _)) => {
                let given = field(1).unwrap_or_default();
                if given != own_parent {
                    return Err(at(format!(
                        "{code} lists parent `{given}`, not {own_parent}"
                    )));
                }
                if parents
                    .binary_search_by(|r| r.code.as_str().cmp(given))
                    .is_err()
                {
                    let noun = level.as_str();
                    return Err(at(format!("{noun} {code} has unknown parent {given}")));
                }
                Some(given.to_owned())
            }
        };
        let (code, name) = (code.to_owned(), name.to_owned());
        regions.push(Region {
            code,
            name,
            level,
            parent,
        });
    }
    if regions.is_empty() {
        return Err(fail(format!("no {} rows", level.as_str())));
    }
    regions.sort_unstable_by(|a, b| a.code.cmp(&b.code));
    if let Some(pair) = regions.windows(2).find(|pair| pair[0].code == pair[1].code) {
        return Err(fail(format!("duplicate code {}", pair[0].code)));
    }
    Ok(regions)
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use CodeClass::{BpsLike, Known, Malformed, UndottedKemendagri as Undotted, Unknown};
    use RegionLevel::{DesaKelurahan, KabupatenKota, Provinsi};

    /// Rows of the four files, without headers.
    const FIXTURE: [&str; 4] = [
        "35,Jawa Timur\n11,Aceh\n",
        "35.76,35,Kota Mojokerto\n35.16,35,Kabupaten Mojokerto\n11.01,11,Kab. Aceh Selatan\n",
        "35.76.01,35.76,Prajuritkulon\n35.76.02,35.76,Magersari\n11.01.01,11.01,Bakongan\n",
        "35.76.01.1003,35.76.01,Mentikan\n35.76.01.1006,35.76.01,Prajuritkulon\n\
         35.76.02.1001,35.76.02,Gununggedangan\n\
         11.01.01.2001,11.01.01,\"Keude \"\"Bakongan\"\"\"\n",
    ];

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    /// The fixture files with headers, file `index` having `rows` instead.
    fn files(index: usize, rows: &str) -> [String; 4] {
        let mut files = FIXTURE.map(str::to_owned);
        files[index] = rows.to_owned();
        for (file, (_, header)) in files.iter_mut().zip(FILES) {
            file.insert_str(0, &format!("{header}\n"));
        }
        files
    }

    fn with(index: usize, rows: &str) -> Result<RegionReference, ReferenceError> {
        let [p, r, d, v] = files(index, rows);
        RegionReference::from_readers(p.as_bytes(), r.as_bytes(), d.as_bytes(), v.as_bytes())
    }

    #[test]
    fn loads_folders_and_archive() -> TestResult {
        let dir = tempfile::tempdir()?;
        let data = dir.path().join("package/data");
        fs::create_dir_all(&data)?;
        for ((file, _), text) in FILES.iter().zip(files(0, FIXTURE[0])) {
            fs::write(data.join(file), text)?;
        }
        fs::write(data.join("LICENSE.md"), "ODbL")?;
        let tgz = dir.path().join("idn-area-data-4.0.1.tgz");
        let gz = flate2::write::GzEncoder::new(File::create(&tgz)?, flate2::Compression::fast());
        let mut builder = tar::Builder::new(gz);
        builder.append_dir_all("package", dir.path().join("package"))?;
        builder.into_inner()?.finish()?;
        for path in [dir.path(), &dir.path().join("package"), &data, &tgz] {
            let reference = RegionReference::load(path)?;
            assert_eq!(reference.counts(), [2, 3, 3, 4], "{}", path.display());
            assert_eq!((reference.len(), reference.is_empty()), (12, false));
        }
        let fake = dir.path().join("fake.tgz");
        fs::write(&fake, "code,name\n")?;
        let err = RegionReference::load(&fake).expect_err("not an archive");
        assert!(matches!(err, ReferenceError::BadArchive(..)), "{err}");
        let err = RegionReference::load(&dir.path().join("nope")).expect_err("absent");
        assert!(matches!(err, ReferenceError::Io(..)), "{err}");
        fs::remove_file(data.join("villages.csv"))?;
        let err = RegionReference::load(dir.path()).expect_err("villages missing");
        let missing = matches!(err, ReferenceError::MissingFile("villages.csv", _));
        assert!(missing, "{err}");
        Ok(())
    }

    #[test]
    fn reference_gets_classifies_and_iterates() -> TestResult {
        let reference = with(0, FIXTURE[0])?;
        let village = reference.get("35.76.01.1003").expect("Mentikan");
        let parent = village.parent.as_deref();
        assert_eq!(
            (village.name.as_str(), village.level, parent),
            ("Mentikan", DesaKelurahan, Some("35.76.01"))
        );
        assert_eq!(reference.get("35").map(|r| r.parent.clone()), Some(None));
        let quoted = reference.get("11.01.01.2001").map(|r| r.name.as_str());
        assert_eq!(quoted, Some("Keude \"Bakongan\""));
        assert!(reference.get(" 35.76").is_none());
        let codes: Vec<_> = reference.iter().take(3).map(|r| r.code.as_str()).collect();
        assert_eq!(codes, ["11", "35", "11.01"]);
        assert!(format!("{reference:?}").contains("[2, 3, 3, 4]"));
        assert_eq!(serde_json::to_string(&KabupatenKota)?, "\"kabupaten-kota\"");
        #[rustfmt::skip]
        let cases = [
            ("35.76.01.1003", Known(DesaKelurahan)), (" 35.76 ", Known(KabupatenKota)),
            ("35", Known(Provinsi)), ("3576011003", Undotted("35.76.01.1003".into())),
            ("357601", Undotted("35.76.01".into())), ("3576", Undotted("35.76".into())),
            ("35.76.01.1001", Unknown), ("99.01", Unknown), ("99", Unknown), ("359999", Unknown),
            ("3576010", BpsLike), ("3576010001", BpsLike), ("3599", BpsLike),
            ("Mojokerto", Malformed), ("", Malformed), ("35.76.010", Malformed), ("357", Malformed),
            ("35.76.", Malformed), ("35760110031", Malformed), ("３５", Malformed),
        ];
        for (value, class) in cases {
            assert_eq!(reference.classify(value), class, "{value:?}");
        }
        Ok(())
    }

    #[test]
    fn reference_matches_names_loosely() -> TestResult {
        let reference = with(0, FIXTURE[0])?;
        #[rustfmt::skip]
        let cases = [
            ("35.76.01", "PRAJURIT KULON", true), ("35.76.01", "Kec. Prajurit-Kulon", true),
            ("35.76.01", "Magersari", false), ("35.76", "KOTA MOJOKERTO", true),
            ("35.76", "Mojokerto", true), ("35.76", "kota mojokerto ", true),
            ("35.16", "KAB. MOJOKERTO", true), ("35.16", "Kab Mojokerto", true),
            ("35.76.01.1003", "DESA MENTIKAN", true), ("35.76.01.1003", "Kel. Mentikan", true),
            ("35.76.01.1003", "KELURAHAN MENTIKAN", true), ("35.76.01.1003", "Kauman", false),
            ("11.01", "KABUPATEN  ACEH-SELATAN", true), ("11.01", "Aceh", false),
        ];
        for (code, name, want) in cases {
            let got = reference.name_matches(code, name);
            assert_eq!(got, Some(want), "{code} {name}");
        }
        assert_eq!(reference.name_matches("35.76.01.1001", "Mentikan"), None);
        Ok(())
    }

    #[test]
    fn reference_verification_failures() {
        #[rustfmt::skip]
        let cases = [
            (3, "35.76.09.1001,35.76.09,X\n", "line 2: desa-kelurahan 35.76.09.1001 has unknown"),
            (1, "35.76,36,X\n", "regencies.csv: line 2: 35.76 lists parent `36`, not 35"),
            (2, "35.76.1,35.76,X\n", "`35.76.1` is not a kecamatan code"),
            (2, "35.76.01.1003,35.76.01,X\n", "is not a kecamatan code"),
            (0, "35,Jatim\n35,Jawa Timur\n", "provinces.csv: duplicate code 35"),
            (0, "35,Jatim,x\n", "line 2: 3 columns, expected 2"),
            (0, "35,\n", "35 has an empty name"),
            (0, "", "provinces.csv: no provinsi rows"),
            (3, "", "villages.csv: no desa-kelurahan rows"),
        ];
        for (index, rows, needle) in cases {
            let err = with(index, rows).expect_err(needle);
            assert!(matches!(err, ReferenceError::Verification(..)), "{err}");
            assert!(err.to_string().contains(needle), "{err} lacks {needle}");
        }
        let [_, r, d, v] = files(0, "").map(String::into_bytes);
        let p = b"kode,nama\n35,Jatim\n".as_slice();
        let err = RegionReference::from_readers(p, &r[..], &d[..], &v[..]);
        let err = err.expect_err("bad header").to_string();
        assert!(
            err.contains("header is `kode,nama`, expected `code,name`"),
            "{err}"
        );
    }

    #[test]
    fn reference_real_archive() -> TestResult {
        let Some(path) = std::env::var_os("TEST_REFERENCE_TGZ") else {
            eprintln!("skipped: set TEST_REFERENCE_TGZ to the idn-area-data-4.0.1.tgz path");
            return Ok(());
        };
        let started = std::time::Instant::now();
        let reference = RegionReference::load(Path::new(&path))?;
        let elapsed = started.elapsed();
        eprintln!("loaded {} regions in {elapsed:?}", reference.len());
        assert_eq!(reference.counts(), [38, 514, 7285, 83762]);
        let name = |code| reference.get(code).map(|r| r.name.as_str());
        assert_eq!(name("35.76"), Some("Kota Mojokerto"));
        assert_eq!(name("35.76.01.1003"), Some("Mentikan"));
        assert_eq!(reference.classify("35.76.01.1003"), Known(DesaKelurahan));
        assert_eq!(reference.classify("35.76.01.1001"), Unknown);
        let undotted = reference.classify("3576011003");
        assert_eq!(undotted, Undotted("35.76.01.1003".into()));
        assert_eq!(reference.classify("3576010"), BpsLike);
        let prajurit = reference.name_matches("35.76.01", "PRAJURIT KULON");
        let mojokerto = reference.name_matches("35.76", "KOTA MOJOKERTO");
        assert_eq!((prajurit, mojokerto), (Some(true), Some(true)));
        Ok(())
    }
}
