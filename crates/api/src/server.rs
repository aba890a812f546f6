//! The HTTP server loop: hyper's HTTP/1.1 connections with the limits `axum::serve` does not
//! set. A client has `header_timeout` to send a request's head (which also bounds an idle
//! keep-alive connection waiting for its next request); at most `max_connections` are open at
//! once (further clients wait in the kernel's backlog instead of taking file descriptors).
//! Idle request bodies are bounded by the router's body timeout layer.
//!
//! Shutdown: when the shutdown future completes the service starts [`Draining`] (`/readyz`
//! answers 503 at once) and keeps accepting for `drain_delay`, so that a load balancer sees
//! it leave; then the listener closes, connections finish their request in flight and close,
//! and whatever still runs after `shutdown_grace` is cancelled: its request future is dropped
//! while the runtime still runs, so an upload in flight aborts its partial object (see
//! `satudata_storage::ObjectWriter`).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::ServiceExt;

/// Whether the service is shutting down; shared by the server loop and `/readyz`.
#[derive(Debug, Clone, Default)]
pub struct Draining(Arc<AtomicBool>);

impl Draining {
    /// Marks the service as shutting down (for good).
    pub fn start(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether the service is shutting down.
    pub fn is_draining(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Limits of the server loop.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Time a client has to send a request's head, and the longest a kept-alive connection
    /// waits for its next request.
    pub header_timeout: Duration,
    /// Connections open at once.
    pub max_connections: usize,
    /// How long requests in flight may run after the listener closed.
    pub shutdown_grace: Duration,
    /// How long the service keeps accepting connections after a shutdown signal while it
    /// reports itself draining.
    pub drain_delay: Duration,
    /// Set when the shutdown signal arrives (the state's flag, so `/readyz` sees it).
    pub draining: Draining,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(30),
            max_connections: 512,
            shutdown_grace: Duration::from_secs(30),
            drain_delay: Duration::ZERO,
            draining: Draining::default(),
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then drains (see the module comment).
/// Each request carries `ConnectInfo<SocketAddr>` of its peer.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    options: ServeOptions,
    shutdown: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(options.max_connections.max(1)));
    let (close_tx, close_rx) = watch::channel(());
    let connections = TaskTracker::new();
    let cancel = CancellationToken::new();
    let header_timeout = options.header_timeout;
    let draining = options.draining.clone();
    let drain_delay = options.drain_delay;
    let shutdown = async move {
        shutdown.await;
        draining.start();
        if !drain_delay.is_zero() {
            tracing::info!(
                seconds = drain_delay.as_secs_f64(),
                "draining: /readyz answers 503; still accepting connections"
            );
            tokio::time::sleep(drain_delay).await;
        }
    };
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => slot,
            () = &mut shutdown => break,
        };
        let Ok(slot) = slot else { break };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(error) => {
                // Out of file descriptors and the like: pause instead of spinning.
                tracing::warn!(%error, "accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service = app
            .clone()
            .map_request(move |request: hyper::Request<Incoming>| {
                let mut request = request.map(Body::new);
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            });
        let mut close = close_rx.clone();
        let cancelled = cancel.clone();
        connections.spawn(async move {
            let _slot = slot;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .keep_alive(true);
            let connection = builder
                .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
                .with_upgrades();
            tokio::pin!(connection);
            let served = async {
                tokio::select! {
                    result = connection.as_mut() => log_end(peer, result),
                    _ = close.changed() => {
                        connection.as_mut().graceful_shutdown();
                        log_end(peer, connection.await);
                    }
                }
            };
            // Cancelled after the grace period: the connection, and the request future it
            // runs, are dropped here, on a runtime that still runs their cleanup.
            tokio::select! {
                () = served => {}
                () = cancelled.cancelled() => {}
            }
        });
    }
    drop(listener);
    tracing::info!(
        open = connections.len(),
        "the listener is closed; requests in flight may finish"
    );
    let _ = close_tx.send(());
    connections.close();
    if tokio::time::timeout(options.shutdown_grace, connections.wait())
        .await
        .is_err()
    {
        tracing::warn!(
            open = connections.len(),
            "requests still running after the shutdown grace period are cancelled"
        );
        cancel.cancel();
        connections.wait().await;
    }
}

fn log_end(peer: SocketAddr, result: Result<(), hyper::Error>) {
    if let Err(error) = result
        && !error.is_incomplete_message()
    {
        tracing::debug!(%peer, %error, "connection ended with an error");
    }
}
