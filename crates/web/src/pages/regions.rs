//! `GET /kode-referensi` and `/kode-referensi/{code}`: the Kemendagri region list, browsable
//! from provinsi down to desa/kelurahan, and searchable by name.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use satudata_catalog::validation::{Region, RegionLevel};
use serde::Serialize;

use super::query_string;
use crate::respond::{PageResult, WebError};
use crate::state::{Visitor, WebState};

/// Name matches listed at most.
const RESULTS: usize = 50;

#[derive(Debug, Serialize)]
struct Here {
    code: String,
    name: String,
    level: &'static str,
}

#[derive(Debug, Serialize)]
struct Ancestor {
    code: String,
    name: String,
    url: String,
}

#[derive(Debug, Serialize)]
struct Child {
    code: String,
    name: String,
    url: Option<String>,
    kind: Option<&'static str>,
}

#[derive(Debug, Serialize)]
struct Found {
    code: String,
    name: String,
    level: &'static str,
    url: Option<String>,
    path: String,
}

#[derive(Debug, Serialize)]
struct Body {
    q: String,
    region: Option<Here>,
    ancestors: Vec<Ancestor>,
    children: Vec<Child>,
    child_level: Option<&'static str>,
    results: Option<Vec<Found>>,
    loaded: bool,
    attribution: &'static str,
    api_url: String,
}

pub(crate) async fn top(State(state): State<WebState>, visitor: Visitor) -> Response {
    state.respond(&visitor, page(&state, &visitor, None)).await
}

pub(crate) async fn one(
    State(state): State<WebState>,
    visitor: Visitor,
    Path(code): Path<String>,
) -> Response {
    state
        .respond(&visitor, page(&state, &visitor, Some(code)))
        .await
}

fn below(level: RegionLevel) -> Option<RegionLevel> {
    match level {
        RegionLevel::Provinsi => Some(RegionLevel::KabupatenKota),
        RegionLevel::KabupatenKota => Some(RegionLevel::Kecamatan),
        RegionLevel::Kecamatan => Some(RegionLevel::DesaKelurahan),
        RegionLevel::DesaKelurahan => None,
    }
}

/// Kabupaten 01–69 / kota 71–99; kelurahan 1xxx, desa 2xxx, desa adat 3xxx.
fn kind(region: &Region) -> Option<&'static str> {
    let last = region.code.rsplit('.').next()?;
    match region.level {
        RegionLevel::KabupatenKota => Some(if last.starts_with(['7', '8', '9']) {
            "kota"
        } else {
            "kabupaten"
        }),
        RegionLevel::DesaKelurahan => match last.chars().next()? {
            '1' => Some("kelurahan"),
            '2' => Some("desa"),
            '3' => Some("desa-adat"),
            _ => None,
        },
        _ => None,
    }
}

async fn page(state: &WebState, visitor: &Visitor, code: Option<String>) -> PageResult {
    let q = visitor
        .pairs()
        .into_iter()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default();
    let catalog = &state.catalog;
    let loaded = catalog.regions().is_some();
    let link = |r: &Region| visitor.url(&format!("/kode-referensi/{}", r.code));
    let child = |r: &Region| Child {
        url: (r.level != RegionLevel::DesaKelurahan).then(|| link(r)),
        code: r.code.clone(),
        name: r.name.clone(),
        kind: kind(r),
    };
    let (region, ancestors, children, child_level) = match &code {
        None => {
            let provinces = catalog
                .regions()
                .map(|r| r.children(None).into_iter().map(child).collect());
            (
                None,
                Vec::new(),
                provinces.unwrap_or_default(),
                loaded.then_some(RegionLevel::Provinsi),
            )
        }
        Some(code) => {
            let (region, ancestors, children) = catalog
                .region_with_ancestors(code)
                .ok_or(WebError::Status(StatusCode::NOT_FOUND))?;
            let level = below(region.level);
            (
                Some(region),
                ancestors,
                children.iter().map(child).collect(),
                level,
            )
        }
    };
    let results = (!q.is_empty()).then(|| {
        catalog
            .find_regions(&q, RESULTS)
            .into_iter()
            .map(|m| Found {
                url: (m.region.level != RegionLevel::DesaKelurahan).then(|| link(&m.region)),
                code: m.region.code.clone(),
                name: m.region.name.clone(),
                level: m.region.level.as_str(),
                path: m.path.join(" › "),
            })
            .collect()
    });
    let parent = code
        .iter()
        .map(|c| ("parent".to_owned(), c.clone()))
        .collect::<Vec<_>>();
    let body = Body {
        q,
        ancestors: ancestors
            .iter()
            .map(|a| Ancestor {
                url: link(a),
                code: a.code.clone(),
                name: a.name.clone(),
            })
            .collect(),
        region: region.map(|r| Here {
            level: r.level.as_str(),
            code: r.code,
            name: r.name,
        }),
        children,
        child_level: child_level.map(RegionLevel::as_str),
        results,
        loaded,
        attribution: "idn-area-data 4.0.1",
        api_url: format!("/api/v1/regions{}", query_string(&parent)),
    };
    let frame = state.frame(visitor, "kode", false).await?;
    state.page(
        visitor,
        &frame,
        "public/regions.html",
        &body,
        StatusCode::OK,
    )
}
