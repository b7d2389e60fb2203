//! `wasi:random` demo: secure random bytes, a secure u64, an insecure u64 and the insecure seed.

use wasip2::random::{insecure, insecure_seed, random};

fn main() {
    let bytes = random::get_random_bytes(16);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    println!("secure random bytes: {hex}");
    println!("secure random u64: {}", random::get_random_u64());
    let dice: Vec<String> = (0..5)
        .map(|_| (random::get_random_u64() % 6 + 1).to_string())
        .collect();
    println!("five dice: {}", dice.join(" "));
    println!(
        "insecure random u64: {}",
        insecure::get_insecure_random_u64()
    );
    let (lo, hi) = insecure_seed::insecure_seed();
    println!("insecure seed: {hi:016x}{lo:016x}");
}
