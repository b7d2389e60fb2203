//! Hostile: spins forever without calling the host. Only epoch interruption can stop it.

fn main() {
    println!("spinning forever; only the host can stop this");
    let mut n: u64 = 0;
    loop {
        n = std::hint::black_box(n.wrapping_add(1));
    }
}
