//! A component's ports by name and kind only, read from its top-level import and export sections
//! without validating it or decoding its WIT.
//!
//! Plugging needs no more when every wire fits: wac-graph validates each component when it is
//! registered and type-checks each wire, and the composition is validated before it is written.
//! Validating and decoding an 18 MB component for its WIT took most of a plug's time.

use wasmparser::{Chunk, ComponentExternalKind, ComponentTypeRef, Parser, Payload};

use super::model::{ArtifactKind, ComponentInfo, ComponentRole, Port, PortKind};
use super::{InspectError, check_header};

/// The outline of component `bytes`: its ports with their names, packages, versions and kinds,
/// and its role. The ports carry no functions, types, docs or WIT, and `wit` is empty; `sha256`
/// is left empty too.
///
/// # Errors
/// As [`super::inspect_bytes`] for what is not a component or is cut short, with the offset;
/// [`InspectError::Undecodable`] for an import or export no world can have (a module, a
/// component or a value), which a full inspection explains.
pub fn outline(bytes: &[u8]) -> Result<ComponentInfo, InspectError> {
    check_header(bytes)?;
    let items = top_level(bytes)?;
    let ports = |items: Vec<Item<'_>>| -> Result<Vec<Port>, InspectError> {
        items.into_iter().map(port).collect()
    };
    let exports = ports(items.exports)?;
    Ok(ComponentInfo {
        kind: ArtifactKind::Component,
        role: ComponentRole::from_exports(&exports),
        world: None,
        size: bytes.len() as u64,
        sha256: String::new(),
        imports: ports(items.imports)?,
        exports,
        wit: String::new(),
    })
}

/// What a component imports and exports at its top level.
pub(crate) struct TopLevel<'a> {
    imports: Vec<Item<'a>>,
    exports: Vec<Item<'a>>,
}

impl TopLevel<'_> {
    /// The names imported, then the names exported, in order.
    pub(crate) fn names(&self) -> (Vec<String>, Vec<String>) {
        let names = |items: &[Item<'_>]| items.iter().map(|i| i.name.to_string()).collect();
        (names(&self.imports), names(&self.exports))
    }
}

/// One top-level import or export: its name and what it carries.
pub(crate) struct Item<'a> {
    name: &'a str,
    carried: Carried,
}

/// The top-level imports and exports of component `bytes`, read without validating it: nested
/// modules and components are stepped over, not read.
///
/// # Errors
/// [`InspectError::Truncated`] or [`InspectError::Invalid`], with the offset, for bytes whose
/// sections cannot be read.
pub(crate) fn top_level(bytes: &[u8]) -> Result<TopLevel<'_>, InspectError> {
    let mut parser = Parser::new(0);
    let mut items = TopLevel {
        imports: Vec::new(),
        exports: Vec::new(),
    };
    let mut pos = 0;
    loop {
        let rest = bytes.get(pos..).unwrap_or_default();
        let truncated = InspectError::Truncated {
            offset: bytes.len(),
        };
        let (payload, consumed) = match parser.parse(rest, true) {
            Ok(Chunk::Parsed { payload, consumed }) => (payload, consumed),
            Ok(Chunk::NeedMoreData(_)) => return Err(truncated),
            Err(e) => return Err(InspectError::from_reader(&e)),
        };
        pos += consumed;
        match payload {
            Payload::ModuleSection {
                unchecked_range, ..
            }
            | Payload::ComponentSection {
                unchecked_range, ..
            } => {
                pos = unchecked_range.end as usize;
                if pos > bytes.len() {
                    return Err(truncated);
                }
            }
            Payload::ComponentImportSection(section) => {
                for import in section {
                    let import = import.map_err(|e| InspectError::from_reader(&e))?;
                    items.imports.push(Item {
                        name: import.name.name,
                        carried: import_kind(import.ty),
                    });
                }
            }
            Payload::ComponentExportSection(section) => {
                for export in section {
                    let export = export.map_err(|e| InspectError::from_reader(&e))?;
                    items.exports.push(Item {
                        name: export.name.name,
                        carried: export_kind(export.kind),
                    });
                }
            }
            Payload::End(_) => return Ok(items),
            _ => {}
        }
    }
}

/// What an import or export carries, as far as a world can carry it.
enum Carried {
    Instance,
    Function,
    Type,
    Other,
}

fn import_kind(ty: ComponentTypeRef) -> Carried {
    match ty {
        ComponentTypeRef::Instance(_) => Carried::Instance,
        ComponentTypeRef::Func(_) => Carried::Function,
        ComponentTypeRef::Type(_) => Carried::Type,
        ComponentTypeRef::Module(_)
        | ComponentTypeRef::Component(_)
        | ComponentTypeRef::Value(_) => Carried::Other,
    }
}

fn export_kind(kind: ComponentExternalKind) -> Carried {
    match kind {
        ComponentExternalKind::Instance => Carried::Instance,
        ComponentExternalKind::Func => Carried::Function,
        ComponentExternalKind::Type => Carried::Type,
        ComponentExternalKind::Module
        | ComponentExternalKind::Component
        | ComponentExternalKind::Value => Carried::Other,
    }
}

/// The port for `item`, named as WIT decoding names it: an instance named
/// `ns:pkg/iface@version` is an interface of package `ns:pkg`, any other instance an unnamed one.
fn port(Item { name, carried }: Item<'_>) -> Result<Port, InspectError> {
    let interface = name
        .split_once('/')
        .and_then(|(package, _)| package.contains(':').then_some(package));
    let kind = match (carried, interface) {
        (Carried::Instance, Some(_)) => PortKind::Interface,
        (Carried::Instance, None) => PortKind::Instance,
        (Carried::Function, _) => PortKind::Function,
        (Carried::Type, _) => PortKind::Type,
        (Carried::Other, _) => {
            return Err(InspectError::Undecodable {
                message: format!("`{name}` is neither an interface, a function nor a type"),
            });
        }
    };
    let package = interface.filter(|_| kind == PortKind::Interface);
    Ok(Port {
        name: name.to_string(),
        // WIT decoding puts an unnamed instance's interface in the component's own package,
        // which it names `root:component`.
        package: match kind {
            PortKind::Instance => Some("root:component".to_string()),
            _ => package.map(str::to_string),
        },
        version: package
            .and_then(|_| name.split_once('@'))
            .map(|(_, version)| version.to_string()),
        kind,
        wasi: package.is_some_and(|p| p.starts_with("wasi:")),
        functions: Vec::new(),
        types: Vec::new(),
        docs: None,
        wit: String::new(),
    })
}
