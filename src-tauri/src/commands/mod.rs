//! The commands the window calls, one module per area. Each is a few lines: arguments in, one
//! engine call (off the async runtime when it reads files or composes), the error mapped.

pub mod component;
pub mod compose;
pub mod deploy;
pub mod grants;
pub mod http;
pub mod inside;
pub mod library;
pub mod project;
pub mod registry;
pub mod reload;
pub mod run;
pub mod stub;
pub mod wire;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use plugboard_core::project::parent_dir;

use crate::error::AppError;
use crate::state::Engine;

/// Runs blocking engine work on the blocking pool, so IPC and the window stay responsive.
async fn blocking<T: Send + 'static>(
    engine: &Arc<Engine>,
    work: impl FnOnce(&Engine) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let engine = Arc::clone(engine);
    tauri::async_runtime::spawn_blocking(move || work(&engine)).await?
}

/// The directory a project's relative component paths resolve from: its file's directory, or
/// the current directory for a project never saved (whose paths are absolute).
fn project_dir(project_path: Option<&Path>) -> PathBuf {
    match project_path {
        Some(path) => parent_dir(path),
        None => parent_dir(Path::new("unsaved.plugboard.json")),
    }
}
