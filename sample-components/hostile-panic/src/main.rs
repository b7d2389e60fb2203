//! Hostile: panics, which traps the component.

fn main() {
    println!("about to panic");
    let values: Vec<u32> = std::hint::black_box(Vec::new());
    let first = values.first().copied();
    panic!("deliberate panic: expected a value, got {first:?}");
}
