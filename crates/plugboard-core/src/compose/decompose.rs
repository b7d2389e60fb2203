//! "Decompose into a project": a composed component taken apart into the components it defines
//! inside (written to files) and a project that instantiates and wires them as the composition
//! did, so it can be edited, rewired and run linked; composing the project again gives the
//! same WIT.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::files::{Durability, write_atomically};
use crate::inspect::{InnerGraph, InspectError, inner_graph};
use crate::project::{ExportChoice, Node, NodeId, Position, Project, Wire, WireEnd};

/// Why a component could not be decomposed.
#[derive(Debug, thiserror::Error)]
pub enum DecomposeError {
    /// It does not parse.
    #[error(transparent)]
    Inspect(#[from] InspectError),
    /// It instantiates no component it defines: there is nothing inside to take out.
    #[error("this component is not a composition: it instantiates no component inside it")]
    NotAComposition,
    /// An inner component could not be written.
    #[error("cannot write `{}`: {source}", path.display())]
    Unwritable {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
}

/// How far apart the nodes of a decomposed composition are laid out.
const COLUMN: f64 = 560.0;
const ROW: f64 = 260.0;

/// Writes each component defined inside `bytes` to `dir` (named after its first instance) and
/// returns the project of its instances, wires and exports, with absolute component paths.
///
/// # Errors
/// [`DecomposeError`] when `bytes` is not a composition or a file cannot be written.
pub fn decompose(bytes: &[u8], dir: &Path) -> Result<Project, DecomposeError> {
    let graph = inner_graph(bytes)?.ok_or(DecomposeError::NotAComposition)?;
    std::fs::create_dir_all(dir).map_err(|source| DecomposeError::Unwritable {
        path: dir.to_path_buf(),
        source,
    })?;
    let ids = node_ids(&graph);
    let mut files: HashMap<usize, PathBuf> = HashMap::new();
    let mut project = Project::default();
    let depths = depths(&graph);
    let mut rows: HashMap<usize, usize> = HashMap::new();
    for (index, instance) in graph.instances.iter().enumerate() {
        let file = match files.get(&instance.component) {
            Some(file) => file.clone(),
            None => {
                let path = dir.join(format!("{}.wasm", ids[index]));
                let inner = bytes.get(instance.range.clone()).unwrap_or_default();
                write_atomically(&path, inner, Durability::Durable).map_err(|source| {
                    DecomposeError::Unwritable {
                        path: path.clone(),
                        source,
                    }
                })?;
                let path = std::path::absolute(&path).unwrap_or(path);
                files.insert(instance.component, path.clone());
                path
            }
        };
        let column = depths[index];
        let row = rows.entry(column).or_default();
        project.nodes.push(Node {
            id: ids[index].clone(),
            component: file,
            sha256: None,
            position: Position {
                x: column as f64 * COLUMN,
                y: *row as f64 * ROW,
            },
            capabilities: None,
            registry: None,
        });
        *row += 1;
        for arg in &instance.args {
            if let Some((provider, export)) = &arg.from {
                project.wires.push(Wire {
                    from: WireEnd {
                        node: ids[*provider].clone(),
                        port: export.clone(),
                    },
                    to: WireEnd {
                        node: ids[index].clone(),
                        port: arg.import.clone(),
                    },
                });
            }
        }
    }
    project.exports = graph
        .exports
        .iter()
        .filter_map(|export| {
            let (node, name) = export.from.as_ref()?;
            Some(ExportChoice {
                node: ids[*node].clone(),
                export: name.clone(),
                rename: (export.name != *name).then(|| export.name.clone()),
            })
        })
        .collect();
    Ok(project)
}

/// A distinct node id per instance, from its name (made safe for a file name).
fn node_ids(graph: &InnerGraph) -> Vec<NodeId> {
    let mut taken: Vec<String> = Vec::new();
    graph
        .instances
        .iter()
        .map(|instance| {
            let base: String = instance
                .name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect();
            let base = if base.trim_matches('-').is_empty() {
                "component".to_string()
            } else {
                base
            };
            let id = (1..)
                .map(|n| {
                    if n == 1 {
                        base.clone()
                    } else {
                        format!("{base}-{n}")
                    }
                })
                .find(|id| !taken.contains(id))
                .unwrap_or(base);
            taken.push(id.clone());
            NodeId::new(id)
        })
        .collect()
}

/// Each instance's column: one more than the deepest instance it takes an export from.
fn depths(graph: &InnerGraph) -> Vec<usize> {
    let mut depths = vec![0; graph.instances.len()];
    // Arguments only name instances made before, so one pass in order settles every depth.
    for (index, instance) in graph.instances.iter().enumerate() {
        depths[index] = instance
            .args
            .iter()
            .filter_map(|arg| arg.from.as_ref().map(|(provider, _)| depths[*provider] + 1))
            .max()
            .unwrap_or(0);
    }
    depths
}
