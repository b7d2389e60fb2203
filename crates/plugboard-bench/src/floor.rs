//! The floor under forwarding: what wasmtime itself charges for a call from one instance into
//! another through a host function, with none of Plugboard's bookkeeping (no grants switch, no
//! tap branch, no handle translation). Bare hosts forward `word-count` from `call-loop` to
//! `string-operations` in three ways (see [`Forwarding`]), and the same bare host runs the fused
//! component: the per-call difference is what a forwarder built on wasmtime's public API pays,
//! against which Plugboard's own cost is read.

use std::path::Path;
use std::time::{Duration, Instant};

use wasmtime::component::{Component, Func, Instance, Linker, ResourceTable, TypedFunc, Val};
use wasmtime::{Config, Engine, Result, Store, format_err};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

/// The interface the wire carries, and the function the loop calls.
const INTERFACE: &str = "example:stringoperations/operations@0.1.0";
const WORD_COUNT: &str = "word-count";

/// How the bare host forwards the consumer's calls.
#[derive(Clone, Copy, Debug)]
pub enum Forwarding {
    /// `func_new_async` and `Func::call_async` with `Val`s.
    Dynamic,
    /// `func_wrap_async` and `TypedFunc::call_async` with Rust types.
    Typed,
    /// `func_new` and `Func::call` with `Val`s, in a store with no async at all (synchronous
    /// WASI, no yielding at epochs): no fiber per call, but nothing to interrupt a guest
    /// blocked in a host call either.
    Synchronous,
}

/// A bare host: WASI for the guests (arguments only) and the provider's function to forward to.
struct Bare {
    wasi: WasiCtx,
    table: ResourceTable,
    dynamic: Option<Func>,
    typed: Option<TypedFunc<(String,), (u32,)>>,
}

impl WasiView for Bare {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// Compiled once, timed many times: the engine and the three components.
pub struct Floor {
    engine: Engine,
    consumer: Component,
    provider: Component,
    fused: Component,
    runtime: tokio::runtime::Runtime,
}

impl Floor {
    /// Compiles the consumer, the provider and their fused composition with Cranelift, as
    /// Plugboard's optimized tier does (epoch checks on, never ticking here).
    pub fn new(consumer: &Path, provider: &Path, fused: &[u8]) -> Result<Self> {
        let mut config = Config::new();
        // As Plugboard's engine for WASI 0.2 components: no component-model async.
        config
            .wasm_component_model_async(false)
            .concurrency_support(false)
            .epoch_interruption(true);
        let engine = Engine::new(&config)?;
        let load = |path: &Path| {
            Component::from_file(&engine, path)
                .map_err(|e| e.context(format!("cannot compile {}", path.display())))
        };
        Ok(Self {
            consumer: load(consumer)?,
            provider: load(provider)?,
            fused: Component::new(&engine, fused)?,
            engine,
            runtime: tokio::runtime::Builder::new_current_thread().build()?,
        })
    }

    /// One run of the consumer, making `calls` calls, linked to the provider by a bare
    /// forwarder: instantiation and run.
    pub fn linked(&self, forwarding: Forwarding, calls: u32) -> Result<Duration> {
        match forwarding {
            Forwarding::Dynamic => self.linked_async(false, calls),
            Forwarding::Typed => self.linked_async(true, calls),
            Forwarding::Synchronous => self.linked_synchronously(calls),
        }
    }

    /// [`Self::linked`] in an async store, forwarding typed or with values.
    fn linked_async(&self, typed: bool, calls: u32) -> Result<Duration> {
        self.runtime.block_on(async {
            let started = Instant::now();
            let mut store = self.store(calls);
            let mut linker = self.wasi_linker()?;
            let provider = linker.instantiate_async(&mut store, &self.provider).await?;
            let func = provider_function(&provider, &mut store)?;
            store.data_mut().dynamic = Some(func);
            store.data_mut().typed = Some(func.typed(&store)?);
            let mut operations = linker.instance(INTERFACE)?;
            if typed {
                operations.func_wrap_async(WORD_COUNT, |mut store, params: (String,)| {
                    Box::new(async move {
                        let func = store
                            .data()
                            .typed
                            .ok_or_else(|| format_err!("no provider"))?;
                        func.call_async(&mut store, params).await
                    })
                })?;
            } else {
                operations.func_new_async(
                    WORD_COUNT,
                    |mut store, _ty, params: &[Val], results: &mut [Val]| {
                        Box::new(async move {
                            let func = store
                                .data()
                                .dynamic
                                .ok_or_else(|| format_err!("no provider"))?;
                            func.call_async(&mut store, params, results).await
                        })
                    },
                )?;
            }
            linker.define_unknown_imports_as_traps(&self.consumer)?;
            self.run(&mut store, &linker, &self.consumer).await?;
            Ok(started.elapsed())
        })
    }

    /// [`Self::linked`] in a synchronous store.
    fn linked_synchronously(&self, calls: u32) -> Result<Duration> {
        let started = Instant::now();
        let mut store = self.store(calls);
        let mut linker = Linker::new(&self.engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
        let provider = linker.instantiate(&mut store, &self.provider)?;
        store.data_mut().dynamic = Some(provider_function(&provider, &mut store)?);
        linker.instance(INTERFACE)?.func_new(
            WORD_COUNT,
            |mut store, _ty, params: &[Val], results: &mut [Val]| {
                let func = store
                    .data()
                    .dynamic
                    .ok_or_else(|| format_err!("no provider"))?;
                func.call(&mut store, params, results)
            },
        )?;
        linker.define_unknown_imports_as_traps(&self.consumer)?;
        let command = wasmtime_wasi::p2::bindings::sync::Command::instantiate(
            &mut store,
            &self.consumer,
            &linker,
        )?;
        command
            .wasi_cli_run()
            .call_run(&mut store)?
            .map_err(|()| format_err!("the loop exited with an error"))?;
        Ok(started.elapsed())
    }

    /// One run of the fused component, making `calls` calls, on the same bare host.
    pub fn fused(&self, calls: u32) -> Result<Duration> {
        self.runtime.block_on(async {
            let started = Instant::now();
            let mut store = self.store(calls);
            let linker = self.wasi_linker()?;
            self.run(&mut store, &linker, &self.fused).await?;
            Ok(started.elapsed())
        })
    }

    fn store(&self, calls: u32) -> Store<Bare> {
        let wasi = WasiCtx::builder()
            .args(&["call-loop", &calls.to_string()])
            .build();
        let mut store = Store::new(
            &self.engine,
            Bare {
                wasi,
                table: ResourceTable::new(),
                dynamic: None,
                typed: None,
            },
        );
        // Nothing advances this engine's epoch: the checks run, the deadline never comes.
        store.set_epoch_deadline(1);
        store
    }

    fn wasi_linker(&self) -> Result<Linker<Bare>> {
        let mut linker = Linker::new(&self.engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        Ok(linker)
    }

    async fn run(
        &self,
        store: &mut Store<Bare>,
        linker: &Linker<Bare>,
        component: &Component,
    ) -> Result<()> {
        let command =
            wasmtime_wasi::p2::bindings::Command::instantiate_async(&mut *store, component, linker)
                .await?;
        command
            .wasi_cli_run()
            .call_run(&mut *store)
            .await?
            .map_err(|()| format_err!("the loop exited with an error"))
    }
}

/// The provider's `word-count`.
fn provider_function(provider: &Instance, store: &mut Store<Bare>) -> Result<Func> {
    let outer = provider
        .get_export_index(&mut *store, None, INTERFACE)
        .ok_or_else(|| format_err!("the provider exports no operations"))?;
    let index = provider
        .get_export_index(&mut *store, Some(&outer), WORD_COUNT)
        .ok_or_else(|| format_err!("the provider exports no word-count"))?;
    provider
        .get_func(&mut *store, index)
        .ok_or_else(|| format_err!("word-count is not a function"))
}
