//! The ZisK target: instruction selection (`lower`), the machine instructions (`inst`,
//! `zinst`), register conventions (`regs`), register allocation (`regalloc`), frames
//! (`frame`) and emission (`emit`).

pub mod emit;
pub mod frame;
pub mod inst;
pub mod lower;
pub mod regalloc;
pub mod regs;
pub mod zinst;
