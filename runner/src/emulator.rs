//! Driving the installed `ziskemu` binary.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{CostReport, RunError, MAX_INPUT_BYTES};

/// What kind of file a program is; decides ziskemu's loading flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgramKind {
    /// A RISC-V ELF or a ziskbin ELF (`ziskemu -e`).
    Elf,
    /// A WebAssembly module, translated by ZisK's own wasm2zisk (`ziskemu -e`).
    Wasm,
    /// ZisK assembly source (`ziskemu -z`).
    ZiskAsm,
}

/// A program file to execute.
#[derive(Debug, Clone)]
pub struct Program {
    pub path: PathBuf,
    pub kind: ProgramKind,
}

impl Program {
    pub fn elf(path: impl Into<PathBuf>) -> Program {
        Program { path: path.into(), kind: ProgramKind::Elf }
    }
    pub fn wasm(path: impl Into<PathBuf>) -> Program {
        Program { path: path.into(), kind: ProgramKind::Wasm }
    }
    pub fn zisk_asm(path: impl Into<PathBuf>) -> Program {
        Program { path: path.into(), kind: ProgramKind::ZiskAsm }
    }
}

/// Knobs for one run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Stop (and fail with [`RunError::StepLimit`]) after this many steps.
    pub max_steps: Option<u64>,
    /// Collect the cost report. Costs some emulation speed; steps are counted either way.
    pub cost_report: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions { max_steps: None, cost_report: true }
    }
}

/// The result of a run that ended normally.
#[derive(Debug, Clone)]
pub struct Execution {
    /// The published output (what the prover makes public), as ziskemu returns it.
    pub public_output: Vec<u8>,
    /// Bytes the guest wrote to the console (ZisK's UART).
    pub console: Vec<u8>,
    /// Steps and costs; with `cost_report: false`, only `steps` is filled.
    pub cost: CostReport,
}

impl Execution {
    /// The public output without trailing zero bytes (ziskemu returns a fixed-size window).
    pub fn public_output_trimmed(&self) -> &[u8] {
        let end = self.public_output.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
        &self.public_output[..end]
    }

    pub fn console_text(&self) -> String {
        String::from_utf8_lossy(&self.console).into_owned()
    }
}

/// The installed ziskemu binary.
#[derive(Debug, Clone)]
pub struct Ziskemu {
    binary: PathBuf,
}

/// Opening of ziskemu's human-readable stats report, which `--save-stats` prints to stdout
/// right after the guest's console output.
const REPORT_MARKER: &str = "\nREPORT (cost version ";

impl Ziskemu {
    /// Uses `$ZISKEMU` if set, else `ziskemu` on `PATH` or in `~/.cargo/bin`.
    pub fn locate() -> Result<Ziskemu, RunError> {
        if let Some(path) = std::env::var_os("ZISKEMU") {
            return Ziskemu::at(PathBuf::from(path));
        }
        let mut dirs: Vec<PathBuf> =
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()).collect();
        if let Some(home) = std::env::var_os("HOME") {
            dirs.push(Path::new(&home).join(".cargo/bin"));
        }
        dirs.iter()
            .map(|d| d.join("ziskemu"))
            .find(|p| p.is_file())
            .map(|binary| Ziskemu { binary })
            .ok_or_else(|| RunError::EmulatorNotFound("not on PATH nor in ~/.cargo/bin".into()))
    }

    pub fn at(binary: PathBuf) -> Result<Ziskemu, RunError> {
        if binary.is_file() {
            Ok(Ziskemu { binary })
        } else {
            Err(RunError::EmulatorNotFound(format!("{} does not exist", binary.display())))
        }
    }

    pub fn binary(&self) -> &Path {
        &self.binary
    }

    /// Runs `program` with `input` (already in ZisK's input format, see [`crate::encode_input`]).
    pub fn run(
        &self,
        program: &Program,
        input: &[u8],
        options: &RunOptions,
    ) -> Result<Execution, RunError> {
        let scratch = tempfile::tempdir()?;
        let output_path = scratch.path().join(OUTPUT_FILE);
        let stats_path = scratch.path().join("stats.csv");
        let mut args = program_args(program, input, options.max_steps, scratch.path())?;
        if options.cost_report {
            args.extend(["--save-stats".into(), stats_path.clone().into_os_string()]);
            args.extend(["--csv-separator".into(), ";".into(), "--color".into(), "never".into()]);
        } else {
            // `-m` prints a one-line metrics summary with the step count.
            args.push("-m".into());
        }

        let out = Command::new(&self.binary).args(&args).output()?;
        let stdout = out.stdout;
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();

        let console_end = if options.cost_report {
            find_report_start(&stdout).unwrap_or(stdout.len())
        } else {
            find_metrics_line(&stdout).unwrap_or(stdout.len())
        };
        let console_start = loader_banner_len(&stdout).min(console_end);
        let console = uart_bytes(&stdout[console_start..console_end]);

        if !out.status.success() {
            return Err(classify_failure(program, &stderr, console, options));
        }

        let cost = if options.cost_report {
            CostReport::parse_snapshot(&std::fs::read_to_string(&stats_path)?)?
        } else {
            CostReport { steps: parse_metrics_steps(&stdout[console_end..])?, ..Default::default() }
        };
        if let Some(max) = options.max_steps {
            // ziskemu stops silently at -n; an unfinished run is reported as "not completed",
            // but be strict in case a run ends exactly on the limit.
            if cost.steps >= max {
                return Err(RunError::StepLimit { max_steps: max, console: lossy(&console) });
            }
        }
        let public_output = std::fs::read(&output_path)?;
        Ok(Execution { public_output, console, cost })
    }
}

const OUTPUT_FILE: &str = "output.bin";

/// ziskemu's arguments for loading `program` with `input` (written into `scratch`, where the
/// public output goes too) and the step limit.
pub(crate) fn program_args(program: &Program, input: &[u8], max_steps: Option<u64>, scratch: &Path) -> Result<Vec<OsString>, RunError> {
    std::fs::metadata(&program.path).map_err(|source| RunError::ProgramMissing { path: program.path.clone(), source })?;
    if input.len() as u64 > MAX_INPUT_BYTES {
        return Err(RunError::InputTooLarge { len: input.len() as u64, max: MAX_INPUT_BYTES });
    }
    let input_path = scratch.join("input.bin");
    std::fs::write(&input_path, input)?;
    let load_flag = match program.kind {
        ProgramKind::Elf | ProgramKind::Wasm => "-e",
        ProgramKind::ZiskAsm => "-z",
    };
    let mut args: Vec<OsString> = vec![load_flag.into(), program.path.clone().into()];
    args.extend(["-i".into(), input_path.into_os_string()]);
    args.extend(["-o".into(), scratch.join(OUTPUT_FILE).into_os_string()]);
    if let Some(n) = max_steps {
        args.extend(["-n".into(), n.to_string().into()]);
    }
    Ok(args)
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// ziskemu prints each UART byte `b` as the char U+00bb, so bytes >= 0x80 reach stdout as
/// two-byte UTF-8 sequences. Undo that to recover the bytes the guest wrote.
fn uart_bytes(stdout: &[u8]) -> Vec<u8> {
    match std::str::from_utf8(stdout) {
        Ok(text) if text.chars().all(|c| (c as u32) < 256) => {
            text.chars().map(|c| c as u32 as u8).collect()
        }
        _ => stdout.to_vec(),
    }
}

/// The report is the last thing printed; the newline before its title belongs to it.
fn find_report_start(stdout: &[u8]) -> Option<usize> {
    rfind_bytes(stdout, REPORT_MARKER.as_bytes())
}

fn rfind_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// ZisK's RISC-V loader prints a banner of `#` lines (after an empty line) before running
/// when an ELF's code segment is also readable; it is not guest output.
fn loader_banner_len(stdout: &[u8]) -> usize {
    if !stdout.starts_with(b"\n#") {
        return 0;
    }
    let mut pos = 1;
    while stdout[pos..].starts_with(b"#") {
        match stdout[pos..].iter().position(|&b| b == b'\n') {
            Some(nl) => pos += nl + 1,
            None => return stdout.len(),
        }
    }
    // The banner ends with an empty line.
    if stdout[pos..].starts_with(b"\n") {
        pos += 1;
    }
    pos
}

fn find_metrics_line(stdout: &[u8]) -> Option<usize> {
    rfind_bytes(stdout, b"process_rom() steps=")
}

fn parse_metrics_steps(tail: &[u8]) -> Result<u64, RunError> {
    let text = String::from_utf8_lossy(tail);
    text.split_whitespace()
        .find_map(|w| w.strip_prefix("steps=").and_then(|n| n.parse().ok()))
        .ok_or_else(|| RunError::Report(format!("no step count in `{}`", text.trim())))
}

fn classify_failure(
    program: &Program,
    stderr: &str,
    console: Vec<u8>,
    options: &RunOptions,
) -> RunError {
    let console = lossy(&console);
    let message =
        stderr.lines().filter(|l| !l.trim().is_empty()).collect::<Vec<_>>().join("\n");
    // "Emu::run() finished with error at step=N pc=0xP" precedes both exits and traps.
    let step = after(stderr, "finished with error at step=").and_then(leading_int);
    let pc = after(stderr, " pc=0x")
        .and_then(|s| u64::from_str_radix(s.split(|c: char| !c.is_ascii_hexdigit()).next()?, 16).ok());
    let step = step.map(|s| s as u64);
    if let Some(code) = after(stderr, "guest exited with code ").and_then(leading_int) {
        return RunError::GuestExit { code, step, pc, console };
    }
    if stderr.contains("EmulationNoCompleted") {
        return RunError::StepLimit {
            max_steps: options.max_steps.unwrap_or(ZISKEMU_DEFAULT_MAX_STEPS),
            console,
        };
    }
    if stderr.contains("reason: Trap") {
        return RunError::GuestTrap { step, pc, console };
    }
    if stderr.contains("panicked at") {
        return RunError::EmulatorCrash { message, console };
    }
    if stderr.contains("Error during emulation: Unknown(")
        || stderr.contains("Error during emulation: WrongArguments(")
    {
        return RunError::BadProgram { path: program.path.clone(), message };
    }
    RunError::Emulator { message }
}

/// ziskemu's default `-n` (2^36 - 1).
const ZISKEMU_DEFAULT_MAX_STEPS: u64 = (1 << 36) - 1;

fn after<'a>(haystack: &'a str, needle: &str) -> Option<&'a str> {
    haystack.find(needle).map(|i| &haystack[i + needle.len()..])
}

fn leading_int(s: &str) -> Option<i64> {
    let end = s
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || (i == 0 && c == '-')))
        .map_or(s.len(), |(i, _)| i);
    s[..end].parse().ok()
}
