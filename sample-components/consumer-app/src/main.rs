//! The seed tutorial's consumer: a command importing `example:stringoperations/operations@0.1.0`.

wit_bindgen::generate!({
    path: ["../../wit/stringoperations", "../../wit/app"],
    world: "example:app/app",
    generate_all,
});

use example::stringoperations::operations::{reverse, word_count};

fn main() {
    let text = "Hello WebAssembly Component Model";

    println!("Original: {text}");
    println!("Reversed: {}", reverse(text));
    println!("Words: {}", word_count(text));
}
