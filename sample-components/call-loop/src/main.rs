//! Calls the imported `word-count` as many times as the first argument says (100000 by
//! default): a benchmark of calls across a wire, fused or forwarded by the host.

wit_bindgen::generate!({
    path: ["../../wit/stringoperations", "../../wit/app"],
    world: "example:app/app",
    generate_all,
});

use example::stringoperations::operations::word_count;

fn main() {
    let calls: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let mut words: u64 = 0;
    for _ in 0..calls {
        words += u64::from(word_count("one two three"));
    }
    println!("{calls} calls, {words} words");
}
