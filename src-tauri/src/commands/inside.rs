//! Inside a composed component: what it is made of, and taking it apart into a project.

use std::path::PathBuf;
use std::sync::Arc;

use plugboard_core::compose::decompose;
use plugboard_core::inspect::{InnerGraph, inner_graph, read_component};
use tauri::State;

use super::blocking;
use crate::error::AppError;
use crate::state::Engine;

/// What the composition at `path` is made of (its inner instances, what each import is given,
/// what it exports), or `None` for a component that instantiates no component inside it.
#[tauri::command]
pub async fn inside_component(
    engine: State<'_, Arc<Engine>>,
    path: PathBuf,
) -> Result<Option<InnerGraph>, AppError> {
    blocking(&engine, move |_| {
        let (bytes, _) = read_component(&path)?;
        Ok(inner_graph(&bytes)?)
    })
    .await
}

/// Takes the composition at `path` apart into `dir`: writes the components inside it and a
/// project (`NAME.plugboard.json`) that instantiates and wires them as the composition did;
/// returns the project file, for the window to open.
#[tauri::command]
pub async fn decompose_component(
    engine: State<'_, Arc<Engine>>,
    path: PathBuf,
    dir: PathBuf,
) -> Result<PathBuf, AppError> {
    blocking(&engine, move |_| {
        let (bytes, _) = read_component(&path)?;
        let project = decompose(&bytes, &dir)?;
        let name = path.file_stem().map_or_else(
            || "composition".into(),
            |s| s.to_string_lossy().into_owned(),
        );
        let file = dir.join(format!("{name}.plugboard.json"));
        project.save(&file, &dir)?;
        Ok(file)
    })
    .await
}
