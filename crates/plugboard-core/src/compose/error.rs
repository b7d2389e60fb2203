use std::path::PathBuf;

use crate::inspect::InspectError;
use crate::project::NodeId;

/// Why a project could not be composed. Each variant names the node and port it is about.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    /// The project has no nodes.
    #[error("the project has no components: add one before compiling")]
    Empty,
    /// A node's component could not be loaded.
    #[error("node `{node}`: {source}")]
    Component {
        /// The node.
        node: NodeId,
        /// Its component file.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: InspectError,
    },
    /// A node's file is a WIT package, not a component.
    #[error(
        "node `{node}`: `{}` is a WIT package (types only), not a component that can be instantiated",
        path.display()
    )]
    NotAComponent {
        /// The node.
        node: NodeId,
        /// Its file.
        path: PathBuf,
    },
    /// A node id used by a wire or export is not in the project.
    #[error("there is no node `{node}` in the project")]
    UnknownNode {
        /// The missing id.
        node: NodeId,
    },
    /// A wire or export names a port the node's component does not have.
    #[error(
        "node `{node}` has no {direction} `{port}`{}",
        list_available(available)
    )]
    UnknownPort {
        /// The node.
        node: NodeId,
        /// The port that was named.
        port: String,
        /// `import` or `export`.
        direction: &'static str,
        /// The ports of that direction the node does have.
        available: Vec<String>,
    },
    /// A wired export does not satisfy the import's type.
    #[error(
        "export `{from_port}` of node `{from_node}` does not fit import `{to_port}` of node `{to_node}`: {reason}"
    )]
    Incompatible {
        /// The providing node.
        from_node: NodeId,
        /// Its export.
        from_port: String,
        /// The consuming node.
        to_node: NodeId,
        /// Its import.
        to_port: String,
        /// What does not match.
        reason: String,
    },
    /// The wires form a cycle, which components cannot instantiate.
    #[error(
        "the wires form a cycle through {}: a component cannot (indirectly) import itself",
        path_text(nodes)
    )]
    Cycle {
        /// The nodes on the cycle.
        nodes: Vec<NodeId>,
    },
    /// Two nodes would export the same name from the composition.
    #[error(
        "nodes `{first}` and `{second}` both export `{name}`: choose one in the project's exports"
    )]
    DuplicateExport {
        /// The export name.
        name: String,
        /// The first node exporting it.
        first: NodeId,
        /// The second node exporting it.
        second: NodeId,
    },
    /// `plug` found no plug export that fits a socket import.
    #[error(
        "none of the plugs exports anything the socket imports (by name and type):{}",
        candidates.iter().map(|c| format!("\n  - {c}")).collect::<String>()
    )]
    NothingPlugged {
        /// Each plug, and why it did not fit.
        candidates: Vec<String>,
    },
    /// Nothing would be exported.
    #[error("the composition exports nothing: choose at least one export")]
    NothingToExport,
    /// Two open imports of the same name have conflicting types.
    #[error(
        "nodes `{first}` and `{second}` both leave import `{import}` open, with different types: wire \
         one of them, or use components built against the same version"
    )]
    ConflictingOpenImport {
        /// The import name.
        import: String,
        /// One node leaving it open.
        first: NodeId,
        /// Another node leaving it open.
        second: NodeId,
    },
    /// Encoding failed for another reason.
    #[error("cannot encode the composition: {message}")]
    Encode {
        /// What the encoder said.
        message: String,
    },
    /// The encoded composition does not validate.
    #[error("the composed component is invalid at byte offset {offset}: {message}")]
    Invalid {
        /// Where.
        offset: usize,
        /// What the validator said.
        message: String,
    },
    /// The composed component could not be written.
    #[error("cannot write `{}`: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
}

fn list_available(available: &[String]) -> String {
    if available.is_empty() {
        " (it has none)".to_string()
    } else {
        format!("; it has: {}", available.join(", "))
    }
}

/// Nodes along a path, as messages write them: `` `a` → `b` → `a` ``.
pub(crate) fn path_text(nodes: &[NodeId]) -> String {
    nodes
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(" → ")
}
