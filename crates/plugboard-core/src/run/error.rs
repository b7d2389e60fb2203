//! Why a run could not start: each variant says what went wrong and what to do, and names the
//! node (and import) it is about, so a window can mark it as it marks a compile error.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::project::NodeId;

/// Why a run could not start (these end a run with [`super::RunEvent::Failed`]).
#[derive(Debug, Clone, thiserror::Error)]
pub enum RunError {
    /// A component does not compile.
    #[error("cannot compile {}: {message}", whose(.node))]
    Compile {
        /// The node whose component it is, in a project.
        node: Option<NodeId>,
        /// What the compiler said.
        message: String,
    },
    /// An import neither the host nor a wire provides.
    #[error("import `{import}`{} is not provided: {}", of(.node), hint(.import))]
    MissingImport {
        /// The importing node, in a project.
        node: Option<NodeId>,
        /// The import.
        import: String,
    },
    /// The imports are all provided but do not fit (another version's types, say).
    #[error("cannot link {}: {message}", whose(.node))]
    Link {
        /// The node, in a project.
        node: Option<NodeId>,
        /// What the linker said.
        message: String,
    },
    /// The component is not of the kind the operation needs (a library cannot be run).
    #[error("{message}")]
    WrongKind {
        /// What it is and what to do instead.
        message: String,
    },
    /// A capability could not be set up (a granted directory that does not exist).
    #[error("{message}")]
    Capability {
        /// The node whose grant it is, in a project.
        node: Option<NodeId>,
        /// What failed.
        message: String,
    },
    /// An invocation could not be understood: unknown function, wrong arity or types.
    #[error("{message}")]
    Invoke {
        /// What is wrong.
        message: String,
    },
    /// The serve address could not be bound.
    #[error("cannot listen on {address}: {message}")]
    Bind {
        /// The address asked for.
        address: String,
        /// What the OS said.
        message: String,
    },
    /// A stub cannot answer its import: a value that does not fit the function's result, a
    /// function the import lacks, or an import it cannot stand in for (one with resources).
    #[error("the stub `{stub}` cannot answer `{import}`: {message}")]
    Stub {
        /// The stub.
        stub: NodeId,
        /// The import it answers.
        import: String,
        /// What is wrong.
        message: String,
    },
    /// An internal failure of the host (should not happen).
    #[error("host error: {message}")]
    Host {
        /// What happened.
        message: String,
    },
}

/// What kind of failure ended a run before it could start, for a window to branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum FailureKind {
    /// A component does not compile.
    Compile,
    /// An import is not provided.
    MissingImport,
    /// The imports do not fit.
    Link,
    /// Not a component the operation can use.
    WrongKind,
    /// A grant could not be set up.
    Capability,
    /// An invocation that does not fit.
    Invoke,
    /// The address to serve on.
    Bind,
    /// A stub that cannot answer its import.
    Stub,
    /// A failure of the host itself.
    Host,
}

impl RunError {
    pub(crate) fn host(error: impl std::fmt::Display) -> Self {
        Self::Host {
            message: error.to_string(),
        }
    }

    /// What kind of failure it is.
    pub fn kind(&self) -> FailureKind {
        match self {
            Self::Compile { .. } => FailureKind::Compile,
            Self::MissingImport { .. } => FailureKind::MissingImport,
            Self::Link { .. } => FailureKind::Link,
            Self::WrongKind { .. } => FailureKind::WrongKind,
            Self::Capability { .. } => FailureKind::Capability,
            Self::Invoke { .. } => FailureKind::Invoke,
            Self::Bind { .. } => FailureKind::Bind,
            Self::Stub { .. } => FailureKind::Stub,
            Self::Host { .. } => FailureKind::Host,
        }
    }

    /// The node at fault, in a project.
    pub fn node(&self) -> Option<&NodeId> {
        match self {
            Self::Compile { node, .. }
            | Self::MissingImport { node, .. }
            | Self::Link { node, .. }
            | Self::Capability { node, .. } => node.as_ref(),
            _ => None,
        }
    }

    /// The import at fault, if one is.
    pub fn port(&self) -> Option<&str> {
        match self {
            Self::MissingImport { import, .. } | Self::Stub { import, .. } => Some(import),
            _ => None,
        }
    }

    /// The same error, about `node` (a project's node whose component or grants it concerns).
    pub(crate) fn of_node(mut self, id: &NodeId) -> Self {
        if let Self::Compile { node, .. }
        | Self::MissingImport { node, .. }
        | Self::Link { node, .. }
        | Self::Capability { node, .. } = &mut self
        {
            *node = Some(id.clone());
        }
        self
    }
}

fn whose(node: &Option<NodeId>) -> String {
    match node {
        Some(node) => format!("node `{node}`"),
        None => "the component".to_string(),
    }
}

fn of(node: &Option<NodeId>) -> String {
    match node {
        Some(node) => format!(" of node `{node}`"),
        None => String::new(),
    }
}

fn hint(import: &str) -> &'static str {
    if import.starts_with("wasi:") {
        "this host provides WASI 0.2 (cli, clocks, filesystem, io, random, sockets, http); this \
         interface or version is not among them"
    } else {
        "wire an export to it, answer it with a stub, or run a composition that provides it"
    }
}
