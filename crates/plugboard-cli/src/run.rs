//! `plugboard run`, `plugboard invoke` and `plugboard serve`.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::stubs::StubOption;
use crate::trace::CallSink;
use anyhow::{Context, Result, bail};
use clap::Args;
use plugboard_core::compose::{Composer, NodeComponents, load_components};
use plugboard_core::grants::{self, GrantScope};
use plugboard_core::project::{Node, NodeId, Position, Project, parent_dir};
use plugboard_core::run::{
    CapabilityProfile, ComponentSource, DirGrant, EnvVar, HttpGrant, Limits, Operation,
    OutputPolicy, ProjectRun, RunEvent, RunHandle, RunMode, RunRequest, Runtime, RuntimeOptions,
    SessionCalls, StdinSource, parse_duration, parse_size,
};

/// What the host grants, and the limits: shared by run, invoke and serve. Names follow
/// `wasmtime run`.
#[derive(Args, Debug, Default)]
pub struct Grants {
    /// Grant a host directory: HOST::GUEST, HOST::GUEST:ro (read-only), or HOST (same path).
    #[arg(long = "dir", value_name = "HOST::GUEST[:ro]")]
    dirs: Vec<String>,
    /// Set an environment variable (repeatable).
    #[arg(long = "env", value_name = "KEY=VALUE")]
    env: Vec<String>,
    /// Pass the whole host environment.
    #[arg(long)]
    inherit_env: bool,
    /// Grant a WASI capability: inherit-network, allow-ip-name-lookup, http, or
    /// http=HOST[,HOST…] (outgoing HTTP to those hosts only).
    #[arg(short = 'S', value_name = "CAPABILITY")]
    capabilities: Vec<String>,
    /// Feed this file to the guest's stdin.
    #[arg(long, value_name = "FILE")]
    stdin: Option<PathBuf>,
    /// Stop the run after this long (5s, 250ms, 2m); a server stops each request after it.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    timeout: Option<std::time::Duration>,
    /// The most guest memory the run may hold: every memory and table of every node together
    /// (256MiB, 1GiB; MB and GB are powers of 1000). Default 1GiB.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    max_memory: Option<u64>,
    /// Stop after this much fuel (≈ wasm instructions).
    #[arg(long, value_name = "UNITS")]
    fuel: Option<u64>,
    /// Also show the capability attempts that were allowed (denied ones are always shown).
    #[arg(short, long)]
    verbose: bool,
    /// Answer an import nobody provides with the values in a JSON file, such as
    /// `{"word-count": {"returns": "7"}, "reverse": {"traps": "not yet"}}` (repeatable; IMPORT
    /// in full or without its version). The run is then linked, and the stub's calls traced.
    #[arg(long = "stub", value_name = "IMPORT=FILE.json")]
    stubs: Vec<String>,
    /// Run a project whose own grants read the host's environment or a host file as stdin, or
    /// may change a folder outside the project's own (refused without this).
    #[arg(long)]
    allow_project_grants: bool,
}

impl Grants {
    /// Adds these grants to `profile` (a project's), and applies these limits over `limits`.
    fn apply(&self, profile: &mut CapabilityProfile, limits: &mut Limits) -> Result<()> {
        for dir in &self.dirs {
            profile.dirs.push(parse_dir(dir)?);
        }
        for pair in &self.env {
            let (key, value) = pair
                .split_once('=')
                .with_context(|| format!("--env `{pair}` must be KEY=VALUE"))?;
            profile.env.push(EnvVar {
                key: key.to_string(),
                value: value.to_string(),
            });
        }
        profile.inherit_env |= self.inherit_env;
        for capability in &self.capabilities {
            match capability.split_once('=') {
                None if capability == "inherit-network" => profile.inherit_network = true,
                None if capability == "allow-ip-name-lookup" => profile.allow_ip_name_lookup = true,
                None if capability == "http" => profile.http.allowed = true,
                Some(("http", hosts)) => {
                    profile.http.allowed = true;
                    for host in hosts.split(',').map(str::trim) {
                        HttpGrant::check_host(host)?;
                        profile.http.hosts.push(host.to_string());
                    }
                }
                _ => bail!(
                    "unknown capability `-S {capability}`: use inherit-network, \
                     allow-ip-name-lookup, http or http=HOST,…"
                ),
            }
        }
        if let Some(path) = &self.stdin {
            profile.stdin = StdinSource::File { path: path.clone() };
        }
        if let Some(timeout) = self.timeout {
            limits.timeout_ms = Some(timeout.as_millis() as u64);
        }
        if self.max_memory.is_some() {
            limits.max_memory_bytes = self.max_memory;
        }
        if self.fuel.is_some() {
            limits.fuel = self.fuel;
        }
        Ok(())
    }
}

/// `HOST::GUEST[:ro]` or `HOST`.
fn parse_dir(text: &str) -> Result<DirGrant> {
    let (spec, read_only) = match text.strip_suffix(":ro") {
        Some(spec) => (spec, true),
        None => (text, false),
    };
    let (host, guest) = match spec.split_once("::") {
        Some((host, guest)) => (host, guest),
        None => (spec, spec),
    };
    if host.is_empty() || guest.is_empty() {
        bail!("--dir `{text}` must be HOST::GUEST, HOST::GUEST:ro or HOST");
    }
    Ok(DirGrant {
        host: PathBuf::from(host),
        guest: guest.to_string(),
        read_only,
    })
}

/// What `run`, `invoke` and `serve` act on: one component, or a project (linked by default).
enum Target {
    Component(RunRequest),
    Project {
        project: Project,
        components: NodeComponents,
        mode: RunMode,
    },
}

/// Loads a component file or a project, with `grants` added to what the project grants (to
/// its default profile and to every node's own) and `args` appended.
fn load(path: &Path, grants: &Grants, args: &[String], fused: bool) -> Result<Target> {
    let stubs = grants
        .stubs
        .iter()
        .map(|text| StubOption::parse(text))
        .collect::<Result<Vec<_>>>()?;
    if !is_project(path) && !stubs.is_empty() {
        return load_stubbed_component(path, grants, args, fused, &stubs);
    }
    if !is_project(path) {
        let mut request = RunRequest::new(ComponentSource::from_file(path)?);
        grants.apply(&mut request.capabilities, &mut request.limits)?;
        request.capabilities.args.extend(args.iter().cloned());
        request.output = cli_output();
        return Ok(Target::Component(request));
    }
    let (mut project, project_dir) = crate::registry::open_project(path)?;
    check_project_grants(&project, &project_dir, grants.allow_project_grants)?;
    let components = load_components(&project, &project_dir)?;
    crate::stubs::add_to(&mut project, &components, &stubs)?;
    grants.apply(&mut project.capabilities, &mut project.limits)?;
    project.capabilities.args.extend(args.iter().cloned());
    for node in &mut project.nodes {
        if let Some(profile) = &mut node.capabilities {
            grants.apply(profile, &mut Limits::default())?;
            profile.args.extend(args.iter().cloned());
        }
    }
    Ok(Target::Project {
        project,
        components,
        mode: mode_of(fused),
    })
}

fn mode_of(fused: bool) -> RunMode {
    if fused {
        RunMode::Fused
    } else {
        RunMode::Linked
    }
}

/// A component whose imports `stubs` answer, as a project of one node (so it runs linked,
/// its stubs' calls traced like a wire's).
fn load_stubbed_component(
    path: &Path,
    grants: &Grants,
    args: &[String],
    fused: bool,
    stubs: &[StubOption],
) -> Result<Target> {
    let absolute = std::path::absolute(path)
        .with_context(|| format!("cannot resolve `{}`", path.display()))?;
    let id = absolute
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_else(|| "component".to_string());
    let mut project = Project::default();
    project.nodes.push(Node {
        id: NodeId::new(id),
        component: absolute.clone(),
        sha256: None,
        position: Position::default(),
        capabilities: None,
        registry: None,
    });
    let components = load_components(&project, &parent_dir(&absolute))?;
    crate::stubs::add_to(&mut project, &components, stubs)?;
    grants.apply(&mut project.capabilities, &mut project.limits)?;
    project.capabilities.args.extend(args.iter().cloned());
    Ok(Target::Project {
        project,
        components,
        mode: mode_of(fused),
    })
}

/// Prints what the project's own grants reach on the host, and refuses the sensitive ones (the
/// host's environment, a stdin file, a folder outside the project's that may be changed) unless
/// `allowed`: a project file from elsewhere must not get them silently.
fn check_project_grants(project: &Project, project_dir: &Path, allowed: bool) -> Result<()> {
    let review = grants::review(project);
    if review.is_empty() {
        return Ok(());
    }
    eprintln!("plugboard: the project grants:");
    for request in &review.scopes {
        let whom = match &request.scope {
            GrantScope::Project => format!(
                "nodes without grants of their own ({})",
                request
                    .nodes
                    .iter()
                    .map(|n| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            GrantScope::Node { node } => format!("node `{node}`"),
        };
        for item in &request.items {
            eprintln!("  {whom}: {item}");
        }
    }
    if allowed {
        return Ok(());
    }
    if let Some((scope, item)) = review
        .entries()
        .find(|(_, item)| item.is_sensitive(project_dir))
    {
        let whom = match scope {
            GrantScope::Project => "the project".to_string(),
            GrantScope::Node { node } => format!("node `{node}`"),
        };
        bail!(
            "the project file grants {whom} {item}: refused, since a project from elsewhere must \
             not read the host's secrets or change files outside its folder unnoticed. Pass \
             --allow-project-grants to run it as it is, or grant this yourself on the command line"
        );
    }
    Ok(())
}

/// Like `wasmtime run`: output is never dropped, the guest waits for a slow pipe.
fn cli_output() -> OutputPolicy {
    OutputPolicy::Backpressure { cap: 1 << 20 }
}

fn is_project(path: &Path) -> bool {
    path.to_string_lossy().ends_with(".json")
}

/// Starts `operation` on the target and follows it to the end, tracing the calls across its
/// wires into `calls` when given.
fn start(
    target: Target,
    operation: Operation,
    verbose: bool,
    calls: Option<CallSink>,
) -> Result<u8> {
    if calls.is_some() && !matches!(target, Target::Project { .. }) {
        eprintln!("plugboard: --trace-calls: a single component has no wires to trace");
    }
    let runtime = Runtime::new(RuntimeOptions::with_default_cache())?;
    let handle = match target {
        Target::Component(request) => match operation {
            Operation::Run => runtime.run(request),
            Operation::Invoke { call } => runtime.invoke(request, call),
            Operation::Session { lines } => runtime.session(request, lines),
            Operation::Serve { address } => runtime.serve(request, address),
            Operation::Prepare => runtime.precompile(request.component),
        },
        Target::Project {
            project,
            components,
            mode,
        } => runtime.start_project(
            &mut Composer::new(),
            ProjectRun {
                project: &project,
                components: &components,
                mode,
                operation,
                root: None,
                output: cli_output(),
                trace_calls: calls.is_some(),
            },
        )?,
    };
    let over = stop_on_ctrl_c(&handle)?;
    let code = follow(handle, verbose, calls);
    over.store(true, Ordering::Relaxed);
    crate::optimize::hand_off(&runtime);
    Ok(code)
}

pub fn run(
    path: &Path,
    grants: &Grants,
    args: &[String],
    fused: bool,
    trace: Option<&Path>,
) -> Result<u8> {
    let calls = trace.map(CallSink::open).transpose()?;
    start(
        load(path, grants, args, fused)?,
        Operation::Run,
        grants.verbose,
        calls,
    )
}

pub fn invoke(path: &Path, call: &str, grants: &Grants, fused: bool) -> Result<u8> {
    let operation = Operation::Invoke {
        call: call.to_string(),
    };
    start(
        load(path, grants, &[], fused)?,
        operation,
        grants.verbose,
        None,
    )
}

/// The longest line a session reads: a longer one ends the session (stdin may be endless).
const SESSION_LINE_BYTES: u64 = 1 << 20;

/// An invoke session on the component or project at `path`, one WAVE call per line of stdin.
pub fn session(path: &Path, grants: &Grants, fused: bool) -> Result<u8> {
    let target = load(path, grants, &[], fused)?;
    let (calls, lines) = SessionCalls::channel();
    std::thread::spawn(move || send_stdin_lines(&calls));
    start(target, Operation::Session { lines }, grants.verbose, None)
}

/// Sends stdin to the session line by line; the session closes when stdin ends.
fn send_stdin_lines(calls: &SessionCalls) {
    use std::io::{BufRead, Read};
    let mut stdin = std::io::stdin().lock();
    loop {
        let mut line = Vec::new();
        match (&mut stdin)
            .take(SESSION_LINE_BYTES)
            .read_until(b'\n', &mut line)
        {
            Ok(0) => return,
            Ok(_) if line.last() != Some(&b'\n') && line.len() as u64 == SESSION_LINE_BYTES => {
                eprintln!("plugboard: a line of stdin is longer than 1 MiB: the session ends");
                return;
            }
            Ok(_) => {
                let text = String::from_utf8_lossy(&line).trim_end().to_string();
                if !calls.blocking_send(text) {
                    return;
                }
            }
            Err(error) => {
                eprintln!("plugboard: cannot read stdin: {error}");
                return;
            }
        }
    }
}

pub fn serve(
    path: &Path,
    address: SocketAddr,
    grants: &Grants,
    fused: bool,
    trace: Option<&Path>,
) -> Result<u8> {
    let calls = trace.map(CallSink::open).transpose()?;
    start(
        load(path, grants, &[], fused)?,
        Operation::Serve { address },
        grants.verbose,
        calls,
    )
}

/// The first Ctrl-C stops the run; a second one, or one once the run is over (set the returned
/// flag then), exits at once.
fn stop_on_ctrl_c(handle: &RunHandle) -> Result<Arc<AtomicBool>> {
    let stopper = handle.stopper();
    let over = Arc::new(AtomicBool::new(false));
    let run_over = over.clone();
    ctrlc::set_handler(move || {
        if run_over.swap(true, Ordering::Relaxed) {
            std::process::exit(130);
        }
        stopper.stop();
    })
    .context("cannot install the Ctrl-C handler")?;
    Ok(over)
}

/// Prints the run's events as they come and turns the end of the run into an exit code: the
/// guest's own code, or 124 (timed out), 130 (stopped), 134 (trapped), 137 (out of memory or
/// fuel), 2 (could not start); a session's close is 0, or 1 if a line was refused.
fn follow(mut handle: RunHandle, verbose: bool, mut calls: Option<CallSink>) -> u8 {
    let mut stdout = std::io::stdout().lock();
    let mut code = 0;
    let mut refused = false;
    while let Some(event) = handle.next_blocking() {
        match &event {
            RunEvent::Stdout { data } => {
                // A closed stdout (`| head`) must not stop the guest: keep draining.
                let _ = stdout.write_all(data).and_then(|()| stdout.flush());
            }
            RunEvent::Stderr { data } => {
                let _ = std::io::stderr().write_all(data);
            }
            RunEvent::Compiling { bytes } => eprintln!("plugboard: compiling {} KiB…", bytes >> 10),
            RunEvent::LinkFallback { reason, grants } => {
                eprintln!("plugboard: running fused, not linked: {reason}; {grants}")
            }
            RunEvent::OutputDropped { stream, bytes } => {
                eprintln!("plugboard: {bytes} bytes of {stream:?} dropped")
            }
            RunEvent::Capability(attempt) if verbose || !attempt.allowed => {
                let verdict = if attempt.allowed { "allowed" } else { "denied" };
                let hint = if attempt.allowed {
                    String::new()
                } else if attempt.toggle == "dirs" {
                    " (only what --dir HOST::GUEST grants is reachable; :ro refuses writes)"
                        .to_string()
                } else {
                    format!(" (grant it with -S {})", attempt.toggle)
                };
                eprintln!(
                    "plugboard: {verdict} {} {}{hint}",
                    attempt.interface, attempt.target
                );
            }
            RunEvent::Call(call) => {
                if let Some(sink) = calls.as_mut() {
                    sink.call(call);
                }
            }
            RunEvent::CallsDropped { count } => {
                eprintln!("plugboard: {count} call records dropped")
            }
            RunEvent::CallTotals { wires } => {
                if let Some(sink) = calls.as_mut() {
                    sink.totals(wires);
                }
            }
            RunEvent::Serving { address } => {
                eprintln!("plugboard: serving on http://{address}/ (Ctrl-C stops)")
            }
            RunEvent::Request { id, method, uri } => eprintln!("plugboard: #{id} {method} {uri}"),
            RunEvent::Response {
                id,
                status,
                millis,
                error,
            } => match error {
                Some(error) => eprintln!("plugboard: #{id} {status} in {millis} ms: {error}"),
                None => eprintln!("plugboard: #{id} {status} in {millis} ms"),
            },
            RunEvent::Returned { results, .. } => {
                for result in results {
                    let _ = writeln!(stdout, "{result}");
                }
            }
            RunEvent::Answered { results, .. } if results.is_empty() => {
                let _ = writeln!(stdout, "()");
            }
            RunEvent::Answered { results, .. } => {
                let _ = writeln!(stdout, "{}", results.join(", "));
            }
            RunEvent::Refused { call, message } => {
                let _ = stdout.flush();
                eprintln!("plugboard: `{call}` refused: {message}");
                refused = true;
            }
            RunEvent::Closed { .. } => code = i32::from(refused),
            RunEvent::Exited { code: exit } => code = *exit,
            RunEvent::Trapped { backtrace, .. } => {
                eprintln!("plugboard: {}", event.summary());
                for frame in backtrace {
                    eprintln!("    at {frame}");
                }
                code = 134;
            }
            RunEvent::TimedOut { .. } => {
                eprintln!("plugboard: {}", event.summary());
                code = 124;
            }
            RunEvent::OutOfMemory { .. } | RunEvent::OutOfFuel { .. } => {
                eprintln!("plugboard: {}", event.summary());
                code = 137;
            }
            RunEvent::Stopped => {
                eprintln!("plugboard: stopped");
                code = 130;
            }
            RunEvent::Failed { message, .. } => {
                eprintln!("error: {message}");
                code = 2;
            }
            _ => {}
        }
    }
    u8::try_from(code).unwrap_or(1)
}
