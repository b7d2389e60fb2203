//! Shared helpers: where the samples are, and running a request to its end.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use plugboard_core::compose::{Composer, NodeComponents, load_components};
use plugboard_core::project::{NodeId, Project, parent_dir};
use plugboard_core::run::{
    ComponentSource, Operation, OutputPolicy, ProjectRun, RunEvent, RunHandle, RunMode, RunRequest,
    Runtime, RuntimeOptions, StartError, WireCall, WireTotal,
};
use tempfile::TempDir;

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A built sample component; fails with the command that builds them when it is missing.
pub fn sample(name: &str) -> PathBuf {
    let path = root().join("target/samples").join(format!("{name}.wasm"));
    assert!(
        path.is_file(),
        "missing {}: build the samples with sample-components/build.sh",
        path.display()
    );
    path
}

/// A WebAssembly text sample (`sample-components/wat/NAME.wat`), read as it is.
pub fn wat_sample(name: &str) -> PathBuf {
    root()
        .join("sample-components/wat")
        .join(format!("{name}.wat"))
}

/// Aborts this test process if its resident memory passes `limit` bytes: tests that provoke
/// memory and table bombs run under one, so a broken limit cannot take the machine down.
pub struct MemoryWatch {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl MemoryWatch {
    pub fn start(limit: u64) -> Self {
        use std::sync::atomic::{AtomicBool, Ordering};
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                let rss = resident_bytes(std::process::id()).unwrap_or(0);
                if rss > limit {
                    eprintln!("memory watch: {rss} bytes resident, over {limit}: aborting");
                    std::process::abort();
                }
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        });
        Self { stop }
    }
}

impl Drop for MemoryWatch {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// A process's resident memory now, from `/proc`.
pub fn resident_bytes(pid: u32) -> Option<u64> {
    status_kib(pid, "VmRSS:").map(|kib| kib << 10)
}

fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A bundled project file.
pub fn project_file(name: &str) -> PathBuf {
    root().join("projects").join(name)
}

/// A bundled project and its nodes' components.
pub fn load_project(name: &str) -> (Project, NodeComponents) {
    let path = project_file(name);
    let project = Project::load(&path).expect("loads");
    let components = load_components(&project, &parent_dir(&path)).expect("components");
    (project, components)
}

/// Starts `operation` on the project, rooted at `root` (or the default root); `Err` when the
/// engine refuses to start it.
pub fn try_begin(
    runtime: &Runtime,
    (project, components): (&Project, &NodeComponents),
    mode: RunMode,
    operation: Operation,
    root: Option<NodeId>,
) -> Result<RunHandle, StartError> {
    runtime.start_project(
        &mut Composer::new(),
        ProjectRun {
            project,
            components,
            mode,
            operation,
            root,
            output: OutputPolicy::default(),
            trace_calls: false,
        },
    )
}

/// Runs the project's command linked with its wires tapped, to its end.
pub fn traced(runtime: &Runtime, project: &Project, components: &NodeComponents) -> Outcome {
    let handle = runtime
        .start_project(
            &mut Composer::new(),
            ProjectRun {
                project,
                components,
                mode: RunMode::Linked,
                operation: Operation::Run,
                root: None,
                output: OutputPolicy::default(),
                trace_calls: true,
            },
        )
        .expect("starts");
    Outcome::from_events(handle.collect_blocking())
}

/// [`try_begin`], which must start.
pub fn begin(
    runtime: &Runtime,
    project: (&Project, &NodeComponents),
    mode: RunMode,
    operation: Operation,
    root: Option<NodeId>,
) -> RunHandle {
    try_begin(runtime, project, mode, operation, root).expect("starts")
}

/// Runs `operation` on the project (at its default root) to its end.
pub fn finish(
    runtime: &Runtime,
    project: (&Project, &NodeComponents),
    mode: RunMode,
    operation: Operation,
) -> Outcome {
    Outcome::from_events(begin(runtime, project, mode, operation, None).collect_blocking())
}

/// Two components made from WIT alone, `provider` and `consumer` (worlds of those names in
/// `wit`, written into `dir`), the consumer's `example:counter/counter@0.1.0` import wired to the
/// provider's export: a wire that carries a resource.
pub fn counter_pair(dir: &Path, wit: &str) -> (Project, NodeComponents) {
    let (mut project, _) = wit_project(
        dir,
        &[("provider", wit, "provider"), ("consumer", wit, "consumer")],
    );
    let end = |node: &str| plugboard_core::project::WireEnd {
        node: NodeId::new(node),
        port: "example:counter/counter@0.1.0".to_string(),
    };
    project.wires.push(plugboard_core::project::Wire {
        from: end("provider"),
        to: end("consumer"),
    });
    let components = load_components(&project, dir).expect("components");
    (project, components)
}

/// A project of components made from WIT text (their functions trap if called): one node per
/// `(id, wit, world)`, its file written into `dir`, no wires; with the components loaded.
pub fn wit_project(dir: &Path, nodes: &[(&str, &str, &str)]) -> (Project, NodeComponents) {
    let mut project = Project::default();
    for (id, wit, world) in nodes {
        let path = write_file(dir, &format!("{id}.wasm"), &component_from_wit(wit, world));
        project.nodes.push(plugboard_core::project::Node {
            id: NodeId::new(*id),
            component: path,
            sha256: None,
            position: Default::default(),
            capabilities: None,
            registry: None,
        });
    }
    let components = load_components(&project, dir).expect("components");
    (project, components)
}

/// Waits for a server to listen and returns its address; fails if it ends instead.
pub fn serving_address(handle: &mut RunHandle) -> String {
    loop {
        match handle.next_blocking().expect("serving") {
            RunEvent::Serving { address } => return address,
            RunEvent::Failed { message, .. } => panic!("{message}"),
            RunEvent::LinkFallback { reason, .. } => panic!("should link: {reason}"),
            _ => {}
        }
    }
}

/// The whole response (head and body) to `GET path` from `address`.
pub fn http_get(address: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nhost: {address}\r\nconnection: close\r\n\r\n"
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response
}

/// A runtime with its own empty compile cache (kept alive by the returned directory).
pub fn runtime() -> (Runtime, TempDir) {
    let cache = TempDir::new().expect("temp dir");
    let runtime = Runtime::new(RuntimeOptions {
        cache_dir: Some(cache.path().to_path_buf()),
        quick_first: false,
    })
    .expect("runtime");
    (runtime, cache)
}

/// A request for a sample with default (deny-all) grants.
pub fn request(name: &str) -> RunRequest {
    RunRequest::new(ComponentSource::from_file(&sample(name)).expect("sample"))
}

/// A request for a bundled project, composed.
pub fn project_request(name: &str) -> RunRequest {
    let path = project_file(name);
    let project = Project::load(&path).expect("project loads");
    let components = load_components(&project, &parent_dir(&path)).expect("components load");
    let composition = Composer::new()
        .compose(&project, &components)
        .expect("project composes");
    let mut request = RunRequest::new(ComponentSource::new(name, composition.bytes));
    request.capabilities = project.capabilities;
    request.limits = project.limits;
    request
}

/// Everything a finished run reported.
#[derive(Debug)]
pub struct Outcome {
    pub events: Vec<RunEvent>,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    pub fn from_events(events: Vec<RunEvent>) -> Self {
        let mut stdout = Vec::new();
        let mut stderr = Vec::new();
        for event in &events {
            match event {
                RunEvent::Stdout { data } => stdout.extend_from_slice(data),
                RunEvent::Stderr { data } => stderr.extend_from_slice(data),
                _ => {}
            }
        }
        Self {
            events,
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
        }
    }

    /// The event that ended the run.
    pub fn terminal(&self) -> &RunEvent {
        let last = self.events.last().expect("a run reports at least its end");
        assert!(last.is_terminal(), "the last event is terminal: {last:?}");
        last
    }

    /// The capability decisions about interfaces whose names start with `prefix`
    /// (`wasi:sockets`, `wasi:http/outgoing-handler`), in order.
    pub fn attempts(&self, prefix: &str) -> Vec<&plugboard_core::run::CapabilityAttempt> {
        self.capabilities()
            .into_iter()
            .filter(|a| a.interface.starts_with(prefix))
            .collect()
    }

    /// The calls a traced run recorded across its wires, in order.
    pub fn calls(&self) -> Vec<&WireCall> {
        self.events
            .iter()
            .filter_map(|e| match e {
                RunEvent::Call(call) => Some(call.as_ref()),
                _ => None,
            })
            .collect()
    }

    /// The totals a traced run reported before its end.
    pub fn totals(&self) -> Vec<WireTotal> {
        self.events
            .iter()
            .find_map(|e| match e {
                RunEvent::CallTotals { wires } => Some(wires.clone()),
                _ => None,
            })
            .expect("totals before the end")
    }

    /// The capability decisions, in order.
    pub fn capabilities(&self) -> Vec<&plugboard_core::run::CapabilityAttempt> {
        self.events
            .iter()
            .filter_map(|e| match e {
                RunEvent::Capability(attempt) => Some(attempt),
                _ => None,
            })
            .collect()
    }
}

/// Runs a command to its end.
pub fn run(runtime: &Runtime, request: RunRequest) -> Outcome {
    Outcome::from_events(runtime.run(request).collect_blocking())
}

/// A component made from WIT text alone (its functions trap if called): for composition cases no
/// sample covers, such as a provider of a newer patch version.
pub fn component_from_wit(wit: &str, world: &str) -> Vec<u8> {
    use wit_component::{ComponentEncoder, StringEncoding, dummy_module, embed_component_metadata};
    use wit_parser::{ManglingAndAbi, Resolve};
    let mut resolve = Resolve::default();
    let package = resolve.push_str("test.wit", wit).expect("valid WIT");
    let world = resolve
        .select_world(&[package], Some(world))
        .expect("world");
    let mut module = dummy_module(&resolve, world, ManglingAndAbi::Standard32);
    embed_component_metadata(&mut module, &resolve, world, StringEncoding::UTF8, false)
        .expect("metadata");
    ComponentEncoder::default()
        .module(&module)
        .expect("module")
        .validate(true)
        .encode()
        .expect("component")
}

/// Writes `bytes` into `dir` as `name` and returns the path.
pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

/// A runtime whose compile cache is shared by every test run (`target/test-compile-cache`), for
/// the large Python and JavaScript components: each compiles once per machine, not per test.
pub fn shared_runtime() -> Runtime {
    Runtime::new(RuntimeOptions {
        cache_dir: Some(root().join("target/test-compile-cache")),
        quick_first: false,
    })
    .expect("runtime")
}

/// Follows a run and stops it as soon as the guest has printed something (so it is certainly
/// running: spinning, or waiting in a host call); returns every event.
pub fn stop_after_first_output(mut handle: plugboard_core::run::RunHandle) -> Outcome {
    let mut events = Vec::new();
    while let Some(event) = handle.next_blocking() {
        let printed = matches!(&event, RunEvent::Stdout { .. });
        events.push(event);
        if printed {
            handle.stop();
        }
    }
    Outcome::from_events(events)
}

/// A runtime with its own empty compile cache and quick-first compilation on.
pub fn quick_first_runtime() -> (Runtime, TempDir) {
    let cache = TempDir::new().expect("temp dir");
    let runtime = Runtime::new(RuntimeOptions {
        cache_dir: Some(cache.path().to_path_buf()),
        quick_first: true,
    })
    .expect("runtime");
    (runtime, cache)
}

/// A loopback listener counting the connections it accepts (answering each with a small HTTP
/// response, so it serves as an HTTP server too).
pub fn counting_listener() -> (String, Arc<AtomicUsize>) {
    let socket = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = socket.local_addr().expect("address").to_string();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        for stream in socket.incoming() {
            seen.fetch_add(1, Ordering::SeqCst);
            if let Ok(mut stream) = stream {
                let mut head = [0u8; 2048];
                let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
                let _ = stream.read(&mut head);
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                );
            }
        }
    });
    (address, count)
}

/// The listener's count once it reached `expected` (its thread accepts after the guest's
/// connect returned, so it may lag a moment), or what it was after 10 s.
pub fn accepted(count: &AtomicUsize, expected: usize) -> usize {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while count.load(Ordering::SeqCst) < expected && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    count.load(Ordering::SeqCst)
}
