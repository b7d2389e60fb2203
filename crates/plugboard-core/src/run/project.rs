//! Running a project: linked (each node compiled once, wired by the host) or fused (composed
//! into one component), with linked falling back to fused when a wire cannot be forwarded.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::context::Job;
use super::engine::{ComponentSource, Engines};
use super::events::RunEvent;
use super::linked::LinkPlan;
use super::queue::OutputPolicy;
use super::runtime::{Operation, RunHandle, RunRequest, Runtime, Swapper};
use super::stub::PlannedStub;
use crate::compose::{ComposeError, Composer, NodeComponents};
use crate::grants::{GrantsDiffer, fused_profile};
use crate::inspect::ComponentRole;
use crate::project::{ExportChoice, NodeId, Project};

/// How a project runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum RunMode {
    /// Each node compiled once and cached by its own hash, wired by the host at run time: a
    /// rewire runs again without compiling, and each node has its own grants.
    #[default]
    Linked,
    /// The project composed into one component (what Save and `plugboard compose` produce) and
    /// run with one set of grants: each node's own, which must agree on everything the nodes can
    /// reach (see [`crate::grants::fused_profile`]).
    Fused,
}

/// Why a project run could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The project had to be composed (a fused run) and cannot be.
    #[error(transparent)]
    Compose(#[from] ComposeError),
    /// A fused run would give some node grants other than its own.
    #[error("{}{differ}", fallback_text(.fallback))]
    Grants {
        /// Why it could not run linked, when a linked run was asked for.
        fallback: Option<String>,
        /// Which nodes differ, and how (said in this error's own message).
        differ: GrantsDiffer,
    },
    /// A fused run has one import where nodes had one each, and stubs answer it for some of
    /// them and not others, or answer differently.
    #[error(
        "{}the nodes {} share the import `{import}`, which a composition has only once, and are not answered alike by stubs: give them the same stub, or run linked",
        fallback_text(.fallback),
        crate::compose::path_text(.nodes)
    )]
    StubsDiffer {
        /// Why it could not run linked, when a linked run was asked for.
        fallback: Option<String>,
        /// The import.
        import: String,
        /// The nodes importing it.
        nodes: Vec<NodeId>,
    },
}

fn fallback_text(fallback: &Option<String>) -> String {
    match fallback {
        Some(reason) => format!("this project cannot run linked ({reason}), nor fused: "),
        None => String::new(),
    }
}

/// A project to run, invoke or serve.
#[derive(Debug)]
pub struct ProjectRun<'a> {
    /// The project.
    pub project: &'a Project,
    /// Its nodes' components.
    pub components: &'a NodeComponents,
    /// Linked or fused.
    pub mode: RunMode,
    /// What to do.
    pub operation: Operation,
    /// The node to run, serve or invoke; `None` chooses the one node that exports what the
    /// operation needs (a command's `wasi:cli/run`, a proxy's `wasi:http/incoming-handler`).
    pub root: Option<NodeId>,
    /// What happens to output the watcher cannot keep up with.
    pub output: OutputPolicy,
    /// Record every call across a wire ([`RunEvent::Call`]): linked runs only, since a fused
    /// run's calls never leave its one component.
    pub trace_calls: bool,
}

impl Runtime {
    /// Starts `run`. Linked runs that cannot be linked fall back to fused and say why first, in a
    /// [`RunEvent::LinkFallback`]; fused runs (asked for, or fallen back to) run only when every
    /// node keeps its own grants.
    ///
    /// # Errors
    /// [`StartError::Compose`] when the project has to be composed and cannot be;
    /// [`StartError::Grants`] when a fused run would change a node's grants.
    pub fn start_project(
        &self,
        composer: &mut Composer,
        run: ProjectRun<'_>,
    ) -> Result<RunHandle, StartError> {
        let (job, notices) = project_job(composer, &run, &self.engines)?;
        Ok(self.start_job(job, run.project.limits, run.output, run.operation, notices))
    }

    /// Gives the server `swapper` belongs to the project as `run` describes it now (hot reload):
    /// it prepares the new code while it goes on answering with the old, then answers new
    /// requests with the new code and the new grants, announced by [`RunEvent::Swapped`];
    /// requests in flight finish on the old. Code that cannot be prepared leaves the server as it
    /// was, with a [`RunEvent::SwapFailed`]. The server keeps the limits it started with.
    ///
    /// # Errors
    /// As [`Runtime::start_project`].
    pub fn swap_project(
        &self,
        swapper: &Swapper,
        composer: &mut Composer,
        run: ProjectRun<'_>,
    ) -> Result<(), StartError> {
        let (job, notices) = project_job(composer, &run, &self.engines)?;
        swapper.send(job, notices);
        Ok(())
    }
}

/// The job that runs `run` (linked, or composed when it is fused or cannot be linked), with the
/// events to announce before it.
fn project_job(
    composer: &mut Composer,
    run: &ProjectRun<'_>,
    engines: &Engines,
) -> Result<(Job, Vec<RunEvent>), StartError> {
    let project = run.project;
    let root = run
        .root
        .clone()
        .or_else(|| default_root(project, run.components, &run.operation));
    let mut notices = Vec::new();
    let mut fallback = None;
    if run.mode == RunMode::Linked
        && let Some(root) = &root
    {
        let planned = LinkPlan::new(project, run.components, root).and_then(|plan| {
            if plan
                .nodes
                .iter()
                .any(|node| engines.needs_async(&node.source))
            {
                plan.for_async_engine(project, run.components)
            } else {
                Ok(plan)
            }
        });
        match planned {
            Ok(plan) => {
                let plan = if run.trace_calls {
                    plan.tapped(project, run.components)
                } else {
                    plan
                };
                return Ok((Job::Linked(Arc::new(plan)), notices));
            }
            Err(reason) => fallback = Some(reason.to_string()),
        }
    }
    // One set of grants for the whole composition: each node's own, or no run at all.
    let capabilities =
        fused_profile(project, run.components).map_err(|differ| StartError::Grants {
            fallback: fallback.clone(),
            differ,
        })?;
    let stubs = fused_stubs(project, run.components).map_err(|(import, nodes)| {
        StartError::StubsDiffer {
            fallback: fallback.clone(),
            import,
            nodes,
        }
    })?;
    if let Some(reason) = fallback {
        notices.push(RunEvent::LinkFallback {
            reason,
            grants: "it runs as one composed component with one set of grants, and every node \
                     keeps its own: the nodes are granted the same on everything they can reach"
                .to_string(),
        });
    }
    // A fused run of a chosen node exports what that node exports.
    let fused_project;
    let project = match &run.root {
        Some(node) => {
            fused_project = exporting_only(project, run.components, node);
            &fused_project
        }
        None => project,
    };
    let composition = composer.compose(project, run.components)?;
    let request = RunRequest {
        // Composing hashed the bytes already.
        component: ComponentSource {
            name: project
                .title
                .clone()
                .unwrap_or_else(|| "composition.wasm".to_string()),
            bytes: composition.bytes.into(),
            sha256: composition.info.sha256,
        },
        capabilities,
        limits: project.limits,
        output: run.output,
    };
    Ok((Job::single_stubbed(&request, stubs), notices))
}

/// The stubs of a fused run, one per import (a composition imports each name once): refused,
/// with the import and the nodes importing it, when stubs answer some of those nodes and not
/// others, or answer differently.
fn fused_stubs(
    project: &Project,
    components: &NodeComponents,
) -> Result<Vec<PlannedStub>, (String, Vec<NodeId>)> {
    let mut stubs: Vec<PlannedStub> = Vec::new();
    for stub in &project.stubs {
        let import = &stub.answers.port;
        let importing: Vec<NodeId> = project
            .nodes
            .iter()
            .filter(|node| {
                components
                    .get(&node.id)
                    .is_some_and(|c| c.info.import(import).is_some())
                    && !project
                        .wires
                        .iter()
                        .any(|w| w.to.node == node.id && &w.to.port == import)
            })
            .map(|node| node.id.clone())
            .collect();
        let alike = importing.iter().all(|node| {
            project
                .stub_for(node, import)
                .is_some_and(|other| other.functions == stub.functions)
        });
        if !alike {
            return Err((import.clone(), importing));
        }
        if !stubs.iter().any(|s| &s.import == import) {
            stubs.push(PlannedStub::of(stub));
        }
    }
    Ok(stubs)
}

/// The one node that exports what the operation needs, among the nodes the composition would
/// export (the explicit exports' nodes, or every node that feeds no other).
fn default_root(
    project: &Project,
    components: &NodeComponents,
    operation: &Operation,
) -> Option<NodeId> {
    let exported: Vec<&NodeId> = if project.exports.is_empty() {
        project
            .nodes
            .iter()
            .filter(|n| !project.wires.iter().any(|w| w.from.node == n.id))
            .map(|n| &n.id)
            .collect()
    } else {
        project.exports.iter().map(|e| &e.node).collect()
    };
    let wanted = match operation {
        Operation::Run => Some(ComponentRole::Command),
        Operation::Serve { .. } => Some(ComponentRole::HttpProxy),
        Operation::Invoke { .. } | Operation::Session { .. } | Operation::Prepare => None,
    };
    let mut candidates: Vec<&NodeId> = exported
        .into_iter()
        .filter(|id| match wanted {
            Some(role) => components.get(*id).is_some_and(|c| c.info.role == role),
            None => true,
        })
        .collect();
    candidates.dedup();
    match candidates.as_slice() {
        [one] => Some((*one).clone()),
        _ => None,
    }
}

/// `project` exporting every export of `node`, and nothing else.
fn exporting_only(project: &Project, components: &NodeComponents, node: &NodeId) -> Project {
    let mut project = project.clone();
    project.exports = components
        .get(node)
        .map(|c| {
            c.info
                .exports
                .iter()
                .map(|port| ExportChoice {
                    node: node.clone(),
                    export: port.name.clone(),
                    rename: None,
                })
                .collect()
        })
        .unwrap_or_default();
    project
}
