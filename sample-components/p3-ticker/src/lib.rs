//! A WASI 0.3 command: `wasi:cli/run@0.3.0` is async, the output goes through the stream
//! `wasi:cli/stdout@0.3.0` reads, and each tick awaits `wasi:clocks/monotonic-clock.wait-for`.
//! Ticks as many times as its first argument says (5 by default), 100 ms apart.

wit_bindgen::generate!({
    path: "../../wit/wasi-0.3",
    world: "ticker",
    generate_all,
});

use wasi::cli::{environment, stdout};
use wasi::clocks::monotonic_clock;

struct Ticker;

impl exports::wasi::cli::run::Guest for Ticker {
    async fn run() -> Result<(), ()> {
        let (mut out, reader) = wit_stream::new::<u8>();
        let written = stdout::write_via_stream(reader);
        let ticks: u32 = environment::get_arguments()
            .get(1)
            .and_then(|a| a.parse().ok())
            .unwrap_or(5);
        out.write_all(b"WASI 0.3: an async run writing to a stream\n".to_vec())
            .await;
        for tick in 1..=ticks {
            monotonic_clock::wait_for(100_000_000).await;
            out.write_all(format!("tick {tick} of {ticks}\n").into_bytes())
                .await;
        }
        drop(out);
        written.await.map_err(|_| ())
    }
}

export!(Ticker);
