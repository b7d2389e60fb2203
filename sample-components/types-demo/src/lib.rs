//! One function per kind of WIT type, to explore typed invocation.

wit_bindgen::generate!({
    path: "../../wit/types-demo",
    world: "types-demo",
});

use std::cell::Cell;

use exports::example::types_demo::shapes::{
    Colour, Guest as Shapes, GuestTally, Point, Shape, Style,
};

struct Component;

impl Guest for Component {
    fn shout(text: String) -> String {
        format!("{}!", text.to_uppercase())
    }
}

impl Shapes for Component {
    type Tally = Tally;

    fn area(s: Shape) -> u64 {
        match s {
            Shape::Circle(r) => (std::f64::consts::PI * f64::from(r) * f64::from(r)) as u64,
            Shape::Rectangle(p) => (i64::from(p.x) * i64::from(p.y)).unsigned_abs(),
            Shape::Dot => 0,
        }
    }

    fn translate(p: Point, dx: i32, dy: i32) -> Point {
        Point {
            x: p.x.saturating_add(dx),
            y: p.y.saturating_add(dy),
        }
    }

    fn mix(a: Colour, b: Colour) -> String {
        use Colour::*;
        match (a, b) {
            (Red, Red) => "red",
            (Green, Green) => "green",
            (Blue, Blue) => "blue",
            (Red, Green) | (Green, Red) => "yellow",
            (Red, Blue) | (Blue, Red) => "magenta",
            (Green, Blue) | (Blue, Green) => "cyan",
        }
        .to_string()
    }

    fn describe_style(s: Style) -> String {
        let mut parts = Vec::new();
        if s.contains(Style::BOLD) {
            parts.push("bold");
        }
        if s.contains(Style::ITALIC) {
            parts.push("italic");
        }
        if s.contains(Style::UNDERLINE) {
            parts.push("underline");
        }
        if parts.is_empty() {
            "plain".to_string()
        } else {
            parts.join(" ")
        }
    }

    fn sum(values: Vec<f64>) -> f64 {
        values.iter().sum()
    }

    fn parse_number(text: String) -> Result<i64, String> {
        text.trim()
            .parse()
            .map_err(|e| format!("`{text}` is not a number: {e}"))
    }

    fn first_char(text: String) -> Option<char> {
        text.chars().next()
    }

    fn swap(pair: (String, bool)) -> (bool, String) {
        (pair.1, pair.0)
    }

    fn count_bytes(data: Vec<u8>) -> u32 {
        data.len() as u32
    }
}

/// A running total.
struct Tally(Cell<u32>);

impl GuestTally for Tally {
    fn new(start: u32) -> Self {
        Self(Cell::new(start))
    }

    fn add(&self, by: u32) -> u32 {
        self.0.set(self.0.get().saturating_add(by));
        self.0.get()
    }

    fn total(&self) -> u32 {
        self.0.get()
    }
}

export!(Component);
