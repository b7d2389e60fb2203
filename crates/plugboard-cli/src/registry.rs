//! Registry references on the command line: wherever a component file is taken, a reference
//! (`127.0.0.1:5000/ns/name:tag`, `namespace:name@1.0.0`) is pulled into the component cache
//! and its cached file used; `plugboard publish` pushes a component or a project's composition.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use plugboard_core::compose::{Composer, load_components};
use plugboard_core::project::{Project, parent_dir};
use plugboard_core::registry::{
    ComponentRef, ComponentStore, RegistryConfig, looks_like_reference, materialize, pull,
};

/// `input` as a file: itself when it exists or is no reference, else the cached copy of the
/// component it names, pulled first.
pub fn resolve(input: &Path) -> Result<PathBuf> {
    let text = input.to_string_lossy();
    if input.exists() || !looks_like_reference(&text) {
        return Ok(input.to_path_buf());
    }
    let reference = ComponentRef::parse(&text, &RegistryConfig::from_environment())?;
    let pulled = pull(&reference, &ComponentStore::from_environment()?)?;
    eprintln!(
        "pulled {} ({})",
        pulled.source.reference, pulled.source.digest
    );
    Ok(pulled.path)
}

/// Loads a project with every path absolute, its registry nodes' components pulled (by the
/// digest it recorded) where the cache does not have them.
pub fn open_project(path: &Path) -> Result<(Project, PathBuf)> {
    let dir = parent_dir(path);
    let mut project = Project::load(path)?.with_absolute_paths(&dir);
    if project.nodes.iter().any(|node| node.registry.is_some()) {
        materialize(&mut project, &ComponentStore::from_environment()?)?;
    }
    Ok((project, dir))
}

/// `plugboard publish`: a component file, or a project's composition, pushed to `reference`.
pub fn publish(input: &Path, reference: &str) -> Result<u8> {
    let reference = ComponentRef::parse(reference, &RegistryConfig::from_environment())?;
    let bytes = if input.to_string_lossy().ends_with(".plugboard.json") {
        let (project, dir) = open_project(input)?;
        let components = load_components(&project, &dir)?;
        Composer::new().compose(&project, &components)?.bytes
    } else {
        let input = resolve(input)?;
        std::fs::read(&input).with_context(|| format!("cannot read `{}`", input.display()))?
    };
    let published = plugboard_core::registry::publish(bytes, &reference)?;
    println!("{}@{}", published.reference, published.digest);
    Ok(0)
}
