//! A project as a wasmCloud v2 `WorkloadDeployment` (`runtime.wasmcloud.dev/v1alpha1`): one
//! workload component per node with `localResources` from its grants, a command root as the
//! workload's `service`, and the host interfaces WASI HTTP needs. Field names and shapes follow
//! the CRD (the committed copy is `tests/data/deploy/wasmcloud-workloaddeployment-crd.yaml`).
//!
//! wasmCloud links the components of a workload by interface name, with no field to say which
//! provider feeds which consumer, so a renamed wire or two providers of one interface are
//! warned about.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::plan::{Plan, PlannedNode};
use super::{DeployManifest, ManifestPlace};
use crate::compose::NodeComponents;
use crate::inspect::ComponentRole;
use crate::project::Project;

/// The engine's name in warnings.
const WASMCLOUD: &str = "wasmCloud";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WorkloadDeployment {
    api_version: &'static str,
    kind: &'static str,
    metadata: Metadata,
    spec: DeploymentSpec,
}

#[derive(Serialize)]
struct Metadata {
    name: String,
}

#[derive(Serialize)]
struct DeploymentSpec {
    replicas: u32,
    template: Template,
}

#[derive(Serialize)]
struct Template {
    spec: WorkloadSpec,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WorkloadSpec {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    host_interfaces: Vec<HostInterface>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    components: Vec<Component>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service: Option<Service>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    volumes: Vec<Volume>,
}

#[derive(Serialize)]
struct HostInterface {
    namespace: &'static str,
    package: &'static str,
    interfaces: Vec<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Component {
    name: String,
    image: String,
    #[serde(skip_serializing_if = "LocalResources::is_empty")]
    local_resources: LocalResources,
}

/// The workload's long-running command: like a component, without a name.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Service {
    image: String,
    #[serde(skip_serializing_if = "LocalResources::is_empty")]
    local_resources: LocalResources,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct LocalResources {
    #[serde(skip_serializing_if = "Option::is_none")]
    environment: Option<Environment>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    allowed_hosts: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    allowed_ip_name_lookups: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    volume_mounts: Vec<VolumeMount>,
}

impl LocalResources {
    fn is_empty(&self) -> bool {
        self.environment.is_none()
            && self.allowed_hosts.is_empty()
            && self.allowed_ip_name_lookups.is_empty()
            && self.volume_mounts.is_empty()
    }
}

#[derive(Serialize)]
struct Environment {
    config: BTreeMap<String, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VolumeMount {
    name: String,
    mount_path: String,
    read_only: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Volume {
    name: String,
    host_path: HostPath,
}

#[derive(Serialize)]
struct HostPath {
    path: String,
}

/// `project` (its paths absolute) as a `WorkloadDeployment`.
pub(super) fn manifest(
    project: &Project,
    components: &NodeComponents,
    place: &ManifestPlace<'_>,
) -> DeployManifest {
    let plan = Plan::new(project, components, place.dir, WASMCLOUD);
    let mut warnings = plan.warnings.clone();
    warn_about_links(&plan, &mut warnings);
    let mut spec = WorkloadSpec {
        host_interfaces: host_interfaces(&plan),
        components: Vec::new(),
        service: None,
        volumes: Vec::new(),
    };
    for planned in &plan.nodes {
        let local_resources = local_resources(planned, &mut spec.volumes, &mut warnings);
        let image = image(planned, &mut warnings);
        let is_command_root = planned.role == ComponentRole::Command && !planned.provides;
        if is_command_root && spec.service.is_none() {
            spec.service = Some(Service {
                image,
                local_resources,
            });
            continue;
        }
        if is_command_root {
            warnings.push(format!(
                "`{}` is a command too, but a workload has one service: it is listed as a \
                 component, which nothing starts",
                planned.node.id
            ));
        }
        spec.components.push(Component {
            name: planned.node.id.0.clone(),
            image,
            local_resources,
        });
    }
    let deployment = WorkloadDeployment {
        api_version: "runtime.wasmcloud.dev/v1alpha1",
        kind: "WorkloadDeployment",
        metadata: Metadata {
            name: dns_label(place.name),
        },
        spec: DeploymentSpec {
            replicas: 1,
            template: Template { spec },
        },
    };
    #[expect(
        clippy::expect_used,
        reason = "plain structs of strings, numbers and lists always serialise"
    )]
    let text = serde_norway::to_string(&deployment).expect("a deployment always serialises");
    DeployManifest { text, warnings }
}

/// WASI HTTP from the host: `incoming-handler` to serve a proxy, `outgoing-handler` for a node
/// granted outgoing requests.
fn host_interfaces(plan: &Plan<'_>) -> Vec<HostInterface> {
    let mut interfaces = Vec::new();
    if plan
        .nodes
        .iter()
        .any(|n| n.role == ComponentRole::HttpProxy && !n.provides)
    {
        interfaces.push("incoming-handler");
    }
    if plan.nodes.iter().any(|n| n.grants.http.allowed) {
        interfaces.push("outgoing-handler");
    }
    if interfaces.is_empty() {
        return Vec::new();
    }
    vec![HostInterface {
        namespace: "wasi",
        package: "http",
        interfaces,
    }]
}

/// A node's grants as `localResources`, its folders added to the workload's `volumes`.
fn local_resources(
    planned: &PlannedNode<'_>,
    volumes: &mut Vec<Volume>,
    warnings: &mut Vec<String>,
) -> LocalResources {
    let grants = &planned.grants;
    let mut resources = LocalResources::default();
    if !grants.env.is_empty() {
        resources.environment = Some(Environment {
            config: grants
                .env
                .iter()
                .map(|v| (v.key.clone(), v.value.clone()))
                .collect(),
        });
    }
    if grants.http.allowed && grants.http.hosts.is_empty() {
        resources.allowed_hosts.push("*".to_string());
    }
    if grants.http.allowed {
        for entry in &grants.http.hosts {
            if entry.contains('[') {
                warnings.push(format!(
                    "`{}` may send HTTP to `{entry}` here; wasmCloud's allowedHosts takes no IPv6 \
                     literal, so it is left out",
                    planned.node.id
                ));
            } else {
                resources.allowed_hosts.push(entry.trim().to_string());
            }
        }
    }
    if grants.allow_ip_name_lookup {
        resources.allowed_ip_name_lookups.push("*".to_string());
    }
    for grant in &grants.dirs {
        let name = dns_label(&format!("{}-{}", planned.node.id, volumes.len() + 1));
        volumes.push(Volume {
            name: name.clone(),
            host_path: HostPath {
                path: grant.host.to_string_lossy().into_owned(),
            },
        });
        resources.volume_mounts.push(VolumeMount {
            name,
            mount_path: grant.guest.clone(),
            read_only: grant.read_only,
        });
    }
    resources
}

/// The component's image: wasmCloud pulls every component from an OCI registry.
fn image(planned: &PlannedNode<'_>, warnings: &mut Vec<String>) -> String {
    if let Some(source) = &planned.node.registry {
        return source.reference.clone();
    }
    warnings.push(format!(
        "`{}` comes from the file `{}`: wasmCloud pulls components from an OCI registry, so \
         publish it (plugboard publish) and put its reference in `image`",
        planned.node.id, planned.source
    ));
    planned.source.clone()
}

/// wasmCloud links by interface name: a wire that renames, or two providers of one
/// interface, cannot be said.
fn warn_about_links(plan: &Plan<'_>, warnings: &mut Vec<String>) {
    let mut providers: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for wire in plan.nodes.iter().flat_map(|n| &n.wires_in) {
        providers
            .entry(wire.to.port.as_str())
            .or_default()
            .insert(wire.from.node.as_str());
        if wire.from.port != wire.to.port {
            warnings.push(format!(
                "the wire {wire} connects differently named interfaces; wasmCloud links a \
                 workload's components by interface name, so it will not make this link"
            ));
        }
    }
    for (interface, nodes) in providers.into_iter().filter(|(_, n)| n.len() > 1) {
        let names: Vec<String> = nodes.iter().map(|n| format!("`{n}`")).collect();
        warnings.push(format!(
            "{} all provide `{interface}` here; wasmCloud links a workload's components by \
             interface name, so which one a consumer gets is not said",
            names.join(", ")
        ));
    }
}

/// `name` as a Kubernetes object name (an RFC 1123 label): lowercase letters, digits and `-`,
/// starting and ending with a letter or digit, at most 63 characters. Unlike a kebab
/// identifier, a word may start with a digit (`wasi-0-3`).
fn dns_label(name: &str) -> String {
    let words: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let mut label = words.join("-");
    label.truncate(63);
    match label.trim_end_matches('-') {
        "" => "plugboard".to_string(),
        trimmed => trimmed.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_dns_labels() {
        assert_eq!(dns_label("Seed project"), "seed-project");
        assert_eq!(dns_label("WASI 0.2 · cli"), "wasi-0-2-cli");
        assert_eq!(dns_label("__"), "plugboard");
        assert_eq!(dns_label(&"a".repeat(80)).len(), 63);
    }
}
