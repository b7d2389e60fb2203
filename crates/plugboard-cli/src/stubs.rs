//! `--stub IMPORT=FILE.json`: answers an import nobody provides with the values in a file, so a
//! consumer runs alone. The file is one JSON object naming each function's answer, as a project
//! keeps it: `{"reverse": {"returns": "\"olleh\""}, "word-count": {"traps": "not yet"}}` (values
//! in WAVE, the functions left out returning nothing, or trapping if they have a result).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use plugboard_core::compose::NodeComponents;
use plugboard_core::project::{NodeId, Project, Stub, StubAnswer, WireEnd};

/// The largest stub file read: answers are short values.
const MAX_STUB_BYTES: u64 = 1 << 20;

/// One `--stub` option: the import, and the answers read from its file.
#[derive(Debug)]
pub struct StubOption {
    import: String,
    functions: BTreeMap<String, StubAnswer>,
}

impl StubOption {
    /// Parses `IMPORT=FILE.json` and reads the file.
    pub fn parse(text: &str) -> Result<Self> {
        let (import, file) = text
            .rsplit_once('=')
            .filter(|(import, file)| !import.is_empty() && !file.is_empty())
            .with_context(|| format!("--stub `{text}` must be IMPORT=FILE.json"))?;
        let bytes = plugboard_core::files::read_bounded(Path::new(file), MAX_STUB_BYTES, "stub")?;
        let functions = serde_json::from_slice(&bytes).with_context(|| {
            format!(
                "the stub file `{file}` must be a JSON object of answers, such as \
                 {{\"count\": {{\"returns\": \"3\"}}, \"log\": {{\"traps\": \"no logging\"}}}}"
            )
        })?;
        Ok(Self {
            import: import.to_string(),
            functions,
        })
    }
}

/// Adds a stub for each option to `project`: one for every node whose import it names (in full,
/// or without its `@version`) has no wire or stub yet.
///
/// # Errors
/// When no node has such an open import.
pub fn add_to(
    project: &mut Project,
    components: &NodeComponents,
    options: &[StubOption],
) -> Result<()> {
    for option in options {
        let open: Vec<(NodeId, String)> = project
            .nodes
            .iter()
            .filter_map(|node| {
                let info = &components.get(&node.id)?.info;
                let port = info
                    .imports
                    .iter()
                    .find(|p| names_import(&p.name, &option.import))?;
                let taken = project
                    .wires
                    .iter()
                    .any(|w| w.to.node == node.id && w.to.port == port.name)
                    || project.stub_for(&node.id, &port.name).is_some();
                (!taken).then(|| (node.id.clone(), port.name.clone()))
            })
            .collect();
        if open.is_empty() {
            bail!(
                "--stub `{}`: no node has this import without a provider",
                option.import
            );
        }
        for (node, port) in open {
            let id = fresh_id(project, &format!("stub-{node}"));
            project.stubs.push(Stub {
                id,
                answers: WireEnd { node, port },
                functions: option.functions.clone(),
                position: Default::default(),
            });
        }
    }
    Ok(())
}

/// Whether `wanted` names the import `name`: in full, or without its version.
fn names_import(name: &str, wanted: &str) -> bool {
    name == wanted
        || name
            .split_once('@')
            .is_some_and(|(unversioned, _)| unversioned == wanted)
}

/// `base`, or `base-2`, `base-3`, …: the first id no node or stub of `project` has.
fn fresh_id(project: &Project, base: &str) -> NodeId {
    let taken = |id: &str| {
        project.nodes.iter().any(|n| n.id.as_str() == id)
            || project.stubs.iter().any(|s| s.id.as_str() == id)
    };
    let id = (1..)
        .map(|n| {
            if n == 1 {
                base.to_string()
            } else {
                format!("{base}-{n}")
            }
        })
        .find(|id| !taken(id))
        .unwrap_or_else(|| base.to_string());
    NodeId::new(id)
}
