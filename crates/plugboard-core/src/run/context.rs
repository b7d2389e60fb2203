//! What a run's task works with: its job (the code), its limits, its event queue, its Stop and
//! (for a server) the new code it may be given. The verbs (`command`, `invoke`, `serve`) take a
//! [`RunContext`] and ask it to prepare the job, make stores and guard the guest's work; the
//! [`super::Runtime`] makes one per run.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use wasmtime::Store;
use wasmtime::component::{Instance, InstancePre};

use super::engine::{ComponentSource, Engines, Tier};
use super::events::RunEvent;
use super::host::{HostState, NodeGrant};
use super::linked::{LinkPlan, LinkedPrepared};
use super::queue::EventQueue;
use super::stub::PlannedStub;
use super::tap::Tap;
use super::{CapabilityProfile, Limits, RunError};

/// New code for a server, with what to announce when it takes over.
pub(crate) struct Swap {
    pub(crate) job: Arc<Job>,
    pub(crate) notices: Vec<RunEvent>,
}

/// The code a run executes: one component, or a linked project.
pub(crate) enum Job {
    Single {
        component: ComponentSource,
        // Boxed: a run holds one job, and the enum's variants stay alike in size.
        capabilities: Box<CapabilityProfile>,
        /// Stubs answering its imports (a fused project's).
        stubs: Vec<PlannedStub>,
    },
    Linked(Arc<LinkPlan>),
}

impl Job {
    pub(crate) fn single(request: &super::RunRequest) -> Self {
        Self::single_stubbed(request, Vec::new())
    }

    /// One component whose imports `stubs` answer (a fused project's stubs).
    pub(crate) fn single_stubbed(request: &super::RunRequest, stubs: Vec<PlannedStub>) -> Self {
        Self::Single {
            component: request.component.clone(),
            capabilities: Box::new(request.capabilities.clone()),
            stubs,
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

    /// Whether it runs on an engine with the component model's async support (WASI 0.3).
    pub(crate) fn is_asynchronous(&self) -> bool {
        self.tier.asynchronous
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
    /// A context for one run of `job`.
    pub(crate) fn new(
        engines: Arc<Engines>,
        job: Arc<Job>,
        limits: Limits,
        queue: Arc<EventQueue>,
        stopped: watch::Receiver<bool>,
        swaps: watch::Receiver<Option<Arc<Swap>>>,
    ) -> Self {
        Self {
            engines,
            job,
            limits,
            queue,
            stopped,
            swaps,
        }
    }

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
            Err(RunError::Compile { .. }) if tier.is_quick() => {
                self.prepare_on(tier.optimized(), job).await
            }
            other => other,
        }?;
        if prepared.tier.is_quick() {
            self.engines.optimize_in_background(prepared.tier, &sources);
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
                Err(RunError::Compile { .. }) if tier.is_quick() => {
                    self.engines
                        .component(tier.optimized(), source, Some(&self.queue))
                        .await?;
                }
                other => {
                    other?;
                }
            }
        }
        if tier.is_quick() {
            self.engines.optimize_in_background(tier, &sources);
        }
        Ok(())
    }

    async fn prepare_on(&self, tier: Tier, job: &Arc<Job>) -> Result<Prepared, RunError> {
        let code = match job.as_ref() {
            Job::Single {
                component, stubs, ..
            } if stubs.is_empty() => {
                PreparedCode::Single(self.engines.prepare(tier, component, &self.queue).await?)
            }
            Job::Single {
                component, stubs, ..
            } => {
                let compiled = self
                    .engines
                    .component(tier, component, Some(&self.queue))
                    .await?;
                let mut linker = self.engines.linker(tier)?;
                for planned in stubs {
                    super::stub::define(&mut linker, &compiled, planned)?;
                }
                let stubbed: Vec<&str> = stubs.iter().map(|s| s.import.as_str()).collect();
                PreparedCode::Single(super::linker::instantiate_pre(
                    &linker, &compiled, &stubbed,
                )?)
            }
            Job::Linked(plan) => {
                let mut linkers = plan.linkers(&self.engines.linker(tier)?)?;
                let mut pres = Vec::with_capacity(plan.nodes.len());
                for (index, (node, linker)) in plan.nodes.iter().zip(&mut linkers).enumerate() {
                    let component = self
                        .engines
                        .component(tier, &node.source, Some(&self.queue))
                        .await
                        .map_err(|e| e.of_node(&node.id))?;
                    plan.define_stubs(index, linker, &component)?;
                    let wired = plan.wired_imports(index);
                    let pre = super::linker::instantiate_pre(linker, &component, &wired)
                        .map_err(|e| e.of_node(&node.id))?;
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
                ..
            } => vec![NodeGrant {
                node: None,
                program: &component.name,
                profile: capabilities,
            }],
            Job::Linked(plan) => plan
                .nodes
                .iter()
                .map(|node| NodeGrant {
                    // With async support the host cannot tell whose code runs (see
                    // `LinkPlan::for_async_engine`): every node has the same grants, and the log
                    // names none.
                    node: (!plan.asynchronous).then_some(node.id.as_str()),
                    program: &node.source.name,
                    profile: &node.profile,
                })
                .collect(),
        };
        let slot = self.engines.slot(prepared.tier)?;
        let state = HostState::new(&grants, &self.limits, &self.queue)?;
        let mut store = Store::new(&slot.engine, state);
        store.limiter(|state| state);
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

    /// The wire tap of the job, when it records its calls.
    pub(crate) fn tap(&self) -> Option<Arc<Tap>> {
        match self.job.as_ref() {
            Job::Linked(plan) => plan.tap.clone(),
            Job::Single { .. } => None,
        }
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
