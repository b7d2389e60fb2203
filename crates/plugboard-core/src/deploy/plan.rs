//! What both deploy targets start from: each node's file, the grants it can actually exercise,
//! who provides whom, and which nodes are roots; plus the grants and parts of a project no
//! deploy target has a field for, said once in each target's words.

use std::path::Path;

use crate::compose::NodeComponents;
use crate::grants::{copy_under, effective, reachable};
use crate::inspect::ComponentRole;
use crate::project::{Node, Project, Wire};
use crate::run::{CapabilityProfile, Limits, StdinSource};

/// One node as a deploy target sees it.
pub(super) struct PlannedNode<'a> {
    /// The node in the project.
    pub node: &'a Node,
    /// Command, HTTP proxy or library.
    pub role: ComponentRole,
    /// The node's effective grants narrowed to what its imports can reach: a folder granted to
    /// a component that imports no `wasi:filesystem` is not written out.
    pub grants: CapabilityProfile,
    /// The component file, relative to the manifest's folder, with `/` separators.
    pub source: String,
    /// Whether another node imports from this one (then the target links it in; otherwise it
    /// is a root the target starts).
    pub provides: bool,
    /// The wires into this node's imports.
    pub wires_in: Vec<&'a Wire>,
}

/// The nodes of a project, in project order, and the warnings every target shares.
pub(super) struct Plan<'a> {
    pub nodes: Vec<PlannedNode<'a>>,
    pub warnings: Vec<String>,
}

impl<'a> Plan<'a> {
    /// Plans `project` (its paths absolute) for a manifest written in `dir`; `target` names the
    /// engine in the warnings ("Spin", "wasmCloud").
    pub fn new(
        project: &'a Project,
        components: &NodeComponents,
        dir: &Path,
        target: &str,
    ) -> Self {
        let mut warnings = Vec::new();
        let nodes = project
            .nodes
            .iter()
            .map(|node| {
                let info = components.get(&node.id).map(|c| &c.info);
                let mut grants = CapabilityProfile::default();
                if let Some(info) = info {
                    for toggle in reachable(info) {
                        copy_under(&mut grants, effective(project, node), toggle);
                    }
                }
                let wires_in: Vec<&Wire> = project
                    .wires
                    .iter()
                    .filter(|w| w.to.node == node.id)
                    .collect();
                if let Some(info) = info {
                    for port in &info.imports {
                        let answered = wires_in.iter().any(|w| w.to.port == port.name)
                            || project.stub_for(&node.id, &port.name).is_some()
                            || crate::wasi::provided_by_host(&port.name).is_some();
                        if !answered {
                            warnings.push(format!(
                                "`{}` imports `{}` and nothing provides it: {target} will refuse \
                                 to start it until something does",
                                node.id, port.name
                            ));
                        }
                    }
                }
                unexpressed_grants(&node.id.0, &grants, target, &mut warnings);
                PlannedNode {
                    node,
                    role: info.map_or(ComponentRole::Library, |i| i.role),
                    grants,
                    source: relative_source(&node.component, dir),
                    provides: project.wires.iter().any(|w| w.from.node == node.id),
                    wires_in,
                }
            })
            .collect();
        for stub in &project.stubs {
            warnings.push(format!(
                "stub `{}` answers `{}` of `{}` here; {target} has no stubs, so that import is \
                 left open",
                stub.id, stub.answers.port, stub.answers.node
            ));
        }
        let (limits, default) = (&project.limits, Limits::default());
        let changed: Vec<&str> = [
            ("time", limits.timeout_ms != default.timeout_ms),
            (
                "memory",
                limits.max_memory_bytes != default.max_memory_bytes,
            ),
            ("fuel", limits.fuel != default.fuel),
            (
                "concurrent requests",
                limits.max_requests != default.max_requests,
            ),
        ]
        .into_iter()
        .filter_map(|(name, changed)| changed.then_some(name))
        .collect();
        if !changed.is_empty() {
            warnings.push(format!(
                "the project's {} limits are not written: {target} sets its own where it runs",
                changed.join(", ")
            ));
        }
        Self { nodes, warnings }
    }

    /// The planned node with this id.
    pub fn node(&self, id: &crate::project::NodeId) -> Option<&PlannedNode<'a>> {
        self.nodes.iter().find(|n| &n.node.id == id)
    }
}

/// Warns about the grants neither target can carry: the host's environment, arguments, stdin,
/// and sockets to any address. Each is left out, so the deployed node gets less, never more.
fn unexpressed_grants(
    node: &str,
    grants: &CapabilityProfile,
    target: &str,
    warnings: &mut Vec<String>,
) {
    if grants.inherit_env {
        warnings.push(format!(
            "`{node}` gets the host's whole environment here; {target} cannot pass it on, so \
             only the variables listed are set"
        ));
    }
    if !grants.args.is_empty() {
        warnings.push(format!(
            "`{node}` is given the arguments `{}` here; {target} takes a command's arguments \
             where it starts it, not from the manifest",
            grants.args.join(" ")
        ));
    }
    if !matches!(grants.stdin, StdinSource::None) {
        warnings.push(format!(
            "`{node}` reads stdin from the project here; {target} has no stdin to give it"
        ));
    }
    if grants.inherit_network {
        warnings.push(format!(
            "`{node}` may open sockets to any address here; {target}'s manifest cannot grant \
             that, so it gets no sockets"
        ));
    }
}

/// `component` relative to `dir` (as it is when the manifest is beside the project), with `/`
/// separators whatever the platform.
fn relative_source(component: &Path, dir: &Path) -> String {
    let relative = pathdiff::diff_paths(component, dir).unwrap_or_else(|| component.to_path_buf());
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}
