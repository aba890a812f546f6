//! A node's worker pool: each worker claims a due job, renews its lease while it runs,
//! records the outcome, and otherwise sleeps until this node queues a job or the poll
//! interval passes.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::task::JoinSet;

use super::queue::JobFailure;
use super::{JobKind, Progress};
use crate::Catalog;
use crate::entity::job;
use crate::error::Error;

/// What the workers of one node share with the requests that queue and await jobs.
#[derive(Debug)]
pub(crate) struct Runtime {
    /// This node's name in job leases (host, process and a random part).
    pub node: String,
    /// Wakes an idle worker when a job is queued here.
    pub wake: Notify,
    /// Wakes requests awaiting a job when one finishes here.
    pub finished: Notify,
    /// Set when the node stops: workers claim nothing more.
    pub stopping: AtomicBool,
}

impl Runtime {
    pub(crate) fn new() -> Self {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_owned())
            .unwrap_or_else(|_| "node".into());
        let id = uuid::Uuid::new_v4().simple().to_string();
        Self {
            node: format!("{host}-{}-{}", std::process::id(), &id[..8]),
            wake: Notify::new(),
            finished: Notify::new(),
            stopping: AtomicBool::new(false),
        }
    }
}

/// The running workers of this node; [`Workers::stop`] ends them and gives their jobs back.
#[derive(Debug)]
pub struct Workers {
    catalog: Catalog,
    tasks: JoinSet<()>,
}

impl Workers {
    /// Stops claiming, waits up to `grace` for the jobs in hand, then puts back in the queue
    /// whatever is still running so that another node (or this one, restarted) resumes it.
    pub async fn stop(mut self, grace: Duration) {
        let runtime = self.catalog.job_runtime();
        runtime.stopping.store(true, Ordering::SeqCst);
        runtime.wake.notify_waiters();
        let drained = tokio::time::timeout(grace, async {
            while self.tasks.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            self.tasks.abort_all();
        }
        match self.catalog.release_leases(&runtime.node).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(jobs = n, "jobs in hand put back in the queue"),
            Err(error) => tracing::warn!(%error, "releasing job leases failed"),
        }
    }
}

impl Catalog {
    pub(crate) fn job_runtime(&self) -> &Runtime {
        &self.jobs
    }

    /// This node's name in job leases.
    pub fn node_name(&self) -> &str {
        &self.jobs.node
    }

    /// Wakes this node's idle workers (after a transaction that queued a job commits).
    pub(crate) fn wake_workers(&self) {
        self.jobs.wake.notify_waiters();
    }

    /// Starts this node's workers (`settings().jobs.workers` of them).
    pub fn start_workers(&self) -> Workers {
        self.jobs.stopping.store(false, Ordering::SeqCst);
        let mut tasks = JoinSet::new();
        for _ in 0..self.settings().jobs.workers {
            let catalog = self.clone();
            tasks.spawn(async move { catalog.work().await });
        }
        Workers {
            catalog: self.clone(),
            tasks,
        }
    }

    async fn work(&self) {
        let runtime = Arc::clone(&self.jobs);
        let poll = self.settings().jobs.poll;
        while !runtime.stopping.load(Ordering::SeqCst) {
            // Registered before looking, so a job queued meanwhile is not missed.
            let woken = runtime.wake.notified();
            match self.claim_job(&runtime.node).await {
                Ok(Some(job)) => {
                    self.run_job(job).await;
                    continue;
                }
                Ok(None) => {}
                Err(error) => tracing::warn!(%error, "claiming a job failed"),
            }
            tokio::select! {
                () = woken => {}
                () = tokio::time::sleep(poll) => {}
            }
        }
    }

    /// Runs one claimed job with a heartbeat, and records how it ended.
    async fn run_job(&self, job: job::Model) {
        let node = self.jobs.node.clone();
        let started = std::time::Instant::now();
        let heartbeat = {
            let catalog = self.clone();
            let (id, node) = (job.id, node.clone());
            let every = (self.settings().jobs.lease / 3).max(Duration::from_millis(100));
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(every).await;
                    match catalog.renew_lease(id, &node).await {
                        Ok(true) => {}
                        Ok(false) => {
                            tracing::warn!(job = id, "lost the lease of a running job");
                            break;
                        }
                        Err(error) => tracing::warn!(job = id, %error, "renewing a lease failed"),
                    }
                }
            })
        };
        let outcome = if job.attempts > job.max_attempts {
            Err(Error::Invariant(format!(
                "gave up after {} attempts",
                job.max_attempts
            )))
        } else {
            match job.kind {
                JobKind::Validate => self.run_validate(&job).await,
                JobKind::Publish => self.run_publish(&job).await,
            }
        };
        heartbeat.abort();
        let outcome = outcome.map_err(|error| {
            // Requests' mistakes (the file is no table, the version changed) fail at once;
            // ours (the database, the store) are tried again.
            let retry = error.is_internal();
            if retry {
                tracing::error!(
                    job = %job.uuid,
                    kind = ?job.kind,
                    error = %crate::error::Chain(&error),
                    "job failed; it will be tried again"
                );
            }
            (JobFailure::of(&error), retry)
        });
        tracing::info!(
            job = %job.uuid,
            kind = ?job.kind,
            ok = outcome.is_ok(),
            ms = started.elapsed().as_millis(),
            "job ended"
        );
        if let Err(error) = self.end_job(&job, &node, outcome).await {
            tracing::warn!(job = %job.uuid, %error, "recording a job's end failed");
        }
        self.jobs.finished.notify_waiters();
    }

    /// Records a job's phase (and rows or bytes), logging rather than failing the work.
    pub(crate) async fn progress(&self, job: &job::Model, phase: &str, bytes: Option<u64>) {
        let progress = Progress {
            phase: phase.to_owned(),
            rows: None,
            bytes,
        };
        if let Err(error) = self.record_progress(job.id, &progress).await {
            tracing::warn!(job = %job.uuid, %error, "recording progress failed");
        }
    }
}
