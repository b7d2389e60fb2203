//! Component files loaded for a project: bytes plus their inspection, read once per file.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;

use super::ComposeError;
use crate::inspect::{
    ArtifactKind, ComponentInfo, Hashing, InspectError, read_and_inspect, read_outline,
};
use crate::project::{NodeId, Project};

/// A component file read and inspected.
#[derive(Debug)]
pub struct LoadedComponent {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its bytes.
    /// (`Bytes`: cloning and taking a `Vec` are free, which matters at 18 MB.)
    pub bytes: Bytes,
    /// What inspection found.
    pub info: ComponentInfo,
    /// What a composer knows it by: its SHA-256, or for one loaded unhashed, a name no other
    /// load has (so a composer never mistakes one for another; it only misses sharing them).
    key: String,
}

impl LoadedComponent {
    /// Reads and inspects a component file, hashing it.
    ///
    /// # Errors
    /// [`ComposeError::Component`] naming `node` when the file is unreadable, not a component, or
    /// a WIT package (which cannot be instantiated).
    pub fn load(node: &NodeId, path: &Path) -> Result<Self, ComposeError> {
        Self::read(node, path, |path| read_and_inspect(path, Hashing::Hash))
    }

    /// As [`LoadedComponent::load`] without hashing: `info.sha256` is left empty. For one-shot
    /// compositions (`plugboard plug`), where the hash would cost more than the rest.
    ///
    /// # Errors
    /// As [`LoadedComponent::load`].
    pub fn load_unhashed(node: &NodeId, path: &Path) -> Result<Self, ComposeError> {
        Self::read(node, path, |path| read_and_inspect(path, Hashing::Skip))
    }

    /// As [`LoadedComponent::load_unhashed`], with only an outline of its ports (see
    /// [`crate::inspect::outline`]): enough to plug it when every wire fits, not to say why one
    /// does not.
    ///
    /// # Errors
    /// As [`LoadedComponent::load`].
    pub fn load_outline(node: &NodeId, path: &Path) -> Result<Self, ComposeError> {
        Self::read(node, path, read_outline)
    }

    fn read(
        node: &NodeId,
        path: &Path,
        inspect: impl FnOnce(&Path) -> Result<(Vec<u8>, ComponentInfo), InspectError>,
    ) -> Result<Self, ComposeError> {
        static UNHASHED: AtomicU64 = AtomicU64::new(0);
        let fail = |source| ComposeError::Component {
            node: node.clone(),
            path: path.to_path_buf(),
            source,
        };
        let (bytes, info) = inspect(path).map_err(fail)?;
        if info.kind == ArtifactKind::WitPackage {
            return Err(ComposeError::NotAComponent {
                node: node.clone(),
                path: path.to_path_buf(),
            });
        }
        let key = if info.sha256.is_empty() {
            format!("unhashed-{}", UNHASHED.fetch_add(1, Ordering::Relaxed))
        } else {
            info.sha256.clone()
        };
        Ok(Self {
            path: path.to_path_buf(),
            bytes: Bytes::from(bytes),
            info,
            key,
        })
    }

    /// What a composer knows this component by (its SHA-256 when it was hashed).
    pub fn key(&self) -> &str {
        &self.key
    }
}

/// The component of every node of a project.
pub type NodeComponents = BTreeMap<NodeId, Arc<LoadedComponent>>;

/// Loads the component of every node, reading each distinct file once.
///
/// # Errors
/// The first node whose component cannot be loaded, as [`LoadedComponent::load`].
pub fn load_components(
    project: &Project,
    project_dir: &Path,
) -> Result<NodeComponents, ComposeError> {
    let mut by_path: HashMap<PathBuf, Arc<LoadedComponent>> = HashMap::new();
    let mut components = NodeComponents::new();
    for node in &project.nodes {
        let path = project.component_path(node, project_dir);
        let component = match by_path.get(&path) {
            Some(loaded) => loaded.clone(),
            None => {
                let loaded = Arc::new(LoadedComponent::load(&node.id, &path)?);
                by_path.insert(path, loaded.clone());
                loaded
            }
        };
        components.insert(node.id.clone(), component);
    }
    Ok(components)
}
