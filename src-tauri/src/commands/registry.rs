//! Components from OCI registries: pulled as nodes, published (a node or the composition),
//! and checked for newer versions.

use std::path::PathBuf;
use std::sync::Arc;

use plugboard_core::project::{NodeId, Project, RegistrySource};
use plugboard_core::registry::{
    ComponentRef, ComponentStore, Newer, Published, RegistryConfig, newer, publish, pull,
};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use super::blocking;
use super::component::ComponentDetails;
use super::compose::{components, compose};
use crate::error::AppError;
use crate::state::Engine;

/// A component pulled into the cache, ready to be added as a node.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PulledComponent {
    /// What the node records: the reference and the digest pulled.
    pub source: RegistrySource,
    /// The cached file.
    #[ts(type = "string")]
    pub path: PathBuf,
    /// The component, inspected.
    pub details: ComponentDetails,
}

/// Pulls `reference` (an OCI reference or a wkg package name) into the component cache.
#[tauri::command]
pub async fn pull_component(
    engine: State<'_, Arc<Engine>>,
    reference: String,
) -> Result<PulledComponent, AppError> {
    blocking(&engine, move |_| {
        let reference = ComponentRef::parse(&reference, &RegistryConfig::from_environment())?;
        let pulled = pull(&reference, &ComponentStore::from_environment()?)?;
        Ok(PulledComponent {
            source: pulled.source,
            path: pulled.path,
            details: ComponentDetails::new(pulled.info),
        })
    })
    .await
}

/// Publishes `node`'s component, or without one the project's composition, to `reference`.
#[tauri::command]
pub async fn publish_component(
    engine: State<'_, Arc<Engine>>,
    project: Project,
    project_path: Option<PathBuf>,
    node: Option<NodeId>,
    reference: String,
) -> Result<Published, AppError> {
    blocking(&engine, move |engine| {
        let reference = ComponentRef::parse(&reference, &RegistryConfig::from_environment())?;
        let bytes = match node {
            Some(id) => {
                let loaded = components(engine, &project, project_path)?;
                let component = loaded.get(&id).ok_or_else(|| {
                    AppError::from(plugboard_core::compose::ComposeError::UnknownNode {
                        node: id.clone(),
                    })
                })?;
                component.bytes.to_vec()
            }
            None => compose(engine, &project, project_path)?.bytes,
        };
        Ok(publish(bytes, &reference)?)
    })
    .await
}

/// A node whose registry holds something newer than what the project recorded.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct NodeUpdate {
    /// The node.
    pub node: NodeId,
    /// What is newer, if the registry could be asked and has something.
    pub newer: Option<Newer>,
    /// Why the registry could not be asked (offline, gone).
    pub error: Option<String>,
}

/// Asks each node's registry for something newer; nodes with nothing to say are left out.
#[tauri::command]
pub async fn registry_updates(
    engine: State<'_, Arc<Engine>>,
    project: Project,
) -> Result<Vec<NodeUpdate>, AppError> {
    blocking(&engine, move |_| {
        Ok(project
            .nodes
            .iter()
            .filter_map(|node| {
                let source = node.registry.as_ref()?;
                let (newer, error) = match newer(source) {
                    Ok(None) => return None,
                    Ok(found) => (found, None),
                    Err(e) => (None, Some(e.to_string())),
                };
                Some(NodeUpdate {
                    node: node.id.clone(),
                    newer,
                    error,
                })
            })
            .collect())
    })
    .await
}
