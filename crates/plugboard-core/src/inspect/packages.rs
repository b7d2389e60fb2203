//! A guard before WIT decoding. wit-parser's decoder (0.261, and 0.262 in wasm-tools 1.262)
//! orders a component's packages by visiting each one's dependencies before marking it visited,
//! so packages that depend on each other in a cycle make it recurse without end, and the stack
//! overflow aborts the process, even for a valid component (found by fuzzing `inspect`). So the
//! skeleton is validated first, the package dependencies are worked out from its types the way
//! wit-parser sees them (an interface that re-exports a type of another interface depends on
//! it), and a cycle is refused with a message before the decoder runs.

use std::collections::{BTreeMap, HashMap, HashSet};

use petgraph::algo::tarjan_scc;
use petgraph::graph::DiGraph;
use wasmparser::component_types::{
    ComponentAnyTypeId, ComponentEntityType, ComponentInstanceTypeId, ComponentTypeId,
};
use wasmparser::types::TypesRef;
use wasmparser::{Validator, WasmFeatures};

use super::InspectError;

/// Why a component is refused before decoding.
pub(crate) enum Refusal {
    /// It does not validate (with the byte offset).
    Invalid(InspectError),
    /// Its packages form a cycle (naming them).
    Cycle(InspectError),
}

impl Refusal {
    pub(crate) fn into_error(self) -> InspectError {
        match self {
            Self::Invalid(error) | Self::Cycle(error) => error,
        }
    }
}

/// Refuses a component (or WIT package) whose packages depend on each other in a cycle.
///
/// # Errors
/// [`Refusal::Invalid`] when `bytes` do not validate, [`Refusal::Cycle`] when its packages
/// form a cycle.
pub(crate) fn check_package_cycles(bytes: &[u8]) -> Result<(), Refusal> {
    let types = Validator::new_with_features(WasmFeatures::all())
        .validate_all(bytes)
        .map_err(|e| Refusal::Invalid(InspectError::from_reader(&e)))?;
    let types = types.as_ref();
    let mut walk = Walk::default();
    for (name, import) in top_level_names(bytes) {
        let item = if import {
            types.component_item_for_import(&name)
        } else {
            types.component_item_for_export(&name)
        };
        if let Some(item) = item {
            walk.entity(types, Some(&name), &item.ty);
        }
    }
    for index in 0..types.component_type_count() {
        walk.any(types, types.component_any_type_at(index));
    }
    match walk.cycle() {
        Some(packages) => Err(Refusal::Cycle(InspectError::Invalid {
            offset: 0,
            message: format!(
                "its packages depend on each other in a cycle ({}), which no WIT can describe",
                packages.join(", ")
            ),
        })),
        None => Ok(()),
    }
}

/// The names the component imports and exports at its top level, with whether each is an import
/// (none for bytes whose sections cannot be read: they have been validated by then).
fn top_level_names(bytes: &[u8]) -> Vec<(String, bool)> {
    let Ok(items) = super::top_level(bytes) else {
        return Vec::new();
    };
    let (imports, exports) = items.names();
    let imports = imports.into_iter().map(|name| (name, true));
    imports
        .chain(exports.into_iter().map(|name| (name, false)))
        .collect()
}

/// What the walk over the types found: for each interface (a named instance), the types it
/// exports as its own and the types it re-exports.
#[derive(Default)]
struct Walk {
    instances: HashSet<ComponentInstanceTypeId>,
    components: HashSet<ComponentTypeId>,
    /// Interface name → the types its instance exports (created there).
    owns: BTreeMap<String, HashSet<ComponentAnyTypeId>>,
    /// Interface name → the types it refers to (as their source).
    refers: BTreeMap<String, HashSet<ComponentAnyTypeId>>,
}

impl Walk {
    fn entity(&mut self, types: TypesRef<'_>, name: Option<&str>, entity: &ComponentEntityType) {
        match entity {
            ComponentEntityType::Instance(id) => self.instance(types, name, *id),
            ComponentEntityType::Component(id) => self.component(types, *id),
            ComponentEntityType::Type { referenced, .. } => self.any(types, *referenced),
            _ => {}
        }
    }

    fn any(&mut self, types: TypesRef<'_>, id: ComponentAnyTypeId) {
        match id {
            ComponentAnyTypeId::Instance(id) => self.instance(types, None, id),
            ComponentAnyTypeId::Component(id) => self.component(types, id),
            _ => {}
        }
    }

    fn component(&mut self, types: TypesRef<'_>, id: ComponentTypeId) {
        if !self.components.insert(id) {
            return;
        }
        let component = &types[id];
        for (name, item) in component.imports.iter().chain(&component.exports) {
            self.entity(types, Some(name), &item.ty);
        }
    }

    fn instance(&mut self, types: TypesRef<'_>, name: Option<&str>, id: ComponentInstanceTypeId) {
        let interface = name.filter(|n| n.contains('/')).map(str::to_string);
        if let Some(interface) = &interface {
            for item in types[id].exports.values() {
                if let ComponentEntityType::Type {
                    referenced,
                    created,
                } = item.ty
                {
                    self.owns
                        .entry(interface.clone())
                        .or_default()
                        .insert(created);
                    self.refers
                        .entry(interface.clone())
                        .or_default()
                        .insert(referenced);
                }
            }
        }
        if !self.instances.insert(id) {
            return;
        }
        for (export, item) in &types[id].exports {
            self.entity(types, Some(export), &item.ty);
        }
    }

    /// A cycle among the packages, as their names, if there is one.
    fn cycle(&self) -> Option<Vec<String>> {
        let mut owner: HashMap<ComponentAnyTypeId, &str> = HashMap::new();
        for (interface, ids) in &self.owns {
            for id in ids {
                owner.entry(*id).or_insert(interface);
            }
        }
        let mut graph: DiGraph<String, ()> = DiGraph::new();
        let mut index = HashMap::new();
        let mut node = |graph: &mut DiGraph<String, ()>, package: String| {
            *index
                .entry(package.clone())
                .or_insert_with(|| graph.add_node(package))
        };
        for (interface, ids) in &self.refers {
            let from = package_of(interface);
            for id in ids {
                let Some(source) = owner.get(id) else {
                    continue;
                };
                let to = package_of(source);
                if to != from {
                    let (a, b) = (node(&mut graph, from.clone()), node(&mut graph, to));
                    graph.update_edge(a, b, ());
                }
            }
        }
        // A cycle's packages are a strongly connected set of more than one.
        tarjan_scc(&graph)
            .into_iter()
            .find(|set| set.len() > 1)
            .map(|set| {
                let mut names: Vec<String> = set.iter().map(|i| graph[*i].clone()).collect();
                names.sort();
                names
            })
    }
}

/// The package of an interface, with its version as wit-parser keys packages:
/// `wasi:io@0.2.12` for `wasi:io/streams@0.2.12` (two versions are two packages).
fn package_of(interface: &str) -> String {
    let (name, version) = match interface.split_once('@') {
        Some((name, version)) => (name, Some(version)),
        None => (interface, None),
    };
    let package = name.split('/').next().unwrap_or(name);
    match version {
        Some(version) => format!("{package}@{version}"),
        None => package.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid component whose package `a:x` re-exports a type of `b:y`, and `b:y` one of `a:x`.
    const CYCLE: &str = r#"(component
        (import "b:y/j@1.0.0" (instance $j (export "t" (type (sub resource)))))
        (alias export $j "t" (type $t))
        (import "a:x/i@1.0.0" (instance $i (alias outer 1 $t (type $tt)) (export "u" (type (eq $tt)))))
        (alias export $i "u" (type $u))
        (import "b:y/k@1.0.0" (instance $k (alias outer 1 $u (type $uu)) (export "v" (type (eq $uu)))))
    )"#;

    #[test]
    fn two_versions_of_a_package_are_two_packages() {
        assert_eq!(package_of("wasi:io/streams@0.2.12"), "wasi:io@0.2.12");
        assert_eq!(package_of("wasi:io/streams"), "wasi:io");
        // wasi:sockets@0.2.12 and @5.2.12 re-exporting each other's types: a cycle.
        let text = r#"(component
            (import "w:s/net@0.2.0" (instance $n (export "t" (type (sub resource)))))
            (alias export $n "t" (type $t))
            (import "w:s/udp@5.0.0" (instance $u (alias outer 1 $t (type $tt)) (export "u" (type (eq $tt)))))
            (alias export $u "u" (type $u2))
            (import "w:s/create@0.2.0" (instance $c (alias outer 1 $u2 (type $uu)) (export "v" (type (eq $uu)))))
        )"#;
        let bytes = wat::parse_str(text).expect("valid text");
        assert!(matches!(
            check_package_cycles(&bytes),
            Err(Refusal::Cycle(_))
        ));
    }

    #[test]
    fn packages_depending_on_each_other_are_refused_before_decoding() {
        let bytes = wat::parse_str(CYCLE).expect("valid text");
        let error = check_package_cycles(&bytes).err().map(Refusal::into_error);
        let message = error.map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("a:x@1.0.0, b:y@1.0.0"), "{message}");
        // The same without the last import has no cycle.
        let acyclic = CYCLE.replace(
            r#"(alias export $i "u" (type $u))
        (import "b:y/k@1.0.0" (instance $k (alias outer 1 $u (type $uu)) (export "v" (type (eq $uu)))))"#,
            "",
        );
        let bytes = wat::parse_str(&acyclic).expect("valid text");
        assert!(check_package_cycles(&bytes).is_ok());
    }
}
