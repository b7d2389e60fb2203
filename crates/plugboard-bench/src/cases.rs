//! The whole-process cases: Plugboard and its peer on the same input, in the same run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use plugboard_core::project::{Node, NodeId, Project, Wire, WireEnd};
use tempfile::TempDir;

use crate::measure::{Spread, Summary, measure, measure_pairs};

/// The fewest alternating pairs `plug` is measured in (outside quick mode): its target is a
/// ratio to `wac plug`, and on this noisy machine a ratio needs that many pairs to settle.
const PLUG_PAIRS: usize = 9;

/// Which figure a ratio compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Wall,
    FirstByte,
}

/// One whole-process case on one input.
#[derive(Debug)]
pub struct Row {
    pub case: &'static str,
    pub input: String,
    pub ours: Summary,
    pub peer: Option<(String, Summary)>,
    pub metric: Metric,
    /// The target ratio Plugboard / peer, where the issue sets one.
    pub target: Option<f64>,
    /// Plugboard / peer of each pair, when the two were run in alternation (else empty: the
    /// ratio is then that of the medians).
    pub pair_ratios: Vec<f64>,
}

/// One in-process case: Plugboard's time, and what it is compared with.
#[derive(Debug)]
pub struct InProcessRow {
    pub case: &'static str,
    pub input: String,
    pub ours: Spread,
    pub baseline: Option<(String, Duration)>,
    pub target: Option<f64>,
}

/// The peer tools found on this machine.
#[derive(Debug, Default)]
pub struct Peers {
    pub wasmtime: Option<PathBuf>,
    pub wasm_tools: Option<PathBuf>,
    pub wac: Option<PathBuf>,
}

impl Peers {
    /// Looks on PATH and in the peers' install directory (`../shared/peers/install.sh`).
    fn find() -> Self {
        let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).collect())
            .unwrap_or_default();
        if let Some(home) = std::env::var_os("HOME") {
            dirs.push(PathBuf::from(home).join(".cache/plugboard-peers/bin"));
        }
        let find = |name: &str| dirs.iter().map(|d| d.join(name)).find(|p| p.is_file());
        Self {
            wasmtime: find("wasmtime"),
            wasm_tools: find("wasm-tools"),
            wac: find("wac"),
        }
    }
}

/// The harness: inputs, tools, and the rows measured so far.
pub struct Bench {
    pub root: PathBuf,
    pub plugboard: PathBuf,
    pub runs: usize,
    pub quick: bool,
    pub peers: Peers,
    pub rows: Vec<Row>,
    pub inprocess: Vec<InProcessRow>,
    work: TempDir,
}

impl Bench {
    pub fn new(root: PathBuf, plugboard: PathBuf, runs: usize, quick: bool) -> Result<Self> {
        if !plugboard.is_file() {
            bail!(
                "no plugboard binary at {}: build it first",
                plugboard.display()
            );
        }
        Ok(Self {
            root,
            plugboard,
            runs,
            quick,
            peers: Peers::find(),
            rows: Vec::new(),
            inprocess: Vec::new(),
            work: TempDir::new()?,
        })
    }

    pub fn sample(&self, name: &str) -> PathBuf {
        self.root
            .join("target/samples")
            .join(format!("{name}.wasm"))
    }

    fn work(&self, name: &str) -> PathBuf {
        self.work.path().join(name)
    }

    /// A `plugboard` command whose compile cache is `cache`.
    fn plugboard(&self, cache: &Path) -> Command {
        let mut command = Command::new(&self.plugboard);
        command.env("PLUGBOARD_CACHE_DIR", cache);
        command
    }

    /// Runs every whole-process case.
    pub fn run_all(&mut self) -> Result<()> {
        let seed = self.work("seed.wasm");
        let status = self
            .plugboard(&self.work("cache-setup"))
            .args(["compose"])
            .arg(self.root.join("projects/seed.plugboard.json"))
            .arg("-o")
            .arg(&seed)
            .output()?;
        if !status.status.success() {
            bail!(
                "cannot compose the seed: {}",
                String::from_utf8_lossy(&status.stderr)
            );
        }
        let small = vec![(
            "seed pair",
            self.sample("string-operations"),
            self.sample("consumer-app"),
            seed,
        )];
        let mut inputs = small;
        if !self.quick {
            inputs.push((
                "18 MB Python",
                self.sample("py-stringops"),
                self.sample("consumer-app"),
                self.sample("py-command"),
            ));
        }
        for (label, provider, consumer, command) in &inputs {
            let python = *label != "seed pair";
            self.inspect(label, provider, python.then_some(0.5))?;
            self.plug(
                label,
                consumer,
                provider,
                Some(if python { 0.5 } else { 1.0 }),
            )?;
            self.run_cold(label, command, &[], python.then_some(0.3))?;
            self.run_warm(label, command, &[], python.then_some(1.0))?;
            self.invoke(label, provider)?;
        }
        // A WASI 0.3 command (an async run writing to a stream), no ticks: on an engine with
        // the component model's async support, against the wasmtime CLI's.
        let ticker = self.sample("p3-ticker");
        self.run_cold("WASI 0.3 command", &ticker, &["0"], None)?;
        self.run_warm("WASI 0.3 command", &ticker, &["0"], None)?;
        self.flood()?;
        self.traced_calls()?;
        Ok(())
    }

    /// Only `plug` against `wac plug`: the seed pair, then the 18 MB Python pair.
    pub fn plugs_only(&mut self) -> Result<()> {
        let socket = self.sample("consumer-app");
        self.plug(
            "seed pair",
            &socket,
            &self.sample("string-operations"),
            Some(1.0),
        )?;
        self.plug(
            "18 MB Python",
            &socket,
            &self.sample("py-stringops"),
            Some(0.5),
        )
    }

    /// A linked run making many calls across a wire, every one traced to a file, against the
    /// same run untraced: what the wire tap costs, and that its memory stays bounded.
    pub fn traced_calls(&mut self) -> Result<()> {
        let calls = if self.quick { "10000" } else { "1000000" };
        let project = self.work("call-loop.plugboard.json");
        let port = "example:stringoperations/operations@0.1.0";
        let end = |node: &str| WireEnd {
            node: NodeId::new(node),
            port: port.to_string(),
        };
        let mut loop_project = Project::default();
        for id in ["call-loop", "string-operations"] {
            loop_project.nodes.push(Node {
                id: NodeId::new(id),
                component: self.sample(id),
                sha256: None,
                position: Default::default(),
                capabilities: None,
                registry: None,
            });
        }
        loop_project.wires.push(Wire {
            from: end("string-operations"),
            to: end("call-loop"),
        });
        loop_project.save(&project, Path::new("/"))?;
        let cache = self.work("cache-warm");
        let trace = self.work("calls.jsonl");
        let traced = self.ours(&cache, true, |c| {
            c.arg("run")
                .arg(format!("--trace-calls={}", trace.display()))
                .arg(&project)
                .arg(calls);
        })?;
        let untraced = self.ours(&cache, true, |c| {
            c.arg("run").arg(&project).arg(calls);
        })?;
        let peer = Some(("untraced".to_string(), summary(&untraced)?));
        let label = format!("{calls} calls across a wire, traced to a file");
        self.push("wire tap", &label, &traced, peer, Metric::Wall, None)
    }

    /// The last `plug` case's peer and its median wall time: what recomposing in process is
    /// held against.
    pub fn plug_baseline(&self) -> Option<(String, std::time::Duration)> {
        self.rows
            .iter()
            .rev()
            .find(|r| r.case == "plug")
            .and_then(|r| r.peer.as_ref())
            .map(|(tool, s)| (tool.clone(), s.wall.median))
    }

    fn inspect(&mut self, label: &str, file: &Path, target: Option<f64>) -> Result<()> {
        let cache = self.work("cache-inspect");
        let ours = self.ours(&cache, !self.quick, |c| {
            c.args(["inspect", "--wit"]).arg(file);
        })?;
        let peer = self.peer(
            &self.peers.wasm_tools,
            "wasm-tools component wit",
            !self.quick,
            |c| {
                c.args(["component", "wit"]).arg(file);
            },
        )?;
        self.push("inspect", label, &ours, peer, Metric::Wall, target)
    }

    /// `plug` against `wac plug`, in alternating pairs (at least [`PLUG_PAIRS`]).
    fn plug(&mut self, label: &str, socket: &Path, plug: &Path, target: Option<f64>) -> Result<()> {
        let cache = self.work("cache-plug");
        let out = self.work("plugged.wasm");
        // Both tools take the same arguments.
        let plugging = |mut c: Command, out: &Path| {
            c.arg("plug")
                .arg(socket)
                .arg("--plug")
                .arg(plug)
                .arg("-o")
                .arg(out);
            c
        };
        let ours = || plugging(self.plugboard(&cache), &out);
        let Some(wac) = &self.peers.wac else {
            let ours = measure(self.runs, !self.quick, ours)?;
            return self.push("plug", label, &ours, None, Metric::Wall, target);
        };
        let wac_out = self.work("wac-plugged.wasm");
        let theirs = || plugging(Command::new(wac), &wac_out);
        let pairs = if self.quick {
            self.runs
        } else {
            self.runs.max(PLUG_PAIRS)
        };
        let (ours, theirs) = measure_pairs(pairs, !self.quick, ours, theirs)?;
        let peer = Some(("wac plug".to_string(), summary(&theirs)?));
        self.push("plug", label, &ours, peer, Metric::Wall, target)?;
        if let Some(row) = self.rows.last_mut() {
            row.pair_ratios = ours
                .iter()
                .zip(&theirs)
                .map(|(o, t)| o.wall.as_secs_f64() / t.wall.as_secs_f64())
                .collect();
        }
        Ok(())
    }

    /// Nothing cached: Plugboard with an empty cache directory each run, wasmtime with `-C cache=n`.
    /// Reported twice: until the first byte of output, and until the prompt returns (the
    /// optimized code is then still compiling in a detached process: each run waits for the
    /// previous one's to be cached, so it does not share the cores with the next measurement).
    fn run_cold(
        &mut self,
        label: &str,
        file: &Path,
        args: &[&str],
        target: Option<f64>,
    ) -> Result<()> {
        let mut fresh = 0;
        let ours = measure(self.runs, !self.quick, || {
            if fresh > 0 {
                wait_for_optimized_code(&self.work(&format!("cold-{fresh}")));
            }
            fresh += 1;
            let mut c = self.plugboard(&self.work(&format!("cold-{fresh}")));
            c.arg("run").arg(file).args(args);
            c
        })?;
        wait_for_optimized_code(&self.work(&format!("cold-{fresh}")));
        let peer = self.peer(
            &self.peers.wasmtime,
            "wasmtime run -C cache=n",
            !self.quick,
            |c| {
                c.args(["run", "-C", "cache=n"]).arg(file).args(args);
            },
        )?;
        self.push(
            "run, cold",
            label,
            &ours,
            peer.clone(),
            Metric::FirstByte,
            target,
        )?;
        self.push("run, cold (total)", label, &ours, peer, Metric::Wall, None)
    }

    /// Both caches warm: the warm-up run fills them.
    fn run_warm(
        &mut self,
        label: &str,
        file: &Path,
        args: &[&str],
        target: Option<f64>,
    ) -> Result<()> {
        let ours = self.ours_warm(|c| {
            c.arg("run").arg(file).args(args);
        })?;
        let peer = self.peer(&self.peers.wasmtime, "wasmtime run", true, |c| {
            c.arg("run").arg(file).args(args);
        })?;
        self.push("run, warm", label, &ours, peer, Metric::Wall, target)
    }

    fn invoke(&mut self, label: &str, file: &Path) -> Result<()> {
        let call = r#"reverse("Hello WebAssembly")"#;
        let ours = self.ours_warm(|c| {
            c.arg("invoke").arg(file).arg(call);
        })?;
        let peer = self.peer(&self.peers.wasmtime, "wasmtime run --invoke", true, |c| {
            c.args(["run", "--invoke", call]).arg(file);
        })?;
        self.push("invoke, warm", label, &ours, peer, Metric::Wall, None)
    }

    /// The stdout flood, read as fast as a pipe allows: Plugboard's time and peak memory.
    fn flood(&mut self) -> Result<()> {
        let mib = if self.quick { "16" } else { "1024" };
        let file = self.sample("hostile-flood");
        let ours = self.ours_warm(|c| {
            c.arg("run").arg(&file).arg(mib);
        })?;
        let peer = self.peer(&self.peers.wasmtime, "wasmtime run", true, |c| {
            c.arg("run").arg(&file).arg(mib);
        })?;
        let label = format!("{mib} MiB to stdout");
        self.push("stdout flood", &label, &ours, peer, Metric::Wall, None)
    }

    /// Measures `plugboard` with a warm compile cache of its own: one run fills it, and the
    /// measured runs start once the optimized code that run compiles in the background is in
    /// it too (else they would share the cores with that compile, and run the quick code).
    fn ours_warm(&self, args: impl Fn(&mut Command)) -> Result<Vec<crate::measure::Sample>> {
        let cache = self.work(&format!("cache-warm-{}", self.rows.len()));
        let mut first = self.plugboard(&cache);
        args(&mut first);
        crate::measure::run_once(&mut first)?;
        wait_for_optimized_code(&cache);
        self.ours(&cache, false, args)
    }

    /// Measures `plugboard` with the compile cache `cache`: `args` adds the arguments.
    fn ours(
        &self,
        cache: &Path,
        warmup: bool,
        args: impl Fn(&mut Command),
    ) -> Result<Vec<crate::measure::Sample>> {
        measure(self.runs, warmup, || {
            let mut command = self.plugboard(cache);
            args(&mut command);
            command
        })
    }

    /// Measures a peer tool (when it is installed) on the same input: `args` adds the arguments.
    fn peer(
        &self,
        tool: &Option<PathBuf>,
        label: &str,
        warmup: bool,
        args: impl Fn(&mut Command),
    ) -> Result<Option<(String, Summary)>> {
        let Some(tool) = tool else {
            return Ok(None);
        };
        let samples = measure(self.runs, warmup, || {
            let mut command = Command::new(tool);
            args(&mut command);
            command
        })?;
        Ok(Some((label.to_string(), summary(&samples)?)))
    }

    fn push(
        &mut self,
        case: &'static str,
        input: &str,
        ours: &[crate::measure::Sample],
        peer: Option<(String, Summary)>,
        metric: Metric,
        target: Option<f64>,
    ) -> Result<()> {
        let row = Row {
            case,
            input: input.to_string(),
            ours: summary(ours)?,
            peer,
            metric,
            target,
            pair_ratios: Vec::new(),
        };
        eprintln!("measured {case} on {input}");
        self.rows.push(row);
        Ok(())
    }
}

/// Waits (at most two minutes) until the cache that one run of one component filled holds its
/// optimized code as well as its quick code: two compiled files.
fn wait_for_optimized_code(cache: &Path) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let compiled = || {
        std::fs::read_dir(cache).map_or(0, |entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().ends_with(".cwasm"))
                .count()
        })
    };
    while compiled() < 2 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

fn summary(samples: &[crate::measure::Sample]) -> Result<Summary> {
    Summary::of(samples).context("no samples")
}
