//! A WASI 0.3 HTTP service (`wasi:http/handler@0.3.0`, async): answers every request with its
//! path reversed, the body written through a stream.

wit_bindgen::generate!({
    path: "../../wit/wasi-0.3",
    world: "echo-service",
    generate_all,
});

use wasi::http::types::{ErrorCode, Fields, Request, Response};

struct Echo;

impl exports::wasi::http::handler::Guest for Echo {
    async fn handle(request: Request) -> Result<Response, ErrorCode> {
        let path = request
            .get_path_with_query()
            .unwrap_or_else(|| "/".to_string());
        let body = format!("{}\n", path.chars().rev().collect::<String>());
        let headers = Fields::from_list(&[(
            "content-type".to_string(),
            b"text/plain; charset=utf-8".to_vec(),
        )])
        .map_err(|_| ErrorCode::InternalError(None))?;
        let (mut contents, reader) = wit_stream::new::<u8>();
        // Dropped unwritten, the trailers future says "none".
        let (_trailers, trailers) = wit_future::new(|| Ok(None));
        let (response, _sent) = Response::new(headers, Some(reader), trailers);
        wit_bindgen::spawn_local(async move {
            contents.write_all(body.into_bytes()).await;
        });
        Ok(response)
    }
}

export!(Echo);
