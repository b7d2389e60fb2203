//! Composition: a [`Project`] → one encoded, validated component, through wac-graph.
//!
//! A [`Composer`] keeps one wac-graph `CompositionGraph` in which every distinct component (by
//! content hash, see [`LoadedComponent::key`]) is registered once; each [`Composer::compose`]
//! or [`Composer::check_wire`] adds the project's instances, wires them, and removes them again.
//! Re-composing after a wire change therefore costs no re-parsing.
//!
//! What is registered is each component's *skeleton* (its types with the code stubbed out, see
//! `inspect::skeleton`), tagged with its key: wac-graph then parses, type-checks and encodes a
//! few kilobytes instead of megabytes, and the real components are put back into the encoded
//! composition by that tag.
//!
//! Rules, shared by the window, the CLI and the tests:
//! - each node is one instance; an export may feed many imports; an import takes one wire;
//! - names may differ (semver-compatible versions, or another interface of the same shape): the
//!   type checker decides;
//! - open imports become imports of the result (what the host must provide);
//! - with no explicit exports, the composition exports every export of every node that feeds no
//!   other node (a command's `wasi:cli/run`, a proxy's `wasi:http/incoming-handler`).

mod auto;
mod cache;
mod components;
mod decompose;
mod error;
mod graph;
mod mismatch;
mod output;
mod plug;
mod wac;
mod wac_import;
mod wire;

use std::collections::HashMap;

use bytes::Bytes;

use wac_graph::types::Package;
use wac_graph::{CompositionGraph, EncodeError, EncodeOptions, PackageId, Processor};

pub use auto::{Candidate, ImportSuggestion};
pub use cache::ComponentCache;
pub use components::{LoadedComponent, NodeComponents, load_components};
pub use decompose::{DecomposeError, decompose};
pub use error::ComposeError;
pub(crate) use error::path_text;
pub use mismatch::{Difference, Mismatch, mismatch};
pub use wac::to_wac;
pub use wac_import::{WacImportError, WacPackages, from_wac, read_wac};
pub use wire::WireCheck;

use crate::files::{Durability, StagedFile};
use crate::inspect::skeleton::{origin, tagged_skeleton};
use crate::inspect::{ComponentInfo, InspectError, inspect_skeleton, top_level};
use crate::project::{ExportChoice, NodeId, Project};
use graph::Scratch;
use output::{HashResume, Output, Section};

/// The result of composing a project.
#[derive(Debug)]
pub struct Composition {
    /// The encoded component.
    pub bytes: Vec<u8>,
    /// Its inspection: imports are what the host must provide, exports what it offers.
    pub info: ComponentInfo,
}

impl Composition {
    /// Writes the component to `path` atomically (a reader never sees half of it; it is not
    /// synced to disk first: it can always be composed again).
    ///
    /// # Errors
    /// The I/O error, with the path.
    pub fn save(&self, path: &std::path::Path) -> std::io::Result<()> {
        crate::files::write_atomically(path, &self.bytes, Durability::Replaceable).map_err(|e| {
            std::io::Error::new(e.kind(), format!("cannot write `{}`: {e}", path.display()))
        })
    }
}

/// What [`Composer::compose_into_file`] wrote: enough to say what the host must provide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenComposition {
    /// The file's size in bytes.
    pub size: u64,
    /// The names it imports: what the host must provide.
    pub imports: Vec<String>,
    /// The names it exports.
    pub exports: Vec<String>,
}

/// Composes projects and checks wires, registering each distinct component once.
#[derive(Default)]
pub struct Composer {
    graph: CompositionGraph,
    /// Every registered component's package, by its key ([`LoadedComponent::key`]).
    packages: HashMap<String, PackageId>,
    /// The real bytes of every registered component, by key, to put back into compositions.
    originals: HashMap<String, Bytes>,
    /// Where hashing the last composition's bytes stood after each section.
    hash_resume: HashResume,
}

impl std::fmt::Debug for Composer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Composer")
            .field("packages", &self.packages.len())
            .finish()
    }
}

impl Composer {
    /// An empty composer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Composes `project`, whose nodes' components are in `components`, into bytes in memory
    /// with their SHA-256 (what a run needs).
    ///
    /// # Errors
    /// A [`ComposeError`] naming the node and port at fault.
    pub fn compose(
        &mut self,
        project: &Project,
        components: &NodeComponents,
    ) -> Result<Composition, ComposeError> {
        let skeleton = self.encode(project, components)?;
        let output = output_sections(&self.originals, &skeleton)?;
        let resume = &mut self.hash_resume;
        let (info, (bytes, sha256)) =
            inspect_beside(&skeleton, output.size(), || output.assemble(resume));
        let mut info = info?;
        info.sha256 = sha256;
        Ok(Composition { bytes, info })
    }

    /// Composes `project` straight into the file at `path`: written from its parts (each
    /// component copied once, from its original to the file), never hashed and not inspected,
    /// which is all the command line needs. The composition is validated while it is written
    /// (all but the components' code, copied in unchanged, which wasmtime validates when it
    /// compiles it), and the file is put in place atomically, only if it is valid.
    ///
    /// # Errors
    /// A [`ComposeError`] naming the node and port at fault, [`ComposeError::Invalid`], or
    /// [`ComposeError::Write`].
    pub fn compose_into_file(
        &mut self,
        project: &Project,
        components: &NodeComponents,
        path: &std::path::Path,
    ) -> Result<WrittenComposition, ComposeError> {
        let skeleton = self.encode(project, components)?;
        let output = output_sections(&self.originals, &skeleton)?;
        // The skeleton's top level is the composition's: the components put back are nested.
        let (imports, exports) = top_level(&skeleton)
            .map_err(|e| ComposeError::Encode {
                message: format!("the composed component cannot be read: {e}"),
            })?
            .names();
        let (valid, staged) = std::thread::scope(|scope| {
            let validating = scope.spawn(|| validate(&skeleton));
            let staged = StagedFile::beside(path).and_then(|mut staged| {
                output.write_to(staged.file())?;
                Ok(staged)
            });
            let valid = validating
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (valid, staged)
        });
        // An invalid composition is not put in place: dropping the staged file removes it.
        valid?;
        let write_error = |source| ComposeError::Write {
            path: path.to_path_buf(),
            source,
        };
        staged
            .map_err(write_error)?
            .commit(Durability::Replaceable)
            .map_err(write_error)?;
        Ok(WrittenComposition {
            size: output.size() as u64,
            imports,
            exports,
        })
    }

    /// Checks, registers, wires and encodes `project` into the composition of skeletons.
    fn encode(
        &mut self,
        project: &Project,
        components: &NodeComponents,
    ) -> Result<Vec<u8>, ComposeError> {
        if project.nodes.is_empty() {
            return Err(ComposeError::Empty);
        }
        wire::check_acyclic(project)?;
        let packages = self.register_all(project, components)?;
        let mut scratch = Scratch::new(&mut self.graph);
        let instances = scratch.instantiate_nodes(project, &packages);
        for wire in &project.wires {
            scratch.connect(wire, &instances, components)?;
        }
        let choices = if project.exports.is_empty() {
            default_exports(project, components)
        } else {
            project.exports.clone()
        };
        if choices.is_empty() {
            return Err(ComposeError::NothingToExport);
        }
        let mut exported: HashMap<String, NodeId> = HashMap::new();
        for choice in &choices {
            let name = choice
                .rename
                .clone()
                .unwrap_or_else(|| choice.export.clone());
            if let Some(first) = exported.get(&name) {
                return Err(ComposeError::DuplicateExport {
                    name,
                    first: first.clone(),
                    second: choice.node.clone(),
                });
            }
            scratch.export(choice, &name, &instances, components)?;
            exported.insert(name, choice.node.clone());
        }
        let options = EncodeOptions {
            define_components: true,
            // Validated when it is inspected, with the same wasmparser as everything else of ours.
            validate: false,
            processor: Some(Processor {
                name: "plugboard",
                version: env!("CARGO_PKG_VERSION"),
            }),
        };
        let skeleton = scratch
            .graph
            .encode(options)
            .map_err(|e| encode_error(e, &instances))?;
        drop(scratch);
        Ok(skeleton)
    }

    /// Registers the component of every node (once per distinct content).
    fn register_all(
        &mut self,
        project: &Project,
        components: &NodeComponents,
    ) -> Result<HashMap<NodeId, PackageId>, ComposeError> {
        project
            .nodes
            .iter()
            .map(|node| {
                let component =
                    components
                        .get(&node.id)
                        .ok_or_else(|| ComposeError::UnknownNode {
                            node: node.id.clone(),
                        })?;
                Ok((node.id.clone(), self.register(&node.id, component)?))
            })
            .collect()
    }

    fn register(
        &mut self,
        node: &NodeId,
        component: &LoadedComponent,
    ) -> Result<PackageId, ComposeError> {
        let key = component.key();
        if let Some(id) = self.packages.get(key) {
            return Ok(*id);
        }
        let undecodable = |message: String| ComposeError::Component {
            node: node.clone(),
            path: component.path.clone(),
            source: InspectError::Undecodable { message },
        };
        // Any unique, valid package name will do: it only names the component inside the graph.
        let name = format!("plugboard:component{}", self.packages.len());
        let skeleton =
            tagged_skeleton(&component.bytes, key).map_err(|source| ComposeError::Component {
                node: node.clone(),
                path: component.path.clone(),
                source,
            })?;
        let package = Package::from_bytes(&name, None, skeleton, self.graph.types_mut())
            .map_err(|e| undecodable(format!("{e:#}")))?;
        let id = self
            .graph
            .register_package(package)
            .map_err(|e| undecodable(e.to_string()))?;
        self.packages.insert(key.to_string(), id);
        self.originals
            .insert(key.to_string(), component.bytes.clone());
        Ok(id)
    }
}

/// Every export of every node that feeds no other node.
fn default_exports(project: &Project, components: &NodeComponents) -> Vec<ExportChoice> {
    project
        .nodes
        .iter()
        .filter(|node| !project.wires.iter().any(|w| w.from.node == node.id))
        .filter_map(|node| Some((node, components.get(&node.id)?)))
        .flat_map(|(node, component)| {
            component.info.exports.iter().map(|port| ExportChoice {
                node: node.id.clone(),
                export: port.name.clone(),
                rename: None,
            })
        })
        .collect()
}

fn encode_error(
    error: EncodeError,
    instances: &HashMap<NodeId, wac_graph::NodeId>,
) -> ComposeError {
    let node_of = |id: wac_graph::NodeId| {
        instances
            .iter()
            .find(|(_, inst)| **inst == id)
            .map(|(node, _)| node.clone())
            .unwrap_or_else(|| NodeId::new(id.to_string()))
    };
    match error {
        EncodeError::ImportTypeMergeConflict {
            import,
            first,
            second,
            ..
        } => ComposeError::ConflictingOpenImport {
            import,
            first: node_of(first),
            second: node_of(second),
        },
        EncodeError::GraphContainsCycle { node } => ComposeError::Cycle {
            nodes: vec![node_of(node)],
        },
        other => ComposeError::Encode {
            message: format!("{:#}", anyhow::Error::from(other)),
        },
    }
}

/// The top-level sections of the composition: the skeleton's, with every tagged skeleton
/// replaced by the component it stands for (from `originals`).
fn output_sections<'a>(
    originals: &'a HashMap<String, Bytes>,
    skeleton: &'a [u8],
) -> Result<Output<'a>, ComposeError> {
    let invalid = |offset: u64, message: String| ComposeError::Invalid {
        offset: offset as usize,
        message,
    };
    let mut sections = Vec::new();
    // parse_all also walks into nested modules and components; only the top level is copied.
    let mut depth = 0usize;
    for payload in wasmparser::Parser::new(0).parse_all(skeleton) {
        let payload = payload.map_err(|e| invalid(e.offset(), e.message().to_string()))?;
        let nested = matches!(
            payload,
            wasmparser::Payload::ModuleSection { .. }
                | wasmparser::Payload::ComponentSection { .. }
        );
        if let wasmparser::Payload::End(_) = payload {
            depth = depth.saturating_sub(1);
        }
        if depth == 0
            && let Some((id, range)) = payload.as_section()
        {
            let data = skeleton
                .get(range.start as usize..range.end as usize)
                .ok_or_else(|| invalid(range.start, "a section runs past the end".to_string()))?;
            let original = match payload {
                wasmparser::Payload::ComponentSection { .. } => {
                    origin(data).and_then(|sha| originals.get(&sha).map(|bytes| (sha, bytes)))
                }
                _ => None,
            };
            sections.push(match original {
                Some((sha256, bytes)) => Section {
                    id,
                    data: bytes,
                    original: Some(sha256),
                },
                None => Section {
                    id,
                    data,
                    original: None,
                },
            });
        }
        if nested {
            depth += 1;
        }
    }
    Ok(Output {
        header: skeleton.get(..8).unwrap_or_default(),
        sections,
    })
}

/// Inspects the composition of skeletons (of `size` bytes once the components are put back) on
/// a second thread while `work` runs on this one. Inspecting validates the skeleton too (all
/// but the stub function bodies, which are ours).
fn inspect_beside<T>(
    skeleton: &[u8],
    size: usize,
    work: impl FnOnce() -> T,
) -> (Result<ComponentInfo, ComposeError>, T) {
    let size = size as u64;
    let (info, done) = std::thread::scope(|scope| {
        let inspected = scope.spawn(|| inspect_skeleton(skeleton, size, String::new()));
        let done = work();
        // Inspecting cannot panic; should the thread not run, inspect here.
        let info = inspected
            .join()
            .unwrap_or_else(|_| inspect_skeleton(skeleton, size, String::new()));
        (info, done)
    });
    let info = info.or_else(|e| {
        // A composition that does not validate is said precisely, with the offset.
        validate(skeleton)?;
        Err(ComposeError::Encode {
            message: format!("the composed component cannot be inspected: {e}"),
        })
    });
    (info, done)
}

/// Validates the composition of skeletons with every feature wasmtime may accept: everything
/// composing produced (types, imports, exports, instances, aliases), with the offset of what is
/// invalid. (A composition that is inspected is validated by inspecting it, and this only says
/// why one that could not be inspected is invalid.) The function bodies are the skeletons'
/// stubs and are not validated: the components' code is copied in unchanged, and wasmtime
/// validates each function body when it compiles it.
fn validate(skeleton: &[u8]) -> Result<(), ComposeError> {
    let invalid = |e: wasmparser::BinaryReaderError| ComposeError::Invalid {
        offset: e.offset() as usize,
        message: e.message().to_string(),
    };
    let mut validator = wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all());
    for payload in wasmparser::Parser::new(0).parse_all(skeleton) {
        validator
            .payload(&payload.map_err(invalid)?)
            .map_err(invalid)?;
    }
    Ok(())
}
