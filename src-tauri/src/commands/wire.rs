//! The engine's verdict on proposed wires.

use std::path::PathBuf;
use std::sync::Arc;

use plugboard_core::compose::{ImportSuggestion, WireCheck};
use plugboard_core::library::sample_library;
use plugboard_core::project::{NodeId, Project, Wire};
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

/// What could feed each open import of `node`: exports of the other nodes, then of the sample
/// library's built components, each one a wire the engine accepts (auto-wire).
#[tauri::command]
pub async fn suggest_wires(
    engine: State<'_, Arc<Engine>>,
    project: Project,
    project_path: Option<PathBuf>,
    node: NodeId,
) -> Result<Vec<ImportSuggestion>, AppError> {
    blocking(&engine, move |engine| {
        let dir = project_dir(project_path.as_deref());
        let (components, _unloadable) = engine.cache.load_project(&project, &dir);
        let samples = engine.root.as_deref().map(sample_library);
        let files: Vec<_> = samples
            .iter()
            .flat_map(|library| &library.groups)
            .flat_map(|group| &group.samples)
            .filter(|sample| sample.built)
            .filter_map(|sample| {
                engine
                    .cache
                    .get(&NodeId::new(&sample.name), &sample.path)
                    .ok()
            })
            .collect();
        let mut composer = engine.composer();
        Ok(composer.suggest_wires(&project, &components, &node, &files))
    })
    .await
}
