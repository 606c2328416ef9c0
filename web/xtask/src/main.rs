//! `cargo xtask client`: builds the portal's browser bundle offline with plain cargo and
//! wasm-bindgen (no `dx`): the `portal` binary of `portico-web` for wasm32 with feature `web`,
//! then `wasm-bindgen --target web` at exactly the version in Cargo.lock, into `web/public/wasm`,
//! gzipped beside it (the server sends the `.gz` files to browsers that accept gzip). Prints the
//! bundle's sizes.
//!
//! `cargo xtask demo [ARGS]`: the same, then `cargo run -p portico -- demo ARGS`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

type Result<T> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("client") => client().map(|_| ()),
        Some("demo") => client().and_then(|_| demo(&args[1..])),
        _ => Err("usage: cargo xtask client | cargo xtask demo [portico demo flags]".into()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The checkout being built: from `cargo run`'s environment (the binary may have been built in
/// another checkout sharing the target directory), else where this binary was compiled.
fn root() -> PathBuf {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn run(cmd: &mut Command) -> Result<()> {
    let status = cmd.status().map_err(|e| format!("{cmd:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed ({status})"))
    }
}

fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The version of a package in Cargo.lock.
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{name}\"") {
            let v = lines.next()?.trim();
            return v
                .strip_prefix("version = \"")
                .and_then(|v| v.strip_suffix('"'))
                .map(str::to_owned);
        }
    }
    None
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn client() -> Result<PathBuf> {
    let root = root();
    let lock =
        std::fs::read_to_string(root.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let wb = locked_version(&lock, "wasm-bindgen").ok_or("wasm-bindgen is not in Cargo.lock")?;

    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if !installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        eprintln!("xtask: adding the wasm32-unknown-unknown target");
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    let have = output(Command::new("wasm-bindgen").arg("--version")).unwrap_or_default();
    if have.split_whitespace().nth(1) != Some(wb.as_str()) {
        eprintln!("xtask: installing wasm-bindgen-cli {wb} (matches Cargo.lock)");
        run(Command::new(cargo()).args(["install", "wasm-bindgen-cli", "--version", &wb]))?;
    }

    eprintln!("xtask: building the portal for wasm32 (profile wasm-release)");
    run(Command::new(cargo()).current_dir(&root).args([
        "build",
        "--locked",
        "-p",
        "portico-web",
        "--bin",
        "portal",
        "--target",
        "wasm32-unknown-unknown",
        "--features",
        "web",
        "--profile",
        "wasm-release",
    ]))?;
    let target_dir = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root.join("target"));
    let wasm = target_dir.join("wasm32-unknown-unknown/wasm-release/portal.wasm");
    let out = root.join("web/public/wasm");
    let _ = std::fs::remove_dir_all(&out);
    run(Command::new("wasm-bindgen")
        .args([
            "--target",
            "web",
            "--no-typescript",
            // Names and producer notes are for debuggers; without them the bundle is ~15% smaller.
            "--remove-name-section",
            "--remove-producers-section",
            "--out-name",
            "portal",
            "--out-dir",
        ])
        .arg(&out)
        .arg(&wasm))?;
    let bundle = out.join("portal_bg.wasm");
    let js = out.join("portal.js");
    for f in [&bundle, &js] {
        run(Command::new("gzip").args(["-9", "-k", "-f", "-n"]).arg(f))?;
    }
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let gz = |p: &Path| {
        let mut s = p.as_os_str().to_owned();
        s.push(".gz");
        size(Path::new(&s))
    };
    println!(
        "portal bundle: portal_bg.wasm {} KiB ({} KiB gzipped), portal.js {} KiB ({} KiB gzipped)",
        size(&bundle) / 1024,
        gz(&bundle) / 1024,
        size(&js) / 1024,
        gz(&js) / 1024,
    );
    Ok(out)
}

/// The server links the system OpenSSL (lettre's and webauthn-rs's TLS): on Debian, install
/// `libssl-dev` and `pkg-config` when they are missing (as root, or through sudo).
fn ensure_openssl() -> Result<()> {
    let present = Command::new("pkg-config")
        .args(["--exists", "openssl"])
        .status()
        .is_ok_and(|s| s.success());
    if present {
        return Ok(());
    }
    eprintln!("xtask: installing libssl-dev and pkg-config (the server links OpenSSL)");
    let root = output(Command::new("id").arg("-u")).is_some_and(|u| u.trim() == "0");
    let apt = |args: &[&str]| {
        let mut cmd = if root {
            Command::new("apt-get")
        } else {
            let mut c = Command::new("sudo");
            c.arg("apt-get");
            c
        };
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut cmd)
    };
    apt(&["update", "-qq"])?;
    apt(&["install", "-y", "-qq", "libssl-dev", "pkg-config"])
        .map_err(|e| format!("{e}: install libssl-dev and pkg-config yourself"))
}

fn demo(args: &[String]) -> Result<()> {
    ensure_openssl()?;
    run(Command::new(cargo())
        .current_dir(root())
        .args(["run", "--locked", "-p", "portico", "--", "demo"])
        .args(args))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_locked_version() {
        let lock = "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(
            locked_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(locked_version(lock, "serde"), None);
    }
}
