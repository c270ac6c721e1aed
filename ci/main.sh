#!/usr/bin/env bash
# The main job: set up the machine if needed, then build the fibonacci guest (cargo's release
# profile) and run it on the real ZisK emulator on the direct, native and wasm2zisk routes,
# ending with one table: steps and variable cost per route, each as a ratio to native's.
# Extra arguments go to `compare` (e.g. `--route cl-riscv`, `--save-input fib.bin`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh
cargo build --release -q -p cargo-zisk-wasm
target_dir="$(cargo metadata --no-deps --format-version 1 | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
n="${FIB_N:-1000000}"
echo "== fibonacci(${n}), release profile, on the direct, native and wasm2zisk routes"
"${target_dir}/release/cargo-zisk-wasm" zisk-wasm compare -r \
  --manifest-path isa_benchmarks/Cargo.toml -p fibonacci --input-u64 "$n" \
  --route direct --route native --route wasm2zisk "$@"
