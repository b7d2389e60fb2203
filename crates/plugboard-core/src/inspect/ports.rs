//! World items → [`Port`]s, with functions, types and WIT text rendered by wit-component's printer.

use std::collections::HashMap;

use indexmap::IndexMap;
use wit_component::{Output, WitPrinter};
use wit_parser::{Docs, Function, InterfaceId, Resolve, Type, TypeId, WorldItem, WorldKey};

use super::model::{FunctionInfo, FunctionKind, ParamInfo, Port, PortKind, TypeInfo, ValueType};
use super::shape::shape_of;

/// The ports of one side (imports or exports) of a world, in declaration order.
pub(crate) fn ports(resolve: &Resolve, items: &IndexMap<WorldKey, WorldItem>) -> Vec<Port> {
    items
        .iter()
        .map(|(key, item)| port(resolve, key, item))
        .collect()
}

fn port(resolve: &Resolve, key: &WorldKey, item: &WorldItem) -> Port {
    let name = resolve.name_world_key(key);
    match item {
        WorldItem::Interface { id, .. } => interface_port(resolve, key, name, *id),
        WorldItem::Function(func) => Port {
            wasi: false,
            package: None,
            version: None,
            kind: PortKind::Function,
            functions: vec![function_info(resolve, func)],
            types: Vec::new(),
            docs: docs(&func.docs),
            wit: signature(resolve, func),
            name,
        },
        WorldItem::Type { id, .. } => {
            let info = type_info(resolve, &name, *id, &[]);
            Port {
                wasi: false,
                package: None,
                version: None,
                kind: PortKind::Type,
                functions: Vec::new(),
                docs: info.docs.clone(),
                wit: info.definition.clone(),
                types: vec![info],
                name,
            }
        }
    }
}

fn interface_port(resolve: &Resolve, key: &WorldKey, name: String, id: InterfaceId) -> Port {
    let iface = &resolve.interfaces[id];
    let package = iface.package.map(|p| &resolve.packages[p].name);
    let functions: Vec<&Function> = iface.functions.values().collect();
    let types = iface
        .types
        .iter()
        .map(|(type_name, type_id)| {
            let methods: Vec<&Function> = functions
                .iter()
                .copied()
                .filter(|f| f.kind.resource() == Some(*type_id))
                .collect();
            type_info(resolve, type_name, *type_id, &methods)
        })
        .collect();
    Port {
        wasi: package.is_some_and(|p| p.namespace == "wasi"),
        package: package.map(|p| format!("{}:{}", p.namespace, p.name)),
        version: package.and_then(|p| p.version.as_ref().map(|v| v.to_string())),
        kind: match key {
            WorldKey::Interface(_) => PortKind::Interface,
            WorldKey::Name(_) => PortKind::Instance,
        },
        functions: functions
            .iter()
            .map(|f| function_info(resolve, f))
            .collect(),
        types,
        docs: docs(&iface.docs),
        wit: interface_wit(resolve, id, iface.name.as_deref().unwrap_or(&name)),
        name,
    }
}

fn function_info(resolve: &Resolve, func: &Function) -> FunctionInfo {
    use wit_parser::FunctionKind as Kind;
    FunctionInfo {
        name: func.name.clone(),
        kind: match func.kind {
            // A property's getter and setter are functions of their interface, called like any.
            Kind::Freestanding | Kind::AsyncFreestanding | Kind::Getter | Kind::Setter => {
                FunctionKind::Freestanding
            }
            Kind::Constructor(_) => FunctionKind::Constructor,
            Kind::Method(_)
            | Kind::AsyncMethod(_)
            | Kind::MethodGetter(_)
            | Kind::MethodSetter(_) => FunctionKind::Method,
            Kind::Static(_)
            | Kind::AsyncStatic(_)
            | Kind::StaticGetter(_)
            | Kind::StaticSetter(_) => FunctionKind::Static,
        },
        resource: func
            .kind
            .resource()
            .and_then(|id| resolve.types[id].name.clone()),
        asynchronous: func.kind.is_async(),
        params: func
            .params
            .iter()
            .map(|p| ParamInfo {
                name: p.name.clone(),
                ty: value_type(resolve, &p.ty),
            })
            .collect(),
        result: func.result.as_ref().map(|t| value_type(resolve, t)),
        signature: signature(resolve, func),
        docs: docs(&func.docs),
    }
}

fn value_type(resolve: &Resolve, ty: &Type) -> ValueType {
    let render = |t: &Type| type_name(resolve, t);
    ValueType {
        wit: render(ty),
        shape: shape_of(resolve, ty, &render),
    }
}

/// `name: func(a: t, …) -> r` (or `async func`), the way WIT declares it.
fn signature(resolve: &Resolve, func: &Function) -> String {
    let params: Vec<String> = func
        .params
        .iter()
        .map(|p| format!("{}: {}", p.name, type_name(resolve, &p.ty)))
        .collect();
    let result = func
        .result
        .as_ref()
        .map(|t| format!(" -> {}", type_name(resolve, t)))
        .unwrap_or_default();
    let asynchronous = if func.kind.is_async() { "async " } else { "" };
    format!(
        "{}: {asynchronous}func({}){result}",
        func.item_name(),
        params.join(", ")
    )
}

/// A type as WIT spells it in a signature (`list<point>`, `result<s64, string>`).
fn type_name(resolve: &Resolve, ty: &Type) -> String {
    let mut printer = WitPrinter::default();
    // The printer only fails on types that cannot be named in WIT (an anonymous resource); fall
    // back to a description rather than losing the whole port.
    match printer.print_type_name(resolve, ty) {
        Ok(()) => printer.output.to_string(),
        Err(e) => format!("<{e}>"),
    }
}

fn type_info(resolve: &Resolve, name: &str, id: TypeId, methods: &[&Function]) -> TypeInfo {
    let def = &resolve.types[id];
    let mut printer = WitPrinter::default();
    let resource_funcs: HashMap<TypeId, Vec<&Function>> = if methods.is_empty() {
        HashMap::new()
    } else {
        HashMap::from([(id, methods.to_vec())])
    };
    let definition = match printer.print_types(
        resolve,
        def.owner,
        std::iter::once((name, id)),
        &resource_funcs,
    ) {
        Ok(()) => printer.output.to_string().trim().to_string(),
        Err(e) => format!("// cannot print `{name}`: {e}"),
    };
    TypeInfo {
        name: name.to_string(),
        kind: def.kind.as_str().to_string(),
        definition,
        docs: docs(&def.docs),
    }
}

/// The interface as a WIT block: `interface name { … }`.
fn interface_wit(resolve: &Resolve, id: InterfaceId, name: &str) -> String {
    let mut printer = WitPrinter::default();
    let printed = printer
        .print_interface_outer(resolve, id, name)
        .and_then(|()| {
            printer.output.indent_start();
            printer.print_interface(resolve, id)?;
            printer.output.indent_end();
            Ok(())
        });
    match printed {
        Ok(()) => printer.output.to_string(),
        Err(e) => format!("// cannot print interface `{name}`: {e}"),
    }
}

fn docs(docs: &Docs) -> Option<String> {
    docs.contents.clone()
}
