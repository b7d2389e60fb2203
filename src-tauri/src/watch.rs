//! Watching the nodes' component files, so a rebuilt component reloads on the canvas.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

/// How long a file must stay quiet before its change is reported: a build writes a component in
/// several steps, and the reload should see the finished file.
const QUIET: Duration = Duration::from_millis(300);

/// A watch on some files; dropping it stops watching.
pub struct ComponentWatcher {
    _debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
}

impl std::fmt::Debug for ComponentWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ComponentWatcher")
    }
}

impl ComponentWatcher {
    /// Watches `paths` and calls `on_change` with the ones that changed (as given here), once
    /// each burst of writes is over (notify-debouncer-full waits for [`QUIET`]). Directories are
    /// watched rather than files, so a file replaced by a rename (as linkers and editors do) is
    /// still seen.
    ///
    /// # Errors
    /// When the system's file watcher cannot be set up.
    pub fn start(
        paths: &[PathBuf],
        on_change: impl Fn(Vec<PathBuf>) + Send + 'static,
    ) -> notify::Result<Self> {
        // Events name files under the directory as watched: key the files the same way.
        let mut wanted: HashMap<PathBuf, PathBuf> = HashMap::new();
        let mut dirs = BTreeSet::new();
        for path in paths {
            let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
                continue;
            };
            let Ok(dir) = std::fs::canonicalize(if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            }) else {
                continue; // A missing folder: the node is flagged missing already.
            };
            wanted.insert(dir.join(name), path.clone());
            dirs.insert(dir);
        }
        let mut debouncer = new_debouncer(QUIET, None, move |result: DebounceEventResult| {
            let Ok(events) = result else { return };
            let changed: BTreeSet<PathBuf> = events
                .iter()
                .filter(|event| !matches!(event.kind, EventKind::Access(_)))
                .flat_map(|event| &event.paths)
                .filter_map(|path| wanted.get(path).cloned())
                .collect();
            if !changed.is_empty() {
                on_change(changed.into_iter().collect());
            }
        })?;
        for dir in &dirs {
            debouncer.watch(dir, RecursiveMode::NonRecursive)?;
        }
        Ok(Self {
            _debouncer: debouncer,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;

    #[test]
    fn a_rewritten_file_is_reported_once_by_the_name_it_was_given() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let file = dir.path().join("a.wasm");
        std::fs::write(&file, b"one").expect("write");
        let other = dir.path().join("b.wasm");
        let given = dir.path().join(".").join("a.wasm");
        let (sender, received) = mpsc::channel();
        let _watch = ComponentWatcher::start(std::slice::from_ref(&given), move |paths| {
            let _ = sender.send(paths);
        })
        .expect("a watcher");
        std::fs::write(&other, b"not watched").expect("write");
        // Written in two steps, as a build does, then replaced by a rename.
        std::fs::write(&file, b"two").expect("write");
        std::fs::write(dir.path().join("a.tmp"), b"three").expect("write");
        std::fs::rename(dir.path().join("a.tmp"), &file).expect("rename");
        let paths = received
            .recv_timeout(Duration::from_secs(30))
            .expect("a change is reported");
        assert_eq!(paths, vec![given]);
    }
}
