//! Components from OCI registries, and compositions published to them.
//!
//! A reference is an OCI reference (`ghcr.io/owner/name:1.0.0`) or a wkg package name
//! (`namespace:name@1.0.0`, resolved through [`RegistryConfig`]). [`pull`] fetches it with
//! oci-client, checks that the bytes are a component, and keeps them in the [`ComponentStore`]
//! under the manifest digest; a project records the reference and digest
//! ([`crate::project::RegistrySource`]), so it reopens offline with the very same bytes and
//! [`newer`] can say when the registry holds something newer. [`publish`] pushes a component in
//! the layout wkg uses. A registry on a loopback address is spoken to in plain HTTP.
//!
//! oci-client is used directly rather than through `wasm-pkg-client` or `oci-wasm`: both bring
//! their own copies of the wasm-tools crates (wit-parser, wit-component), a second compile of
//! each on every cold build, for a config this module writes in a few lines.

mod client;
mod config;
mod error;
mod reference;
mod store;

use std::path::PathBuf;

pub use client::{WASM_CONFIG_MEDIA_TYPE, WASM_LAYER_MEDIA_TYPE};
pub use config::RegistryConfig;
pub use error::RegistryError;
pub use reference::{ComponentRef, looks_like_reference};
pub use store::ComponentStore;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::inspect::{ArtifactKind, ComponentInfo, inspect_bytes};
use crate::project::{Project, RegistrySource};
use client::Session;

/// A component pulled into the store.
#[derive(Debug, Clone)]
pub struct Pulled {
    /// Where the project should record it came from.
    pub source: RegistrySource,
    /// The cached file.
    pub path: PathBuf,
    /// What inspection found.
    pub info: ComponentInfo,
}

/// Pulls `reference` into `store`.
///
/// # Errors
/// [`RegistryError`]: not found, unreachable, credentials required, not a component, or a
/// cache that cannot be written. The store is unchanged then.
pub fn pull(reference: &ComponentRef, store: &ComponentStore) -> Result<Pulled, RegistryError> {
    let (bytes, digest) = Session::new(reference)?.pull()?;
    let info = component_info(reference, &bytes)?;
    let path = store.put(&digest, &bytes)?;
    Ok(Pulled {
        source: RegistrySource {
            reference: reference.oci(),
            digest,
        },
        path,
        info,
    })
}

/// The cached file of `source`, pulled by its digest first if the store does not have it (a
/// project opened on another machine).
///
/// # Errors
/// As [`pull`]; a registry that serves other bytes under the digest is refused.
pub fn ensure_cached(
    source: &RegistrySource,
    store: &ComponentStore,
) -> Result<PathBuf, RegistryError> {
    let path = store.path_of(&source.digest);
    if path.is_file() {
        return Ok(path);
    }
    let reference = ComponentRef::parse(&source.reference, &RegistryConfig::default())?
        .at_digest(&source.digest);
    let pulled = pull(&reference, store)?;
    if pulled.source.digest != source.digest {
        return Err(RegistryError::Refused {
            reference: reference.oci(),
            message: format!(
                "it answered with {} for {}",
                pulled.source.digest, source.digest
            ),
        });
    }
    Ok(pulled.path)
}

/// Points each registry node of `project` (paths absolute) at the cached copy of the digest it
/// recorded, pulling the ones the store does not have.
///
/// # Errors
/// The first node whose component cannot be had, as [`ensure_cached`].
pub fn materialize(project: &mut Project, store: &ComponentStore) -> Result<(), RegistryError> {
    for node in &mut project.nodes {
        if let Some(source) = &node.registry {
            node.component = ensure_cached(source, store)?;
        }
    }
    Ok(())
}

/// A component published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Published {
    /// The OCI reference it was pushed to.
    pub reference: String,
    /// The manifest digest the registry gave it.
    pub digest: String,
}

/// Publishes the component `bytes` to `reference`.
///
/// # Errors
/// [`RegistryError::NotAComponent`] for bytes that are not a component (nothing is pushed),
/// or what the registry refused.
pub fn publish(bytes: Vec<u8>, reference: &ComponentRef) -> Result<Published, RegistryError> {
    let info = component_info(reference, &bytes)?;
    let names = |ports: &[crate::inspect::Port]| ports.iter().map(|p| p.name.clone()).collect();
    let digest =
        Session::new(reference)?.publish(bytes, names(&info.imports), names(&info.exports))?;
    Ok(Published {
        reference: reference.oci(),
        digest,
    })
}

/// Something newer than what a project recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Newer {
    /// The reference to pull for it.
    pub reference: String,
    /// What changed, in a sentence.
    pub summary: String,
}

/// Whether the registry holds something newer than `source`: a higher semver tag in the same
/// repository, or the same tag now pointing at other bytes.
///
/// # Errors
/// [`RegistryError`] when the registry cannot be asked.
pub fn newer(source: &RegistrySource) -> Result<Option<Newer>, RegistryError> {
    let reference = ComponentRef::parse(&source.reference, &RegistryConfig::default())?;
    let session = Session::new(&reference)?;
    let Some(tag) = reference.oci.tag().map(str::to_string) else {
        return Ok(None);
    };
    let version = |t: &str| semver::Version::parse(t.trim_start_matches('v')).ok();
    if let Some(current) = version(&tag) {
        let highest = session
            .tags()?
            .into_iter()
            .filter_map(|t| version(&t).map(|v| (v, t)))
            .filter(|(v, _)| v > &current && v.pre.is_empty())
            .max();
        if let Some((v, t)) = highest {
            return Ok(Some(Newer {
                reference: reference.with_tag(&t).whole(),
                summary: format!("version {v} is in the registry (this project has {current})"),
            }));
        }
    }
    let now = session.current_digest(&reference.oci)?;
    Ok((now != source.digest).then(|| Newer {
        reference: reference.oci(),
        summary: format!(
            "`{tag}` now points to {} (this project has {})",
            short(&now),
            short(&source.digest)
        ),
    }))
}

/// `sha256:0123456789ab…`.
fn short(digest: &str) -> String {
    digest.chars().take(19).collect::<String>() + "…"
}

/// The inspection of pulled or published bytes, refusing what is not a component.
fn component_info(reference: &ComponentRef, bytes: &[u8]) -> Result<ComponentInfo, RegistryError> {
    let not_a_component = |found: String| RegistryError::NotAComponent {
        reference: reference.oci(),
        found,
    };
    let info = inspect_bytes(bytes).map_err(|e| not_a_component(e.to_string()))?;
    if info.kind == ArtifactKind::WitPackage {
        return Err(not_a_component("it is a WIT package".to_string()));
    }
    Ok(info)
}
