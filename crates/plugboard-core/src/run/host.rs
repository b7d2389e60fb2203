//! The host side of one store: WASI built from a [`CapabilityProfile`], outgoing HTTP behind an
//! allow-list, a memory limiter, and the linker that provides all of it.

use std::net::SocketAddr;
use std::sync::Arc;

use wasmtime::component::{Func, Linker, ResourceTable};
use wasmtime::{Engine, ResourceLimiter};
use wasmtime_wasi::p2::pipe::MemoryInputPipe;
use wasmtime_wasi::sockets::SocketAddrUse;
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpHooks, WasiHttpView};

use super::events::OutputStream;
use super::filesystem::{FilesystemLog, log_filesystem};
use super::queue::EventQueue;
use super::stdio::GuestOutput;
use super::{CapabilityProfile, HttpGrant, RunError, StdinSource};

/// Everything a store holds: the grants of each node whose code runs in it (one for a single
/// component, one per node for a linked project), the resource table they share, the memory
/// limiter, and, for linked runs, the exports each wire forwards to.
pub(crate) struct HostState {
    nodes: Vec<NodeHost>,
    /// The node whose code is running: WASI calls are served with its grants.
    current: usize,
    table: ResourceTable,
    /// Where capability attempts are logged.
    queue: Arc<EventQueue>,
    pub(crate) limiter: MemoryLimiter,
    /// For each wire slot of a linked run, the export it calls and the node that owns it.
    pub(crate) forwards: Vec<Option<(Func, usize)>>,
}

/// What one node is granted.
struct NodeHost {
    /// Its id in a linked run, named in its capability events.
    node: Option<String>,
    wasi: WasiCtx,
    http: WasiHttpCtx,
    hooks: HttpHooks,
    /// Whether name lookups are allowed (wasmtime-wasi decides; the log says so).
    allow_ip_name_lookup: bool,
    filesystem: FilesystemLog,
}

/// The grants of one node of a run.
pub(crate) struct NodeGrant<'a> {
    /// The node's id in a linked run (named in its capability events); `None` for one component.
    pub(crate) node: Option<&'a str>,
    /// The guest's `argv[0]`.
    pub(crate) program: &'a str,
    /// What it is granted.
    pub(crate) profile: &'a CapabilityProfile,
}

impl HostState {
    /// Host state granting each node exactly its profile, with output going to `queue`.
    ///
    /// # Errors
    /// [`RunError::Capability`] when a granted directory or stdin file cannot be opened.
    pub(crate) fn new(
        grants: &[NodeGrant<'_>],
        max_memory: Option<u64>,
        queue: &Arc<EventQueue>,
    ) -> Result<Self, RunError> {
        let nodes = grants
            .iter()
            .map(|grant| {
                let node = grant.node.map(str::to_string);
                Ok(NodeHost {
                    wasi: wasi_ctx(grant, queue)?,
                    http: WasiHttpCtx::new(),
                    hooks: HttpHooks {
                        node: node.clone(),
                        grant: grant.profile.http.clone(),
                        queue: queue.clone(),
                    },
                    node,
                    allow_ip_name_lookup: grant.profile.allow_ip_name_lookup,
                    filesystem: FilesystemLog::default(),
                })
            })
            .collect::<Result<Vec<_>, RunError>>()?;
        Ok(Self {
            nodes,
            current: 0,
            table: ResourceTable::new(),
            queue: queue.clone(),
            limiter: MemoryLimiter {
                max_bytes: max_memory,
            },
            forwards: Vec::new(),
        })
    }

    /// The node whose code is running.
    pub(crate) fn current(&self) -> usize {
        self.current
    }

    /// Switches the node whose grants serve WASI calls (a forwarded call entering another node,
    /// or returning from it).
    pub(crate) fn set_current(&mut self, node: usize) {
        self.current = node.min(self.nodes.len().saturating_sub(1));
    }

    fn node(&mut self) -> &mut NodeHost {
        // `set_current` keeps the index in range and `new` makes at least one node for a run.
        let last = self.nodes.len().saturating_sub(1);
        &mut self.nodes[self.current.min(last)]
    }

    /// Logs an attempt of the running node's code to use a capability.
    pub(crate) fn log_capability(
        &mut self,
        interface: &str,
        target: String,
        allowed: bool,
        toggle: &str,
    ) {
        let queue = self.queue.clone();
        queue.capability(
            self.node().node.as_deref(),
            interface,
            target,
            allowed,
            toggle,
        );
    }

    /// What the running node's filesystem log remembers.
    pub(crate) fn filesystem_log(&mut self) -> &mut FilesystemLog {
        &mut self.node().filesystem
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        let last = self.nodes.len().saturating_sub(1);
        WasiCtxView {
            ctx: &mut self.nodes[self.current.min(last)].wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for HostState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        let last = self.nodes.len().saturating_sub(1);
        let node = &mut self.nodes[self.current.min(last)];
        WasiHttpCtxView {
            ctx: &mut node.http,
            table: &mut self.table,
            hooks: &mut node.hooks,
        }
    }
}

/// A linker providing every WASI 0.2 interface wasmtime has (cli, clocks, filesystem, io,
/// random, sockets) and `wasi:http`. Denied capabilities stay linked and fail when called.
pub(crate) fn linker(engine: &Engine) -> Result<Linker<HostState>, RunError> {
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker).map_err(RunError::host)?;
    wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker).map_err(RunError::host)?;
    log_name_lookups(&mut linker).map_err(RunError::host)?;
    log_filesystem(&mut linker).map_err(RunError::host)?;
    Ok(linker)
}

/// The `wasi:sockets/ip-name-lookup` instance wasmtime-wasi defines (its WIT's version).
const NAME_LOOKUP: &str = "wasi:sockets/ip-name-lookup@0.2.12";

/// Replaces `resolve-addresses` with a wrapper that logs every lookup (with the host name the
/// guest asked for) before wasmtime-wasi decides it: wasmtime-wasi has no hook there.
fn log_name_lookups(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    use wasmtime::StoreContextMut;
    use wasmtime::component::Resource;
    use wasmtime_wasi::p2::Network;
    use wasmtime_wasi::p2::bindings::sockets::ip_name_lookup::{Host, ResolveAddressStream};
    use wasmtime_wasi::p2::bindings::sockets::network::ErrorCode;
    use wasmtime_wasi::sockets::WasiSocketsView;

    type Lookup = (Result<Resource<ResolveAddressStream>, ErrorCode>,);
    linker.allow_shadowing(true);
    linker.instance(NAME_LOOKUP)?.func_wrap(
        "resolve-addresses",
        |mut store: StoreContextMut<'_, HostState>,
         (network, name): (Resource<Network>, String)|
         -> wasmtime::Result<Lookup> {
            let state = store.data_mut();
            let allowed = state.node().allow_ip_name_lookup;
            state.log_capability(
                "wasi:sockets/ip-name-lookup",
                name.clone(),
                allowed,
                "allow-ip-name-lookup",
            );
            match Host::resolve_addresses(&mut state.sockets(), network, name) {
                Ok(stream) => Ok((Ok(stream),)),
                Err(error) => Ok((Err(error.downcast()?),)),
            }
        },
    )?;
    linker.allow_shadowing(false);
    Ok(())
}

fn wasi_ctx(grant: &NodeGrant<'_>, queue: &Arc<EventQueue>) -> Result<WasiCtx, RunError> {
    let (program, profile) = (grant.program, grant.profile);
    let mut builder = WasiCtxBuilder::new();
    builder
        .stdout(GuestOutput::new(queue.clone(), OutputStream::Stdout))
        .stderr(GuestOutput::new(queue.clone(), OutputStream::Stderr))
        .arg(program)
        .args(&profile.args);
    match &profile.stdin {
        StdinSource::None => {}
        StdinSource::Text { text } => {
            builder.stdin(MemoryInputPipe::new(text.clone().into_bytes()));
        }
        StdinSource::File { path } => {
            let bytes = std::fs::read(path).map_err(|e| RunError::Capability {
                message: format!("cannot read the stdin file `{}`: {e}", path.display()),
            })?;
            builder.stdin(MemoryInputPipe::new(bytes));
        }
    }
    if profile.inherit_env {
        builder.inherit_env();
    }
    for var in &profile.env {
        builder.env(&var.key, &var.value);
    }
    for dir in &profile.dirs {
        let perms = if dir.read_only {
            FsPerms::ReadOnly
        } else {
            FsPerms::ReadWrite
        };
        builder
            .preopened_dir(&dir.host, &dir.guest, perms)
            .map_err(|e| RunError::Capability {
                message: format!(
                    "cannot grant directory `{}` as `{}`: {e}",
                    dir.host.display(),
                    dir.guest
                ),
            })?;
    }
    let network = profile.inherit_network;
    let socket_queue = queue.clone();
    let node = grant.node.map(str::to_string);
    builder.socket_addr_check(move |addr, use_| {
        let allowed = decide_socket_use(&socket_queue, node.as_deref(), addr, use_, network);
        Box::pin(async move { allowed })
    });
    // Sockets may be created; whether they may connect, bind or send is the address check's call.
    builder.allow_tcp(true).allow_udp(true);
    builder.allow_ip_name_lookup(profile.allow_ip_name_lookup);
    Ok(builder.build())
}

/// Decides one socket use and records it in the capability log.
///
/// The implicit bind to the wildcard address that precedes every connect is always allowed and
/// not logged: it moves no data, and the connect (or listen, or send) that follows is checked and
/// logged with its real target.
fn decide_socket_use(
    queue: &EventQueue,
    node: Option<&str>,
    addr: SocketAddr,
    use_: SocketAddrUse,
    network: bool,
) -> bool {
    let (interface, verb) = match use_ {
        SocketAddrUse::TcpBind => ("wasi:sockets/tcp", "bind"),
        SocketAddrUse::TcpListen => ("wasi:sockets/tcp", "listen"),
        SocketAddrUse::TcpAccept => ("wasi:sockets/tcp", "accept"),
        SocketAddrUse::TcpConnect => ("wasi:sockets/tcp", "connect"),
        SocketAddrUse::UdpBind => ("wasi:sockets/udp", "bind"),
        SocketAddrUse::UdpSend => ("wasi:sockets/udp", "send"),
        SocketAddrUse::UdpReceive => ("wasi:sockets/udp", "receive"),
    };
    let implicit_bind = matches!(use_, SocketAddrUse::TcpBind | SocketAddrUse::UdpBind)
        && addr.ip().is_unspecified()
        && addr.port() == 0;
    if implicit_bind {
        return true;
    }
    queue.capability(
        node,
        interface,
        format!("{verb} {addr}"),
        network,
        "inherit-network",
    );
    network
}

/// Outgoing HTTP: every request is logged, and sent only when the grant permits its host.
struct HttpHooks {
    node: Option<String>,
    grant: HttpGrant,
    queue: Arc<EventQueue>,
}

type SendResult = Result<
    (
        http::Response<wasmtime_wasi_http::WasiBody>,
        Box<dyn Future<Output = Result<(), wasmtime_wasi_http::Error>> + Send>,
    ),
    wasmtime_wasi_http::Error,
>;

impl WasiHttpHooks for HttpHooks {
    fn send_request(
        &mut self,
        request: http::Request<wasmtime_wasi_http::WasiBody>,
        options: Option<wasmtime_wasi_http::RequestOptions>,
        fut: Box<dyn Future<Output = Result<(), wasmtime_wasi_http::Error>> + Send>,
    ) -> Box<dyn Future<Output = SendResult> + Send> {
        let authority = request
            .uri()
            .authority()
            .map(|a| a.as_str().to_string())
            .unwrap_or_default();
        let allowed = self.grant.permits(&authority);
        let target = format!("{} {}", request.method(), request.uri());
        self.queue.capability(
            self.node.as_deref(),
            "wasi:http/outgoing-handler",
            target,
            allowed,
            "http",
        );
        if !allowed {
            return Box::new(async { Err(wasmtime_wasi_http::Error::HttpRequestDenied) });
        }
        let default = wasmtime_wasi_http::default_hooks();
        default.send_request(request, options, fut)
    }
}

/// Refuses to grow any memory past the limit, with an error that names the sizes.
pub(crate) struct MemoryLimiter {
    max_bytes: Option<u64>,
}

/// The error a memory limit hit traps with; the runner turns it into
/// [`super::RunEvent::OutOfMemory`].
#[derive(Debug, thiserror::Error)]
#[error("memory limit of {limit} bytes reached: a memory tried to grow to {requested} bytes")]
pub(crate) struct MemoryLimitHit {
    pub(crate) limit: u64,
    pub(crate) requested: u64,
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        match self.max_bytes {
            Some(limit) if desired as u64 > limit => Err(wasmtime::Error::new(MemoryLimitHit {
                limit,
                requested: desired as u64,
            })),
            _ => Ok(true),
        }
    }

    fn table_growing(
        &mut self,
        _current: usize,
        _desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(true)
    }
}
