//! Streams returned across a tapped linked wire (WASI 0.3), relayed by the host so the wire tap
//! counts their items as they cross. The provider's stream is read into a small queue and the
//! consumer gets a host stream written from it; each side waits for the other (a full queue
//! holds the provider back, an empty one the consumer), so relaying keeps the stream's pace and
//! holds at most [`ROOM`] items. A run that does not tap its wires passes streams on untouched.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use wasmtime::StoreContextMut;
use wasmtime::component::{
    ComponentType, Destination, Lift, Lower, Source, StreamAny, StreamConsumer, StreamProducer,
    StreamReader, StreamResult, Type, Val, VecBuffer,
};

use super::collect::with_item_type;
use super::host::HostState;
use super::tap::Tap;

/// The most items a relay holds between the provider's stream and the consumer's.
const ROOM: usize = 64;

/// Replaces each stream among `results` (typed by `types`) with one relayed through the host,
/// whose items `tap` counts on the wire of `slot`. Streams of item types the typed API is not
/// given here cross as they are, uncounted.
pub(crate) fn relay_results(
    mut store: StoreContextMut<'_, HostState>,
    tap: &Arc<Tap>,
    slot: usize,
    types: impl Iterator<Item = Type>,
    results: &mut [Val],
) -> wasmtime::Result<()> {
    for (value, ty) in results.iter_mut().zip(types) {
        let (Val::Stream(stream), Type::Stream(stream_type)) = (&*value, ty) else {
            continue;
        };
        let stream = stream.clone();
        macro_rules! relayed {
            ($t:ty, $case:ident) => {
                Some(relay::<$t>(&mut store, stream, tap, slot)?)
            };
        }
        if let Some(relayed) = with_item_type!(stream_type.ty(), relayed, None) {
            *value = Val::Stream(relayed);
        }
    }
    Ok(())
}

/// The consumer's end of a relay of `stream`.
fn relay<T>(
    store: &mut StoreContextMut<'_, HostState>,
    stream: StreamAny,
    tap: &Arc<Tap>,
    slot: usize,
) -> wasmtime::Result<StreamAny>
where
    T: ComponentType + Lift + Lower + Send + Sync + 'static,
{
    let queue = Arc::new(Mutex::new(Queue::<T> {
        items: VecDeque::new(),
        ended: false,
        abandoned: false,
        intake_waiting: None,
        outlet_waiting: None,
    }));
    StreamReader::<T>::try_from_stream_any(stream)?.pipe(
        &mut *store,
        Intake {
            queue: queue.clone(),
            tap: tap.clone(),
            slot,
        },
    )?;
    StreamReader::new(&mut *store, Outlet { queue })?.try_into_stream_any(&mut *store)
}

/// The items between the two streams, and who waits for whom.
struct Queue<T> {
    items: VecDeque<T>,
    /// The provider's stream ended: once the items are passed on, the relay ends.
    ended: bool,
    /// The consumer dropped its stream: the provider's is read no further.
    abandoned: bool,
    intake_waiting: Option<Waker>,
    outlet_waiting: Option<Waker>,
}

fn lock<T>(queue: &Mutex<Queue<T>>) -> MutexGuard<'_, Queue<T>> {
    queue.lock().unwrap_or_else(PoisonError::into_inner)
}

fn wake(waker: &mut Option<Waker>) {
    if let Some(waker) = waker.take() {
        waker.wake();
    }
}

/// Reads the provider's stream into the queue, counting the items.
struct Intake<T> {
    queue: Arc<Mutex<Queue<T>>>,
    tap: Arc<Tap>,
    slot: usize,
}

impl<T: ComponentType + Lift + Send + Sync + 'static> StreamConsumer<HostState> for Intake<T> {
    type Item = T;

    fn poll_consume(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        store: StoreContextMut<HostState>,
        mut source: Source<'_, T>,
        finish: bool,
    ) -> Poll<wasmtime::Result<StreamResult>> {
        let mut queue = lock(&self.queue);
        if queue.abandoned {
            return Poll::Ready(Ok(StreamResult::Dropped));
        }
        let room = ROOM.saturating_sub(queue.items.len());
        if room == 0 {
            if finish {
                return Poll::Ready(Ok(StreamResult::Cancelled));
            }
            queue.intake_waiting = Some(cx.waker().clone());
            return Poll::Pending;
        }
        let mut taken = Vec::with_capacity(room);
        source.read(store, &mut taken)?;
        self.tap.count_items(self.slot, taken.len() as u64);
        queue.items.extend(taken);
        wake(&mut queue.outlet_waiting);
        Poll::Ready(Ok(StreamResult::Completed))
    }
}

impl<T> Drop for Intake<T> {
    fn drop(&mut self) {
        let mut queue = lock(&self.queue);
        queue.ended = true;
        wake(&mut queue.outlet_waiting);
    }
}

/// Writes the queue's items into the consumer's stream.
struct Outlet<T> {
    queue: Arc<Mutex<Queue<T>>>,
}

impl<T: Send + Sync + 'static> StreamProducer<HostState> for Outlet<T> {
    type Item = T;
    type Buffer = VecBuffer<T>;

    fn poll_produce(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut store: StoreContextMut<HostState>,
        mut destination: Destination<'_, T, VecBuffer<T>>,
        finish: bool,
    ) -> Poll<wasmtime::Result<StreamResult>> {
        let mut queue = lock(&self.queue);
        if queue.items.is_empty() {
            if queue.ended {
                return Poll::Ready(Ok(StreamResult::Dropped));
            }
            if finish {
                return Poll::Ready(Ok(StreamResult::Cancelled));
            }
            queue.outlet_waiting = Some(cx.waker().clone());
            return Poll::Pending;
        }
        let wanted = destination
            .remaining(&mut store)
            .unwrap_or(queue.items.len())
            .min(queue.items.len());
        if wanted > 0 {
            let items: Vec<T> = queue.items.drain(..wanted).collect();
            destination.set_buffer(items.into());
            wake(&mut queue.intake_waiting);
        }
        Poll::Ready(Ok(StreamResult::Completed))
    }
}

impl<T> Drop for Outlet<T> {
    fn drop(&mut self) {
        let mut queue = lock(&self.queue);
        queue.abandoned = true;
        wake(&mut queue.intake_waiting);
    }
}
