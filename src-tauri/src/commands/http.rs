//! The request tester: one HTTP/1.1 request to a proxy the window serves on loopback.
//!
//! Sent from here rather than from the page, whose `fetch` would need CORS headers the guest
//! does not send.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::rt::TokioIo;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{AppError, ErrorKind};

/// How long a request may take, head and body.
const TIMEOUT: Duration = Duration::from_secs(30);
/// The most response body kept for the window.
const MAX_BODY: usize = 1 << 20;

/// A request to send.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct TestRequest {
    /// Where the proxy listens: `127.0.0.1:PORT` (loopback only).
    pub address: String,
    /// `GET`, `POST`, …
    pub method: String,
    /// The path and query: `/hello?x=1`.
    pub path: String,
    /// The body (sent when not empty).
    pub body: String,
}

/// What came back.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct TestResponse {
    /// The status code.
    pub status: u16,
    /// The headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body as text (lossy for bytes that are not UTF-8), at most 1 MiB.
    pub body: String,
    /// From sending to the whole body.
    #[ts(type = "number")]
    pub millis: u64,
}

/// Sends `request` and waits for the whole response.
#[tauri::command]
pub async fn send_request(request: TestRequest) -> Result<TestResponse, AppError> {
    tokio::time::timeout(TIMEOUT, exchange(request))
        .await
        .map_err(|_| failed(format!("no answer within {} s", TIMEOUT.as_secs())))?
}

fn failed(message: String) -> AppError {
    AppError::new(ErrorKind::RequestFailed, message)
}

async fn exchange(request: TestRequest) -> Result<TestResponse, AppError> {
    let address: SocketAddr = request
        .address
        .trim()
        .parse()
        .ok()
        .filter(|a: &SocketAddr| a.ip().is_loopback())
        .ok_or_else(|| {
            AppError::new(
                ErrorKind::InvalidAddress,
                format!(
                    "`{}` is not a loopback address: the tester only talks to what Plugboard \
                     serves, like 127.0.0.1:8080",
                    request.address
                ),
            )
        })?;
    let path = if request.path.starts_with('/') {
        request.path.clone()
    } else {
        format!("/{}", request.path)
    };
    let message = http::Request::builder()
        .method(request.method.trim().to_ascii_uppercase().as_str())
        .uri(&path)
        .header(http::header::HOST, address.to_string())
        .body(Full::new(Bytes::from(request.body)))
        .map_err(|e| failed(format!("cannot send `{} {path}`: {e}", request.method)))?;
    let started = Instant::now();
    let stream = tokio::net::TcpStream::connect(address)
        .await
        .map_err(|e| failed(format!("cannot connect to {address}: {e} (is it serving?)")))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| failed(format!("HTTP handshake with {address} failed: {e}")))?;
    tauri::async_runtime::spawn(async move {
        // Ends with the exchange; its error, if any, is the one `send_request` reports.
        let _ = connection.await;
    });
    let response = sender
        .send_request(message)
        .await
        .map_err(|e| failed(format!("the request failed: {e}")))?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = Limited::new(response.into_body(), MAX_BODY)
        .collect()
        .await
        .map_err(|e| failed(format!("reading the response body failed: {e}")))?
        .to_bytes();
    Ok(TestResponse {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        millis: started.elapsed().as_millis() as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_is_asked() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let error = runtime
            .block_on(exchange(TestRequest {
                address: "192.0.2.1:80".into(),
                method: "GET".into(),
                path: "/".into(),
                body: String::new(),
            }))
            .expect_err("refused");
        assert_eq!(error.kind, ErrorKind::InvalidAddress);
    }
}
