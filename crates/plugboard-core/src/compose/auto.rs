//! Auto-wire: for a node's open imports, the exports that fit — of the other nodes in the
//! project, and of component files not in it yet (the sample library, a folder) — each checked
//! by the wiring rule, so every suggestion is a wire [`Composer::check_wire`] accepts. Names
//! match exactly or semver-compatibly. An import with exactly one candidate is unambiguous:
//! "wire all" takes those, and lists the others' candidates for the user to choose.

use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use wac_graph::types::are_semver_compatible;

use super::{Composer, LoadedComponent, NodeComponents};
use crate::inspect::Port;
use crate::project::{Node, NodeId, Project, WireEnd};

/// One open import of a node, and the exports that would fit it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportSuggestion {
    /// The import.
    pub import: String,
    /// The exports that fit it, nodes in the project first.
    pub candidates: Vec<Candidate>,
}

impl ImportSuggestion {
    /// The one candidate, when there is exactly one.
    pub fn unambiguous(&self) -> Option<&Candidate> {
        match self.candidates.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }
}

/// An export that fits an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "source",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum Candidate {
    /// An export of a node in the project.
    Node {
        /// The node.
        node: NodeId,
        /// Its export.
        export: String,
    },
    /// An export of a component file not in the project yet.
    File {
        /// The file.
        #[ts(type = "string")]
        path: PathBuf,
        /// Its name (the file stem).
        name: String,
        /// Its export.
        export: String,
    },
}

impl Candidate {
    /// How a list names it: `string-operations` (a node) or `string-operations.wasm`.
    pub fn label(&self) -> String {
        match self {
            Self::Node { node, .. } => node.to_string(),
            Self::File { name, .. } => format!("{name}.wasm"),
        }
    }
}

/// The node id a file candidate is checked under.
const PROBE: &str = "plugboard-auto-wire-candidate";

impl Composer {
    /// What could feed each open import of `node`: nodes of `project`, then `files`. An import
    /// is open when no wire feeds it and the host does not provide it.
    pub fn suggest_wires(
        &mut self,
        project: &Project,
        components: &NodeComponents,
        node: &NodeId,
        files: &[Arc<LoadedComponent>],
    ) -> Vec<ImportSuggestion> {
        let Some(consumer) = components.get(node) else {
            return Vec::new();
        };
        let open: Vec<&Port> = consumer
            .info
            .imports
            .iter()
            .filter(|port| crate::wasi::provided_by_host(&port.name).is_none())
            .filter(|port| {
                !project
                    .wires
                    .iter()
                    .any(|w| w.to.node == *node && w.to.port == port.name)
                    && project.stub_for(node, &port.name).is_none()
            })
            .collect();
        open.into_iter()
            .map(|import| {
                let to = WireEnd {
                    node: node.clone(),
                    port: import.name.clone(),
                };
                let mut candidates = self.node_candidates(project, components, &to);
                candidates.extend(self.file_candidates(project, components, &to, files));
                ImportSuggestion {
                    import: import.name.clone(),
                    candidates,
                }
            })
            .collect()
    }

    fn node_candidates(
        &mut self,
        project: &Project,
        components: &NodeComponents,
        to: &WireEnd,
    ) -> Vec<Candidate> {
        let mut found = Vec::new();
        for (id, component) in components {
            if *id == to.node {
                continue;
            }
            for export in fitting_names(&component.info.exports, &to.port) {
                let from = WireEnd {
                    node: id.clone(),
                    port: export.clone(),
                };
                if self.check_wire(project, components, &from, to).is_allowed() {
                    found.push(Candidate::Node {
                        node: id.clone(),
                        export,
                    });
                }
            }
        }
        found
    }

    fn file_candidates(
        &mut self,
        project: &Project,
        components: &NodeComponents,
        to: &WireEnd,
        files: &[Arc<LoadedComponent>],
    ) -> Vec<Candidate> {
        let probe = NodeId::new(PROBE);
        let mut found = Vec::new();
        for file in files {
            // A file already in the project is suggested as its node.
            if components.values().any(|c| c.path == file.path) {
                continue;
            }
            let exports = fitting_names(&file.info.exports, &to.port);
            if exports.is_empty() {
                continue;
            }
            let mut trial = project.clone();
            trial.nodes.push(Node {
                id: probe.clone(),
                component: file.path.clone(),
                sha256: None,
                position: Default::default(),
                capabilities: None,
                registry: None,
            });
            let mut with_file = components.clone();
            with_file.insert(probe.clone(), file.clone());
            for export in exports {
                let from = WireEnd {
                    node: probe.clone(),
                    port: export.clone(),
                };
                if self.check_wire(&trial, &with_file, &from, to).is_allowed() {
                    found.push(Candidate::File {
                        path: file.path.clone(),
                        name: file
                            .path
                            .file_stem()
                            .map_or_else(String::new, |s| s.to_string_lossy().into_owned()),
                        export,
                    });
                }
            }
        }
        found
    }
}

/// The exports named as `import` is, exactly or semver-compatibly.
fn fitting_names(exports: &[Port], import: &str) -> Vec<String> {
    exports
        .iter()
        .filter(|e| e.name == import || are_semver_compatible(&e.name, import))
        .map(|e| e.name.clone())
        .collect()
}
