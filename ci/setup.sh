#!/usr/bin/env bash
# Idempotent machine set-up for zisk-wasm: apt packages ziskemu needs, rustup targets,
# and ziskemu 1.4.0-alpha itself (installed once; a fast no-op when already present).
set -euo pipefail

ZISKEMU_VERSION="1.4.0-alpha"
APT_PACKAGES=(libopenmpi-dev openmpi-bin libclang-dev clang nlohmann-json3-dev libsodium-dev
  libgmp-dev libomp-dev uuid-dev libsecp256k1-dev nasm protobuf-compiler build-essential pkg-config
  wasi-libc lld libclang-rt-14-dev-wasm32)  # the last three: C guests (clang --target=wasm32-wasi)
RUST_TARGETS=(wasm32-wasip1 riscv64imac-unknown-none-elf)

log() { echo "[setup] $*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing apt packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi

installed_targets="$(rustup target list --installed)"
for t in "${RUST_TARGETS[@]}"; do
  grep -qx "$t" <<<"$installed_targets" || { log "adding rust target $t"; rustup target add "$t"; }
done
rustup component list --installed | grep -q '^rust-src' || { log "adding rust-src"; rustup component add rust-src; }

if ! command -v ziskemu >/dev/null 2>&1 || ! ziskemu --version 2>/dev/null | grep -q "$ZISKEMU_VERSION"; then
  log "building ziskemu $ZISKEMU_VERSION (about 25 minutes on 2 cores, once per machine)"
  cargo install --locked --version "=$ZISKEMU_VERSION" --features compressed ziskemu
fi
log "ready: $(command -v ziskemu)"
