//! `plugboard compose`, `plugboard plug`, `plugboard decompose`, `plugboard wac` and
//! `plugboard from-wac`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use plugboard_core::compose::{
    Candidate, Composer, LoadedComponent, NodeComponents, WacPackages, WrittenComposition,
    load_components, read_wac, to_wac,
};
use plugboard_core::project::{ComponentStatus, Node, NodeId, Project};

use crate::output::{counted, error_text, human_size};

pub fn compose(project_path: &Path, output: &Path) -> Result<u8> {
    let (project, dir) = crate::registry::open_project(project_path)?;
    warn_about_changed_components(&project, &dir);
    let components = load_components(&project, &dir)?;
    let written = Composer::new().compose_into_file(&project, &components, output)?;
    report(&written, output);
    Ok(0)
}

pub fn plug(
    socket: &Path,
    plugs: &[PathBuf],
    auto_from: Option<&Path>,
    output: &Path,
) -> Result<u8> {
    let socket = crate::registry::resolve(socket)?;
    let plugs = plugs
        .iter()
        .map(|p| crate::registry::resolve(p))
        .collect::<Result<Vec<_>>>()?;
    // Plugging given plugs needs only the inputs' outlines. Should anything fail, it is done
    // again from full inspections, whose errors say why.
    if auto_from.is_none()
        && let Ok(written) = plug_with(Inspection::Outline, &socket, &plugs, None, output)
    {
        return Ok(written);
    }
    plug_with(Inspection::Full, &socket, &plugs, auto_from, output)
}

/// How much of each component `plug` inspects.
#[derive(Debug, Clone, Copy)]
enum Inspection {
    /// Its ports' names and kinds ([`LoadedComponent::load_outline`]): enough when everything
    /// fits, and a fraction of the time for a large component.
    Outline,
    /// Everything, to explain what does not fit.
    Full,
}

fn plug_with(
    inspection: Inspection,
    socket: &Path,
    plugs: &[PathBuf],
    auto_from: Option<&Path>,
    output: &Path,
) -> Result<u8> {
    // The socket is read and inspected beside the plugs.
    let (socket, plugs) = std::thread::scope(|scope| {
        let loading = scope.spawn(|| load(socket, inspection));
        let plugs = plugs
            .iter()
            .map(|p| load(p, inspection))
            .collect::<Result<Vec<_>>>();
        // Loading cannot panic; should the thread not run, load here.
        (
            loading.join().unwrap_or_else(|_| load(socket, inspection)),
            plugs,
        )
    });
    let (socket, mut plugs) = (socket?, plugs?);
    let mut composer = Composer::new();
    if let Some(dir) = auto_from {
        plugs.extend(auto_plugs(&mut composer, &socket, dir)?);
    }
    let (project, components) = composer.plug_project(socket, plugs)?;
    let written = composer.compose_into_file(&project, &components, output)?;
    for wire in &project.wires {
        eprintln!("plugged {}", wire);
    }
    report(&written, output);
    Ok(0)
}

/// Loads the component at `path` (a file, not a registry reference). Nothing `plug` does needs
/// its hash.
fn load(path: &Path, inspection: Inspection) -> Result<Arc<LoadedComponent>> {
    let id = NodeId::new(path.display().to_string());
    let loaded = match inspection {
        Inspection::Outline => LoadedComponent::load_outline(&id, path),
        Inspection::Full => LoadedComponent::load_unhashed(&id, path),
    };
    Ok(Arc::new(loaded?))
}

/// The components in `dir` that plug the socket's open imports: for each import, the one that
/// fits it. Files that are not components are skipped with a note; an import several fit is
/// an error listing them.
fn auto_plugs(
    composer: &mut Composer,
    socket: &Arc<LoadedComponent>,
    dir: &Path,
) -> Result<Vec<Arc<LoadedComponent>>> {
    let mut files = Vec::new();
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read `{}`", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "wasm") && *p != socket.path)
        .collect();
    paths.sort();
    for path in paths {
        match load(&path, Inspection::Full) {
            Ok(file) => files.push(file),
            Err(error) => eprintln!(
                "plugboard: skipped {}: {}",
                path.display(),
                error_text(&error)
            ),
        }
    }
    let socket_id = NodeId::new("socket");
    let project = Project {
        nodes: vec![Node {
            id: socket_id.clone(),
            component: socket.path.clone(),
            sha256: None,
            position: Default::default(),
            capabilities: None,
            registry: None,
        }],
        ..Project::default()
    };
    let components = NodeComponents::from([(socket_id.clone(), socket.clone())]);
    let suggestions = composer.suggest_wires(&project, &components, &socket_id, &files);
    let ambiguous: Vec<String> = suggestions
        .iter()
        .filter(|s| s.candidates.len() > 1)
        .map(|s| {
            let names: Vec<String> = s.candidates.iter().map(Candidate::label).collect();
            format!("`{}`: {}", s.import, names.join(", "))
        })
        .collect();
    if !ambiguous.is_empty() {
        bail!(
            "several components in `{}` fit an import: choose one with --plug\n  {}",
            dir.display(),
            ambiguous.join("\n  ")
        );
    }
    let mut chosen: Vec<Arc<LoadedComponent>> = Vec::new();
    for suggestion in &suggestions {
        match suggestion.unambiguous() {
            Some(Candidate::File { path, .. }) => {
                if let Some(file) = files.iter().find(|f| f.path == *path)
                    && !chosen.iter().any(|c| c.path == *path)
                {
                    chosen.push(file.clone());
                }
            }
            _ => eprintln!(
                "plugboard: nothing in `{}` fits `{}`",
                dir.display(),
                suggestion.import
            ),
        }
    }
    Ok(chosen)
}

pub fn wac(project_path: &Path, output: Option<&Path>) -> Result<u8> {
    let (project, dir) = crate::registry::open_project(project_path)?;
    let components = load_components(&project, &dir)?;
    let document = to_wac(&project, &components)?;
    match output {
        Some(path) => std::fs::write(path, &document.text)
            .with_context(|| format!("cannot write `{}`", path.display()))?,
        None => print!("{}", document.text),
    }
    Ok(0)
}

pub fn decompose(file: &Path, dir: &Path) -> Result<u8> {
    let (bytes, _) = plugboard_core::inspect::read_component(file)?;
    let project = plugboard_core::compose::decompose(&bytes, dir)?;
    let name = file.file_stem().map_or_else(
        || "composition".into(),
        |s| s.to_string_lossy().into_owned(),
    );
    let path = dir.join(format!("{name}.plugboard.json"));
    project.save(&path, dir)?;
    eprintln!(
        "wrote {} ({}, {}) and its components beside it",
        path.display(),
        counted(project.nodes.len(), "node"),
        counted(project.wires.len(), "wire")
    );
    Ok(0)
}

pub fn from_wac(document: &Path, deps_dir: PathBuf, deps: &[String], output: &Path) -> Result<u8> {
    let mut packages = WacPackages {
        deps_dir: Some(deps_dir),
        ..WacPackages::default()
    };
    for dep in deps {
        let (package, file) = dep
            .split_once('=')
            .with_context(|| format!("--dep `{dep}` must be PACKAGE=FILE"))?;
        packages
            .files
            .insert(package.to_string(), PathBuf::from(file));
    }
    let (project, _) = read_wac(document, &packages)?;
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    project.save(output, &cwd)?;
    eprintln!(
        "wrote {} ({}, {})",
        output.display(),
        counted(project.nodes.len(), "node"),
        counted(project.wires.len(), "wire")
    );
    Ok(0)
}

/// Says what was written and what the host must provide to run it.
fn report(written: &WrittenComposition, output: &Path) {
    eprintln!("wrote {} ({})", output.display(), human_size(written.size));
    eprintln!(
        "the host must provide: {}",
        list_or_nothing(&written.imports)
    );
    eprintln!("exports: {}", list_or_nothing(&written.exports));
}

fn list_or_nothing(names: &[String]) -> String {
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
