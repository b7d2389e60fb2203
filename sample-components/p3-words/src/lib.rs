//! Exports `example:wasi-three/words@0.1.0`: async functions, one returning a stream whose
//! items (the words) are written after the function has returned.

wit_bindgen::generate!({
    path: "../../wit/wasi-0.3",
    world: "words-provider",
    generate_all,
});

use wit_bindgen::StreamReader;

struct Words;

impl exports::example::wasi_three::words::Guest for Words {
    async fn split(text: String) -> StreamReader<String> {
        let (mut writer, reader) = wit_stream::new::<String>();
        wit_bindgen::spawn_local(async move {
            for word in text.split_whitespace() {
                if writer.write_one(word.to_string()).await.is_some() {
                    break; // the reader went away
                }
            }
        });
        reader
    }

    async fn count(text: String) -> u32 {
        text.split_whitespace().count() as u32
    }
}

export!(Words);
