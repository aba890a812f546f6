//! The dataset page's quality section: the four Satu Data principles and the metadata checks,
//! in words, from the catalog's score of the published version.

use satudata_catalog::validation::{Facts, Principle, Score, Verdict};
use serde::Serialize;

use crate::filters::format_int;
use crate::i18n::Catalogue;
use crate::lang::Lang;

#[derive(Debug, Serialize)]
struct PrincipleView {
    key: &'static str,
    verdict: &'static str,
    note: String,
}

#[derive(Debug, Serialize)]
struct Check {
    key: &'static str,
    ok: bool,
    detail: Option<String>,
}

#[derive(Debug, Serialize)]
struct Part {
    key: &'static str,
    score: u32,
    max: u32,
}

#[derive(Debug, Serialize)]
struct Mqa {
    total: u32,
    band: &'static str,
    parts: Vec<Part>,
}

/// `quality` of `public/dataset.html`.
#[derive(Debug, Serialize)]
pub(crate) struct Quality {
    principles: Vec<PrincipleView>,
    checks: Vec<Check>,
    mqa: Mqa,
}

fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Terpenuhi => "terpenuhi",
        Verdict::Sebagian => "sebagian",
        Verdict::BelumTerpenuhi => "belum-terpenuhi",
        Verdict::TidakDapatDinilai => "tidak-dapat-dinilai",
    }
}

/// The section from the score, the facts it was made of, and whether there is a description.
pub(crate) fn quality(
    lang: Lang,
    catalogue: &Catalogue,
    score: &Score,
    facts: &Facts,
    described: bool,
    columns: usize,
) -> Result<Quality, minijinja::Error> {
    let principle = |key, p: &Principle| PrincipleView {
        key,
        verdict: verdict(p.verdict),
        note: match lang {
            Lang::Id => p.note.clone(),
            Lang::En => p.note_en.clone(),
        },
    };
    let n = |v: usize| format_int(lang, i128::try_from(v).unwrap_or_default(), 0);
    let check = |key, ok| Check {
        key,
        ok,
        detail: None,
    };
    let msind = catalogue.text(
        "quality.of",
        &[
            ("n", &n(facts.msind_filled)),
            ("total", &n(facts.msind_total)),
        ],
    )?;
    let bound = catalogue.text(
        "quality.of_columns",
        &[("n", &n(facts.columns_bound)), ("total", &n(columns))],
    )?;
    let m = &score.mqa;
    Ok(Quality {
        principles: vec![
            principle("standar_data", &score.standar_data),
            principle("metadata", &score.metadata),
            principle("interoperabilitas", &score.interoperabilitas),
            principle("kode_referensi", &score.kode_referensi),
        ],
        checks: vec![
            check("description", described),
            check("keywords", facts.keywords),
            check("theme", facts.theme),
            check("spatial", facts.spatial),
            check("temporal", facts.temporal),
            check("license", facts.license),
            check("access_rights", facts.access_rights),
            check("contact", facts.contact),
            check("publisher", facts.publisher),
            check("download_url", facts.download_url),
            check("machine_readable", facts.format.is_some()),
            Check {
                key: "msind",
                ok: facts.msind_total > 0 && facts.msind_filled == facts.msind_total,
                detail: Some(msind),
            },
            Check {
                key: "standar_data",
                ok: columns > 0 && facts.columns_bound == columns,
                detail: Some(bound),
            },
        ],
        mqa: Mqa {
            total: m.total,
            band: m.band,
            parts: vec![
                Part {
                    key: "findability",
                    score: m.findability,
                    max: 100,
                },
                Part {
                    key: "accessibility",
                    score: m.accessibility,
                    max: 100,
                },
                Part {
                    key: "interoperability",
                    score: m.interoperability,
                    max: 110,
                },
                Part {
                    key: "reusability",
                    score: m.reusability,
                    max: 75,
                },
                Part {
                    key: "contextuality",
                    score: m.contextuality,
                    max: 20,
                },
            ],
        },
    })
}
