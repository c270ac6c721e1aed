//! The benchmark programs of isa_benchmarks/ and their inputs.

use std::path::Path;

use anyhow::{Context, Result};
use crate::routes::Route;

/// eth_block's input: rsp's witness of mainnet block 18,884,864, kept beside the guest.
const ETH_BLOCK_WITNESS: &str = "eth_block/data/18884864.bin";

/// One benchmark: a guest binary in the isa_benchmarks workspace and its input.
#[derive(Debug, Clone)]
pub struct Benchmark {
    pub name: &'static str,
    pub package: &'static str,
    /// What the input means, for the report.
    pub workload: String,
    /// The guest's input record (raw bytes; the runner wraps it in ZisK's input format).
    pub input: Vec<u8>,
    /// Cargo features of the ZisK builds (the host reference is built without them: a
    /// feature may only change how the guest computes, never what).
    pub features: &'static [&'static str],
    /// The routes that can build it (None: all).
    pub routes: Option<&'static [Route]>,
    /// Which group the report summarises it with.
    pub set: Set,
}

/// The report's groups: the original kernels (and eth_block), and the broad set of guests
/// built from widely used crates (issue 12), summarised by geometric means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Set {
    Kernels,
    Broad,
}

impl Benchmark {
    /// Whether `route` can build this benchmark.
    pub fn runs_on(&self, route: Route) -> bool {
        self.routes.is_none_or(|rs| rs.contains(&route))
    }
}

/// Input sizes: `Full` is the reference workload the report quotes, `Quick` a small one for
/// the test suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    Full,
    Quick,
}

/// The benchmarks; `workspace_dir` is the isa_benchmarks folder (eth_block's witness lives there).
/// eth_block is only in the full set: at ~0.3–0.8G steps per route it is too slow for `--quick`,
/// whose suite checks the block on the host instead (isa_benchmarks/eth_block/tests/host.rs).
pub fn all(size: Size, workspace_dir: &Path) -> Result<Vec<Benchmark>> {
    let (fib_n, hash_n): (u64, u64) = match size {
        Size::Full => (1_000_000, 10_000),
        Size::Quick => (1_000, 10),
    };
    let n_input = |n: u64| n.to_le_bytes().to_vec();
    let mut benches = vec![
        Benchmark { name: "fibonacci", package: "fibonacci", workload: format!("n = {fib_n}, u64 wrapping"), input: n_input(fib_n), features: &[], routes: None, set: Set::Kernels },
        Benchmark { name: "iter_sha", package: "iter_sha", workload: format!("SHA-256 × {hash_n} (sha2 crate)"), input: n_input(hash_n), features: &[], routes: None, set: Set::Kernels },
        Benchmark { name: "iter_keccak", package: "iter_keccak", workload: format!("Keccak-256 × {hash_n} (sha3 crate)"), input: n_input(hash_n), features: &[], routes: None, set: Set::Kernels },
        // Precompile variants: extra rows beside the plain-Rust ones, never substitutes.
        Benchmark { name: "iter_sha_precompile", package: "iter_sha_precompile", workload: format!("SHA-256 × {hash_n} (ZisK sha256 precompile)"), input: n_input(hash_n), features: &[], routes: None, set: Set::Kernels },
        Benchmark { name: "iter_keccak_precompile", package: "iter_keccak_precompile", workload: format!("Keccak-256 × {hash_n} (ZisK keccak-f precompile)"), input: n_input(hash_n), features: &[], routes: None, set: Set::Kernels },
    ];
    if size == Size::Full {
        let witness = workspace_dir.join(ETH_BLOCK_WITNESS);
        let input = std::fs::read(&witness).with_context(|| format!("reading eth_block's witness {}", witness.display()))?;
        benches.push(Benchmark {
            name: "eth_block",
            package: "eth_block",
            workload: "mainnet block 18,884,864 (30 txs, revm, all header checks)".into(),
            input: input.clone(),
            features: &[],
            routes: None,
            set: Set::Kernels,
        });
        // Keccak through `native_keccak256` (alloy's `native-keccak`), an accelerator that
        // ZisK's own WASM translator lacks.
        benches.push(Benchmark {
            name: "eth_block_accelerated",
            package: "eth_block",
            workload: "eth_block with feature `accelerated` (keccak by native_keccak256; senders and revm's ecrecover, sha256, ripemd160, modexp, bn254 add/mul/pairing by the accelerators)".into(),
            input,
            features: &["accelerated"],
            routes: Some(&[Route::Direct, Route::ClRiscv, Route::Native]),
            set: Set::Kernels,
        });
    }
    // The broad set is full size only: its native builds alone (each guest's crates for
    // riscv64 with ziskos) would add over twenty minutes to the test suite's quick run.
    if size == Size::Full {
        benches.extend(broad());
    }
    Ok(benches)
}

/// The broad set: no_std + alloc guests built from widely used crates, each input n as 8 LE
/// bytes with the data generated in the guest. Full sizes are tuned to 60M–110M steps on the
/// direct route; Quick ones keep the test suite's added emulation to a few million steps.
fn broad() -> Vec<Benchmark> {
    let bench = |name: &'static str, n: u64, workload: String| Benchmark {
        name,
        package: name,
        workload,
        input: n.to_le_bytes().to_vec(),
        features: &[],
        routes: None,
        set: Set::Broad,
    };
    let (u256, ledger, kib, sigs, blake, keys) = (10_000, 5_000, 128, 24, 400, 200_000);
    vec![
        bench("u256_modarith", u256, format!("ruint U256 mod p (secp256k1 field): {u256} rounds of mul_mod/add_mod, pow_mod every 64, a Fermat inverse")),
        bench("serde_decode", ledger, format!("postcard (serde derive): ledger of {ledger} accounts + {} transfers, encode once, decode ×3 and compare", 4 * ledger)),
        bench("deflate", kib, format!("miniz_oxide zlib level 6: compress + inflate {kib} KiB of generated text")),
        bench("ed25519_verify", sigs, format!("ed25519-dalek: {sigs} × (key pair, sign, verify_strict, reject a forged message); wasm32 gets curve25519-dalek's u32 backend, riscv64 its u64 one")),
        bench("blake3_hash", blake, format!("blake3 (portable): 16 KiB × {blake} chained, then a keyed XOF")),
        bench("hashmap_sort", keys, format!("hashbrown count/retain/probe over {keys} keys, sort_unstable_by + stable sort")),
    ]
}
