//! What changed between two inspections of a component (a file rebuilt on disk, say).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::model::{ComponentInfo, Port};

/// The ports that were added, removed or changed, on each side.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ComponentDiff {
    /// Changes among the imports.
    pub imports: Vec<PortChange>,
    /// Changes among the exports.
    pub exports: Vec<PortChange>,
}

impl ComponentDiff {
    /// Whether nothing a wire depends on changed.
    pub fn is_empty(&self) -> bool {
        self.imports.is_empty() && self.exports.is_empty()
    }
}

/// One port that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PortChange {
    /// The port's full name.
    pub port: String,
    /// Added, removed or changed.
    pub change: ChangeKind,
    /// For a changed port, each difference in a sentence (`` `reverse`: `…` → `…` ``).
    pub details: Vec<String>,
}

/// How a port changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum ChangeKind {
    /// The port is new.
    Added,
    /// The port is gone.
    Removed,
    /// The port is there with other functions or types.
    Changed,
}

/// Compares two inspections port by port: functions by signature, types by definition.
pub fn diff(old: &ComponentInfo, new: &ComponentInfo) -> ComponentDiff {
    ComponentDiff {
        imports: diff_ports(&old.imports, &new.imports),
        exports: diff_ports(&old.exports, &new.exports),
    }
}

fn diff_ports(old: &[Port], new: &[Port]) -> Vec<PortChange> {
    let mut changes = Vec::new();
    for before in old {
        match new.iter().find(|p| p.name == before.name) {
            None => changes.push(PortChange {
                port: before.name.clone(),
                change: ChangeKind::Removed,
                details: Vec::new(),
            }),
            Some(after) => {
                let details = port_details(before, after);
                if !details.is_empty() {
                    changes.push(PortChange {
                        port: before.name.clone(),
                        change: ChangeKind::Changed,
                        details,
                    });
                }
            }
        }
    }
    for after in new.iter().filter(|p| !old.iter().any(|o| o.name == p.name)) {
        changes.push(PortChange {
            port: after.name.clone(),
            change: ChangeKind::Added,
            details: Vec::new(),
        });
    }
    changes
}

/// Each difference between two versions of one port.
fn port_details(before: &Port, after: &Port) -> Vec<String> {
    let mut details = Vec::new();
    for function in &before.functions {
        match after.functions.iter().find(|f| f.name == function.name) {
            None => details.push(format!("function `{}` removed", function.name)),
            Some(now) if now.signature != function.signature => {
                details.push(format!("`{}` → `{}`", function.signature, now.signature))
            }
            Some(_) => {}
        }
    }
    for function in after
        .functions
        .iter()
        .filter(|f| !before.functions.iter().any(|b| b.name == f.name))
    {
        details.push(format!("function `{}` added", function.signature));
    }
    for ty in &before.types {
        match after.types.iter().find(|t| t.name == ty.name) {
            None => details.push(format!("type `{}` removed", ty.name)),
            Some(now) if now.definition != ty.definition => {
                details.push(format!("type `{}` changed", ty.name))
            }
            Some(_) => {}
        }
    }
    for ty in after
        .types
        .iter()
        .filter(|t| !before.types.iter().any(|b| b.name == t.name))
    {
        details.push(format!("type `{}` added", ty.name));
    }
    details
}
