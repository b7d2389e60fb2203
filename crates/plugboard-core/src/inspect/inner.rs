//! What a composed component is made of: the components it defines inside, the instances it
//! makes of them, which export of one instance each import of another is given, and what the
//! whole exports. Read from the top level of the binary (the index spaces of the component
//! model), so it works on compositions made by Plugboard, `wac` or `wasm-tools compose` alike.

use std::ops::Range;

use serde::Serialize;
use ts_rs::TS;
use wasmparser::{
    ComponentAlias, ComponentExternalKind, ComponentInstance, ComponentTypeRef, KnownCustom,
    Parser, Payload,
};

use super::InspectError;

/// A composition's inside: its instances of inner components and how they are wired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InnerGraph {
    /// Each instance of a component defined inside, in instantiation order.
    pub instances: Vec<InnerInstance>,
    /// What the composition exports, and which instance's export each one is.
    pub exports: Vec<InnerExport>,
}

/// One instance of an inner component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InnerInstance {
    /// Its name: from the composition's name section, else the inner component's, else made
    /// up (`component-1`).
    pub name: String,
    /// Which inner component it instantiates (its index among them).
    pub component: usize,
    /// Where the component's bytes are in the composition.
    #[serde(skip)]
    #[ts(skip)]
    pub range: Range<usize>,
    /// What each of its imports is given.
    pub args: Vec<InnerArg>,
}

/// One import of an inner instance and what provides it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InnerArg {
    /// The import's name.
    pub import: String,
    /// The instance whose export it is given (by position in [`InnerGraph::instances`]), with
    /// that export's name; `None` when the composition's own import (the host) provides it.
    pub from: Option<(usize, String)>,
}

/// One export of the composition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InnerExport {
    /// The name it is exported under.
    pub name: String,
    /// The inner instance and its export it is, when it is one.
    pub from: Option<(usize, String)>,
}

/// Where an item of the top level's instance or function index space came from.
#[derive(Debug, Clone)]
enum Origin {
    /// One of the composition's own imports.
    Imported,
    /// An instance made by instantiating a component (its position among the instantiations).
    Made(usize),
    /// An export of an item of the instance space.
    Alias { instance: u32, name: String },
    /// Another item of the same space, exported again.
    Reexport(u32),
    /// Anything else (a lifted function, an instance of exports).
    Other,
}

/// An item named in an instantiation's arguments or the exports: its name, kind and index.
type Named = (String, ComponentExternalKind, u32);

/// The component index space: inner components (with their bytes) or anything else.
#[derive(Debug, Clone)]
enum ComponentOrigin {
    Defined(Range<usize>),
    Other,
}

/// The inside of `bytes` if it is a composition (it instantiates components with code of their
/// own that it defines inside), or `None` for a component that instantiates none.
///
/// # Errors
/// [`InspectError::Invalid`] when the binary does not parse.
pub fn inner_graph(bytes: &[u8]) -> Result<Option<InnerGraph>, InspectError> {
    let mut components: Vec<ComponentOrigin> = Vec::new();
    let mut instances: Vec<Origin> = Vec::new();
    let mut funcs: Vec<Origin> = Vec::new();
    // Each instantiation: the component, and its arguments.
    let mut made: Vec<(u32, Vec<Named>)> = Vec::new();
    let mut exports: Vec<Named> = Vec::new();
    let mut instance_names: Vec<(u32, String)> = Vec::new();
    let mut depth = 0usize;
    // For each inner component entered, whether it has code of its own.
    let mut entered: Vec<bool> = Vec::new();
    let invalid = |e: wasmparser::BinaryReaderError| InspectError::from_reader(&e);
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(invalid)?;
        if let Payload::End(_) = payload {
            depth = depth.saturating_sub(1);
            continue;
        }
        if depth > 0 {
            if matches!(
                payload,
                Payload::ModuleSection { .. } | Payload::ComponentSection { .. }
            ) {
                // Code of its own (a core module, or a component with one) is what tells an
                // inner component from the type-only shims a single component holds.
                if let Some(coded) = entered.last_mut() {
                    *coded = true;
                }
                depth += 1;
            }
            continue;
        }
        match payload {
            Payload::ModuleSection { .. } => depth += 1,
            Payload::ComponentSection {
                unchecked_range, ..
            } => {
                depth += 1;
                entered.push(false);
                components.push(ComponentOrigin::Defined(
                    unchecked_range.start as usize..unchecked_range.end as usize,
                ));
            }
            Payload::ComponentImportSection(reader) => {
                for import in reader {
                    match import.map_err(invalid)?.ty {
                        ComponentTypeRef::Instance(_) => instances.push(Origin::Imported),
                        ComponentTypeRef::Func(_) => funcs.push(Origin::Imported),
                        ComponentTypeRef::Component(_) => components.push(ComponentOrigin::Other),
                        _ => {}
                    }
                }
            }
            Payload::ComponentInstanceSection(reader) => {
                for instance in reader {
                    match instance.map_err(invalid)? {
                        ComponentInstance::Instantiate {
                            component_index,
                            args,
                        } => {
                            instances.push(Origin::Made(made.len()));
                            made.push((
                                component_index,
                                args.iter()
                                    .map(|a| (a.name.to_string(), a.kind, a.index))
                                    .collect(),
                            ));
                        }
                        ComponentInstance::FromExports(_) => instances.push(Origin::Other),
                    }
                }
            }
            Payload::ComponentAliasSection(reader) => {
                for alias in reader {
                    match alias.map_err(invalid)? {
                        ComponentAlias::InstanceExport {
                            kind,
                            instance_index,
                            name,
                        } => {
                            let origin = Origin::Alias {
                                instance: instance_index,
                                name: name.to_string(),
                            };
                            push_of_kind(kind, origin, &mut instances, &mut funcs, &mut components);
                        }
                        ComponentAlias::Outer { kind, .. } => {
                            if kind == wasmparser::ComponentOuterAliasKind::Component {
                                components.push(ComponentOrigin::Other);
                            }
                        }
                        ComponentAlias::CoreInstanceExport { .. } => {}
                    }
                }
            }
            Payload::ComponentCanonicalSection(reader) => {
                for canonical in reader {
                    if let wasmparser::CanonicalFunction::Lift { .. } =
                        canonical.map_err(invalid)?
                    {
                        funcs.push(Origin::Other);
                    }
                }
            }
            Payload::ComponentExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(invalid)?;
                    // An export is also a new item of its kind's index space.
                    let origin = Origin::Reexport(export.index);
                    push_of_kind(
                        export.kind,
                        origin,
                        &mut instances,
                        &mut funcs,
                        &mut components,
                    );
                    exports.push((export.name.name.to_string(), export.kind, export.index));
                }
            }
            Payload::CustomSection(section) => {
                if let KnownCustom::ComponentName(reader) = section.as_known() {
                    for name in reader {
                        if let Ok(wasmparser::ComponentName::Instances(map)) = name {
                            for naming in map.into_iter().flatten() {
                                instance_names.push((naming.index, naming.name.to_string()));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    // Inner components by their index among the defined ones; instances of anything else (an
    // imported component) are not drawn.
    let mut defined: Vec<Option<(usize, &Range<usize>)>> = Vec::new();
    let mut count = 0;
    for origin in &components {
        defined.push(match origin {
            ComponentOrigin::Defined(range) => {
                count += 1;
                entered
                    .get(count - 1)
                    .copied()
                    .unwrap_or(false)
                    .then_some((count - 1, range))
            }
            ComponentOrigin::Other => None,
        });
    }
    let drawn: Vec<Option<(usize, &Range<usize>)>> = made
        .iter()
        .map(|(component, _)| defined.get(*component as usize).copied().flatten())
        .collect();
    let mut position_in_graph = Vec::new();
    let mut next = 0;
    for entry in &drawn {
        position_in_graph.push(entry.map(|_| {
            next += 1;
            next - 1
        }));
    }
    let resolver = Resolver {
        instances: &instances,
        funcs: &funcs,
        position_in_graph: &position_in_graph,
    };
    if next == 0 {
        return Ok(None);
    }
    let mut graph = InnerGraph {
        instances: Vec::new(),
        exports: Vec::new(),
    };
    for (position, (_, args)) in made.iter().enumerate() {
        let Some(Some((component, range))) = drawn.get(position).copied() else {
            continue;
        };
        let instance_index = instances
            .iter()
            .position(|o| matches!(o, Origin::Made(p) if *p == position));
        let name = instance_index
            .and_then(|index| {
                instance_names
                    .iter()
                    .find(|(i, _)| *i as usize == index)
                    .map(|(_, n)| n.clone())
            })
            .or_else(|| bytes.get(range.clone()).and_then(name_from_exports))
            .unwrap_or_else(|| format!("component-{}", position + 1));
        graph.instances.push(InnerInstance {
            name,
            component,
            range: range.clone(),
            args: args
                .iter()
                .map(|(import, kind, index)| InnerArg {
                    import: import.clone(),
                    from: resolver.source(*kind, *index),
                })
                .collect(),
        });
    }
    graph.exports = exports
        .iter()
        .map(|(name, kind, index)| InnerExport {
            name: name.clone(),
            from: resolver.source(*kind, *index),
        })
        .collect();
    Ok(Some(graph))
}

/// A name for an unnamed inner component from what it exports: its first interface's own name
/// (`operations` for `example:stringoperations/operations@0.1.0`), or `app` for a command.
fn name_from_exports(component: &[u8]) -> Option<String> {
    let mut depth = 0usize;
    for payload in Parser::new(0).parse_all(component) {
        match payload.ok()? {
            Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => depth += 1,
            Payload::End(_) => depth = depth.saturating_sub(1),
            Payload::ComponentExportSection(reader) if depth == 0 => {
                let first = reader.into_iter().flatten().next()?;
                let name = first.name.name;
                if name.starts_with("wasi:cli/run@") {
                    return Some("app".to_string());
                }
                let interface = name.rsplit_once('/').map_or(name, |(_, rest)| rest);
                let interface = interface.split_once('@').map_or(interface, |(i, _)| i);
                return Some(interface.to_string());
            }
            _ => {}
        }
    }
    None
}

/// Adds an item of `kind` to the index space it belongs to.
fn push_of_kind(
    kind: ComponentExternalKind,
    origin: Origin,
    instances: &mut Vec<Origin>,
    funcs: &mut Vec<Origin>,
    components: &mut Vec<ComponentOrigin>,
) {
    match kind {
        ComponentExternalKind::Instance => instances.push(origin),
        ComponentExternalKind::Func => funcs.push(origin),
        ComponentExternalKind::Component => components.push(ComponentOrigin::Other),
        _ => {}
    }
}

/// Follows aliases back to the instance made inside whose export an item is.
struct Resolver<'a> {
    instances: &'a [Origin],
    funcs: &'a [Origin],
    /// Each instantiation's position among the drawn instances.
    position_in_graph: &'a [Option<usize>],
}

impl Resolver<'_> {
    /// The drawn instance and export name that the item `index` of `kind` is, if it is one.
    fn source(&self, kind: ComponentExternalKind, index: u32) -> Option<(usize, String)> {
        let space = match kind {
            ComponentExternalKind::Instance => self.instances,
            ComponentExternalKind::Func => self.funcs,
            _ => return None,
        };
        let mut origin = space.get(index as usize)?;
        // Bounded: each step moves to an item defined earlier in the binary.
        for _ in 0..=self.instances.len() + self.funcs.len() {
            match origin {
                Origin::Reexport(earlier) => origin = space.get(*earlier as usize)?,
                Origin::Alias { instance, name } => {
                    return match self.instances.get(*instance as usize)? {
                        Origin::Made(position) => self
                            .position_in_graph
                            .get(*position)
                            .copied()
                            .flatten()
                            .map(|drawn| (drawn, name.clone())),
                        _ => None,
                    };
                }
                Origin::Made(_) | Origin::Imported | Origin::Other => return None,
            }
        }
        None
    }
}
