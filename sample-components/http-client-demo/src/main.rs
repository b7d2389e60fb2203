//! `wasi:http` client demo: sends `GET $URL` through `wasi:http/outgoing-handler` and prints the
//! status, the content type and the start of the body. Says clearly when the host denied it.

use wasip2::http::outgoing_handler::{ErrorCode, handle};
use wasip2::http::types::{Fields, Method, OutgoingRequest, Scheme};
use wasip2::io::streams::StreamError;

fn main() {
    let Ok(url) = std::env::var("URL") else {
        println!("Set URL=http://host:port/path and grant outgoing HTTP.");
        std::process::exit(2);
    };
    let (scheme, rest) = match url.split_once("://") {
        Some(("http", rest)) => (Scheme::Http, rest),
        Some(("https", rest)) => (Scheme::Https, rest),
        _ => {
            println!("URL `{url}` must start with http:// or https://");
            std::process::exit(2);
        }
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };

    let request = OutgoingRequest::new(Fields::new());
    let _ = request.set_method(&Method::Get);
    let _ = request.set_scheme(Some(&scheme));
    let _ = request.set_authority(Some(authority));
    let _ = request.set_path_with_query(Some(path));
    println!("GET {url}");
    let future = match handle(request, None) {
        Ok(future) => future,
        Err(e) => deny_or_fail(e),
    };
    let response = loop {
        match future.get() {
            Some(Ok(Ok(response))) => break response,
            Some(Ok(Err(e))) => deny_or_fail(e),
            Some(Err(())) => {
                println!("failed: the response was already taken");
                std::process::exit(1);
            }
            None => future.subscribe().block(),
        }
    };
    println!("status: {}", response.status());
    for (name, value) in response.headers().entries() {
        if name.eq_ignore_ascii_case("content-type") {
            println!("content-type: {}", String::from_utf8_lossy(&value));
        }
    }
    let Ok(body) = response.consume() else {
        println!("failed: no body");
        std::process::exit(1);
    };
    let Ok(stream) = body.stream() else {
        println!("failed: no body stream");
        std::process::exit(1);
    };
    let mut bytes = Vec::new();
    loop {
        match stream.blocking_read(64 * 1024) {
            Ok(chunk) => bytes.extend_from_slice(&chunk),
            Err(StreamError::Closed) => break,
            Err(StreamError::LastOperationFailed(e)) => {
                println!("failed: reading the body: {}", e.to_debug_string());
                std::process::exit(1);
            }
        }
    }
    println!("body: {} byte(s)", bytes.len());
    let shown = &bytes[..bytes.len().min(2048)];
    println!("{}", String::from_utf8_lossy(shown));
}

fn deny_or_fail(e: ErrorCode) -> ! {
    if matches!(e, ErrorCode::HttpRequestDenied) {
        println!("DENIED: outgoing HTTP was not granted by the host (http-request-denied)");
    } else {
        println!("failed: {e:?}");
    }
    std::process::exit(1);
}
