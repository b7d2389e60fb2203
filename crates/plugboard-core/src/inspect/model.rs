use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::shape::TypeShape;

/// What inspection learned about a component: the data behind a node, its ports and its inspector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ComponentInfo {
    /// A component, or a WIT package encoded as wasm (which has no imports or exports to wire).
    pub kind: ArtifactKind,
    /// How the component can be run: as a command, as an HTTP proxy, or only called.
    pub role: ComponentRole,
    /// The world's name where the binary records one (WIT packages); `None` for compiled
    /// components, whose world is anonymous.
    pub world: Option<String>,
    /// Size of the file in bytes.
    #[ts(type = "number")]
    pub size: u64,
    /// Lowercase hex SHA-256 of the bytes.
    pub sha256: String,
    /// What the component needs: its input ports.
    pub imports: Vec<Port>,
    /// What the component provides: its output ports.
    pub exports: Vec<Port>,
    /// The full WIT of the component, with every package it refers to.
    pub wit: String,
}

impl ComponentInfo {
    /// The import with this exact full name.
    pub fn import(&self, name: &str) -> Option<&Port> {
        self.imports.iter().find(|p| p.name == name)
    }

    /// The export with this exact full name.
    pub fn export(&self, name: &str) -> Option<&Port> {
        self.exports.iter().find(|p| p.name == name)
    }
}

/// What kind of artifact a `.wasm` file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum ArtifactKind {
    /// A component: it can be a node.
    Component,
    /// A binary-encoded WIT package: types only, nothing to instantiate.
    WitPackage,
}

/// How a component can be started, decided by its exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum ComponentRole {
    /// Exports `wasi:cli/run`: it can be run like a program.
    Command,
    /// Exports `wasi:http/incoming-handler` (WASI 0.2) or `wasi:http/handler` (0.3): it can be
    /// served.
    HttpProxy,
    /// Neither: its functions can be invoked, or it can feed other components.
    Library,
}

impl ComponentRole {
    /// Decides the role from a component's export ports.
    pub fn from_exports(exports: &[Port]) -> Self {
        let exports_interface = |package: &str, interface: &str| {
            exports
                .iter()
                .any(|p| p.package.as_deref() == Some(package) && p.interface() == Some(interface))
        };
        if exports_interface("wasi:cli", "run") {
            Self::Command
        } else if exports_interface("wasi:http", "incoming-handler")
            || exports_interface("wasi:http", "handler")
        {
            // WASI 0.2's proxy world, or 0.3's service world.
            Self::HttpProxy
        } else {
            Self::Library
        }
    }
}

/// One import or export of a component: a port on its node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Port {
    /// The full name, the port's key: `example:stringoperations/operations@0.1.0`, or a plain name
    /// (`shout`, `exports`) for a function or an unnamed instance.
    pub name: String,
    /// `namespace:package` of an interface port.
    pub package: Option<String>,
    /// The package version of an interface port.
    pub version: Option<String>,
    /// What the port carries.
    pub kind: PortKind,
    /// Whether this is a WASI interface, which the host can provide.
    pub wasi: bool,
    /// The functions the port carries (for a function port: itself).
    pub functions: Vec<FunctionInfo>,
    /// The types the port defines or uses.
    pub types: Vec<TypeInfo>,
    /// The port's doc comment.
    pub docs: Option<String>,
    /// The port rendered as WIT (an interface block, a function or a type).
    pub wit: String,
}

impl Port {
    /// The interface name of an interface port: `operations` in
    /// `example:stringoperations/operations@0.1.0`.
    pub fn interface(&self) -> Option<&str> {
        self.package.as_ref()?;
        let after_slash = self.name.split_once('/')?.1;
        Some(after_slash.split('@').next().unwrap_or(after_slash))
    }

    /// The name without its version: what semver-compatible names share.
    pub fn unversioned_name(&self) -> &str {
        self.name.split('@').next().unwrap_or(&self.name)
    }
}

/// What a port carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum PortKind {
    /// A named interface (`ns:pkg/iface@version`).
    Interface,
    /// A single function.
    Function,
    /// A type (for example a resource the world uses).
    Type,
    /// An unnamed instance, such as componentize-py's `exports`.
    Instance,
    /// A nested component.
    Component,
}

/// A function with its signature, ready to show or to call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FunctionInfo {
    /// The name as it is called: `reverse`, or `[method]file.read` for a resource method (see
    /// [`super::names`]).
    pub name: String,
    /// What kind of function it is: free-standing, or a resource's constructor, method or
    /// static function.
    pub kind: FunctionKind,
    /// The resource the function belongs to, for constructors, methods and static functions.
    pub resource: Option<String>,
    /// Whether it is an `async func` (WASI 0.3 and the component model's async support).
    pub asynchronous: bool,
    /// The parameters in order.
    pub params: Vec<ParamInfo>,
    /// The result, if any.
    pub result: Option<ValueType>,
    /// The WIT signature: `reverse: func(s: string) -> string`.
    pub signature: String,
    /// The doc comment.
    pub docs: Option<String>,
}

/// What kind of function: free-standing, or one of a resource's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum FunctionKind {
    /// A function of its own.
    Freestanding,
    /// Makes a new instance of its resource.
    Constructor,
    /// Runs on an instance of its resource (its first parameter).
    Method,
    /// Belongs to its resource but takes no instance.
    Static,
}

/// One parameter of a function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ParamInfo {
    /// The parameter's name.
    pub name: String,
    /// Its type.
    pub ty: ValueType,
}

/// A value type: its WIT spelling and its structure (to build input forms from).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ValueType {
    /// As WIT writes it: `list<string>`, `point`, `result<s64, string>`.
    pub wit: String,
    /// The structure, with named types resolved.
    pub shape: TypeShape,
}

/// A type defined in (or used by) an interface.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TypeInfo {
    /// The type's name.
    pub name: String,
    /// `record`, `variant`, `enum`, `flags`, `resource`, `type` (an alias or a `use`), …
    pub kind: String,
    /// The definition as WIT, with doc comments (and a resource's methods).
    pub definition: String,
    /// The doc comment.
    pub docs: Option<String>,
}
