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
    let fib_n: u64 = match size {
        Size::Full => 1_000_000,
        Size::Quick => 1_000,
    };
    vec![Benchmark {
        name: "fibonacci",
        package: "fibonacci",
        workload: format!("n = {fib_n}, u64 wrapping"),
        input: fib_n.to_le_bytes().to_vec(),
    }]
}
