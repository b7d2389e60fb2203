//! Instances, wires and exports added to the shared wac-graph for one operation, and removed again
//! when the operation ends, whatever its outcome.

use std::collections::HashMap;

use wac_graph::{CompositionGraph, InstantiationArgumentError, PackageId};

use super::mismatch::mismatch;
use super::{ComposeError, NodeComponents};
use crate::inspect::Port;
use crate::project::{ExportChoice, NodeId, Project, Wire};

/// A borrowed graph plus the instance nodes created in it; dropping it removes them (and with
/// them every alias, argument and export that hangs off them).
pub(crate) struct Scratch<'g> {
    pub(crate) graph: &'g mut CompositionGraph,
    created: Vec<wac_graph::NodeId>,
    aliases: HashMap<(wac_graph::NodeId, String), wac_graph::NodeId>,
}

impl<'g> Scratch<'g> {
    pub(crate) fn new(graph: &'g mut CompositionGraph) -> Self {
        Self {
            graph,
            created: Vec::new(),
            aliases: HashMap::new(),
        }
    }

    /// Instantiates a package, naming the instance after the node.
    pub(crate) fn instantiate(&mut self, node: &NodeId, package: PackageId) -> wac_graph::NodeId {
        let instance = self.graph.instantiate(package);
        self.graph.set_node_name(instance, node.as_str());
        self.created.push(instance);
        instance
    }

    /// One instance per project node.
    pub(crate) fn instantiate_nodes(
        &mut self,
        project: &Project,
        packages: &HashMap<NodeId, PackageId>,
    ) -> HashMap<NodeId, wac_graph::NodeId> {
        project
            .nodes
            .iter()
            .filter_map(|node| Some((node, *packages.get(&node.id)?)))
            .map(|(node, package)| (node.id.clone(), self.instantiate(&node.id, package)))
            .collect()
    }

    /// The alias of `instance`'s export `name`, made once and shared by every wire from it.
    fn alias(
        &mut self,
        instance: wac_graph::NodeId,
        name: &str,
    ) -> Result<wac_graph::NodeId, String> {
        if let Some(alias) = self.aliases.get(&(instance, name.to_string())) {
            return Ok(*alias);
        }
        let alias = self
            .graph
            .alias_instance_export(instance, name)
            .map_err(|e| e.to_string())?;
        self.aliases.insert((instance, name.to_string()), alias);
        Ok(alias)
    }

    /// Adds one wire, checking both ports exist and the types fit.
    pub(crate) fn connect(
        &mut self,
        wire: &Wire,
        instances: &HashMap<NodeId, wac_graph::NodeId>,
        components: &NodeComponents,
    ) -> Result<(), ComposeError> {
        let from = instance_of(instances, &wire.from.node)?;
        let to = instance_of(instances, &wire.to.node)?;
        let export = require_port(
            components,
            &wire.from.node,
            &wire.from.port,
            Direction::Export,
        )?;
        let import = require_port(components, &wire.to.node, &wire.to.port, Direction::Import)?;
        // wac-graph says what it tripped on; the comparison says where the two sides differ.
        let incompatible = |reason: String| ComposeError::Incompatible {
            from_node: wire.from.node.clone(),
            from_port: wire.from.port.clone(),
            to_node: wire.to.node.clone(),
            to_port: wire.to.port.clone(),
            reason: match mismatch(import, export).difference {
                Some(difference) => format!("{} ({reason})", difference.summary),
                None => reason,
            },
        };
        let alias = self.alias(from, &wire.from.port).map_err(incompatible)?;
        self.graph
            .set_instantiation_argument(to, &wire.to.port, alias)
            .map_err(|e| incompatible(argument_reason(e)))
    }

    /// Exports one node's export from the composition under `name`.
    pub(crate) fn export(
        &mut self,
        choice: &ExportChoice,
        name: &str,
        instances: &HashMap<NodeId, wac_graph::NodeId>,
        components: &NodeComponents,
    ) -> Result<(), ComposeError> {
        let instance = instance_of(instances, &choice.node)?;
        require_port(components, &choice.node, &choice.export, Direction::Export)?;
        let encode = |message: String| ComposeError::Encode { message };
        let alias = self.alias(instance, &choice.export).map_err(encode)?;
        self.graph
            .export(alias, name)
            .map_err(|e| encode(format!("export `{name}` of node `{}`: {e}", choice.node)))
    }
}

impl Drop for Scratch<'_> {
    fn drop(&mut self) {
        for node in self.created.drain(..) {
            self.graph.remove_node(node);
        }
    }
}

/// Which side of a node a port is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Import,
    Export,
}

impl Direction {
    fn word(self) -> &'static str {
        match self {
            Self::Import => "import",
            Self::Export => "export",
        }
    }
}

fn instance_of(
    instances: &HashMap<NodeId, wac_graph::NodeId>,
    node: &NodeId,
) -> Result<wac_graph::NodeId, ComposeError> {
    instances
        .get(node)
        .copied()
        .ok_or_else(|| ComposeError::UnknownNode { node: node.clone() })
}

/// The port `name` of `node` on the given side, or an error listing the ports it does have.
pub(crate) fn require_port<'c>(
    components: &'c NodeComponents,
    node: &NodeId,
    name: &str,
    direction: Direction,
) -> Result<&'c Port, ComposeError> {
    let component = components
        .get(node)
        .ok_or_else(|| ComposeError::UnknownNode { node: node.clone() })?;
    let ports = match direction {
        Direction::Import => &component.info.imports,
        Direction::Export => &component.info.exports,
    };
    ports
        .iter()
        .find(|p| p.name == name)
        .ok_or_else(|| ComposeError::UnknownPort {
            node: node.clone(),
            port: name.to_string(),
            direction: direction.word(),
            available: ports.iter().map(|p| p.name.clone()).collect(),
        })
}

/// The readable part of an argument error: the type checker's explanation, not the wrapper.
fn argument_reason(error: InstantiationArgumentError) -> String {
    match error {
        InstantiationArgumentError::ArgumentTypeMismatch { source, .. } => format!("{source:#}"),
        other => other.to_string(),
    }
}
