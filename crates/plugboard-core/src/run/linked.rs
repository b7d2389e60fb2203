//! Linked runs: each node's component compiled on its own (and cached by its own hash),
//! instantiated in one store, and wired by the host at run time.
//!
//! Every function of a wired import is a host function that forwards the call, values and all,
//! to the wired export of the other node. Before the call it switches the store's current node,
//! so the WASI calls made on the other side are served with that node's grants, and switches
//! back after. Rewiring therefore only changes which export a slot forwards to: nothing is
//! compiled again.

use std::collections::HashMap;
use std::sync::Arc;

use wasmtime::component::{Func, Instance, InstancePre, Linker, Val, types::ComponentFunc};
use wasmtime::{Store, StoreContextMut};

use super::RunError;
use super::engine::ComponentSource;
use super::host::HostState;
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
    pub(crate) root: usize,
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
    consumer: usize,
    import: String,
    /// The function inside the imported instance, or `None` for a top-level function import.
    function: Option<String>,
    provider: usize,
    export: String,
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
    /// An import carries a resource type, which cannot cross between instances yet.
    #[error(
        "import `{port}` of node `{node}` carries the resource type `{resource}`; resources cannot cross between linked nodes yet"
    )]
    ResourceType {
        /// The consuming node.
        node: NodeId,
        /// Its import.
        port: String,
        /// The resource.
        resource: String,
    },
    /// A function of an import passes a resource handle.
    #[error(
        "`{function}` of import `{port}` (node `{node}`) passes a `{resource}` handle; resources cannot cross between linked nodes yet"
    )]
    ResourceHandle {
        /// The consuming node.
        node: NodeId,
        /// Its import.
        port: String,
        /// The function.
        function: String,
        /// The resource.
        resource: String,
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
            | Self::ResourceType { node, .. }
            | Self::ResourceHandle { node, .. } => Some(node),
            Self::OtherTypes { wire, .. } | Self::MissingFunction { wire, .. } => {
                Some(&wire.to.node)
            }
        }
    }
}

impl LinkPlan {
    /// Plans a linked run of `project` whose root (the node that is run, served or invoked) is
    /// `root`. Each node gets its own capability profile, or the project's.
    ///
    /// # Errors
    /// [`LinkError`] when a wire carries something host forwarding cannot (a resource type or
    /// a handle crossing between nodes), or the wires form a cycle.
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
        for wire in &project.wires {
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
            let functions: Vec<Option<String>> = match import.kind {
                PortKind::Function => vec![None],
                _ => import
                    .functions
                    .iter()
                    .map(|f| Some(f.name.clone()))
                    .collect(),
            };
            for function in functions {
                forwards.push(Forward {
                    consumer,
                    import: wire.to.port.clone(),
                    function,
                    provider,
                    export: wire.from.port.clone(),
                });
            }
        }
        let root = *index
            .get(root)
            .ok_or_else(|| LinkError::UnknownNode { node: root.clone() })?;
        Ok(Self {
            nodes,
            forwards,
            root,
        })
    }

    /// The imports of the node at `index` (in plan order) that wires provide.
    pub(crate) fn wired_imports(&self, index: usize) -> Vec<&str> {
        self.forwards
            .iter()
            .filter(|f| f.consumer == index)
            .map(|f| f.import.as_str())
            .collect()
    }

    /// Each node's linker: the standard one plus a forwarder for every function wired into it.
    pub(crate) fn linkers(
        &self,
        base: &Linker<HostState>,
    ) -> Result<Vec<Linker<HostState>>, RunError> {
        let mut linkers: Vec<Linker<HostState>> = self.nodes.iter().map(|_| base.clone()).collect();
        for (slot, forward) in self.forwards.iter().enumerate() {
            let linker = &mut linkers[forward.consumer];
            // A wired import replaces whatever the host would provide under that name.
            linker.allow_shadowing(true);
            let defined = match &forward.function {
                Some(function) => linker
                    .instance(&forward.import)
                    .and_then(|mut instance| instance.func_new_async(function, forwarder(slot))),
                None => linker
                    .root()
                    .func_new_async(&forward.import, forwarder(slot)),
            };
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
type Forwarding<'a> = Box<dyn Future<Output = wasmtime::Result<()>> + Send + 'a>;

/// The host function behind one forwarded function: calls the export in the slot as the node
/// that owns it, then returns to the caller's node.
fn forwarder(
    slot: usize,
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
            let (func, callee): (Func, usize) = store
                .data()
                .forwards
                .get(slot)
                .copied()
                .flatten()
                .ok_or_else(|| {
                    wasmtime::format_err!("wire {slot} was called before its provider existed")
                })?;
            let caller = store.data().current();
            store.data_mut().set_current(callee);
            let result = func.call_async(&mut store, params, results).await;
            store.data_mut().set_current(caller);
            result
        })
    }
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

/// Refuses wires whose values would carry resource handles between nodes: a handle means
/// nothing outside the instance (table) that made it, and translating them is not supported.
fn check_forwardable(import: &Port, node: &NodeId) -> Result<(), LinkError> {
    if let Some(resource) = import.types.iter().find(|t| t.kind == "resource") {
        return Err(LinkError::ResourceType {
            node: node.clone(),
            port: import.name.clone(),
            resource: resource.name.clone(),
        });
    }
    for function in &import.functions {
        let shapes = function
            .params
            .iter()
            .map(|p| &p.ty.shape)
            .chain(function.result.iter().map(|r| &r.shape));
        for shape in shapes {
            if let Some(resource) = handle_in(shape) {
                return Err(LinkError::ResourceHandle {
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

/// The first resource handle inside a value type, if any.
fn handle_in(shape: &TypeShape) -> Option<&str> {
    match shape {
        TypeShape::Handle { resource, .. } => Some(resource),
        TypeShape::List { element, .. } => handle_in(element),
        TypeShape::Option { some } => handle_in(some),
        TypeShape::Result { ok, err } => ok
            .as_deref()
            .and_then(handle_in)
            .or_else(|| err.as_deref().and_then(handle_in)),
        TypeShape::Record { fields, .. } => fields.iter().find_map(|f| handle_in(&f.shape)),
        TypeShape::Tuple { items } => items.iter().find_map(handle_in),
        TypeShape::Variant { cases, .. } => cases
            .iter()
            .find_map(|c| c.payload.as_ref().and_then(handle_in)),
        _ => None,
    }
}

/// A linked job made ready: each node's pre-instantiated component, in plan order.
pub(crate) struct LinkedPrepared {
    pub(crate) plan: Arc<LinkPlan>,
    pub(crate) pres: Vec<InstancePre<HostState>>,
}
