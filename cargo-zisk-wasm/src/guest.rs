//! Building guest crates with cargo for a given target.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

/// One guest binary in a guest workspace.
#[derive(Debug, Clone)]
pub struct GuestCrate {
    pub manifest: PathBuf,
    pub package: String,
    pub bin: String,
    /// cargo's release profile (benchmarks always are); otherwise the dev profile.
    pub release: bool,
    /// Cargo features to enable.
    pub features: Vec<String>,
}

impl GuestCrate {
    /// The name our routes give their outputs: the binary's, with the features it was built
    /// with (so builds with different features never overwrite each other).
    pub fn artifact(&self) -> String {
        std::iter::once(self.bin.as_str()).chain(self.features.iter().map(String::as_str)).collect::<Vec<_>>().join("-")
    }

    pub fn profile(&self) -> &'static str {
        if self.release {
            "release"
        } else {
            "debug"
        }
    }
}

/// Paths cargo reports for a guest workspace.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub target_dir: PathBuf,
}

impl Workspace {
    pub fn of(manifest: &Path) -> Result<Workspace> {
        Workspace::from_metadata(&metadata(manifest)?)
    }

    pub fn from_metadata(meta: &serde_json::Value) -> Result<Workspace> {
        let target_dir = meta["target_directory"].as_str().context("cargo metadata lacks target_directory")?;
        Ok(Workspace { target_dir: PathBuf::from(target_dir) })
    }
}

/// `cargo metadata --no-deps` of the workspace `manifest` belongs to.
pub fn metadata(manifest: &Path) -> Result<serde_json::Value> {
    let out = Command::new(cargo())
        .args(["metadata", "--no-deps", "--format-version", "1", "--manifest-path"])
        .arg(manifest)
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo metadata")?;
    if !out.status.success() {
        bail!("cargo metadata failed for {} (is this a guest crate?)", manifest.display());
    }
    Ok(serde_json::from_slice(&out.stdout)?)
}

/// How to invoke cargo for one target: the triple (None = host) and extra environment.
#[derive(Debug, Clone, Default)]
pub struct TargetBuild {
    pub triple: Option<&'static str>,
    pub env: Vec<(String, String)>,
}

/// Builds `guest` for `target` and returns the binary's path.
pub fn build(guest: &GuestCrate, target: &TargetBuild) -> Result<PathBuf> {
    let mut cmd = Command::new(cargo());
    cmd.args(["build", "--message-format", "json-render-diagnostics"]);
    if guest.release {
        cmd.arg("--release");
    }
    cmd
        .arg("--manifest-path")
        .arg(&guest.manifest)
        .args(["-p", &guest.package, "--bin", &guest.bin]);
    if !guest.features.is_empty() {
        cmd.args(["--features", &guest.features.join(",")]);
    }
    if let Some(triple) = target.triple {
        cmd.args(["--target", triple]);
    }
    // ziskos needs unstable `linkage`; setting it for every target keeps cargo's fingerprints
    // stable when the same workspace is built for several targets.
    cmd.env("RUSTC_BOOTSTRAP", "1");
    for (k, v) in &target.env {
        cmd.env(k, v);
    }
    cmd.stdout(Stdio::piped()).stderr(Stdio::inherit());
    let out = cmd.output().with_context(|| format!("running cargo for {}", guest.package))?;
    let what = format!("{} for {}", guest.bin, target.triple.unwrap_or("the host"));
    if !out.status.success() {
        bail!("building guest {what} failed (cargo's messages above)");
    }
    find_executable(&out.stdout, &guest.bin)
        .with_context(|| format!("cargo built {what} but reported no executable"))
}

fn find_executable(messages: &[u8], bin: &str) -> Option<PathBuf> {
    messages
        .split(|&b| b == b'\n')
        .filter_map(|line| serde_json::from_slice::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == bin)
        .filter_map(|m| m["executable"].as_str().map(PathBuf::from))
        .last()
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_named_binary_among_cargo_messages() {
        let msgs = br#"{"reason":"compiler-artifact","target":{"name":"dep"},"executable":null}
{"reason":"compiler-artifact","target":{"name":"fib"},"executable":"/t/fib.wasm"}
{"reason":"build-finished","success":true}"#;
        assert_eq!(find_executable(msgs, "fib"), Some(PathBuf::from("/t/fib.wasm")));
        assert_eq!(find_executable(msgs, "other"), None);
    }
}
