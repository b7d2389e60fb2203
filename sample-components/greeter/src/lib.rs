//! Greets people: imports the logger and the string operations, exports `example:greeter/greet`.

wit_bindgen::generate!({
    path: ["../../wit/logger", "../../wit/stringoperations", "../../wit/greeter"],
    world: "example:greeter/greeter",
    generate_all,
});

use example::logger::log::{Level, log};
use example::stringoperations::operations::reverse;
use exports::example::greeter::greet::Guest;

struct Component;

impl Guest for Component {
    fn greet(name: String) -> String {
        log(Level::Info, &format!("greeting {name}"));
        format!("Hello, {name}! ({} backwards)", reverse(&name))
    }
}

export!(Component);
