#!/usr/bin/env bash
# The whole test suite: set up the machine if needed, then every workspace test (the runner on
# the real ziskemu, the CLI building and running real guests on every route).
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh
cargo test --workspace --release --locked
# eth_block's block checks on the host (its ZisK runs are part of the full bench, too slow here).
cargo test --release --locked --manifest-path isa_benchmarks/Cargo.toml -p eth_block
