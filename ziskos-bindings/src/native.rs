//! Native ZisK route: forward to ziskos.

use alloc::vec::Vec;

pub fn read_input() -> Vec<u8> {
    ziskos::io::read_slice().to_vec()
}

pub fn commit(bytes: &[u8]) {
    ziskos::io::commit_slice(bytes)
}

/// Writes to ZisK's console (UART).
pub fn console(bytes: &[u8]) {
    ziskos::ziskos::sys_write(2, bytes.as_ptr(), bytes.len());
}

struct Console;

impl core::fmt::Write for Console {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        console(s.as_bytes());
        Ok(())
    }
}

/// A panic prints its message and ends the run through ZisK's exit call with code 101, the
/// same code a std program's panic yields.
#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    use core::fmt::Write;
    let _ = writeln!(Console, "{info}");
    exit(101)
}

fn exit(code: i32) -> ! {
    // SAFETY: ecall 93 (exit) ends the emulation; it does not return.
    unsafe {
        core::arch::asm!("ecall", in("a0") code as i64, in("a7") 93, options(noreturn));
    }
}

pub fn keccakf(state: &mut [u64; 25]) {
    // SAFETY: ziskos' keccak-f reads and writes exactly this (8-aligned) state.
    unsafe { ziskos::syscalls::syscall_keccak_f(state as *mut [u64; 25]) }
}

pub fn sha256f(state: &mut [u64; 4], block: &[u64; 8]) {
    ziskos::syscalls::syscall_sha256_f(state, block);
}
