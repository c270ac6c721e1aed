//! A divergent seed, taken apart: its module (`/tmp/seed<N>.wasm`) and, per reference run, the
//! direct route's ELF and listing (`/tmp/seed<N>-<run>.elf`, `.zisk`) with the run's calls.
//! `cargo run --release -p zisk-wasm-fuzz --example dump_seed -- <N>`

use zisk_wasm_environ::{EnvironError, ImportName, ImportResolver, WasmFuncType};
/// The fuzzer's modules import nothing.
struct NoHost;
impl ImportResolver for NoHost {
    fn implement(&self, _: u32, i: &ImportName, _: &WasmFuncType) -> Result<cranelift_codegen::ir::Function, EnvironError> {
        Err(EnvironError::unsupported(format!("{i}")))
    }
}
fn main() {
    let seed: u64 = std::env::args().nth(1).unwrap().parse().unwrap();
    let wasm = zisk_wasm_fuzz::generate(seed).unwrap();
    std::fs::write(format!("/tmp/seed{seed}.wasm"), &wasm).unwrap();
    for (k, r) in zisk_wasm_fuzz::Reference::runs(&wasm, seed).unwrap().iter().enumerate() {
        let (inv, trap) = r.driver();
        println!("run {k}: {:?} trap={:?}", inv, trap);
        let p = zisk_wasm_backend::compile_with_driver(&wasm, &Default::default(), &NoHost, &inv).unwrap();
        std::fs::write(format!("/tmp/seed{seed}-{k}.elf"), &p.elf).unwrap();
        std::fs::write(format!("/tmp/seed{seed}-{k}.zisk"), &p.listing).unwrap();
    }
}
