//! A project as a Spin application manifest (`spin.toml`, manifest version 2, read by Spin 3
//! and 4): one `[component.<id>]` per node, each wire a `dependencies` entry keyed by the
//! imported interface and naming the providing component, each root node under the trigger
//! its role calls for (`http` for a `wasi:http/proxy`, the `trigger-command` plugin's
//! `command` for a `wasi:cli/command`). Field names and rules follow Spin's manifest reference
//! (the committed copy is `tests/data/deploy/spin-manifest-fields.md`).
//!
//! Spin composes a component's dependencies into it, and a dependency may carry no runtime
//! configuration of its own: it gets its parent's (per key, through `inherit_configuration`) or
//! none. So a provider's grants are written as an inheritance only where they equal its
//! consumer's; anything else is left out and warned about, never widened.

use std::collections::BTreeSet;
use std::path::Path;

use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, value};

use super::plan::{Plan, PlannedNode};
use super::{DeployManifest, ManifestPlace};
use crate::compose::NodeComponents;
use crate::inspect::ComponentRole;
use crate::inspect::names::{kebab_id, unique};
use crate::project::{NodeId, Project, RegistrySource};
use crate::run::HttpGrant;

/// The engine's name in warnings.
const SPIN: &str = "Spin";

/// `project` (its paths absolute) as a `spin.toml` written in `place.dir`.
pub(super) fn manifest(
    project: &Project,
    components: &NodeComponents,
    place: &ManifestPlace<'_>,
) -> DeployManifest {
    let plan = Plan::new(project, components, place.dir, SPIN);
    let mut warnings = plan.warnings.clone();
    let ids = SpinIds::new(project);

    let mut doc = DocumentMut::new();
    doc["spin_manifest_version"] = value(2);
    let mut application = Table::new();
    application["name"] = value(place.name);
    if let Some(description) = &project.description {
        application["description"] = value(description.as_str());
    }
    doc["application"] = Item::Table(application);
    doc["trigger"] = Item::Table(triggers(&plan, &ids, &mut warnings));

    let mut table = Table::new();
    table.set_implicit(true);
    for planned in &plan.nodes {
        let component = component_table(planned, &plan, &ids, place.dir, &mut warnings);
        table[ids.of(&planned.node.id)] = Item::Table(component);
    }
    doc["component"] = Item::Table(table);
    let mut text = doc.to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    DeployManifest { text, warnings }
}

/// One trigger per root node: HTTP for a proxy, the command plugin's for a command.
fn triggers(plan: &Plan<'_>, ids: &SpinIds, warnings: &mut Vec<String>) -> Table {
    let roots: Vec<&PlannedNode<'_>> = plan.nodes.iter().filter(|n| !n.provides).collect();
    let proxies = roots
        .iter()
        .filter(|n| n.role == ComponentRole::HttpProxy)
        .count();
    let mut http = ArrayOfTables::new();
    let mut command = ArrayOfTables::new();
    for root in roots {
        let id = ids.of(&root.node.id);
        let mut trigger = Table::new();
        match root.role {
            ComponentRole::HttpProxy => {
                let route = if proxies == 1 {
                    "/...".to_string()
                } else {
                    format!("/{id}/...")
                };
                trigger["route"] = value(route);
                trigger["component"] = value(id);
                http.push(trigger);
            }
            ComponentRole::Command => {
                trigger["component"] = value(id);
                command.push(trigger);
            }
            ComponentRole::Library => warnings.push(format!(
                "`{}` is neither a command nor an HTTP handler and feeds no other node: Spin has \
                 no trigger for it, so it is listed without one",
                root.node.id
            )),
        }
    }
    if !command.is_empty() {
        warnings.push(
            "commands run under Spin's `trigger-command` plugin (spin plugin install \
             trigger-command), which starts `wasi:cli/run` 0.2.0 to 0.2.3"
                .to_string(),
        );
    }
    if command.len() > 1 {
        warnings.push(format!(
            "{} nodes are commands: Spin's command trigger runs only the first",
            command.len()
        ));
    }
    let mut triggers = Table::new();
    triggers.set_implicit(true);
    if !http.is_empty() {
        triggers["http"] = Item::ArrayOfTables(http);
    }
    if !command.is_empty() {
        triggers["command"] = Item::ArrayOfTables(command);
    }
    triggers
}

/// A node's `[component.<id>]`: its source, its grants if it is a root, its dependencies.
fn component_table(
    planned: &PlannedNode<'_>,
    plan: &Plan<'_>,
    ids: &SpinIds,
    dir: &Path,
    warnings: &mut Vec<String>,
) -> Table {
    let mut table = Table::new();
    match planned.node.registry.as_ref().and_then(registry_source) {
        Some(source) => table["source"] = value(source),
        None => table["source"] = value(planned.source.as_str()),
    }
    if planned.provides {
        // A dependency's grants come from its consumers (see `dependency`).
        warn_read_only(planned, warnings);
    } else {
        write_grants(&mut table, planned, dir, warnings);
    }
    let mut dependencies = Table::new();
    for wire in &planned.wires_in {
        let Some(provider) = plan.node(&wire.from.node) else {
            continue;
        };
        if !is_package_interface(&wire.to.port) {
            warnings.push(format!(
                "`{}` imports `{}` from `{}`; Spin keys a dependency by a package interface \
                 (`namespace:package/interface`), so this wire is left out",
                planned.node.id, wire.to.port, provider.node.id
            ));
            continue;
        }
        let mut dependency = InlineTable::new();
        dependency.insert("component", ids.of(&provider.node.id).into());
        if wire.from.port != wire.to.port {
            dependency.insert("export", wire.from.port.as_str().into());
        }
        let inherited = inherited_keys(provider, planned, warnings);
        if !inherited.is_empty() {
            dependency.insert(
                "inherit_configuration",
                inherited.iter().copied().collect::<Array>().into(),
            );
        }
        dependencies[wire.to.port.as_str()] = value(dependency);
    }
    if !dependencies.is_empty() {
        table["dependencies"] = Item::Table(dependencies);
    }
    let consumers: BTreeSet<&NodeId> = plan
        .nodes
        .iter()
        .flat_map(|n| &n.wires_in)
        .filter(|w| w.from.node == planned.node.id)
        .map(|w| &w.to.node)
        .collect();
    if consumers.len() > 1 {
        let names: Vec<String> = consumers.iter().map(|c| format!("`{c}`")).collect();
        warnings.push(format!(
            "`{}` is one instance shared by {} here; Spin links a separate copy into each, so \
             they do not share its state",
            planned.node.id,
            names.join(" and ")
        ));
    }
    table
}

/// A root's own grants: `environment`, `files`, `allowed_outbound_hosts`.
fn write_grants(
    table: &mut Table,
    planned: &PlannedNode<'_>,
    dir: &Path,
    warnings: &mut Vec<String>,
) {
    let grants = &planned.grants;
    if !grants.env.is_empty() {
        let mut environment = InlineTable::new();
        for var in &grants.env {
            environment.insert(&var.key, var.value.as_str().into());
        }
        table["environment"] = value(environment);
    }
    let mut files = Array::new();
    for grant in &grants.dirs {
        if !grant.guest.starts_with('/') {
            warnings.push(format!(
                "`{}` sees a folder at `{}`; Spin mounts files only at absolute paths, so it is \
                 left out",
                planned.node.id, grant.guest
            ));
            continue;
        }
        let source = pathdiff::diff_paths(&grant.host, dir).unwrap_or_else(|| grant.host.clone());
        let mut mount = InlineTable::new();
        mount.insert("source", source.to_string_lossy().as_ref().into());
        mount.insert("destination", grant.guest.as_str().into());
        files.push(mount);
    }
    warn_read_only(planned, warnings);
    if !files.is_empty() {
        table["files"] = value(files);
    }
    let hosts = outbound_hosts(&grants.http);
    if !hosts.is_empty() {
        table["allowed_outbound_hosts"] = value(hosts.into_iter().collect::<Array>());
    }
    if grants.allow_ip_name_lookup {
        warnings.push(format!(
            "`{}` may look names up here; Spin resolves only the hosts in \
             allowed_outbound_hosts",
            planned.node.id
        ));
    }
}

/// Read-only folders have no equivalent in Spin's `files`.
fn warn_read_only(planned: &PlannedNode<'_>, warnings: &mut Vec<String>) {
    for grant in planned.grants.dirs.iter().filter(|d| d.read_only) {
        warnings.push(format!(
            "`{}` has `{}` read-only here; Spin's `files` has no read-only flag",
            planned.node.id, grant.guest
        ));
    }
}

/// The configuration keys a provider inherits from its consumer: each one where the
/// provider's grant equals the consumer's. Where it has a grant of its own that differs, it
/// gets none (Spin cannot give a dependency its own), and that is warned about.
fn inherited_keys(
    provider: &PlannedNode<'_>,
    consumer: &PlannedNode<'_>,
    warnings: &mut Vec<String>,
) -> Vec<&'static str> {
    let (p, c) = (&provider.grants, &consumer.grants);
    let keys: [(&'static str, bool, bool); 3] = [
        ("environment", p.env.is_empty(), p.env == c.env),
        ("files", p.dirs.is_empty(), p.dirs == c.dirs),
        (
            "allowed_outbound_hosts",
            outbound_hosts(&p.http).is_empty(),
            outbound_hosts(&p.http) == outbound_hosts(&c.http),
        ),
    ];
    let mut inherited = Vec::new();
    for (key, none, same) in keys {
        if none {
            continue;
        }
        if same {
            inherited.push(key);
        } else {
            warnings.push(format!(
                "`{}` has its own {key} here, unlike `{}` it is linked into; Spin gives a \
                 dependency its parent's {key} or none, so it gets none",
                provider.node.id, consumer.node.id
            ));
        }
    }
    inherited
}

/// Spin's `allowed_outbound_hosts` for an HTTP grant: `scheme://host:port`, with `*` for any
/// port of an entry without one and for any host when the grant has no list.
fn outbound_hosts(http: &HttpGrant) -> Vec<String> {
    if !http.allowed {
        return Vec::new();
    }
    if http.hosts.is_empty() {
        return vec!["http://*:*".to_string(), "https://*:*".to_string()];
    }
    http.hosts
        .iter()
        .filter_map(|entry| entry.trim().parse::<http::uri::Authority>().ok())
        .flat_map(|authority| {
            let port = authority
                .port_u16()
                .map_or_else(|| "*".to_string(), |p| p.to_string());
            ["http", "https"].map(|scheme| format!("{scheme}://{}:{port}", authority.host()))
        })
        .collect()
}

/// A registry reference as Spin's registry source, `{ registry, package, version }`, when it
/// has the shape wkg gives packages (`<registry>/<namespace>/<name>:<version>`).
fn registry_source(source: &RegistrySource) -> Option<InlineTable> {
    let reference: oci_client::Reference = source.reference.parse().ok()?;
    let version = semver::Version::parse(reference.tag()?).ok()?;
    let (namespace, name) = reference.repository().split_once('/')?;
    if name.contains('/') {
        return None;
    }
    let mut table = InlineTable::new();
    table.insert("registry", reference.registry().into());
    table.insert("package", format!("{namespace}:{name}").into());
    table.insert("version", version.to_string().into());
    Some(table)
}

/// Whether an import name is a package interface (`ns:pkg/iface`, optionally `@version`), the
/// form Spin's `dependencies` keys take.
fn is_package_interface(name: &str) -> bool {
    name.split_once(':')
        .is_some_and(|(_, rest)| rest.contains('/'))
}

/// Spin component ids for a project's nodes: kebab-case words, each starting with a letter
/// (`logger-2` becomes `logger-n2`), unique.
struct SpinIds {
    ids: Vec<(NodeId, String)>,
}

impl SpinIds {
    fn new(project: &Project) -> Self {
        let mut ids: Vec<(NodeId, String)> = Vec::new();
        for node in &project.nodes {
            let id = unique(&kebab_id(node.id.as_str()), |candidate| {
                ids.iter().any(|(_, taken)| taken == candidate)
            });
            ids.push((node.id.clone(), id));
        }
        Self { ids }
    }

    fn of<'a>(&'a self, node: &'a NodeId) -> &'a str {
        self.ids
            .iter()
            .find(|(id, _)| id == node)
            .map_or(node.as_str(), |(_, spin)| spin.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_grants_become_outbound_hosts() {
        let any = HttpGrant {
            allowed: true,
            hosts: vec![],
        };
        assert_eq!(outbound_hosts(&any), ["http://*:*", "https://*:*"]);
        let listed = HttpGrant {
            allowed: true,
            hosts: vec!["example.com".into(), "127.0.0.1:8080".into()],
        };
        assert_eq!(
            outbound_hosts(&listed),
            [
                "http://example.com:*",
                "https://example.com:*",
                "http://127.0.0.1:8080",
                "https://127.0.0.1:8080"
            ]
        );
        assert!(outbound_hosts(&HttpGrant::default()).is_empty());
    }
}
