#!/usr/bin/env bash
# The main job: set up the machine if needed, then build the fibonacci guest and run it on the
# real ZisK emulator, printing its output and step count. Extra arguments go to `run`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh
cargo build --release -q -p cargo-zisk-wasm
n="${FIB_N:-1000000}"
for route in direct native wasm2zisk; do
  echo "== fibonacci(${n}) on the ${route} route"
  ./target/release/cargo-zisk-wasm zisk-wasm run --route "$route" \
    --manifest-path isa_benchmarks/Cargo.toml -p fibonacci --input-u64 "$n" "$@"
done
