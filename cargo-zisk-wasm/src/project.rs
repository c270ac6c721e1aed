//! Which guest a `build`/`run` in the current directory means, as cargo would pick it, and the
//! `new` template.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::guest::GuestCrate;

/// Resolves `-p`/`--bin` against the workspace of `manifest` the way cargo does: the package
/// of the manifest's directory (or the only package), and its only binary. `meta` is that
/// workspace's `cargo metadata`.
pub fn select_guest(manifest: &Path, meta: &serde_json::Value, package: Option<String>, bin: Option<String>, release: bool) -> Result<GuestCrate> {
    let packages = meta["packages"].as_array().cloned().unwrap_or_default();
    let manifest_abs = std::fs::canonicalize(manifest).unwrap_or_else(|_| manifest.to_path_buf());
    let chosen = match &package {
        Some(name) => packages.iter().find(|p| p["name"] == name.as_str()).with_context(|| {
            format!("no package `{name}` in {} (packages: {})", manifest.display(), names(&packages, |p| p["name"].as_str()))
        })?,
        None => packages
            .iter()
            .find(|p| p["manifest_path"].as_str().map(PathBuf::from).as_deref() == Some(manifest_abs.as_path()))
            .or_else(|| (packages.len() == 1).then(|| &packages[0]))
            .with_context(|| {
                format!("{} is a workspace: choose a package with -p ({})", manifest.display(), names(&packages, |p| p["name"].as_str()))
            })?,
    };
    let package_name = chosen["name"].as_str().context("package without a name")?.to_string();
    let bins: Vec<&serde_json::Value> = chosen["targets"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| t["kind"].as_array().is_some_and(|k| k.iter().any(|k| k == "bin")))
        .collect();
    let bin = match bin {
        Some(b) => {
            if !bins.iter().any(|t| t["name"] == b.as_str()) {
                bail!("package `{package_name}` has no binary `{b}` (binaries: {})", names(&bins, |t| t["name"].as_str()));
            }
            b
        }
        None => match bins.as_slice() {
            [only] => only["name"].as_str().unwrap_or_default().to_string(),
            [] => bail!("package `{package_name}` has no binary target: a ZisK guest is a binary"),
            _ => bail!("package `{package_name}` has several binaries: choose one with --bin ({})", names(&bins, |t| t["name"].as_str())),
        },
    };
    Ok(GuestCrate { manifest: manifest.to_path_buf(), package: package_name, bin, release, features: vec![] })
}

fn names<T>(items: &[T], name: impl Fn(&T) -> Option<&str>) -> String {
    items.iter().filter_map(name).collect::<Vec<_>>().join(", ")
}

/// `cargo zisk-wasm new NAME`: a guest crate that reads its input and commits a result, for
/// wasm32 (our routes) and native riscv64 alike.
pub fn new_guest(path: &Path) -> Result<()> {
    let name = path.file_name().and_then(|n| n.to_str()).context("the new guest needs a directory name")?;
    if path.exists() {
        bail!("destination `{}` already exists", path.display());
    }
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') || name.starts_with(|c: char| c.is_ascii_digit()) {
        bail!("`{name}` is not a valid package name (letters, digits, `-`, `_`; not starting with a digit)");
    }
    let bindings = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("ziskos-bindings");
    let bindings = std::fs::canonicalize(&bindings).with_context(|| format!("ziskos-bindings not found at {}", bindings.display()))?;
    std::fs::create_dir_all(path.join("src"))?;
    std::fs::write(
        path.join("Cargo.toml"),
        format!(
            r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2021"

[dependencies]
ziskos-bindings = {{ path = "{}" }}

# A guest is its own workspace.
[workspace]

[profile.release]
opt-level = 3
codegen-units = 1
panic = "abort"
"#,
            bindings.display()
        ),
    )?;
    std::fs::write(
        path.join("src/main.rs"),
        r#"//! A ZisK guest: reads a name from the input and greets it, on the console and in the
//! public output. `cargo zisk-wasm run -i name.txt` builds and runs it on ZisK.
#![cfg_attr(target_os = "none", no_std, no_main)]

extern crate alloc;

ziskos_bindings::entrypoint!(main);

fn main() {
    let input = ziskos_bindings::read_input();
    let name = core::str::from_utf8(&input).unwrap_or("stranger").trim();
    let greeting = alloc::format!("Hello, {name}!");
    ziskos_bindings::println!("{greeting}");
    ziskos_bindings::commit(greeting.as_bytes());
}
"#,
    )?;
    std::fs::write(path.join(".gitignore"), "/target\n")?;
    eprintln!("created guest `{name}` in {}", path.display());
    Ok(())
}
