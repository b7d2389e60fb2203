//! Engines, compilation and the compile cache.
//!
//! Compiled components are kept in memory and on disk, keyed by the component's SHA-256 and the
//! engine's compatibility hash, so the same bytes compile once per machine and engine
//! configuration; concurrent requests for the same bytes share one compilation. Every engine's
//! epoch advances every [`EPOCH_TICK`], which lets a run's deadline and Stop interrupt even a
//! guest spinning in a loop.
//!
//! Three tiers: *optimized* (Cranelift), *quick* (Winch: compiles several times faster, runs
//! slower) and *metered* (Cranelift counting fuel). With quick-first on, a run whose components
//! have no optimized code yet starts on quick code and the optimized code is compiled in the
//! background for the runs after it.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::OnceCell;
use tokio::task::JoinHandle;
use wasmtime::component::{Component, InstancePre, Linker};
use wasmtime::{Config, Engine, Strategy};

use super::RunError;
use super::events::RunEvent;
use super::host::HostState;
use super::linker::linker;
use super::queue::EventQueue;
use crate::compose::LoadedComponent;
use crate::project::NodeId;

/// How often every engine's epoch advances: the granularity of Stop and timeouts.
const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Component bytes to run, with their identity.
#[derive(Debug, Clone)]
pub struct ComponentSource {
    /// A name for messages and the guest's `argv[0]` (usually the file name).
    pub name: String,
    /// The bytes.
    pub bytes: Bytes,
    /// Their SHA-256 (lowercase hex): the cache key.
    pub sha256: String,
}

impl ComponentSource {
    /// Wraps bytes, hashing them.
    pub fn new(name: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        Self {
            name: name.into(),
            sha256: crate::inspect::sha256_hex(&bytes),
            bytes,
        }
    }

    /// A loaded component, named by its file (or by `node` when the path has no file name),
    /// with the hash loading it computed.
    pub fn of_loaded(component: &LoadedComponent, node: &NodeId) -> Self {
        Self {
            name: component
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| node.to_string()),
            bytes: component.bytes.clone(),
            sha256: component.info.sha256.clone(),
        }
    }

    /// Reads a component file (binary, or WebAssembly text), refusing anything but a regular file
    /// of at most [`crate::files::MAX_COMPONENT_BYTES`].
    ///
    /// # Errors
    /// [`RunError::Compile`] naming the file and what is wrong.
    pub fn from_file(path: &Path) -> Result<Self, RunError> {
        let (bytes, sha256) =
            crate::inspect::read_component(path).map_err(|e| RunError::Compile {
                node: None,
                message: e.to_string(),
            })?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "component.wasm".to_string());
        Ok(Self {
            name,
            bytes: bytes.into(),
            sha256,
        })
    }
}

/// Which compiler an engine uses, and whether it meters fuel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compiler {
    /// Cranelift: slower to compile, fast code. What the caches keep for good.
    Optimized,
    /// Winch: compiles several times faster; for the first run of new bytes.
    Quick,
    /// Cranelift with fuel metering (a fuel limit changes the compiled code).
    Metered,
}

/// An engine configuration: its compiler, and whether it has the component model's async
/// support. WASI 0.3 components (async functions, streams, futures) need it; everything else
/// runs without it, exactly as before it existed — with it, a call from a host function into
/// another instance (a linked wire) must itself be async, which plain functions cannot be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tier {
    pub(crate) compiler: Compiler,
    pub(crate) asynchronous: bool,
}

impl Tier {
    /// The optimized tier of the same asynchrony.
    pub(crate) fn optimized(self) -> Self {
        Self {
            compiler: Compiler::Optimized,
            ..self
        }
    }

    pub(crate) fn is_quick(self) -> bool {
        self.compiler == Compiler::Quick
    }

    /// Its place among [`Engines`]' slots.
    fn index(self) -> usize {
        let compiler = match self.compiler {
            Compiler::Optimized => 0,
            Compiler::Quick => 1,
            Compiler::Metered => 2,
        };
        compiler * 2 + usize::from(self.asynchronous)
    }
}

/// How many engine configurations there are: three compilers, with and without async support.
const TIERS: usize = 6;

/// The tier almost every run uses: optimized code, no async support.
const PLAIN_OPTIMIZED: Tier = Tier {
    compiler: Compiler::Optimized,
    asynchronous: false,
};

/// One engine configuration with its linker and caches.
pub(crate) struct EngineSlot {
    pub(crate) engine: Engine,
    linker: Linker<HostState>,
    compat: u64,
    /// Compiled components by SHA-256; a cell being filled is a compilation in flight.
    compiled: Mutex<HashMap<String, Arc<OnceCell<Component>>>>,
    prepared: Mutex<HashMap<String, InstancePre<HostState>>>,
}

/// The engines a runtime uses, each made on first use.
pub(crate) struct Engines {
    slots: [OnceLock<Result<EngineSlot, String>>; TIERS],
    /// Whether each component (by SHA-256) needs the component model's async support.
    asynchrony: Mutex<HashMap<String, bool>>,
    quick_first: bool,
    cache_dir: Option<PathBuf>,
    compiles: AtomicU64,
    background: Mutex<Vec<JoinHandle<()>>>,
    /// Compiled code being written to the disk cache.
    writes: Mutex<Vec<JoinHandle<()>>>,
    /// The components whose optimized code was asked for in the background, with its tier.
    optimizing: Mutex<Vec<(ComponentSource, Tier)>>,
}

impl Engines {
    pub(crate) fn new(cache_dir: Option<PathBuf>, quick_first: bool) -> Result<Self, RunError> {
        let engines = Self {
            slots: Default::default(),
            asynchrony: Mutex::new(HashMap::new()),
            quick_first,
            cache_dir,
            compiles: AtomicU64::new(0),
            background: Mutex::new(Vec::new()),
            writes: Mutex::new(Vec::new()),
            optimizing: Mutex::new(Vec::new()),
        };
        // The engine almost every run uses: a failure to make it is the runtime's.
        engines.slot(PLAIN_OPTIMIZED)?;
        Ok(engines)
    }

    /// The engine of a tier, made on first use.
    pub(crate) fn slot(&self, tier: Tier) -> Result<&EngineSlot, RunError> {
        self.slots[tier.index()]
            .get_or_init(|| EngineSlot::new(tier).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|message| RunError::Host {
                message: message.clone(),
            })
    }

    /// Whether `source` needs the component model's async support: whether a validator without
    /// it refuses the bytes that one with it accepts (remembered per SHA-256).
    pub(crate) fn needs_async(&self, source: &ComponentSource) -> bool {
        if let Some(known) = lock(&self.asynchrony).get(&source.sha256) {
            return *known;
        }
        // Code compiled without async support says so without validating again.
        let compiled_plain = self
            .slot(PLAIN_OPTIMIZED)
            .is_ok_and(|slot| self.has_code(slot, source));
        if compiled_plain {
            lock(&self.asynchrony).insert(source.sha256.clone(), false);
            return false;
        }
        let validates = |features: wasmparser::WasmFeatures| {
            wasmparser::Validator::new_with_features(features)
                .validate_all(&source.bytes)
                .is_ok()
        };
        // wasmparser's defaults include the async ABI, streams and futures.
        let full = wasmparser::WasmFeatures::default();
        let plain = full
            - wasmparser::WasmFeatures::CM_ASYNC
            - wasmparser::WasmFeatures::CM_ASYNC_STACKFUL
            - wasmparser::WasmFeatures::CM_MORE_ASYNC_BUILTINS
            - wasmparser::WasmFeatures::CM_THREADING
            - wasmparser::WasmFeatures::CM_ERROR_CONTEXT;
        let needs = !validates(plain) && validates(full);
        lock(&self.asynchrony).insert(source.sha256.clone(), needs);
        needs
    }

    /// The optimized tier for `sources`: with async support if any of them needs it.
    pub(crate) fn optimized_for(&self, sources: &[&ComponentSource]) -> Tier {
        Tier {
            compiler: Compiler::Optimized,
            asynchronous: sources.iter().any(|s| self.needs_async(s)),
        }
    }

    /// How many times a compiler ran (cache hits do not count).
    pub(crate) fn compile_count(&self) -> u64 {
        self.compiles.load(Ordering::Relaxed)
    }

    /// The tier a job over `sources` runs on: metered for a fuel limit; optimized when every
    /// component has optimized code (in memory or on disk) or quick-first is off; quick otherwise.
    pub(crate) fn pick(&self, fuel: bool, sources: &[&ComponentSource]) -> Tier {
        let optimized = self.optimized_for(sources);
        if fuel {
            return Tier {
                compiler: Compiler::Metered,
                ..optimized
            };
        }
        let quick = Tier {
            compiler: Compiler::Quick,
            ..optimized
        };
        let ready = self
            .slot(optimized)
            .is_ok_and(|slot| sources.iter().all(|source| self.has_code(slot, source)));
        if ready || !self.quick_first || self.slot(quick).is_err() {
            optimized
        } else {
            quick
        }
    }

    fn has_code(&self, slot: &EngineSlot, source: &ComponentSource) -> bool {
        let in_memory = lock(&slot.compiled)
            .get(&source.sha256)
            .is_some_and(|cell| cell.initialized());
        in_memory
            || self
                .cache_file(slot, source)
                .is_some_and(|path| path.is_file())
    }

    fn cache_file(&self, slot: &EngineSlot, source: &ComponentSource) -> Option<PathBuf> {
        let dir = self.cache_dir.as_ref()?;
        Some(dir.join(format!("{}-{:016x}.cwasm", source.sha256, slot.compat)))
    }

    /// Compiles the optimized code of `sources` that is missing (for the asynchrony of `tier`,
    /// the quick tier they ran on), on background tasks, so the runs after a quick one get fast
    /// code.
    pub(crate) fn optimize_in_background(
        self: &Arc<Self>,
        tier: Tier,
        sources: &[&ComponentSource],
    ) {
        let optimized = tier.optimized();
        let Ok(slot) = self.slot(optimized) else {
            return;
        };
        let mut background = lock_vec(&self.background);
        background.retain(|task| !task.is_finished());
        for source in sources {
            if self.has_code(slot, source) {
                continue;
            }
            let engines = self.clone();
            let source = (*source).clone();
            let mut optimizing = lock_vec(&self.optimizing);
            if !optimizing.iter().any(|(o, _)| o.sha256 == source.sha256) {
                optimizing.push((source.clone(), optimized));
            }
            background.push(tokio::spawn(async move {
                // A failure here only means the next run compiles again.
                let _ = engines.component(optimized, &source, None).await;
            }));
        }
    }

    /// Whether optimized code is still compiling, or compiled code being written, in the
    /// background.
    pub(crate) fn background_pending(&self) -> bool {
        [&self.background, &self.writes]
            .iter()
            .any(|tasks| lock_vec(tasks).iter().any(|task| !task.is_finished()))
    }

    /// The components whose optimized code the background was asked for and that is not in the
    /// disk cache yet (none without a cache): what a process that exits now leaves undone.
    pub(crate) fn optimized_code_not_cached(&self) -> Vec<ComponentSource> {
        lock_vec(&self.optimizing)
            .iter()
            .filter(|(source, tier)| {
                self.slot(*tier)
                    .ok()
                    .and_then(|slot| self.cache_file(slot, source))
                    .is_some_and(|path| !path.is_file())
            })
            .map(|(source, _)| source.clone())
            .collect()
    }

    /// Waits for the background compilations and cache writes (so a short-lived process leaves
    /// its code in the cache for the next one).
    pub(crate) async fn finish_background(&self) {
        // A compilation finishing adds the task that writes its code: wait until none is left.
        while await_all(&self.background).await | await_all(&self.writes).await {}
    }

    /// Waits for the cache writes started so far (not for compilations still running).
    pub(crate) async fn finish_writes(&self) {
        while await_all(&self.writes).await {}
    }

    /// The pre-instantiated component for a run of one component: from memory, or
    /// [`Engines::component`] and the tier's standard linker.
    pub(crate) async fn prepare(
        self: &Arc<Self>,
        tier: Tier,
        source: &ComponentSource,
        queue: &EventQueue,
    ) -> Result<InstancePre<HostState>, RunError> {
        let slot = self.slot(tier)?;
        if let Some(pre) = lock(&slot.prepared).get(&source.sha256) {
            queue.push(RunEvent::Compiled {
                cached: true,
                millis: 0,
                optimized: !tier.is_quick(),
            });
            return Ok(pre.clone());
        }
        let component = self.component(tier, source, Some(queue)).await?;
        let pre = super::linker::instantiate_pre(&slot.linker, &component, &[])?;
        lock(&slot.prepared).insert(source.sha256.clone(), pre.clone());
        Ok(pre)
    }

    /// The compiled component: from memory, the disk cache, or the compiler (in that order),
    /// sharing a compilation already in flight for the same bytes. Reports `Compiling` before
    /// compiling and `Compiled` when ready.
    pub(crate) async fn component(
        self: &Arc<Self>,
        tier: Tier,
        source: &ComponentSource,
        queue: Option<&EventQueue>,
    ) -> Result<Component, RunError> {
        let slot = self.slot(tier)?;
        let started = Instant::now();
        let cell = lock(&slot.compiled)
            .entry(source.sha256.clone())
            .or_default()
            .clone();
        let compiled_now = AtomicBool::new(false);
        let component = cell
            .get_or_try_init(|| async {
                if let Some(cached) = self
                    .cache_file(slot, source)
                    .and_then(|path| load_cached(&slot.engine, &path))
                {
                    return Ok(cached);
                }
                compiled_now.store(true, Ordering::Relaxed);
                if let Some(queue) = queue {
                    queue.push(RunEvent::Compiling {
                        bytes: source.bytes.len() as u64,
                    });
                }
                let component = self.compile(tier, source).await?;
                if let Some(path) = self.cache_file(slot, source) {
                    // Writing tens of megabytes of code is not the run's business: it starts
                    // meanwhile, and a short-lived process waits for the write before it exits.
                    let code = component.clone();
                    lock_vec(&self.writes).push(tokio::task::spawn_blocking(move || {
                        store_cached(&code, &path);
                    }));
                }
                Ok::<_, RunError>(component)
            })
            .await?
            .clone();
        if let Some(queue) = queue {
            queue.push(RunEvent::Compiled {
                cached: !compiled_now.load(Ordering::Relaxed),
                millis: started.elapsed().as_millis() as u64,
                optimized: !tier.is_quick(),
            });
        }
        Ok(component)
    }

    /// Runs the compiler on a blocking thread.
    async fn compile(
        self: &Arc<Self>,
        tier: Tier,
        source: &ComponentSource,
    ) -> Result<Component, RunError> {
        let engines = self.clone();
        let bytes = source.bytes.clone();
        tokio::task::spawn_blocking(move || {
            let slot = engines.slot(tier)?;
            engines.compiles.fetch_add(1, Ordering::Relaxed);
            Component::new(&slot.engine, &bytes).map_err(|e| RunError::Compile {
                node: None,
                message: format!("{e:#}"),
            })
        })
        .await
        .map_err(RunError::host)?
    }

    /// A copy of a tier's standard linker (WASI and `wasi:http`), to add a node's wires to.
    pub(crate) fn linker(&self, tier: Tier) -> Result<Linker<HostState>, RunError> {
        Ok(self.slot(tier)?.linker.clone())
    }
}

/// Waits for the tasks in `tasks` (taken out of it); whether there were any.
async fn await_all(tasks: &Mutex<Vec<JoinHandle<()>>>) -> bool {
    let taken = std::mem::take(&mut *lock_vec(tasks));
    let any = !taken.is_empty();
    for task in taken {
        let _ = task.await;
    }
    any
}

/// Locks a cache map; a poisoned lock only means a panic elsewhere, the map is still consistent.
fn lock<V>(map: &Mutex<HashMap<String, V>>) -> std::sync::MutexGuard<'_, HashMap<String, V>> {
    map.lock().unwrap_or_else(|e| e.into_inner())
}

fn lock_vec<V>(list: &Mutex<Vec<V>>) -> std::sync::MutexGuard<'_, Vec<V>> {
    list.lock().unwrap_or_else(|e| e.into_inner())
}

impl EngineSlot {
    fn new(tier: Tier) -> Result<Self, RunError> {
        let mut config = Config::new();
        config
            // WASI 0.3 (async functions, streams, futures) only where a component needs it.
            .wasm_component_model_async(tier.asynchronous)
            .concurrency_support(tier.asynchronous)
            .epoch_interruption(true)
            .wasm_backtrace_max_frames(std::num::NonZeroUsize::new(32))
            .consume_fuel(tier.compiler == Compiler::Metered);
        if tier.is_quick() {
            config.strategy(Strategy::Winch);
        }
        let engine = Engine::new(&config).map_err(RunError::host)?;
        let mut hasher = DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        let weak = engine.weak();
        std::thread::Builder::new()
            .name("plugboard-epoch".to_string())
            .spawn(move || {
                while let Some(engine) = weak.upgrade() {
                    engine.increment_epoch();
                    drop(engine);
                    std::thread::sleep(EPOCH_TICK);
                }
            })
            .map_err(RunError::host)?;
        Ok(Self {
            linker: linker(&engine, tier.asynchronous)?,
            engine,
            compat: hasher.finish(),
            compiled: Mutex::new(HashMap::new()),
            prepared: Mutex::new(HashMap::new()),
        })
    }
}

/// Loads a compiled component this program wrote to its own cache. A file that does not load
/// (truncated, from another version) is removed and compiled again.
#[expect(
    unsafe_code,
    reason = "deserializing compiled code is unsafe by nature; only files Plugboard wrote, atomically, to its own cache directory are read"
)]
fn load_cached(engine: &Engine, path: &Path) -> Option<Component> {
    if !path.is_file() {
        return None;
    }
    // SAFETY: the file was produced by `Component::serialize` for an engine with the same
    // compatibility hash (it is in the file name) and written atomically by `store_cached`.
    match unsafe { Component::deserialize_file(engine, path) } {
        Ok(component) => Some(component),
        Err(_) => {
            let _ = std::fs::remove_file(path);
            None
        }
    }
}

/// Writes a compiled component to the cache; failing to cache is not an error for the run.
fn store_cached(component: &Component, path: &Path) {
    let Ok(bytes) = component.serialize() else {
        return;
    };
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = crate::files::write_atomically(path, &bytes, crate::files::Durability::Replaceable);
}
