//! [`Runtime`]: starts runs, invocations and servers, each on its own task with its own event
//! stream and Stop.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::{mpsc, watch};

use super::context::{Job, RunContext, Swap};
use super::engine::{ComponentSource, Engines};
use super::events::RunEvent;
use super::queue::{EventQueue, OutputPolicy};
use super::session::SessionLines;
use super::{CapabilityProfile, Limits, RunError, command, invoke, outcome, serve, session};

/// Where compiled code is cached and other runtime-wide settings.
#[derive(Debug, Clone, Default)]
pub struct RuntimeOptions {
    /// The compile cache directory; `None` disables the disk cache.
    pub cache_dir: Option<PathBuf>,
    /// Start the first run of new bytes on quickly compiled code (Winch) and compile the
    /// optimized code (Cranelift) in the background for later runs. Off: every run waits for
    /// optimized code.
    pub quick_first: bool,
}

impl RuntimeOptions {
    /// What the app and the CLI use: the compile cache in [`default_cache_dir`], quick first.
    pub fn with_default_cache() -> Self {
        Self {
            cache_dir: default_cache_dir(),
            quick_first: true,
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
    pub(crate) engines: Arc<Engines>,
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
            engines: Arc::new(Engines::new(options.cache_dir, options.quick_first)?),
            tokio: Some(tokio),
        })
    }

    /// How many times a compiler ran since this runtime was made (cache hits do not count).
    pub fn compile_count(&self) -> u64 {
        self.engines.compile_count()
    }

    /// Whether optimized code is still compiling, or compiled code being cached, in the
    /// background.
    pub fn background_work_pending(&self) -> bool {
        self.engines.background_pending()
    }

    /// The components whose optimized code is still compiling (or being written) in the
    /// background: a short-lived process that will not wait hands them to
    /// [`Runtime::cache_optimized`] in another process.
    pub fn optimized_code_not_cached(&self) -> Vec<ComponentSource> {
        self.engines.optimized_code_not_cached()
    }

    /// Waits until the compiled code made so far is written to the disk cache, not for the
    /// compilations still running (see [`Runtime::optimized_code_not_cached`]).
    pub fn finish_cache_writes(&self) {
        let engines = self.engines.clone();
        self.handle()
            .block_on(async move { engines.finish_writes().await });
    }

    /// Compiles the optimized code of `component` into the disk cache, unless it is there
    /// already, and waits until it is written.
    ///
    /// # Errors
    /// [`RunError`] when it does not compile.
    pub fn cache_optimized(&self, component: ComponentSource) -> Result<(), RunError> {
        let engines = self.engines.clone();
        self.handle().block_on(async move {
            let tier = engines.optimized_for(&[&component]);
            engines.component(tier, &component, None).await?;
            engines.finish_background().await;
            Ok(())
        })
    }

    /// Waits until the optimized code compiling in the background (after quick first runs) is
    /// done, and compiled code is written to the disk cache: a short-lived process calls this
    /// before it exits.
    pub fn finish_background_work(&self) {
        let engines = self.engines.clone();
        self.handle()
            .block_on(async move { engines.finish_background().await });
    }

    /// Runs a command (`wasi:cli/run`).
    pub fn run(&self, request: RunRequest) -> RunHandle {
        self.start_single(request, Operation::Run)
    }

    /// Calls one exported function, written as a WAVE call: `reverse("abc")`. The function may be
    /// named plainly when unambiguous, or as `interface#name` / `ns:pkg/iface@1.0.0#name`.
    pub fn invoke(&self, request: RunRequest, call: String) -> RunHandle {
        self.start_single(request, Operation::Invoke { call })
    }

    /// Opens an invoke session on one instance of the component: the lines sent through the
    /// [`super::SessionCalls`] that `lines` came with run in order (see
    /// [`Operation::Session`]); dropping it closes the session.
    pub fn session(&self, request: RunRequest, lines: SessionLines) -> RunHandle {
        self.start_single(request, Operation::Session { lines })
    }

    /// Serves a `wasi:http/proxy` component on `address` until stopped.
    pub fn serve(&self, request: RunRequest, address: SocketAddr) -> RunHandle {
        self.start_single(request, Operation::Serve { address })
    }

    /// Compiles (or loads from the cache) without running, so a later run starts at once. Only
    /// compiles: a component importing what another node provides precompiles too, and a run of
    /// it later reports what is missing.
    pub fn precompile(&self, component: ComponentSource) -> RunHandle {
        self.start_single(RunRequest::new(component), Operation::Prepare)
    }

    fn start_single(&self, request: RunRequest, operation: Operation) -> RunHandle {
        let job = Job::single(&request);
        self.start_job(job, request.limits, request.output, operation, Vec::new())
    }

    /// Starts `operation` on `job` with a fresh event queue, announcing `notices` first.
    pub(crate) fn start_job(
        &self,
        job: Job,
        limits: Limits,
        output: OutputPolicy,
        operation: Operation,
        notices: Vec<RunEvent>,
    ) -> RunHandle {
        self.start(job, limits, output, move |ctx| async move {
            for notice in notices {
                ctx.queue.push(notice);
            }
            let (queue, tap) = (ctx.queue.clone(), ctx.tap());
            let terminal = match operation {
                Operation::Run => command::run(ctx).await,
                Operation::Invoke { call } => invoke::invoke(ctx, call).await,
                Operation::Session { lines } => session::session(ctx, lines).await,
                Operation::Serve { address } => serve::serve(ctx, address).await,
                Operation::Prepare => match ctx.compile().await {
                    Ok(_) => RunEvent::Exited { code: 0 },
                    Err(e) => outcome::failed(e),
                },
            };
            if let Some(tap) = tap {
                queue.push(tap.totals());
            }
            terminal
        })
    }

    fn handle(&self) -> tokio::runtime::Handle {
        match &self.tokio {
            Some(runtime) => runtime.handle().clone(),
            // Only `drop` takes the runtime out.
            None => tokio::runtime::Handle::current(),
        }
    }

    fn start<F, Fut>(&self, job: Job, limits: Limits, output: OutputPolicy, body: F) -> RunHandle
    where
        F: FnOnce(RunContext) -> Fut + Send + 'static,
        Fut: Future<Output = RunEvent> + Send + 'static,
    {
        let handle = self.handle();
        // Events carry at most 64 KiB of output each: 16 of them bound what waits for a slow
        // watcher to about a megabyte.
        let (sender, events) = mpsc::channel(16);
        let queue = EventQueue::start(output, sender, &handle);
        let (stop, stopped) = watch::channel(false);
        let (swap, swaps) = watch::channel(None);
        let context = RunContext::new(
            self.engines.clone(),
            Arc::new(job),
            limits,
            queue.clone(),
            stopped,
            swaps,
        );
        handle.spawn(async move {
            // A panic in the host's own code ends the run with a failure rather than leaving
            // its watcher waiting for an end that never comes.
            let terminal = match tokio::spawn(body(context)).await {
                Ok(terminal) => terminal,
                Err(error) => outcome::failed(RunError::Host {
                    message: format!("Plugboard failed while running this: {}", panic_text(error)),
                }),
            };
            queue.finish(terminal);
        });
        RunHandle {
            events,
            stop: Stopper(Arc::new(stop)),
            swap: Swapper(Arc::new(swap)),
        }
    }
}

/// What a failed run task said: its panic message, or that it was cancelled.
fn panic_text(error: tokio::task::JoinError) -> String {
    match error.try_into_panic() {
        Ok(panic) => panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_string()),
        Err(error) => error.to_string(),
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
    swap: Swapper,
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

    /// A handle that can give a server new code from elsewhere (see
    /// [`Runtime::swap_project`]).
    pub fn swapper(&self) -> Swapper {
        self.swap.clone()
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

/// Gives a running server new code: hot reload without closing its port. Only servers take a
/// swap; runs and invocations ignore it. Cloneable and usable from any thread.
#[derive(Clone)]
pub struct Swapper(Arc<watch::Sender<Option<Arc<Swap>>>>);

impl std::fmt::Debug for Swapper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Swapper")
    }
}

impl Swapper {
    /// Hands `job` to the server, announcing `notices` when it is swapped in.
    pub(crate) fn send(&self, job: Job, notices: Vec<RunEvent>) {
        self.0.send_replace(Some(Arc::new(Swap {
            job: Arc::new(job),
            notices,
        })));
    }
}

/// What to do with a job.
#[derive(Debug, Clone)]
pub enum Operation {
    /// Run the root's `wasi:cli/run`.
    Run,
    /// Call one function of the root, written as a WAVE call.
    Invoke {
        /// `name(args…)`.
        call: String,
    },
    /// Keep one instance of the root and call its functions, a WAVE line at a time, until the
    /// lines end: `b = bucket("x")`, `b.get("k")`, `drop b` (see [`super::SessionCalls`]).
    Session {
        /// Where the lines come from.
        lines: SessionLines,
    },
    /// Serve the root's `wasi:http/incoming-handler` on this address.
    Serve {
        /// Where to listen (`127.0.0.1:0` picks a free port).
        address: SocketAddr,
    },
    /// Only compile, so a later run starts at once.
    Prepare,
}
