use std::path::PathBuf;

use super::model::NodeId;

/// Why a project could not be loaded, validated or saved.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    /// The project file could not be read: missing, not a regular file, or too large (the
    /// error names the file).
    #[error("cannot open the project: {source}")]
    Unreadable {
        /// Why.
        #[source]
        source: crate::files::ReadError,
    },
    /// The project file could not be written.
    #[error("cannot save project to `{}`: {source}", path.display())]
    Unwritable {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The JSON is malformed or does not match the format.
    #[error("project file is not valid at line {line}, column {column}: {message}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong there.
        message: String,
    },
    /// The `format` field is missing or names a version this build does not know.
    #[error(
        "unsupported project format {found}: this version of Plugboard reads formats 1 to {}",
        super::FORMAT_VERSION
    )]
    UnsupportedFormat {
        /// What the file says.
        found: String,
    },
    /// Two nodes share an id.
    #[error("two nodes have the id `{node}`: node ids must be unique")]
    DuplicateNode {
        /// The repeated id.
        node: NodeId,
    },
    /// A wire or export names a node that is not in the project.
    #[error("{context} refers to node `{node}`, which is not in the project")]
    UnknownNode {
        /// Which wire or export.
        context: String,
        /// The missing node id.
        node: NodeId,
    },
    /// Two wires (or a wire and a stub, or two stubs) feed the same import.
    #[error(
        "import `{import}` of node `{node}` has two providers (wires or stubs): an import takes exactly one"
    )]
    ImportWiredTwice {
        /// The node.
        node: NodeId,
        /// The import.
        import: String,
    },
}

impl ProjectError {
    /// A file that is not UTF-8 text, with the position of the first bad byte.
    pub(crate) fn not_utf8(bytes: &[u8], error: std::str::Utf8Error) -> Self {
        let before = &bytes[..error.valid_up_to()];
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        let column = before.len()
            - before
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1)
            + 1;
        Self::Syntax {
            line,
            column,
            message: "the file is not UTF-8 text".to_string(),
        }
    }

    pub(crate) fn syntax(error: serde_json::Error) -> Self {
        Self::Syntax {
            line: error.line(),
            column: error.column(),
            message: strip_position(&error.to_string()),
        }
    }
}

/// serde_json appends " at line L column C" to its messages; the variant carries them already.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}
