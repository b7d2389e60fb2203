//! The `wasmtime run` / `wasmtime serve` command line that grants what a Plugboard profile
//! grants, so a workshop can show the same run at the terminal, and what wasmtime's flags cannot
//! say (read-only folders, an HTTP allow-list, per-node grants, one memory budget for all
//! memories), said plainly instead of silently dropped.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::compose::NodeComponents;
use crate::inspect::ComponentRole;
use crate::project::{NodeId, Project};
use crate::run::{CapabilityProfile, Limits, StdinSource};

/// A command line, and what it does not express.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WasmtimeLine {
    /// The shell command, quoted for a POSIX shell.
    pub command: String,
    /// Each grant or limit of Plugboard's that the line cannot carry, in a sentence.
    pub unexpressed: Vec<String>,
}

/// What the line runs and how.
#[derive(Debug, Clone, Copy)]
pub struct LineTarget<'a> {
    /// The component file as the line names it.
    pub file: &'a str,
    /// What the component is: a command is run, a proxy served, a library invoked.
    pub role: ComponentRole,
    /// Whether the project's nodes have grants of their own (one set is all wasmtime takes).
    pub per_node_grants: bool,
}

/// The `wasmtime` command line for `target` under `profile` and `limits`.
pub fn wasmtime_line(
    target: LineTarget<'_>,
    profile: &CapabilityProfile,
    limits: &Limits,
) -> WasmtimeLine {
    let mut words: Vec<String> = vec!["wasmtime".into()];
    let mut unexpressed = Vec::new();
    let mut prefix = String::new();
    match target.role {
        ComponentRole::HttpProxy => words.extend(["serve".into(), "-S".into(), "cli".into()]),
        ComponentRole::Command | ComponentRole::Library => words.push("run".into()),
    }
    if profile.inherit_env {
        words.extend(["-S".into(), "inherit-env".into()]);
    }
    for var in &profile.env {
        words.extend(["--env".into(), format!("{}={}", var.key, var.value)]);
    }
    for dir in &profile.dirs {
        let host = dir.host.to_string_lossy();
        words.extend(["--dir".into(), format!("{host}::{}", dir.guest)]);
        if dir.read_only {
            unexpressed.push(format!(
                "`{host}` is read-only here; wasmtime's --dir lets the guest write to it"
            ));
        }
    }
    if profile.inherit_network {
        words.extend(["-S".into(), "inherit-network".into()]);
    }
    if profile.allow_ip_name_lookup {
        words.extend(["-S".into(), "allow-ip-name-lookup".into()]);
    }
    if profile.http.allowed && target.role != ComponentRole::HttpProxy {
        words.extend(["-S".into(), "http".into()]);
    }
    if profile.http.allowed && !profile.http.hosts.is_empty() {
        unexpressed.push(format!(
            "outgoing HTTP goes only to {} here; wasmtime's -S http allows every host",
            profile.http.hosts.join(", ")
        ));
    }
    if let Some(ms) = limits.timeout_ms {
        words.extend(["-W".into(), format!("timeout={ms}ms")]);
    }
    if let Some(bytes) = limits.max_memory_bytes {
        words.extend(["-W".into(), format!("max-memory-size={bytes}")]);
        unexpressed.push(
            "the memory limit here counts every memory and table together; wasmtime's \
             max-memory-size limits each memory on its own"
                .into(),
        );
    }
    if let Some(fuel) = limits.fuel {
        words.extend(["-W".into(), format!("fuel={fuel}")]);
    }
    if target.per_node_grants {
        unexpressed.push(
            "nodes have grants of their own here; wasmtime runs the composition with this one \
             set for every node"
                .into(),
        );
    }
    match target.role {
        ComponentRole::HttpProxy => {
            words.extend(["--addr".into(), "127.0.0.1:8080".into()]);
            words.push(target.file.into());
        }
        ComponentRole::Command => {
            match &profile.stdin {
                StdinSource::None => words.extend(["-S".into(), "inherit-stdin=n".into()]),
                StdinSource::Text { text } => {
                    prefix = format!("printf %s {} | ", quote(text));
                }
                StdinSource::File { path } => {
                    prefix = format!("< {} ", quote(&path.to_string_lossy()));
                }
            }
            words.push(target.file.into());
            words.extend(profile.args.iter().cloned());
        }
        ComponentRole::Library => {
            words.extend(["--invoke".into(), "NAME(ARGS)".into(), target.file.into()]);
        }
    }
    let quoted: Vec<String> = words.iter().map(|w| quote(w)).collect();
    WasmtimeLine {
        command: format!("{prefix}{}", quoted.join(" ")),
        unexpressed,
    }
}

/// The line for one node of `project` with its effective grants (`node`), or for the project:
/// its one component, or its composition saved as `composition.wasm`, with the project's grants.
pub fn project_wasmtime_line(
    project: &Project,
    components: &NodeComponents,
    node: Option<&NodeId>,
) -> WasmtimeLine {
    let role_of = |id: &NodeId| {
        components
            .get(id)
            .map_or(ComponentRole::Library, |c| c.info.role)
    };
    let single = match node {
        Some(id) => project.node(id),
        None if project.nodes.len() == 1 => project.nodes.first(),
        None => None,
    };
    if let Some(single) = single {
        let file = single.component.to_string_lossy();
        let target = LineTarget {
            file: &file,
            role: role_of(&single.id),
            per_node_grants: false,
        };
        return wasmtime_line(target, super::effective(project, single), &project.limits);
    }
    // The composition exports what the nodes nothing reads from export.
    let outer: Vec<ComponentRole> = project
        .nodes
        .iter()
        .filter(|n| !project.wires.iter().any(|w| w.from.node == n.id))
        .map(|n| role_of(&n.id))
        .collect();
    let role = [ComponentRole::Command, ComponentRole::HttpProxy]
        .into_iter()
        .find(|role| outer.contains(role))
        .unwrap_or(ComponentRole::Library);
    let target = LineTarget {
        file: "composition.wasm",
        role,
        per_node_grants: project.nodes.iter().any(|n| n.capabilities.is_some()),
    };
    let mut line = wasmtime_line(target, &project.capabilities, &project.limits);
    line.unexpressed.insert(
        0,
        "wasmtime runs one component: save the composition (Compile, then Save composition) as \
         composition.wasm"
            .into(),
    );
    line
}

/// `word` quoted for a POSIX shell (by shlex), unchanged when it holds only characters no shell
/// treats specially — shlex quotes every `=`, which would make `-W timeout=2s` hard to read.
fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=,@%+".contains(c));
    if plain {
        return word.to_string();
    }
    shlex::try_quote(word).map_or_else(|_| format!("'{word}'"), |q| q.into_owned())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::run::{DirGrant, EnvVar, HttpGrant};

    #[test]
    fn a_command_line_carries_the_grants_and_says_what_it_cannot() {
        let profile = CapabilityProfile {
            env: vec![EnvVar {
                key: "NAME".into(),
                value: "a workshop".into(),
            }],
            args: vec!["--loud".into()],
            dirs: vec![DirGrant {
                host: PathBuf::from("/srv/data"),
                guest: "/data".into(),
                read_only: true,
            }],
            inherit_network: true,
            http: HttpGrant {
                allowed: true,
                hosts: vec!["example.com".into()],
            },
            ..CapabilityProfile::default()
        };
        let limits = Limits {
            timeout_ms: Some(2000),
            ..Limits::default()
        };
        let target = LineTarget {
            file: "app.wasm",
            role: ComponentRole::Command,
            per_node_grants: false,
        };
        let line = wasmtime_line(target, &profile, &limits);
        assert_eq!(
            line.command,
            "wasmtime run --env 'NAME=a workshop' --dir /srv/data::/data -S inherit-network \
             -S http -W timeout=2000ms -W max-memory-size=1073741824 -S inherit-stdin=n app.wasm \
             --loud"
        );
        assert_eq!(line.unexpressed.len(), 3, "{:?}", line.unexpressed);
        assert!(line.unexpressed[0].contains("read-only"));
        assert!(line.unexpressed[1].contains("example.com"));
        assert!(line.unexpressed[2].contains("every memory and table together"));

        let served = wasmtime_line(
            LineTarget {
                role: ComponentRole::HttpProxy,
                per_node_grants: true,
                ..target
            },
            &CapabilityProfile::default(),
            &Limits {
                max_memory_bytes: None,
                ..Limits::default()
            },
        );
        assert_eq!(
            served.command,
            "wasmtime serve -S cli --addr 127.0.0.1:8080 app.wasm"
        );
        assert_eq!(served.unexpressed.len(), 1);
        assert!(served.unexpressed[0].contains("grants of their own"));
    }
}
