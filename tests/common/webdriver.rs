//! A small W3C WebDriver client for browser tests: Debian's headless Chromium driven by
//! `chromedriver`, which the test starts on a free port. Waiting is always for a condition in the
//! page (polled until a deadline), never a fixed sleep.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

pub const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Finds a program on PATH.
pub fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

/// The chromedriver process; killed on drop.
pub struct Driver {
    child: Child,
    pub url: String,
    http: reqwest::Client,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    /// Starts chromedriver, or `None` when Chromium or chromedriver is missing (a failure under CI).
    pub async fn start() -> Option<Driver> {
        let (Some(driver), Some(_)) = (which("chromedriver"), chromium()) else {
            let msg = "chromium and chromedriver are not installed (apt-get install chromium chromium-driver)";
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{msg}");
            }
            eprintln!("skipped: {msg}");
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let d = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = d
                .http
                .get(format!("{}/status", d.url))
                .send()
                .await
                .ok()
                .map(|r| r.status().is_success())
                .unwrap_or(false);
            if ready {
                return Some(d);
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A new browser window: `width`×`height`, with or without JavaScript.
    pub async fn session(&self, width: u32, height: u32, javascript: bool) -> Browser {
        let mut args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            format!("--window-size={width},{height}"),
            // Offline: no update checks, no network time, nothing but loopback.
            "--disable-features=Translate,OptimizationHints,MediaRouter,NetworkTimeServiceQuerying,AutofillServerCommunication".into(),
            "--component-updater=url-source=http://127.0.0.1:9/".into(),
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1".into(),
            "--lang=en-US".into(),
        ];
        if !javascript {
            args.push("--blink-settings=scriptEnabled=false".into());
        }
        let caps = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": chromium().expect("chromium").to_string_lossy(),
                    "args": args,
                },
                "goog:loggingPrefs": { "browser": "ALL" },
            } }
        });
        let r: Value = self
            .http
            .post(format!("{}/session", self.url))
            .json(&caps)
            .send()
            .await
            .expect("new session")
            .json()
            .await
            .expect("session json");
        let id = r["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {r}"))
            .to_owned();
        Browser {
            base: format!("{}/session/{id}", self.url),
            http: self.http.clone(),
        }
    }
}

fn chromium() -> Option<PathBuf> {
    which("chromium").or_else(|| which("chromium-browser"))
}

/// One browser session.
pub struct Browser {
    base: String,
    http: reqwest::Client,
}

impl Browser {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let mut req = self.http.request(method, &url);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r: Value = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("{url}: {e}"))
            .json()
            .await
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        if let Some(err) = r["value"].get("error") {
            panic!("webdriver {path}: {err} {}", r["value"]["message"]);
        }
        r["value"].clone()
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn goto(&self, url: &str) {
        self.post("/url", json!({ "url": url })).await;
    }

    pub async fn url(&self) -> String {
        self.call(reqwest::Method::GET, "/url", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub async fn title(&self) -> String {
        self.call(reqwest::Method::GET, "/title", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub async fn resize(&self, width: u32, height: u32) {
        self.post("/window/rect", json!({ "width": width, "height": height }))
            .await;
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its result.
    pub async fn js(&self, script: &str, args: Value) -> Value {
        self.post("/execute/sync", json!({ "script": script, "args": args }))
            .await
    }

    /// Runs an async script: it must call `arguments[arguments.length - 1](result)`.
    pub async fn js_async(&self, script: &str, args: Value) -> Value {
        self.post("/execute/async", json!({ "script": script, "args": args }))
            .await
    }

    /// The first element matching `css`, if any.
    pub async fn find_opt(&self, css: &str) -> Option<String> {
        let r = self
            .http
            .post(format!("{}/element", self.base))
            .json(&json!({ "using": "css selector", "value": css }))
            .send()
            .await
            .ok()?
            .json::<Value>()
            .await
            .ok()?;
        r["value"][ELEMENT].as_str().map(str::to_owned)
    }

    /// Waits (up to 20 s) for an element matching `css`.
    pub async fn find(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(e) = self.find_opt(css).await {
                return e;
            }
            assert!(
                Instant::now() < deadline,
                "no element {css} on {}: {}",
                self.url().await,
                self.text("body").await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks the element matching `css` (found afresh if the page replaced it meanwhile).
    pub async fn click(&self, css: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let e = self.find(css).await;
            let r: Value = self
                .http
                .post(format!("{}/element/{e}/click", self.base))
                .json(&json!({}))
                .send()
                .await
                .expect("click")
                .json()
                .await
                .expect("click json");
            match r["value"].get("error").and_then(|e| e.as_str()) {
                None => return,
                Some("stale element reference") if Instant::now() < deadline => continue,
                Some(err) => panic!("click {css}: {err} {}", r["value"]["message"]),
            }
        }
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css).await;
        self.post(&format!("/element/{e}/clear"), json!({})).await;
        self.post(&format!("/element/{e}/value"), json!({ "text": text }))
            .await;
    }

    /// The visible text of the first element matching `css` (empty when absent).
    pub async fn text(&self, css: &str) -> String {
        // Empty while absent, and while a navigation replaces the element.
        let Some(e) = self.find_opt(css).await else {
            return String::new();
        };
        let r: Option<Value> = async {
            self.http
                .get(format!("{}/element/{e}/text", self.base))
                .send()
                .await
                .ok()?
                .json()
                .await
                .ok()
        }
        .await;
        r.and_then(|v| v["value"].as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// Waits (up to 20 s) until `css`'s text contains `needle`; returns the text.
    pub async fn wait_text(&self, css: &str, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let t = self.text(css).await;
            if t.contains(needle) {
                return t;
            }
            assert!(
                Instant::now() < deadline,
                "{css} never showed {needle:?}; it shows {t:?} on {}",
                self.url().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits (up to 20 s) until the script returns `true`.
    pub async fn wait_js(&self, what: &str, script: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if self.js(script, json!([])).await == json!(true) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what} on {}: {}",
                self.url().await,
                self.text("body").await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Presses and releases one key (a WebDriver key code such as `"\u{E004}"` for Tab).
    pub async fn press(&self, key: &str) {
        self.post(
            "/actions",
            json!({ "actions": [{
                "type": "key",
                "id": "keyboard",
                "actions": [
                    { "type": "keyDown", "value": key },
                    { "type": "keyUp", "value": key },
                ],
            }] }),
        )
        .await;
    }

    /// Chooses `path` in the file input matching `css`.
    pub async fn upload(&self, css: &str, path: &Path) {
        let e = self.find(css).await;
        self.post(
            &format!("/element/{e}/value"),
            json!({ "text": path.to_string_lossy() }),
        )
        .await;
    }

    /// Types `text` into whatever has the focus, key by key (as a person would).
    pub async fn keys(&self, text: &str) {
        let actions: Vec<Value> = text
            .chars()
            .flat_map(|c| {
                [
                    json!({ "type": "keyDown", "value": c.to_string() }),
                    json!({ "type": "keyUp", "value": c.to_string() }),
                ]
            })
            .collect();
        self.post(
            "/actions",
            json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] }),
        )
        .await;
    }

    pub async fn screenshot(&self, path: &Path) {
        let b64 = self.call(reqwest::Method::GET, "/screenshot", None).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap_or_default())
            .expect("png");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("screenshot dir");
        }
        std::fs::write(path, png).expect("write screenshot");
    }

    /// A screenshot of the whole page: the window grows to the page's height (at most 8000 px)
    /// for the shot, then returns to `width`×`height`.
    pub async fn full_screenshot(&self, path: &Path, width: u32, height: u32) {
        let page = self
            .js("return document.documentElement.scrollHeight", json!([]))
            .await
            .as_u64()
            .unwrap_or(u64::from(height));
        let tall = u32::try_from(page).unwrap_or(height).clamp(height, 8000);
        self.resize(width, tall).await;
        self.screenshot(path).await;
        self.resize(width, height).await;
    }

    /// Browser console entries since the last call (errors, CSP violations, failed loads).
    pub async fn console(&self) -> Vec<Value> {
        self.post("/se/log", json!({ "type": "browser" }))
            .await
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Adds a CTAP2 platform authenticator that holds resident keys and verifies the user.
    pub async fn virtual_authenticator(&self) -> String {
        self.post(
            "/webauthn/authenticator",
            json!({
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": true,
                "hasUserVerification": true,
                "isUserVerified": true,
            }),
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
    }

    pub async fn credentials(&self, authenticator: &str) -> Vec<Value> {
        self.call(
            reqwest::Method::GET,
            &format!("/webauthn/authenticator/{authenticator}/credentials"),
            None,
        )
        .await
        .as_array()
        .cloned()
        .unwrap_or_default()
    }

    pub async fn delete_cookies(&self) {
        self.call(reqwest::Method::DELETE, "/cookie", None).await;
    }

    pub async fn close(self) {
        let _ = self.http.delete(&self.base).send().await;
    }
}
