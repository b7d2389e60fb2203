//! The one profile a fused run may use.
//!
//! A fused run is one component with one WASI context: every node's WASI calls are served with
//! the same grants. That honours each node's own grants only when, for every capability, the
//! nodes that can reach it (they import an interface it governs) are granted the same. Then the
//! fused profile takes each capability from the nodes that reach it, and denies the ones none
//! reaches; otherwise the run is refused, naming who differs and how.

use super::{copy_under, describe, effective, reachable, same_under};
use crate::compose::NodeComponents;
use crate::project::{NodeId, Project};
use crate::run::{CapabilityProfile, CapabilityToggle};

/// Why a project cannot run fused: nodes that reach a capability are granted it differently,
/// so one set of grants would widen some node's (or narrow another's).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "a fused run gives the whole composition one set of grants, but its nodes are granted differently: {}. Fused, one node would run with another's grants: run the project linked (each node keeps its own grants), or give these nodes the same grants",
    list(.differences)
)]
pub struct GrantsDiffer {
    /// Each capability the nodes differ on, in the order the window lists them.
    pub differences: Vec<GrantDifference>,
}

/// One capability that nodes reaching it are granted differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantDifference {
    /// The capability.
    pub toggle: CapabilityToggle,
    /// Each node that reaches it, with what it is granted.
    pub nodes: Vec<(NodeId, String)>,
}

impl GrantsDiffer {
    /// Every node named, once, in order.
    pub fn nodes(&self) -> Vec<&NodeId> {
        let mut nodes: Vec<&NodeId> = Vec::new();
        for (node, _) in self.differences.iter().flat_map(|d| &d.nodes) {
            if !nodes.contains(&node) {
                nodes.push(node);
            }
        }
        nodes
    }
}

fn toggle_name(toggle: CapabilityToggle) -> &'static str {
    match toggle {
        CapabilityToggle::Env => "environment variables and arguments",
        CapabilityToggle::Stdin => "stdin",
        CapabilityToggle::Dirs => "folders",
        CapabilityToggle::InheritNetwork => "the network",
        CapabilityToggle::AllowIpNameLookup => "name lookup",
        CapabilityToggle::Http => "outgoing HTTP",
    }
}

fn list(differences: &[GrantDifference]) -> String {
    differences
        .iter()
        .map(|d| {
            let nodes = d
                .nodes
                .iter()
                .map(|(node, grant)| format!("`{node}` has {grant}"))
                .collect::<Vec<_>>()
                .join("; ");
            format!("{} ({nodes})", toggle_name(d.toggle))
        })
        .collect::<Vec<_>>()
        .join(", and ")
}

/// The profile a fused run of `project` must use so that every node gets exactly its own
/// effective grants on everything it can reach.
///
/// # Errors
/// [`GrantsDiffer`] listing every capability nodes reaching it are granted differently.
pub fn fused_profile(
    project: &Project,
    components: &NodeComponents,
) -> Result<CapabilityProfile, GrantsDiffer> {
    let reaching: Vec<_> = project
        .nodes
        .iter()
        .map(|node| {
            let toggles = components
                .get(&node.id)
                .map(|c| reachable(&c.info))
                .unwrap_or_default();
            (node, toggles)
        })
        .collect();
    let mut fused = CapabilityProfile::default();
    let mut differences = Vec::new();
    for toggle in CapabilityToggle::ALL {
        let granted: Vec<(&NodeId, &CapabilityProfile)> = reaching
            .iter()
            .filter(|(_, toggles)| toggles.contains(&toggle))
            .map(|(node, _)| (&node.id, effective(project, node)))
            .collect();
        let Some((_, first)) = granted.first() else {
            continue;
        };
        if granted.iter().any(|(_, p)| !same_under(first, p, toggle)) {
            differences.push(GrantDifference {
                toggle,
                nodes: granted
                    .iter()
                    .map(|(id, p)| ((*id).clone(), describe(p, toggle)))
                    .collect(),
            });
        }
        copy_under(&mut fused, first, toggle);
    }
    if differences.is_empty() {
        Ok(fused)
    } else {
        Err(GrantsDiffer { differences })
    }
}
