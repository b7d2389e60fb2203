use std::path::PathBuf;

use wasmparser::BinaryReaderError;

/// Why a file could not be inspected. Every variant's message says what is wrong and, where there
/// is one, what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    /// The file could not be read: missing, not a regular file, or too large (the error names
    /// the file).
    #[error("{source}")]
    Unreadable {
        /// Why.
        #[source]
        source: crate::files::ReadError,
    },
    /// WebAssembly text that does not parse.
    #[error("`{}` is WebAssembly text that does not parse: {message}", path.display())]
    Text {
        /// The file.
        path: PathBuf,
        /// What the text parser said, with the line and column.
        message: String,
    },
    /// The file has no bytes at all.
    #[error("not a WebAssembly file: the file is empty")]
    Empty,
    /// The bytes do not start with the WebAssembly magic number.
    #[error("not a WebAssembly file: it does not start with the `\\0asm` magic bytes")]
    NotWasm,
    /// A core WebAssembly module rather than a component.
    #[error(
        "a core module, not a component: componentize it with `wasm-tools component new` (or build \
         for the wasm32-wasip2 target, or with componentize-py / componentize-js)"
    )]
    CoreModule,
    /// The binary ends in the middle of something.
    #[error("truncated component: the file ends unexpectedly at byte offset {offset}")]
    Truncated {
        /// Where the data ran out.
        offset: usize,
    },
    /// The binary is damaged or uses something unsupported.
    #[error("invalid component at byte offset {offset}: {message}")]
    Invalid {
        /// Where the problem was found.
        offset: usize,
        /// What the parser or validator said.
        message: String,
    },
    /// A well-formed binary whose WIT could not be reconstructed.
    #[error("cannot derive the WIT of this component: {message}")]
    Undecodable {
        /// What the WIT decoder said.
        message: String,
    },
}

impl InspectError {
    /// Maps an error of the WIT decoder, keeping the byte offset when a parser error is inside.
    pub(crate) fn from_decode(error: anyhow::Error) -> Self {
        match error.downcast_ref::<BinaryReaderError>() {
            Some(e) => Self::from_reader(e),
            None => Self::Undecodable {
                message: format!("{error:#}"),
            },
        }
    }

    /// Maps a wasmparser error to [`InspectError::Truncated`] or [`InspectError::Invalid`].
    pub(crate) fn from_reader(error: &BinaryReaderError) -> Self {
        let message = error.message();
        if message.contains("unexpected end") {
            Self::Truncated {
                offset: error.offset() as usize,
            }
        } else {
            Self::Invalid {
                offset: error.offset() as usize,
                message: message.to_string(),
            }
        }
    }
}
