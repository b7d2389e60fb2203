//! Component files loaded for a project: bytes plus their inspection, read once per file.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;

use super::ComposeError;
use crate::inspect::{ArtifactKind, ComponentInfo, read_and_inspect};
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
}

impl LoadedComponent {
    /// Reads and inspects a component file.
    ///
    /// # Errors
    /// [`ComposeError::Component`] naming `node` when the file is unreadable, not a component, or
    /// a WIT package (which cannot be instantiated).
    pub fn load(node: &NodeId, path: &Path) -> Result<Self, ComposeError> {
        let fail = |source| ComposeError::Component {
            node: node.clone(),
            path: path.to_path_buf(),
            source,
        };
        let (bytes, info) = read_and_inspect(path).map_err(fail)?;
        if info.kind == ArtifactKind::WitPackage {
            return Err(ComposeError::NotAComponent {
                node: node.clone(),
                path: path.to_path_buf(),
            });
        }
        Ok(Self {
            path: path.to_path_buf(),
            bytes: Bytes::from(bytes),
            info,
        })
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
