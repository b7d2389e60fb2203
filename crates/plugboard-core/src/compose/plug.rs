//! `wac plug` as a project: the socket is one node, each plug another, and every plug export that
//! fits a socket import (same or semver-compatible name, accepted type) becomes a wire.

use std::sync::Arc;

use wac_graph::types::are_semver_compatible;

use super::{ComposeError, Composer, LoadedComponent, NodeComponents};
use crate::project::{ExportChoice, Node, NodeId, Position, Project, WireEnd};

impl Composer {
    /// Builds the project `wac plug SOCKET --plug P…` describes. Plugs are tried in order; the
    /// first plug whose export fits an import takes it. Plugs that fit nothing are left out.
    /// The result exports everything the socket exports.
    ///
    /// # Errors
    /// [`ComposeError::NothingPlugged`] when no plug export fits any socket import.
    pub fn plug_project(
        &mut self,
        socket: Arc<LoadedComponent>,
        plugs: Vec<Arc<LoadedComponent>>,
    ) -> Result<(Project, NodeComponents), ComposeError> {
        let mut project = Project::default();
        let mut components = NodeComponents::new();
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
                if self
                    .check_wire(&project, &components, &from, &to)
                    .is_allowed()
                {
                    project.wires.push(crate::project::Wire { from, to });
                }
            }
            if project.wires.len() == before {
                project.nodes.pop();
                components.remove(&plug_id);
            }
        }
        if project.wires.is_empty() {
            return Err(ComposeError::NothingPlugged);
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
        sha256: Some(component.info.sha256.clone()),
        position,
        capabilities: None,
    });
    components.insert(id.clone(), component);
    id
}
