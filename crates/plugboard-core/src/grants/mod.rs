//! One grant policy for every run mode.
//!
//! A node's *effective* grants are its own profile, or the project's when it has none
//! ([`effective`]). Every runner asks this module: a linked run gives each node its effective
//! grants; a fused run (one composed component, one set of grants) runs only when one profile
//! gives every node exactly its effective grants on everything it can reach
//! ([`fused_profile`]), and is refused otherwise, naming the nodes and grants that differ. No
//! mode ever hands one node another node's grants.
//!
//! A project opened from elsewhere asks before it gets anything: [`review`] lists what its
//! grants reach on the host (folders, a stdin file, the inherited environment, the network,
//! name lookup, HTTP), and [`ConsentStore`] remembers what the user accepted, per project file.

mod consent;
mod fused;
mod review;
mod wasmtime;

pub use consent::{ConsentError, ConsentStore};
pub use fused::{GrantDifference, GrantsDiffer, fused_profile};
pub use review::{GrantItem, GrantReview, GrantScope, ScopeRequest, review};
pub use wasmtime::{LineTarget, WasmtimeLine, project_wasmtime_line, wasmtime_line};

use std::collections::BTreeSet;

use crate::inspect::ComponentInfo;
use crate::project::{Node, Project};
use crate::run::{CapabilityProfile, CapabilityToggle};

/// The grants `node` runs with: its own profile, or the project's.
pub fn effective<'a>(project: &'a Project, node: &'a Node) -> &'a CapabilityProfile {
    node.capabilities.as_ref().unwrap_or(&project.capabilities)
}

/// The capabilities a component can exercise at all: those governing a WASI interface it
/// imports. A grant it cannot reach changes nothing it can do.
pub fn reachable(info: &ComponentInfo) -> BTreeSet<CapabilityToggle> {
    info.imports
        .iter()
        .filter_map(|port| crate::wasi::provided_by_host(&port.name).and_then(|h| h.toggle))
        .collect()
}

/// What `profile` grants under `toggle`, in a few words: `the network`, `no folders`,
/// `HTTP to a.test, b.test`.
pub fn describe(profile: &CapabilityProfile, toggle: CapabilityToggle) -> String {
    use crate::run::StdinSource;
    match toggle {
        CapabilityToggle::Env => {
            let mut parts = Vec::new();
            if profile.inherit_env {
                parts.push("the host's whole environment".to_string());
            }
            if !profile.env.is_empty() {
                let names: Vec<&str> = profile.env.iter().map(|v| v.key.as_str()).collect();
                parts.push(format!("variables {}", names.join(", ")));
            }
            if !profile.args.is_empty() {
                parts.push(format!("arguments {}", profile.args.join(" ")));
            }
            if parts.is_empty() {
                "no variables or arguments".to_string()
            } else {
                parts.join("; ")
            }
        }
        CapabilityToggle::Stdin => match &profile.stdin {
            StdinSource::None => "no stdin".to_string(),
            StdinSource::Text { text } => format!("stdin text ({} bytes)", text.len()),
            StdinSource::File { path } => format!("stdin from `{}`", path.display()),
        },
        CapabilityToggle::Dirs if profile.dirs.is_empty() => "no folders".to_string(),
        CapabilityToggle::Dirs => profile
            .dirs
            .iter()
            .map(|d| {
                let access = if d.read_only {
                    "read-only"
                } else {
                    "read-write"
                };
                format!("`{}` as {} ({access})", d.host.display(), d.guest)
            })
            .collect::<Vec<_>>()
            .join(", "),
        CapabilityToggle::InheritNetwork if profile.inherit_network => "the network".to_string(),
        CapabilityToggle::InheritNetwork => "no network".to_string(),
        CapabilityToggle::AllowIpNameLookup if profile.allow_ip_name_lookup => {
            "name lookup".to_string()
        }
        CapabilityToggle::AllowIpNameLookup => "no name lookup".to_string(),
        CapabilityToggle::Http if !profile.http.allowed => "no HTTP".to_string(),
        CapabilityToggle::Http if profile.http.hosts.is_empty() => "HTTP to any host".to_string(),
        CapabilityToggle::Http => format!("HTTP to {}", profile.http.hosts.join(", ")),
    }
}

/// Whether two profiles grant the same under `toggle`.
pub(crate) fn same_under(
    a: &CapabilityProfile,
    b: &CapabilityProfile,
    toggle: CapabilityToggle,
) -> bool {
    match toggle {
        CapabilityToggle::Env => {
            a.env == b.env && a.inherit_env == b.inherit_env && a.args == b.args
        }
        CapabilityToggle::Stdin => a.stdin == b.stdin,
        CapabilityToggle::Dirs => a.dirs == b.dirs,
        CapabilityToggle::InheritNetwork => a.inherit_network == b.inherit_network,
        CapabilityToggle::AllowIpNameLookup => a.allow_ip_name_lookup == b.allow_ip_name_lookup,
        CapabilityToggle::Http => a.http == b.http,
    }
}

/// Copies what `from` grants under `toggle` into `to`.
pub(crate) fn copy_under(
    to: &mut CapabilityProfile,
    from: &CapabilityProfile,
    toggle: CapabilityToggle,
) {
    match toggle {
        CapabilityToggle::Env => {
            to.env = from.env.clone();
            to.inherit_env = from.inherit_env;
            to.args = from.args.clone();
        }
        CapabilityToggle::Stdin => to.stdin = from.stdin.clone(),
        CapabilityToggle::Dirs => to.dirs = from.dirs.clone(),
        CapabilityToggle::InheritNetwork => to.inherit_network = from.inherit_network,
        CapabilityToggle::AllowIpNameLookup => to.allow_ip_name_lookup = from.allow_ip_name_lookup,
        CapabilityToggle::Http => to.http = from.http.clone(),
    }
}
