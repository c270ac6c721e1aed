//! Active segments out of bounds, on the real ziskemu: instantiation traps with the spec's
//! message, the segments before the failing one are in the ELF's RAM image, the ones after
//! it are not.

use zisk_runner::{encode_input, Program, RunError, RunOptions, Ziskemu};
use zisk_wasm_environ::memory_map::LINEAR_MEMORY_ADDR;

/// The byte the ELF's RAM image puts at `addr` (0 where RAM starts zeroed).
fn image_byte(program: &zisk_wasm_backend::Program, addr: u64) -> u8 {
    program
        .rom
        .rw_data_64
        .iter()
        .find(|s| (s.addr..s.addr + 8 * s.data.len() as u64).contains(&addr))
        .map_or(0, |s| s.data[((addr - s.addr) / 8) as usize].to_le_bytes()[(addr % 8) as usize])
}

#[test]
fn an_out_of_bounds_data_segment_traps_after_the_ones_before_it() {
    let wasm = wat::parse_str(
        r#"(module (memory 1)
            (data (i32.const 8) "\2a") (data (i32.const 0x10000) "x") (data (i32.const 16) "\2b")
            (func (export "_start") unreachable))"#,
    )
    .unwrap();
    let program = zisk_wasm_backend::compile(&wasm, &Default::default()).unwrap();
    assert_eq!(image_byte(&program, LINEAR_MEMORY_ADDR + 8), 0x2a);
    assert_eq!(image_byte(&program, LINEAR_MEMORY_ADDR + 0x10000), 0);
    assert_eq!(image_byte(&program, LINEAR_MEMORY_ADDR + 16), 0);

    let emu = Ziskemu::locate().expect("ziskemu is installed (ci/setup.sh)");
    let dir = tempfile::tempdir().unwrap();
    let elf = dir.path().join("segments.elf");
    std::fs::write(&elf, &program.elf).unwrap();
    match emu.run(&Program::elf(&elf), &encode_input(&[b""]), &RunOptions { max_steps: Some(1_000_000), cost_report: false }) {
        Err(RunError::GuestTrap { console, .. }) => {
            assert!(console.contains("wasm trap: out of bounds memory access"), "{console}")
        }
        other => panic!("want the instantiation trap, got {other:?}"),
    }
}
