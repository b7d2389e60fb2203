//! Components through a real OCI registry on loopback (Debian's `docker-registry`): published,
//! pulled back byte-identical, cached by digest, composed and run from a project that reopens
//! offline; newer versions noticed; each failure clear, with nothing cached or pushed.

use std::path::Path;

use plugboard_core::compose::load_components;
use plugboard_core::project::{Node, NodeId, Position, Project, Wire, WireEnd};
use plugboard_core::registry::{
    ComponentRef, ComponentStore, RegistryConfig, RegistryError, WASM_CONFIG_MEDIA_TYPE,
    WASM_LAYER_MEDIA_TYPE, materialize, newer, publish, pull,
};
use plugboard_core::run::{Operation, RunMode};
use tempfile::TempDir;

use crate::registry_server::RegistryServer;
use crate::support::{finish, runtime, sample};

const SEED_LINES: &str = "Original: Hello WebAssembly Component Model\n\
                          Reversed: ledoM tnenopmoC ylbmessAbeW olleH\n\
                          Words: 4\n";

fn reference(text: &str) -> ComponentRef {
    ComponentRef::parse(text, &RegistryConfig::default()).expect("a reference")
}

fn publish_sample(server: &RegistryServer, name: &str, tag: &str) -> ComponentRef {
    publish_as(server, name, &format!("example/{name}:{tag}"))
}

/// Publishes the sample `name` as `repository:tag` on `server`.
fn publish_as(server: &RegistryServer, name: &str, repository_tag: &str) -> ComponentRef {
    let reference = reference(&format!("{}/{repository_tag}", server.address));
    let bytes = std::fs::read(sample(name)).expect("sample");
    publish(bytes, &reference).expect("published");
    reference
}

fn files_in(dir: &Path) -> usize {
    walk(dir).len()
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .flat_map(|e| {
            let path = e.path();
            if path.is_dir() {
                walk(&path)
            } else {
                vec![path]
            }
        })
        .collect()
}

#[test]
fn a_published_component_pulls_back_byte_identical_in_the_wasm_artifact_layout() {
    let server = RegistryServer::start();
    let cache = TempDir::new().expect("temp");
    let store = ComponentStore::at(cache.path().to_path_buf());
    let bytes = std::fs::read(sample("string-operations")).expect("sample");
    let reference = reference(&format!(
        "{}/example/string-operations:0.1.0",
        server.address
    ));
    let published = publish(bytes.clone(), &reference).expect("published");
    assert!(published.digest.starts_with("sha256:"), "{published:?}");

    let pulled = pull(&reference, &store).expect("pulled");
    assert_eq!(pulled.source.digest, published.digest);
    assert_eq!(pulled.source.reference, reference.oci());
    assert_eq!(pulled.path, store.path_of(&published.digest));
    assert!(
        std::fs::read(&pulled.path).expect("cached") == bytes,
        "bytes differ"
    );

    // A package name resolves through the configured registry to the same artifact.
    let config = RegistryConfig {
        default_registry: Some(server.address.clone()),
        ..RegistryConfig::default()
    };
    let by_package =
        ComponentRef::parse("example:string-operations@0.1.0", &config).expect("a package");
    assert_eq!(
        pull(&by_package, &store).expect("pulled").source.digest,
        published.digest
    );

    // What the registry holds is wkg's layout: a wasm config and one application/wasm layer.
    let (manifest, _) = block_on(plain_http_client().pull_image_manifest(
        &reference.oci().parse().expect("reference"),
        &oci_client::secrets::RegistryAuth::Anonymous,
    ))
    .expect("manifest");
    assert_eq!(manifest.config.media_type, WASM_CONFIG_MEDIA_TYPE);
    let layers: Vec<&str> = manifest
        .layers
        .iter()
        .map(|l| l.media_type.as_str())
        .collect();
    assert_eq!(layers, [WASM_LAYER_MEDIA_TYPE]);
}

#[test]
fn a_project_of_pulled_components_runs_and_reopens_offline_from_the_cache() {
    let server = RegistryServer::start();
    let cache = TempDir::new().expect("temp");
    let store = ComponentStore::at(cache.path().to_path_buf());
    let provider = pull(
        &publish_sample(&server, "string-operations", "0.1.0"),
        &store,
    )
    .expect("provider pulled");
    let consumer =
        pull(&publish_sample(&server, "consumer-app", "0.1.0"), &store).expect("consumer pulled");
    let node = |id: &str, pulled: &plugboard_core::registry::Pulled| Node {
        id: NodeId::new(id),
        component: pulled.path.clone(),
        sha256: Some(pulled.info.sha256.clone()),
        position: Position::default(),
        capabilities: None,
        registry: Some(pulled.source.clone()),
    };
    let interface = "example:stringoperations/operations@0.1.0";
    let project = Project {
        nodes: vec![
            node("string-operations", &provider),
            node("consumer-app", &consumer),
        ],
        wires: vec![Wire {
            from: WireEnd {
                node: NodeId::new("string-operations"),
                port: interface.into(),
            },
            to: WireEnd {
                node: NodeId::new("consumer-app"),
                port: interface.into(),
            },
        }],
        ..Project::default()
    };
    let folder = TempDir::new().expect("temp");
    let file = folder.path().join("pulled.plugboard.json");
    project.save(&file, folder.path()).expect("saved");

    // The registry goes away; the project reopens from the cache and runs in both modes.
    drop(server);
    let mut reopened = Project::load(&file)
        .expect("reloads")
        .with_absolute_paths(folder.path());
    assert_eq!(reopened.nodes[1].registry, Some(consumer.source.clone()));
    materialize(&mut reopened, &store).expect("found in the cache, offline");
    let components = load_components(&reopened, folder.path()).expect("components");
    let (runtime, _compiled) = runtime();
    for mode in [RunMode::Linked, RunMode::Fused] {
        let outcome = finish(&runtime, (&reopened, &components), mode, Operation::Run);
        assert_eq!(outcome.stdout, SEED_LINES, "{mode:?}: {:?}", outcome.events);
    }

    // Elsewhere (an empty cache) with the registry down, the missing component is named.
    let empty = ComponentStore::at(folder.path().join("other-cache"));
    let mut elsewhere = Project::load(&file).expect("reloads");
    let err = materialize(&mut elsewhere, &empty).expect_err("the registry is down");
    assert!(matches!(err, RegistryError::Unreachable { .. }), "{err}");
}

#[test]
fn a_missing_component_is_pulled_again_by_its_recorded_digest() {
    let server = RegistryServer::start();
    let first = TempDir::new().expect("temp");
    let reference = publish_sample(&server, "string-operations", "latest");
    let pulled = pull(&reference, &ComponentStore::at(first.path().into())).expect("pulled");
    // The tag moves on to other bytes; a fresh cache still gets the recorded digest's bytes.
    publish_sample(&server, "logger", "latest");
    let second = TempDir::new().expect("temp");
    let store = ComponentStore::at(second.path().into());
    let mut project = Project {
        nodes: vec![Node {
            id: NodeId::new("ops"),
            component: "gone.wasm".into(),
            sha256: None,
            position: Position::default(),
            capabilities: None,
            registry: Some(pulled.source.clone()),
        }],
        ..Project::default()
    };
    materialize(&mut project, &store).expect("pulled by digest");
    assert!(
        std::fs::read(&project.nodes[0].component).expect("cached")
            == std::fs::read(sample("string-operations")).expect("sample"),
        "the recorded digest gave other bytes"
    );
}

#[test]
fn newer_versions_and_moved_tags_are_reported() {
    let server = RegistryServer::start();
    let cache = TempDir::new().expect("temp");
    let store = ComponentStore::at(cache.path().into());
    let old = pull(
        &publish_sample(&server, "string-operations", "0.1.0"),
        &store,
    )
    .expect("pulled");
    assert_eq!(newer(&old.source).expect("asked"), None);
    publish_sample(&server, "string-operations", "0.2.0");
    publish_sample(&server, "string-operations", "0.3.0-rc.1");
    let update = newer(&old.source).expect("asked").expect("0.2.0 is newer");
    assert!(
        update
            .reference
            .ends_with("/example/string-operations:0.2.0"),
        "{update:?}"
    );
    assert!(update.summary.contains("0.2.0"), "{update:?}");

    let latest = pull(&publish_sample(&server, "logger", "latest"), &store).expect("pulled");
    assert_eq!(newer(&latest.source).expect("asked"), None);
    publish_as(&server, "greeter", "example/logger:latest");
    let moved = newer(&latest.source)
        .expect("asked")
        .expect("the tag moved");
    assert!(moved.summary.contains("now points to"), "{moved:?}");
}

#[test]
fn registry_failures_are_clear_and_cache_or_push_nothing() {
    let server = RegistryServer::start();
    let cache = TempDir::new().expect("temp");
    let store = ComponentStore::at(cache.path().into());

    let missing = reference(&format!("{}/example/nothing:1.0.0", server.address));
    let err = pull(&missing, &store).expect_err("no such component");
    assert!(matches!(err, RegistryError::NotFound { .. }), "{err}");
    assert!(err.to_string().contains("example/nothing:1.0.0"), "{err}");

    // A port nobody listens on: the network is down for this registry.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port");
    let down = reference(&format!("{closed}/example/x:1"));
    let err = pull(&down, &store).expect_err("unreachable");
    assert!(matches!(err, RegistryError::Unreachable { .. }), "{err}");

    // A core module is not published: nothing reaches the registry.
    let module = wat::parse_str("(module)").expect("a core module");
    let target = reference(&format!("{}/example/module:1", server.address));
    let err = publish(module, &target).expect_err("not a component");
    assert!(matches!(err, RegistryError::NotAComponent { .. }), "{err}");
    assert_eq!(server.status("/v2/example/module/tags/list"), Some(404));

    // A container image is not pulled as a component.
    let image = reference(&format!("{}/example/image:1", server.address));
    push_container_image(&image.oci());
    let err = pull(&image, &store).expect_err("not a component");
    assert!(matches!(err, RegistryError::NotAComponent { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("application/vnd.oci.image.layer.v1.tar"),
        "{err}"
    );

    // A registry that wants signing in says so.
    let guarded = RegistryServer::start_with_sign_in();
    let err = pull(
        &reference(&format!("{}/example/x:1", guarded.address)),
        &store,
    )
    .expect_err("sign-in required");
    assert!(matches!(err, RegistryError::AuthRequired { .. }), "{err}");
    let bytes = std::fs::read(sample("logger")).expect("sample");
    let err = publish(
        bytes,
        &reference(&format!("{}/example/x:1", guarded.address)),
    )
    .expect_err("sign-in required");
    assert!(matches!(err, RegistryError::AuthRequired { .. }), "{err}");

    assert_eq!(
        files_in(cache.path()),
        0,
        "a failed pull left files in the cache"
    );
}

/// Pushes a one-layer container image (a tar layer, an image config) to `reference`.
fn push_container_image(reference: &str) {
    use oci_client::client::{Config, ImageLayer};
    let layer = ImageLayer::oci_v1(b"not a component".to_vec(), None);
    let config = Config::oci_v1(b"{}".to_vec(), None);
    block_on(plain_http_client().push(
        &reference.parse().expect("reference"),
        &[layer],
        config,
        &oci_client::secrets::RegistryAuth::Anonymous,
        None,
    ))
    .expect("pushed");
}

/// An oci-client of the test's own, to look behind Plugboard's back.
fn plain_http_client() -> oci_client::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    oci_client::Client::new(oci_client::client::ClientConfig {
        protocol: oci_client::client::ClientProtocol::Http,
        ..Default::default()
    })
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(future)
}
