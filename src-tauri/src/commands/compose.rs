//! Compiling a project into one component, saving it, and writing it as WAC.

use std::path::PathBuf;
use std::sync::Arc;

use plugboard_core::compose::{Composition, NodeComponents, to_wac};
use plugboard_core::project::Project;
use tauri::State;

use super::component::ComponentDetails;
use super::{blocking, project_dir};
use crate::error::{AppError, ErrorKind};
use crate::state::Engine;

/// Composes `project`: the result's imports are what the host must provide.
#[tauri::command]
pub async fn compile(
    engine: State<'_, Arc<Engine>>,
    project: Project,
    project_path: Option<PathBuf>,
) -> Result<ComponentDetails, AppError> {
    blocking(&engine, move |engine| {
        let composition = compose(engine, &project, project_path)?;
        Ok(ComponentDetails::new(composition.info))
    })
    .await
}

/// Composes `project` and writes the component to `path`.
#[tauri::command]
pub async fn save_composition(
    engine: State<'_, Arc<Engine>>,
    project: Project,
    project_path: Option<PathBuf>,
    path: PathBuf,
) -> Result<ComponentDetails, AppError> {
    blocking(&engine, move |engine| {
        let composition = compose(engine, &project, project_path)?;
        composition
            .save(&path)
            .map_err(|e| AppError::new(ErrorKind::Unwritable, e.to_string()))?;
        Ok(ComponentDetails::new(composition.info))
    })
    .await
}

/// Writes `project` as a WAC document to `path`.
#[tauri::command]
pub async fn export_wac(
    engine: State<'_, Arc<Engine>>,
    project: Project,
    project_path: Option<PathBuf>,
    path: PathBuf,
) -> Result<(), AppError> {
    blocking(&engine, move |engine| {
        let components = components(engine, &project, project_path)?;
        let document = to_wac(&project, &components)?;
        std::fs::write(&path, document.text).map_err(|e| {
            AppError::new(
                ErrorKind::Unwritable,
                format!("cannot write `{}`: {e}", path.display()),
            )
        })
    })
    .await
}

/// Every node's component, or the first node's error.
pub(super) fn components(
    engine: &Engine,
    project: &Project,
    project_path: Option<PathBuf>,
) -> Result<NodeComponents, AppError> {
    let dir = project_dir(project_path.as_deref());
    let (components, mut errors) = engine.cache.load_project(project, &dir);
    match errors.drain(..).next() {
        Some(error) => Err(error.into()),
        None => Ok(components),
    }
}

pub(super) fn compose(
    engine: &Engine,
    project: &Project,
    project_path: Option<PathBuf>,
) -> Result<Composition, AppError> {
    let components = components(engine, project, project_path)?;
    Ok(engine.composer().compose(project, &components)?)
}
