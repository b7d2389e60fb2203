//! Exports `example:kv/store@0.1.0`: named buckets (a resource) in memory, and a count of the
//! bucket handles dropped, so a host that forwards handles can show it runs the destructor.
//! When a folder is granted at `/data`, every value set is also written to
//! `/data/<bucket>/<key>`: a file on the host shows whose grants a method call ran with.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

wit_bindgen::generate!({
    path: "../../wit/kv",
    world: "kv-store",
});

use exports::example::kv::store::{Bucket, BucketBorrow, Guest, GuestBucket, Listing};

thread_local! {
    /// Every bucket's contents, by name: buckets of one name share them.
    static BUCKETS: RefCell<BTreeMap<String, BTreeMap<String, String>>> = RefCell::default();
    static DROPS: Cell<u32> = const { Cell::new(0) };
}

struct Component;

/// One handle to a named bucket.
struct Store {
    name: String,
}

impl Drop for Store {
    fn drop(&mut self) {
        DROPS.with(|drops| drops.set(drops.get() + 1));
    }
}

/// Writes the value to `/data/<bucket>/<key>` if `/data` is granted; without it the store
/// keeps values in memory only, so a failure is not an error.
fn persist(bucket: &str, key: &str, value: &str) {
    let dir = std::path::Path::new("/data").join(bucket);
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join(key), value);
    }
}

fn with_bucket<T>(name: &str, f: impl FnOnce(&mut BTreeMap<String, String>) -> T) -> T {
    BUCKETS.with(|buckets| f(buckets.borrow_mut().entry(name.to_string()).or_default()))
}

impl GuestBucket for Store {
    fn new(name: String) -> Self {
        with_bucket(&name, |_| ());
        Store { name }
    }

    fn find(name: String) -> Option<Bucket> {
        let holds = BUCKETS.with(|b| b.borrow().get(&name).is_some_and(|m| !m.is_empty()));
        holds.then(|| Bucket::new(Store { name }))
    }

    fn get(&self, key: String) -> Option<String> {
        with_bucket(&self.name, |m| m.get(&key).cloned())
    }

    fn set(&self, key: String, value: String) {
        persist(&self.name, &key, &value);
        with_bucket(&self.name, |m| m.insert(key, value));
    }

    fn keys(&self) -> Vec<String> {
        with_bucket(&self.name, |m| m.keys().cloned().collect())
    }

    fn name(&self) -> String {
        self.name.clone()
    }
}

impl Guest for Component {
    type Bucket = Store;

    fn list_buckets() -> Vec<Listing> {
        let names: Vec<(String, u32)> = BUCKETS.with(|b| {
            b.borrow()
                .iter()
                .filter(|(_, m)| !m.is_empty())
                .map(|(name, m)| (name.clone(), m.len() as u32))
                .collect()
        });
        names
            .into_iter()
            .map(|(name, size)| Listing {
                bucket: Bucket::new(Store { name }),
                size,
            })
            .collect()
    }

    fn size_of(b: BucketBorrow<'_>) -> u32 {
        b.get::<Store>().keys().len() as u32
    }

    fn close(b: Bucket) {
        drop(b);
    }

    fn drops() -> u32 {
        DROPS.with(Cell::get)
    }
}

export!(Component);
