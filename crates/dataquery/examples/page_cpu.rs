//! The data API's page plan (the benchmark query: one equality and one range filter, 100 rows)
//! run bare on a published Parquet file, CPU per page, with the schema asked of the scan the
//! plan is built on and of a scan of its own (plan.rs `file_schema`).
//! `cargo run --release -p satudata-dataquery --example page_cpu -- FILE.parquet`

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

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: page_cpu FILE.parquet");
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
