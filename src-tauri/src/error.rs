//! The one error every command returns: `{ kind, message, node?, port? }`. The window branches on
//! `kind` and marks `node` / `port`; `message` is the engine's sentence, shown as is.

use plugboard_core::compose::{ComposeError, DecomposeError, WacImportError};
use plugboard_core::inspect::InspectError;
use plugboard_core::project::{NodeId, ProjectError};
use plugboard_core::registry::RegistryError;
use plugboard_core::run::StartError;
use serde::Serialize;
use ts_rs::TS;

/// What went wrong, for the window to branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum ErrorKind {
    /// A file could not be read.
    Unreadable,
    /// A file could not be written.
    Unwritable,
    /// Not WebAssembly at all (empty, or no `\0asm` header).
    NotWasm,
    /// A core module where a component is needed.
    CoreModule,
    /// A damaged or unsupported component (with the byte offset in the message).
    InvalidComponent,
    /// A WIT package where an instantiable component is needed.
    NotAComponent,
    /// A project file that does not parse or has an unknown format.
    ProjectSyntax,
    /// A project whose structure is wrong (duplicate ids, dangling wires, an import wired twice).
    InvalidProject,
    /// The project has no nodes.
    EmptyProject,
    /// A wire or export names a node that is not there.
    UnknownNode,
    /// A wire or export names a port the node does not have.
    UnknownPort,
    /// An export does not fit the import it is wired to.
    Incompatible,
    /// The wires form a cycle.
    Cycle,
    /// Two nodes export the same name, or nothing is exported.
    Exports,
    /// Two open imports of one name with different types.
    ConflictingImport,
    /// Encoding or validating the composition failed.
    Encode,
    /// The sample library was not found (no repository root).
    NoLibrary,
    /// An invocation's values do not fit the function's parameters.
    InvalidArguments,
    /// The function to invoke is not (or no longer) exported.
    UnknownFunction,
    /// An address to serve on or to send a request to is not usable.
    InvalidAddress,
    /// The request tester's request got no answer.
    RequestFailed,
    /// The run to act on has ended.
    RunEnded,
    /// A project's grants wait for the user's consent (review them, then accept).
    GrantsNotAccepted,
    /// A fused run would give some node grants other than its own.
    GrantsDiffer,
    /// Component files cannot be watched for changes.
    Watch,
    /// A registry could not give or take a component (not found, unreachable, sign-in
    /// required, not a component).
    Registry,
    /// A bug: a background task failed.
    Internal,
}

/// The error of every command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
#[ts(export)]
pub struct AppError {
    /// What went wrong.
    pub kind: ErrorKind,
    /// The engine's message: what is wrong and what to do.
    pub message: String,
    /// The node it is about, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub node: Option<NodeId>,
    /// The port (full WIT name) it is about, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub port: Option<String>,
}

impl AppError {
    /// An error about nothing in particular.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            node: None,
            port: None,
        }
    }

    /// The same error, about `node` (and `port`).
    pub fn at(mut self, node: &NodeId, port: Option<&str>) -> Self {
        self.node = Some(node.clone());
        self.port = port.map(str::to_string);
        self
    }
}

fn inspect_kind(error: &InspectError) -> ErrorKind {
    match error {
        InspectError::Unreadable { .. } => ErrorKind::Unreadable,
        InspectError::Empty | InspectError::NotWasm => ErrorKind::NotWasm,
        InspectError::CoreModule => ErrorKind::CoreModule,
        InspectError::Truncated { .. }
        | InspectError::Invalid { .. }
        | InspectError::Undecodable { .. }
        | InspectError::Text { .. } => ErrorKind::InvalidComponent,
    }
}

impl From<InspectError> for AppError {
    fn from(error: InspectError) -> Self {
        Self::new(inspect_kind(&error), error.to_string())
    }
}

impl From<RegistryError> for AppError {
    fn from(error: RegistryError) -> Self {
        let kind = match &error {
            RegistryError::NotAComponent { .. } => ErrorKind::NotAComponent,
            RegistryError::Cache { .. } | RegistryError::NoCache => ErrorKind::Unwritable,
            _ => ErrorKind::Registry,
        };
        Self::new(kind, error.to_string())
    }
}

impl From<ProjectError> for AppError {
    fn from(error: ProjectError) -> Self {
        let message = error.to_string();
        match &error {
            ProjectError::Unreadable { .. } => Self::new(ErrorKind::Unreadable, message),
            ProjectError::Unwritable { .. } => Self::new(ErrorKind::Unwritable, message),
            ProjectError::Syntax { .. } | ProjectError::UnsupportedFormat { .. } => {
                Self::new(ErrorKind::ProjectSyntax, message)
            }
            ProjectError::DuplicateNode { node } | ProjectError::UnknownNode { node, .. } => {
                Self::new(ErrorKind::InvalidProject, message).at(node, None)
            }
            ProjectError::ImportWiredTwice { node, import } => {
                Self::new(ErrorKind::InvalidProject, message).at(node, Some(import))
            }
        }
    }
}

impl From<ComposeError> for AppError {
    fn from(error: ComposeError) -> Self {
        let message = error.to_string();
        let error_at = |kind, node, port| Self::new(kind, message.clone()).at(node, port);
        match &error {
            ComposeError::Component { node, source, .. } => {
                error_at(inspect_kind(source), node, None)
            }
            ComposeError::Empty => Self::new(ErrorKind::EmptyProject, message),
            ComposeError::NotAComponent { node, .. } => {
                error_at(ErrorKind::NotAComponent, node, None)
            }
            ComposeError::UnknownNode { node } => error_at(ErrorKind::UnknownNode, node, None),
            ComposeError::UnknownPort { node, port, .. } => {
                error_at(ErrorKind::UnknownPort, node, Some(port))
            }
            ComposeError::Incompatible {
                to_node, to_port, ..
            } => error_at(ErrorKind::Incompatible, to_node, Some(to_port)),
            ComposeError::Cycle { nodes } => match nodes.first() {
                Some(node) => error_at(ErrorKind::Cycle, node, None),
                None => Self::new(ErrorKind::Cycle, message),
            },
            ComposeError::DuplicateExport { second, .. } => {
                error_at(ErrorKind::Exports, second, None)
            }
            ComposeError::NothingToExport | ComposeError::NothingPlugged { .. } => {
                Self::new(ErrorKind::Exports, message)
            }
            ComposeError::ConflictingOpenImport { import, second, .. } => {
                error_at(ErrorKind::ConflictingImport, second, Some(import))
            }
            ComposeError::Encode { .. } | ComposeError::Invalid { .. } => {
                Self::new(ErrorKind::Encode, message)
            }
            ComposeError::Write { .. } => Self::new(ErrorKind::Unwritable, message),
        }
    }
}

impl From<DecomposeError> for AppError {
    fn from(error: DecomposeError) -> Self {
        match error {
            DecomposeError::Inspect(error) => Self::from(error),
            DecomposeError::NotAComposition => {
                Self::new(ErrorKind::InvalidComponent, error.to_string())
            }
            DecomposeError::Unwritable { .. } => {
                Self::new(ErrorKind::Unwritable, error.to_string())
            }
        }
    }
}

impl From<WacImportError> for AppError {
    fn from(error: WacImportError) -> Self {
        match error {
            WacImportError::Component(error) => Self::from(error),
            WacImportError::Unreadable(error) => {
                Self::new(ErrorKind::Unreadable, error.to_string())
            }
            other => Self::new(ErrorKind::InvalidProject, other.to_string()),
        }
    }
}

impl From<StartError> for AppError {
    fn from(error: StartError) -> Self {
        let message = error.to_string();
        match error {
            StartError::Compose(error) => Self::from(error),
            StartError::Grants { differ, .. } => {
                let error = Self::new(ErrorKind::GrantsDiffer, message);
                match differ.nodes().first() {
                    Some(node) => error.at(node, None),
                    None => error,
                }
            }
            StartError::StubsDiffer { import, nodes, .. } => {
                let error = Self::new(ErrorKind::ConflictingImport, message);
                match nodes.first() {
                    Some(node) => error.at(node, Some(&import)),
                    None => error,
                }
            }
        }
    }
}

impl From<tauri::Error> for AppError {
    fn from(error: tauri::Error) -> Self {
        Self::new(
            ErrorKind::Internal,
            format!("background task failed: {error}"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_kind_message_node_port() {
        let error = AppError::from(ComposeError::UnknownPort {
            node: NodeId::new("consumer-app"),
            port: "a:b/c@1.0.0".to_string(),
            direction: "import",
            available: vec![],
        });
        let json = serde_json::to_value(&error).expect("an AppError serialises");
        assert_eq!(json["kind"], "unknown-port");
        assert_eq!(json["node"], "consumer-app");
        assert_eq!(json["port"], "a:b/c@1.0.0");
        assert!(
            json["message"]
                .as_str()
                .is_some_and(|m| m.contains("has no import"))
        );
    }

    #[test]
    fn inspect_errors_keep_their_kind_under_a_node() {
        let error = AppError::from(ComposeError::Component {
            node: NodeId::new("bad"),
            path: "bad.wasm".into(),
            source: InspectError::NotWasm,
        });
        assert_eq!(error.kind, ErrorKind::NotWasm);
        assert_eq!(error.node, Some(NodeId::new("bad")));
        let json = serde_json::to_value(AppError::from(InspectError::CoreModule))
            .expect("an AppError serialises");
        assert!(json.get("node").is_none() && json.get("port").is_none());
    }
}
