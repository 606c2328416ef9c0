//! An S3-compatible server for tests: moto's server (PyPI `moto[server]`), started on a free
//! loopback port with one bucket, stopped when dropped.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use portico::core::storage::FilesConfig;

pub const BUCKET: &str = "portico-test";

pub struct S3Server {
    child: Child,
    pub endpoint: String,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl S3Server {
    /// Starts moto; `None` (the test skips) when it is not installed, except under CI=true.
    pub async fn start() -> Option<S3Server> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let child = Command::new("python3")
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match child {
            Ok(c) => c,
            Err(e) => {
                assert!(
                    std::env::var("CI").is_err(),
                    "moto is required under CI=true: {e}"
                );
                return None;
            }
        };
        let server = S3Server {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        // Ready once the bucket can be made (an unsigned PUT is enough for moto).
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let made = http
                .put(format!("{}/{BUCKET}", server.endpoint))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if made {
                return Some(server);
            }
            if Instant::now() > deadline {
                assert!(
                    std::env::var("CI").is_err(),
                    "moto's S3 server did not start (pip install 'moto[server]')"
                );
                return None;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn files(&self) -> FilesConfig {
        FilesConfig::S3 {
            bucket: BUCKET.into(),
            endpoint: Some(self.endpoint.clone()),
            region: "us-east-1".into(),
            access_key_id: "testing".into(),
            secret_access_key: "testing".into(),
        }
    }

    /// An object as the bucket holds it (read with a client of its own, not the app's).
    pub async fn object(&self, key: &str) -> Option<Vec<u8>> {
        let files = portico::core::storage::Files::open(&self.files()).expect("s3 client");
        files.get(key).await.expect("read the bucket")
    }
}
