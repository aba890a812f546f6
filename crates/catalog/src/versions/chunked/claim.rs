//! The claim on an upload's assembly: the conditional UPDATE that moved the session to
//! `assembling` stamped it; while the assembly runs the stamp is renewed every third of the
//! jobs' lease, so that only an assembly whose node stopped (no renewal for a whole lease) is
//! taken over, and a slow one never yields a second version.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

use super::ASSEMBLING;
use crate::Catalog;
use crate::entity::upload_session;

#[derive(Debug)]
struct Stamp {
    /// The session's `updated_at` as this node last wrote it.
    at: DateTime<Utc>,
    /// False once a renewal found the session changed under it (taken over).
    held: bool,
    /// Set by `release`: no renewal after it.
    stopped: bool,
}

/// A held claim; renewed until [`Claim::release`].
#[derive(Debug)]
pub(super) struct Claim {
    stamp: Arc<Mutex<Stamp>>,
    renewal: JoinHandle<()>,
}

impl Claim {
    /// Starts renewing the claim session `id` holds since `at`.
    pub(super) fn hold(catalog: &Catalog, id: i32, at: DateTime<Utc>) -> Self {
        let stamp = Arc::new(Mutex::new(Stamp {
            at,
            held: true,
            stopped: false,
        }));
        let every = catalog.settings().jobs.lease / 3;
        let (catalog, shared) = (catalog.clone(), stamp.clone());
        let renewal = tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let mut stamp = shared.lock().await;
                if stamp.stopped || !stamp.held {
                    break;
                }
                let now = Utc::now();
                let renewed = upload_session::Entity::update_many()
                    .col_expr(upload_session::Column::UpdatedAt, Expr::value(now))
                    .filter(upload_session::Column::Id.eq(id))
                    .filter(upload_session::Column::State.eq(ASSEMBLING))
                    .filter(upload_session::Column::UpdatedAt.eq(stamp.at))
                    .exec(catalog.db())
                    .await;
                match renewed {
                    Ok(r) if r.rows_affected == 1 => stamp.at = now,
                    Ok(_) => {
                        tracing::warn!(session = id, "an upload's assembly lost its claim");
                        stamp.held = false;
                        break;
                    }
                    // The next renewal tries again; the lease is three renewals long.
                    Err(e) => {
                        tracing::warn!(session = id, error = %e, "renewing an assembly's claim failed")
                    }
                }
            }
        });
        Self { stamp, renewal }
    }

    /// Stops the renewals; the session's stamp while the claim is still this node's, else
    /// `None` (another node took the assembly over).
    pub(super) async fn release(self) -> Option<DateTime<Utc>> {
        let mut stamp = self.stamp.lock().await;
        stamp.stopped = true;
        self.renewal.abort();
        stamp.held.then_some(stamp.at)
    }
}
