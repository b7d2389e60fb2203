//! `wac plug` as a project: the socket is one node, each plug another, and every plug export that
//! fits a socket import (same or semver-compatible name, accepted type) becomes a wire.

use std::sync::Arc;

use wac_graph::types::are_semver_compatible;

use super::{ComposeError, Composer, LoadedComponent, NodeComponents, WireCheck};
use crate::project::{ExportChoice, Node, NodeId, Position, Project, WireEnd};

impl Composer {
    /// Builds the project `wac plug SOCKET --plug P…` describes. Plugs are tried in order; the
    /// first plug whose export fits an import takes it. Plugs that fit nothing are left out.
    /// The result exports everything the socket exports.
    ///
    /// # Errors
    /// [`ComposeError::NothingPlugged`] when no plug export fits any socket import, with each
    /// plug and why it did not fit.
    pub fn plug_project(
        &mut self,
        socket: Arc<LoadedComponent>,
        plugs: Vec<Arc<LoadedComponent>>,
    ) -> Result<(Project, NodeComponents), ComposeError> {
        let mut project = Project::default();
        let mut components = NodeComponents::new();
        let mut candidates = Vec::new();
        let socket_id = add_node(
            &mut project,
            &mut components,
            socket.clone(),
            Position { x: 360.0, y: 0.0 },
        );
        for (index, plug) in plugs.into_iter().enumerate() {
            let position = Position {
                x: 0.0,
                y: 160.0 * index as f64,
            };
            let plug_id = add_node(&mut project, &mut components, plug.clone(), position);
            let before = project.wires.len();
            let mut refusals = Vec::new();
            for export in &plug.info.exports {
                let Some(import) = socket.info.import(&export.name).or_else(|| {
                    socket
                        .info
                        .imports
                        .iter()
                        .find(|i| are_semver_compatible(&export.name, &i.name))
                }) else {
                    continue;
                };
                let from = WireEnd {
                    node: plug_id.clone(),
                    port: export.name.clone(),
                };
                let to = WireEnd {
                    node: socket_id.clone(),
                    port: import.name.clone(),
                };
                match self.check_wire(&project, &components, &from, &to) {
                    WireCheck::Allowed => project.wires.push(crate::project::Wire { from, to }),
                    WireCheck::Refused { reason, .. } => refusals.push(reason),
                }
            }
            if project.wires.len() == before {
                candidates.push(format!(
                    "plug `{}`: {}",
                    plug_id,
                    why_unplugged(&plug, &socket, &refusals)
                ));
                project.nodes.pop();
                components.remove(&plug_id);
            }
        }
        if project.wires.is_empty() {
            return Err(ComposeError::NothingPlugged { candidates });
        }
        project.exports = socket
            .info
            .exports
            .iter()
            .map(|port| ExportChoice {
                node: socket_id.clone(),
                export: port.name.clone(),
                rename: None,
            })
            .collect();
        Ok((project, components))
    }
}

/// Why `plug` fits no import of `socket`: the refusals of the exports whose names matched, or
/// the names that differ only in an incompatible version, or what each side has.
fn why_unplugged(plug: &LoadedComponent, socket: &LoadedComponent, refusals: &[String]) -> String {
    if !refusals.is_empty() {
        return refusals.join("; ");
    }
    let versions: Vec<String> = plug
        .info
        .exports
        .iter()
        .filter_map(|export| {
            let import = socket
                .info
                .imports
                .iter()
                .find(|i| i.unversioned_name() == export.unversioned_name())?;
            Some(format!(
                "it exports `{}`, the socket imports `{}`: the versions are not semver-compatible",
                export.name, import.name
            ))
        })
        .collect();
    if !versions.is_empty() {
        return versions.join("; ");
    }
    // The socket's WASI imports are the host's to provide: only the others are a plug's.
    let names = |ports: &[crate::inspect::Port]| {
        let names: Vec<&str> = ports
            .iter()
            .filter(|p| !p.wasi)
            .map(|p| p.name.as_str())
            .collect();
        if names.is_empty() {
            "nothing".to_string()
        } else {
            names.join(", ")
        }
    };
    format!(
        "it exports {}; the socket imports {} (besides WASI)",
        names(&plug.info.exports),
        names(&socket.info.imports)
    )
}

/// Adds a node named after the component's file (made unique) at `position`.
fn add_node(
    project: &mut Project,
    components: &mut NodeComponents,
    component: Arc<LoadedComponent>,
    position: Position,
) -> NodeId {
    let stem = component
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "component".to_string());
    let id = (1..)
        .map(|n| {
            if n == 1 {
                NodeId::new(&stem)
            } else {
                NodeId::new(format!("{stem}-{n}"))
            }
        })
        .find(|id| project.node(id).is_none())
        .unwrap_or_else(|| NodeId::new(&stem));
    project.nodes.push(Node {
        id: id.clone(),
        component: component.path.clone(),
        // Empty when it was loaded unhashed: the project then records no hash.
        sha256: Some(component.info.sha256.clone()).filter(|sha256| !sha256.is_empty()),
        position,
        capabilities: None,
        registry: None,
    });
    components.insert(id.clone(), component);
    id
}
