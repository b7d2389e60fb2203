//! [`Runtime`]: starts runs, invocations and servers, each on its own task with its own event
//! stream and Stop.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use wasmtime::Store;
use wasmtime::component::InstancePre;

use super::engine::{ComponentSource, Engines};
use super::events::RunEvent;
use super::host::HostState;
use super::queue::{EventQueue, OutputPolicy};
use super::{CapabilityProfile, Limits, RunError, command, invoke, serve};

/// Where compiled code is cached and other runtime-wide settings.
#[derive(Debug, Clone, Default)]
pub struct RuntimeOptions {
    /// The compile cache directory; `None` disables the disk cache. [`RuntimeOptions::default`]
    /// uses [`default_cache_dir`].
    pub cache_dir: Option<PathBuf>,
}

impl RuntimeOptions {
    /// The default options: the compile cache in [`default_cache_dir`].
    pub fn with_default_cache() -> Self {
        Self {
            cache_dir: default_cache_dir(),
        }
    }
}

/// `$PLUGBOARD_CACHE_DIR`, else `$XDG_CACHE_HOME/plugboard/compiled`, else
/// `~/.cache/plugboard/compiled`.
pub fn default_cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PLUGBOARD_CACHE_DIR") {
        return Some(PathBuf::from(dir));
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))?;
    Some(base.join("plugboard").join("compiled"))
}

/// What to run and under which grants and limits.
#[derive(Debug, Clone)]
pub struct RunRequest {
    /// The component (a file, or a composition's bytes).
    pub component: ComponentSource,
    /// What the host grants.
    pub capabilities: CapabilityProfile,
    /// How long and how big.
    pub limits: Limits,
    /// What happens to output the watcher cannot keep up with.
    pub output: OutputPolicy,
}

impl RunRequest {
    /// A request with the default (deny-all) capabilities and default limits.
    pub fn new(component: ComponentSource) -> Self {
        Self {
            component,
            capabilities: CapabilityProfile::default(),
            limits: Limits::default(),
            output: OutputPolicy::default(),
        }
    }
}

/// Runs components. Cheap to share (`Arc`); each run gets its own store and task.
pub struct Runtime {
    engines: Arc<Engines>,
    tokio: Option<tokio::runtime::Runtime>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("compiles", &self.compile_count())
            .finish()
    }
}

impl Runtime {
    /// A runtime with its own worker threads.
    ///
    /// # Errors
    /// [`RunError::Host`] if the engine or the threads cannot be created.
    pub fn new(options: RuntimeOptions) -> Result<Self, RunError> {
        let tokio = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("plugboard-run")
            .enable_all()
            .build()
            .map_err(RunError::host)?;
        Ok(Self {
            engines: Arc::new(Engines::new(options.cache_dir)?),
            tokio: Some(tokio),
        })
    }

    /// How many times the compiler ran since this runtime was made (cache hits do not count).
    pub fn compile_count(&self) -> u64 {
        self.engines.compile_count()
    }

    /// Runs a command (`wasi:cli/run`).
    pub fn run(&self, request: RunRequest) -> RunHandle {
        self.start(request, command::run)
    }

    /// Calls one exported function, written as a WAVE call: `reverse("abc")`. The function may be
    /// named plainly when unambiguous, or as `interface#name` / `ns:pkg/iface@1.0.0#name`.
    pub fn invoke(&self, request: RunRequest, call: String) -> RunHandle {
        self.start(request, move |ctx| invoke::invoke(ctx, call))
    }

    /// Serves a `wasi:http/proxy` component on `address` until stopped.
    pub fn serve(&self, request: RunRequest, address: SocketAddr) -> RunHandle {
        self.start(request, move |ctx| serve::serve(ctx, address))
    }

    /// Compiles (or loads from the cache) without running, so a later run starts at once.
    pub fn precompile(&self, component: ComponentSource) -> RunHandle {
        self.start(RunRequest::new(component), |ctx| async move {
            match ctx.prepare().await {
                Ok(_) => RunEvent::Exited { code: 0 },
                Err(e) => RunEvent::Failed {
                    message: e.to_string(),
                },
            }
        })
    }

    fn handle(&self) -> tokio::runtime::Handle {
        match &self.tokio {
            Some(runtime) => runtime.handle().clone(),
            // Only `drop` takes the runtime out.
            None => tokio::runtime::Handle::current(),
        }
    }

    fn start<F, Fut>(&self, request: RunRequest, body: F) -> RunHandle
    where
        F: FnOnce(RunContext) -> Fut + Send + 'static,
        Fut: Future<Output = RunEvent> + Send + 'static,
    {
        let handle = self.handle();
        let (sender, events) = mpsc::channel(64);
        let queue = EventQueue::start(request.output, sender, &handle);
        let (stop, stopped) = watch::channel(false);
        let context = RunContext {
            engines: self.engines.clone(),
            request,
            queue: queue.clone(),
            stopped,
        };
        handle.spawn(async move {
            let terminal = body(context).await;
            queue.finish(terminal);
        });
        RunHandle {
            events,
            stop: Stopper(Arc::new(stop)),
        }
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        // Dropping a tokio runtime inside another one's async context panics; let it wind down
        // in the background instead.
        if let Some(runtime) = self.tokio.take() {
            runtime.shutdown_background();
        }
    }
}

/// The events and the Stop of one run.
#[derive(Debug)]
pub struct RunHandle {
    events: mpsc::Receiver<RunEvent>,
    stop: Stopper,
}

impl RunHandle {
    /// The next event, waiting for it; `None` after the terminal event.
    pub async fn next(&mut self) -> Option<RunEvent> {
        self.events.recv().await
    }

    /// The next event, blocking this thread (not for use inside an async runtime).
    pub fn next_blocking(&mut self) -> Option<RunEvent> {
        self.events.blocking_recv()
    }

    /// Every event until the end (blocking).
    pub fn collect_blocking(mut self) -> Vec<RunEvent> {
        let mut events = Vec::new();
        while let Some(event) = self.next_blocking() {
            events.push(event);
        }
        events
    }

    /// Stops the run: it ends with [`RunEvent::Stopped`] shortly, wherever the guest is.
    pub fn stop(&self) {
        self.stop.stop();
    }

    /// A handle that can stop the run from elsewhere.
    pub fn stopper(&self) -> Stopper {
        self.stop.clone()
    }
}

/// Stops one run; cloneable and usable from any thread.
#[derive(Debug, Clone)]
pub struct Stopper(Arc<watch::Sender<bool>>);

impl Stopper {
    /// Asks the run to stop. Idempotent.
    pub fn stop(&self) {
        self.0.send_replace(true);
    }
}

/// What a run's task works with.
pub(crate) struct RunContext {
    engines: Arc<Engines>,
    pub(crate) request: RunRequest,
    pub(crate) queue: Arc<EventQueue>,
    stopped: watch::Receiver<bool>,
}

/// How a guarded future ended.
pub(crate) enum Guarded<T> {
    Done(T),
    Stopped,
    TimedOut(u64),
}

impl RunContext {
    /// The pre-instantiated component, compiled if needed.
    pub(crate) async fn prepare(&self) -> Result<InstancePre<HostState>, RunError> {
        self.engines
            .prepare(
                self.request.limits.fuel.is_some(),
                &self.request.component,
                &self.queue,
            )
            .await
    }

    /// A fresh store with the request's grants and limits.
    pub(crate) fn store(&self) -> Result<Store<HostState>, RunError> {
        let request = &self.request;
        let slot = self.engines.slot(request.limits.fuel.is_some())?;
        let state = HostState::new(
            &request.component.name,
            &request.capabilities,
            request.limits.max_memory_bytes,
            &self.queue,
        )?;
        let mut store = Store::new(&slot.engine, state);
        store.limiter(|state| &mut state.limiter);
        if let Some(fuel) = request.limits.fuel {
            store.set_fuel(fuel).map_err(RunError::host)?;
        }
        // Yield to the executor at every epoch tick, so Stop and the timeout are seen even
        // while the guest spins.
        store.epoch_deadline_async_yield_and_update(1);
        Ok(store)
    }

    /// Runs `work` until it finishes, the run is stopped, or the timeout passes. Dropping `work`
    /// early cancels the guest wherever it is (in wasm or waiting in a host call).
    pub(crate) async fn guard<T>(&mut self, work: impl Future<Output = T>) -> Guarded<T> {
        let timeout = self.request.limits.timeout();
        let deadline = async {
            match timeout {
                Some(limit) => tokio::time::sleep(limit).await,
                None => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            result = work => Guarded::Done(result),
            () = wait_stopped(&mut self.stopped) => Guarded::Stopped,
            () = deadline => Guarded::TimedOut(timeout.map(|t| t.as_millis() as u64).unwrap_or_default()),
        }
    }

    /// A signal that resolves when the run is asked to stop.
    pub(crate) fn stop_signal(&self) -> StopSignal {
        StopSignal(self.stopped.clone())
    }

    /// The per-call timeout, for servers that apply it to each request.
    pub(crate) fn timeout(&self) -> Option<Duration> {
        self.request.limits.timeout()
    }
}

/// Resolves when a run is asked to stop.
pub(crate) struct StopSignal(watch::Receiver<bool>);

impl StopSignal {
    pub(crate) async fn stopped(&mut self) {
        wait_stopped(&mut self.0).await;
    }
}

async fn wait_stopped(stopped: &mut watch::Receiver<bool>) {
    // An error means the handle was dropped: nobody can ask to stop any more.
    if stopped.wait_for(|stop| *stop).await.is_err() {
        std::future::pending::<()>().await;
    }
}
