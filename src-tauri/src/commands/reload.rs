//! Hot reload: watching the nodes' component files, and what changed when one did.

use std::path::PathBuf;
use std::sync::Arc;

use plugboard_core::compose::WireCheck;
use plugboard_core::inspect::{ComponentDiff, ComponentInfo, diff};
use plugboard_core::project::{NodeId, Project, Wire};
use serde::Serialize;
use tauri::State;
use tauri::ipc::Channel;
use ts_rs::TS;

use super::component::ComponentDetails;
use super::{blocking, project_dir};
use crate::error::{AppError, ErrorKind};
use crate::state::Engine;
use crate::watch::ComponentWatcher;

/// Component files that changed on disk.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct FilesChanged {
    /// Each changed file, as the window gave it to [`watch_components`].
    #[ts(type = "Array<string>")]
    pub paths: Vec<PathBuf>,
}

/// A node's component after its file changed.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ComponentReload {
    /// The node.
    pub node: NodeId,
    /// The component as it is now.
    pub details: ComponentDetails,
    /// What changed in its ports, compared with what the window showed.
    pub diff: ComponentDiff,
    /// Every wire of the project checked again; refused ones no longer fit.
    pub wires: Vec<RecheckedWire>,
}

/// One wire and the engine's verdict on it now.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RecheckedWire {
    /// The wire.
    pub wire: Wire,
    /// Allowed, or refused with the reason.
    pub check: WireCheck,
}

/// Watches `paths` (the open project's component files) instead of whatever was watched before,
/// and sends the ones that change, once each burst of writes is over.
#[tauri::command]
pub fn watch_components(
    engine: State<'_, Arc<Engine>>,
    paths: Vec<PathBuf>,
    events: Channel<FilesChanged>,
) -> Result<(), AppError> {
    engine.set_watcher(None);
    if paths.is_empty() {
        return Ok(());
    }
    let watcher = ComponentWatcher::start(&paths, move |paths| {
        // A window that stopped listening gets a new watch when it opens a project again.
        let _ = events.send(FilesChanged { paths });
    })
    .map_err(|e| {
        AppError::new(
            ErrorKind::Watch,
            format!("cannot watch the component files for changes: {e}"),
        )
    })?;
    engine.set_watcher(Some(watcher));
    Ok(())
}

/// Reads node `node`'s component again and says what changed since `before` (what the window
/// showed) and which wires of `project` no longer fit.
#[tauri::command]
pub async fn reload_component(
    engine: State<'_, Arc<Engine>>,
    project: Project,
    project_path: Option<PathBuf>,
    node: NodeId,
    before: Option<ComponentInfo>,
) -> Result<ComponentReload, AppError> {
    blocking(engine.inner(), move |engine| {
        let dir = project_dir(project_path.as_deref());
        let path = project
            .node(&node)
            .map(|n| project.component_path(n, &dir))
            .ok_or_else(|| {
                AppError::new(
                    ErrorKind::UnknownNode,
                    format!("there is no node `{node}` in the project"),
                )
            })?;
        let component = engine.cache.get(&node, &path)?;
        let diff = before
            .map(|before| diff(&before, &component.info))
            .unwrap_or_default();
        let (components, _unloadable) = engine.cache.load_project(&project, &dir);
        let wires = engine
            .composer()
            .recheck_wires(&project, &components)
            .into_iter()
            .map(|(wire, check)| RecheckedWire { wire, check })
            .collect();
        Ok(ComponentReload {
            node,
            details: ComponentDetails::new(component.info.clone()),
            diff,
            wires,
        })
    })
    .await
}
