//! Builds the soft-float runtime (`softfloat/`, a no_std wasm32 crate) and hands its `.wasm` to
//! `float_lowering` through OUT_DIR. A nested cargo with its own target directory, so it never
//! waits on the outer build's lock.
use std::path::PathBuf;
use std::process::Command;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let crate_dir = manifest_dir.join("softfloat");
    for path in ["src", "Cargo.toml", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={}", crate_dir.join(path).display());
    }
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let target_dir = out_dir.join("softfloat-target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--release", "--locked", "--target", "wasm32-wasip1", "--manifest-path"])
        .arg(crate_dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir);
    // The outer build's flags (coverage, target-cpu, …) are not meant for the guest.
    for var in ["RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS", "CARGO_TARGET_DIR", "RUSTC_WRAPPER", "CARGO_MAKEFLAGS"] {
        cmd.env_remove(var);
    }
    let status = cmd.status().expect("running cargo for the soft-float runtime");
    if !status.success() {
        panic!("building environ/softfloat for wasm32-wasip1 failed (is the target installed? `rustup target add wasm32-wasip1`)");
    }
    let wasm = target_dir.join("wasm32-wasip1/release/zisk_wasm_softfloat.wasm");
    std::fs::copy(&wasm, out_dir.join("softfloat.wasm")).expect("copying softfloat.wasm");
}
