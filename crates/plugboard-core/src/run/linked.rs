//! Linked runs: each node's component compiled on its own (and cached by its own hash),
//! instantiated in one store, and wired by the host at run time.
//!
//! Every function of a wired import is a host function that forwards the call, values and all,
//! to the wired export of the other node. Before the call it switches the store's current node,
//! so the WASI calls made on the other side are served with that node's grants, and switches
//! back after. Rewiring therefore only changes which export a slot forwards to: nothing is
//! compiled again. Resources the import defines cross as proxies (see [`super::proxy`]).

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

use wasmtime::component::{
    Accessor, Func, Instance, InstancePre, Linker, ResourceType, Val, types::ComponentFunc,
};
use wasmtime::{AsContextMut, Store, StoreContextMut};

use super::RunError;
use super::engine::ComponentSource;
use super::events::WireCall;
use super::host::HostState;
use super::outcome::TrappedIn;
use super::proxy;
use super::queue::EventQueue;
use super::relay::relay_results;
use super::stub::{self, PlannedStub};
use super::tap::{SlotLabel, Tap};
use crate::compose::NodeComponents;
use crate::inspect::{FunctionInfo, Port, PortKind, TypeShape};
use crate::project::{NodeId, Project, Wire};
use crate::run::CapabilityProfile;

/// A project laid out for a linked run: nodes in instantiation order (providers first), and one
/// forward per function of every wired import.
#[derive(Debug, Clone)]
pub struct LinkPlan {
    pub(crate) nodes: Vec<LinkedNode>,
    forwards: Vec<Forward>,
    /// The stubs, each with the index of the node whose import it answers.
    stubs: Vec<(usize, PlannedStub)>,
    pub(crate) root: usize,
    /// The wire tap, when the run records its calls.
    pub(crate) tap: Option<Arc<Tap>>,
    /// Whether it runs on an engine with the component model's async support (WASI 0.3): its
    /// wires are then forwarded concurrently (see [`LinkPlan::for_async_engine`]).
    pub(crate) asynchronous: bool,
}

/// One node of a linked run.
#[derive(Debug, Clone)]
pub(crate) struct LinkedNode {
    pub(crate) id: NodeId,
    pub(crate) source: ComponentSource,
    pub(crate) profile: CapabilityProfile,
}

/// One forwarded function: the slot is its index in [`LinkPlan::forwards`].
#[derive(Debug, Clone)]
struct Forward {
    /// The wire it belongs to (its index in the project's wires).
    wire: usize,
    consumer: usize,
    import: String,
    /// The function inside the imported instance, or `None` for a top-level function import.
    function: Option<String>,
    provider: usize,
    export: String,
    /// The resources the import defines, each with the key of the consumer's proxy type.
    resources: Vec<(String, u32)>,
    /// Whether the function's values may hold handles (the others take the fast path).
    handles: bool,
}

/// Why a project cannot run linked (it then runs fused), with the node and port it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// The wires form a cycle.
    #[error("the wires form a cycle through {}", crate::compose::path_text(.nodes))]
    Cycle {
        /// The nodes along it.
        nodes: Vec<NodeId>,
    },
    /// A wire or the root names a node the project does not have, or a node has no component.
    #[error("node `{node}` is not in the project, or has no component")]
    UnknownNode {
        /// The node.
        node: NodeId,
    },
    /// A wire names a port its node does not have.
    #[error("node `{node}` has no {direction} `{port}`")]
    UnknownPort {
        /// The node.
        node: NodeId,
        /// The port.
        port: String,
        /// `import` or `export`.
        direction: &'static str,
    },
    /// A function of an import passes a handle to a resource another (non-WASI) interface
    /// defines.
    #[error(
        "`{function}` of import `{port}` (node `{node}`) passes a `{resource}` handle, a resource another interface defines; linked runs forward only the resources a wired interface defines itself, and WASI's"
    )]
    ForeignResource {
        /// The consuming node.
        node: NodeId,
        /// Its import.
        port: String,
        /// The function.
        function: String,
        /// The resource.
        resource: String,
    },
    /// A node uses WASI 0.3, and a wire carries a function that is not async.
    #[error(
        "the project uses WASI 0.3 (the component model's async support), where a call the host forwards between nodes must be async, and `{function}` on the wire {wire} is not"
    )]
    PlainFunctionWithAsync {
        /// The wire (boxed, as below).
        wire: Box<Wire>,
        /// The function.
        function: String,
    },
    /// A node uses WASI 0.3, and a wire carries a resource.
    #[error(
        "the project uses WASI 0.3 (the component model's async support), and the wire {wire} carries the resource `{resource}`: resources cross linked wires only without it yet"
    )]
    ResourceWithAsync {
        /// The wire.
        wire: Box<Wire>,
        /// The resource.
        resource: String,
    },
    /// A node uses WASI 0.3, and the nodes' grants differ.
    #[error(
        "the project uses WASI 0.3, whose calls of different nodes interleave so that the host cannot tell whose code makes a WASI call: its nodes run linked only with the same grants, and {differ}"
    )]
    GrantsDifferWithAsync {
        /// How they differ.
        differ: String,
    },
    /// The export offers an imported function with other types.
    #[error(
        "on the wire {wire}, `{function}` is exported as `{offered}` but imported as `{needed}`"
    )]
    OtherTypes {
        /// The wire (boxed: a wire is large, and this error is returned often).
        wire: Box<Wire>,
        /// The function.
        function: String,
        /// Its signature as exported.
        offered: String,
        /// Its signature as imported.
        needed: String,
    },
    /// The export lacks a function the import needs.
    #[error("on the wire {wire}, `{}` exports no `{function}`", wire.from.node)]
    MissingFunction {
        /// The wire (boxed, as above).
        wire: Box<Wire>,
        /// The function.
        function: String,
    },
}

impl LinkError {
    /// The node the problem is about.
    pub fn node(&self) -> Option<&NodeId> {
        match self {
            Self::Cycle { nodes } => nodes.first(),
            Self::UnknownNode { node }
            | Self::UnknownPort { node, .. }
            | Self::ForeignResource { node, .. } => Some(node),
            Self::OtherTypes { wire, .. }
            | Self::MissingFunction { wire, .. }
            | Self::PlainFunctionWithAsync { wire, .. }
            | Self::ResourceWithAsync { wire, .. } => Some(&wire.to.node),
            Self::GrantsDifferWithAsync { .. } => None,
        }
    }
}

impl LinkPlan {
    /// Plans a linked run of `project` whose root (the node that is run, served or invoked) is
    /// `root`. Each node gets its own capability profile, or the project's.
    ///
    /// # Errors
    /// [`LinkError`] when a wire carries something host forwarding cannot (a handle to a
    /// resource another interface defines), or the wires form a cycle.
    pub fn new(
        project: &Project,
        components: &NodeComponents,
        root: &NodeId,
    ) -> Result<Self, LinkError> {
        if let Some(nodes) = project.wire_cycle() {
            return Err(LinkError::Cycle { nodes });
        }
        let order = project.dependency_order();
        let index: HashMap<&NodeId, usize> =
            order.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        let nodes = order
            .iter()
            .map(|id| {
                let unknown = || LinkError::UnknownNode {
                    node: (*id).clone(),
                };
                let node = project.node(id).ok_or_else(unknown)?;
                let component = components.get(id).ok_or_else(unknown)?;
                Ok(LinkedNode {
                    id: (*id).clone(),
                    source: ComponentSource::of_loaded(component, id),
                    profile: crate::grants::effective(project, node).clone(),
                })
            })
            .collect::<Result<Vec<_>, LinkError>>()?;
        let mut forwards = Vec::new();
        let mut next_key = 0u32;
        for (wire_index, wire) in project.wires.iter().enumerate() {
            let at = |node: &NodeId| {
                index
                    .get(node)
                    .copied()
                    .ok_or_else(|| LinkError::UnknownNode { node: node.clone() })
            };
            let (consumer, provider) = (at(&wire.to.node)?, at(&wire.from.node)?);
            let unknown_port = |end: &crate::project::WireEnd, direction| LinkError::UnknownPort {
                node: end.node.clone(),
                port: end.port.clone(),
                direction,
            };
            let import = components
                .get(&wire.to.node)
                .and_then(|c| c.info.import(&wire.to.port))
                .ok_or_else(|| unknown_port(&wire.to, "import"))?;
            check_forwardable(import, &wire.to.node)?;
            let export = components
                .get(&wire.from.node)
                .and_then(|c| c.info.export(&wire.from.port))
                .ok_or_else(|| unknown_port(&wire.from, "export"))?;
            check_fits(import, export, wire)?;
            let resources: Vec<(String, u32)> = import
                .types
                .iter()
                .filter(|t| t.kind == "resource")
                .map(|t| {
                    next_key += 1;
                    (t.name.clone(), next_key)
                })
                .collect();
            let functions: Vec<(Option<String>, bool)> = match import.kind {
                PortKind::Function => vec![(None, import.functions.iter().any(carries_handles))],
                _ => import
                    .functions
                    .iter()
                    .map(|f| (Some(f.name.clone()), carries_handles(f)))
                    .collect(),
            };
            for (function, handles) in functions {
                forwards.push(Forward {
                    wire: wire_index,
                    consumer,
                    import: wire.to.port.clone(),
                    function,
                    provider,
                    export: wire.from.port.clone(),
                    resources: resources.clone(),
                    handles,
                });
            }
        }
        let stubs = project
            .stubs
            .iter()
            .map(|stub| {
                let consumer = index.get(&stub.answers.node).copied().ok_or_else(|| {
                    LinkError::UnknownNode {
                        node: stub.answers.node.clone(),
                    }
                })?;
                Ok((consumer, PlannedStub::of(stub)))
            })
            .collect::<Result<Vec<_>, LinkError>>()?;
        let root = *index
            .get(root)
            .ok_or_else(|| LinkError::UnknownNode { node: root.clone() })?;
        Ok(Self {
            nodes,
            forwards,
            stubs,
            root,
            tap: None,
            asynchronous: false,
        })
    }

    /// This plan for an engine with the component model's async support, which a node using
    /// WASI 0.3 needs. There a call from a host function into another instance must itself be
    /// async, and calls of several nodes interleave, so the host cannot tell whose code makes a
    /// WASI call: every wire must carry async functions and no resource, and every node runs
    /// with the one set of grants a fused run would have (the nodes' own, when they agree on
    /// all they can reach).
    ///
    /// # Errors
    /// [`LinkError::PlainFunctionWithAsync`], [`LinkError::ResourceWithAsync`] or
    /// [`LinkError::GrantsDifferWithAsync`]: the project then runs fused, if it can.
    pub(crate) fn for_async_engine(
        mut self,
        project: &Project,
        components: &NodeComponents,
    ) -> Result<Self, LinkError> {
        for wire in &project.wires {
            let Some(import) = components
                .get(&wire.to.node)
                .and_then(|c| c.info.import(&wire.to.port))
            else {
                continue;
            };
            if let Some(function) = import.functions.iter().find(|f| !f.asynchronous) {
                return Err(LinkError::PlainFunctionWithAsync {
                    wire: Box::new(wire.clone()),
                    function: function.name.clone(),
                });
            }
            if let Some(resource) = import.types.iter().find(|t| t.kind == "resource") {
                return Err(LinkError::ResourceWithAsync {
                    wire: Box::new(wire.clone()),
                    resource: resource.name.clone(),
                });
            }
        }
        let profile = crate::grants::fused_profile(project, components).map_err(|differ| {
            LinkError::GrantsDifferWithAsync {
                differ: differ.to_string(),
            }
        })?;
        for node in &mut self.nodes {
            node.profile = profile.clone();
        }
        self.asynchronous = true;
        Ok(self)
    }

    /// This plan with its wires tapped: every call across them is recorded (see
    /// [`super::tap`]).
    /// A stub's calls are recorded as calls across a wire of their own, after the project's.
    #[must_use]
    pub fn tapped(mut self, project: &Project, components: &NodeComponents) -> Self {
        let mut wires: Vec<(NodeId, String)> = project
            .wires
            .iter()
            .map(|w| (w.to.node.clone(), w.to.port.clone()))
            .collect();
        let mut slots: Vec<SlotLabel> = self
            .forwards
            .iter()
            .map(|f| SlotLabel {
                wire: f.wire,
                callee: self.nodes[f.provider].id.clone(),
                function: f.function.clone().unwrap_or_else(|| f.import.clone()),
            })
            .collect();
        for (consumer, stub) in &mut self.stubs {
            let node = &self.nodes[*consumer].id;
            let functions: Vec<String> = match components
                .get(node)
                .and_then(|c| c.info.import(&stub.import))
            {
                Some(port) if port.kind == PortKind::Function => vec![stub.import.clone()],
                Some(port) => port.functions.iter().map(|f| f.name.clone()).collect(),
                None => Vec::new(),
            };
            for function in functions {
                stub.slots.insert(function.clone(), slots.len());
                slots.push(SlotLabel {
                    wire: wires.len(),
                    callee: stub.id.clone(),
                    function,
                });
            }
            wires.push((node.clone(), stub.import.clone()));
        }
        self.tap = Some(Arc::new(Tap::new(wires, slots)));
        self
    }

    /// The imports of the node at `index` (in plan order) that wires or stubs provide.
    pub(crate) fn wired_imports(&self, index: usize) -> Vec<&str> {
        self.forwards
            .iter()
            .filter(|f| f.consumer == index)
            .map(|f| f.import.as_str())
            .chain(
                self.stubs
                    .iter()
                    .filter(|(consumer, _)| *consumer == index)
                    .map(|(_, stub)| stub.import.as_str()),
            )
            .collect()
    }

    /// Adds the stubs answering imports of the node at `index` to its linker, checked against
    /// its compiled `component`.
    pub(crate) fn define_stubs(
        &self,
        index: usize,
        linker: &mut Linker<HostState>,
        component: &wasmtime::component::Component,
    ) -> Result<(), RunError> {
        self.stubs
            .iter()
            .filter(|(consumer, _)| *consumer == index)
            .try_for_each(|(_, planned)| stub::define(linker, component, planned))
    }

    /// Each node's linker: the standard one plus a forwarder for every function wired into it.
    pub(crate) fn linkers(
        &self,
        base: &Linker<HostState>,
    ) -> Result<Vec<Linker<HostState>>, RunError> {
        let mut linkers: Vec<Linker<HostState>> = self.nodes.iter().map(|_| base.clone()).collect();
        let mut proxied = std::collections::HashSet::new();
        for (slot, forward) in self.forwards.iter().enumerate() {
            let linker = &mut linkers[forward.consumer];
            // A wired import replaces whatever the host would provide under that name.
            linker.allow_shadowing(true);
            let first = proxied.insert((forward.consumer, forward.import.clone()));
            let defined = define_forward(linker, forward, slot, first, self.asynchronous);
            defined.map_err(|e| RunError::Host {
                message: format!(
                    "cannot wire `{}` of node `{}`: {e:#}",
                    forward.import, self.nodes[forward.consumer].id
                ),
            })?;
        }
        Ok(linkers)
    }

    /// Instantiates every node in order into `store`, pointing each wire slot at its export as
    /// soon as the provider exists, and returns the root's instance.
    pub(crate) async fn instantiate(
        &self,
        pres: &[InstancePre<HostState>],
        store: &mut Store<HostState>,
    ) -> wasmtime::Result<Instance> {
        store.data_mut().forwards = vec![None; self.forwards.len()];
        store.data_mut().tap = self.tap.clone();
        store.data_mut().wire_types = vec![Vec::new(); self.forwards.len()];
        let mut instances = Vec::with_capacity(pres.len());
        for (index, pre) in pres.iter().enumerate() {
            store.data_mut().set_current(index);
            let instance = pre.instantiate_async(&mut *store).await?;
            for (slot, forward) in self.forwards.iter().enumerate() {
                if forward.provider == index {
                    let func = exported_func(
                        &instance,
                        store,
                        &forward.export,
                        forward.function.as_deref(),
                    )
                    .ok_or_else(|| {
                        wasmtime::format_err!(
                            "node `{}` has no export `{}` to forward to",
                            self.nodes[index].id,
                            forward.export
                        )
                    })?;
                    store.data_mut().forwards[slot] = Some((func, index));
                    let types = provider_types(&instance, store, forward)?;
                    store.data_mut().wire_types[slot] = types;
                }
            }
            instances.push(instance);
        }
        store.data_mut().set_current(self.root);
        instances
            .get(self.root)
            .copied()
            .ok_or_else(|| wasmtime::format_err!("the root node was not instantiated"))
    }
}

/// What a forwarder returns: the forwarded call, still running.
/// Defines one forwarded function in the consumer's linker, and the first time for its import,
/// the proxy types of the resources the import defines.
fn define_forward(
    linker: &mut Linker<HostState>,
    forward: &Forward,
    slot: usize,
    first: bool,
    asynchronous: bool,
) -> wasmtime::Result<()> {
    if first && !forward.resources.is_empty() {
        let mut instance = linker.instance(&forward.import)?;
        for (name, key) in &forward.resources {
            instance.resource_async(name, ResourceType::host_dynamic(*key), |store, rep| {
                Box::new(proxy::drop_proxy(store, rep))
            })?;
        }
    }
    let (mut instance, name) = match &forward.function {
        Some(function) => (linker.instance(&forward.import)?, function.as_str()),
        None => (linker.root(), forward.import.as_str()),
    };
    if asynchronous {
        instance.func_new_concurrent(name, concurrent_forwarder(slot, forward.handles))
    } else {
        instance.func_new_async(name, forwarder(slot, forward.handles))
    }
}

/// What a host function defined with `func_new_async` returns: its work, still running.
pub(super) type Forwarding<'a> = Box<dyn Future<Output = wasmtime::Result<()>> + Send + 'a>;
/// The same for `func_new_concurrent` (an async function on an engine with async support).
pub(super) type ConcurrentForwarding<'a> =
    Pin<Box<dyn Future<Output = wasmtime::Result<()>> + Send + 'a>>;

/// The host function behind one forwarded function: calls the export in the slot as the node
/// that owns it, then returns to the caller's node. When its values may hold handles, they are
/// translated both ways (see [`super::proxy`]); when the run taps its wires, the call is
/// recorded (see [`super::tap`]).
fn forwarder(
    slot: usize,
    handles: bool,
) -> impl for<'a> Fn(
    StoreContextMut<'a, HostState>,
    ComponentFunc,
    &'a [Val],
    &'a mut [Val],
) -> Forwarding<'a>
+ Send
+ Sync
+ 'static {
    move |mut store, _ty, params, results| {
        Box::new(async move {
            let (func, callee, started) = target(store.data(), slot)?;
            let outcome = async {
                let translated;
                let args = if handles {
                    translated = provider_args(&mut store, slot, params)?;
                    &translated[..]
                } else {
                    params
                };
                let caller = enter(store.data_mut(), callee);
                let result = func.call_async(&mut store, args, results).await;
                store.data_mut().set_current(caller);
                result.map_err(|e| in_callee(store.data(), callee, e))?;
                if handles {
                    consumer_results(&mut store, slot, callee, results)?;
                }
                Ok(())
            }
            .await;
            if let Some(started) = started
                && let Some((call, queue)) =
                    tap_record(store.data(), slot, params, results, &outcome, started)
            {
                queue.call(call).await;
            }
            outcome
        })
    }
}

/// [`forwarder`] for an async function on an engine with the component model's async support,
/// where a call into another instance from a host function must go through the store's event
/// loop (`call_concurrent`).
fn concurrent_forwarder(
    slot: usize,
    handles: bool,
) -> impl for<'a> Fn(
    &'a Accessor<HostState>,
    ComponentFunc,
    &'a [Val],
    &'a mut [Val],
) -> ConcurrentForwarding<'a>
+ Send
+ Sync
+ 'static {
    move |accessor, ty, params, results| {
        Box::pin(async move {
            let (func, callee, started) = accessor.with(|mut access| target(access.get(), slot))?;
            let outcome = async {
                let translated;
                let args = if handles {
                    translated = accessor.with(|mut access| {
                        provider_args(&mut access.as_context_mut(), slot, params)
                    })?;
                    &translated[..]
                } else {
                    params
                };
                let caller = accessor.with(|mut access| enter(access.get(), callee));
                let result = func.call_concurrent(accessor, args, results).await;
                accessor.with(|mut access| access.get().set_current(caller));
                result
                    .map_err(|e| accessor.with(|mut access| in_callee(access.get(), callee, e)))?;
                if handles {
                    accessor.with(|mut access| {
                        consumer_results(&mut access.as_context_mut(), slot, callee, results)
                    })?;
                }
                // A tapped wire counts the items of the streams it returns as they cross.
                if started.is_some() {
                    accessor.with(|mut access| {
                        let tap = access.get().tap.clone();
                        match tap {
                            Some(tap) => relay_results(
                                access.as_context_mut(),
                                &tap,
                                slot,
                                ty.results(),
                                results,
                            ),
                            None => Ok(()),
                        }
                    })?;
                }
                Ok(())
            }
            .await;
            if let Some(started) = started
                && let Some((call, queue)) = accessor.with(|mut access| {
                    tap_record(access.get(), slot, params, results, &outcome, started)
                })
            {
                queue.call(call).await;
            }
            outcome
        })
    }
}

/// The export a slot forwards to, the node that owns it, and when the tap's record of this call
/// starts (none when the run does not tap its wires: the tap's one branch).
fn target(state: &HostState, slot: usize) -> wasmtime::Result<(Func, usize, Option<Instant>)> {
    let (func, callee) = state.forwards.get(slot).copied().flatten().ok_or_else(|| {
        wasmtime::format_err!("wire {slot} was called before its provider existed")
    })?;
    Ok((func, callee, state.tap.is_some().then(Instant::now)))
}

/// A failed call across a wire, named by the node whose code failed: the innermost callee, so
/// a trap several wires deep names where it happened.
fn in_callee(state: &HostState, callee: usize, error: wasmtime::Error) -> wasmtime::Error {
    match (error.downcast_ref::<TrappedIn>(), state.node_name(callee)) {
        (None, Some(node)) => error.context(TrappedIn(node.to_string())),
        _ => error,
    }
}

/// Makes `callee` the node whose grants serve WASI calls; returns the caller, to switch back to.
fn enter(state: &mut HostState, callee: usize) -> usize {
    let caller = state.current();
    state.set_current(callee);
    caller
}

/// The arguments with every proxy replaced by the provider's handle behind it.
fn provider_args(
    store: &mut StoreContextMut<'_, HostState>,
    slot: usize,
    params: &[Val],
) -> wasmtime::Result<Vec<Val>> {
    let types = store.data().wire_types[slot].clone();
    let mut args = params.to_vec();
    for arg in &mut args {
        proxy::to_provider(store, &types, arg)?;
    }
    Ok(args)
}

/// The results with every provider handle replaced by a new proxy.
fn consumer_results(
    store: &mut StoreContextMut<'_, HostState>,
    slot: usize,
    callee: usize,
    results: &mut [Val],
) -> wasmtime::Result<()> {
    let types = store.data().wire_types[slot].clone();
    results
        .iter_mut()
        .try_for_each(|value| proxy::to_consumer(store, &types, callee, value))
}

/// The tap's record of a call, with the queue to hand it to.
pub(super) fn tap_record(
    state: &HostState,
    slot: usize,
    params: &[Val],
    results: &[Val],
    outcome: &wasmtime::Result<()>,
    started: Instant,
) -> Option<(WireCall, Arc<EventQueue>)> {
    let tap = state.tap.as_ref()?;
    let queue = state.queue();
    let outcome = outcome.as_ref().map(|()| results);
    let call = tap.record(slot, params, outcome, started, queue.ms_at(started))?;
    Some((call, queue.clone()))
}

/// The resource types the provider's export defines, with the consumer's proxy type of each.
fn provider_types(
    instance: &Instance,
    store: &mut Store<HostState>,
    forward: &Forward,
) -> wasmtime::Result<proxy::WireTypes> {
    let Some(outer) = instance.get_export_index(&mut *store, None, &forward.export) else {
        return Ok(Vec::new());
    };
    forward
        .resources
        .iter()
        .map(|(name, key)| {
            instance
                .get_export_index(&mut *store, Some(&outer), name)
                .and_then(|index| instance.get_resource(&mut *store, index))
                .map(|ty| (ty, *key))
                .ok_or_else(|| {
                    wasmtime::format_err!(
                        "export `{}` defines no resource `{name}` to forward",
                        forward.export
                    )
                })
        })
        .collect()
}

fn exported_func(
    instance: &Instance,
    store: &mut Store<HostState>,
    export: &str,
    function: Option<&str>,
) -> Option<Func> {
    let outer = instance.get_export_index(&mut *store, None, export)?;
    let index = match function {
        Some(function) => instance.get_export_index(&mut *store, Some(&outer), function)?,
        None => outer,
    };
    instance.get_func(&mut *store, index)
}

/// Refuses a wire whose export lacks a function the import needs, or has it with other types:
/// forwarding would only fail at call time. (The fused fallback's composer then says precisely
/// why, and accepts the subtypes this plain comparison cannot.)
fn check_fits(import: &Port, export: &Port, wire: &Wire) -> Result<(), LinkError> {
    for needed in &import.functions {
        // A function imported on its own is wired to a function exported under any name.
        let offered = match import.kind {
            PortKind::Function => export.functions.first(),
            _ => export.functions.iter().find(|f| f.name == needed.name),
        };
        match offered {
            Some(offered) if signature(offered) == signature(needed) => {}
            Some(offered) => {
                return Err(LinkError::OtherTypes {
                    wire: Box::new(wire.clone()),
                    function: needed.name.clone(),
                    offered: offered.signature.clone(),
                    needed: needed.signature.clone(),
                });
            }
            None => {
                return Err(LinkError::MissingFunction {
                    wire: Box::new(wire.clone()),
                    function: needed.name.clone(),
                });
            }
        }
    }
    Ok(())
}

/// A function's parameter and result types, without names.
fn signature(function: &FunctionInfo) -> (Vec<&TypeShape>, Option<&TypeShape>) {
    let params = function.params.iter().map(|p| &p.ty.shape).collect();
    (params, function.result.as_ref().map(|r| &r.shape))
}

/// Refuses wires whose values would carry handles host forwarding cannot translate: a handle
/// means nothing outside the instance that made it. Handles of the resources the import defines
/// cross as proxies, and WASI's (the host's own, the same in every instance) as they are; a
/// resource another interface defines (through `use`) would need that interface's proxies.
fn check_forwardable(import: &Port, node: &NodeId) -> Result<(), LinkError> {
    for function in &import.functions {
        for resource in handles_in_function(function) {
            let translatable = import.types.iter().any(|t| {
                t.name == resource
                    && (t.kind == "resource"
                        || (t.kind == "type" && t.definition.contains("wasi:")))
            });
            if !translatable {
                return Err(LinkError::ForeignResource {
                    node: node.clone(),
                    port: import.name.clone(),
                    function: function.name.clone(),
                    resource: resource.to_string(),
                });
            }
        }
    }
    Ok(())
}

/// Whether a function's values may hold handles, so that its calls need translating.
fn carries_handles(function: &FunctionInfo) -> bool {
    handles_in_function(function).next().is_some()
}

/// The resources of the handles a function's parameters and result hold.
fn handles_in_function(function: &FunctionInfo) -> impl Iterator<Item = &str> {
    function
        .params
        .iter()
        .map(|p| &p.ty.shape)
        .chain(function.result.iter().map(|r| &r.shape))
        .flat_map(|shape| {
            let mut found = Vec::new();
            handles_in(shape, &mut found);
            found
        })
}

/// Every resource handle inside a value type.
fn handles_in<'a>(shape: &'a TypeShape, found: &mut Vec<&'a str>) {
    match shape {
        TypeShape::Handle { resource, .. } => found.push(resource),
        TypeShape::List { element: inner, .. } | TypeShape::Option { some: inner } => {
            handles_in(inner, found);
        }
        TypeShape::Result { ok, err } => {
            for payload in [ok, err].into_iter().flatten() {
                handles_in(payload, found);
            }
        }
        TypeShape::Record { fields, .. } => {
            fields.iter().for_each(|f| handles_in(&f.shape, found));
        }
        TypeShape::Tuple { items } => items.iter().for_each(|item| handles_in(item, found)),
        TypeShape::Variant { cases, .. } => cases
            .iter()
            .filter_map(|c| c.payload.as_ref())
            .for_each(|payload| handles_in(payload, found)),
        _ => {}
    }
}

/// A linked job made ready: each node's pre-instantiated component, in plan order.
pub(crate) struct LinkedPrepared {
    pub(crate) plan: Arc<LinkPlan>,
    pub(crate) pres: Vec<InstancePre<HostState>>,
}
