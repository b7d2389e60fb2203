//! A command that uses `example:kv/store@0.1.0` every way a handle can cross a wire: a
//! constructor, methods, a static function returning an optional handle, a list of records
//! holding handles, a borrowed handle passed in, an owned one handed over, and drops; then it
//! asks the store how many handles it dropped.

wit_bindgen::generate!({
    path: "../../wit/kv",
    world: "kv-app",
});

use example::kv::store::{Bucket, close, drops, list_buckets, size_of};

fn main() {
    let fruit = Bucket::new("fruit");
    fruit.set("apple", "red");
    fruit.set("banana", "yellow");
    let veg = Bucket::new("veg");
    veg.set("kale", "green");
    println!("fruit keys: {}", fruit.keys().join(", "));
    println!("apple is {}", fruit.get("apple").unwrap_or_default());
    println!("size of veg: {}", size_of(&veg));

    // A second handle to the same bucket, found by name.
    let again = Bucket::find("fruit").expect("fruit holds something");
    println!("found {} with {} keys", again.name(), again.keys().len());
    println!("no bucket named empty: {}", Bucket::find("empty").is_none());

    let listed = list_buckets();
    for listing in &listed {
        println!("listed {} ({} keys)", listing.bucket.name(), listing.size);
    }
    drop(listed);
    drop(again);
    close(veg);
    drop(fruit);
    // Two listed, one found, veg closed, fruit dropped: five handles.
    println!("the store dropped {} handles", drops());
}
