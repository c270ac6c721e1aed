//! The benchmark programs of isa_benchmarks/ and their inputs.

/// One benchmark: a guest binary in the isa_benchmarks workspace and its input.
#[derive(Debug, Clone)]
pub struct Benchmark {
    pub name: &'static str,
    pub package: &'static str,
    /// What the input means, for the report.
    pub workload: String,
    /// The guest's input record (raw bytes; the runner wraps it in ZisK's input format).
    pub input: Vec<u8>,
}

/// Input sizes: `Full` is the reference workload the report quotes, `Quick` a small one for
/// the test suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    Full,
    Quick,
}

pub fn all(size: Size) -> Vec<Benchmark> {
    let (fib_n, hash_n): (u64, u64) = match size {
        Size::Full => (1_000_000, 10_000),
        Size::Quick => (1_000, 10),
    };
    let n_input = |n: u64| n.to_le_bytes().to_vec();
    vec![
        Benchmark { name: "fibonacci", package: "fibonacci", workload: format!("n = {fib_n}, u64 wrapping"), input: n_input(fib_n) },
        Benchmark { name: "iter_sha", package: "iter_sha", workload: format!("SHA-256 × {hash_n} (sha2 crate)"), input: n_input(hash_n) },
        Benchmark { name: "iter_keccak", package: "iter_keccak", workload: format!("Keccak-256 × {hash_n} (sha3 crate)"), input: n_input(hash_n) },
        // Precompile variants: extra rows beside the plain-Rust ones, never substitutes.
        Benchmark { name: "iter_sha_precompile", package: "iter_sha_precompile", workload: format!("SHA-256 × {hash_n} (ZisK sha256 precompile)"), input: n_input(hash_n) },
        Benchmark { name: "iter_keccak_precompile", package: "iter_keccak_precompile", workload: format!("Keccak-256 × {hash_n} (ZisK keccak-f precompile)"), input: n_input(hash_n) },
    ]
}
