//! Watching the nodes' component files, so a rebuilt component reloads on the canvas.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher};

/// How long a file must stay quiet before its change is reported: a build writes a component in
/// several steps, and the reload should see the finished file.
const QUIET: Duration = Duration::from_millis(300);

/// A watch on some files; dropping it stops watching.
pub struct ComponentWatcher {
    _watcher: notify::RecommendedWatcher,
}

impl std::fmt::Debug for ComponentWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ComponentWatcher")
    }
}

impl ComponentWatcher {
    /// Watches `paths` and calls `on_change` with the ones that changed (as given here), once
    /// each burst of writes is over. Directories are watched rather than files, so a file
    /// replaced by a rename (as linkers and editors do) is still seen.
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
        let (sender, changes) = mpsc::channel::<PathBuf>();
        let mut watcher =
            notify::recommended_watcher(move |result: notify::Result<notify::Event>| {
                let Ok(event) = result else { return };
                if matches!(event.kind, EventKind::Access(_)) {
                    return;
                }
                for path in &event.paths {
                    if let Some(original) = wanted.get(path) {
                        // The receiver is gone only once the watcher is being dropped.
                        let _ = sender.send(original.clone());
                    }
                }
            })?;
        for dir in &dirs {
            watcher.watch(dir, RecursiveMode::NonRecursive)?;
        }
        std::thread::Builder::new()
            .name("plugboard-watch".into())
            .spawn(move || {
                // Ends when the watcher (and with it the sender) is dropped.
                while let Ok(first) = changes.recv() {
                    let mut batch = BTreeSet::from([first]);
                    while let Ok(path) = changes.recv_timeout(QUIET) {
                        batch.insert(path);
                    }
                    on_change(batch.into_iter().collect());
                }
            })
            .map_err(notify::Error::io)?;
        Ok(Self { _watcher: watcher })
    }
}

#[cfg(test)]
mod tests {
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
