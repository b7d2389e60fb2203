//! Plugboard's window: a thin Tauri shell whose commands call `plugboard-core`.
//!
//! `plugboard-app [PROJECT]` opens the window, with `PROJECT` (a `*.plugboard.json`) on the
//! canvas when given. The sample library comes from the repository root: `PLUGBOARD_ROOT`, or
//! the first folder holding `sample-components/` above the current directory or the executable.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod error;
#[cfg(test)]
mod ipc_bindings;
mod rendering;
mod state;
mod watch;

use std::path::PathBuf;
use std::sync::Arc;

use state::{Engine, find_root, installed_library};

fn main() {
    rendering::paint_without_compositing_in_software();
    let startup_project = std::env::args_os()
        .skip(1)
        .map(PathBuf::from)
        .find(|arg| !arg.to_string_lossy().starts_with('-'))
        .map(|path| std::path::absolute(&path).unwrap_or(path));
    let starts: Vec<PathBuf> = [std::env::current_dir().ok(), std::env::current_exe().ok()]
        .into_iter()
        .flatten()
        .collect();
    let root = find_root(
        std::env::var_os("PLUGBOARD_ROOT").map(PathBuf::from),
        &starts,
    );
    // Installed from the package, the library sits beside the app, and the app opens with its
    // seed project when given none (as the desktop entry starts it).
    let installed = match root {
        Some(_) => None,
        None => std::env::current_exe()
            .ok()
            .and_then(|exe| installed_library(&exe)),
    };
    let startup_project = startup_project.or_else(|| {
        let seed = installed.as_ref()?.join("projects/seed.plugboard.json");
        seed.is_file().then_some(seed)
    });
    let root = root.or(installed);

    let engine = match Engine::new(root, startup_project) {
        Ok(engine) => engine,
        Err(error) => {
            eprintln!("plugboard-app: cannot start the engine: {error}");
            std::process::exit(1);
        }
    };
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(Arc::new(engine))
        .invoke_handler(tauri::generate_handler![
            commands::library::startup,
            commands::library::library,
            commands::component::load_component,
            commands::project::new_project,
            commands::project::open_project,
            commands::project::check_project,
            commands::project::save_project,
            commands::wire::check_wires,
            commands::compose::compile,
            commands::compose::save_composition,
            commands::compose::export_wac,
            commands::deploy::deploy_manifest,
            commands::deploy::save_deploy_manifest,
            commands::registry::pull_component,
            commands::registry::publish_component,
            commands::registry::registry_updates,
            commands::grants::review_grants,
            commands::grants::accept_grants,
            commands::grants::accept_grant_edit,
            commands::grants::check_http_host,
            commands::run::run_project,
            commands::run::serve_project,
            commands::run::invoke_function,
            commands::run::open_session,
            commands::grants::wasmtime_command,
            commands::wire::suggest_wires,
            commands::stub::stub_value,
            commands::stub::stub_form_value,
            commands::inside::inside_component,
            commands::inside::decompose_component,
            commands::run::session_call,
            commands::run::close_session,
            commands::run::stop_run,
            commands::run::set_call_tap,
            commands::run::swap_served_project,
            commands::run::precompile,
            commands::http::send_request,
            commands::reload::watch_components,
            commands::reload::reload_component,
        ])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("plugboard-app: cannot start the window: {error}");
        std::process::exit(1);
    }
}
