//! Hostile: allocates and touches 16 MiB blocks until the host refuses to grow memory.

fn main() {
    let mut blocks: Vec<Vec<u8>> = Vec::new();
    loop {
        let block = vec![0xA5u8; 16 << 20];
        blocks.push(std::hint::black_box(block));
        println!("allocated {} MiB", blocks.len() * 16);
    }
}
