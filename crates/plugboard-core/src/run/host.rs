//! The host side of one store: WASI built from a [`CapabilityProfile`], outgoing HTTP behind an
//! allow-list, and the store's memory budget. (The linker that provides it all is in
//! [`super::linker`]; the capability log's wrappers are in [`super::audit`].)

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use wasmtime::ResourceLimiter;
use wasmtime::component::{Func, ResourceTable};
use wasmtime_wasi::p2::pipe::MemoryInputPipe;
use wasmtime_wasi::sockets::SocketAddrUse;
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpHooks, WasiHttpView};

use super::events::OutputStream;
use super::limits::{LimitHit, StoreBudget};
use super::proxy::{Proxied, ProxyHost, WireTypes};
use super::queue::EventQueue;
use super::stdio::GuestOutput;
use super::tap::Tap;
use super::{CapabilityProfile, HttpGrant, Limits, RunError, StdinSource};

/// Everything a store holds: the grants of each node whose code runs in it (one for a single
/// component, one per node for a linked project), the resource table they share, the memory
/// budget they share, and, for linked runs, the exports each wire forwards to.
pub(crate) struct HostState {
    nodes: Vec<NodeHost>,
    /// The node whose code is running: WASI calls are served with its grants.
    current: usize,
    table: ResourceTable,
    /// Where capability attempts are logged.
    queue: Arc<EventQueue>,
    limiter: StoreBudget,
    /// For each wire slot of a linked run, the export it calls and the node that owns it.
    pub(crate) forwards: Vec<Option<(Func, usize)>>,
    /// For each wire slot, the provider's resource types and the consumer's proxy types.
    pub(crate) wire_types: Vec<WireTypes>,
    /// The provider handles behind the proxies consumers hold.
    proxied: Proxied,
    /// The wire tap of a linked run that records its calls.
    pub(crate) tap: Option<Arc<Tap>>,
}

/// What one node is granted.
pub(crate) struct NodeHost {
    /// Its id in a linked run, named in its capability events.
    node: Option<String>,
    wasi: WasiCtx,
    http: WasiHttpCtx,
    hooks: HttpHooks,
    /// What the capability log knows of this node's grants and remembers of its calls.
    pub(crate) audit: NodeAudit,
}

/// What the capability log knows of one node's grants and remembers of its calls.
pub(crate) struct NodeAudit {
    /// Whether name lookups are allowed (wasmtime-wasi decides; the log says so).
    pub(crate) allow_ip_name_lookup: bool,
    /// What stdin holds, in a few words (`text (12 bytes)`, `` file `notes.txt` ``), or `None`.
    pub(crate) stdin: Option<String>,
    /// The guest path of each live descriptor, by its handle, so a path is logged as the guest
    /// sees it (`/data/notes.txt`, not `notes.txt` relative to some handle). Descriptors are
    /// only made by `get-directories` and `open-at`, both watched, so a reused handle is always
    /// written over before it is looked up.
    pub(crate) paths: HashMap<u32, String>,
    /// What was logged once already (guests ask for their directories, environment, arguments
    /// and stdin again and again).
    pub(crate) logged: Vec<&'static str>,
}

impl NodeAudit {
    /// Whether `what` is logged for the first time (and remembers it was).
    pub(crate) fn first(&mut self, what: &'static str) -> bool {
        let first = !self.logged.contains(&what);
        if first {
            self.logged.push(what);
        }
        first
    }

    /// `path` as the guest sees it: joined to the path of the descriptor it is relative to.
    pub(crate) fn full_path(&self, base: u32, path: &str) -> String {
        match self.paths.get(&base) {
            Some(dir) if path.is_empty() || path == "." => dir.clone(),
            Some(dir) => format!("{}/{path}", dir.trim_end_matches('/')),
            None => path.to_string(),
        }
    }
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
        limits: &Limits,
        queue: &Arc<EventQueue>,
    ) -> Result<Self, RunError> {
        let nodes = grants
            .iter()
            .map(|grant| {
                let node = grant.node.map(str::to_string);
                Ok(NodeHost {
                    wasi: wasi_ctx(grant, queue).map_err(|e| match grant.node {
                        Some(id) => e.of_node(&crate::project::NodeId::new(id)),
                        None => e,
                    })?,
                    http: WasiHttpCtx::new(),
                    hooks: HttpHooks {
                        node: node.clone(),
                        grant: grant.profile.http.clone(),
                        queue: queue.clone(),
                    },
                    node,
                    audit: NodeAudit {
                        allow_ip_name_lookup: grant.profile.allow_ip_name_lookup,
                        stdin: match &grant.profile.stdin {
                            StdinSource::None => None,
                            StdinSource::Text { text } => {
                                Some(format!("text ({} bytes)", text.len()))
                            }
                            StdinSource::File { path } => {
                                Some(format!("the file `{}`", path.display()))
                            }
                        },
                        paths: HashMap::new(),
                        logged: Vec::new(),
                    },
                })
            })
            .collect::<Result<Vec<_>, RunError>>()?;
        Ok(Self {
            nodes,
            current: 0,
            table: ResourceTable::new(),
            queue: queue.clone(),
            limiter: StoreBudget::new(limits),
            forwards: Vec::new(),
            wire_types: Vec::new(),
            proxied: Proxied::default(),
            tap: None,
        })
    }

    /// The run's event queue.
    pub(crate) fn queue(&self) -> &Arc<EventQueue> {
        &self.queue
    }

    /// The node whose code is running.
    pub(crate) fn current(&self) -> usize {
        self.current
    }

    /// The id of node `index` in a linked run.
    pub(crate) fn node_name(&self, index: usize) -> Option<&str> {
        self.nodes.get(index)?.node.as_deref()
    }

    /// Switches the node whose grants serve WASI calls (a forwarded call entering another node,
    /// or returning from it).
    pub(crate) fn set_current(&mut self, node: usize) {
        self.current = node.min(self.nodes.len().saturating_sub(1));
    }

    pub(crate) fn node(&mut self) -> &mut NodeHost {
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

    /// What the capability log knows and remembers of the running node.
    pub(crate) fn audit(&mut self) -> &mut NodeAudit {
        &mut self.node().audit
    }
}

impl ProxyHost for HostState {
    fn proxied(&mut self) -> &mut Proxied {
        &mut self.proxied
    }

    fn current(&self) -> usize {
        self.current
    }

    fn set_current(&mut self, node: usize) {
        HostState::set_current(self, node);
    }
}

/// The store's limiter: the budget, naming the node whose memory or table grew past it (the node
/// whose code runs, as for WASI calls: instantiating a node and forwarding a call set it).
impl ResourceLimiter for HostState {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let grown = self.limiter.memory_growing(current, desired, maximum);
        self.name_limit_hit(grown)
    }

    fn memory_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.limiter.memory_grow_failed(error)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let grown = self.limiter.table_growing(current, desired, maximum);
        self.name_limit_hit(grown)
    }

    fn table_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.limiter.table_grow_failed(error)
    }

    fn instances(&self) -> usize {
        self.limiter.instances()
    }

    fn tables(&self) -> usize {
        self.limiter.tables()
    }

    fn memories(&self) -> usize {
        self.limiter.memories()
    }
}

impl HostState {
    /// A limit hit, with the running node's name added.
    fn name_limit_hit(&mut self, grown: wasmtime::Result<bool>) -> wasmtime::Result<bool> {
        grown.map_err(|error| match error.downcast::<LimitHit>() {
            Ok(mut hit) => {
                hit.node = self.node().node.clone();
                wasmtime::Error::new(hit)
            }
            Err(error) => error,
        })
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
            let bytes =
                crate::files::read_bounded(path, crate::files::MAX_STDIN_BYTES, "stdin file")
                    .map_err(|e| RunError::Capability {
                        node: None,
                        message: format!("cannot read the stdin file: {e}"),
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
                node: None,
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
        let allowed = self.grant.permits(request.uri());
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
