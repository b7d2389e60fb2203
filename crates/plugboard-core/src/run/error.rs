/// Why a run could not start (these end a run with [`super::RunEvent::Failed`]).
#[derive(Debug, Clone, thiserror::Error)]
pub enum RunError {
    /// The component does not compile.
    #[error("cannot compile the component: {message}")]
    Compile {
        /// What the compiler said.
        message: String,
    },
    /// An import the host does not provide.
    #[error("import `{name}` is not provided: {hint}")]
    MissingImport {
        /// The import.
        name: String,
        /// What to do.
        hint: String,
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
    /// An internal failure of the host (should not happen).
    #[error("host error: {message}")]
    Host {
        /// What happened.
        message: String,
    },
}

impl RunError {
    pub(crate) fn host(error: impl std::fmt::Display) -> Self {
        Self::Host {
            message: error.to_string(),
        }
    }

    /// Explains a failed pre-instantiation: which import is missing, and what to do.
    pub(crate) fn missing_import(error: &wasmtime::Error) -> Self {
        let text = format!("{error:#}");
        // wasmtime says: "component imports instance `NAME`, but a matching implementation was
        // not found in the linker" (or `function`, `resource`, …).
        let name = text
            .split('`')
            .nth(1)
            .map(str::to_string)
            .unwrap_or_default();
        if name.is_empty() {
            return Self::Host { message: text };
        }
        let hint = if name.starts_with("wasi:") {
            "this host provides WASI 0.2 (cli, clocks, filesystem, io, random, sockets, http); \
             this interface or version is not among them"
                .to_string()
        } else {
            "wire an export to it in a composition, or run a composition that provides it"
                .to_string()
        };
        Self::MissingImport { name, hint }
    }
}
