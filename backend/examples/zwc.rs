//! Development helper: compile a .wat/.wasm to <out>.elf and <out>.zisk.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bytes = std::fs::read(&args[1]).unwrap();
    let wasm = if args[1].ends_with(".wat") { wat::parse_bytes(&bytes).unwrap().into_owned() } else { bytes };
    match zisk_wasm_backend::compile(&wasm, &Default::default()) {
        Ok(p) => {
            std::fs::write(format!("{}.elf", args[2]), &p.elf).unwrap();
            std::fs::write(format!("{}.zisk", args[2]), &p.listing).unwrap();
            eprintln!("{} instructions", p.instructions);
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
