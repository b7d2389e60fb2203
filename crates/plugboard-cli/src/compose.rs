//! `plugboard compose`, `plugboard plug` and `plugboard wac`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use plugboard_core::compose::{Composer, Composition, LoadedComponent, load_components, to_wac};
use plugboard_core::project::{ComponentStatus, NodeId, Project, parent_dir};

use crate::output::human_size;

pub fn compose(project_path: &Path, output: &Path) -> Result<u8> {
    let project = Project::load(project_path)?;
    let dir = parent_dir(project_path);
    warn_about_changed_components(&project, &dir);
    let components = load_components(&project, &dir)?;
    let composition = Composer::new().compose(&project, &components)?;
    save(&composition, output)?;
    Ok(0)
}

pub fn plug(socket: &Path, plugs: &[PathBuf], output: &Path) -> Result<u8> {
    let load = |path: &Path| -> Result<Arc<LoadedComponent>> {
        let id = NodeId::new(path.display().to_string());
        Ok(Arc::new(LoadedComponent::load(&id, path)?))
    };
    let socket = load(socket)?;
    let plugs = plugs.iter().map(|p| load(p)).collect::<Result<Vec<_>>>()?;
    let mut composer = Composer::new();
    let (project, components) = composer.plug_project(socket, plugs)?;
    for wire in &project.wires {
        eprintln!("plugged {}", wire);
    }
    let composition = composer.compose(&project, &components)?;
    save(&composition, output)?;
    Ok(0)
}

pub fn wac(project_path: &Path, output: Option<&Path>) -> Result<u8> {
    let project = Project::load(project_path)?;
    let components = load_components(&project, &parent_dir(project_path))?;
    let document = to_wac(&project, &components)?;
    match output {
        Some(path) => std::fs::write(path, &document.text)
            .with_context(|| format!("cannot write `{}`", path.display()))?,
        None => print!("{}", document.text),
    }
    Ok(0)
}

fn save(composition: &Composition, output: &Path) -> Result<()> {
    composition.save(output)?;
    eprintln!(
        "wrote {} ({})",
        output.display(),
        human_size(composition.bytes.len() as u64)
    );
    let imports: Vec<&str> = composition
        .info
        .imports
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    let exports: Vec<&str> = composition
        .info
        .exports
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    eprintln!("the host must provide: {}", list_or_nothing(&imports));
    eprintln!("exports: {}", list_or_nothing(&exports));
    Ok(())
}

fn list_or_nothing(names: &[&str]) -> String {
    if names.is_empty() {
        "nothing".to_string()
    } else {
        names.join(", ")
    }
}

fn warn_about_changed_components(project: &Project, dir: &Path) {
    for status in project.check_components(dir) {
        if let ComponentStatus::Changed { .. } = status.status {
            eprintln!(
                "warning: the component of node `{}` ({}) changed since the project was saved",
                status.node,
                status.path.display()
            );
        }
    }
}
