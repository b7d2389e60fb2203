//! A WASI 0.3 command that tries each capability and prints what it got, one line each, so
//! tests can hold the host to its grants: the PROBE variable and the arguments; a file created
//! in the first granted folder; a TCP connection to TARGET_ADDR; a lookup of `localhost`; and
//! an HTTP GET of URL.

wit_bindgen::generate!({
    path: "../../wit/wasi-0.3",
    world: "probe",
    generate_all,
});

use wasi::cli::{environment, stdout};
use wasi::filesystem::preopens;
use wasi::filesystem::types::{DescriptorFlags, OpenFlags, PathFlags};
use wasi::http::client;
use wasi::http::types::{Fields, Request, Scheme};
use wasi::sockets::ip_name_lookup;
use wasi::sockets::types::{IpAddressFamily, IpSocketAddress, Ipv4SocketAddress, TcpSocket};

struct Probe;

impl exports::wasi::cli::run::Guest for Probe {
    async fn run() -> Result<(), ()> {
        let env = environment::get_environment();
        let var = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let mut lines = vec![
            format!("env PROBE: {:?}", var("PROBE")),
            format!(
                "arguments: {}",
                environment::get_arguments().len().saturating_sub(1)
            ),
            create_file().await,
        ];
        if let Some(target) = var("TARGET_ADDR") {
            lines.push(connect(&target).await);
        }
        lines.push(
            match ip_name_lookup::resolve_addresses("localhost".to_string()).await {
                Ok(found) => format!("lookup localhost: ok {}", found.len()),
                Err(e) => format!("lookup localhost: denied {e:?}"),
            },
        );
        if let Some(url) = var("URL") {
            lines.push(get(&url).await);
        }
        let (mut out, reader) = wit_stream::new::<u8>();
        let written = stdout::write_via_stream(reader);
        let mut text = lines.join("\n");
        text.push('\n');
        out.write_all(text.into_bytes()).await;
        drop(out);
        written.await.map_err(|_| ())
    }
}

/// Creates `written-by-p3-probe.txt` in the first granted folder.
async fn create_file() -> String {
    let Some((dir, path)) = preopens::get_directories().into_iter().next() else {
        return "dir: none granted".to_string();
    };
    match dir
        .open_at(
            PathFlags::empty(),
            "written-by-p3-probe.txt".to_string(),
            OpenFlags::CREATE,
            DescriptorFlags::WRITE,
        )
        .await
    {
        Ok(_) => format!("dir {path}: created"),
        Err(e) => format!("dir {path}: denied {e:?}"),
    }
}

/// Connects to `target` (`a.b.c.d:port`).
async fn connect(target: &str) -> String {
    let Some(address) = parse_v4(target) else {
        return format!("connect {target}: not an IPv4 address");
    };
    let socket = match TcpSocket::create(IpAddressFamily::Ipv4) {
        Ok(socket) => socket,
        Err(e) => return format!("connect {target}: denied {e:?}"),
    };
    match socket.connect(address).await {
        Ok(()) => format!("connect {target}: ok"),
        Err(e) => format!("connect {target}: denied {e:?}"),
    }
}

fn parse_v4(text: &str) -> Option<IpSocketAddress> {
    let (host, port) = text.rsplit_once(':')?;
    let octets: Vec<u8> = host
        .split('.')
        .map(|o| o.parse().ok())
        .collect::<Option<_>>()?;
    let [a, b, c, d] = octets[..] else {
        return None;
    };
    Some(IpSocketAddress::Ipv4(Ipv4SocketAddress {
        port: port.parse().ok()?,
        address: (a, b, c, d),
    }))
}

/// GETs `url` (`http://host:port/path`).
async fn get(url: &str) -> String {
    let Some(rest) = url.strip_prefix("http://") else {
        return format!("get {url}: only http:// URLs");
    };
    let (authority, path) = match rest.split_once('/') {
        Some((authority, path)) => (authority, format!("/{path}")),
        None => (rest, "/".to_string()),
    };
    let (_trailers, trailers) = wit_future::new(|| Ok(None));
    let (request, _sent) = Request::new(Fields::new(), None, trailers, None);
    let built = request
        .set_scheme(Some(&Scheme::Http))
        .and_then(|()| request.set_authority(Some(authority)))
        .and_then(|()| request.set_path_with_query(Some(&path)));
    if built.is_err() {
        return format!("get {url}: cannot build the request");
    }
    match client::send(request).await {
        Ok(response) => format!("get {url}: status {}", response.get_status_code()),
        Err(e) => format!("get {url}: denied {e:?}"),
    }
}

export!(Probe);
