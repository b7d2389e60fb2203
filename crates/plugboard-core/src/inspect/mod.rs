//! Inspection: component bytes → [`ComponentInfo`], the typed picture of what a component imports
//! and exports, with its full WIT.
//!
//! Everything the window, the CLI and the composer know about a component comes from here, so the
//! rules that classify a file (component, WIT package, core module, garbage) live in one place.

mod diff;
mod docs;
mod error;
mod inner;
mod model;
pub mod names;
mod outline;
mod packages;
mod ports;
mod shape;
pub(crate) mod skeleton;

use std::path::Path;

use sha2::{Digest, Sha256};
use wit_component::{DecodedWasm, WitPrinter};
use wit_parser::{Resolve, WorldId};

pub use diff::{ChangeKind, ComponentDiff, PortChange, diff};
pub use docs::WitDocs;
pub use error::InspectError;
pub use inner::{InnerArg, InnerExport, InnerGraph, InnerInstance, inner_graph};
pub use model::{
    ArtifactKind, ComponentInfo, ComponentRole, FunctionInfo, FunctionKind, ParamInfo, Port,
    PortKind, TypeInfo, ValueType,
};
pub use outline::outline;
pub(crate) use outline::top_level;
pub use shape::{CaseShape, FieldShape, TypeShape};

/// Reads and inspects the component at `path`, hashing it while it is read.
///
/// # Errors
/// [`InspectError::Unreadable`] when the file cannot be read, otherwise as [`inspect_bytes`].
pub fn inspect_file(path: &Path) -> Result<ComponentInfo, InspectError> {
    read_and_inspect(path, Hashing::Hash).map(|(_, info)| info)
}

/// Whether reading a component also computes its SHA-256.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hashing {
    /// Hash it: projects, caches and runs know a component by its hash.
    Hash,
    /// Leave `sha256` empty, for one-shot work that never needs it (plugging on the command
    /// line): hashing an 18 MB component takes longer than everything else a plug does.
    Skip,
}

/// Reads the component at `path` and inspects it, returning its bytes too (for composing or
/// running it without reading it again). The file may be binary or WebAssembly text (`.wat`,
/// as wasmtime and wasm-tools accept it): text is converted to binary first, and the hash is the
/// binary's.
///
/// # Errors
/// As [`inspect_file`]: anything but a regular file of at most
/// [`crate::files::MAX_COMPONENT_BYTES`] is refused before it is read.
pub fn read_and_inspect(
    path: &Path,
    hashing: Hashing,
) -> Result<(Vec<u8>, ComponentInfo), InspectError> {
    let (bytes, sha256) = read_binary(path, hashing)?;
    check_header(&bytes)?;
    let info = describe(&decode(&bytes)?, bytes.len() as u64, sha256)?;
    Ok((bytes, info))
}

/// Reads the component at `path`, unhashed, and its [`outline`]: for plugging, which needs its
/// bytes and its ports' names and kinds only.
///
/// # Errors
/// As [`read_and_inspect`] and [`outline`].
pub fn read_outline(path: &Path) -> Result<(Vec<u8>, ComponentInfo), InspectError> {
    let (bytes, _) = read_binary(path, Hashing::Skip)?;
    let info = outline(&bytes)?;
    Ok((bytes, info))
}

/// A component file's binary bytes and their SHA-256: read (hashing as it goes) when binary,
/// converted when text.
///
/// # Errors
/// [`InspectError::Unreadable`], or [`InspectError::Text`] for text that is not valid WAT.
pub fn read_component(path: &Path) -> Result<(Vec<u8>, String), InspectError> {
    read_binary(path, Hashing::Hash)
}

/// As [`read_component`], with the SHA-256 left empty unless `hashing` asks for it.
fn read_binary(path: &Path, hashing: Hashing) -> Result<(Vec<u8>, String), InspectError> {
    use crate::files::{MAX_COMPONENT_BYTES, ReadError};
    let unreadable = |source| InspectError::Unreadable { source };
    let (bytes, sha256) = match hashing {
        Hashing::Hash => read_hashing(path, MAX_COMPONENT_BYTES),
        Hashing::Skip => crate::files::read_bounded(path, MAX_COMPONENT_BYTES, "component")
            .map(|bytes| (bytes, String::new())),
    }
    .map_err(unreadable)?;
    if !is_text(&bytes) {
        return Ok((bytes, sha256));
    }
    let binary = wat::parse_bytes(&bytes).map_err(|e| InspectError::Text {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let binary = binary.into_owned();
    if binary.len() as u64 > MAX_COMPONENT_BYTES {
        return Err(unreadable(ReadError::TooLarge {
            path: path.to_path_buf(),
            size: binary.len() as u64,
            limit: MAX_COMPONENT_BYTES,
            what: "component",
        }));
    }
    let sha256 = match hashing {
        Hashing::Hash => sha256_hex(&binary),
        Hashing::Skip => String::new(),
    };
    Ok((binary, sha256))
}

/// Whether bytes are WebAssembly text rather than binary: they do not start with the binary's
/// magic number, and begin (after blanks and comments, which `wat` skips) with `(`.
fn is_text(bytes: &[u8]) -> bool {
    !bytes.starts_with(b"\0asm")
        && std::str::from_utf8(bytes).is_ok_and(|text| {
            text.lines()
                .map(str::trim_start)
                .find(|line| !line.is_empty() && !line.starts_with(";;"))
                .is_some_and(|line| line.starts_with('(') && !line.starts_with("(;"))
                || text.trim_start().starts_with("(;")
        })
}

/// Reads a regular file of at most `limit` bytes and its SHA-256 at once: each chunk is hashed
/// on a second thread as soon as it has been read, so hashing costs (almost) no time of its own.
/// Reads exactly the size the file had when opened, so a file growing meanwhile cannot make it
/// read more.
fn read_hashing(path: &Path, limit: u64) -> Result<(Vec<u8>, String), crate::files::ReadError> {
    use crate::files::ReadError;
    use std::io::Read;
    const CHUNK: usize = 1 << 20;
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = crate::files::open_regular(path)?;
    let size = file.metadata().map_err(io)?.len();
    if size > limit {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit,
            what: "component",
        });
    }
    // Within the bound, which fits in memory by definition.
    let mut bytes = vec![0u8; usize::try_from(size).unwrap_or(0)];
    let digest = std::thread::scope(|scope| {
        let (chunks, arrived) = std::sync::mpsc::channel::<&[u8]>();
        let hasher = scope.spawn(move || {
            let mut hasher = Sha256::new();
            for chunk in arrived {
                hasher.update(chunk);
            }
            hasher.finalize()
        });
        for chunk in bytes.chunks_mut(CHUNK) {
            file.read_exact(chunk).map_err(io)?;
            let done: &[u8] = chunk;
            // The hasher only ends when this side hangs up: the send cannot fail before.
            let _ = chunks.send(done);
        }
        drop(chunks);
        hasher
            .join()
            .map_err(|_| io(std::io::Error::other("the hashing thread failed")))
    })?;
    Ok((bytes, hex::encode(digest)))
}

/// Inspects component (or WIT package) bytes.
///
/// # Errors
/// - [`InspectError::Empty`] / [`InspectError::NotWasm`] when the bytes do not start with the wasm magic number;
/// - [`InspectError::CoreModule`] for a core module, which must be componentized first;
/// - [`InspectError::Truncated`] / [`InspectError::Invalid`] (with the byte offset) for a damaged
///   binary;
/// - [`InspectError::Undecodable`] when the component is well formed but its WIT cannot be derived.
pub fn inspect_bytes(bytes: &[u8]) -> Result<ComponentInfo, InspectError> {
    check_header(bytes)?;
    // The hash reads every byte; the WIT needs only the skeleton: do both at once.
    let (sha256, decoded) = std::thread::scope(|scope| {
        let hash = scope.spawn(|| sha256_hex(bytes));
        let decoded = decode(bytes);
        // Hashing cannot panic; fall back to hashing here if the thread could not run.
        (hash.join().unwrap_or_else(|_| sha256_hex(bytes)), decoded)
    });
    describe(&decoded?, bytes.len() as u64, sha256)
}

/// Inspects a composition from its skeleton (see [`skeleton`]), given the size and hash of the
/// real bytes: composing works on skeletons, so the result's WIT is at hand before the real
/// components are put back.
pub(crate) fn inspect_skeleton(
    skeleton: &[u8],
    size: u64,
    sha256: String,
) -> Result<ComponentInfo, InspectError> {
    let decoded = wit_component::decode(skeleton).map_err(InspectError::from_decode)?;
    describe(&decoded, size, sha256)
}

fn describe(
    decoded: &DecodedWasm,
    size: u64,
    sha256: String,
) -> Result<ComponentInfo, InspectError> {
    Ok(match decoded {
        DecodedWasm::Component(resolve, world) => {
            component_info(resolve, *world, size, sha256, print_wit(decoded)?)
        }
        DecodedWasm::WitPackage(resolve, package) => ComponentInfo {
            kind: ArtifactKind::WitPackage,
            role: ComponentRole::Library,
            world: resolve.packages[*package].worlds.keys().next().cloned(),
            size,
            sha256,
            imports: Vec::new(),
            exports: Vec::new(),
            wit: print_wit(decoded)?,
        },
    })
}

/// Decodes the WIT from the skeleton of `bytes` (see [`skeleton`]); a skeleton the decoder
/// refuses is decoded again from the whole bytes, so errors point into the real file.
fn decode(bytes: &[u8]) -> Result<DecodedWasm, InspectError> {
    // The skeleton has the component's types; the decoder reads only what passed the guard
    // against what would crash it (see `packages`).
    let skeleton = skeleton::skeleton(bytes)?;
    match packages::check_package_cycles(&skeleton) {
        Ok(()) => {
            if let Ok(decoded) = wit_component::decode(&skeleton) {
                return Ok(decoded);
            }
        }
        Err(packages::Refusal::Cycle(error)) => return Err(error),
        Err(packages::Refusal::Invalid(_)) => {}
    }
    // The whole component, when its skeleton does not tell: checked as itself first.
    packages::check_package_cycles(bytes).map_err(packages::Refusal::into_error)?;
    wit_component::decode(bytes).map_err(InspectError::from_decode)
}

/// The lowercase hex SHA-256 of `bytes`: the identity of a component file in projects and caches.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Classifies the first eight bytes so the common mistakes get a precise message before any
/// parsing: not wasm at all, a core module, or a file cut short inside its header.
fn check_header(bytes: &[u8]) -> Result<(), InspectError> {
    const MAGIC: &[u8; 4] = b"\0asm";
    if bytes.is_empty() {
        return Err(InspectError::Empty);
    }
    let prefix = &bytes[..bytes.len().min(4)];
    if prefix != &MAGIC[..prefix.len()] {
        return Err(InspectError::NotWasm);
    }
    if bytes.len() < 8 {
        return Err(InspectError::Truncated {
            offset: bytes.len(),
        });
    }
    if wasmparser::Parser::is_core_wasm(bytes) {
        return Err(InspectError::CoreModule);
    }
    if !wasmparser::Parser::is_component(bytes) {
        return Err(InspectError::Invalid {
            offset: 4,
            message: "unknown binary version or layer in the header".to_string(),
        });
    }
    Ok(())
}

fn component_info(
    resolve: &Resolve,
    world_id: WorldId,
    size: u64,
    sha256: String,
    wit: String,
) -> ComponentInfo {
    let world = &resolve.worlds[world_id];
    let imports = ports::ports(resolve, &world.imports);
    let exports = ports::ports(resolve, &world.exports);
    let role = ComponentRole::from_exports(&exports);
    ComponentInfo {
        kind: ArtifactKind::Component,
        role,
        // wit-component names the world of a concrete component `root`: that says nothing.
        world: (world.name != "root").then(|| world.name.clone()),
        size,
        sha256,
        imports,
        exports,
        wit,
    }
}

/// The whole WIT of what was decoded: the main package, then every package it refers to, nested,
/// as `wasm-tools component wit` prints it.
fn print_wit(decoded: &DecodedWasm) -> Result<String, InspectError> {
    let resolve = decoded.resolve();
    let main = decoded.package();
    let nested: Vec<_> = resolve
        .packages
        .iter()
        .map(|(id, _)| id)
        .filter(|id| *id != main)
        .collect();
    let mut printer = WitPrinter::default();
    printer
        .print(resolve, main, &nested)
        .map_err(|e| InspectError::Undecodable {
            message: format!("{e:#}"),
        })?;
    Ok(printer.output.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_text_files_are_not_wasm() {
        assert!(matches!(inspect_bytes(b""), Err(InspectError::Empty)));
        assert!(matches!(
            inspect_bytes(b"hello world"),
            Err(InspectError::NotWasm)
        ));
    }

    #[test]
    fn a_short_header_is_truncated_at_its_length() {
        assert!(matches!(
            inspect_bytes(b"\0as"),
            Err(InspectError::Truncated { offset: 3 })
        ));
        assert!(matches!(
            inspect_bytes(b"\0asm\x01\0"),
            Err(InspectError::Truncated { offset: 6 })
        ));
    }

    #[test]
    fn a_core_module_is_named_as_such() {
        let module = b"\0asm\x01\0\0\0";
        let err = inspect_bytes(module).expect_err("a core module is not a component");
        assert!(matches!(err, InspectError::CoreModule));
        assert!(err.to_string().contains("core module, not a component"));
    }

    #[test]
    fn an_unknown_version_is_invalid_at_offset_4() {
        let err = inspect_bytes(b"\0asm\x07\0\x09\0").expect_err("unknown layer");
        assert!(matches!(err, InspectError::Invalid { offset: 4, .. }));
    }
}
