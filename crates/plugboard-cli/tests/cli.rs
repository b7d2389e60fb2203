//! The `plugboard` binary on real samples: output, files written, exit codes.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

#[path = "../../plugboard-core/tests/support/registry_server.rs"]
#[allow(
    dead_code,
    reason = "the engine's tests use the signed-in registry; these do not"
)]
mod registry_server;

use registry_server::RegistryServer;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn sample(name: &str) -> PathBuf {
    let path = root().join("target/samples").join(format!("{name}.wasm"));
    assert!(
        path.is_file(),
        "missing {}: run sample-components/build.sh",
        path.display()
    );
    path
}

fn project(name: &str) -> PathBuf {
    root().join("projects").join(name)
}

/// A `plugboard` command with its own compile cache.
fn plugboard(cache: &TempDir) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_plugboard"));
    command.env("PLUGBOARD_CACHE_DIR", cache.path());
    command
}

fn run(command: &mut Command) -> Output {
    command
        .stdin(Stdio::null())
        .output()
        .expect("plugboard runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const SEED_LINES: &str = "Original: Hello WebAssembly Component Model\n\
                          Reversed: ledoM tnenopmoC ylbmessAbeW olleH\n\
                          Words: 4\n";

#[test]
fn inspect_prints_a_summary_json_and_wit() {
    let cache = TempDir::new().expect("temp");
    let out = run(plugboard(&cache)
        .arg("inspect")
        .arg(sample("string-operations")));
    assert!(out.status.success());
    let summary = text(&out.stdout);
    assert!(
        summary.contains("example:stringoperations/operations@0.1.0  [interface]"),
        "{summary}"
    );
    assert!(
        summary.contains("reverse: func(s: string) -> string"),
        "{summary}"
    );

    let out = run(plugboard(&cache)
        .args(["inspect", "--json"])
        .arg(sample("consumer-app")));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(json["role"], "command");
    assert_eq!(
        json["imports"][0]["name"],
        "example:stringoperations/operations@0.1.0"
    );

    let out = run(plugboard(&cache)
        .args(["inspect", "--wit"])
        .arg(sample("string-len")));
    assert!(text(&out.stdout).contains("export example:string-operations/len@0.1.0;"));
}

#[test]
fn inspect_of_a_bad_file_fails_on_stderr() {
    let cache = TempDir::new().expect("temp");
    let dir = TempDir::new().expect("temp");
    let junk = dir.path().join("junk.wasm");
    std::fs::write(&junk, "not wasm at all").expect("write");
    let out = run(plugboard(&cache).arg("inspect").arg(&junk));
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("not a WebAssembly file"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn compose_writes_a_component_that_runs() {
    let cache = TempDir::new().expect("temp");
    let dir = TempDir::new().expect("temp");
    let output = dir.path().join("seed.wasm");
    let out = run(plugboard(&cache)
        .arg("compose")
        .arg(project("seed.plugboard.json"))
        .arg("-o")
        .arg(&output));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("the host must provide: wasi:"));
    let out = run(plugboard(&cache).arg("run").arg(&output));
    assert_eq!(text(&out.stdout), SEED_LINES);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn plug_has_wac_plug_semantics() {
    let cache = TempDir::new().expect("temp");
    let dir = TempDir::new().expect("temp");
    let output = dir.path().join("plugged.wasm");
    let out = run(plugboard(&cache)
        .arg("plug")
        .arg(sample("consumer-app"))
        .arg("--plug")
        .arg(sample("string-operations"))
        .arg("-o")
        .arg(&output));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(plugboard(&cache).arg("run").arg(&output));
    assert_eq!(text(&out.stdout), SEED_LINES);

    let out = run(plugboard(&cache)
        .arg("plug")
        .arg(sample("consumer-app"))
        .arg("--plug")
        .arg(sample("logger"))
        .arg("-o")
        .arg(dir.path().join("nothing.wasm")));
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("none of the plugs"),
        "{}",
        text(&out.stderr)
    );
    // Each candidate plug is listed with why it did not fit.
    assert!(
        text(&out.stderr).contains(
            "plug `logger`: it exports example:logger/log@0.1.0; the socket imports \
             example:stringoperations/operations@0.1.0 (besides WASI)"
        ),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.path().join("nothing.wasm").exists());
}

#[test]
fn plugging_what_is_no_component_says_why_once_and_writes_nothing() {
    let cache = TempDir::new().expect("temp");
    let dir = TempDir::new().expect("temp");
    let core = dir.path().join("core.wasm");
    std::fs::write(&core, b"\0asm\x01\0\0\0").expect("write");
    let output = dir.path().join("plugged.wasm");
    let out = run(plugboard(&cache)
        .arg("plug")
        .arg(sample("consumer-app"))
        .arg("--plug")
        .arg(&core)
        .arg("-o")
        .arg(&output));
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert_eq!(
        stderr.matches("a core module, not a component").count(),
        1,
        "{stderr}"
    );
    assert!(!output.exists());
}

#[test]
fn plug_auto_from_a_folder_plugs_what_fits_and_lists_ambiguous_candidates() {
    let cache = TempDir::new().expect("temp");
    let dir = TempDir::new().expect("temp");
    for name in ["string-operations", "logger"] {
        std::fs::copy(sample(name), dir.path().join(format!("{name}.wasm"))).expect("copy");
    }
    std::fs::write(dir.path().join("notes.wasm"), "not a component").expect("write");
    let output = dir.path().join("out").with_extension("component");
    let out = run(plugboard(&cache)
        .arg("plug")
        .arg(sample("consumer-app"))
        .arg("--auto-from")
        .arg(dir.path())
        .arg("-o")
        .arg(&output));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("skipped"),
        "{}",
        text(&out.stderr)
    );
    let out = run(plugboard(&cache).arg("run").arg(&output));
    assert_eq!(text(&out.stdout), SEED_LINES);

    // Two components that fit one import: nothing is written, both are named.
    std::fs::copy(
        sample("string-operations"),
        dir.path().join("ops-copy.wasm"),
    )
    .expect("copy");
    let ambiguous = dir.path().join("ambiguous.component");
    let out = run(plugboard(&cache)
        .arg("plug")
        .arg(sample("consumer-app"))
        .arg("--auto-from")
        .arg(dir.path())
        .arg("-o")
        .arg(&ambiguous));
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("choose one with --plug"), "{stderr}");
    assert!(
        stderr.contains("ops-copy.wasm, string-operations.wasm"),
        "{stderr}"
    );
    assert!(!ambiguous.exists());
}

#[test]
fn export_prints_or_writes_deploy_manifests_with_warnings_on_stderr() {
    let cache = TempDir::new().expect("temp");
    let golden = root().join("crates/plugboard-core/tests/data/deploy/golden");
    for (flag, suffix) in [("--spin", "spin.toml"), ("--wasmcloud", "wasmcloud.yaml")] {
        let out = run(plugboard(&cache)
            .arg("export")
            .arg(flag)
            .arg(project("greeter-chain.plugboard.json")));
        assert!(out.status.success(), "{}", text(&out.stderr));
        let expected = std::fs::read_to_string(golden.join(format!("greeter-chain.{suffix}")))
            .expect("golden");
        assert_eq!(text(&out.stdout), expected);
        assert!(
            text(&out.stderr).starts_with("warning: "),
            "{}",
            text(&out.stderr)
        );
    }
    // Written elsewhere, the component paths are relative to the manifest's folder.
    let dir = TempDir::new().expect("temp");
    let nested = dir.path().join("deploy");
    std::fs::create_dir(&nested).expect("folder");
    let spin_toml = nested.join("spin.toml");
    let out = run(plugboard(&cache)
        .arg("export")
        .arg("--spin")
        .arg(project("seed.plugboard.json"))
        .arg("-o")
        .arg(&spin_toml));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&spin_toml).expect("written");
    let source = written
        .lines()
        .find_map(|l| l.strip_prefix("source = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("a source line");
    let resolved = std::fs::canonicalize(nested.join(source)).expect("the source resolves");
    assert!(
        resolved.ends_with("target/samples/string-operations.wasm"),
        "{source}"
    );
    // One target must be chosen.
    let out = run(plugboard(&cache)
        .arg("export")
        .arg(project("seed.plugboard.json")));
    assert!(!out.status.success());
}

#[test]
fn references_are_taken_wherever_a_file_is_and_projects_publish_their_composition() {
    let server = RegistryServer::start();
    let cache = TempDir::new().expect("temp");
    let components = TempDir::new().expect("temp");
    let cli = |args: &[&std::ffi::OsStr]| {
        run(plugboard(&cache)
            .env("PLUGBOARD_COMPONENT_CACHE_DIR", components.path())
            .env("PLUGBOARD_REGISTRY", &server.address)
            .args(args))
    };
    let provider = format!("{}/example/string-operations:0.1.0", server.address);
    let out = cli(&[
        "publish".as_ref(),
        sample("string-operations").as_os_str(),
        provider.as_ref(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    let digest = printed
        .trim()
        .strip_prefix(&format!("{provider}@"))
        .unwrap_or_else(|| panic!("not REFERENCE@DIGEST: {printed}"));
    assert!(digest.starts_with("sha256:"), "{printed}");

    // inspect by reference and by package name.
    for reference in [provider.as_str(), "example:string-operations@0.1.0"] {
        let out = cli(&["inspect".as_ref(), reference.as_ref()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(
            text(&out.stdout).starts_with(reference),
            "{}",
            text(&out.stdout)
        );
        assert!(
            text(&out.stdout).contains("example:stringoperations/operations@0.1.0  [interface]"),
            "{}",
            text(&out.stdout)
        );
        assert!(text(&out.stderr).contains(digest), "{}", text(&out.stderr));
    }

    // A project publishes its composition, which then runs by reference.
    let seed = format!("{}/example/seed:1.0.0", server.address);
    let out = cli(&[
        "publish".as_ref(),
        project("seed.plugboard.json").as_os_str(),
        seed.as_ref(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = cli(&["run".as_ref(), seed.as_ref()]);
    assert_eq!(text(&out.stdout), SEED_LINES, "{}", text(&out.stderr));

    // Failures are said and exit non-zero.
    let missing = format!("{}/example/nothing:1.0.0", server.address);
    let out = cli(&["inspect".as_ref(), missing.as_ref()]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("is not in the registry"),
        "{}",
        text(&out.stderr)
    );
    let module = cache.path().join("module.wasm");
    std::fs::write(&module, wat::parse_str("(module)").expect("module")).expect("written");
    let target = format!("{}/example/module:1", server.address);
    let out = cli(&["publish".as_ref(), module.as_os_str(), target.as_ref()]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("is not a WebAssembly component"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn wac_prints_the_composition_as_wac() {
    let cache = TempDir::new().expect("temp");
    let out = run(plugboard(&cache)
        .arg("wac")
        .arg(project("greeter-chain.plugboard.json")));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let wac = text(&out.stdout);
    assert!(wac.contains("let logger = new plugboard:logger"), "{wac}");
    assert!(
        wac.contains("\"example:logger/log@0.1.0\": logger[\"example:logger/log@0.1.0\"]"),
        "{wac}"
    );
    assert!(
        wac.contains("export greeter-app[\"wasi:cli/run@0.2.0\"];"),
        "{wac}"
    );
}

#[test]
fn run_streams_the_guest_and_returns_its_exit_code() {
    let cache = TempDir::new().expect("temp");
    let out = run(plugboard(&cache)
        .arg("run")
        .arg(project("seed.plugboard.json")));
    assert_eq!(text(&out.stdout), SEED_LINES);
    assert_eq!(out.status.code(), Some(0));

    // As with wasmtime: options before the file, everything after it the guest's (a `--` right
    // after the file is skipped).
    let out = run(plugboard(&cache)
        .args(["run", "--env", "NAME=plugboard"])
        .arg(sample("cli-demo"))
        .args(["first", "--env", "-v"]));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("[0] first")
            && stdout.contains("[1] --env")
            && stdout.contains("[2] -v")
            && stdout.contains("NAME=plugboard"),
        "{stdout}"
    );
    let out = run(plugboard(&cache)
        .arg("run")
        .arg(sample("cli-demo"))
        .args(["--", "first", "second"]));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("[0] first") && stdout.contains("[1] second"),
        "{stdout}"
    );
    assert!(!stdout.contains("[2]"), "{stdout}");

    let out = run(plugboard(&cache).arg("run").arg(sample("hostile-exit")));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("something went wrong"));

    let out = run(plugboard(&cache)
        .args(["run", "--timeout", "300ms"])
        .arg(sample("hostile-loop")));
    assert_eq!(out.status.code(), Some(124));
    assert!(
        text(&out.stderr).contains("timed out"),
        "{}",
        text(&out.stderr)
    );

    let out = run(plugboard(&cache)
        .args(["run", "--max-memory", "32MiB"])
        .arg(sample("hostile-memory-bomb")));
    assert_eq!(out.status.code(), Some(137));
    assert!(
        text(&out.stderr).contains("out of memory"),
        "{}",
        text(&out.stderr)
    );

    let out = run(plugboard(&cache).arg("run").arg(sample("hostile-panic")));
    assert_eq!(out.status.code(), Some(134));
}

#[test]
fn run_grants_directories_and_reports_denials() {
    let cache = TempDir::new().expect("temp");
    let dir = TempDir::new().expect("temp");
    let out = run(plugboard(&cache)
        .args(["run", "--dir"])
        .arg(format!("{}::/data:ro", dir.path().display()))
        .arg(sample("filesystem-demo")));
    assert!(
        text(&out.stdout).contains("DENIED: cannot write"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stderr).contains(
            "denied wasi:filesystem/types open for writing /data/written-by-plugboard.txt \
             (only what --dir HOST::GUEST grants is reachable; :ro refuses writes)"
        ),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.path().join("written-by-plugboard.txt").exists());

    let out = run(plugboard(&cache)
        .args(["run", "--dir"])
        .arg(format!("{}::/data", dir.path().display()))
        .arg(sample("filesystem-demo")));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(dir.path().join("written-by-plugboard.txt").exists());

    let out = run(plugboard(&cache)
        .args(["run", "--env", "TARGET_ADDR=127.0.0.1:9"])
        .arg(sample("sockets-demo")));
    assert!(text(&out.stderr).contains(
        "denied wasi:sockets/tcp connect 127.0.0.1:9 (grant it with -S inherit-network)"
    ));

    let out = run(plugboard(&cache)
        .args(["run", "-S", "teleport"])
        .arg(sample("cli-demo")));
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("unknown capability"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn invoke_prints_wave_results() {
    let cache = TempDir::new().expect("temp");
    let out = run(plugboard(&cache)
        .arg("invoke")
        .arg(sample("string-operations"))
        .arg(r#"reverse("abc")"#));
    assert_eq!(text(&out.stdout), "\"cba\"\n");
    assert!(out.status.success());

    let out = run(plugboard(&cache)
        .arg("invoke")
        .arg(sample("string-operations"))
        .arg("shout(1)"));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no exported function `shout`"),
        "{}",
        text(&out.stderr)
    );
}

/// `plugboard invoke --session FILE` with `lines` on stdin: its output.
fn session(cache: &TempDir, file: &std::path::Path, lines: &str) -> Output {
    use std::io::Write as _;
    let mut child = plugboard(cache)
        .args(["invoke", "--session"])
        .arg(file)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("plugboard starts");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(lines.as_bytes()).expect("lines written");
    drop(stdin);
    child.wait_with_output().expect("plugboard ends")
}

#[test]
fn invoke_session_keeps_one_instance_and_names_handles() {
    let cache = TempDir::new().expect("temp");
    let lines = "b = bucket(\"fruit\")\nb.set(\"apple\", \"red\")\n# a comment\n\
                 b.get(\"apple\")\nbucket.find(\"fruit\")\ndrops()\nclose(b)\ndrops()\n";
    let out = session(&cache, &sample("kv-store"), lines);
    assert_eq!(
        text(&out.stdout),
        "b\n()\nsome(\"red\")\nsome(bucket2)\n0\n()\n1\n"
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    // A refused line is said and the session goes on; the exit code tells a script.
    let out = session(&cache, &sample("kv-store"), "b.get(\"k\")\ndrops()\n");
    assert_eq!(text(&out.stdout), "0\n");
    assert!(
        text(&out.stderr).contains("`b.get(\"k\")` refused: `b` names no handle"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1));

    // A session has the grants the command line gives, no more: the listener sees no one.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let address = listener.local_addr().expect("address");
    let out = session(
        &cache,
        &sample("net-probe"),
        &format!("connect(\"{address}\")\n"),
    );
    assert!(
        text(&out.stdout).starts_with("err("),
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stderr).contains(&format!("denied wasi:sockets/tcp connect {address}")),
        "{}",
        text(&out.stderr)
    );
    assert!(listener.accept().is_err(), "no connection reached the host");
}

#[test]
fn serve_answers_on_loopback_until_interrupted() {
    let cache = TempDir::new().expect("temp");
    let dir = TempDir::new().expect("temp");
    let json = format!(
        r#"{{"format": 1,
            "nodes": [{{"id": "ops", "component": "{}"}}, {{"id": "proxy", "component": "{}"}}],
            "wires": [{{"from": {{"node": "ops", "port": "example:stringoperations/operations@0.1.0"}},
                        "to": {{"node": "proxy", "port": "example:stringoperations/operations@0.1.0"}}}}]}}"#,
        sample("string-operations").display(),
        sample("http-proxy-demo").display()
    );
    let project = dir.path().join("proxy.plugboard.json");
    std::fs::write(&project, json).expect("write");
    let mut child = plugboard(&cache)
        .arg("serve")
        .arg(&project)
        .args(["--addr", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let address = loop {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).expect("reads") > 0,
            "serve ended early"
        );
        if let Some(rest) = line.split("serving on http://").nth(1) {
            break rest.split('/').next().expect("address").to_string();
        }
    };
    let mut stream = TcpStream::connect(&address).expect("connects");
    write!(
        stream,
        "GET /plugboard HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
    )
    .expect("sends");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("reads");
    assert!(response.contains("draobgulp/"), "{response}");

    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let exit = child.wait().expect("exits");
    assert_eq!(exit.code(), Some(130));
}

#[test]
fn python_and_javascript_components_run_and_are_invoked() {
    // The large polyglot components compile once per machine, in the tests' shared cache.
    let shared = root().join("target/test-compile-cache");
    let plugboard = || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_plugboard"));
        command.env("PLUGBOARD_CACHE_DIR", &shared);
        command
    };
    for project_file in [
        "polyglot-python-provider.plugboard.json",
        "polyglot-javascript-provider.plugboard.json",
    ] {
        let out = run(plugboard().arg("run").arg(project(project_file)));
        assert_eq!(
            text(&out.stdout),
            SEED_LINES,
            "{project_file}: {}",
            text(&out.stderr)
        );
    }
    let out = run(plugboard()
        .arg("invoke")
        .arg(sample("js-stringops"))
        .arg(r#"word-count("a b")"#));
    assert_eq!(text(&out.stdout), "2\n", "{}", text(&out.stderr));
    let out = run(plugboard().arg("inspect").arg(sample("py-stringops")));
    assert!(
        text(&out.stdout).contains("  exports  [instance]"),
        "{}",
        text(&out.stdout)
    );
}

/// Runs `command` to its end while watching its memory: kills it if it passes `kill_at` bytes
/// resident (a broken limit must not take the machine), and returns its output and its peak
/// resident memory.
fn run_watched(command: &mut Command, kill_at: u64) -> (Output, u64) {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("plugboard starts");
    let pid = child.id();
    let kib = |field: &str| -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let line = status.lines().find(|l| l.starts_with(field))?;
        line.split_whitespace().nth(1)?.parse().ok()
    };
    let mut peak = 0;
    loop {
        if let Some(hwm) = kib("VmHWM:") {
            peak = peak.max(hwm << 10);
        }
        if peak > kill_at {
            let _ = child.kill();
        }
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let output = child.wait_with_output().expect("output");
    assert!(peak <= kill_at, "killed at {peak} bytes resident");
    (output, peak)
}

#[test]
fn bombs_end_out_of_memory_within_the_limit() {
    let cache = TempDir::new().expect("temp");
    let wat = |name: &str| {
        root()
            .join("sample-components/wat")
            .join(format!("{name}.wat"))
    };
    let limit: u64 = 256 << 20;
    for name in ["table-bomb", "many-memories"] {
        let (out, peak) = run_watched(
            plugboard(&cache)
                .args(["run", "--max-memory", "256MiB"])
                .arg(wat(name)),
            4 << 30,
        );
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(137), "{name}: {stderr}");
        assert!(stderr.contains("out of memory"), "{name}: {stderr}");
        assert!(
            peak < limit + (200 << 20),
            "{name}: peak {} MiB",
            peak >> 20
        );
    }
}

#[test]
fn a_project_asking_for_the_hosts_secrets_is_refused_unless_allowed() {
    let cache = TempDir::new().expect("temp");
    let dir = TempDir::new().expect("temp");
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "a private key\n").expect("write");
    let file = dir.path().join("asks.plugboard.json");
    std::fs::write(
        &file,
        format!(
            r#"{{"format": 2, "nodes": [{{"id": "cli-demo", "component": "{}"}}],
                 "capabilities": {{"stdin": {{"kind": "file", "path": "secret.txt"}}}}}}"#,
            sample("cli-demo").display()
        ),
    )
    .expect("write");
    let out = run(plugboard(&cache).arg("run").arg(&file));
    let stderr = text(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("the project grants:"), "{stderr}");
    assert!(
        stderr.contains(&format!("the file `{}` as stdin", secret.display())),
        "{stderr}"
    );
    assert!(stderr.contains("--allow-project-grants"), "{stderr}");
    assert!(!text(&out.stdout).contains("a private key"));

    // Allowed, the relative path resolves against the project file, not the working directory.
    let out = run(plugboard(&cache)
        .args(["run", "--allow-project-grants"])
        .arg(&file)
        .current_dir(root()));
    assert!(
        text(&out.stdout).contains("a private key"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn an_http_allow_list_is_trimmed_and_checked() {
    let cache = TempDir::new().expect("temp");
    let out = run(plugboard(&cache)
        .args(["run", "-S", "http=example.com/path"])
        .arg(sample("http-client-demo")));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("is not a host"),
        "{}",
        text(&out.stderr)
    );
    // Answers one request on loopback.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address").to_string();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("a request");
        let mut head = [0u8; 4096];
        let _ = stream.read(&mut head);
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
    });
    let out = run(plugboard(&cache)
        .args(["run", "-S", &format!("http=a.test, {address}")])
        .args(["--env", &format!("URL=http://{address}/")])
        .arg(sample("http-client-demo")));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("status: 200"),
        "{}",
        text(&out.stdout)
    );
    server.join().expect("served");
}

#[test]
fn a_fused_run_that_would_widen_a_nodes_grants_is_refused() {
    let cache = TempDir::new().expect("temp");
    // Something listening where probe-app connects: a fused run must not reach it at all.
    let listener = std::net::TcpListener::bind("127.0.0.1:4000").ok();
    let out = run(plugboard(&cache)
        .args(["run", "--fused"])
        .arg(project("per-node-grants.plugboard.json")));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("one set of grants"), "{stderr}");
    assert!(
        stderr.contains("`probe-app` has the network")
            && stderr.contains("`net-probe` has no network"),
        "{stderr}"
    );
    assert!(text(&out.stdout).is_empty(), "nothing ran");
    if let Some(listener) = listener {
        listener.set_nonblocking(true).expect("nonblocking");
        assert!(listener.accept().is_err(), "no connection was made");
    }
}

#[test]
fn a_first_run_returns_without_waiting_for_the_optimized_code_and_the_next_finds_it() {
    let cache = TempDir::new().expect("temp");
    let cached = || {
        std::fs::read_dir(cache.path())
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|e| e.file_name().to_string_lossy().ends_with(".cwasm"))
                    .count()
            })
            .unwrap_or(0)
    };
    let out = run(plugboard(&cache).arg("run").arg(sample("cli-demo")));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        !text(&out.stderr).contains("caching compiled code"),
        "{}",
        text(&out.stderr)
    );
    // The quick code is cached before the process returns; the optimized code follows from the
    // detached process (waited for here with a generous bound, not timed).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
    while cached() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "no optimized code cached"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = run(plugboard(&cache).arg("run").arg(sample("cli-demo")));
    assert!(
        !text(&out.stderr).contains("compiling"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn trace_calls_prints_each_call_across_a_wire_or_writes_json_lines() {
    let cache = TempDir::new().expect("temp");
    let out = run(plugboard(&cache)
        .args(["run", "--trace-calls"])
        .arg(project("seed.plugboard.json")));
    assert_eq!(text(&out.stdout), SEED_LINES);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(
            r#"#1 consumer-app → string-operations: reverse("Hello WebAssembly Component Model") → "ledoM tnenopmoC ylbmessAbeW olleH""#
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("#2 consumer-app → string-operations: word-count("),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "2 calls on the wire into consumer-app `example:stringoperations/operations@0.1.0`"
        ),
        "{stderr}"
    );

    let dir = TempDir::new().expect("temp");
    let file = dir.path().join("calls.jsonl");
    let out = run(plugboard(&cache)
        .arg("run")
        .arg(format!("--trace-calls={}", file.display()))
        .arg(project("seed.plugboard.json")));
    assert_eq!(text(&out.stdout), SEED_LINES);
    let lines = std::fs::read_to_string(&file).expect("the trace");
    let functions: Vec<String> = lines
        .lines()
        .map(|line| {
            let call: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            call["function"].as_str().unwrap_or_default().to_string()
        })
        .collect();
    assert_eq!(functions, ["reverse", "word-count"]);
}

#[test]
fn a_wasi_0_3_command_runs_and_an_async_export_is_invoked() {
    let cache = TempDir::new().expect("temp");
    let out = run(plugboard(&cache)
        .arg("run")
        .arg(sample("p3-ticker"))
        .arg("2"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "WASI 0.3: an async run writing to a stream\ntick 1 of 2\ntick 2 of 2\n"
    );
    let out = run(plugboard(&cache)
        .arg("invoke")
        .arg(sample("p3-words"))
        .arg(r#"count("one two three")"#));
    assert_eq!(text(&out.stdout), "3\n");
    let out = run(plugboard(&cache)
        .arg("invoke")
        .arg(sample("p3-words"))
        .arg(r#"split("one two")"#));
    assert_eq!(text(&out.stdout), "stream[\"one\", \"two\"] (2 items)\n");
    let out = run(plugboard(&cache)
        .args(["run", "--trace-calls"])
        .arg(project("wasi-0.3-words.plugboard.json")));
    assert!(
        text(&out.stdout).ends_with("9 words\n"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stderr).contains("p3-words-app → p3-words: split("),
        "{}",
        text(&out.stderr)
    );
    assert!(
        text(&out.stderr).contains("9 stream items"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_stub_answers_an_import_from_a_file_and_its_calls_are_traced() {
    let cache = TempDir::new().expect("temp");
    let dir = TempDir::new().expect("temp");
    let answers = dir.path().join("operations.json");
    std::fs::write(
        &answers,
        r#"{"reverse": {"returns": "\"stubbed\""}, "word-count": {"returns": "7"}}"#,
    )
    .expect("written");
    let stub = format!("example:stringoperations/operations={}", answers.display());
    let out = run(plugboard(&cache)
        .args(["run", "--trace-calls", "--stub", &stub])
        .arg(sample("consumer-app")));
    assert_eq!(
        text(&out.stdout),
        "Original: Hello WebAssembly Component Model\nReversed: stubbed\nWords: 7\n"
    );
    assert_eq!(out.status.code(), Some(0));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(
            r#"#1 consumer-app → stub-consumer-app: reverse("Hello WebAssembly Component Model") → "stubbed""#
        ),
        "{stderr}"
    );

    // Without it, the import is missing; with a value that does not fit, the stub says so.
    let out = run(plugboard(&cache).arg("run").arg(sample("consumer-app")));
    assert_eq!(out.status.code(), Some(2), "the run failed");
    assert!(text(&out.stderr).contains("answer it with a stub"));
    std::fs::write(&answers, r#"{"word-count": {"returns": "-1"}}"#).expect("written");
    let out = run(plugboard(&cache)
        .args(["run", "--stub", &stub])
        .arg(sample("consumer-app")));
    assert_eq!(out.status.code(), Some(2), "the run failed");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("the stub `stub-consumer-app` cannot answer")
            && stderr.contains("`-1` is not a value `word-count` can return (a `u32`)"),
        "{stderr}"
    );
    assert!(text(&out.stdout).is_empty());

    // A stub no import takes, and a file that is not answers, are refused before anything runs.
    let out = run(plugboard(&cache)
        .args(["run", "--stub"])
        .arg(format!("example:nothing/here={}", answers.display()))
        .arg(sample("consumer-app")));
    assert!(text(&out.stderr).contains("no node has this import without a provider"));
    std::fs::write(&answers, "[1, 2]").expect("written");
    let out = run(plugboard(&cache)
        .args(["run", "--stub", &stub])
        .arg(sample("consumer-app")));
    assert!(text(&out.stderr).contains("must be a JSON object of answers"));
}

#[test]
fn a_wac_document_reads_back_as_a_project_that_runs() {
    let cache = TempDir::new().expect("temp");
    let dir = TempDir::new().expect("temp");
    let document = dir.path().join("seed.wac");
    let out = run(plugboard(&cache)
        .arg("wac")
        .arg(project("seed.plugboard.json"))
        .arg("-o")
        .arg(&document));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let read = dir.path().join("seed.plugboard.json");
    let from_wac = || {
        run(plugboard(&cache)
            .current_dir(dir.path())
            .arg("from-wac")
            .arg(&document)
            .arg("-o")
            .arg(&read))
    };
    let out = from_wac();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("(2 nodes, 1 wire)"));
    let out = run(plugboard(&cache).arg("run").arg(&read));
    assert_eq!(text(&out.stdout), SEED_LINES);

    std::fs::write(&document, "package a:b;\nlet x = new a:missing {};\n").expect("written");
    let out = from_wac();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("cannot find the package `a:missing`"));
}

#[test]
fn a_composition_is_shown_inside_and_decomposed_into_a_project_that_runs() {
    let cache = TempDir::new().expect("temp");
    let dir = TempDir::new().expect("temp");
    let composed = dir.path().join("seed.wasm");
    let out = run(plugboard(&cache)
        .arg("compose")
        .arg(project("seed.plugboard.json"))
        .arg("-o")
        .arg(&composed));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    let out = run(plugboard(&cache)
        .args(["inspect", "--graph"])
        .arg(&composed));
    let shown = text(&out.stdout);
    assert!(shown.starts_with("2 instances inside:"), "{shown}");
    assert!(
        shown.contains("  example:stringoperations/operations@0.1.0 ← "),
        "{shown}"
    );
    assert!(
        shown.contains("+ 14 imports from the host (imports of the composition)"),
        "{shown}"
    );
    let out = run(plugboard(&cache)
        .args(["inspect", "--graph"])
        .arg(sample("consumer-app")));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("is not a composition"));

    let parts = dir.path().join("parts");
    let out = run(plugboard(&cache)
        .arg("decompose")
        .arg(&composed)
        .arg("-o")
        .arg(&parts));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("(2 nodes, 1 wire)"));
    let out = run(plugboard(&cache)
        .arg("run")
        .arg(parts.join("seed.plugboard.json")));
    assert_eq!(text(&out.stdout), SEED_LINES);
}
