//! Serving a `wasi:http/proxy` component on a local port: one fresh instance per request, and
//! new code swapped in without closing the port.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use hyper::server::conn::http1;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use wasmtime_wasi_http::WasiHttpView;
use wasmtime_wasi_http::io::TokioIo;
use wasmtime_wasi_http::p2::bindings::http::types::Scheme;
use wasmtime_wasi_http::p2::bindings::{Proxy, ProxyPre};
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;

use super::RunError;
use super::events::RunEvent;
use super::outcome;
use super::runtime::{Prepared, RunContext, Swap};

struct Server {
    ctx: RunContext,
    /// The code new requests get; a request keeps the code it started with.
    current: RwLock<Current>,
    next_id: AtomicU64,
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
    let server = Arc::new(Server {
        ctx,
        current: RwLock::new(Current {
            prepared,
            generation: 0,
        }),
        next_id: AtomicU64::new(1),
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
        let result = self.respond(request).await;
        queue.push(RunEvent::Response {
            id,
            status: result.as_ref().map(|r| r.status().as_u16()).unwrap_or(500),
            millis: started.elapsed().as_millis() as u64,
            error: result.as_ref().err().map(|e| format!("{e:#}")),
        });
        result
    }

    /// Instantiates the proxy in a fresh store and lets it answer `request`.
    async fn respond(
        &self,
        request: hyper::Request<hyper::body::Incoming>,
    ) -> wasmtime::Result<hyper::Response<HyperOutgoingBody>> {
        let prepared = self.code();
        let mut store = self.ctx.store(&prepared).map_err(wasmtime::Error::new)?;
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let incoming = store
            .data_mut()
            .http()
            .new_incoming_request(Scheme::Http, request)?;
        let outparam = store.data_mut().http().new_response_outparam(sender)?;
        let fuel = self.ctx.limits.fuel;
        let timeout = self.ctx.timeout();
        // The guest may keep writing the body after it sent the head, so it runs on its own task.
        let guest = tokio::spawn(async move {
            let call = async {
                let instance = prepared.instantiate(&mut store).await?;
                let proxy = Proxy::new(&mut store, &instance)?;
                proxy
                    .wasi_http_incoming_handler()
                    .call_handle(&mut store, incoming, outparam)
                    .await
            };
            match timeout {
                Some(limit) => tokio::time::timeout(limit, call)
                    .await
                    .map_err(|_| wasmtime::format_err!("the request timed out after {limit:?}"))?,
                None => call.await,
            }
        });
        match receiver.await {
            Ok(Ok(response)) => Ok(response),
            Ok(Err(code)) => Err(wasmtime::format_err!(
                "the guest answered with an error: {code:?}"
            )),
            Err(_) => {
                let reason = match guest.await {
                    Ok(Ok(())) => "it returned without setting a response".to_string(),
                    Ok(Err(error)) => outcome::of_error(&error, fuel).summary(),
                    Err(join) => join.to_string(),
                };
                Err(wasmtime::format_err!("the guest did not respond: {reason}"))
            }
        }
    }
}
