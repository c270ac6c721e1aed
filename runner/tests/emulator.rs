//! The runner against the real ziskemu, on small ZisK assembly programs.

use std::path::PathBuf;

use zisk_runner::{encode_input, Program, RunError, RunOptions, Ziskemu};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn emu() -> Ziskemu {
    Ziskemu::locate().expect("ziskemu is installed (ci/setup.sh)")
}

fn run(program: Program, options: RunOptions) -> Result<zisk_runner::Execution, RunError> {
    emu().run(&program, &encode_input(&[&41u64.to_le_bytes()]), &options)
}

#[test]
fn success_returns_output_console_steps_and_cost() {
    let exec = run(Program::zisk_asm(fixture("publish.zisk")), RunOptions::default()).unwrap();
    assert_eq!(exec.public_output_trimmed(), &[42]);
    assert_eq!(exec.console, b"ok\n");
    assert!(exec.cost.steps > 0);
    assert_eq!(exec.cost.main, 62 * exec.cost.steps);
    assert_eq!(
        exec.cost.variable,
        exec.cost.main + exec.cost.opcodes + exec.cost.precompiles + exec.cost.memory
    );
    assert_eq!(exec.cost.base, 285_212_672);
    assert!(exec.cost.op_mix.iter().any(|op| op.name == "add"));
}

#[test]
fn steps_without_the_cost_report_match() {
    let with = run(Program::zisk_asm(fixture("publish.zisk")), RunOptions::default()).unwrap();
    let options = RunOptions { cost_report: false, ..Default::default() };
    let without = run(Program::zisk_asm(fixture("publish.zisk")), options).unwrap();
    assert_eq!(with.cost.steps, without.cost.steps);
    assert_eq!(without.console, b"ok\n");
    assert_eq!(without.public_output_trimmed(), &[42]);
}

#[test]
fn nonzero_exit_is_a_guest_exit_with_its_console() {
    match run(Program::zisk_asm(fixture("exit_code.zisk")), RunOptions::default()) {
        Err(RunError::GuestExit { code, step, pc, console }) => {
            assert_eq!(code, 3);
            assert!(step.is_some() && pc.is_some_and(|pc| pc >= 0x9000_0000));
            assert_eq!(console, "bye\n");
        }
        other => panic!("expected a guest exit, got {other:?}"),
    }
}

#[test]
fn trap_is_distinct_from_exit() {
    match run(Program::zisk_asm(fixture("trap.zisk")), RunOptions::default()) {
        Err(RunError::GuestTrap { step: Some(_), pc: Some(_), .. }) => {}
        other => panic!("expected a trap, got {other:?}"),
    }
}

#[test]
fn step_limit_is_reported() {
    for cost_report in [true, false] {
        let options = RunOptions { max_steps: Some(10_000), cost_report };
        match run(Program::zisk_asm(fixture("spin.zisk")), options) {
            Err(RunError::StepLimit { max_steps: 10_000, .. }) => {}
            other => panic!("expected the step limit, got {other:?}"),
        }
    }
}

#[test]
fn malformed_elf_is_a_bad_program_with_ziskemus_message() {
    match run(Program::elf(fixture("malformed.elf")), RunOptions::default()) {
        Err(RunError::BadProgram { message, .. }) => assert!(message.contains("ELF"), "{message}"),
        other => panic!("expected a bad program error, got {other:?}"),
    }
}

#[test]
fn missing_program_file_is_reported_before_running() {
    match run(Program::elf(fixture("no-such-file.elf")), RunOptions::default()) {
        Err(e @ RunError::ProgramMissing { .. }) => assert!(e.to_string().contains("no-such-file")),
        other => panic!("expected a missing-file error, got {other:?}"),
    }
}

#[test]
fn unassemblable_source_is_a_bad_program() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.zisk");
    std::fs::write(&path, "main:\n\tnot_an_op(0, 0)\n").unwrap();
    match run(Program::zisk_asm(path), RunOptions::default()) {
        Err(RunError::BadProgram { message, .. }) => assert!(message.contains("broken.zisk")),
        other => panic!("expected a bad program error, got {other:?}"),
    }
}
