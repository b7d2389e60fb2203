//! The project file (`*.plugboard.json`): nodes, wires, exports, capabilities and limits.
//!
//! A project is declarative: it names component files (relative to the project file) and the wires
//! between their ports; [`crate::compose`] replays it into a composition. Loading is strict
//! (unknown fields and unknown format versions are refused with their position), saving is atomic
//! (a temporary file renamed over the old one), and a component that went missing or changed is
//! reported per node by [`Project::check_components`], never dropped.

mod error;
mod graph;
mod migrate;
mod model;
mod status;

use std::path::{Path, PathBuf};

pub use error::ProjectError;
pub use model::{
    ExportChoice, FORMAT_VERSION, Node, NodeId, Position, Project, RegistrySource, Stub,
    StubAnswer, Wire, WireEnd,
};
pub use status::{ComponentStatus, NodeStatus};

pub use crate::files::parent_dir;

use crate::files::{Durability, absolutize, write_atomically};
use crate::run::CapabilityProfile;

impl Project {
    /// Reads and validates a project file (at most [`crate::files::MAX_PROJECT_BYTES`]).
    /// Files of an earlier format are migrated as they are read.
    ///
    /// # Errors
    /// [`ProjectError::Unreadable`], [`ProjectError::Syntax`] (with line and column),
    /// [`ProjectError::UnsupportedFormat`], or a structural error such as a wire to a node that
    /// does not exist ([`Project::validate`]).
    pub fn load(path: &Path) -> Result<Self, ProjectError> {
        let bytes =
            crate::files::read_bounded(path, crate::files::MAX_PROJECT_BYTES, "project file")
                .map_err(|source| ProjectError::Unreadable { source })?;
        let text = String::from_utf8(bytes)
            .map_err(|e| ProjectError::not_utf8(e.as_bytes(), e.utf8_error()))?;
        Self::from_json(&text)
    }

    /// Parses and validates project JSON, migrating an earlier format.
    ///
    /// # Errors
    /// As [`Project::load`], without the I/O.
    pub fn from_json(text: &str) -> Result<Self, ProjectError> {
        let format = migrate::format_of(text)?;
        let project: Project = serde_json::from_str(text).map_err(ProjectError::syntax)?;
        let project = migrate::upgrade(project, format);
        project.validate()?;
        Ok(project)
    }

    /// The project as pretty JSON, as it is saved.
    pub fn to_json(&self) -> String {
        // Serialising plain data with string keys cannot fail.
        #[expect(
            clippy::expect_used,
            reason = "a Project has only string keys and finite numbers"
        )]
        let mut text = serde_json::to_string_pretty(self).expect("a project always serialises");
        text.push('\n');
        text
    }

    /// Saves the project to `path` atomically: written to a temporary file in the same directory,
    /// synced, then renamed over `path`, so a crash never leaves half a project. Every path in it
    /// (components, granted folders, a stdin file) is rewritten relative to the new location.
    ///
    /// `from_dir` is the directory the project's relative paths currently resolve from (the old
    /// project file's directory, or any directory when every path is absolute).
    ///
    /// # Errors
    /// [`ProjectError::Unwritable`] when the file cannot be written.
    pub fn save(&self, path: &Path, from_dir: &Path) -> Result<Self, ProjectError> {
        let to_dir = parent_dir(path);
        let mut saved = self.clone();
        for file in saved.paths_mut() {
            let absolute = absolutize(&from_dir.join(&*file));
            *file = relative_path(&absolute, &to_dir);
        }
        write_atomically(path, saved.to_json().as_bytes(), Durability::Durable).map_err(
            |source| ProjectError::Unwritable {
                path: path.to_path_buf(),
                source,
            },
        )?;
        Ok(saved)
    }

    /// Where `node`'s component file is, given the directory of the project file.
    pub fn component_path(&self, node: &Node, project_dir: &Path) -> PathBuf {
        project_dir.join(&node.component)
    }

    /// The project with every path in it (components, granted folders, stdin files) made
    /// absolute against `project_dir` and normalised (no `.` or `..`), as a window or a run holds
    /// it: the paths then mean the same whatever the working directory, and stay valid whatever
    /// the project's file is later saved as. [`Project::save`] writes them relative again.
    pub fn with_absolute_paths(&self, project_dir: &Path) -> Self {
        let mut project = self.clone();
        for file in project.paths_mut() {
            *file = absolutize(&project_dir.join(&*file));
        }
        project
    }

    /// Every host path the project names: each node's component, and the folders and stdin
    /// files of the project's grants and each node's own.
    fn paths_mut(&mut self) -> impl Iterator<Item = &mut PathBuf> {
        let project_grants = self.capabilities.host_paths_mut();
        self.nodes
            .iter_mut()
            .flat_map(|node| {
                std::iter::once(&mut node.component).chain(
                    node.capabilities
                        .iter_mut()
                        .flat_map(CapabilityProfile::host_paths_mut),
                )
            })
            .chain(project_grants)
    }

    /// The stub answering `import` of `node`, if one does.
    pub fn stub_for(&self, node: &NodeId, import: &str) -> Option<&Stub> {
        self.stubs
            .iter()
            .find(|s| &s.answers.node == node && s.answers.port == import)
    }

    /// The node with this id.
    pub fn node(&self, id: &NodeId) -> Option<&Node> {
        self.nodes.iter().find(|n| &n.id == id)
    }

    /// Checks the structure: unique node and stub ids, wires, stubs and exports that name existing
    /// nodes, at most one wire or stub into each import.
    ///
    /// # Errors
    /// The first problem found, naming the node, wire or export.
    pub fn validate(&self) -> Result<(), ProjectError> {
        let mut seen = std::collections::HashSet::new();
        for node in &self.nodes {
            if !seen.insert(&node.id) {
                return Err(ProjectError::DuplicateNode {
                    node: node.id.clone(),
                });
            }
        }
        let mut wired_imports = std::collections::HashSet::new();
        for (index, wire) in self.wires.iter().enumerate() {
            for end in [&wire.from.node, &wire.to.node] {
                if self.node(end).is_none() {
                    return Err(ProjectError::UnknownNode {
                        context: format!("wire {} ({wire})", index + 1),
                        node: end.clone(),
                    });
                }
            }
            if !wired_imports.insert((&wire.to.node, &wire.to.port)) {
                return Err(ProjectError::ImportWiredTwice {
                    node: wire.to.node.clone(),
                    import: wire.to.port.clone(),
                });
            }
        }
        for stub in &self.stubs {
            if !seen.insert(&stub.id) {
                return Err(ProjectError::DuplicateNode {
                    node: stub.id.clone(),
                });
            }
            if self.node(&stub.answers.node).is_none() {
                return Err(ProjectError::UnknownNode {
                    context: format!("stub `{}`", stub.id),
                    node: stub.answers.node.clone(),
                });
            }
            if !wired_imports.insert((&stub.answers.node, &stub.answers.port)) {
                return Err(ProjectError::ImportWiredTwice {
                    node: stub.answers.node.clone(),
                    import: stub.answers.port.clone(),
                });
            }
        }
        for export in &self.exports {
            if self.node(&export.node).is_none() {
                return Err(ProjectError::UnknownNode {
                    context: format!("export `{}`", export.export),
                    node: export.node.clone(),
                });
            }
        }
        Ok(())
    }
}

/// `target` relative to `base` when one can be written, else `target` itself. Written with `/`
/// so project files travel between machines.
fn relative_path(target: &Path, base: &Path) -> PathBuf {
    pathdiff::diff_paths(target, base).unwrap_or_else(|| target.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_paths_are_normalised_and_saved_relative_again() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let projects = dir.path().join("projects");
        let mut project = Project::default();
        for (id, component) in [
            ("a", PathBuf::from("../samples/a.wasm")),
            ("b", dir.path().join("other").join(".").join("b.wasm")),
        ] {
            project.nodes.push(Node {
                id: NodeId::new(id),
                component,
                sha256: None,
                position: Position::default(),
                capabilities: None,
                registry: None,
            });
        }
        let absolute = project.with_absolute_paths(&projects);
        assert_eq!(
            absolute.nodes[0].component,
            dir.path().join("samples").join("a.wasm")
        );
        assert_eq!(
            absolute.nodes[1].component,
            dir.path().join("other").join("b.wasm")
        );

        std::fs::create_dir_all(&projects).expect("a project dir");
        let saved = absolute
            .save(&projects.join("x.plugboard.json"), Path::new("/elsewhere"))
            .expect("saved");
        assert_eq!(saved.nodes[0].component, PathBuf::from("../samples/a.wasm"));
        assert_eq!(saved.nodes[1].component, PathBuf::from("../other/b.wasm"));
    }
}
