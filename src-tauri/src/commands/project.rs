//! Opening and saving project files.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use plugboard_core::compose::{WacPackages, read_wac};
use plugboard_core::grants::review;
use plugboard_core::project::{ComponentStatus, NodeId, Project, parent_dir};
use plugboard_core::registry::{ComponentStore, ensure_cached};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use super::component::ComponentDetails;
use super::{blocking, project_dir};
use crate::error::{AppError, ErrorKind};
use crate::state::Engine;

/// A project as read from disk, with what was found for each node. Component paths are absolute,
/// so the window's copy stays valid whatever the file is saved as.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OpenedProject {
    /// The project file.
    #[ts(type = "string")]
    pub path: PathBuf,
    /// The project as written in the file.
    pub project: Project,
    /// One entry per node, in the project's order.
    pub nodes: Vec<NodeLoad>,
    /// Whether the file is a WAC document read as a new project (to be saved as one).
    pub from_wac: bool,
    /// Whether the file belongs to the installed, read-only sample library: the window holds a
    /// copy, and Save asks where to keep it.
    pub copy: bool,
}

/// What was found for one node's component: flagged, never dropped.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct NodeLoad {
    /// The node.
    pub node: NodeId,
    /// Where its component was looked for.
    #[ts(type = "string")]
    pub path: PathBuf,
    /// Whether the file is there and unchanged.
    pub status: ComponentStatus,
    /// The component, when it could be loaded.
    pub details: Option<ComponentDetails>,
    /// Why it could not be loaded.
    pub error: Option<AppError>,
}

/// A project after saving (the file holds component paths relative to `path`; this copy keeps
/// them absolute, as the window holds them).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SavedProject {
    /// Where it was saved.
    #[ts(type = "string")]
    pub path: PathBuf,
    /// The project as saved.
    pub project: Project,
}

/// A new, empty project with the engine's defaults (capabilities denied, default limits).
#[tauri::command]
pub fn new_project() -> Project {
    Project::default()
}

/// Reads the project at `path` (or the WAC document, with its packages in `deps/` beside it)
/// and loads every node's component, reporting per node.
#[tauri::command]
pub async fn open_project(
    engine: State<'_, Arc<Engine>>,
    path: PathBuf,
) -> Result<OpenedProject, AppError> {
    blocking(&engine, move |engine| {
        let path = std::path::absolute(&path).unwrap_or(path);
        let from_wac = path.extension().is_some_and(|e| e == "wac");
        let project = if from_wac {
            // Packages as `wac compose --deps-dir deps` beside the document finds them.
            let packages = WacPackages {
                deps_dir: Some(parent_dir(&path).join("deps")),
                ..WacPackages::default()
            };
            read_wac(&path, &packages)?.0
        } else {
            Project::load(&path)?.with_absolute_paths(&parent_dir(&path))
        };
        let (project, unavailable) = cache_registry_nodes(project);
        let mut nodes = load_nodes(engine, &project, &parent_dir(&path));
        for load in &mut nodes {
            if let Some(error) = unavailable.iter().find(|(id, _)| id == &load.node) {
                load.error = Some(error.1.clone());
            }
        }
        let copy = engine.is_installed_library_project(&path);
        Ok(OpenedProject {
            path,
            project,
            nodes,
            from_wac,
            copy,
        })
    })
    .await
}

/// Points each registry node at the cached copy of its digest, pulling what the cache does not
/// have; a node whose component cannot be had keeps its path and gets the registry's error.
fn cache_registry_nodes(mut project: Project) -> (Project, Vec<(NodeId, AppError)>) {
    let mut unavailable = Vec::new();
    if !project.nodes.iter().any(|n| n.registry.is_some()) {
        return (project, unavailable);
    }
    let store = match ComponentStore::from_environment() {
        Ok(store) => store,
        Err(e) => {
            let error = AppError::from(e);
            for node in project.nodes.iter().filter(|n| n.registry.is_some()) {
                unavailable.push((node.id.clone(), error.clone()));
            }
            return (project, unavailable);
        }
    };
    for node in &mut project.nodes {
        if let Some(source) = &node.registry {
            match ensure_cached(source, &store) {
                Ok(path) => node.component = path,
                Err(e) => unavailable.push((node.id.clone(), AppError::from(e))),
            }
        }
    }
    (project, unavailable)
}

/// Checks every node's component again (after files changed on disk).
#[tauri::command]
pub async fn check_project(
    engine: State<'_, Arc<Engine>>,
    project: Project,
    project_path: Option<PathBuf>,
) -> Result<Vec<NodeLoad>, AppError> {
    blocking(&engine, move |engine| {
        Ok(load_nodes(
            engine,
            &project,
            &project_dir(project_path.as_deref()),
        ))
    })
    .await
}

/// Validates `project` and saves it atomically to `path`. `project_path` is where it was last
/// saved (its relative component paths resolve from there), `None` for a new project.
#[tauri::command]
pub async fn save_project(
    engine: State<'_, Arc<Engine>>,
    project: Project,
    project_path: Option<PathBuf>,
    path: PathBuf,
) -> Result<SavedProject, AppError> {
    blocking(&engine, move |engine| {
        project.validate()?;
        let path = std::path::absolute(&path).unwrap_or(path);
        let dir = project_dir(project_path.as_deref());
        project.save(&path, &dir)?;
        // Saved elsewhere, a project keeps what was accepted for its old file; one never saved
        // made all of its grants in the window, and the library's own are trusted.
        let from = project_path
            .as_deref()
            .filter(|old| !engine.is_library_project(old));
        engine
            .consent
            .carry(from, &path, &review(&project))
            .map_err(|e| AppError::new(ErrorKind::Unwritable, e.to_string()))?;
        Ok(SavedProject {
            project: project.with_absolute_paths(&dir),
            path,
        })
    })
    .await
}

fn load_nodes(engine: &Engine, project: &Project, dir: &Path) -> Vec<NodeLoad> {
    project
        .check_components(dir)
        .into_iter()
        .map(|status| {
            let loaded = match status.status {
                ComponentStatus::Missing { .. } => None,
                _ => Some(engine.cache.get(&status.node, &status.path)),
            };
            let (details, error) = match loaded {
                None => (None, None),
                Some(Ok(component)) => (Some(ComponentDetails::new(component.info.clone())), None),
                Some(Err(e)) => (None, Some(AppError::from(e))),
            };
            NodeLoad {
                node: status.node,
                path: status.path,
                status: status.status,
                details,
                error,
            }
        })
        .collect()
}
