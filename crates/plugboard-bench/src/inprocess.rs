//! In-process cases: what the window does on every edit, timed on the engine directly.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use plugboard_core::compose::{Composer, NodeComponents, load_components};
use plugboard_core::project::{Node, NodeId, Project, Wire, WireEnd};
use plugboard_core::run::{
    Operation, OutputPolicy, ProjectRun, RunEvent, RunMode, Runtime, RuntimeOptions,
};

use crate::cases::{Bench, InProcessRow};
use crate::floor::{Floor, Forwarding};
use crate::measure::Spread;

const SEED: &str = "example:stringoperations/operations@0.1.0";

pub fn run_all(bench: &mut Bench, plug_baseline: Option<(String, Duration)>) -> Result<()> {
    let provider = if bench.quick {
        "string-operations"
    } else {
        "py-stringops"
    };
    let (project, components) = two_providers(bench, "consumer-app", provider, &[])?;
    recompose(bench, &project, &components, provider, plug_baseline)?;
    rerun_after_rewire(bench, &project, &components, provider)?;
    calls_only(bench)?;
    stop_a_looping_request(bench)?;
    Ok(())
}

/// The calls across a wire only (see [`cross_node_calls`]).
pub fn calls_only(bench: &mut Bench) -> Result<()> {
    let calls = if bench.quick { "1000" } else { "100000" };
    let (project, components) = two_providers(bench, "call-loop", "string-operations", &[calls])?;
    cross_node_calls(bench, &project, &components, calls)
}

/// A consumer, two providers of the seed interface (the other one always the Rust sample), and
/// one wire from `provider` to the consumer.
fn two_providers(
    bench: &Bench,
    consumer: &str,
    provider: &str,
    args: &[&str],
) -> Result<(Project, NodeComponents)> {
    let mut project = Project::default();
    // Quick mode keeps to small inputs: the second provider is then another Rust instance.
    let alternative = match (provider, bench.quick) {
        ("string-operations", false) => "py-stringops",
        _ => "string-operations",
    };
    let nodes = [
        (consumer, consumer),
        (provider, provider),
        ("alternative", alternative),
    ];
    for (id, sample) in nodes {
        project.nodes.push(Node {
            id: NodeId::new(id),
            component: bench.sample(sample),
            sha256: None,
            position: Default::default(),
            capabilities: None,
            registry: None,
        });
    }
    project.capabilities.args = args.iter().map(|a| (*a).to_string()).collect();
    project.wires.push(wire(provider, consumer));
    project.exports = vec![plugboard_core::project::ExportChoice {
        node: NodeId::new(consumer),
        export: "wasi:cli/run@0.2.0".into(),
        rename: None,
    }];
    let components = load_components(&project, Path::new("/"))?;
    Ok((project, components))
}

fn wire(from: &str, to: &str) -> Wire {
    Wire {
        from: WireEnd {
            node: NodeId::new(from),
            port: SEED.into(),
        },
        to: WireEnd {
            node: NodeId::new(to),
            port: SEED.into(),
        },
    }
}

/// The other provider in the project (the one not wired).
fn other_provider(project: &Project, consumer: &str) -> Option<String> {
    let wired = &project.wires.first()?.from.node;
    project
        .nodes
        .iter()
        .map(|n| n.id.as_str())
        .find(|id| *id != consumer && id != &wired.as_str())
        .map(str::to_string)
}

/// Moves the consumer's wire to the other provider (or back).
fn rewire(project: &mut Project, consumer: &str) -> Result<()> {
    let other = other_provider(project, consumer).context("a second provider to rewire to")?;
    project.wires = vec![wire(&other, consumer)];
    Ok(())
}

/// Recomposing a loaded project after one wire change, against `wac plug` from scratch.
fn recompose(
    bench: &mut Bench,
    project: &Project,
    components: &NodeComponents,
    provider: &str,
    baseline: Option<(String, Duration)>,
) -> Result<()> {
    let mut project = project.clone();
    let mut composer = Composer::new();
    composer.compose(&project, components)?;
    let mut times = Vec::new();
    for _ in 0..bench.runs.max(3) {
        rewire(&mut project, "consumer-app")?;
        let started = Instant::now();
        composer.compose(&project, components)?;
        times.push(started.elapsed());
    }
    bench.inprocess.push(InProcessRow {
        case: "recompose after one wire change",
        input: format!("consumer-app + {provider}"),
        ours: Spread::of(times).context("no samples")?,
        baseline: baseline.map(|(tool, d)| (format!("{tool}, whole process"), d)),
        target: Some(0.1),
    });
    eprintln!("measured recompose");
    Ok(())
}

fn start(
    runtime: &Runtime,
    project: &Project,
    components: &NodeComponents,
    mode: RunMode,
) -> Result<Vec<RunEvent>> {
    start_tapped(runtime, project, components, mode, false)
}

/// [`start`], recording the calls across wires when `trace_calls` says so.
fn start_tapped(
    runtime: &Runtime,
    project: &Project,
    components: &NodeComponents,
    mode: RunMode,
    trace_calls: bool,
) -> Result<Vec<RunEvent>> {
    let handle = runtime.start_project(
        &mut Composer::new(),
        ProjectRun {
            project,
            components,
            mode,
            operation: Operation::Run,
            root: None,
            output: OutputPolicy::default(),
            trace_calls,
        },
    )?;
    let events = handle.collect_blocking();
    match events.last() {
        Some(RunEvent::Exited { code: 0 }) => Ok(events),
        other => bail!("the run did not succeed: {other:?}"),
    }
}

/// Re-running after a rewire: linked (nothing compiles) against fused from a cold cache (the
/// new composition's bytes have never been compiled).
fn rerun_after_rewire(
    bench: &mut Bench,
    project: &Project,
    components: &NodeComponents,
    provider: &str,
) -> Result<()> {
    let cache = tempfile::TempDir::new()?;
    let runtime = optimized_runtime(&cache)?;
    let mut project = project.clone();
    start(&runtime, &project, components, RunMode::Linked)?;
    let mut linked = Vec::new();
    let mut fused = Vec::new();
    for _ in 0..bench.runs.max(3) {
        rewire(&mut project, "consumer-app")?;
        let started = Instant::now();
        start(&runtime, &project, components, RunMode::Linked)?;
        linked.push(started.elapsed());
    }
    for _ in 0..bench.runs.max(1) {
        rewire(&mut project, "consumer-app")?;
        let cold = tempfile::TempDir::new()?;
        let fresh = optimized_runtime(&cold)?;
        let started = Instant::now();
        start(&fresh, &project, components, RunMode::Fused)?;
        fused.push(started.elapsed());
    }
    let fused = Spread::of(fused).context("no samples")?;
    bench.inprocess.push(InProcessRow {
        case: "re-run after one rewire: linked vs fused cold",
        input: format!("consumer-app + {provider}"),
        ours: Spread::of(linked).context("no samples")?,
        baseline: Some(("fused, compose + compile + run".to_string(), fused.median)),
        target: Some(0.01),
    });
    eprintln!("measured rerun after rewire");
    Ok(())
}

/// The cost of calls across a wire: the host forwards them when linked (with the wire tap off
/// and on), the fused component calls directly; and the forwarding cost of one call.
fn cross_node_calls(
    bench: &mut Bench,
    project: &Project,
    components: &NodeComponents,
    calls: &str,
) -> Result<()> {
    let cache = tempfile::TempDir::new()?;
    let runtime = optimized_runtime(&cache)?;
    let count: u32 = calls.parse()?;
    let mut idle = project.clone();
    idle.capabilities.args = vec!["0".to_string()];
    // Alternating the kinds of run, so the machine's noise falls on each alike.
    let kinds = [
        (RunMode::Linked, false),
        (RunMode::Linked, true),
        (RunMode::Fused, false),
    ];
    for (mode, tap) in kinds {
        start_tapped(&runtime, project, components, mode, tap)?;
    }
    let mut samples: [Rounds; 3] = Default::default();
    for _ in 0..bench.runs.max(5) {
        for (i, (mode, tap)) in kinds.into_iter().enumerate() {
            let timed = |project: &Project| -> Result<Duration> {
                let started = Instant::now();
                start_tapped(&runtime, project, components, mode, tap)?;
                Ok(started.elapsed())
            };
            samples[i].push(timed(project)?, timed(&idle)?);
        }
    }
    let [linked, tapped, fused] = samples;
    let fused_call = fused.per_call_median(count).context("no samples")?;
    let (linked_cost, tapped_cost) = (
        linked.per_call_above(count, fused_call),
        tapped.per_call_above(count, fused_call),
    );
    let linked = Spread::of(linked.loaded).context("no samples")?;
    bench.inprocess.push(InProcessRow {
        case: "calls across a wire: linked vs fused",
        input: format!("call-loop, {calls} calls"),
        ours: linked,
        baseline: Some((
            "fused".to_string(),
            Spread::of(fused.loaded).context("no samples")?.median,
        )),
        target: None,
    });
    bench.inprocess.push(InProcessRow {
        case: "calls across a wire: tapped vs untapped",
        input: format!("call-loop, {calls} calls, every call recorded"),
        ours: Spread::of(tapped.loaded).context("no samples")?,
        baseline: Some(("linked, untapped".to_string(), linked.median)),
        target: None,
    });
    for (case, cost) in [
        ("forwarding cost of one call (linked − fused)", linked_cost),
        ("forwarding cost of one tapped call", tapped_cost),
    ]
    .into_iter()
    .chain(wasmtime_floor(bench, project, components, count)?)
    {
        bench.inprocess.push(InProcessRow {
            case,
            input: format!("call-loop, {calls} calls and none"),
            ours: cost.context("no samples")?,
            baseline: None,
            target: None,
        });
    }
    eprintln!("measured cross-node calls");
    Ok(())
}

/// One kind of run, timed in rounds with the loop's calls and without any: the difference is
/// what the calls cost, free of what every run pays once (instantiating, composing).
#[derive(Default)]
struct Rounds {
    loaded: Vec<Duration>,
    idle: Vec<Duration>,
}

impl Rounds {
    fn push(&mut self, loaded: Duration, idle: Duration) {
        self.loaded.push(loaded);
        self.idle.push(idle);
    }

    /// Each round's time of one call.
    fn per_call(&self, count: u32) -> Vec<Duration> {
        self.loaded
            .iter()
            .zip(&self.idle)
            .map(|(loaded, idle)| loaded.saturating_sub(*idle) / count)
            .collect()
    }

    fn per_call_median(&self, count: u32) -> Option<Duration> {
        Spread::of(self.per_call(count)).map(|s| s.median)
    }

    /// Each round's time of one call beyond `baseline`'s.
    fn per_call_above(&self, count: u32, baseline: Duration) -> Option<Spread> {
        Spread::of(
            self.per_call(count)
                .into_iter()
                .map(|call| call.saturating_sub(baseline))
                .collect(),
        )
    }
}

/// The same calls forwarded by a bare wasmtime host (see [`crate::floor`]) in each of its ways,
/// against the bare host running the fused component: what wasmtime's public API charges for
/// one call before any of Plugboard's own work.
fn wasmtime_floor(
    bench: &Bench,
    project: &Project,
    components: &NodeComponents,
    count: u32,
) -> Result<[(&'static str, Option<Spread>); 3]> {
    let fused = Composer::new().compose(project, components)?.bytes;
    let floor = Floor::new(
        &bench.sample("call-loop"),
        &bench.sample("string-operations"),
        &fused,
    )
    .map_err(plain)?;
    let kinds = [
        Some(Forwarding::Dynamic),
        Some(Forwarding::Typed),
        Some(Forwarding::Synchronous),
        None,
    ];
    let time = |kind: Option<Forwarding>, calls: u32| match kind {
        Some(forwarding) => floor.linked(forwarding, calls),
        None => floor.fused(calls),
    };
    let mut samples: [Rounds; 4] = Default::default();
    for round in 0..=bench.runs.max(5) {
        for (rounds, kind) in samples.iter_mut().zip(kinds) {
            let loaded = time(kind, count).map_err(plain)?;
            let idle = time(kind, 0).map_err(plain)?;
            // The first round warms up.
            if round > 0 {
                rounds.push(loaded, idle);
            }
        }
    }
    let [dynamic, typed, synchronous, fused] = samples;
    let fused = fused.per_call_median(count).context("no samples")?;
    Ok([
        (
            "wasmtime's floor: a bare host forwarding with values (Val)",
            dynamic.per_call_above(count, fused),
        ),
        (
            "wasmtime's floor: a bare host forwarding typed ((String,) -> (u32,))",
            typed.per_call_above(count, fused),
        ),
        (
            "wasmtime's floor: a bare synchronous store forwarding with values",
            synchronous.per_call_above(count, fused),
        ),
    ])
}

/// wasmtime's own error as this harness's (it is not a `std::error::Error`).
fn plain(error: wasmtime::Error) -> anyhow::Error {
    anyhow::anyhow!(
        "{}",
        error
            .chain()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(": ")
    )
}

/// How long Stop takes to end a server whose one request spins forever in its handler: from
/// Stop to the server's last event, every request's store gone (reported, never asserted).
fn stop_a_looping_request(bench: &mut Bench) -> Result<()> {
    use std::io::{Read, Write};
    let cache = tempfile::TempDir::new()?;
    let runtime = optimized_runtime(&cache)?;
    let source =
        plugboard_core::run::ComponentSource::from_file(&bench.sample("hostile-proxy-loop"))?;
    let mut times = Vec::new();
    for _ in 0..bench.runs.max(3) {
        let request = plugboard_core::run::RunRequest::new(source.clone());
        let mut handle = runtime.serve(request, "127.0.0.1:0".parse()?);
        let address = loop {
            match handle.next_blocking() {
                Some(RunEvent::Serving { address }) => break address,
                Some(RunEvent::Failed { message, .. }) => bail!("cannot serve: {message}"),
                Some(_) => {}
                None => bail!("the server ended before serving"),
            }
        };
        let client = std::thread::spawn(move || -> std::io::Result<()> {
            let mut stream = std::net::TcpStream::connect(&address)?;
            write!(stream, "GET /loop HTTP/1.1\r\nhost: {address}\r\n\r\n")?;
            // Ends when the server stops and closes the connection.
            let _ = stream.read_to_end(&mut Vec::new());
            Ok(())
        });
        loop {
            match handle.next_blocking() {
                Some(RunEvent::Request { .. }) => break,
                Some(_) => {}
                None => bail!("the server ended before the request arrived"),
            }
        }
        let started = Instant::now();
        handle.stop();
        while handle.next_blocking().is_some() {}
        times.push(started.elapsed());
        let _ = client.join();
    }
    bench.inprocess.push(InProcessRow {
        case: "Stop a server whose request loops forever",
        input: "hostile-proxy-loop, one request in flight".to_string(),
        ours: Spread::of(times).context("no samples")?,
        baseline: None,
        target: None,
    });
    eprintln!("measured stopping a looping request");
    Ok(())
}

/// A runtime compiling optimized code only, with its compile cache in `cache`.
fn optimized_runtime(cache: &tempfile::TempDir) -> Result<Runtime> {
    Ok(Runtime::new(RuntimeOptions {
        cache_dir: Some(cache.path().to_path_buf()),
        quick_first: false,
    })?)
}
