//! Serving a `wasi:http/proxy` component on a local port: one fresh instance (one store, one
//! memory budget) per request, at most [`super::Limits::requests_in_flight`] at once, each under
//! the run's timeout; new code swapped in without closing the port. Stop ends every request in
//! flight, a guest looping in its handler included, and returns once each one's store is gone.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use hyper::server::conn::http1;
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore};
use tokio::task::JoinSet;
use wasmtime_wasi_http::WasiHttpView;
use wasmtime_wasi_http::io::TokioIo;
use wasmtime_wasi_http::p2::bindings::http::types::Scheme;
use wasmtime_wasi_http::p2::bindings::{Proxy, ProxyPre};
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;

use super::RunError;
use super::context::{Prepared, RunContext, Swap};
use super::events::RunEvent;
use super::outcome;

struct Server {
    ctx: RunContext,
    /// The code new requests get; a request keeps the code it started with.
    current: RwLock<Current>,
    next_id: AtomicU64,
    /// One permit per request allowed to run at once; a request's guest holds one until its
    /// store is gone.
    slots: Arc<Semaphore>,
    /// How many permits there are.
    slot_count: usize,
    /// Requests being handled (waiting for a slot, or running until their response head).
    handling: AtomicUsize,
    /// Told whenever a request stops being handled.
    handled: Notify,
}

struct Current {
    prepared: Prepared,
    /// Which swap it came from (0: the code the server started with), so a slow swap never
    /// replaces a later one.
    generation: u64,
}

pub(crate) async fn serve(ctx: RunContext, address: SocketAddr) -> RunEvent {
    let prepared = match ctx.prepare().await {
        Ok(prepared) => prepared,
        Err(e) => return outcome::failed(e),
    };
    if let Err(e) = check_proxy(&prepared) {
        return outcome::failed(e);
    }
    let listener = match TcpListener::bind(address).await {
        Ok(listener) => listener,
        Err(e) => {
            return outcome::failed(RunError::Bind {
                address: address.to_string(),
                message: e.to_string(),
            });
        }
    };
    let local = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    ctx.queue.push(RunEvent::Serving { address: local });
    let mut stop = ctx.stop_signal();
    let mut swaps = ctx.swaps();
    let slot_count = ctx.limits.requests_in_flight();
    let server = Arc::new(Server {
        ctx,
        current: RwLock::new(Current {
            prepared,
            generation: 0,
        }),
        next_id: AtomicU64::new(1),
        slots: Arc::new(Semaphore::new(slot_count)),
        slot_count,
        handling: AtomicUsize::new(0),
        handled: Notify::new(),
    });
    let mut connections = JoinSet::new();
    let mut generation = 0;
    let mut swappable = true;
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _peer)) = accepted else { continue };
                let server = server.clone();
                connections.spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        let server = server.clone();
                        async move { server.handle(request).await }
                    });
                    // A client that hangs up mid-request is not an error of the run.
                    let _ = http1::Builder::new()
                        .keep_alive(true)
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
            changed = swaps.changed(), if swappable => {
                // An error means every handle was dropped: nobody can send a swap any more.
                if changed.is_err() {
                    swappable = false;
                    continue;
                }
                let Some(swap) = swaps.borrow_and_update().clone() else { continue };
                generation += 1;
                // Preparing may compile for seconds: the old code answers meanwhile.
                connections.spawn(server.clone().take(swap, generation));
            }
            () = stop.stopped() => break,
        }
        // Reap finished connections so the set does not grow with every client.
        while connections.try_join_next().is_some() {}
    }
    server.wind_down().await;
    connections.abort_all();
    RunEvent::Stopped
}

/// Whether `prepared` is a proxy: exports `wasi:http/incoming-handler`.
fn check_proxy(prepared: &Prepared) -> Result<(), RunError> {
    match ProxyPre::new(prepared.root().clone()) {
        Ok(_) => Ok(()),
        Err(_) => Err(RunError::WrongKind {
            message: "this component does not export `wasi:http/incoming-handler`, so it cannot \
                      be served: run it, or invoke one of its functions"
                .to_string(),
        }),
    }
}

impl Server {
    /// Prepares `swap`'s code and, unless a later swap got there first, answers new requests
    /// with it.
    async fn take(self: Arc<Self>, swap: Arc<Swap>, generation: u64) {
        let started = Instant::now();
        let prepared = match self.ctx.prepare_job(&swap.job).await {
            Ok(prepared) => prepared,
            Err(e) => {
                self.ctx.queue.push(RunEvent::SwapFailed {
                    message: format!("{e}; still serving the previous code"),
                });
                return;
            }
        };
        if let Err(e) = check_proxy(&prepared) {
            self.ctx.queue.push(RunEvent::SwapFailed {
                message: format!("{e}; still serving the previous code"),
            });
            return;
        }
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        if current.generation > generation {
            return;
        }
        *current = Current {
            prepared,
            generation,
        };
        drop(current);
        for notice in &swap.notices {
            self.ctx.queue.push(notice.clone());
        }
        self.ctx.queue.push(RunEvent::Swapped {
            millis: started.elapsed().as_millis() as u64,
        });
    }

    /// After Stop: waits until every request has answered `stopped` and every guest has ended
    /// (its permit back, so its store and memory are gone). Both see the stop at once; a guest
    /// spinning in wasm is interrupted at the next epoch tick.
    async fn wind_down(&self) {
        loop {
            let handled = self.handled.notified();
            if self.handling.load(Ordering::Acquire) == 0 {
                break;
            }
            handled.await;
        }
        let count = u32::try_from(self.slot_count).unwrap_or(u32::MAX);
        // The semaphore is never closed, so acquiring can only wait.
        let _ = self.slots.acquire_many(count).await;
    }

    /// The code a request arriving now gets.
    fn code(&self) -> Prepared {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .prepared
            .clone()
    }

    async fn handle(
        &self,
        request: hyper::Request<hyper::body::Incoming>,
    ) -> wasmtime::Result<hyper::Response<HyperOutgoingBody>> {
        let _handling = Handling::enter(self);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let queue = &self.ctx.queue;
        queue.push(RunEvent::Request {
            id,
            method: request.method().to_string(),
            uri: request
                .uri()
                .path_and_query()
                .map(|p| p.to_string())
                .unwrap_or_else(|| "/".to_string()),
        });
        let mut stop = self.ctx.stop_signal();
        let (result, slot) = tokio::select! {
            answer = self.respond(request) => answer,
            () = stop.stopped() => (Err(wasmtime::Error::new(RequestStopped)), None),
        };
        let stopped = result
            .as_ref()
            .err()
            .is_some_and(|e| e.downcast_ref::<RequestStopped>().is_some());
        queue.push(RunEvent::Response {
            id,
            status: match &result {
                Ok(response) => response.status().as_u16(),
                Err(_) if stopped => 503,
                Err(_) => 500,
            },
            millis: started.elapsed().as_millis() as u64,
            error: result.as_ref().err().map(|e| format!("{e:#}")),
        });
        drop(slot);
        result
    }

    /// Instantiates the proxy in a fresh store and lets it answer `request`.
    async fn respond(&self, request: hyper::Request<hyper::body::Incoming>) -> Answer {
        // A slot first: the guest keeps it until its store is gone.
        let Ok(slot) = self.slots.clone().acquire_owned().await else {
            return (
                Err(wasmtime::format_err!("the server is shutting down")),
                None,
            );
        };
        let prepared = self.code();
        let started = self
            .ctx
            .store(&prepared)
            .map_err(wasmtime::Error::new)
            .and_then(|mut store| {
                let (sender, receiver) = tokio::sync::oneshot::channel();
                let incoming = store
                    .data_mut()
                    .http()
                    .new_incoming_request(Scheme::Http, request)?;
                let outparam = store.data_mut().http().new_response_outparam(sender)?;
                Ok((store, incoming, outparam, receiver))
            });
        let (mut store, incoming, outparam, receiver) = match started {
            Ok(started) => started,
            Err(error) => return (Err(error), Some(slot)),
        };
        let fuel = self.ctx.limits.fuel;
        let timeout = self.ctx.timeout();
        let mut stop = self.ctx.stop_signal();
        // The guest may keep writing the body after it sent the head, so it runs on its own task,
        // which ends on Stop or the timeout wherever the guest is, and hands its slot back with
        // its result (released once that result is dropped).
        let guest = tokio::spawn(async move {
            let call = async {
                let instance = prepared.instantiate(&mut store).await?;
                let proxy = Proxy::new(&mut store, &instance)?;
                proxy
                    .wasi_http_incoming_handler()
                    .call_handle(&mut store, incoming, outparam)
                    .await
            };
            let limited = async {
                match timeout {
                    Some(limit) => tokio::time::timeout(limit, call)
                        .await
                        .map_err(|_| wasmtime::Error::new(RequestTimedOut(limit)))?,
                    None => call.await,
                }
            };
            let result = tokio::select! {
                result = limited => result,
                () = stop.stopped() => Err(wasmtime::Error::new(RequestStopped)),
            };
            drop(store);
            (result, slot)
        });
        match receiver.await {
            Ok(Ok(response)) => (Ok(response), None),
            Ok(Err(code)) => (
                Err(wasmtime::format_err!(
                    "the guest answered with an error: {code:?}"
                )),
                None,
            ),
            Err(_) => {
                let (reason, slot) = match guest.await {
                    Ok((Ok(()), slot)) => (
                        "it returned without setting a response".to_string(),
                        Some(slot),
                    ),
                    Ok((Err(error), slot)) => match error.downcast_ref::<RequestTimedOut>() {
                        Some(timed_out) => (timed_out.to_string(), Some(slot)),
                        None => (outcome::of_error(&error, fuel).summary(), Some(slot)),
                    },
                    Err(join) => (join.to_string(), None),
                };
                (
                    Err(wasmtime::format_err!("the guest did not respond: {reason}")),
                    slot,
                )
            }
        }
    }
}

/// How a request ended, with its slot when the guest is over: the handler releases it after
/// reporting the response, so a request waiting for the slot starts after that report.
type Answer = (
    wasmtime::Result<hyper::Response<HyperOutgoingBody>>,
    Option<tokio::sync::OwnedSemaphorePermit>,
);

/// A request that reached the run's timeout (for a server, each request's limit).
#[derive(Debug, thiserror::Error)]
#[error("it timed out after {} ms", .0.as_millis())]
struct RequestTimedOut(std::time::Duration);

/// A request ended by Stop.
#[derive(Debug, thiserror::Error)]
#[error("stopped: the server was stopped while the request ran")]
struct RequestStopped;

/// Counts a request as being handled while it lives.
struct Handling<'a>(&'a Server);

impl<'a> Handling<'a> {
    fn enter(server: &'a Server) -> Self {
        server.handling.fetch_add(1, Ordering::AcqRel);
        Self(server)
    }
}

impl Drop for Handling<'_> {
    fn drop(&mut self) {
        self.0.handling.fetch_sub(1, Ordering::AcqRel);
        self.0.handled.notify_waiters();
    }
}
