//! `/api/v1/regions`: the Kemendagri region list (kode referensi), for pickers and lookups.

use axum::Json;
use axum::extract::State;
use satudata_catalog::validation::Region;
use satudata_catalog::{Error, Message};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiResult, ErrorEnvelope};
use crate::extract::{AppPath, AppQuery};
use crate::state::AppState;

/// A region of the Kemendagri list (idn-area-data, ODbL).
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionResponse {
    /// Dotted Kemendagri code, e.g. `35.76.01`.
    pub code: String,
    /// Name.
    pub name: String,
    /// provinsi, kabupaten-kota, kecamatan or desa-kelurahan.
    pub level: &'static str,
    /// Code of the enclosing region.
    pub parent: Option<String>,
}

impl From<&Region> for RegionResponse {
    fn from(r: &Region) -> Self {
        Self {
            code: r.code.clone(),
            name: r.name.clone(),
            level: r.level.as_str(),
            parent: r.parent.clone(),
        }
    }
}

/// Which regions to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegionParams {
    /// Code of the enclosing region; the provinces when absent.
    pub parent: Option<String>,
}

fn not_loaded() -> Error {
    Error::NotFound(satudata_catalog::regions::missing_reference_hint())
}

/// The regions directly below `parent` (the 38 provinces without it).
#[utoipa::path(get, path = "/api/v1/regions", tag = "standards", params(RegionParams),
    responses(
        (status = 200, description = "OK", body = Vec<RegionResponse>),
        (status = 404, description = "The region list is not imported", body = ErrorEnvelope),
    ))]
pub async fn list_regions(
    State(state): State<AppState>,
    AppQuery(params): AppQuery<RegionParams>,
) -> ApiResult<Json<Vec<RegionResponse>>> {
    let reference = state.catalog.regions().ok_or_else(not_loaded)?;
    Ok(Json(
        reference
            .children(params.parent.as_deref())
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// One region by its Kemendagri code.
#[utoipa::path(get, path = "/api/v1/regions/{code}", tag = "standards",
    params(("code" = String, Path, description = "Kemendagri code, e.g. 35.76.01")),
    responses(
        (status = 200, description = "OK", body = RegionResponse),
        (status = 404, description = "Not found or not visible", body = ErrorEnvelope),
    ))]
pub async fn show_region(
    State(state): State<AppState>,
    AppPath(code): AppPath<String>,
) -> ApiResult<Json<RegionResponse>> {
    let reference = state.catalog.regions().ok_or_else(not_loaded)?;
    let region = reference.get(&code).ok_or_else(|| {
        Error::NotFound(Message::new(
            format!("Kode wilayah '{code}' tidak ada dalam daftar Kemendagri"),
            format!("Region code '{code}' is not in the Kemendagri list"),
        ))
    })?;
    Ok(Json(region.into()))
}
