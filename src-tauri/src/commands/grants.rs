//! A project opened from elsewhere asks before it gets anything: what its grants reach on the
//! host, and what the user accepted (per project file, remembered by the engine's
//! [`plugboard_core::grants::ConsentStore`]). Grants the user makes in the window count as
//! accepted.

use std::path::PathBuf;
use std::sync::Arc;

use plugboard_core::grants::{GrantReview, WasmtimeLine, project_wasmtime_line, review};
use plugboard_core::project::{NodeId, Project};
use plugboard_core::run::HttpGrant;
use tauri::State;

use super::blocking;
use super::compose::components;
use crate::error::{AppError, ErrorKind};
use crate::state::Engine;

/// What `project`'s grants reach on the host that the user has not accepted for its file yet:
/// empty for a project never saved (everything in it was made in the window) and for the
/// sample library's projects.
#[tauri::command]
pub async fn review_grants(
    engine: State<'_, Arc<Engine>>,
    project: Project,
    project_path: Option<PathBuf>,
) -> Result<GrantReview, AppError> {
    blocking(&engine, move |engine| {
        Ok(engine.pending_grants(&project, project_path.as_deref()))
    })
    .await
}

/// The `wasmtime run` / `wasmtime serve` line granting what `node` (or, without one, the
/// project) is granted, with what wasmtime's flags cannot say.
#[tauri::command]
pub async fn wasmtime_command(
    engine: State<'_, Arc<Engine>>,
    project: Project,
    project_path: Option<PathBuf>,
    node: Option<NodeId>,
) -> Result<WasmtimeLine, AppError> {
    blocking(&engine, move |engine| {
        let components = components(engine, &project, project_path)?;
        Ok(project_wasmtime_line(&project, &components, node.as_ref()))
    })
    .await
}

/// The user accepted every grant of `project` (the dialog's Accept).
#[tauri::command]
pub async fn accept_grants(
    engine: State<'_, Arc<Engine>>,
    project: Project,
    project_path: Option<PathBuf>,
) -> Result<(), AppError> {
    blocking(&engine, move |engine| {
        let Some(path) = project_path else {
            return Ok(());
        };
        engine
            .consent
            .accept(&path, &review(&project))
            .map_err(unwritable)
    })
    .await
}

/// The user edited the grants in the window, from `before` to `after`: what the edit added is
/// theirs, so it counts as accepted (what was there before keeps its own standing).
#[tauri::command]
pub async fn accept_grant_edit(
    engine: State<'_, Arc<Engine>>,
    before: Project,
    after: Project,
    project_path: Option<PathBuf>,
) -> Result<(), AppError> {
    blocking(&engine, move |engine| {
        let Some(path) = project_path else {
            return Ok(());
        };
        let added = review(&after).without(&review(&before).keys());
        engine.consent.accept(&path, &added).map_err(unwritable)
    })
    .await
}

/// Checks one HTTP allow-list entry as the user enters it: a host, or `host:port`.
///
/// # Errors
/// [`ErrorKind::InvalidAddress`] saying what is wrong with it.
#[tauri::command]
pub fn check_http_host(entry: String) -> Result<(), AppError> {
    HttpGrant::check_host(&entry)
        .map_err(|e| AppError::new(ErrorKind::InvalidAddress, e.to_string()))
}

fn unwritable(error: plugboard_core::grants::ConsentError) -> AppError {
    AppError::new(ErrorKind::Unwritable, error.to_string())
}

impl Engine {
    /// What of `project`'s grants still waits for the user's consent.
    pub fn pending_grants(
        &self,
        project: &Project,
        project_path: Option<&std::path::Path>,
    ) -> GrantReview {
        match project_path {
            Some(path) if !self.is_library_project(path) => {
                self.consent.pending(path, &review(project))
            }
            _ => GrantReview::default(),
        }
    }

    /// Refuses to start anything on `project` while some of its grants wait for consent.
    ///
    /// # Errors
    /// [`ErrorKind::GrantsNotAccepted`] listing them.
    pub fn check_consent(
        &self,
        project: &Project,
        project_path: Option<&std::path::Path>,
    ) -> Result<(), AppError> {
        let pending = self.pending_grants(project, project_path);
        if pending.is_empty() {
            return Ok(());
        }
        let items: Vec<String> = pending
            .entries()
            .map(|(_, item)| item.to_string())
            .collect();
        Err(AppError::new(
            ErrorKind::GrantsNotAccepted,
            format!(
                "this project's grants have not been accepted yet: {}. Review and accept them \
                 first, or change the grants",
                items.join("; ")
            ),
        ))
    }
}
