//! The streams and futures an invoked function returns (WASI 0.3), read to their end so the
//! window and the CLI show what they carried: each stream's items up to a bound (the count said,
//! and that the rest was left unread), each future's value.
//!
//! Items are read through wasmtime's typed stream API, which needs the item type at compile
//! time: streams and futures of numbers, `bool`, `char` and `string` are read; others are named
//! and closed.

use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use serde_json::{Value, json};
use tokio::sync::oneshot;
use wasmtime::component::{
    ComponentType, FutureConsumer, FutureReader, Lift, Source, StreamConsumer, StreamReader,
    StreamResult, Type, Val,
};
use wasmtime::{Store, StoreContextMut};

use super::host::HostState;
use super::values::{Cuts, json_from_val, wave_text};

/// The most items read from one stream.
const MAX_ITEMS: usize = 10_000;

/// How much of what was read is written out: every item, each string up to 64 KiB, about a
/// megabyte in all.
const SHOWN: Cuts = Cuts {
    string_chars: 64 << 10,
    list_items: MAX_ITEMS,
    text_bytes: 1 << 20,
};

/// What a stream or future carried, as a result shows it.
pub(crate) struct Collected {
    /// As text: `stream["a", "b"] (2 items)`, `future(42)`.
    pub(crate) text: String,
    /// As JSON: `{"stream": [...], "items": 2, "cut": false}`, `{"future": 42}`.
    pub(crate) json: Value,
}

/// Reads every top-level stream and future among `results` (typed by `types`) to its end; the
/// others get `None`. A stream is read while the store's event loop runs, so its writer (the
/// guest's task, still running after the function returned) can finish.
pub(crate) async fn collect(
    store: &mut Store<HostState>,
    results: &[Val],
    types: &[Type],
) -> wasmtime::Result<Vec<Option<Collected>>> {
    let mut collected = Vec::with_capacity(results.len());
    for (value, ty) in results.iter().zip(types) {
        collected.push(match (value, ty) {
            (Val::Stream(stream), Type::Stream(stream_type)) => {
                Some(read_stream(store, stream.clone(), stream_type.ty()).await?)
            }
            (Val::Future(future), Type::Future(future_type)) => {
                Some(read_future(store, future.clone(), future_type.ty()).await?)
            }
            _ => None,
        });
    }
    Ok(collected)
}

/// Evaluates `$then!(T, Case)` for the item type `$ty` of a stream or future — `T` its Rust
/// type, `Val::Case` its value — or `$other` for an item type the typed API is not given here.
macro_rules! with_item_type {
    ($ty:expr, $then:ident, $other:expr) => {
        match $ty {
            Some(Type::Bool) => $then!(bool, Bool),
            Some(Type::S8) => $then!(i8, S8),
            Some(Type::U8) => $then!(u8, U8),
            Some(Type::S16) => $then!(i16, S16),
            Some(Type::U16) => $then!(u16, U16),
            Some(Type::S32) => $then!(i32, S32),
            Some(Type::U32) => $then!(u32, U32),
            Some(Type::S64) => $then!(i64, S64),
            Some(Type::U64) => $then!(u64, U64),
            Some(Type::Float32) => $then!(f32, Float32),
            Some(Type::Float64) => $then!(f64, Float64),
            Some(Type::Char) => $then!(char, Char),
            Some(Type::String) => $then!(String, String),
            _ => $other,
        }
    };
}
pub(crate) use with_item_type;

async fn read_stream(
    store: &mut Store<HostState>,
    stream: wasmtime::component::StreamAny,
    item: Option<Type>,
) -> wasmtime::Result<Collected> {
    macro_rules! read {
        ($t:ty, $case:ident) => {
            stream_items::<$t>(store, stream, Val::$case).await
        };
    }
    with_item_type!(item, read, {
        let mut stream = stream;
        stream.close(&mut *store)?;
        Ok(Collected {
            text: "<stream: only streams of numbers, bools, chars and strings are read>".into(),
            json: json!({ "stream": null }),
        })
    })
}

async fn read_future(
    store: &mut Store<HostState>,
    future: wasmtime::component::FutureAny,
    item: Option<Type>,
) -> wasmtime::Result<Collected> {
    macro_rules! read {
        ($t:ty, $case:ident) => {
            future_value::<$t>(store, future, Val::$case).await
        };
    }
    with_item_type!(item, read, {
        let mut future = future;
        future.close(&mut *store)?;
        Ok(Collected {
            text: "<future: only futures of numbers, bools, chars and strings are read>".into(),
            json: json!({ "future": null }),
        })
    })
}

/// What a reader took so far, shared with the caller.
struct Taken<V> {
    items: Vec<V>,
    cut: bool,
}

type Shared<V> = Arc<Mutex<Taken<V>>>;

fn lock<V>(shared: &Shared<V>) -> std::sync::MutexGuard<'_, Taken<V>> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Takes a stream's items until it ends or [`MAX_ITEMS`] are taken; says when it is dropped
/// (the stream ended, or reading stopped).
struct Reader<T> {
    taken: Shared<T>,
    _ended: oneshot::Sender<()>,
}

impl<T: Lift + ComponentType + Send + Sync + 'static> StreamConsumer<HostState> for Reader<T> {
    type Item = T;

    fn poll_consume(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        store: StoreContextMut<HostState>,
        mut source: Source<'_, T>,
        _finish: bool,
    ) -> Poll<wasmtime::Result<StreamResult>> {
        let mut taken = lock(&self.taken);
        let room = MAX_ITEMS - taken.items.len();
        let mut buffer = Vec::with_capacity(room.min(256));
        source.read(store, &mut buffer)?;
        taken.items.append(&mut buffer);
        if taken.items.len() >= MAX_ITEMS {
            taken.cut = true;
            return Poll::Ready(Ok(StreamResult::Dropped));
        }
        Poll::Ready(Ok(StreamResult::Completed))
    }
}

impl<T: Lift + ComponentType + Send + Sync + 'static> FutureConsumer<HostState> for Reader<T> {
    type Item = T;

    fn poll_consume(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        store: StoreContextMut<HostState>,
        mut source: Source<'_, T>,
        _finish: bool,
    ) -> Poll<wasmtime::Result<()>> {
        let mut value = None;
        source.read(store, &mut value)?;
        lock(&self.taken).items.extend(value);
        Poll::Ready(Ok(()))
    }
}

/// Pipes a reader into `start`'s stream or future, runs the store's event loop until the reader
/// is dropped, and returns what it took.
async fn drain<T>(
    store: &mut Store<HostState>,
    start: impl FnOnce(&mut Store<HostState>, Reader<T>) -> wasmtime::Result<()>,
) -> wasmtime::Result<Taken<T>> {
    let taken: Shared<T> = Arc::new(Mutex::new(Taken {
        items: Vec::new(),
        cut: false,
    }));
    let (ended, done) = oneshot::channel();
    start(
        store,
        Reader {
            taken: taken.clone(),
            _ended: ended,
        },
    )?;
    store
        .run_concurrent(async |_| {
            // An error only means the reader was dropped: the end it waits for.
            let _ = done.await;
        })
        .await?;
    let mut taken = lock(&taken);
    Ok(Taken {
        items: std::mem::take(&mut taken.items),
        cut: taken.cut,
    })
}

async fn stream_items<T: Lift + ComponentType + Send + Sync + 'static>(
    store: &mut Store<HostState>,
    stream: wasmtime::component::StreamAny,
    val: fn(T) -> Val,
) -> wasmtime::Result<Collected> {
    let reader = StreamReader::<T>::try_from_stream_any(stream)?;
    let taken = drain(store, |store, consumer| reader.pipe(store, consumer)).await?;
    let items: Vec<Val> = taken.items.into_iter().map(val).collect();
    let count = items.len();
    let said = match (taken.cut, count) {
        (true, _) => format!("the first {count} items; the rest was not read"),
        (false, 1) => "1 item".to_string(),
        (false, _) => format!("{count} items"),
    };
    Ok(Collected {
        text: format!(
            "stream{} ({said})",
            wave_text(&[Val::List(items.clone())], SHOWN)
        ),
        json: json!({
            "stream": items.iter().map(json_from_val).collect::<Vec<_>>(),
            "items": count,
            "cut": taken.cut,
        }),
    })
}

async fn future_value<T: Lift + ComponentType + Send + Sync + 'static>(
    store: &mut Store<HostState>,
    future: wasmtime::component::FutureAny,
    val: fn(T) -> Val,
) -> wasmtime::Result<Collected> {
    let reader = FutureReader::<T>::try_from_future_any(future)?;
    let taken = drain(store, |store, consumer| reader.pipe(store, consumer)).await?;
    Ok(match taken.items.into_iter().next().map(val) {
        Some(value) => Collected {
            text: format!("future({})", wave_text(std::slice::from_ref(&value), SHOWN)),
            json: json!({ "future": json_from_val(&value) }),
        },
        None => Collected {
            text: "future (dropped without a value)".into(),
            json: json!({ "future": null }),
        },
    })
}
