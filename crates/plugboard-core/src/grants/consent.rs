//! What the user accepted, per project file: a project opened from elsewhere runs only with
//! grants the user has seen and accepted (or made), and asks again when a grant changes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::GrantReview;
use crate::files::{Durability, write_atomically};

/// The consent file could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot remember the accepted grants in `{}`: {source}", path.display())]
pub struct ConsentError {
    /// The consent file.
    pub path: PathBuf,
    /// What the operating system said.
    #[source]
    pub source: std::io::Error,
}

/// The accepted grants of every project file, kept in one JSON file (by default
/// `~/.config/plugboard/accepted-grants.json`; see [`ConsentStore::default_file`]).
///
/// A consent file that cannot be read (missing, damaged) counts as empty: projects ask again.
#[derive(Debug)]
pub struct ConsentStore {
    file: PathBuf,
    accepted: Mutex<Option<Accepted>>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Accepted {
    /// Project file (canonical path) → accepted grant keys.
    projects: BTreeMap<String, BTreeSet<String>>,
}

impl ConsentStore {
    /// A store kept in `file`.
    pub fn at(file: PathBuf) -> Self {
        Self {
            file,
            accepted: Mutex::new(None),
        }
    }

    /// `$PLUGBOARD_CONFIG_DIR/accepted-grants.json`, else under `$XDG_CONFIG_HOME/plugboard`, else
    /// under `~/.config/plugboard`.
    pub fn default_file() -> Option<PathBuf> {
        let dir = match std::env::var_os("PLUGBOARD_CONFIG_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => std::env::var_os("XDG_CONFIG_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?
                .join("plugboard"),
        };
        Some(dir.join("accepted-grants.json"))
    }

    /// What of `review` (a project's grants) the user has not accepted for `project_file` yet.
    pub fn pending(&self, project_file: &Path, review: &GrantReview) -> GrantReview {
        let key = project_key(project_file);
        self.with(|accepted| {
            let empty = BTreeSet::new();
            review.without(accepted.projects.get(&key).unwrap_or(&empty))
        })
    }

    /// Remembers that the user accepted everything in `review` for `project_file` (the dialog's
    /// Accept, or grants the user made in the window).
    ///
    /// # Errors
    /// [`ConsentError`] when the consent file cannot be written.
    pub fn accept(&self, project_file: &Path, review: &GrantReview) -> Result<(), ConsentError> {
        let key = project_key(project_file);
        self.update(|accepted| {
            accepted
                .projects
                .entry(key)
                .or_default()
                .extend(review.keys());
        })
    }

    /// A project saved from `from` (or never saved) to `to` keeps, of `review` (its grants),
    /// what was accepted for `from`; a project never saved made all of its grants in the window,
    /// so all of them count as accepted.
    ///
    /// # Errors
    /// [`ConsentError`] when the consent file cannot be written.
    pub fn carry(
        &self,
        from: Option<&Path>,
        to: &Path,
        review: &GrantReview,
    ) -> Result<(), ConsentError> {
        let kept = match from {
            None => review.keys(),
            Some(from) => {
                let pending = self.pending(from, review).keys();
                review.keys().difference(&pending).cloned().collect()
            }
        };
        let key = project_key(to);
        self.update(|accepted| {
            accepted.projects.insert(key, kept);
        })
    }

    fn with<T>(&self, read: impl FnOnce(&Accepted) -> T) -> T {
        let mut guard = self.accepted.lock().unwrap_or_else(|e| e.into_inner());
        read(guard.get_or_insert_with(|| self.load()))
    }

    fn update(&self, change: impl FnOnce(&mut Accepted)) -> Result<(), ConsentError> {
        let mut guard = self.accepted.lock().unwrap_or_else(|e| e.into_inner());
        let accepted = guard.get_or_insert_with(|| self.load());
        change(accepted);
        let text = serde_json::to_string_pretty(&*accepted).unwrap_or_default();
        let fail = |source| ConsentError {
            path: self.file.clone(),
            source,
        };
        if let Some(dir) = self.file.parent() {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        write_atomically(&self.file, text.as_bytes(), Durability::Durable).map_err(fail)
    }

    fn load(&self) -> Accepted {
        crate::files::read_bounded(&self.file, crate::files::MAX_PROJECT_BYTES, "consent file")
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }
}

/// A project file's identity: its canonical path (its normalised absolute path when it does
/// not exist yet).
fn project_key(file: &Path) -> String {
    std::fs::canonicalize(file)
        .unwrap_or_else(|_| {
            crate::files::parent_dir(file).join(file.file_name().unwrap_or_default())
        })
        .to_string_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grants::review;
    use crate::project::Project;

    fn project(capabilities: &str) -> Project {
        Project::from_json(&format!(
            r#"{{"format": 2, "nodes": [{{"id": "a", "component": "a.wasm"}}], "capabilities": {capabilities}}}"#
        ))
        .expect("a project")
    }

    #[test]
    fn accepted_grants_are_remembered_per_file_and_a_changed_grant_asks_again() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let file = dir.path().join("consent.json");
        let here = dir.path().join("here.plugboard.json");
        let there = dir.path().join("there.plugboard.json");
        let network = review(&project(r#"{"inherit-network": true}"#));

        let store = ConsentStore::at(file.clone());
        assert_eq!(store.pending(&here, &network), network);
        store.accept(&here, &network).expect("remembered");
        assert!(store.pending(&here, &network).is_empty());
        assert_eq!(
            store.pending(&there, &network),
            network,
            "another file asks"
        );

        // A new store reads what the last one wrote.
        let again = ConsentStore::at(file.clone());
        assert!(again.pending(&here, &network).is_empty());
        let more = review(&project(
            r#"{"inherit-network": true, "inherit-env": true}"#,
        ));
        let left = again.pending(&here, &more);
        assert_eq!(
            left.entries().count(),
            1,
            "only the new grant asks: {left:?}"
        );

        // Saved elsewhere: what was accepted comes along, what was not still asks.
        again.carry(Some(&here), &there, &more).expect("carried");
        assert_eq!(again.pending(&there, &more).entries().count(), 1);
        // Never saved: everything was made in the window.
        let new = dir.path().join("new.plugboard.json");
        again.carry(None, &new, &more).expect("carried");
        assert!(again.pending(&new, &more).is_empty());
    }

    #[test]
    fn a_damaged_consent_file_counts_as_nothing_accepted() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let file = dir.path().join("consent.json");
        std::fs::write(&file, b"{ not json").expect("write");
        let network = review(&project(r#"{"inherit-network": true}"#));
        let store = ConsentStore::at(file);
        assert_eq!(store.pending(&dir.path().join("p.json"), &network), network);
    }
}
