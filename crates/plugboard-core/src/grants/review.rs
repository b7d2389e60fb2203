//! What a project's grants reach on the host, listed for the user to accept before it runs.
//!
//! Only what reaches beyond the guest's own sandbox is listed: folders (and whether they may be
//! changed), a stdin file, the host's environment, the network, name lookup and outgoing HTTP.
//! Variables, arguments and stdin text are the project's own data and ask nothing.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::project::{NodeId, Project};
use crate::run::{CapabilityProfile, StdinSource};

/// Whose grants: the project's (what every node without grants of its own runs with), or one
/// node's own.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[ts(export)]
pub enum GrantScope {
    /// The project's grants.
    Project,
    /// One node's own grants.
    Node {
        /// The node.
        node: NodeId,
    },
}

/// One thing a project's grants reach on the host.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "kebab-case",
    rename_all_fields = "kebab-case"
)]
#[ts(export)]
pub enum GrantItem {
    /// A host folder, seen by the guest at `guest`.
    Folder {
        /// The folder on the host.
        #[ts(type = "string")]
        host: PathBuf,
        /// Where the guest sees it.
        guest: String,
        /// Whether the guest may create, change and delete files in it.
        read_write: bool,
    },
    /// A host file fed to stdin.
    StdinFile {
        /// The file.
        #[ts(type = "string")]
        path: PathBuf,
    },
    /// The host's whole environment (every variable of the process that runs it).
    InheritEnv,
    /// TCP and UDP to any address.
    Network,
    /// Name resolution.
    NameLookup,
    /// Outgoing HTTP to these hosts (any host when empty).
    Http {
        /// The allow-list.
        hosts: Vec<String>,
    },
}

impl GrantItem {
    /// Whether a command-line run refuses this grant from a project file unless told
    /// `--allow-project-grants`: it reads the host's secrets (the environment, a stdin file) or
    /// may change files outside the project's folder.
    pub fn is_sensitive(&self, project_dir: &Path) -> bool {
        match self {
            Self::InheritEnv | Self::StdinFile { .. } => true,
            Self::Folder {
                host, read_write, ..
            } => *read_write && !host.starts_with(project_dir),
            Self::Network | Self::NameLookup | Self::Http { .. } => false,
        }
    }
}

impl fmt::Display for GrantItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Folder {
                host,
                guest,
                read_write,
            } => {
                let access = if *read_write {
                    "read-write"
                } else {
                    "read-only"
                };
                write!(f, "the folder `{}` as {guest}, {access}", host.display())
            }
            Self::StdinFile { path } => write!(f, "the file `{}` as stdin", path.display()),
            Self::InheritEnv => f.write_str("every environment variable of the host"),
            Self::Network => f.write_str("the network (TCP and UDP to any address)"),
            Self::NameLookup => f.write_str("name lookup (DNS)"),
            Self::Http { hosts } if hosts.is_empty() => f.write_str("outgoing HTTP to any host"),
            Self::Http { hosts } => write!(f, "outgoing HTTP to {}", hosts.join(", ")),
        }
    }
}

/// What one scope's grants reach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ScopeRequest {
    /// Whose grants.
    pub scope: GrantScope,
    /// The nodes that run with them.
    pub nodes: Vec<NodeId>,
    /// What they reach.
    pub items: Vec<GrantItem>,
}

/// Everything a project's grants reach on the host, by scope; scopes that reach nothing (or
/// that no node runs with) are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GrantReview {
    /// By scope: the project's first, then each node with grants of its own.
    pub scopes: Vec<ScopeRequest>,
}

impl GrantReview {
    /// Whether the project asks for nothing beyond the defaults.
    pub fn is_empty(&self) -> bool {
        self.scopes.is_empty()
    }

    /// Each item with its scope, as [`crate::grants::ConsentStore`] remembers them.
    pub fn keys(&self) -> BTreeSet<String> {
        self.entries()
            .map(|(scope, item)| key(scope, item))
            .collect()
    }

    /// The review without what `accepted` holds: what is left to ask.
    pub fn without(&self, accepted: &BTreeSet<String>) -> Self {
        let scopes = self
            .scopes
            .iter()
            .filter_map(|request| {
                let items: Vec<GrantItem> = request
                    .items
                    .iter()
                    .filter(|item| !accepted.contains(&key(&request.scope, item)))
                    .cloned()
                    .collect();
                (!items.is_empty()).then(|| ScopeRequest {
                    items,
                    ..request.clone()
                })
            })
            .collect();
        Self { scopes }
    }

    /// Every item with its scope.
    pub fn entries(&self) -> impl Iterator<Item = (&GrantScope, &GrantItem)> {
        self.scopes
            .iter()
            .flat_map(|r| r.items.iter().map(move |item| (&r.scope, item)))
    }
}

/// How an accepted item is remembered: its scope and itself, as JSON (as Rust's debug text in
/// the one case JSON cannot hold, a path that is not UTF-8: still unique, never widened).
fn key(scope: &GrantScope, item: &GrantItem) -> String {
    let scope = serde_json::to_string(scope).unwrap_or_else(|_| format!("{scope:?}"));
    let item = serde_json::to_string(item).unwrap_or_else(|_| format!("{item:?}"));
    format!("{scope}|{item}")
}

/// What `project`'s grants reach on the host, by scope. Paths are listed as the project holds
/// them: make them absolute first ([`Project::with_absolute_paths`]) to show where they point.
pub fn review(project: &Project) -> GrantReview {
    let mut scopes = Vec::new();
    let inheriting: Vec<NodeId> = project
        .nodes
        .iter()
        .filter(|n| n.capabilities.is_none())
        .map(|n| n.id.clone())
        .collect();
    if !inheriting.is_empty() {
        scopes.push(ScopeRequest {
            scope: GrantScope::Project,
            nodes: inheriting,
            items: items(&project.capabilities),
        });
    }
    for node in &project.nodes {
        if let Some(profile) = &node.capabilities {
            scopes.push(ScopeRequest {
                scope: GrantScope::Node {
                    node: node.id.clone(),
                },
                nodes: vec![node.id.clone()],
                items: items(profile),
            });
        }
    }
    scopes.retain(|s| !s.items.is_empty());
    GrantReview { scopes }
}

/// What one profile reaches on the host.
fn items(profile: &CapabilityProfile) -> Vec<GrantItem> {
    let mut items: Vec<GrantItem> = profile
        .dirs
        .iter()
        .map(|d| GrantItem::Folder {
            host: d.host.clone(),
            guest: d.guest.clone(),
            read_write: !d.read_only,
        })
        .collect();
    if let StdinSource::File { path } = &profile.stdin {
        items.push(GrantItem::StdinFile { path: path.clone() });
    }
    if profile.inherit_env {
        items.push(GrantItem::InheritEnv);
    }
    if profile.inherit_network {
        items.push(GrantItem::Network);
    }
    if profile.allow_ip_name_lookup {
        items.push(GrantItem::NameLookup);
    }
    if profile.http.allowed {
        items.push(GrantItem::Http {
            hosts: profile.http.hosts.clone(),
        });
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(json: &str) -> Project {
        Project::from_json(json).expect("a project")
    }

    #[test]
    fn only_what_reaches_the_host_is_asked_for() {
        let p = project(
            r#"{"format": 2,
                "nodes": [{"id": "a", "component": "a.wasm"},
                          {"id": "b", "component": "b.wasm",
                           "capabilities": {"inherit-network": true, "env": [{"key": "K", "value": "v"}]}}],
                "capabilities": {"args": ["x"], "stdin": {"kind": "text", "text": "hi"},
                                 "dirs": [{"host": "/srv", "guest": "/data"}]}}"#,
        );
        let review = review(&p);
        assert_eq!(review.scopes.len(), 2);
        assert_eq!(review.scopes[0].scope, GrantScope::Project);
        assert_eq!(review.scopes[0].nodes, vec![NodeId::new("a")]);
        assert_eq!(
            review.scopes[0].items,
            vec![GrantItem::Folder {
                host: "/srv".into(),
                guest: "/data".into(),
                read_write: true
            }]
        );
        assert_eq!(review.scopes[1].items, vec![GrantItem::Network]);

        let accepted = review.keys();
        assert!(review.without(&accepted).is_empty());
        let mut fewer = accepted.clone();
        fewer.retain(|k| !k.contains("network"));
        let left = review.without(&fewer);
        assert_eq!(left.entries().count(), 1);
        assert_eq!(
            left.scopes[0].scope,
            GrantScope::Node {
                node: NodeId::new("b")
            }
        );
    }

    #[test]
    fn a_project_granting_nothing_asks_nothing() {
        let p = project(r#"{"format": 2, "nodes": [{"id": "a", "component": "a.wasm"}]}"#);
        assert!(review(&p).is_empty());
    }

    #[test]
    fn sensitive_grants_are_the_hosts_secrets_and_writes_outside_the_project() {
        let dir = Path::new("/home/me/project");
        let folder = |host: &str, read_write| GrantItem::Folder {
            host: host.into(),
            guest: "/d".into(),
            read_write,
        };
        assert!(GrantItem::InheritEnv.is_sensitive(dir));
        assert!(
            GrantItem::StdinFile {
                path: "/home/me/.ssh/id".into()
            }
            .is_sensitive(dir)
        );
        assert!(folder("/home/me", true).is_sensitive(dir));
        assert!(!folder("/home/me", false).is_sensitive(dir));
        assert!(!folder("/home/me/project/scratch", true).is_sensitive(dir));
        assert!(!GrantItem::Network.is_sensitive(dir));
    }
}
