//! The standard worlds a component is run in — `wasi:cli/command` (run like a program) and
//! `wasi:http/proxy` (served; `wasi:http/service` in WASI 0.3) — and whether a component fits
//! the one its exports point to: what it imports beyond that world must come from somewhere
//! else (another node, or a host that offers more than the world). The node badge and the
//! composition's badge say it; `wasmtime run` and `wasmtime serve` accept exactly these worlds.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::inspect::{ComponentInfo, ComponentRole};

/// How a component fits the standard world its exports point to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WorldFit {
    /// `wasi:cli/command`, `wasi:http/proxy` or `wasi:http/service`.
    pub world: String,
    /// The WASI release of the world: `0.2` or `0.3`.
    pub release: String,
    /// Whether it imports nothing beyond the world (so `wasmtime run`/`serve` take it as is).
    pub conforms: bool,
    /// Its imports the world does not include, in order.
    pub extra: Vec<String>,
}

/// The interfaces (`package/interface`, any version) a world lets a component import.
struct World {
    name: &'static str,
    release: &'static str,
    /// The export that makes a component one of this world.
    export: &'static str,
    /// Imports allowed: a whole package (`wasi:cli`) or one interface (`wasi:cli/stdout`).
    imports: &'static [&'static str],
}

const WORLDS: &[World] = &[
    World {
        name: "wasi:cli/command",
        release: "0.2",
        export: "wasi:cli/run@0.2",
        imports: &[
            "wasi:cli",
            "wasi:clocks",
            "wasi:filesystem",
            "wasi:io",
            "wasi:random",
            "wasi:sockets",
        ],
    },
    World {
        name: "wasi:http/proxy",
        release: "0.2",
        export: "wasi:http/incoming-handler@0.2",
        imports: &[
            "wasi:http/types",
            "wasi:http/outgoing-handler",
            "wasi:io",
            "wasi:clocks",
            "wasi:random",
            "wasi:cli/stdout",
            "wasi:cli/stderr",
            "wasi:cli/stdin",
        ],
    },
    World {
        name: "wasi:cli/command",
        release: "0.3",
        export: "wasi:cli/run@0.3",
        imports: &[
            "wasi:cli",
            "wasi:clocks",
            "wasi:filesystem",
            "wasi:random",
            "wasi:sockets",
        ],
    },
    World {
        name: "wasi:http/service",
        release: "0.3",
        export: "wasi:http/handler@0.3",
        imports: &[
            "wasi:http/types",
            "wasi:http/client",
            "wasi:clocks",
            "wasi:random",
            "wasi:cli/stdout",
            "wasi:cli/stderr",
            "wasi:cli/stdin",
        ],
    },
];

/// How `info` fits the world its exports point to; `None` for a library (it exports neither
/// `wasi:cli/run` nor an HTTP handler, so no standard world runs it).
pub fn world_fit(info: &ComponentInfo) -> Option<WorldFit> {
    if info.role == ComponentRole::Library {
        return None;
    }
    let world = WORLDS
        .iter()
        .find(|w| info.exports.iter().any(|p| p.name.starts_with(w.export)))?;
    let extra: Vec<String> = info
        .imports
        .iter()
        .map(|port| port.name.clone())
        .filter(|name| !allowed(world, name))
        .collect();
    Some(WorldFit {
        world: world.name.to_string(),
        release: world.release.to_string(),
        conforms: extra.is_empty(),
        extra,
    })
}

/// Whether `world` lets a component import `name` (`wasi:cli/stdout@0.2.6`).
fn allowed(world: &World, name: &str) -> bool {
    let unversioned = name.split('@').next().unwrap_or(name);
    let package = unversioned.split('/').next().unwrap_or(unversioned);
    let release = name
        .split_once('@')
        .map(|(_, version)| version.starts_with(world.release))
        .unwrap_or(false);
    release
        && world
            .imports
            .iter()
            .any(|i| *i == unversioned || *i == package)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world(name: &str, release: &str) -> &'static World {
        WORLDS
            .iter()
            .find(|w| w.name == name && w.release == release)
            .expect("a world")
    }

    #[test]
    fn imports_fit_a_world_by_package_or_interface_and_release() {
        let command = world("wasi:cli/command", "0.2");
        assert!(allowed(command, "wasi:cli/stdout@0.2.6"));
        assert!(allowed(command, "wasi:sockets/tcp@0.2.12"));
        assert!(!allowed(command, "wasi:http/outgoing-handler@0.2.6"));
        assert!(!allowed(command, "wasi:cli/stdout@0.3.0"));
        assert!(!allowed(command, "example:logger/log@0.1.0"));
        let proxy = world("wasi:http/proxy", "0.2");
        assert!(allowed(proxy, "wasi:http/outgoing-handler@0.2.0"));
        assert!(allowed(proxy, "wasi:cli/stderr@0.2.0"));
        assert!(!allowed(proxy, "wasi:filesystem/preopens@0.2.0"));
        assert!(!allowed(proxy, "wasi:cli/environment@0.2.0"));
    }
}
