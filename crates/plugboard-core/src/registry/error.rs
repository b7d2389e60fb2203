//! What can go wrong between Plugboard and a registry, each in words the user can act on.

use std::path::PathBuf;

/// A registry operation that failed. Nothing is changed by a failed pull or publish: the cache
/// gains no file and the project no node.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// What was typed is not a reference.
    #[error("`{input}` is not a registry reference: {reason}")]
    BadReference {
        /// What was typed.
        input: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A package name with no registry to resolve it.
    #[error(
        "no registry is configured for `{package}`: set PLUGBOARD_REGISTRY (such as \
         `ghcr.io/owner`) or wkg's default_registry, or give a full OCI reference"
    )]
    NoRegistry {
        /// The package (`namespace:name`).
        package: String,
    },
    /// The registry has no such repository, tag or digest.
    #[error("`{reference}` is not in the registry (no such name, tag or digest)")]
    NotFound {
        /// The OCI reference asked for.
        reference: String,
    },
    /// The registry could not be reached.
    #[error("cannot reach the registry `{registry}`: {reason}")]
    Unreachable {
        /// Its host and port.
        registry: String,
        /// What the network said.
        reason: String,
    },
    /// The registry wants credentials Plugboard does not have.
    #[error(
        "the registry `{registry}` requires signing in for `{reference}`; Plugboard pulls and \
         publishes anonymously"
    )]
    AuthRequired {
        /// Its host and port.
        registry: String,
        /// The OCI reference asked for.
        reference: String,
    },
    /// The artifact is not a WebAssembly component (a container image, a core module, …).
    #[error("`{reference}` is not a WebAssembly component: {found}")]
    NotAComponent {
        /// The OCI reference.
        reference: String,
        /// What it is instead.
        found: String,
    },
    /// The registry answered something else that went wrong.
    #[error("the registry refused `{reference}`: {message}")]
    Refused {
        /// The OCI reference.
        reference: String,
        /// Its answer.
        message: String,
    },
    /// The component cache could not be written or read.
    #[error("the component cache `{}` cannot be used: {source}", path.display())]
    Cache {
        /// The file or folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// No cache folder could be found (no `$HOME`, no `$XDG_CACHE_HOME`).
    #[error(
        "there is no folder to keep pulled components in: set PLUGBOARD_COMPONENT_CACHE_DIR or HOME"
    )]
    NoCache,
}
