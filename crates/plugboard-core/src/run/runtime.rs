//! [`Runtime`]: starts runs, invocations and servers, each on its own task with its own event
//! stream and Stop.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use wasmtime::Store;
use wasmtime::component::{Instance, InstancePre};

use super::engine::{ComponentSource, Engines, Tier};
use super::events::RunEvent;
use super::host::{HostState, NodeGrant};
use super::linked::{LinkPlan, LinkedPrepared};
use super::queue::{EventQueue, OutputPolicy};
use super::{CapabilityProfile, Limits, RunError, command, invoke, serve};

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

    /// Runs, invokes or serves a linked project (see [`super::LinkPlan`]).
    pub fn run_linked(
        &self,
        plan: LinkPlan,
        limits: Limits,
        output: OutputPolicy,
        operation: Operation,
    ) -> RunHandle {
        self.start_job(
            Job::Linked(Arc::new(plan)),
            limits,
            output,
            operation,
            Vec::new(),
        )
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
            match operation {
                Operation::Run => command::run(ctx).await,
                Operation::Invoke { call } => invoke::invoke(ctx, call).await,
                Operation::Serve { address } => serve::serve(ctx, address).await,
                Operation::Prepare => match ctx.compile().await {
                    Ok(_) => RunEvent::Exited { code: 0 },
                    Err(e) => RunEvent::Failed {
                        message: e.to_string(),
                    },
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
        let context = RunContext {
            engines: self.engines.clone(),
            job: Arc::new(job),
            limits,
            queue: queue.clone(),
            stopped,
            swaps,
        };
        handle.spawn(async move {
            let terminal = body(context).await;
            queue.finish(terminal);
        });
        RunHandle {
            events,
            stop: Stopper(Arc::new(stop)),
            swap: Swapper(Arc::new(swap)),
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

/// New code for a server, with what to announce when it takes over.
pub(crate) struct Swap {
    pub(crate) job: Arc<Job>,
    pub(crate) notices: Vec<RunEvent>,
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
    /// Serve the root's `wasi:http/incoming-handler` on this address.
    Serve {
        /// Where to listen (`127.0.0.1:0` picks a free port).
        address: SocketAddr,
    },
    /// Only compile, so a later run starts at once.
    Prepare,
}

/// The code a run executes: one component, or a linked project.
pub(crate) enum Job {
    Single {
        component: ComponentSource,
        // Boxed: a run holds one job, and the enum's variants stay alike in size.
        capabilities: Box<CapabilityProfile>,
    },
    Linked(Arc<LinkPlan>),
}

impl Job {
    pub(crate) fn single(request: &RunRequest) -> Self {
        Self::Single {
            component: request.component.clone(),
            capabilities: Box::new(request.capabilities.clone()),
        }
    }

    fn sources(&self) -> Vec<&ComponentSource> {
        match self {
            Self::Single { component, .. } => vec![component],
            Self::Linked(plan) => plan.nodes.iter().map(|n| &n.source).collect(),
        }
    }
}

/// A job compiled and type-checked, ready to instantiate in any number of stores of its tier.
#[derive(Clone)]
pub(crate) struct Prepared {
    tier: Tier,
    code: PreparedCode,
    /// The job, for the grants of each store made for it.
    job: Arc<Job>,
}

#[derive(Clone)]
enum PreparedCode {
    Single(InstancePre<HostState>),
    Linked(Arc<LinkedPrepared>),
}

impl Prepared {
    /// The pre-instantiated root: what is run, served or invoked.
    pub(crate) fn root(&self) -> &InstancePre<HostState> {
        match &self.code {
            PreparedCode::Single(pre) => pre,
            // A plan always has its root among its nodes.
            PreparedCode::Linked(linked) => &linked.pres[linked.plan.root],
        }
    }

    /// Instantiates the job in `store` and returns the root's instance.
    pub(crate) async fn instantiate(
        &self,
        store: &mut Store<HostState>,
    ) -> wasmtime::Result<Instance> {
        match &self.code {
            PreparedCode::Single(pre) => pre.instantiate_async(store).await,
            PreparedCode::Linked(linked) => linked.plan.instantiate(&linked.pres, store).await,
        }
    }
}

/// What a run's task works with.
pub(crate) struct RunContext {
    engines: Arc<Engines>,
    job: Arc<Job>,
    pub(crate) limits: Limits,
    pub(crate) queue: Arc<EventQueue>,
    stopped: watch::Receiver<bool>,
    swaps: watch::Receiver<Option<Arc<Swap>>>,
}

/// How a guarded future ended.
pub(crate) enum Guarded<T> {
    Done(T),
    Stopped,
    TimedOut(u64),
}

impl RunContext {
    /// Compiles (or fetches from the caches) every component of the job and type-checks it
    /// against its linker, on the tier [`Engines::pick`] chooses. Code the quick compiler cannot
    /// handle is compiled optimized instead.
    pub(crate) async fn prepare(&self) -> Result<Prepared, RunError> {
        self.prepare_job(&self.job).await
    }

    /// [`Self::prepare`] for another job under this run's limits: a server's new code.
    pub(crate) async fn prepare_job(&self, job: &Arc<Job>) -> Result<Prepared, RunError> {
        let sources = job.sources();
        let tier = self.engines.pick(self.limits.fuel.is_some(), &sources);
        let prepared = match self.prepare_on(tier, job).await {
            Err(RunError::Compile { .. }) if tier == Tier::Quick => {
                self.prepare_on(Tier::Optimized, job).await
            }
            other => other,
        }?;
        if prepared.tier == Tier::Quick {
            self.engines.optimize_in_background(&sources);
        }
        Ok(prepared)
    }

    /// Compiles (or fetches from the caches) every component of the job without linking it, so
    /// a component whose imports other nodes provide (which no linker has yet) is ready for the
    /// linked run that wires it. Code the quick compiler cannot handle is compiled optimized.
    pub(crate) async fn compile(&self) -> Result<(), RunError> {
        let sources = self.job.sources();
        let tier = self.engines.pick(self.limits.fuel.is_some(), &sources);
        for source in &sources {
            match self
                .engines
                .component(tier, source, Some(&self.queue))
                .await
            {
                Err(RunError::Compile { .. }) if tier == Tier::Quick => {
                    self.engines
                        .component(Tier::Optimized, source, Some(&self.queue))
                        .await?;
                }
                other => {
                    other?;
                }
            }
        }
        if tier == Tier::Quick {
            self.engines.optimize_in_background(&sources);
        }
        Ok(())
    }

    async fn prepare_on(&self, tier: Tier, job: &Arc<Job>) -> Result<Prepared, RunError> {
        let code = match job.as_ref() {
            Job::Single { component, .. } => {
                PreparedCode::Single(self.engines.prepare(tier, component, &self.queue).await?)
            }
            Job::Linked(plan) => {
                let linkers = plan.linkers(&self.engines.linker(tier)?)?;
                let mut pres = Vec::with_capacity(plan.nodes.len());
                for (node, linker) in plan.nodes.iter().zip(&linkers) {
                    let component = self
                        .engines
                        .component(tier, &node.source, Some(&self.queue))
                        .await?;
                    let pre = linker.instantiate_pre(&component).map_err(|e| {
                        match RunError::missing_import(&e) {
                            RunError::MissingImport { name, hint } => RunError::MissingImport {
                                name: format!("{name}` of node `{}", node.id),
                                hint,
                            },
                            other => other,
                        }
                    })?;
                    pres.push(pre);
                }
                PreparedCode::Linked(Arc::new(LinkedPrepared {
                    plan: plan.clone(),
                    pres,
                }))
            }
        };
        Ok(Prepared {
            tier,
            code,
            job: job.clone(),
        })
    }

    /// A fresh store for `prepared`'s tier with its job's grants and the run's limits.
    pub(crate) fn store(&self, prepared: &Prepared) -> Result<Store<HostState>, RunError> {
        let grants: Vec<NodeGrant<'_>> = match prepared.job.as_ref() {
            Job::Single {
                component,
                capabilities,
            } => vec![NodeGrant {
                node: None,
                program: &component.name,
                profile: capabilities,
            }],
            Job::Linked(plan) => plan
                .nodes
                .iter()
                .map(|node| NodeGrant {
                    node: Some(node.id.as_str()),
                    program: &node.source.name,
                    profile: &node.profile,
                })
                .collect(),
        };
        let slot = self.engines.slot(prepared.tier)?;
        let state = HostState::new(&grants, &self.limits, &self.queue)?;
        let mut store = Store::new(&slot.engine, state);
        store.limiter(|state| &mut state.limiter);
        if let Some(fuel) = self.limits.fuel {
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
        let timeout = self.limits.timeout();
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

    /// New code for a server, as [`Swapper`]s send it: the latest only.
    pub(crate) fn swaps(&self) -> watch::Receiver<Option<Arc<Swap>>> {
        self.swaps.clone()
    }

    /// A signal that resolves when the run is asked to stop.
    pub(crate) fn stop_signal(&self) -> StopSignal {
        StopSignal(self.stopped.clone())
    }

    /// The per-call timeout, for servers that apply it to each request.
    pub(crate) fn timeout(&self) -> Option<Duration> {
        self.limits.timeout()
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
