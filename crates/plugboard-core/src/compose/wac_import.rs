//! A WAC document read as a project: one node per `let name = new package { … }`, a wire per
//! argument that plugs another instance's export into an import, and the exports it names. The
//! reverse of [`super::to_wac`], so a composition written for `wac compose` opens as a canvas
//! that can be edited, run linked and saved.
//!
//! Packages are found as `wac compose` finds them: an explicit `--dep package=FILE`, then
//! `DEPS/namespace/name.wasm` in the dependency folder. The `// --dep package=FILE` lines that
//! [`super::to_wac`] writes at the top of a document count as explicit ones, relative to the
//! document, so a document Plugboard wrote opens with no folder at all.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use wac_parser::{
    Document, ExportOptions, ExportStatement, Expr, ExternName, InstantiationArgument,
    InstantiationArgumentName, LetStatement, PostfixExpr, PrimaryExpr, Statement,
};

use super::{ComposeError, NodeComponents, load_components};
use crate::inspect::Port;
use crate::project::{ExportChoice, Node, NodeId, Position, Project, Wire, WireEnd};

/// Where a WAC document's packages are.
#[derive(Debug, Clone, Default)]
pub struct WacPackages {
    /// Packages named one by one (`--dep package=FILE`).
    pub files: BTreeMap<String, PathBuf>,
    /// The folder holding `namespace/name.wasm` for the rest (`--deps-dir`).
    pub deps_dir: Option<PathBuf>,
}

impl WacPackages {
    /// The component file of `package` (`docs:adder`, perhaps with `@version`).
    fn locate(&self, package: &str, name: &str) -> Option<PathBuf> {
        if let Some(file) = self.files.get(package).or_else(|| self.files.get(name)) {
            return std::path::absolute(file).ok();
        }
        let (namespace, short) = name.split_once(':')?;
        let file = self
            .deps_dir
            .as_ref()?
            .join(namespace)
            .join(format!("{short}.wasm"));
        file.is_file()
            .then(|| std::path::absolute(&file).ok())
            .flatten()
    }
}

/// Why a WAC document cannot be read as a project.
#[derive(Debug, thiserror::Error)]
pub enum WacImportError {
    /// The document could not be read (the error names the file).
    #[error("cannot open the WAC document: {0}")]
    Unreadable(#[from] crate::files::ReadError),
    /// It is not valid WAC.
    #[error("the WAC document does not parse: {message}")]
    Syntax {
        /// What wac-parser said.
        message: String,
    },
    /// A package no `--dep` names and the dependency folder does not hold.
    #[error(
        "cannot find the package `{package}`: name it with --dep {package}=FILE, or put it in the dependency folder as {}",
        expected.display()
    )]
    MissingPackage {
        /// The package.
        package: String,
        /// Where it was looked for.
        expected: PathBuf,
    },
    /// Something a project cannot say (an `import` statement, a nested `new`).
    #[error("{what} cannot be drawn as a project: {hint}")]
    Unsupported {
        /// What was found.
        what: String,
        /// What to write instead.
        hint: &'static str,
    },
    /// A name that is not an instance the document made.
    #[error("`{name}` is not an instance made by a `let … = new …` before it")]
    UnknownInstance {
        /// The name.
        name: String,
    },
    /// An argument or export naming a port the component does not have.
    #[error("`{node}` has no {direction} `{port}` (it has {})", .known.join(", "))]
    UnknownPort {
        /// The instance.
        node: NodeId,
        /// The name used.
        port: String,
        /// `import` or `export`.
        direction: &'static str,
        /// The ports it has.
        known: Vec<String>,
    },
    /// A component could not be read.
    #[error(transparent)]
    Component(#[from] ComposeError),
}

/// How far apart the nodes of an imported document are laid out on the canvas.
const COLUMN: f64 = 560.0;

/// Reads the WAC document at `path` (bounded as a project file is) as a project, with its
/// nodes' components.
///
/// # Errors
/// As [`from_wac`], and [`WacImportError::Unreadable`].
pub fn read_wac(
    path: &Path,
    packages: &WacPackages,
) -> Result<(Project, NodeComponents), WacImportError> {
    let bytes = crate::files::read_bounded(path, crate::files::MAX_PROJECT_BYTES, "WAC document")?;
    let text = String::from_utf8_lossy(&bytes);
    from_wac(&text, path, packages)
}

/// Reads the WAC document `text` (from the file `path`, for its relative `--dep` lines) as a
/// project, with its nodes' components.
///
/// # Errors
/// [`WacImportError`] naming what does not parse, cannot be found or cannot be drawn.
pub fn from_wac(
    text: &str,
    path: &Path,
    packages: &WacPackages,
) -> Result<(Project, NodeComponents), WacImportError> {
    let document = Document::parse(text).map_err(|e| WacImportError::Syntax {
        message: e.to_string(),
    })?;
    let packages = with_written_deps(text, path, packages);
    let mut project = Project {
        title: path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned()),
        ..Project::default()
    };
    let mut lets = Vec::new();
    let mut exports = Vec::new();
    for statement in &document.statements {
        match statement {
            Statement::Let(statement) => {
                let node = node_of(statement, &packages, project.nodes.len())?;
                project.nodes.push(node);
                lets.push(statement);
            }
            Statement::Export(statement) => exports.push(statement),
            Statement::Import(_) => {
                return Err(unsupported(
                    "an `import` statement",
                    "leave the import open (`...`); the project's open imports are the host's",
                ));
            }
            Statement::Type(_) => {}
        }
    }
    let components = load_components(&project, parent(path))?;
    for statement in lets {
        let consumer = NodeId::new(local(statement.id.string));
        project
            .wires
            .extend(wires_into(&consumer, statement, &components)?);
    }
    for statement in exports {
        project
            .exports
            .extend(export_choices(statement, &components)?);
    }
    project
        .validate()
        .map_err(|e| unsupported(&e.to_string(), "fix the document"))?;
    Ok((project, components))
}

/// `packages`, with the `// --dep package=FILE` lines of a document Plugboard wrote.
fn with_written_deps(text: &str, path: &Path, packages: &WacPackages) -> WacPackages {
    let mut packages = packages.clone();
    for line in text.lines() {
        let Some(dep) = line
            .trim_start_matches(|c: char| c == '/' || c.is_whitespace())
            .strip_prefix("--dep ")
        else {
            continue;
        };
        if let Some((package, file)) = dep.trim_end_matches(['\\', ' ']).split_once('=') {
            let file = parent(path).join(file.trim());
            packages
                .files
                .entry(package.trim().to_string())
                .or_insert(file);
        }
    }
    packages
}

fn parent(path: &Path) -> &Path {
    path.parent().unwrap_or(Path::new("."))
}

/// A node id for a WAC identifier (`%let` is the escaped keyword `let`).
fn local(id: &str) -> &str {
    id.trim_start_matches('%')
}

fn unsupported(what: &str, hint: &'static str) -> WacImportError {
    WacImportError::Unsupported {
        what: what.to_string(),
        hint,
    }
}

/// The node a `let name = new package { … }` makes, laid out in the `index`th column.
fn node_of(
    statement: &LetStatement<'_>,
    packages: &WacPackages,
    index: usize,
) -> Result<Node, WacImportError> {
    let id = local(statement.id.string);
    let PrimaryExpr::New(new) = &statement.expr.primary else {
        return Err(unsupported(
            &format!("`let {id}` without `new`"),
            "give each instance its own `let … = new package {…}`",
        ));
    };
    let package = new.package.string;
    let component = packages.locate(package, new.package.name).ok_or_else(|| {
        WacImportError::MissingPackage {
            package: package.to_string(),
            expected: expected_path(packages, new.package.name),
        }
    })?;
    Ok(Node {
        id: NodeId::new(id),
        component,
        sha256: None,
        position: Position {
            x: index as f64 * COLUMN,
            y: 0.0,
        },
        capabilities: None,
        registry: None,
    })
}

fn expected_path(packages: &WacPackages, name: &str) -> PathBuf {
    let (namespace, short) = name.split_once(':').unwrap_or(("", name));
    packages
        .deps_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("deps"))
        .join(namespace)
        .join(format!("{short}.wasm"))
}

/// The wires the arguments of `statement` make into `consumer`'s imports.
fn wires_into(
    consumer: &NodeId,
    statement: &LetStatement<'_>,
    components: &NodeComponents,
) -> Result<Vec<Wire>, WacImportError> {
    let PrimaryExpr::New(new) = &statement.expr.primary else {
        return Ok(Vec::new());
    };
    let mut wires = Vec::new();
    for argument in &new.arguments {
        let (name, expr) = match argument {
            InstantiationArgument::Named(named) => {
                let name = match &named.name {
                    InstantiationArgumentName::Ident(id) => id.string,
                    InstantiationArgumentName::String(s) => s.value,
                };
                (name, Some(&named.expr))
            }
            InstantiationArgument::Inferred(id) => (id.string, None),
            InstantiationArgument::Fill(_) => continue,
            InstantiationArgument::Spread(id) => {
                return Err(unsupported(
                    &format!("the spread argument `...{}`", id.string),
                    "name each import it plugs: `\"import\": instance[\"export\"]`",
                ));
            }
        };
        let import = port(components, consumer, name, "import")?;
        let from = match expr {
            Some(expr) => source_of(expr, &import.name, components)?,
            None => {
                let provider = NodeId::new(local(name));
                let export = port(components, &provider, &import.name, "export")?;
                WireEnd {
                    node: provider,
                    port: export.name.clone(),
                }
            }
        };
        wires.push(Wire {
            from,
            to: WireEnd {
                node: consumer.clone(),
                port: import.name.clone(),
            },
        });
    }
    Ok(wires)
}

/// The export an argument's expression names: `instance["export"]`, `instance.export`, or a
/// whole instance (its export named like the import it plugs).
fn source_of(
    expr: &Expr<'_>,
    import: &str,
    components: &NodeComponents,
) -> Result<WireEnd, WacImportError> {
    let PrimaryExpr::Ident(instance) = &expr.primary else {
        return Err(unsupported(
            "an argument that is not an instance's export",
            "make the instance with its own `let`, then plug `instance[\"export\"]`",
        ));
    };
    let node = NodeId::new(local(instance.string));
    let name = match expr.postfix.as_slice() {
        [] => import,
        [PostfixExpr::Access(access)] => access.id.string,
        [PostfixExpr::NamedAccess(access)] => access.string.value,
        _ => {
            return Err(unsupported(
                "an export of an export",
                "plug one instance's export at a time",
            ));
        }
    };
    let export = port(components, &node, name, "export")?;
    Ok(WireEnd {
        port: export.name.clone(),
        node,
    })
}

/// What `export …;` adds to the project's exports.
fn export_choices(
    statement: &ExportStatement<'_>,
    components: &NodeComponents,
) -> Result<Vec<ExportChoice>, WacImportError> {
    let PrimaryExpr::Ident(instance) = &statement.expr.primary else {
        return Err(unsupported(
            "an export that is not an instance's",
            "export `instance[\"export\"]`",
        ));
    };
    let node = NodeId::new(local(instance.string));
    let rename = match &statement.options {
        ExportOptions::Rename(ExternName::Ident(id)) => Some(id.string.to_string()),
        ExportOptions::Rename(ExternName::String(s)) => Some(s.value.to_string()),
        ExportOptions::None | ExportOptions::Spread(_) => None,
    };
    let names: Vec<String> = match (statement.expr.postfix.as_slice(), &statement.options) {
        ([], ExportOptions::Spread(_)) => ports(components, &node, "export")?
            .iter()
            .map(|p| p.name.clone())
            .collect(),
        ([PostfixExpr::Access(access)], _) => vec![access.id.string.to_string()],
        ([PostfixExpr::NamedAccess(access)], _) => vec![access.string.value.to_string()],
        _ => {
            return Err(unsupported(
                &format!("`export {}` as a whole", instance.string),
                "export its ports one by one, or all with `export instance...`",
            ));
        }
    };
    names
        .iter()
        .map(|name| {
            Ok(ExportChoice {
                export: port(components, &node, name, "export")?.name.clone(),
                node: node.clone(),
                rename: rename.clone(),
            })
        })
        .collect()
}

/// The ports of `node` on one side.
fn ports<'a>(
    components: &'a NodeComponents,
    node: &NodeId,
    direction: &'static str,
) -> Result<&'a [Port], WacImportError> {
    let component = components
        .get(node)
        .ok_or_else(|| WacImportError::UnknownInstance {
            name: node.to_string(),
        })?;
    Ok(if direction == "import" {
        &component.info.imports
    } else {
        &component.info.exports
    })
}

/// The port of `node` that `name` means: its full name, or the interface's own name
/// (`add` for `docs:adder/add@0.1.0`), as WAC resolves them.
fn port<'a>(
    components: &'a NodeComponents,
    node: &NodeId,
    name: &str,
    direction: &'static str,
) -> Result<&'a Port, WacImportError> {
    let all = ports(components, node, direction)?;
    all.iter()
        .find(|p| p.name == name)
        .or_else(|| all.iter().find(|p| interface_of(&p.name) == name))
        .ok_or_else(|| WacImportError::UnknownPort {
            node: node.clone(),
            port: name.to_string(),
            direction,
            known: all.iter().map(|p| p.name.clone()).collect(),
        })
}

/// `add` for `docs:adder/add@0.1.0`; the name itself for a plain one.
fn interface_of(name: &str) -> &str {
    let after = name.split_once('/').map_or(name, |(_, rest)| rest);
    after
        .split_once('@')
        .map_or(after, |(interface, _)| interface)
}
