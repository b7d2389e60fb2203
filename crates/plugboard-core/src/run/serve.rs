//! Serving a `wasi:http/proxy` component on a local port: one fresh instance (one store, one
//! memory budget) per request, at most [`super::Limits::requests_in_flight`] at once, each under
//! the run's timeout; new code swapped in without closing the port. Stop ends every request in
//! flight, a guest looping in its handler included, and returns once each one's store is gone.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use http_body_util::BodyExt;
use tokio::sync::oneshot::error::RecvError;
use wasmtime::Store;
use wasmtime_wasi_http::p3;

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
use super::host::HostState;
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

/// Which HTTP handler a component exports.
#[derive(Clone, Copy)]
enum Handler {
    /// WASI 0.2's `wasi:http/incoming-handler` (the `wasi:http/proxy` world).
    P2,
    /// WASI 0.3's async `wasi:http/handler` (the `wasi:http/service` world).
    P3,
}

/// The handler `prepared` exports, if it is a proxy or a service.
fn check_proxy(prepared: &Prepared) -> Result<Handler, RunError> {
    if ProxyPre::new(prepared.root().clone()).is_ok() {
        return Ok(Handler::P2);
    }
    if prepared.is_asynchronous() && p3::bindings::ServicePre::new(prepared.root().clone()).is_ok()
    {
        return Ok(Handler::P3);
    }
    Err(RunError::WrongKind {
        message: "this component exports neither `wasi:http/incoming-handler` (WASI 0.2) nor \
                  `wasi:http/handler` (WASI 0.3), so it cannot be served: run it, or invoke \
                  one of its functions"
            .to_string(),
    })
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
            .and_then(|store| match check_proxy(&prepared) {
                Ok(Handler::P2) => p2_call(store, prepared.clone(), request),
                Ok(Handler::P3) => Ok(p3_call(store, prepared.clone(), request)),
                Err(e) => Err(wasmtime::Error::new(e)),
            });
        let (call, head) = match started {
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
            (result, slot)
        });
        match head.await {
            Ok(Ok(response)) => (Ok(response), None),
            Ok(Err(code)) => (
                Err(wasmtime::format_err!(
                    "the guest answered with an error: {code}"
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

/// The response head a guest sends (or the error code it answers with, as text), and the
/// guest's call, which owns the store and goes on writing the body after the head.
type GuestCall = (
    Pin<Box<dyn Future<Output = wasmtime::Result<()>> + Send>>,
    Pin<Box<dyn Future<Output = Result<Head, RecvError>> + Send>>,
);
type Head = Result<hyper::Response<HyperOutgoingBody>, String>;

/// A WASI 0.2 proxy answering `request` in `store`: its response head arrives on the outparam.
fn p2_call(
    mut store: Store<HostState>,
    prepared: Prepared,
    request: hyper::Request<hyper::body::Incoming>,
) -> wasmtime::Result<GuestCall> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let incoming = store
        .data_mut()
        .http()
        .new_incoming_request(Scheme::Http, request)?;
    let outparam = store.data_mut().http().new_response_outparam(sender)?;
    let call = async move {
        let instance = prepared.instantiate(&mut store).await?;
        let proxy = Proxy::new(&mut store, &instance)?;
        proxy
            .wasi_http_incoming_handler()
            .call_handle(&mut store, incoming, outparam)
            .await
    };
    let head = async move {
        receiver
            .await
            .map(|head| head.map_err(|code| format!("{code:?}")))
    };
    Ok((Box::pin(call), Box::pin(head)))
}

/// A WASI 0.3 service answering `request` in `store`, on the store's event loop: `handle`
/// returns the response, whose body the guest may go on writing, so the loop runs until the
/// client has read all of it (or gone away).
fn p3_call(
    mut store: Store<HostState>,
    prepared: Prepared,
    request: hyper::Request<hyper::body::Incoming>,
) -> GuestCall {
    let (sender, receiver) = tokio::sync::oneshot::channel::<Head>();
    let call = async move {
        let (request, _request_errors) =
            p3::Request::from_http(store.data_mut().http().hooks, request);
        let instance = prepared.instantiate(&mut store).await?;
        let service = p3::bindings::Service::new(&mut store, &instance)?;
        store
            .run_concurrent(async move |store| -> wasmtime::Result<()> {
                match service.handle(store, request).await? {
                    Ok(response) => {
                        let (sent, body_done) = tokio::sync::oneshot::channel();
                        let response = store
                            .with(|store| response.into_http(store, async { Ok(()) }))?
                            .map(|body| WatchedBody::new(body, sent).boxed_unsync());
                        let _ = sender.send(Ok(response));
                        // Sent, or the client went away.
                        let _ = body_done.await;
                    }
                    Err(code) => {
                        let _ = sender.send(Err(format!("{code:?}")));
                    }
                }
                Ok(())
            })
            .await?
    };
    (Box::pin(call), Box::pin(receiver))
}

/// A response body that says when it has been sent whole, or dropped.
struct WatchedBody<B> {
    body: B,
    done: Option<tokio::sync::oneshot::Sender<()>>,
}

impl<B> WatchedBody<B> {
    fn new(body: B, done: tokio::sync::oneshot::Sender<()>) -> Self {
        Self {
            body,
            done: Some(done),
        }
    }
}

impl<B: hyper::body::Body + Unpin> hyper::body::Body for WatchedBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        let polled = Pin::new(&mut self.body).poll_frame(cx);
        if matches!(polled, std::task::Poll::Ready(None | Some(Err(_)))) {
            self.done.take();
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.body.size_hint()
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
