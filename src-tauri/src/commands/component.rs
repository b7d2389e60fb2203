//! Loading a component file as a node.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use plugboard_core::inspect::ComponentInfo;
use plugboard_core::project::NodeId;
use plugboard_core::wasi::provided_by_host;
use plugboard_core::worlds::{WorldFit, world_fit};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use super::blocking;
use crate::error::AppError;
use crate::state::Engine;

/// A component as a node shows it: its inspection, and which of its imports the host provides.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ComponentDetails {
    /// What inspection found.
    pub info: ComponentInfo,
    /// Each import the host provides, with the host interface that provides it.
    pub host_imports: BTreeMap<String, String>,
    /// How it fits the standard world its exports point to (`None` for a library).
    pub world: Option<WorldFit>,
}

impl ComponentDetails {
    /// Pairs `info` with the host interfaces that satisfy its imports.
    pub fn new(info: ComponentInfo) -> Self {
        let host_imports = info
            .imports
            .iter()
            .filter_map(|port| Some((port.name.clone(), provided_by_host(&port.name)?.name)))
            .collect();
        let world = world_fit(&info);
        Self {
            info,
            host_imports,
            world,
        }
    }
}

/// Reads and inspects the component at `path` for the node `node` (whose id only names it in
/// errors). Cached: a file is inspected again only when it changes.
#[tauri::command]
pub async fn load_component(
    engine: State<'_, Arc<Engine>>,
    node: NodeId,
    path: PathBuf,
) -> Result<ComponentDetails, AppError> {
    blocking(&engine, move |engine| {
        let component = engine.cache.get(&node, &path)?;
        Ok(ComponentDetails::new(component.info.clone()))
    })
    .await
}
