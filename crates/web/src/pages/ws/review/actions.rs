//! The review page's actions: approve, return with a note, publish (a background job) and
//! withdraw; a refused action shows the page again with the reason.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use satudata_catalog::jobs::JobState;
use satudata_catalog::lifecycle::{Decision, VersionStatus};
use satudata_catalog::{Error as CatalogError, Role};

use super::super::{Errors, Posted, message, see_other_with, text, with_role};
use crate::respond::{PageResult, WebError};
use crate::session::Flash;
use crate::state::{Visitor, WebState};

use super::{REVIEWERS, ReviewForm, number, render, review_path};

/// A refused action: the page again (422) with the catalog's reason at `field` and the input.
async fn refused(
    state: &WebState,
    visitor: &Visitor,
    slug: &str,
    n: i32,
    form: ReviewForm,
    field: &str,
    error: CatalogError,
) -> PageResult {
    let text = match &error {
        CatalogError::Invalid { message: m, .. } | CatalogError::Conflict(m) => {
            message(visitor.lang, m)
        }
        _ => return Err(error.into()),
    };
    let mut errors = Errors::default();
    errors.add(field, text);
    render(
        state,
        visitor,
        slug,
        n,
        form,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// `POST …/setujui` (`note` optional) and `POST …/kembalikan` (`note` required): the
/// catalog's review, → 303 to the queue with a flash.
async fn decide(
    state: &WebState,
    posted: &Posted,
    slug: &str,
    n: &str,
    decision: Decision,
) -> PageResult {
    let visitor = &posted.visitor;
    with_role(visitor, &REVIEWERS)?;
    let n = number(n)?;
    let form = ReviewForm {
        note: posted.get("note"),
        reason: String::new(),
    };
    if matches!(decision, Decision::Return) && form.note.trim().is_empty() {
        let mut errors = Errors::default();
        errors.add(
            "note",
            text(state, visitor, "review.note_required_error", &[])?,
        );
        return render(
            state,
            visitor,
            slug,
            n,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let note = Some(form.note.trim().to_owned()).filter(|s| !s.is_empty());
    match state
        .catalog
        .review_version(&visitor.actor, slug, n, decision, note)
        .await
    {
        Ok(version) => {
            let record = state.catalog.dataset(&visitor.actor, slug).await?;
            let key = match decision {
                Decision::Approve => "review.approved_flash",
                Decision::Return => "review.returned_flash",
            };
            let n = version.number.to_string();
            let flash = Flash::ok(key, &[("n", &n), ("title", &record.dataset.title)]);
            // Approved for good: on to publishing it; otherwise back to the queue.
            let to = if version.status == VersionStatus::Disetujui {
                review_path(visitor, slug, version.number)
            } else {
                visitor.url("/kelola/tinjauan")
            };
            Ok(see_other_with(state, &to, &flash))
        }
        Err(e) => refused(state, visitor, slug, n, form, "note", e).await,
    }
}

/// `POST /kelola/tinjauan/{slug}/{n}/setujui`.
pub(crate) async fn approve(
    State(state): State<WebState>,
    Path((slug, n)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let page = decide(&state, &posted, &slug, &n, Decision::Approve);
    state.respond(&posted.visitor, page).await
}

/// `POST /kelola/tinjauan/{slug}/{n}/kembalikan`.
pub(crate) async fn send_back(
    State(state): State<WebState>,
    Path((slug, n)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let page = decide(&state, &posted, &slug, &n, Decision::Return);
    state.respond(&posted.visitor, page).await
}

/// `POST /kelola/tinjauan/{slug}/{n}/tayangkan`: starts the publish job and waits for it as
/// the API does (`job_wait_secs`); → 303 back to the review page with its outcome, or, while
/// it still runs, that it is being published (the page then says so instead of offering
/// actions).
pub(crate) async fn publish(
    State(state): State<WebState>,
    Path((slug, n)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let visitor = &posted.visitor;
    let page = async {
        with_role(visitor, &[Role::Walidata, Role::Admin])?;
        let n = number(&n)?;
        let (version, job) = match state
            .catalog
            .publish_version(&visitor.actor, &slug, n)
            .await
        {
            Ok(started) => started,
            Err(e) => {
                return refused(&state, visitor, &slug, n, ReviewForm::default(), "note", e).await;
            }
        };
        let wait = state.catalog.settings().jobs.wait;
        let job = state.catalog.await_job(job.id, wait).await?;
        let number = version.number.to_string();
        let flash = match job.state {
            JobState::Done => Flash::ok("review.published_flash", &[("n", &number)]),
            JobState::Failed => Flash {
                kind: "galat".into(),
                key: "review.publish_failed_flash".into(),
                args: vec![("n".into(), number)],
            },
            _ => Flash {
                kind: "info".into(),
                key: "review.publish_queued_flash".into(),
                args: vec![("n".into(), number)],
            },
        };
        Ok(see_other_with(
            &state,
            &review_path(visitor, &slug, n),
            &flash,
        ))
    };
    state.respond(visitor, page).await
}

/// `POST /kelola/dataset/{slug}/tarik` (`reason` required): withdraws the published dataset
/// → 303 to the review page of its current version with a flash.
pub(crate) async fn withdraw(
    State(state): State<WebState>,
    Path(slug): Path<String>,
    posted: Posted,
) -> Response {
    let visitor = &posted.visitor;
    let page = async {
        with_role(visitor, &[Role::Walidata, Role::Admin])?;
        // The review page of the version the public sees now.
        let record = state.catalog.dataset(&visitor.actor, &slug).await?;
        let current = state
            .catalog
            .list_versions(&visitor.actor, &slug)
            .await?
            .into_iter()
            .find(|v| record.dataset.current_version_id == Some(v.id))
            .map(|v| v.number)
            .ok_or(WebError::Status(StatusCode::NOT_FOUND))?;
        let form = ReviewForm {
            note: String::new(),
            reason: posted.get("reason"),
        };
        if form.reason.trim().is_empty() {
            let mut errors = Errors::default();
            errors.add(
                "reason",
                text(&state, visitor, "review.reason_required_error", &[])?,
            );
            return render(
                &state,
                visitor,
                &slug,
                current,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        let reason = Some(form.reason.trim().to_owned());
        match state
            .catalog
            .unpublish_dataset(&visitor.actor, &slug, reason)
            .await
        {
            Ok(d) => Ok(see_other_with(
                &state,
                &review_path(visitor, &slug, current),
                &Flash::ok("review.withdrawn_flash", &[("title", &d.title)]),
            )),
            Err(e) => refused(&state, visitor, &slug, current, form, "reason", e).await,
        }
    };
    state.respond(visitor, page).await
}
