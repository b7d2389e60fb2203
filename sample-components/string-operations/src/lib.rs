//! The seed tutorial's provider: exports `example:stringoperations/operations@0.1.0`.

wit_bindgen::generate!({
    path: "../../wit/stringoperations",
    world: "string-operations",
});

use exports::example::stringoperations::operations::Guest;

struct Component;

impl Guest for Component {
    fn reverse(s: String) -> String {
        s.chars().rev().collect()
    }

    fn word_count(s: String) -> u32 {
        s.split_whitespace().count() as u32
    }
}

export!(Component);
