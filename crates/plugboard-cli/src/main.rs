//! `plugboard`: inspect, compose, plug, run, invoke and serve WebAssembly components from the
//! command line. Every decision is the engine's (`plugboard-core`); this binary parses arguments,
//! calls one engine function and prints the result.

mod compose;
mod deploy;
mod inspect;
mod optimize;
mod output;
mod registry;
mod run;
mod stubs;
mod trace;

use std::ffi::OsString;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use plugboard_core::deploy::DeployTarget;

/// Compose WebAssembly components and run them in wasmtime.
#[derive(Parser)]
#[command(name = "plugboard", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Show what a component imports and exports, with types and docs.
    Inspect {
        /// The component (or WIT package) file.
        file: PathBuf,
        /// Print the full inspection as JSON.
        #[arg(long, conflicts_with = "wit")]
        json: bool,
        /// Print the component's WIT.
        #[arg(long)]
        wit: bool,
        /// Print what a composition is made of: its inner components' instances, what each
        /// import is given, and what it exports (with --json, as JSON).
        #[arg(long, conflicts_with = "wit")]
        graph: bool,
    },
    /// Take a composition apart: write the components inside it to DIR and a project that
    /// instantiates and wires them as it did (DIR/NAME.plugboard.json).
    Decompose {
        /// The composed component.
        file: PathBuf,
        /// The folder to write into.
        #[arg(short, long, value_name = "DIR")]
        output: PathBuf,
    },
    /// Compose a project (`*.plugboard.json`) into one component.
    Compose {
        /// The project file.
        project: PathBuf,
        /// Where to write the composed component.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Plug the exports of PLUG components into the imports of SOCKET (as `wac plug` does).
    Plug {
        /// The component whose imports are satisfied.
        socket: PathBuf,
        /// A component whose exports satisfy the socket's imports (repeatable).
        #[arg(long = "plug", required_unless_present = "auto_from")]
        plugs: Vec<PathBuf>,
        /// Plug every open import that exactly one component in DIR fits; an import several
        /// fit is refused with its candidates (choose one with --plug).
        #[arg(long, value_name = "DIR")]
        auto_from: Option<PathBuf>,
        /// Where to write the composed component.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Run a command component or a project, streaming its output; exits with the guest's code.
    /// As with `wasmtime run`, everything after the file is the guest's: `plugboard run
    /// calc.wasm 1 2 add` (Plugboard's own options go before the file).
    Run {
        #[command(flatten)]
        grants: run::Grants,
        /// Run a project as one composed component instead of linking its nodes at run time.
        #[arg(long)]
        fused: bool,
        /// Record every call across a wire of a linked project: printed to stderr, or with
        /// `--trace-calls=FILE` written to FILE as JSON lines.
        #[arg(
            long,
            value_name = "FILE",
            num_args = 0..=1,
            require_equals = true,
            default_missing_value = "-"
        )]
        trace_calls: Option<PathBuf>,
        /// A component file or a project (`*.plugboard.json`), then the guest's arguments (a
        /// `--` right after the file is skipped).
        #[arg(
            value_name = "FILE [ARGS]",
            required = true,
            num_args = 1..,
            trailing_var_arg = true,
            allow_hyphen_values = true
        )]
        command: Vec<OsString>,
    },
    /// Compiles the component on stdin into the cache (run detached by `plugboard run`).
    #[command(name = optimize::SUBCOMMAND, hide = true)]
    CacheOptimized {
        /// The component's name.
        name: String,
    },
    /// Call one exported function with WAVE arguments: `plugboard invoke F 'reverse("abc")'`;
    /// or, with `--session`, call one instance line by line from stdin.
    Invoke {
        /// A component file, or a project.
        file: PathBuf,
        /// The call, in WAVE: `name(arg, …)`, `iface#name(…)`, or a resource's method on a new
        /// instance its constructor makes: `tally(5).add(3)`.
        #[arg(required_unless_present = "session", conflicts_with = "session")]
        call: Option<String>,
        /// Keep one instance and run one WAVE call per line of stdin against it, printing each
        /// answer on a line: `b = bucket("x")` names the handle a call returns, `b.get("k")`
        /// calls its method, `size-of(b)` passes it, `drop b` drops it. Exits 1 if a line was
        /// refused.
        #[arg(long)]
        session: bool,
        #[command(flatten)]
        grants: run::Grants,
        /// Invoke a project's composed component instead of linking its nodes.
        #[arg(long)]
        fused: bool,
    },
    /// Serve a `wasi:http/proxy` component (or project) on a local port until Ctrl-C.
    Serve {
        /// A component file, or a project.
        file: PathBuf,
        /// The address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        #[command(flatten)]
        grants: run::Grants,
        /// Serve a project's composed component instead of linking its nodes.
        #[arg(long)]
        fused: bool,
        /// Record every call across a wire of a linked project: printed to stderr, or with
        /// `--trace-calls=FILE` written to FILE as JSON lines.
        #[arg(
            long,
            value_name = "FILE",
            num_args = 0..=1,
            require_equals = true,
            default_missing_value = "-"
        )]
        trace_calls: Option<PathBuf>,
    },
    /// Publish a component, or a project's composition, to an OCI registry in the layout wkg
    /// uses; prints the reference and the digest the registry gave it. A registry on a
    /// loopback address is spoken to in plain HTTP.
    Publish {
        /// A component file (or registry reference), or a project (`*.plugboard.json`).
        file: PathBuf,
        /// Where to: `127.0.0.1:5000/ns/name:1.0.0`, `ghcr.io/owner/name:tag`, or a package
        /// name `namespace:name@1.0.0` (its registry from PLUGBOARD_REGISTRY or wkg's config).
        reference: String,
    },
    /// Print a project as an equivalent WAC document (for `wac compose`).
    Wac {
        /// The project file.
        project: PathBuf,
        /// Write the document here instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Write a project as a deploy manifest for an engine that runs it on many machines: a
    /// Spin application (`spin.toml`) or a wasmCloud `WorkloadDeployment`. What the target
    /// cannot express (read-only folders, per-dependency grants, stubs, …) is printed to stderr.
    Export {
        /// The project file.
        project: PathBuf,
        /// Write a Spin 4 application manifest (`spin.toml`).
        #[arg(
            long,
            required_unless_present = "wasmcloud",
            conflicts_with = "wasmcloud"
        )]
        spin: bool,
        /// Write a wasmCloud v2 `WorkloadDeployment` (YAML).
        #[arg(long)]
        wasmcloud: bool,
        /// Write the manifest here instead of stdout (paths in it are relative to its folder).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Read a WAC document as a project: one node per `let … = new …`, its wires and exports.
    /// Packages are found as `wac compose` finds them.
    FromWac {
        /// The WAC document.
        document: PathBuf,
        /// The folder holding each package as NAMESPACE/NAME.wasm.
        #[arg(long, value_name = "DIR", default_value = "deps")]
        deps_dir: PathBuf,
        /// A package's component file (repeatable).
        #[arg(long = "dep", value_name = "PACKAGE=FILE")]
        deps: Vec<String>,
        /// The project file to write.
        #[arg(short, long)]
        output: PathBuf,
    },
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Inspect {
            file,
            json,
            wit,
            graph,
        } => registry::resolve(&file)
            .and_then(|resolved| inspect::run(&file, &resolved, json, wit, graph)),
        Command::Decompose { file, output } => {
            registry::resolve(&file).and_then(|file| compose::decompose(&file, &output))
        }
        Command::Compose { project, output } => compose::compose(&project, &output),
        Command::Plug {
            socket,
            plugs,
            auto_from,
            output,
        } => compose::plug(&socket, &plugs, auto_from.as_deref(), &output),
        Command::Publish { file, reference } => registry::publish(&file, &reference),
        Command::Wac { project, output } => compose::wac(&project, output.as_deref()),
        Command::Export {
            project,
            spin,
            wasmcloud: _,
            output,
        } => {
            let target = if spin {
                DeployTarget::Spin
            } else {
                DeployTarget::Wasmcloud
            };
            deploy::export(&project, target, output.as_deref())
        }
        Command::FromWac {
            document,
            deps_dir,
            deps,
            output,
        } => compose::from_wac(&document, deps_dir, &deps, &output),
        Command::Run {
            grants,
            fused,
            trace_calls,
            command,
        } => {
            let (file, args) = file_and_guest_args(command);
            registry::resolve(&file)
                .and_then(|file| run::run(&file, &grants, &args, fused, trace_calls.as_deref()))
        }
        Command::CacheOptimized { name } => optimize::cache_optimized(&name),
        Command::Invoke {
            file,
            call,
            session,
            grants,
            fused,
        } => registry::resolve(&file).and_then(|file| match call {
            Some(call) if !session => run::invoke(&file, &call, &grants, fused),
            _ => run::session(&file, &grants, fused),
        }),
        Command::Serve {
            file,
            addr,
            grants,
            fused,
            trace_calls,
        } => registry::resolve(&file)
            .and_then(|file| run::serve(&file, addr, &grants, fused, trace_calls.as_deref())),
    };
    let code = result.unwrap_or_else(|error| {
        eprintln!("error: {}", output::error_text(&error));
        1
    });
    // Exit without tearing down: freeing components of many megabytes, page by page, would
    // only make the command slower to return.
    let _ = std::io::stdout().flush();
    std::process::exit(i32::from(code));
}

/// Splits `run`'s trailing values into the file and the guest's arguments, skipping one `--`
/// right after the file (the way earlier versions took the guest's arguments).
fn file_and_guest_args(command: Vec<OsString>) -> (PathBuf, Vec<String>) {
    let mut values = command.into_iter();
    let file = PathBuf::from(values.next().unwrap_or_default());
    let mut args: Vec<String> = values
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    if args.first().is_some_and(|first| first == "--") {
        args.remove(0);
    }
    (file, args)
}
