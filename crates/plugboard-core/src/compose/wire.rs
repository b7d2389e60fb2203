//! The one rule for whether an export may be wired to an import, and the cycle check.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::graph::{Direction, Scratch, require_port};
use super::mismatch::{Mismatch, mismatch};
use super::{ComposeError, Composer, NodeComponents};
use crate::inspect::PortKind;
use crate::project::{Project, Wire, WireEnd};

/// The engine's answer to a proposed wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
#[ts(export)]
pub enum WireCheck {
    /// The wire may be added.
    Allowed,
    /// The wire may not be added, for this reason.
    Refused {
        /// Why, in a sentence a user can act on.
        reason: String,
        /// For an export whose type does not fit the import: both sides' WIT, and where they
        /// first differ.
        mismatch: Option<Mismatch>,
    },
}

impl WireCheck {
    /// Whether the wire is allowed.
    pub fn is_allowed(&self) -> bool {
        matches!(self, Self::Allowed)
    }
}

impl Composer {
    /// Whether a wire from export `from` to import `to` may be added to `project` as it stands:
    /// distinct nodes, existing ports of wireable kinds, a free import, no cycle, and a type the
    /// import accepts (wac-graph's subtype check, which also accepts semver-compatible names).
    pub fn check_wire(
        &mut self,
        project: &Project,
        components: &NodeComponents,
        from: &WireEnd,
        to: &WireEnd,
    ) -> WireCheck {
        match self.try_wire(project, components, from, to) {
            Ok(()) => WireCheck::Allowed,
            Err(Refusal::Other(reason)) => WireCheck::Refused {
                reason,
                mismatch: None,
            },
            Err(Refusal::Misfit(reason)) => {
                let import = require_port(components, &to.node, &to.port, Direction::Import);
                let export = require_port(components, &from.node, &from.port, Direction::Export);
                WireCheck::Refused {
                    reason,
                    mismatch: match (import, export) {
                        (Ok(import), Ok(export)) => Some(mismatch(import, export)),
                        _ => None,
                    },
                }
            }
        }
    }

    /// Checks every wire of `project` again, each as if it were being added to the project
    /// without it: after a component changed on disk, the wires that no longer fit come back
    /// refused, with the reason.
    pub fn recheck_wires(
        &mut self,
        project: &Project,
        components: &NodeComponents,
    ) -> Vec<(Wire, WireCheck)> {
        project
            .wires
            .iter()
            .enumerate()
            .map(|(index, wire)| {
                let mut others = project.clone();
                others.wires.remove(index);
                let verdict = self.check_wire(&others, components, &wire.from, &wire.to);
                (wire.clone(), verdict)
            })
            .collect()
    }

    fn try_wire(
        &mut self,
        project: &Project,
        components: &NodeComponents,
        from: &WireEnd,
        to: &WireEnd,
    ) -> Result<(), Refusal> {
        if from.node == to.node {
            return Err(format!("`{}` cannot be wired to itself", from.node).into());
        }
        let text = |e: ComposeError| Refusal::Other(e.to_string());
        let export =
            require_port(components, &from.node, &from.port, Direction::Export).map_err(text)?;
        let import =
            require_port(components, &to.node, &to.port, Direction::Import).map_err(text)?;
        if export.kind == PortKind::Type || import.kind == PortKind::Type {
            return Err(
                "types are not wired: only interfaces, functions and instances"
                    .to_string()
                    .into(),
            );
        }
        if let Some(existing) = project.wires.iter().find(|w| w.to == *to) {
            return Err(if existing.from == *from {
                "this wire already exists".to_string()
            } else {
                format!(
                    "import `{}` of `{}` is already wired from `{}`: delete that wire first",
                    to.port, to.node, existing.from.node
                )
            }
            .into());
        }
        if project.reaches(&to.node, &from.node) {
            return Err(format!(
                "this wire would make a cycle: `{}` already feeds `{}`",
                to.node, from.node
            )
            .into());
        }
        let (Some(from_component), Some(to_component)) =
            (components.get(&from.node), components.get(&to.node))
        else {
            return Err("unknown node".to_string().into());
        };
        let from_package = self.register(&from.node, from_component).map_err(text)?;
        let to_package = self.register(&to.node, to_component).map_err(text)?;
        let mut scratch = Scratch::new(&mut self.graph);
        let instances = HashMap::from([
            (
                from.node.clone(),
                scratch.instantiate(&from.node, from_package),
            ),
            (to.node.clone(), scratch.instantiate(&to.node, to_package)),
        ]);
        let wire = Wire {
            from: from.clone(),
            to: to.clone(),
        };
        scratch
            .connect(&wire, &instances, components)
            .map_err(|e| match e {
                ComposeError::Incompatible { reason, .. } => Refusal::Misfit(format!(
                    "`{}` does not fit `{}`: {reason}",
                    from.port, to.port
                )),
                other => Refusal::Other(other.to_string()),
            })
    }
}

/// Why a wire is refused: the export's type does not fit the import (then both sides are
/// compared), or anything else.
enum Refusal {
    Misfit(String),
    Other(String),
}

impl From<String> for Refusal {
    fn from(reason: String) -> Self {
        Self::Other(reason)
    }
}

/// Refuses projects whose wires form a cycle, naming the nodes on it.
pub(crate) fn check_acyclic(project: &Project) -> Result<(), ComposeError> {
    match project.wire_cycle() {
        Some(nodes) => Err(ComposeError::Cycle { nodes }),
        None => Ok(()),
    }
}
