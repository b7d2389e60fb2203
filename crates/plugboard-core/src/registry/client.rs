//! Talking to a registry through oci-client: pull a component, publish one, ask whether a
//! newer one is there. Components travel in the Wasm OCI artifact layout wkg and
//! `wasm-pkg-client` use: one `application/wasm` layer, a config of media type
//! `application/vnd.wasm.config.v0+json`.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use oci_client::client::{ClientConfig, ClientProtocol, Config, ImageLayer};
use oci_client::errors::{OciDistributionError, OciErrorCode};
use oci_client::manifest::{OciDescriptor, OciImageManifest};
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference};
use serde::Serialize;

use super::error::RegistryError;
use super::reference::ComponentRef;
use crate::files::MAX_COMPONENT_BYTES;

/// The layer media type of a component.
pub const WASM_LAYER_MEDIA_TYPE: &str = "application/wasm";
/// The config media type of a Wasm OCI artifact.
pub const WASM_CONFIG_MEDIA_TYPE: &str = "application/vnd.wasm.config.v0+json";

/// A registry session for one reference: plain HTTP to a registry on this machine, HTTPS to
/// any other.
pub(super) struct Session {
    client: Client,
    runtime: tokio::runtime::Runtime,
    reference: ComponentRef,
}

impl Session {
    pub fn new(reference: &ComponentRef) -> Result<Self, RegistryError> {
        install_crypto_provider();
        let protocol = if reference.is_loopback() {
            ClientProtocol::Http
        } else {
            ClientProtocol::Https
        };
        let client = Client::new(ClientConfig {
            protocol,
            connect_timeout: Some(Duration::from_secs(10)),
            read_timeout: Some(Duration::from_secs(60)),
            ..ClientConfig::default()
        });
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| RegistryError::Unreachable {
                registry: reference.registry().to_string(),
                reason: format!("no network runtime: {e}"),
            })?;
        Ok(Self {
            client,
            runtime,
            reference: reference.clone(),
        })
    }

    /// The component's bytes and the manifest digest they were found under.
    pub fn pull(&self) -> Result<(Vec<u8>, String), RegistryError> {
        let reference = &self.reference.oci;
        self.runtime.block_on(async {
            let (manifest, digest) = self
                .client
                .pull_image_manifest(reference, &RegistryAuth::Anonymous)
                .await
                .map_err(|e| self.error(e))?;
            let layer = wasm_layer(&manifest).map_err(|found| RegistryError::NotAComponent {
                reference: reference.whole(),
                found,
            })?;
            let declared = u64::try_from(layer.size).unwrap_or(u64::MAX);
            if declared > MAX_COMPONENT_BYTES {
                return Err(RegistryError::NotAComponent {
                    reference: reference.whole(),
                    found: format!(
                        "its layer is {declared} bytes, over the {MAX_COMPONENT_BYTES}-byte limit"
                    ),
                });
            }
            let mut bytes = BoundedBuffer::new(MAX_COMPONENT_BYTES);
            self.client
                .pull_blob(reference, layer, &mut bytes)
                .await
                .map_err(|e| self.error(e))?;
            Ok((bytes.into_inner(), digest))
        })
    }

    /// Pushes `bytes` as a component artifact whose config lists `imports` and `exports`,
    /// returning the manifest digest.
    pub fn publish(
        &self,
        bytes: Vec<u8>,
        imports: Vec<String>,
        exports: Vec<String>,
    ) -> Result<String, RegistryError> {
        let reference = &self.reference.oci;
        let layer = ImageLayer::new(bytes, WASM_LAYER_MEDIA_TYPE.to_string(), None);
        let config = WasmConfig {
            created: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
            architecture: "wasm",
            os: "wasip2",
            layer_digests: vec![layer.sha256_digest()],
            component: ComponentConfig {
                exports,
                imports,
                target: None,
            },
        };
        #[expect(
            clippy::expect_used,
            reason = "a struct of strings and lists always serialises"
        )]
        let config = Config::new(
            serde_json::to_vec(&config).expect("the config serialises"),
            WASM_CONFIG_MEDIA_TYPE.to_string(),
            None,
        );
        let manifest = OciImageManifest::build(std::slice::from_ref(&layer), &config, None);
        self.runtime.block_on(async {
            self.client
                .push(
                    reference,
                    &[layer],
                    config,
                    &RegistryAuth::Anonymous,
                    Some(manifest),
                )
                .await
                .map_err(|e| self.error(e))?;
            self.client
                .fetch_manifest_digest(reference, &RegistryAuth::Anonymous)
                .await
                .map_err(|e| self.error(e))
        })
    }

    /// The digest the reference's tag points to now.
    pub fn current_digest(&self, reference: &Reference) -> Result<String, RegistryError> {
        self.runtime.block_on(async {
            self.client
                .fetch_manifest_digest(reference, &RegistryAuth::Anonymous)
                .await
                .map_err(|e| self.error(e))
        })
    }

    /// The repository's tags.
    pub fn tags(&self) -> Result<Vec<String>, RegistryError> {
        self.runtime.block_on(async {
            self.client
                .list_tags(&self.reference.oci, &RegistryAuth::Anonymous, None, None)
                .await
                .map(|response| response.tags)
                .map_err(|e| self.error(e))
        })
    }

    /// An oci-client error as one the user can act on.
    fn error(&self, error: OciDistributionError) -> RegistryError {
        let reference = self.reference.oci();
        let registry = self.reference.registry().to_string();
        match error {
            OciDistributionError::ImageManifestNotFoundError(_) => {
                RegistryError::NotFound { reference }
            }
            OciDistributionError::RegistryError { envelope, .. }
                if envelope.errors.iter().any(|e| {
                    matches!(
                        e.code,
                        OciErrorCode::ManifestUnknown
                            | OciErrorCode::NameUnknown
                            | OciErrorCode::NotFound
                            | OciErrorCode::BlobUnknown
                    )
                }) =>
            {
                RegistryError::NotFound { reference }
            }
            OciDistributionError::ServerError { code: 404, .. } => {
                RegistryError::NotFound { reference }
            }
            OciDistributionError::AuthenticationFailure(_)
            | OciDistributionError::UnauthorizedError { .. }
            | OciDistributionError::ServerError {
                code: 401 | 403, ..
            } => RegistryError::AuthRequired {
                registry,
                reference,
            },
            OciDistributionError::RequestError(e) if e.is_connect() || e.is_timeout() => {
                RegistryError::Unreachable {
                    registry,
                    reason: error_chain(&e),
                }
            }
            OciDistributionError::IncompatibleLayerMediaTypeError(found) => {
                RegistryError::NotAComponent { reference, found }
            }
            other => RegistryError::Refused {
                reference,
                message: error_chain(&other),
            },
        }
    }
}

/// The one `application/wasm` layer of a component artifact, or what the artifact is instead.
fn wasm_layer(manifest: &OciImageManifest) -> Result<&OciDescriptor, String> {
    match manifest.layers.as_slice() {
        [layer] if layer.media_type == WASM_LAYER_MEDIA_TYPE => Ok(layer),
        layers => {
            let types: Vec<&str> = layers.iter().map(|l| l.media_type.as_str()).collect();
            Err(format!(
                "its config is `{}` and its layers are [{}], not one `{WASM_LAYER_MEDIA_TYPE}` layer",
                manifest.config.media_type,
                types.join(", ")
            ))
        }
    }
}

/// An error and its causes on one line.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The config of a Wasm OCI artifact (the CNCF Wasm OCI artifact layout).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WasmConfig {
    created: String,
    architecture: &'static str,
    os: &'static str,
    layer_digests: Vec<String>,
    component: ComponentConfig,
}

#[derive(Serialize)]
struct ComponentConfig {
    exports: Vec<String>,
    imports: Vec<String>,
    target: Option<String>,
}

/// Ring as rustls's crypto for HTTPS registries (the provider wasmtime-wasi-http already
/// builds); installed once per process, harmlessly again.
fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A blob's bytes, refused past a limit: a registry that sends more than it declared, or
/// more than any component may be, fills no memory with it.
struct BoundedBuffer {
    bytes: Vec<u8>,
    limit: u64,
}

impl BoundedBuffer {
    fn new(limit: u64) -> Self {
        Self {
            bytes: Vec::new(),
            limit,
        }
    }

    fn into_inner(self) -> Vec<u8> {
        self.bytes
    }
}

impl tokio::io::AsyncWrite for BoundedBuffer {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let total = self.bytes.len() as u64 + buf.len() as u64;
        if total > self.limit {
            return Poll::Ready(Err(std::io::Error::other(format!(
                "the blob passed {} bytes",
                self.limit
            ))));
        }
        self.bytes.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
