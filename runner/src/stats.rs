//! The cost report, parsed from ziskemu's `--save-stats` snapshot (`;`-separated sections).

use crate::RunError;

/// Steps and cost of one run, as ziskemu's cost model computes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CostReport {
    pub steps: u64,
    /// 62 per executed instruction.
    pub main: u64,
    /// Per-opcode costs of ordinary ops.
    pub opcodes: u64,
    pub precompiles: u64,
    pub memory: u64,
    /// MAIN + OPCODES + PRECOMPILES + MEMORY: what a program changes. BASE is constant.
    pub variable: u64,
    pub base: u64,
    pub total: u64,
    /// Executed opcodes, most frequent first.
    pub op_mix: Vec<OpcodeCost>,
}

/// How often one ZisK opcode ran and what it cost in total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpcodeCost {
    pub name: String,
    pub count: u64,
    pub cost: u64,
    pub precompile: bool,
}

impl CostReport {
    pub(crate) fn parse_snapshot(text: &str) -> Result<CostReport, RunError> {
        let mut report = CostReport::default();
        let mut seen_steps = false;
        let mut seen_variable = false;
        for line in text.lines() {
            let fields: Vec<&str> = line.split(';').collect();
            match fields.as_slice() {
                ["STEPS", n] => {
                    report.steps = number(n, line)?;
                    seen_steps = true;
                }
                ["COST", name, value, _pct] => {
                    let slot = match *name {
                        "MAIN" => &mut report.main,
                        "OPCODES" => &mut report.opcodes,
                        "PRECOMPILES" => &mut report.precompiles,
                        "MEMORY" => &mut report.memory,
                        "VARIABLE" => {
                            seen_variable = true;
                            &mut report.variable
                        }
                        "BASE" => &mut report.base,
                        "TOTAL" => &mut report.total,
                        _ => continue,
                    };
                    *slot = number(value, line)?;
                }
                [section @ ("OP_BASE" | "PRECOMPILES"), name, count, _, cost, _]
                    if *name != "OPCODE" =>
                {
                    report.op_mix.push(OpcodeCost {
                        name: name.to_string(),
                        count: number(count, line)?,
                        cost: number(cost, line)?,
                        precompile: *section == "PRECOMPILES",
                    });
                }
                _ => {}
            }
        }
        if !seen_steps || !seen_variable {
            return Err(RunError::Report("stats snapshot lacks STEPS or COST;VARIABLE".into()));
        }
        report.op_mix.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
        Ok(report)
    }
}

fn number(field: &str, line: &str) -> Result<u64, RunError> {
    field.trim().parse().map_err(|_| RunError::Report(format!("bad number in line `{line}`")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SNAPSHOT: &str = "COSTS_VERSION;3\nSTEPS;120\n\n\
        COST;COST DISTRIBUTION;COST;%\nCOST;MAIN;7440;1.00%\nCOST;OPCODES;300;0.1%\n\
        COST;PRECOMPILES;0;0.00%\nCOST;MEMORY;50;0.0%\nCOST;VARIABLE;7790;1%\n\
        COST;BASE;285212672;99%\nCOST;TOTAL;285220462;100%\nCOST;FROPS;0;0.00%\n\n\
        OP_BASE;OPCODE;COUNT;%;COST;%\nOP_BASE;add;10;8%;210;0%\nOP_BASE;copyb;100;80%;0;0%\n\n\
        PRECOMPILES;keccakf;1;1%;1000;0%\n";

    #[test]
    fn parses_totals_and_op_mix() {
        let r = CostReport::parse_snapshot(SNAPSHOT).unwrap();
        assert_eq!((r.steps, r.main, r.opcodes, r.memory, r.variable), (120, 7440, 300, 50, 7790));
        assert_eq!(r.base, 285_212_672);
        assert_eq!(r.op_mix[0].name, "copyb");
        assert_eq!(r.op_mix.len(), 3);
        assert!(r.op_mix.iter().any(|o| o.name == "keccakf" && o.precompile));
    }

    #[test]
    fn rejects_a_snapshot_without_totals() {
        assert!(CostReport::parse_snapshot("COSTS_VERSION;3\n").is_err());
    }
}
