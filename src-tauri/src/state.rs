//! The app's one managed state: the engine's caches, shared by every command.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use plugboard_core::compose::{ComponentCache, Composer};

/// What every command shares. Behind an `Arc` so blocking work can own a handle to it.
#[derive(Debug)]
pub struct Engine {
    /// Loaded components by path, re-read only when their file changes.
    pub cache: ComponentCache,
    /// The composer, which registers each distinct component once.
    composer: Mutex<Composer>,
    /// The repository root holding `sample-components/`, `target/samples/` and `projects/`.
    pub root: Option<PathBuf>,
    /// The project named on the command line, opened at start.
    pub startup_project: Option<PathBuf>,
}

impl Engine {
    /// An engine with empty caches.
    pub fn new(root: Option<PathBuf>, startup_project: Option<PathBuf>) -> Self {
        Self {
            cache: ComponentCache::new(),
            composer: Mutex::new(Composer::new()),
            root,
            startup_project,
        }
    }

    /// The composer, locked. Hold it only for one engine call.
    pub fn composer(&self) -> MutexGuard<'_, Composer> {
        // A poisoned lock means a panic inside wac-graph mid-operation; its scratch instances are
        // removed on drop, so the graph is still usable.
        self.composer.lock().unwrap_or_else(|e| e.into_inner())
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
}
