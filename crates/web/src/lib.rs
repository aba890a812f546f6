//! The public portal of satudata: server-rendered HTML pages where citizens, journalists and
//! other agencies find, preview, chart and download open data — the home page, dataset search
//! with facets, the dataset page (downloads, a paged and filterable table, an SVG chart, the
//! variables, the SDI metadata, the quality checklist, API examples, versions), the OPD and
//! topik pages, the Standar Data registry and the Kemendagri region list. Bahasa Indonesia at
//! `/…`, English at `/en/…`; everything works without JavaScript (htmx only swaps the table or
//! the chart), and every asset is vendored.
//!
//! Layout: `templates/` (minijinja, each documents its context), `i18n/` (one catalogue per
//! language), `static/` (CSS, scripts, htmx) are read from disk in debug builds and embedded in
//! release builds ([`assets`]); [`render`] keeps one environment per language; [`pages`] has a
//! thin handler per page over one catalog call each. The contract these files fulfil is
//! `crates/web/README.md`.
//!
//! Depends on `satudata-catalog` (every query, with its one visibility rule, and the names
//! CKAN clients know); must not depend on `satudata-harvest` (the two compile side by side)
//! or on `satudata-api`, which mounts [`router`] next to the JSON API, and must not hold SQL.

mod assets;
pub mod filters;
pub mod i18n;
pub mod lang;
mod pages;
mod render;
mod respond;
pub mod session;
mod state;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

pub use lang::Lang;
pub use session::client_addr;
pub use state::{Session, Visitor, WebState};

/// Every page, in both languages, with the static files and HTML error pages.
pub fn router(state: WebState) -> Router {
    type Handler = axum::routing::MethodRouter<WebState>;
    let pages: [(&str, Handler); 52] = [
        (
            "/masuk",
            get(pages::ws::signin::show).post(pages::ws::signin::submit),
        ),
        ("/keluar", post(pages::ws::signin::sign_out)),
        ("/kelola", get(pages::ws::home)),
        ("/kelola/dataset", get(pages::ws::datasets::list)),
        ("/kelola/dataset/{slug}", get(pages::ws::overview::show)),
        (
            "/kelola/dataset/{slug}/versi/{n}/batal",
            post(pages::ws::overview::cancel),
        ),
        (
            "/kelola/dataset/baru",
            get(pages::ws::dataset_form::new).post(pages::ws::dataset_form::create),
        ),
        (
            "/kelola/dataset/{slug}/metadata",
            get(pages::ws::dataset_form::edit).post(pages::ws::dataset_form::save),
        ),
        (
            "/kelola/dataset/{slug}/skema",
            get(pages::ws::schema::show).post(pages::ws::schema::save),
        ),
        (
            "/kelola/dataset/{slug}/skema/impor",
            post(pages::ws::schema::import),
        ),
        (
            "/kelola/dataset/{slug}/riwayat",
            get(pages::ws::timeline::show),
        ),
        (
            "/kelola/dataset/{slug}/unggah",
            get(pages::ws::upload::show)
                .post(pages::ws::upload::receive)
                // The file streams into the store; the catalog applies max_upload_bytes.
                .layer(DefaultBodyLimit::disable()),
        ),
        (
            "/kelola/dataset/{slug}/unggahan",
            post(pages::ws::upload_api::open),
        ),
        (
            "/kelola/unggahan/{id}",
            get(pages::ws::upload_api::status)
                .patch(pages::ws::upload_api::chunk)
                .delete(pages::ws::upload_api::cancel),
        ),
        (
            "/kelola/dataset/{slug}/versi/{n}",
            get(pages::ws::report::show),
        ),
        (
            "/kelola/dataset/{slug}/versi/{n}/ajukan",
            post(pages::ws::report::submit),
        ),
        (
            "/kelola/dataset/{slug}/versi/{n}/berkas",
            get(pages::ws::report::source),
        ),
        (
            "/kelola/dataset/{slug}/versi/{n}/bersih.csv",
            get(pages::ws::report::clean_csv),
        ),
        ("/kelola/rekap", get(pages::ws::recap::show)),
        ("/kelola/rekap.csv", get(pages::ws::recap::csv)),
        ("/kelola/rekap.xlsx", get(pages::ws::recap::xlsx)),
        ("/kelola/standar-data", get(pages::ws::standards::list)),
        (
            "/kelola/standar-data/variabel/baru",
            get(pages::ws::standards::new_variable).post(pages::ws::standards::create_variable),
        ),
        (
            "/kelola/standar-data/variabel/{kode}",
            get(pages::ws::standards::edit_variable).post(pages::ws::standards::update_variable),
        ),
        (
            "/kelola/standar-data/klasifikasi/baru",
            get(pages::ws::standards::new_code_list).post(pages::ws::standards::create_code_list),
        ),
        (
            "/kelola/standar-data/klasifikasi/{slug}",
            get(pages::ws::standards::edit_code_list).post(pages::ws::standards::update_code_list),
        ),
        (
            "/kelola/admin/opd",
            get(pages::ws::admin::opds).post(pages::ws::admin::create_opd),
        ),
        (
            "/kelola/admin/opd/{slug}",
            get(pages::ws::admin::opd).post(pages::ws::admin::save_opd),
        ),
        (
            "/kelola/admin/akun",
            get(pages::ws::admin::accounts).post(pages::ws::admin::create_account),
        ),
        (
            "/kelola/admin/akun/{id}",
            get(pages::ws::admin::account).post(pages::ws::admin::save_account),
        ),
        (
            "/kelola/admin/akun/{id}/sandi",
            post(pages::ws::admin::reset_password),
        ),
        (
            "/kelola/admin/akun/{id}/cabut",
            post(pages::ws::admin::revoke_tokens),
        ),
        (
            "/kelola/admin/portal",
            get(pages::ws::admin::portal).post(pages::ws::admin::save_portal),
        ),
        ("/kelola/tinjauan", get(pages::ws::queue::show)),
        ("/kelola/tinjauan/{slug}/{n}", get(pages::ws::review::show)),
        (
            "/kelola/tinjauan/{slug}/{n}/setujui",
            post(pages::ws::review::approve),
        ),
        (
            "/kelola/tinjauan/{slug}/{n}/kembalikan",
            post(pages::ws::review::send_back),
        ),
        (
            "/kelola/tinjauan/{slug}/{n}/tayangkan",
            post(pages::ws::review::publish),
        ),
        (
            "/kelola/dataset/{slug}/tarik",
            post(pages::ws::review::withdraw),
        ),
        (
            "/kelola/token",
            get(pages::ws::tokens::show).post(pages::ws::tokens::create),
        ),
        ("/kelola/token/{id}/cabut", post(pages::ws::tokens::revoke)),
        ("/dataset", get(pages::search::show)),
        ("/dataset/{slug}", get(pages::dataset::show)),
        ("/dataset/{slug}/diff/{a}/{b}", get(pages::diff::show)),
        ("/opd", get(pages::collections::opd_list)),
        ("/opd/{slug}", get(pages::collections::opd)),
        ("/topik", get(pages::collections::topik_list)),
        ("/topik/{slug}", get(pages::collections::topik)),
        ("/standar-data", get(pages::standards::show)),
        ("/kode-referensi", get(pages::regions::top)),
        ("/kode-referensi/{code}", get(pages::regions::one)),
        ("/", get(pages::home::show)),
    ];
    let mut router = Router::new()
        .route("/en", get(|| async { Redirect::permanent("/en/") }))
        .route("/static/{*name}", get(assets::serve_static));
    for (path, handler) in pages {
        let english = if path == "/" {
            "/en/".to_owned()
        } else {
            format!("/en{path}")
        };
        router = router.route(path, handler.clone()).route(&english, handler);
    }
    router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            respond::csrf_guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            respond::clear_flash,
        ))
        .layer(axum::middleware::map_response(respond::security_headers))
        .layer(axum::middleware::from_fn(respond::server_timing))
        .with_state(state)
}

async fn not_found(State(state): State<WebState>, visitor: Visitor) -> Response {
    state
        .error_page(&visitor, respond::WebError::Status(StatusCode::NOT_FOUND))
        .await
}

/// The 405 page; axum's method router adds the route's own `Allow` header (`GET,HEAD` for the
/// pages, `POST` for the workspace's actions).
async fn method_not_allowed(State(state): State<WebState>, visitor: Visitor) -> Response {
    state
        .error_page(
            &visitor,
            respond::WebError::Status(StatusCode::METHOD_NOT_ALLOWED),
        )
        .await
        .into_response()
}
