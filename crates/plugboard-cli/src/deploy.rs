//! `plugboard export`: a project as a Spin application or a wasmCloud workload.

use std::path::Path;

use anyhow::{Context, Result};
use plugboard_core::compose::load_components;
use plugboard_core::deploy::{DeployTarget, ManifestPlace, manifest};
use plugboard_core::project::parent_dir;

/// Prints (or writes to `output`) `project_path` as a manifest for `target`, its paths relative
/// to where the manifest goes; what the target cannot say goes to stderr as warnings.
pub fn export(project_path: &Path, target: DeployTarget, output: Option<&Path>) -> Result<u8> {
    let (project, project_dir) = crate::registry::open_project(project_path)?;
    let components = load_components(&project, &project_dir)?;
    let manifest_dir = output.map_or_else(|| project_dir.clone(), parent_dir);
    let stem = project_path
        .file_name()
        .map(|n| {
            n.to_string_lossy()
                .trim_end_matches(".plugboard.json")
                .to_string()
        })
        .unwrap_or_default();
    let name = project.title.clone().unwrap_or(stem);
    let place = ManifestPlace {
        name: &name,
        dir: &manifest_dir,
    };
    let written = manifest(target, &project, &components, &place);
    for warning in &written.warnings {
        eprintln!("warning: {warning}");
    }
    match output {
        Some(path) => std::fs::write(path, &written.text)
            .with_context(|| format!("cannot write `{}`", path.display()))?,
        None => print!("{}", written.text),
    }
    Ok(0)
}
