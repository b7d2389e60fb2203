//! A WASI 0.3 command using `example:wasi-three/words@0.1.0`: prints each word of its text as the
//! stream delivers it, then the count. The text is its arguments, or a sentence of its own.

wit_bindgen::generate!({
    path: "../../wit/wasi-0.3",
    world: "words-app",
    generate_all,
});

use example::wasi_three::words;
use wasi::cli::{environment, stdout};

struct App;

impl exports::wasi::cli::run::Guest for App {
    async fn run() -> Result<(), ()> {
        let args = environment::get_arguments();
        let text = if args.len() > 1 {
            args[1..].join(" ")
        } else {
            "streams cross the wire one word at a time".to_string()
        };
        let (mut out, reader) = wit_stream::new::<u8>();
        let written = stdout::write_via_stream(reader);
        let mut stream = words::split(text.clone()).await;
        let mut index = 0;
        while let Some(word) = stream.next().await {
            index += 1;
            out.write_all(format!("word {index}: {word}\n").into_bytes())
                .await;
        }
        let count = words::count(text).await;
        out.write_all(format!("{count} words\n").into_bytes()).await;
        drop(out);
        written.await.map_err(|_| ())
    }
}

export!(App);
