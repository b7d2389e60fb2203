//! No run mode widens a grant: each node runs with its own grants linked, and a fused run (one
//! composition, one set of grants) runs only when that gives every node exactly its own, and is
//! refused otherwise. Every assertion is on what the host saw: connections a loopback listener
//! was offered, files on disk, requests an HTTP server received.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpListener;
use std::path::Path;

use plugboard_core::compose::NodeComponents;
use plugboard_core::project::{NodeId, Project};
use plugboard_core::run::{
    CapabilityProfile, DirGrant, EnvVar, HttpGrant, Operation, RunEvent, RunMode, Runtime,
    StartError,
};

use crate::support::{Outcome, load_project, shared_runtime, try_begin};

/// A loopback listener that counts the connections it was offered, answering each with a line.
struct Listener(TcpListener);

impl Listener {
    fn new() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        Self(listener)
    }

    fn address(&self) -> String {
        self.0.local_addr().expect("address").to_string()
    }

    /// Runs `work` on another thread while answering connections here, and returns its result
    /// with the number of connections offered meanwhile. A connect the guest made finished its
    /// handshake before the guest's call returned, so once `work` is over the backlog holds
    /// every connection not answered yet: the count needs no timing.
    fn count_during<T: Send>(&self, work: impl FnOnce() -> T + Send) -> (T, usize) {
        std::thread::scope(|scope| {
            let worker = scope.spawn(work);
            let mut count = 0;
            while !worker.is_finished() {
                count += self.answer_waiting();
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            let result = worker.join().expect("the run ends");
            (result, count + self.answer_waiting())
        })
    }

    /// Answers every connection waiting in the backlog; returns how many there were.
    fn answer_waiting(&self) -> usize {
        let mut count = 0;
        loop {
            match self.0.accept() {
                Ok((mut stream, _)) => {
                    count += 1;
                    let _ = stream.write_all(b"hello from the test\n");
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return count,
                Err(e) => panic!("accept: {e}"),
            }
        }
    }
}

/// Starts `operation` on the project and follows it to its end; `Err` when the engine refuses
/// to start it.
fn try_start(
    runtime: &Runtime,
    project: &Project,
    components: &NodeComponents,
    mode: RunMode,
    operation: Operation,
    root: Option<&str>,
) -> Result<Outcome, StartError> {
    let handle = try_begin(
        runtime,
        (project, components),
        mode,
        operation,
        root.map(NodeId::new),
    )?;
    Ok(Outcome::from_events(handle.collect_blocking()))
}

fn node_grants<'a>(project: &'a mut Project, id: &str) -> &'a mut CapabilityProfile {
    project
        .nodes
        .iter_mut()
        .find(|n| n.id.as_str() == id)
        .expect("node")
        .capabilities
        .get_or_insert_with(CapabilityProfile::default)
}

fn invoke(call: String) -> Operation {
    Operation::Invoke { call }
}

/// The refusal of a fused run, with the nodes it names.
fn refused_nodes(result: Result<Outcome, StartError>) -> Vec<String> {
    match result {
        Err(StartError::Grants { differ, .. }) => {
            differ.nodes().into_iter().map(|n| n.to_string()).collect()
        }
        Err(other) => panic!("refused for another reason: {other}"),
        Ok(outcome) => panic!("ran: {:?}", outcome.terminal()),
    }
}

/// Starts `operation` as [`try_start`] does, counting the connections `listener` was offered
/// while it ran.
fn counted(
    listener: &Listener,
    runtime: &Runtime,
    (project, components): (&Project, &NodeComponents),
    mode: RunMode,
    operation: Operation,
    root: Option<&str>,
) -> (Result<Outcome, StartError>, usize) {
    listener.count_during(|| try_start(runtime, project, components, mode, operation, root))
}

/// How a run of the project ended, and how many connections `listener` was offered meanwhile.
fn ended_and_offered(
    listener: &Listener,
    runtime: &Runtime,
    project: (&Project, &NodeComponents),
    mode: RunMode,
) -> (RunEvent, usize) {
    let (outcome, offered) = counted(listener, runtime, project, mode, Operation::Run, None);
    (outcome.expect("runs").terminal().clone(), offered)
}

#[test]
fn per_node_grants_hold_in_every_mode_and_a_widening_fused_run_is_refused() {
    let runtime = shared_runtime();
    let listener = Listener::new();
    let (mut project, components) = load_project("per-node-grants.plugboard.json");
    node_grants(&mut project, "probe-app").args = vec![listener.address()];
    let both = (&project, &components);

    // Linked: probe-app connects with its own grant; net-probe, granted nothing, does not.
    let (linked, offered) = counted(
        &listener,
        &runtime,
        both,
        RunMode::Linked,
        Operation::Run,
        None,
    );
    let linked = linked.expect("runs linked");
    assert_eq!(
        linked.terminal(),
        &RunEvent::Exited { code: 0 },
        "{}",
        linked.stdout
    );
    assert_eq!(offered, 1, "only probe-app connected");
    let denied: Vec<_> = linked
        .capabilities()
        .into_iter()
        .filter(|a| !a.allowed && a.interface == "wasi:sockets/tcp")
        .map(|a| a.node.clone())
        .collect();
    assert_eq!(denied, vec![Some("net-probe".to_string())]);

    // Fused would give net-probe probe-app's network: refused, naming both.
    let (fused, offered) = counted(
        &listener,
        &runtime,
        both,
        RunMode::Fused,
        Operation::Run,
        None,
    );
    let mut named = refused_nodes(fused);
    named.sort();
    assert_eq!(named, ["net-probe", "probe-app"]);
    assert_eq!(offered, 0);

    // Invoking net-probe: linked it keeps its own (no) grants; fused is refused as above.
    let call = invoke(format!("connect(\"{}\")", listener.address()));
    let (invoked, offered) = counted(
        &listener,
        &runtime,
        both,
        RunMode::Linked,
        call.clone(),
        Some("net-probe"),
    );
    let invoked = invoked.expect("invokes");
    assert!(
        matches!(invoked.terminal(), RunEvent::Returned { results, .. } if results[0].starts_with("err(")),
        "{:?}",
        invoked.terminal()
    );
    assert_eq!(offered, 0, "net-probe never connected");
    let (fused, offered) = counted(
        &listener,
        &runtime,
        both,
        RunMode::Fused,
        call,
        Some("net-probe"),
    );
    assert_eq!(refused_nodes(fused).len(), 2);
    assert_eq!(offered, 0);
}

#[test]
fn nodes_granted_the_same_run_fused_with_exactly_those_grants() {
    let runtime = shared_runtime();
    let listener = Listener::new();
    let (mut project, components) = load_project("per-node-grants.plugboard.json");
    node_grants(&mut project, "probe-app").args = vec![listener.address()];
    let same = node_grants(&mut project, "probe-app").clone();
    *node_grants(&mut project, "net-probe") = same;
    for mode in [RunMode::Linked, RunMode::Fused] {
        let ended = ended_and_offered(&listener, &runtime, (&project, &components), mode);
        assert_eq!(
            ended,
            (RunEvent::Exited { code: 0 }, 2),
            "{mode:?}: both nodes connected"
        );
    }
}

#[test]
fn a_nodes_own_grants_win_over_the_projects_in_every_mode() {
    let runtime = shared_runtime();
    let listener = Listener::new();
    let (mut project, components) = load_project("wasi-sockets.plugboard.json");
    project.capabilities.inherit_network = true;
    project.capabilities.env = vec![EnvVar {
        key: "TARGET_ADDR".into(),
        value: listener.address(),
    }];
    // The node's own grants: the variable, but not the network the project grants.
    let own = CapabilityProfile {
        env: project.capabilities.env.clone(),
        ..CapabilityProfile::default()
    };
    *node_grants(&mut project, "sockets-demo") = own;
    for mode in [RunMode::Linked, RunMode::Fused] {
        let ended = ended_and_offered(&listener, &runtime, (&project, &components), mode);
        assert_eq!(
            ended,
            (RunEvent::Exited { code: 1 }, 0),
            "{mode:?}: the node's own grants hold"
        );
    }
    node_grants(&mut project, "sockets-demo").inherit_network = true;
    project.capabilities.inherit_network = false;
    for mode in [RunMode::Linked, RunMode::Fused] {
        let ended = ended_and_offered(&listener, &runtime, (&project, &components), mode);
        assert_eq!(
            ended,
            (RunEvent::Exited { code: 0 }, 1),
            "{mode:?}: granted to the node, it connects"
        );
    }
}

#[test]
fn a_read_only_folder_is_not_written_in_any_mode() {
    let runtime = shared_runtime();
    let dir = tempfile::tempdir().expect("a temp dir");
    let written = dir.path().join("written-by-plugboard.txt");
    let (mut project, components) = load_project("wasi-filesystem.plugboard.json");
    let folder = |read_only| DirGrant {
        host: dir.path().to_path_buf(),
        guest: "/data".into(),
        read_only,
    };
    project.capabilities.dirs = vec![folder(false)];
    node_grants(&mut project, "filesystem-demo").dirs = vec![folder(true)];
    for mode in [RunMode::Linked, RunMode::Fused] {
        let outcome =
            try_start(&runtime, &project, &components, mode, Operation::Run, None).expect("runs");
        assert_eq!(
            outcome.terminal(),
            &RunEvent::Exited { code: 1 },
            "{mode:?}"
        );
        assert!(
            !written.exists(),
            "{mode:?}: nothing written under a read-only grant"
        );
    }
    node_grants(&mut project, "filesystem-demo").dirs = vec![folder(false)];
    for mode in [RunMode::Linked, RunMode::Fused] {
        try_start(&runtime, &project, &components, mode, Operation::Run, None).expect("runs");
        assert!(
            written.exists(),
            "{mode:?}: written under a read-write grant"
        );
        std::fs::remove_file(&written).expect("remove");
    }
}

/// A one-request-at-a-time HTTP server on loopback answering 200 to everything; returns its
/// address and a way to count the requests it got.
fn http_server() -> (
    String,
    std::thread::JoinHandle<()>,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address").to_string();
    let count = Arc::new(AtomicUsize::new(0));
    let counted = count.clone();
    let server = std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut head = [0u8; 4096];
            let read = stream.read(&mut head).unwrap_or(0);
            if head[..read].starts_with(b"QUIT") {
                return;
            }
            counted.fetch_add(1, Ordering::SeqCst);
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
            );
        }
    });
    (address, server, count)
}

#[test]
fn an_http_allow_list_holds_in_every_mode() {
    use std::sync::atomic::Ordering;
    let runtime = shared_runtime();
    let (address, server, requests) = http_server();
    let (mut project, components) = load_project("wasi-http.plugboard.json");
    project.capabilities.env = vec![EnvVar {
        key: "URL".into(),
        value: format!("http://{address}/"),
    }];
    project.capabilities.http = HttpGrant {
        allowed: true,
        hosts: vec![],
    };
    let only_elsewhere = CapabilityProfile {
        env: project.capabilities.env.clone(),
        http: HttpGrant {
            allowed: true,
            hosts: vec!["elsewhere.test".into()],
        },
        ..CapabilityProfile::default()
    };
    *node_grants(&mut project, "http-client-demo") = only_elsewhere;
    for mode in [RunMode::Linked, RunMode::Fused] {
        let outcome =
            try_start(&runtime, &project, &components, mode, Operation::Run, None).expect("runs");
        assert_ne!(
            outcome.terminal(),
            &RunEvent::Exited { code: 0 },
            "{mode:?}"
        );
        assert_eq!(
            requests.load(Ordering::SeqCst),
            0,
            "{mode:?}: no request reached it"
        );
    }
    node_grants(&mut project, "http-client-demo").http.hosts = vec![address.clone()];
    for (expected, mode) in [(1, RunMode::Linked), (2, RunMode::Fused)] {
        let outcome =
            try_start(&runtime, &project, &components, mode, Operation::Run, None).expect("runs");
        assert_eq!(
            outcome.terminal(),
            &RunEvent::Exited { code: 0 },
            "{}",
            outcome.stdout
        );
        assert_eq!(requests.load(Ordering::SeqCst), expected, "{mode:?}");
    }
    let mut quit = std::net::TcpStream::connect(&address).expect("connect");
    quit.write_all(b"QUIT").expect("quit");
    server.join().expect("server ends");
}

#[test]
fn a_polyglot_provider_keeps_its_own_grants_linked_and_fused_is_refused() {
    let runtime = shared_runtime();
    let dir = tempfile::tempdir().expect("a temp dir");
    let (mut project, components) = load_project("polyglot-python-provider.plugboard.json");
    // A folder for the Rust consumer, which imports no filesystem: a grant it cannot reach
    // changes nothing, so the two may still run fused.
    node_grants(&mut project, "consumer-app").dirs = vec![DirGrant {
        host: dir.path().to_path_buf(),
        guest: "/data".into(),
        read_only: false,
    }];
    for mode in [RunMode::Linked, RunMode::Fused] {
        let outcome =
            try_start(&runtime, &project, &components, mode, Operation::Run, None).expect("runs");
        assert_eq!(
            outcome.terminal(),
            &RunEvent::Exited { code: 0 },
            "{mode:?}: {}",
            outcome.stderr
        );
    }
    // A variable for the consumer: the Python provider's runtime reads the environment too, so
    // fused it would see the consumer's variable.
    node_grants(&mut project, "consumer-app").env = vec![EnvVar {
        key: "SECRET".into(),
        value: "for the consumer only".into(),
    }];
    let linked = try_start(
        &runtime,
        &project,
        &components,
        RunMode::Linked,
        Operation::Run,
        None,
    )
    .expect("runs linked");
    assert_eq!(
        linked.terminal(),
        &RunEvent::Exited { code: 0 },
        "{}",
        linked.stderr
    );
    let fused = try_start(
        &runtime,
        &project,
        &components,
        RunMode::Fused,
        Operation::Run,
        None,
    );
    let mut named = refused_nodes(fused);
    named.sort();
    assert_eq!(named, ["consumer-app", "py-stringops"]);
}

/// Paths in grants resolve against the project file, wherever the process runs.
#[test]
fn grant_paths_resolve_against_the_project_file() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let project = Project::from_json(
        r#"{"format": 2, "nodes": [{"id": "a", "component": "a.wasm",
             "capabilities": {"stdin": {"kind": "file", "path": "input.txt"}}}],
            "capabilities": {"dirs": [{"host": "scratch", "guest": "/data"}]}}"#,
    )
    .expect("a project");
    let absolute = project.with_absolute_paths(dir.path());
    assert_eq!(
        absolute.capabilities.dirs[0].host,
        dir.path().join("scratch")
    );
    let own = absolute.nodes[0].capabilities.as_ref().expect("own grants");
    assert_eq!(
        own.stdin,
        plugboard_core::run::StdinSource::File {
            path: dir.path().join("input.txt")
        }
    );
    // Saved elsewhere, the paths are rewritten relative to the new file.
    let other = dir.path().join("sub");
    std::fs::create_dir_all(&other).expect("dir");
    let saved = absolute
        .save(&other.join("p.plugboard.json"), Path::new("/"))
        .expect("saved");
    assert_eq!(saved.capabilities.dirs[0].host, Path::new("../scratch"));
}

#[test]
fn a_fallback_to_fused_whose_nodes_grants_differ_is_refused_saying_both_reasons() {
    use crate::support::{counter_pair, runtime};

    let dir = tempfile::tempdir().expect("a temp dir");
    // Both read the environment; the wire carries a handle to a resource another interface
    // defines, so the pair cannot run linked.
    let wit = "package example:counter@0.1.0;
        interface types { resource tally { constructor(); bump: func() -> u32; } }
        interface counter { use types.{tally}; make: func() -> tally; }
        world provider { import wasi:cli/environment@0.2.6; export counter; }
        world consumer { import wasi:cli/environment@0.2.6; import counter; export run: func(); }
        package wasi:cli@0.2.6 {
            interface environment { get-environment: func() -> list<tuple<string, string>>; }
        }";
    let (mut project, components) = counter_pair(dir.path(), wit);
    node_grants(&mut project, "consumer").env = vec![EnvVar {
        key: "TOKEN".into(),
        value: "for the consumer only".into(),
    }];
    let (runtime, _cache) = runtime();
    let refused = try_start(
        &runtime,
        &project,
        &components,
        RunMode::Linked,
        invoke("run()".into()),
        Some("consumer"),
    );
    let Err(
        error @ StartError::Grants {
            fallback: Some(_), ..
        },
    ) = refused
    else {
        panic!("expected a refusal after the fallback");
    };
    let message = error.to_string();
    assert!(message.contains("cannot run linked"), "{message}");
    assert!(message.contains("passes a `tally` handle"), "{message}");
    assert!(
        message.contains("`consumer` has variables TOKEN"),
        "{message}"
    );
}
