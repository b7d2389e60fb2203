use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::run::{CapabilityProfile, Limits};

/// The project file format this version reads and writes.
pub const FORMAT_VERSION: u32 = 4;

/// A composition as the user drew it. Serialised as `*.plugboard.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[ts(export)]
pub struct Project {
    /// The file format version, [`FORMAT_VERSION`].
    pub format: u32,
    /// A title shown in the window and the library.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What the project shows and what to try with it (the WASI worlds library uses this).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// One node per component instance.
    #[serde(default)]
    pub nodes: Vec<Node>,
    /// Export → import connections.
    #[serde(default)]
    pub wires: Vec<Wire>,
    /// Stand-ins for missing providers: each answers one import of one node (format 3).
    #[serde(default)]
    pub stubs: Vec<Stub>,
    /// What the composition exports; empty means the default (see [`crate::compose`]).
    #[serde(default)]
    pub exports: Vec<ExportChoice>,
    /// What the host grants when the project runs.
    #[serde(default)]
    pub capabilities: CapabilityProfile,
    /// Time and memory limits of a run.
    #[serde(default)]
    pub limits: Limits,
    /// Where the Host node sits on the canvas; `None` puts it left of the nodes.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "hostPosition"
    )]
    pub host_position: Option<Position>,
}

impl Default for Project {
    fn default() -> Self {
        Self {
            format: FORMAT_VERSION,
            title: None,
            description: None,
            nodes: Vec::new(),
            wires: Vec::new(),
            stubs: Vec::new(),
            exports: Vec::new(),
            capabilities: CapabilityProfile::default(),
            limits: Limits::default(),
            host_position: None,
        }
    }
}

/// A node's id, unique in its project (`consumer-app`, `logger-2`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(transparent)]
#[ts(export, type = "string")]
pub struct NodeId(pub String);

impl NodeId {
    /// Wraps a string as a node id.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One instance of a component.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[ts(export)]
pub struct Node {
    /// Unique id within the project.
    pub id: NodeId,
    /// The component file, relative to the project file (absolute before a first save).
    #[ts(type = "string")]
    pub component: PathBuf,
    /// SHA-256 of the component when it was added or last accepted, to notice changes. Absent in
    /// hand-written projects (such as the bundled samples, built from source on each machine):
    /// then any bytes are accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Where the node sits on the canvas.
    #[serde(default)]
    pub position: Position,
    /// Capabilities for this node only; `None` inherits the project's profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<CapabilityProfile>,
    /// The registry the component was pulled from (format 4). `component` is then the cached
    /// copy of exactly this digest; [`crate::registry::materialize`] pulls it again by digest
    /// where it is missing (a project opened on another machine).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<RegistrySource>,
}

/// Where a node's component came from in an OCI registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct RegistrySource {
    /// The OCI reference it was pulled by (`ghcr.io/owner/name:1.0.0`).
    pub reference: String,
    /// The manifest digest it had then (`sha256:…`): what the project runs, whatever the tag
    /// points to later.
    pub digest: String,
}

/// A canvas position.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Position {
    /// Horizontal, in canvas units.
    pub x: f64,
    /// Vertical, in canvas units.
    pub y: f64,
}

/// One end of a wire: a node and the full name of one of its ports.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct WireEnd {
    /// The node.
    pub node: NodeId,
    /// The port's full name (an export at the `from` end, an import at the `to` end).
    pub port: String,
}

/// A connection from an export of one node to an import of another.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Wire {
    /// The providing node and its export.
    pub from: WireEnd,
    /// The consuming node and its import.
    pub to: WireEnd,
}

impl fmt::Display for Wire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.`{}` → {}.`{}`",
            self.from.node, self.from.port, self.to.node, self.to.port
        )
    }
}

/// A stub: a stand-in for the provider of one import of one node. Each function of the import
/// answers with a value typed in advance (or traps with a message), so the node runs alone —
/// to try a consumer before its provider exists, or to pin what a dependency returns in a demo.
/// The host answers the calls (in linked runs, through the wire tap like any wire).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[ts(export)]
pub struct Stub {
    /// Unique among the project's nodes and stubs; the callee the wire tap names.
    pub id: NodeId,
    /// The node and the import it answers.
    pub answers: WireEnd,
    /// Each function's answer, by name (a top-level function import: the import's name). A
    /// function left out returns nothing if it has no result, and traps if it has one.
    #[serde(default)]
    pub functions: BTreeMap<String, StubAnswer>,
    /// Where the stub sits on the canvas.
    #[serde(default)]
    pub position: Position,
}

/// How a stubbed function answers every call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[ts(export)]
pub enum StubAnswer {
    /// Returns this value: WAVE text of the function's result type (empty when it has none).
    Returns(String),
    /// Traps with this message.
    Traps(String),
}

/// An export of the composition: one node's export, optionally renamed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[ts(export)]
pub struct ExportChoice {
    /// The node whose export is re-exported.
    pub node: NodeId,
    /// The export's full name on that node.
    pub export: String,
    /// The name in the composition; defaults to the same name.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "as")]
    pub rename: Option<String>,
}
