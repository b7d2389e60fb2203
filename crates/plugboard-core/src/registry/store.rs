//! The cache of pulled components: one file per manifest digest
//! (`sha256/<hex>.wasm`), written atomically, so a project that recorded a digest reopens
//! offline and never silently gets other bytes.

use std::path::{Path, PathBuf};

use super::error::RegistryError;
use crate::files::{Durability, write_atomically};

/// Where pulled components are kept.
#[derive(Debug, Clone)]
pub struct ComponentStore {
    dir: PathBuf,
}

impl ComponentStore {
    /// `$PLUGBOARD_COMPONENT_CACHE_DIR`, else `$XDG_CACHE_HOME/plugboard/components`, else
    /// `~/.cache/plugboard/components`.
    ///
    /// # Errors
    /// [`RegistryError::NoCache`] when none of them is set.
    pub fn from_environment() -> Result<Self, RegistryError> {
        if let Some(dir) = std::env::var_os("PLUGBOARD_COMPONENT_CACHE_DIR") {
            return Ok(Self::at(PathBuf::from(dir)));
        }
        let base = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
            .ok_or(RegistryError::NoCache)?;
        Ok(Self::at(base.join("plugboard").join("components")))
    }

    /// A store in `dir`.
    pub fn at(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// The file a component with this manifest digest (`sha256:<hex>`) is kept in.
    pub fn path_of(&self, digest: &str) -> PathBuf {
        let (algorithm, hex) = digest.split_once(':').unwrap_or(("sha256", digest));
        // Digests come from registries and project files: keep only what a digest may hold, so
        // none can name a path outside the store.
        let clean = |s: &str| -> String { s.chars().filter(char::is_ascii_alphanumeric).collect() };
        self.dir
            .join(clean(algorithm))
            .join(format!("{}.wasm", clean(hex)))
    }

    /// Keeps `bytes` under `digest`, returning the file.
    pub(crate) fn put(&self, digest: &str, bytes: &[u8]) -> Result<PathBuf, RegistryError> {
        let path = self.path_of(digest);
        let folder = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(folder).map_err(|source| RegistryError::Cache {
            path: folder.to_path_buf(),
            source,
        })?;
        write_atomically(&path, bytes, Durability::Durable).map_err(|source| {
            RegistryError::Cache {
                path: path.clone(),
                source,
            }
        })?;
        Ok(path)
    }
}
