use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::model::{NodeId, Project};
use crate::inspect::{InspectError, read_component};

/// Whether a node's component file is still the one the project recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "kebab-case")]
#[ts(export)]
pub enum ComponentStatus {
    /// The file is there with the recorded hash.
    Ok,
    /// The file cannot be read.
    Missing {
        /// Why (usually "No such file or directory").
        reason: String,
    },
    /// The file is there but its bytes changed since the project recorded it.
    Changed {
        /// The hash in the project.
        expected: String,
        /// The hash of the file now.
        actual: String,
    },
}

/// The status of one node's component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NodeStatus {
    /// The node.
    pub node: NodeId,
    /// Where its component was looked for.
    #[ts(type = "string")]
    pub path: PathBuf,
    /// What was found.
    pub status: ComponentStatus,
}

impl Project {
    /// Checks every node's component file against its recorded hash. Problems are reported per
    /// node; nothing is removed from the project.
    pub fn check_components(&self, project_dir: &Path) -> Vec<NodeStatus> {
        self.nodes
            .iter()
            .map(|node| {
                let path = self.component_path(node, project_dir);
                let status = match read_component(&path) {
                    Err(e) => ComponentStatus::Missing {
                        reason: match e {
                            InspectError::Unreadable { source, .. } => match source.io_error() {
                                Some(io) => io.to_string(),
                                None => source.to_string(),
                            },
                            other => other.to_string(),
                        },
                    },
                    Ok((_, actual)) => match &node.sha256 {
                        Some(expected) if *expected != actual => ComponentStatus::Changed {
                            expected: expected.clone(),
                            actual,
                        },
                        _ => ComponentStatus::Ok,
                    },
                };
                NodeStatus {
                    node: node.id.clone(),
                    path,
                    status,
                }
            })
            .collect()
    }
}
