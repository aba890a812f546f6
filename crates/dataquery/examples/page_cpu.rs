//! The data API's page plan (the benchmark query: one equality and one range filter, 100 rows)
//! run bare on a published Parquet file, CPU per page, with the schema asked of the scan the
//! plan is built on and of a scan of its own (plan.rs `file_schema`). With `random`: 200
//! unfiltered 25-row pages at random offsets (the portal's preview), with the schema read by a
//! scan of its own or known (as plan.rs keeps it), on polars' streaming and in-memory engines,
//! and on one resolved scan cloned for every page.
//! `cargo run --release -p satudata-dataquery --example page_cpu -- FILE.parquet [random]`

use polars::prelude::*;

/// CPU milliseconds this process has used (utime + stime; 100 ticks a second on Linux).
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) * 10.0
}

fn scan(path: &str) -> LazyFrame {
    LazyFrame::scan_parquet(PlRefPath::new(path), ScanArgsParquet::default()).expect("scan")
}

fn page(path: &str, schema_of_same_scan: bool) -> DataFrame {
    let mut lf = scan(path);
    let schema = if schema_of_same_scan {
        lf.collect_schema().expect("schema")
    } else {
        scan(path).collect_schema().expect("schema")
    };
    let mut wanted: Vec<Expr> = schema.iter_names().map(|n| col(n.as_str())).collect();
    wanted.push(col("__row"));
    let plan = lf
        .with_row_index("__row", None)
        .filter(
            col("jenis_layanan")
                .eq(lit("Imunisasi"))
                .and(col("tahun").gt_eq(lit(2020i64))),
        )
        .slice(0, 100)
        .select(wanted);
    match plan
        .collect_with_engine(Engine::Streaming)
        .expect("collect")
    {
        polars_core::query_result::QueryResult::Single(frame) => frame,
        polars_core::query_result::QueryResult::Multiple(_) => panic!("one result expected"),
    }
}

/// An unfiltered page of 25 rows at `offset`, as the portal's preview asks for one: the schema
/// read by a scan of its own (`known` = None) or given, run by `engine`.
fn random_page(path: &str, offset: i64, known: Option<&Schema>, engine: Engine) -> DataFrame {
    let schema = match known {
        Some(s) => s.clone(),
        None => (*scan(path).collect_schema().expect("schema")).clone(),
    };
    let mut wanted: Vec<Expr> = schema.iter_names().map(|n| col(n.as_str())).collect();
    wanted.push(col("__row"));
    let plan = scan(path)
        .with_row_index("__row", None)
        .slice(offset, 25)
        .select(wanted);
    match plan.collect_with_engine(engine).expect("collect") {
        polars_core::query_result::QueryResult::Single(frame) => frame,
        polars_core::query_result::QueryResult::Multiple(_) => panic!("one result expected"),
    }
}

fn random_pages(path: &str) {
    let total = scan(path)
        .select([len().alias("n")])
        .collect()
        .expect("count");
    let total = total
        .column("n")
        .expect("n")
        .u32()
        .expect("u32")
        .get(0)
        .unwrap_or(0);
    let schema = (*scan(path).collect_schema().expect("schema")).clone();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        i64::try_from(seed % u64::from(total.saturating_sub(25).max(1))).unwrap_or(0)
    };
    for (label, known, engine) in [
        (
            "schema by its own scan, streaming",
            false,
            Engine::Streaming,
        ),
        ("schema known, streaming", true, Engine::Streaming),
        ("schema known, in-memory", true, Engine::InMemory),
    ] {
        let (wall, cpu) = (std::time::Instant::now(), cpu_ms());
        for _ in 0..200 {
            let frame = random_page(path, next(), known.then_some(&schema), engine);
            assert_eq!(frame.height(), 25);
        }
        println!(
            "random 25-row pages, {label}: {:.2} ms wall, {:.2} ms CPU per page",
            wall.elapsed().as_secs_f64() * 5.0,
            (cpu_ms() - cpu) / 200.0
        );
    }
    let mut base = scan(path);
    let _ = base.collect_schema().expect("schema");
    let (wall, cpu) = (std::time::Instant::now(), cpu_ms());
    for _ in 0..200 {
        let mut wanted: Vec<Expr> = schema.iter_names().map(|n| col(n.as_str())).collect();
        wanted.push(col("__row"));
        let plan = base
            .clone()
            .with_row_index("__row", None)
            .slice(next(), 25)
            .select(wanted);
        let frame = plan.collect().expect("collect");
        assert_eq!(frame.height(), 25);
    }
    println!(
        "random 25-row pages, a resolved scan cloned: {:.2} ms wall, {:.2} ms CPU per page",
        wall.elapsed().as_secs_f64() * 5.0,
        (cpu_ms() - cpu) / 200.0
    );
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: page_cpu FILE.parquet [random]");
    if std::env::args().nth(2).as_deref() == Some("random") {
        random_pages(&path);
        return;
    }
    for same in [true, false] {
        assert_eq!(page(&path, same).height(), 100);
        let (wall, cpu) = (std::time::Instant::now(), cpu_ms());
        for _ in 0..100 {
            page(&path, same);
        }
        println!(
            "schema asked of {}: {:.1} ms wall, {:.1} ms CPU per page",
            if same {
                "the plan's scan "
            } else {
                "a scan of its own"
            },
            wall.elapsed().as_secs_f64() * 10.0,
            (cpu_ms() - cpu) / 100.0
        );
    }
}
