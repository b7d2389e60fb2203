//! Deploy manifests: a project written out for an engine that runs compositions on many
//! machines — a Spin application (`spin.toml`) or a wasmCloud `WorkloadDeployment` — with what
//! the target cannot express said in warnings. Nothing is widened to fit a target: a grant it
//! cannot carry is left out, so the deployed node gets less, never more.
//!
//! Both targets start from the same [`plan`]: each node's file, the grants it can reach, who
//! provides whom, and which nodes are roots (feed no other node).

mod plan;
mod spin;
mod wasmcloud;

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::compose::NodeComponents;
use crate::project::Project;

/// The engine a manifest is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum DeployTarget {
    /// A Spin 3/4 application manifest, `spin.toml`.
    Spin,
    /// A wasmCloud v2 `WorkloadDeployment` (Kubernetes YAML).
    Wasmcloud,
}

impl DeployTarget {
    /// The file name a manifest for this target is usually saved as.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Spin => "spin.toml",
            Self::Wasmcloud => "workload-deployment.yaml",
        }
    }
}

/// A manifest's text and what it could not say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DeployManifest {
    /// The manifest, ready to save.
    pub text: String,
    /// Each grant, wire or setting the manifest does not carry, in a sentence.
    pub warnings: Vec<String>,
}

/// Where a manifest goes: the application's name, and the folder relative paths in it (each
/// component's file, Spin's mounted folders) are written from.
#[derive(Debug, Clone, Copy)]
pub struct ManifestPlace<'a> {
    /// The application or workload name.
    pub name: &'a str,
    /// The folder the manifest will be saved in.
    pub dir: &'a Path,
}

/// `project` (with absolute paths, as [`Project::with_absolute_paths`] makes them) as a
/// manifest for `target`; `components` are its nodes' loaded components.
pub fn manifest(
    target: DeployTarget,
    project: &Project,
    components: &NodeComponents,
    place: &ManifestPlace<'_>,
) -> DeployManifest {
    match target {
        DeployTarget::Spin => spin::manifest(project, components, place),
        DeployTarget::Wasmcloud => wasmcloud::manifest(project, components, place),
    }
}
