//! Uploaded files (logos; later photos and signed documents): kept in an object store by key —
//! a local folder by default, any S3-compatible store when configured (`PORTICO_FILES_URL`).
//! Keys are content hashes under the tenant's id, so a file never changes once written and can
//! be cached for good.

use std::path::PathBuf;
use std::sync::Arc;

use object_store::path::Path;
use object_store::{ObjectStore, PutPayload};

use crate::core::error::{AppError, AppResult};

/// Where uploaded files live.
#[derive(Clone)]
pub enum FilesConfig {
    /// A folder (default: `files` in the data directory).
    Local(PathBuf),
    /// An S3-compatible bucket. `endpoint`: another server than AWS (MinIO, Ceph, moto), reached
    /// with path-style requests.
    S3 {
        bucket: String,
        endpoint: Option<String>,
        region: String,
        access_key_id: String,
        secret_access_key: String,
    },
}

impl std::fmt::Debug for FilesConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FilesConfig::Local(dir) => f.debug_tuple("Local").field(dir).finish(),
            FilesConfig::S3 {
                bucket,
                endpoint,
                region,
                access_key_id,
                ..
            } => f
                .debug_struct("S3")
                .field("bucket", bucket)
                .field("endpoint", endpoint)
                .field("region", region)
                .field("access_key_id", access_key_id)
                .field("secret_access_key", &"***")
                .finish(),
        }
    }
}

impl FilesConfig {
    /// From `PORTICO_FILES_URL` (`s3://BUCKET`, with `PORTICO_S3_ENDPOINT`, `PORTICO_S3_REGION`,
    /// `PORTICO_S3_ACCESS_KEY_ID`, `PORTICO_S3_SECRET_ACCESS_KEY`; or a folder path), else
    /// `data_dir/files`.
    pub fn from_env(
        var: impl Fn(&str) -> Option<String>,
        data_dir: &std::path::Path,
    ) -> anyhow::Result<FilesConfig> {
        let Some(url) = var("PORTICO_FILES_URL") else {
            return Ok(FilesConfig::Local(data_dir.join("files")));
        };
        match url.strip_prefix("s3://") {
            Some(bucket) => {
                let need = |name: &str| {
                    var(name).ok_or_else(|| {
                        anyhow::anyhow!("{name} is needed with an s3:// PORTICO_FILES_URL")
                    })
                };
                Ok(FilesConfig::S3 {
                    bucket: bucket.trim_end_matches('/').to_owned(),
                    endpoint: var("PORTICO_S3_ENDPOINT"),
                    region: var("PORTICO_S3_REGION").unwrap_or_else(|| "us-east-1".into()),
                    access_key_id: need("PORTICO_S3_ACCESS_KEY_ID")?,
                    secret_access_key: need("PORTICO_S3_SECRET_ACCESS_KEY")?,
                })
            }
            None => Ok(FilesConfig::Local(PathBuf::from(
                url.strip_prefix("file://").unwrap_or(&url),
            ))),
        }
    }
}

/// The file store.
#[derive(Clone)]
pub struct Files {
    store: Arc<dyn ObjectStore>,
}

impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Files({})", self.store)
    }
}

fn failed(e: object_store::Error) -> AppError {
    AppError::Internal(anyhow::anyhow!("file store: {e}"))
}

impl Files {
    pub fn open(config: &FilesConfig) -> anyhow::Result<Files> {
        let store: Arc<dyn ObjectStore> = match config {
            FilesConfig::Local(dir) => {
                std::fs::create_dir_all(dir)?;
                Arc::new(object_store::local::LocalFileSystem::new_with_prefix(dir)?)
            }
            FilesConfig::S3 {
                bucket,
                endpoint,
                region,
                access_key_id,
                secret_access_key,
            } => {
                let mut b = object_store::aws::AmazonS3Builder::new()
                    .with_bucket_name(bucket)
                    .with_region(region)
                    .with_access_key_id(access_key_id)
                    .with_secret_access_key(secret_access_key);
                if let Some(e) = endpoint {
                    b = b.with_endpoint(e).with_allow_http(e.starts_with("http://"));
                }
                Arc::new(b.build()?)
            }
        };
        Ok(Files { store })
    }

    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> AppResult<()> {
        self.store
            .put(&Path::from(key), PutPayload::from(bytes))
            .await
            .map_err(failed)?;
        Ok(())
    }

    /// The file at `key`, or `None` when there is none.
    pub async fn get(&self, key: &str) -> AppResult<Option<Vec<u8>>> {
        match self.store.get(&Path::from(key)).await {
            Ok(r) => Ok(Some(r.bytes().await.map_err(failed)?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(failed(e)),
        }
    }
}
