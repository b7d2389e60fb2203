//! Engines, compilation and the compile cache.
//!
//! Compiled components are kept in memory and on disk, keyed by the component's SHA-256 and the
//! engine's compatibility hash, so the same bytes compile once per machine and engine
//! configuration. Every engine's epoch advances every [`EPOCH_TICK`], which lets a run's deadline
//! and Stop interrupt even a guest spinning in a loop.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use wasmtime::component::{Component, InstancePre, Linker};
use wasmtime::{Config, Engine};

use super::RunError;
use super::events::RunEvent;
use super::host::{HostState, linker};
use super::queue::EventQueue;

/// How often every engine's epoch advances: the granularity of Stop and timeouts.
const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Component bytes to run, with their identity.
#[derive(Debug, Clone)]
pub struct ComponentSource {
    /// A name for messages and the guest's `argv[0]` (usually the file name).
    pub name: String,
    /// The bytes.
    pub bytes: Arc<[u8]>,
    /// Their SHA-256 (lowercase hex): the cache key.
    pub sha256: String,
}

impl ComponentSource {
    /// Wraps bytes, hashing them.
    pub fn new(name: impl Into<String>, bytes: impl Into<Arc<[u8]>>) -> Self {
        let bytes = bytes.into();
        Self {
            name: name.into(),
            sha256: crate::inspect::sha256_hex(&bytes),
            bytes,
        }
    }

    /// Reads a file.
    ///
    /// # Errors
    /// The I/O error, naming the file.
    pub fn from_file(path: &Path) -> Result<Self, RunError> {
        let bytes = std::fs::read(path).map_err(|e| RunError::Compile {
            message: format!("cannot read `{}`: {e}", path.display()),
        })?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "component.wasm".to_string());
        Ok(Self::new(name, bytes))
    }
}

/// One engine configuration with its linker and caches.
pub(crate) struct EngineSlot {
    pub(crate) engine: Engine,
    linker: Linker<HostState>,
    compat: u64,
    components: Mutex<HashMap<String, Component>>,
    prepared: Mutex<HashMap<String, InstancePre<HostState>>>,
}

/// The engines a runtime uses: a standard one, and (made on first use) one that meters fuel,
/// whose compiled code differs.
pub(crate) struct Engines {
    standard: EngineSlot,
    fueled: OnceLock<Result<EngineSlot, String>>,
    cache_dir: Option<PathBuf>,
    compiles: AtomicU64,
}

impl Engines {
    pub(crate) fn new(cache_dir: Option<PathBuf>) -> Result<Self, RunError> {
        Ok(Self {
            standard: EngineSlot::new(false)?,
            fueled: OnceLock::new(),
            cache_dir,
            compiles: AtomicU64::new(0),
        })
    }

    /// The engine for a run that meters fuel or not.
    pub(crate) fn slot(&self, fuel: bool) -> Result<&EngineSlot, RunError> {
        if !fuel {
            return Ok(&self.standard);
        }
        self.fueled
            .get_or_init(|| EngineSlot::new(true).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|message| RunError::Host {
                message: message.clone(),
            })
    }

    /// How many times the compiler ran (not counting cache hits).
    pub(crate) fn compile_count(&self) -> u64 {
        self.compiles.load(Ordering::Relaxed)
    }

    /// The pre-instantiated component for a run of one component: from memory, or
    /// [`Engines::component`] and the standard linker.
    pub(crate) async fn prepare(
        self: &Arc<Self>,
        fuel: bool,
        source: &ComponentSource,
        queue: &EventQueue,
    ) -> Result<InstancePre<HostState>, RunError> {
        let slot = self.slot(fuel)?;
        if let Some(pre) = lock(&slot.prepared).get(&source.sha256) {
            queue.push(RunEvent::Compiled {
                cached: true,
                millis: 0,
            });
            return Ok(pre.clone());
        }
        let component = self.component(fuel, source, queue).await?;
        let pre = slot
            .linker
            .instantiate_pre(&component)
            .map_err(|e| RunError::missing_import(&e))?;
        lock(&slot.prepared).insert(source.sha256.clone(), pre.clone());
        Ok(pre)
    }

    /// The compiled component: from memory, the disk cache, or the compiler (in that order).
    /// Reports `Compiling` before compiling and `Compiled` when ready.
    pub(crate) async fn component(
        self: &Arc<Self>,
        fuel: bool,
        source: &ComponentSource,
        queue: &EventQueue,
    ) -> Result<Component, RunError> {
        let slot = self.slot(fuel)?;
        let started = Instant::now();
        if let Some(component) = lock(&slot.components).get(&source.sha256) {
            queue.push(RunEvent::Compiled {
                cached: true,
                millis: 0,
            });
            return Ok(component.clone());
        }
        let cache_file = self
            .cache_dir
            .as_ref()
            .map(|dir| dir.join(format!("{}-{:016x}.cwasm", source.sha256, slot.compat)));
        let cached = cache_file
            .as_deref()
            .and_then(|path| load_cached(&slot.engine, path));
        let (component, from_cache) = match cached {
            Some(component) => (component, true),
            None => {
                queue.push(RunEvent::Compiling {
                    bytes: source.bytes.len() as u64,
                });
                let engines = self.clone();
                let bytes = source.bytes.clone();
                let component = tokio::task::spawn_blocking(move || {
                    let slot = engines.slot(fuel)?;
                    engines.compiles.fetch_add(1, Ordering::Relaxed);
                    Component::new(&slot.engine, &bytes).map_err(|e| RunError::Compile {
                        message: format!("{e:#}"),
                    })
                })
                .await
                .map_err(RunError::host)??;
                if let Some(path) = &cache_file {
                    store_cached(&component, path);
                }
                (component, false)
            }
        };
        lock(&slot.components).insert(source.sha256.clone(), component.clone());
        queue.push(RunEvent::Compiled {
            cached: from_cache,
            millis: started.elapsed().as_millis() as u64,
        });
        Ok(component)
    }

    /// A copy of the standard linker (WASI and `wasi:http`), to add a node's wires to.
    pub(crate) fn linker(&self, fuel: bool) -> Result<Linker<HostState>, RunError> {
        Ok(self.slot(fuel)?.linker.clone())
    }
}

/// Locks a cache map; a poisoned lock only means a panic elsewhere, the map is still consistent.
fn lock<V>(map: &Mutex<HashMap<String, V>>) -> std::sync::MutexGuard<'_, HashMap<String, V>> {
    map.lock().unwrap_or_else(|e| e.into_inner())
}

impl EngineSlot {
    fn new(fuel: bool) -> Result<Self, RunError> {
        let mut config = Config::new();
        config
            .epoch_interruption(true)
            .wasm_backtrace_max_frames(std::num::NonZeroUsize::new(32))
            .consume_fuel(fuel);
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
            linker: linker(&engine)?,
            engine,
            compat: hasher.finish(),
            components: Mutex::new(HashMap::new()),
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
    let _ = crate::project::write_atomically(path, &bytes);
}
