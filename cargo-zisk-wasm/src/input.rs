//! The guest's input: given on the command line (`run`, `build`, `compare`), or written as a
//! file in ZisK's input format (`input`, `--save-input`) for plain `ziskemu -i` and
//! `cargo-zisk prove`.
//!
//! ZisK's format: one record, an 8-byte little-endian length followed by the bytes, padded
//! with zeros to a multiple of 8 (runner/src/input.rs). ziskemu refuses anything else
//! (`input size must be a multiple of 8`), so a raw file cannot be passed to it directly.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use zisk_runner::{encode_input, MAX_INPUT_BYTES};

/// The input flags of `run`, `build` and `compare`.
#[derive(clap::Args, Debug, Default)]
pub struct InputArgs {
    /// File whose bytes are the guest's input.
    #[arg(short, long, conflicts_with = "input_u64")]
    pub input: Option<PathBuf>,
    /// A u64 as the guest's input (8 little-endian bytes).
    #[arg(long)]
    pub input_u64: Option<u64>,
    /// Also write the input in ZisK's input format to FILE, for `ziskemu -e PROGRAM -i FILE`
    /// or `cargo-zisk prove`.
    #[arg(long, value_name = "FILE")]
    pub save_input: Option<PathBuf>,
}

impl InputArgs {
    /// The raw input bytes (empty without -i/--input-u64); written to --save-input if given.
    pub fn read(&self) -> Result<Vec<u8>> {
        let raw = match (&self.input, self.input_u64) {
            (Some(path), _) => std::fs::read(path).with_context(|| format!("reading {}", path.display()))?,
            (None, Some(n)) => n.to_le_bytes().to_vec(),
            (None, None) => Vec::new(),
        };
        check_size(&raw)?;
        if let Some(file) = &self.save_input {
            save(file, &raw)?;
        }
        Ok(raw)
    }
}

/// The record sources of `cargo zisk-wasm input` (exactly one).
#[derive(clap::Args, Debug)]
#[group(required = true, multiple = false)]
pub struct Record {
    /// The bytes of this file.
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// A u64, as 8 little-endian bytes (what the isa_benchmarks guests read).
    #[arg(long, value_name = "N")]
    pub u64: Option<u64>,
    /// This text, as UTF-8 bytes (no trailing newline).
    #[arg(long, value_name = "TEXT")]
    pub text: Option<String>,
    /// These bytes, in hex (`0a1b…`).
    #[arg(long, value_name = "HEX")]
    pub hex: Option<String>,
}

impl Record {
    pub fn bytes(&self) -> Result<Vec<u8>> {
        let raw = if let Some(path) = &self.file {
            std::fs::read(path).with_context(|| format!("reading {}", path.display()))?
        } else if let Some(n) = self.u64 {
            n.to_le_bytes().to_vec()
        } else if let Some(text) = &self.text {
            text.as_bytes().to_vec()
        } else if let Some(hex) = &self.hex {
            parse_hex(hex)?
        } else {
            unreachable!("clap requires one source")
        };
        check_size(&raw)?;
        Ok(raw)
    }
}

fn check_size(raw: &[u8]) -> Result<()> {
    if raw.len() as u64 > MAX_INPUT_BYTES {
        bail!("the input is {} bytes; ZisK's input region holds at most {MAX_INPUT_BYTES}", raw.len());
    }
    Ok(())
}

/// Writes `raw` as a ZisK input file.
pub fn save(file: &Path, raw: &[u8]) -> Result<()> {
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let encoded = encode_input(&[raw]);
    std::fs::write(file, &encoded).with_context(|| format!("writing {}", file.display()))?;
    eprintln!(
        "wrote {}: {} input bytes in ZisK's input format ({} bytes; `ziskemu -e PROGRAM -i {}`)",
        file.display(),
        raw.len(),
        encoded.len(),
        file.display()
    );
    Ok(())
}

fn parse_hex(hex: &str) -> Result<Vec<u8>> {
    let digits: String = hex.trim().trim_start_matches("0x").chars().filter(|c| !c.is_whitespace() && *c != '_').collect();
    if !digits.is_ascii() {
        bail!("--hex {hex}: not hex digits");
    }
    if digits.len() % 2 != 0 {
        bail!("--hex {hex}: an odd number of hex digits");
    }
    (0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).with_context(|| format!("--hex {hex}: `{}` is not a hex byte", &digits[i..i + 2])))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_parses_with_or_without_prefix() {
        assert_eq!(parse_hex("0x0a1B ff").unwrap(), vec![0x0a, 0x1b, 0xff]);
        assert!(parse_hex("abc").is_err());
        assert!(parse_hex("zz").is_err());
    }
}
