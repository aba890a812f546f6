//! Tests of the Kemendagri reference loader.
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
