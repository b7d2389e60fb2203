//! Loaded components kept across operations, re-read only when their file changes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use super::{ComposeError, LoadedComponent, NodeComponents};
use crate::inspect::WitDocs;
use crate::project::{NodeId, Project};

/// A cache of loaded components by path. A file is read and inspected again only when its size
/// or modification time changed, so an app can ask for a project's components on every edit.
#[derive(Debug, Default)]
pub struct ComponentCache {
    entries: Mutex<HashMap<PathBuf, Entry>>,
    docs: Option<WitDocs>,
}

#[derive(Debug, Clone)]
struct Entry {
    stamp: (u64, Option<SystemTime>),
    component: Arc<LoadedComponent>,
}

impl ComponentCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty cache that fills in doc comments from these WIT sources (see [`WitDocs`]) for
    /// every component it loads.
    pub fn with_wit_docs(docs: WitDocs) -> Self {
        Self {
            entries: Mutex::default(),
            docs: Some(docs),
        }
    }

    /// The component at `path`, loaded if it is new or changed on disk.
    ///
    /// # Errors
    /// As [`LoadedComponent::load`], naming `node`.
    pub fn get(&self, node: &NodeId, path: &Path) -> Result<Arc<LoadedComponent>, ComposeError> {
        let stamp = std::fs::metadata(path)
            .map(|m| (m.len(), m.modified().ok()))
            .unwrap_or((0, None));
        if let Some(entry) = self.lock().get(path)
            && entry.stamp == stamp
            && stamp.1.is_some()
        {
            return Ok(entry.component.clone());
        }
        let mut loaded = LoadedComponent::load(node, path)?;
        if let Some(docs) = &self.docs {
            docs.attach(&mut loaded.info);
        }
        let component = Arc::new(loaded);
        self.lock().insert(
            path.to_path_buf(),
            Entry {
                stamp,
                component: component.clone(),
            },
        );
        Ok(component)
    }

    /// The component of every node that can be loaded, and the error of every node that cannot.
    pub fn load_project(
        &self,
        project: &Project,
        project_dir: &Path,
    ) -> (NodeComponents, Vec<ComposeError>) {
        let mut components = NodeComponents::new();
        let mut errors = Vec::new();
        for node in &project.nodes {
            match self.get(&node.id, &project.component_path(node, project_dir)) {
                Ok(component) => {
                    components.insert(node.id.clone(), component);
                }
                Err(e) => errors.push(e),
            }
        }
        (components, errors)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Entry>> {
        // A poisoned lock only means another thread panicked mid-insert; the map is still usable.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}
