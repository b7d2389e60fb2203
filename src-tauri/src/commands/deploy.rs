//! Deploy manifests: the project as a Spin application or a wasmCloud workload.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use plugboard_core::deploy::{DeployManifest, DeployTarget, ManifestPlace, manifest};
use plugboard_core::project::{Project, parent_dir};
use tauri::State;

use super::blocking;
use super::compose::components;
use crate::error::{AppError, ErrorKind};
use crate::state::Engine;

/// The manifest for `target`, its paths relative to `dir`.
fn write_out(
    engine: &Engine,
    project: &Project,
    project_path: Option<PathBuf>,
    target: DeployTarget,
    dir: &Path,
) -> Result<DeployManifest, AppError> {
    let name = project.title.clone().unwrap_or_else(|| {
        project_path
            .as_deref()
            .and_then(Path::file_name)
            .map(|n| {
                n.to_string_lossy()
                    .trim_end_matches(".plugboard.json")
                    .to_string()
            })
            .unwrap_or_else(|| "plugboard".to_string())
    });
    let components = components(engine, project, project_path)?;
    let place = ManifestPlace { name: &name, dir };
    Ok(manifest(target, project, &components, &place))
}

/// The manifest for `target` as it would be saved beside the project file.
#[tauri::command]
pub async fn deploy_manifest(
    engine: State<'_, Arc<Engine>>,
    project: Project,
    project_path: Option<PathBuf>,
    target: DeployTarget,
) -> Result<DeployManifest, AppError> {
    blocking(&engine, move |engine| {
        let dir = super::project_dir(project_path.as_deref());
        write_out(engine, &project, project_path, target, &dir)
    })
    .await
}

/// Writes the manifest for `target` to `path`, its paths relative to `path`'s folder.
#[tauri::command]
pub async fn save_deploy_manifest(
    engine: State<'_, Arc<Engine>>,
    project: Project,
    project_path: Option<PathBuf>,
    target: DeployTarget,
    path: PathBuf,
) -> Result<DeployManifest, AppError> {
    blocking(&engine, move |engine| {
        let written = write_out(engine, &project, project_path, target, &parent_dir(&path))?;
        std::fs::write(&path, &written.text).map_err(|e| {
            AppError::new(
                ErrorKind::Unwritable,
                format!("cannot write `{}`: {e}", path.display()),
            )
        })?;
        Ok(written)
    })
    .await
}
