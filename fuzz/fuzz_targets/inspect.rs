//! Any bytes given to `inspect` end in a description or an error, never a panic, a hang or an
//! allocation the input's size does not justify.
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    let _ = plugboard_core::inspect::inspect_bytes(bytes);
});
