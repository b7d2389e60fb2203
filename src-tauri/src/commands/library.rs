//! What the window needs at start: the sample library, the host's interfaces, the project given on
//! the command line.

use std::path::PathBuf;
use std::sync::Arc;

use plugboard_core::library::{SampleLibrary, sample_library};
use plugboard_core::wasi::{HostInterface, host_interfaces};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use super::blocking;
use crate::error::{AppError, ErrorKind};
use crate::state::Engine;

/// Facts the window reads once, at start.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Startup {
    /// The repository root the sample library comes from, if found.
    #[ts(type = "string | null")]
    pub root: Option<PathBuf>,
    /// The project named on the command line, to open first.
    #[ts(type = "string | null")]
    pub project: Option<PathBuf>,
    /// The interfaces the host provides: the host node's ports.
    pub host_interfaces: Vec<HostInterface>,
}

/// The startup facts.
#[tauri::command]
pub fn startup(engine: State<'_, Arc<Engine>>) -> Startup {
    Startup {
        root: engine.root.clone(),
        project: engine.startup_project.clone(),
        host_interfaces: host_interfaces(),
    }
}

/// The sample components by group and the ready projects.
#[tauri::command]
pub async fn library(engine: State<'_, Arc<Engine>>) -> Result<SampleLibrary, AppError> {
    blocking(&engine, |engine| match &engine.root {
        Some(root) => Ok(sample_library(root)),
        None => Err(AppError::new(
            ErrorKind::NoLibrary,
            "the sample library was not found: start Plugboard from its repository, or set \
             PLUGBOARD_ROOT to the folder holding sample-components/",
        )),
    })
    .await
}
