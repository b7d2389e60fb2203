//! The app's one managed state: the engine's caches and runtime, the runs in flight and the
//! watch on component files, shared by every command.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use plugboard_core::compose::{ComponentCache, Composer};
use plugboard_core::grants::ConsentStore;
use plugboard_core::inspect::WitDocs;
use plugboard_core::run::{
    RunError, RunEvent, RunHandle, Runtime, RuntimeOptions, SessionCalls, Stopper, Swapper,
};
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use ts_rs::TS;

use crate::watch::ComponentWatcher;

/// What every command shares. Behind an `Arc` so blocking work can own a handle to it.
#[derive(Debug)]
pub struct Engine {
    /// Loaded components by path, re-read only when their file changes.
    pub cache: ComponentCache,
    /// The composer, which registers each distinct component once.
    composer: Mutex<Composer>,
    /// Runs, invocations, servers and background compiles: one runtime with its own threads and
    /// compile caches.
    pub runtime: Runtime,
    /// How to stop each run in flight, give a server new code, or send a session its lines.
    runs: Mutex<HashMap<RunId, Controls>>,
    next_run: AtomicU64,
    /// The watch on the open project's component files (hot reload).
    watcher: Mutex<Option<ComponentWatcher>>,
    /// The repository root holding `sample-components/`, `target/samples/` and `projects/`.
    pub root: Option<PathBuf>,
    /// The project named on the command line, opened at start.
    pub startup_project: Option<PathBuf>,
    /// What grants the user accepted, per project file.
    pub consent: ConsentStore,
    /// Whether linked runs record their calls across wires (the Calls tab).
    tap_calls: AtomicBool,
}

/// What the window can do to a run in flight.
#[derive(Debug)]
struct Controls {
    stopper: Stopper,
    swapper: Swapper,
    /// For an invoke session: where its lines go.
    session: Option<SessionCalls>,
}

/// A run, invocation, server or background compile started by the window, to stop it by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(transparent)]
#[ts(export, type = "number")]
pub struct RunId(pub u64);

impl Engine {
    /// An engine with empty caches and the runtime the CLI uses (compile cache on disk, quick
    /// code first).
    ///
    /// # Errors
    /// When wasmtime's engine or the runtime's threads cannot be created.
    pub fn new(root: Option<PathBuf>, startup_project: Option<PathBuf>) -> Result<Self, RunError> {
        Ok(Self {
            // The samples' binaries carry no doc comments; their WIT sources in the repository do.
            cache: match &root {
                Some(root) => ComponentCache::with_wit_docs(WitDocs::from_dir(&root.join("wit"))),
                None => ComponentCache::new(),
            },
            composer: Mutex::new(Composer::new()),
            runtime: Runtime::new(RuntimeOptions::with_default_cache())?,
            runs: Mutex::new(HashMap::new()),
            next_run: AtomicU64::new(1),
            watcher: Mutex::new(None),
            root,
            startup_project,
            consent: ConsentStore::at(
                ConsentStore::default_file()
                    .unwrap_or_else(|| std::env::temp_dir().join("plugboard-accepted-grants.json")),
            ),
            tap_calls: AtomicBool::new(true),
        })
    }

    /// Whether runs started now record their calls across wires.
    pub fn tapping_calls(&self) -> bool {
        self.tap_calls.load(Ordering::Relaxed)
    }

    /// Turns the recording of calls across wires on or off for the runs started from now on.
    pub fn set_tapping_calls(&self, on: bool) {
        self.tap_calls.store(on, Ordering::Relaxed);
    }

    /// Whether `path` is one of the sample library's own projects, which run without asking.
    pub fn is_library_project(&self, path: &Path) -> bool {
        self.root
            .as_ref()
            .is_some_and(|root| path.starts_with(root.join("projects")))
    }

    /// Whether `path` is a project of an installed (read-only) library, which opens as a copy
    /// the user saves elsewhere. An installed library holds the built samples, not their
    /// sources; a repository checkout has both and its projects are edited in place.
    pub fn is_installed_library_project(&self, path: &Path) -> bool {
        self.is_library_project(path)
            && self
                .root
                .as_ref()
                .is_some_and(|root| !root.join("sample-components").is_dir())
    }

    /// The composer, locked. Hold it only for one engine call.
    pub fn composer(&self) -> MutexGuard<'_, Composer> {
        // A poisoned lock means a panic inside wac-graph mid-operation; its scratch instances are
        // removed on drop, so the graph is still usable.
        self.composer.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Forwards `handle`'s events to the window until the terminal one, and keeps its Stop under
    /// the returned id meanwhile. A window that stops listening (closed, reloaded) stops the run.
    pub fn follow(self: &Arc<Self>, handle: RunHandle, events: Channel<RunEvent>) -> RunId {
        self.follow_with(handle, None, events)
    }

    /// [`Self::follow`] for an invoke session, whose lines [`Self::session`] then finds.
    pub fn follow_session(
        self: &Arc<Self>,
        handle: RunHandle,
        calls: SessionCalls,
        events: Channel<RunEvent>,
    ) -> RunId {
        self.follow_with(handle, Some(calls), events)
    }

    fn follow_with(
        self: &Arc<Self>,
        mut handle: RunHandle,
        session: Option<SessionCalls>,
        events: Channel<RunEvent>,
    ) -> RunId {
        let id = RunId(self.next_run.fetch_add(1, Ordering::Relaxed));
        let controls = Controls {
            stopper: handle.stopper(),
            swapper: handle.swapper(),
            session,
        };
        self.runs().insert(id, controls);
        let engine = Arc::clone(self);
        tauri::async_runtime::spawn(async move {
            while let Some(event) = handle.next().await {
                if events.send(event).is_err() {
                    handle.stop();
                }
            }
            engine.runs().remove(&id);
        });
        id
    }

    /// Asks run `id` to stop; nothing if it is over already.
    pub fn stop(&self, id: RunId) {
        if let Some(controls) = self.runs().get(&id) {
            controls.stopper.stop();
        }
    }

    /// How to give run `id` new code, while it is in flight (only a server takes it).
    pub fn swapper(&self, id: RunId) -> Option<Swapper> {
        self.runs()
            .get(&id)
            .map(|controls| controls.swapper.clone())
    }

    /// Where session `id`'s lines go, while it is open.
    pub fn session(&self, id: RunId) -> Option<SessionCalls> {
        self.runs()
            .get(&id)
            .and_then(|controls| controls.session.clone())
    }

    /// Closes session `id`: it drops the handles it holds and ends with `closed`. Nothing if it
    /// is over already.
    pub fn close_session(&self, id: RunId) {
        if let Some(controls) = self.runs().get_mut(&id) {
            controls.session = None;
        }
    }

    /// Replaces the watch on component files (`None` stops watching).
    pub fn set_watcher(&self, watcher: Option<ComponentWatcher>) {
        *self.watcher.lock().unwrap_or_else(|e| e.into_inner()) = watcher;
    }

    fn runs(&self) -> MutexGuard<'_, HashMap<RunId, Controls>> {
        // Only inserts and removes happen under this lock: a poisoned map is still consistent.
        self.runs.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Where the repository root is: `PLUGBOARD_ROOT` if set, else the first directory holding
/// `sample-components/` found walking up from each of `starts` (the current directory, then the
/// executable's).
pub fn find_root(env_root: Option<PathBuf>, starts: &[PathBuf]) -> Option<PathBuf> {
    if let Some(root) = env_root {
        return Some(root);
    }
    starts.iter().find_map(|start| {
        start
            .ancestors()
            .find(|dir| is_root(dir))
            .map(Path::to_path_buf)
    })
}

/// The sample library a package installs beside the app, `<exe folder>/../lib/Plugboard/library`
/// (`/usr/lib/Plugboard/library` for `/usr/bin/plugboard-app`): where Tauri's bundler puts the
/// app's resources (scripts/package.sh lists them).
pub fn installed_library(exe: &Path) -> Option<PathBuf> {
    let dir = exe
        .parent()?
        .join("../lib/Plugboard/library")
        .canonicalize()
        .ok()?;
    dir.join("projects").is_dir().then_some(dir)
}

fn is_root(dir: &Path) -> bool {
    dir.join("sample-components").is_dir()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_wins_then_the_first_start_with_samples() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let root = dir.path().join("repo");
        let deep = root.join("target").join("debug");
        std::fs::create_dir_all(&deep).expect("dirs");
        std::fs::create_dir_all(root.join("sample-components")).expect("dirs");
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).expect("dirs");

        assert_eq!(
            find_root(None, &[elsewhere.clone(), deep.clone()]),
            Some(root.clone())
        );
        assert_eq!(find_root(None, std::slice::from_ref(&elsewhere)), None);
        assert_eq!(find_root(Some(elsewhere.clone()), &[deep]), Some(elsewhere));
    }

    #[test]
    fn an_installed_library_is_found_beside_the_app_wherever_it_is_installed() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let bin = dir.path().join("usr/bin");
        std::fs::create_dir_all(&bin).expect("dirs");
        let app = bin.join("plugboard-app");
        assert_eq!(installed_library(&app), None);
        let library = dir.path().join("usr/lib/Plugboard/library");
        std::fs::create_dir_all(library.join("projects")).expect("dirs");
        let found = installed_library(&app).expect("found");
        assert_eq!(found, library.canonicalize().expect("exists"));
    }
}
