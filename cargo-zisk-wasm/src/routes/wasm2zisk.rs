//! ZisK's own WASM route: the guest compiled for wasm32-wasip1 and handed to ziskemu, which
//! translates it with zisk-transpiler-wasm. Our peer to beat.

use anyhow::Result;
use zisk_runner::Program;

use crate::guest::{self, GuestCrate, TargetBuild};

pub const TRIPLE: &str = "wasm32-wasip1";

pub fn build(guest: &GuestCrate) -> Result<Program> {
    let target = TargetBuild { triple: Some(TRIPLE), env: vec![] };
    Ok(Program::wasm(guest::build(guest, &target)?))
}
