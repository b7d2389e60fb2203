//! Composition: a [`Project`] → one encoded, validated component, through wac-graph.
//!
//! A [`Composer`] keeps one wac-graph `CompositionGraph` in which every distinct component (by
//! content hash) is registered once; each [`Composer::compose`] or [`Composer::check_wire`] adds
//! the project's instances, wires them, and removes them again. Re-composing after a wire change
//! therefore costs no re-parsing.
//!
//! Rules, shared by the window, the CLI and the tests:
//! - each node is one instance; an export may feed many imports; an import takes one wire;
//! - names may differ (semver-compatible versions, or another interface of the same shape): the
//!   type checker decides;
//! - open imports become imports of the result (what the host must provide);
//! - with no explicit exports, the composition exports every export of every node that feeds no
//!   other node (a command's `wasi:cli/run`, a proxy's `wasi:http/incoming-handler`).

mod cache;
mod components;
mod error;
mod graph;
mod plug;
mod wac;
mod wire;

use std::collections::HashMap;

use wac_graph::types::Package;
use wac_graph::{CompositionGraph, EncodeError, EncodeOptions, PackageId, Processor};

pub use cache::ComponentCache;
pub use components::{LoadedComponent, NodeComponents, load_components};
pub use error::ComposeError;
pub use wac::to_wac;
pub use wire::WireCheck;
pub(crate) use wire::check_acyclic;

use crate::inspect::{ComponentInfo, InspectError, inspect_bytes};
use crate::project::{ExportChoice, NodeId, Project};
use graph::Scratch;

/// The result of composing a project.
#[derive(Debug)]
pub struct Composition {
    /// The encoded component.
    pub bytes: Vec<u8>,
    /// Its inspection: imports are what the host must provide, exports what it offers.
    pub info: ComponentInfo,
}

impl Composition {
    /// Writes the component to `path` atomically.
    ///
    /// # Errors
    /// The I/O error, with the path.
    pub fn save(&self, path: &std::path::Path) -> std::io::Result<()> {
        crate::project::write_atomically(path, &self.bytes).map_err(|e| {
            std::io::Error::new(e.kind(), format!("cannot write `{}`: {e}", path.display()))
        })
    }
}

/// Composes projects and checks wires, registering each distinct component once.
#[derive(Default)]
pub struct Composer {
    graph: CompositionGraph,
    packages: HashMap<String, PackageId>,
}

impl std::fmt::Debug for Composer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Composer")
            .field("packages", &self.packages.len())
            .finish()
    }
}

impl Composer {
    /// An empty composer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Composes `project`, whose nodes' components are in `components`.
    ///
    /// # Errors
    /// A [`ComposeError`] naming the node and port at fault.
    pub fn compose(
        &mut self,
        project: &Project,
        components: &NodeComponents,
    ) -> Result<Composition, ComposeError> {
        if project.nodes.is_empty() {
            return Err(ComposeError::Empty);
        }
        wire::check_acyclic(project)?;
        let packages = self.register_all(project, components)?;
        let mut scratch = Scratch::new(&mut self.graph);
        let instances = scratch.instantiate_nodes(project, &packages);
        for wire in &project.wires {
            scratch.connect(wire, &instances, components)?;
        }
        let choices = if project.exports.is_empty() {
            default_exports(project, components)
        } else {
            project.exports.clone()
        };
        if choices.is_empty() {
            return Err(ComposeError::NothingToExport);
        }
        let mut exported: HashMap<String, NodeId> = HashMap::new();
        for choice in &choices {
            let name = choice
                .rename
                .clone()
                .unwrap_or_else(|| choice.export.clone());
            if let Some(first) = exported.get(&name) {
                return Err(ComposeError::DuplicateExport {
                    name,
                    first: first.clone(),
                    second: choice.node.clone(),
                });
            }
            scratch.export(choice, &name, &instances, components)?;
            exported.insert(name, choice.node.clone());
        }
        let options = EncodeOptions {
            define_components: true,
            // Validated below with the same wasmparser as everything else of ours.
            validate: false,
            processor: Some(Processor {
                name: "plugboard",
                version: env!("CARGO_PKG_VERSION"),
            }),
        };
        let bytes = scratch
            .graph
            .encode(options)
            .map_err(|e| encode_error(e, &instances))?;
        drop(scratch);
        validate(&bytes)?;
        let info = inspect_bytes(&bytes).map_err(|e| ComposeError::Encode {
            message: format!("the composed component cannot be inspected: {e}"),
        })?;
        Ok(Composition { bytes, info })
    }

    /// Registers the component of every node (once per distinct content).
    fn register_all(
        &mut self,
        project: &Project,
        components: &NodeComponents,
    ) -> Result<HashMap<NodeId, PackageId>, ComposeError> {
        project
            .nodes
            .iter()
            .map(|node| {
                let component =
                    components
                        .get(&node.id)
                        .ok_or_else(|| ComposeError::UnknownNode {
                            node: node.id.clone(),
                        })?;
                Ok((node.id.clone(), self.register(&node.id, component)?))
            })
            .collect()
    }

    fn register(
        &mut self,
        node: &NodeId,
        component: &LoadedComponent,
    ) -> Result<PackageId, ComposeError> {
        if let Some(id) = self.packages.get(&component.info.sha256) {
            return Ok(*id);
        }
        let undecodable = |message: String| ComposeError::Component {
            node: node.clone(),
            path: component.path.clone(),
            source: InspectError::Undecodable { message },
        };
        // Any unique, valid package name will do: it only names the component inside the graph.
        let name = format!("plugboard:component{}", self.packages.len());
        let package = Package::from_bytes(
            &name,
            None,
            component.bytes.to_vec(),
            self.graph.types_mut(),
        )
        .map_err(|e| undecodable(format!("{e:#}")))?;
        let id = self
            .graph
            .register_package(package)
            .map_err(|e| undecodable(e.to_string()))?;
        self.packages.insert(component.info.sha256.clone(), id);
        Ok(id)
    }
}

/// Every export of every node that feeds no other node.
fn default_exports(project: &Project, components: &NodeComponents) -> Vec<ExportChoice> {
    project
        .nodes
        .iter()
        .filter(|node| !project.wires.iter().any(|w| w.from.node == node.id))
        .filter_map(|node| Some((node, components.get(&node.id)?)))
        .flat_map(|(node, component)| {
            component.info.exports.iter().map(|port| ExportChoice {
                node: node.id.clone(),
                export: port.name.clone(),
                rename: None,
            })
        })
        .collect()
}

fn encode_error(
    error: EncodeError,
    instances: &HashMap<NodeId, wac_graph::NodeId>,
) -> ComposeError {
    let node_of = |id: wac_graph::NodeId| {
        instances
            .iter()
            .find(|(_, inst)| **inst == id)
            .map(|(node, _)| node.clone())
            .unwrap_or_else(|| NodeId::new(id.to_string()))
    };
    match error {
        EncodeError::ImportTypeMergeConflict {
            import,
            first,
            second,
            ..
        } => ComposeError::ConflictingOpenImport {
            import,
            first: node_of(first),
            second: node_of(second),
        },
        EncodeError::GraphContainsCycle { node } => ComposeError::Cycle {
            nodes: vec![node_of(node)],
        },
        other => ComposeError::Encode {
            message: format!("{:#}", anyhow::Error::from(other)),
        },
    }
}

/// Validates the composition's structure: every section, type, import, export, instance and
/// alias, with every feature wasmtime may accept. Function bodies are not validated again: the
/// composition copies them unchanged from the components, and wasmtime validates each body when
/// it compiles it.
fn validate(bytes: &[u8]) -> Result<(), ComposeError> {
    let invalid = |e: wasmparser::BinaryReaderError| ComposeError::Invalid {
        offset: e.offset() as usize,
        message: e.message().to_string(),
    };
    let mut validator = wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all());
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        // `ValidPayload::Func` hands back a body validator, which is deliberately not run.
        validator
            .payload(&payload.map_err(invalid)?)
            .map_err(invalid)?;
    }
    Ok(())
}
