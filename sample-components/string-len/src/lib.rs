//! The seed article's first example: exports `example:string-operations/len@0.1.0`.

wit_bindgen::generate!({
    path: "../../wit/string-len",
    world: "string-operations",
});

use exports::example::string_operations::len::Guest;

struct Component;

impl Guest for Component {
    fn len(s: String) -> u32 {
        s.chars().count() as u32
    }
}

export!(Component);
