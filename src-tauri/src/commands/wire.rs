//! The engine's verdict on proposed wires.

use std::path::PathBuf;
use std::sync::Arc;

use plugboard_core::compose::WireCheck;
use plugboard_core::project::{Project, Wire};
use tauri::State;

use super::{blocking, project_dir};
use crate::error::AppError;
use crate::state::Engine;

/// Checks each proposed wire against `project` as it stands, in order. The window asks for every
/// candidate when a drag starts, so it can dim the ports that would refuse.
#[tauri::command]
pub async fn check_wires(
    engine: State<'_, Arc<Engine>>,
    project: Project,
    project_path: Option<PathBuf>,
    proposals: Vec<Wire>,
) -> Result<Vec<WireCheck>, AppError> {
    blocking(&engine, move |engine| {
        let dir = project_dir(project_path.as_deref());
        let (components, _unloadable) = engine.cache.load_project(&project, &dir);
        let mut composer = engine.composer();
        Ok(proposals
            .iter()
            .map(|w| composer.check_wire(&project, &components, &w.from, &w.to))
            .collect())
    })
    .await
}
