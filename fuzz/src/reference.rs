//! The module of a seed and what the reference engine (wasmi) makes of it.

use arbitrary::Unstructured;
use zisk_wasm_backend::{Check, Expected, Invocation, Value};

/// Fuel wasm-smith's termination counter starts with (decremented per loop iteration and
/// call): small enough that recursion runs out of fuel before either engine's call stack.
const FUEL: u32 = 1_000;
/// Calls per exported function.
const CALLS_PER_EXPORT: usize = 3;
/// The most bytes linear memory can grow to on ZisK (our memory map's limit).
const MEMORY_LIMIT: usize = (zisk_wasm_environ::memory_map::MAX_MEMORY_PAGES * zisk_wasm_environ::memory_map::WASM_PAGE_SIZE) as usize;

/// splitmix64: a seed's byte stream (the same on every machine).
fn bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        out.extend_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out
}

/// The proposals the compiler accepts, nothing else; no imports (the shim's would differ
/// from the reference's), small memories, exports of everything.
fn config() -> wasm_smith::Config {
    wasm_smith::Config {
        max_imports: 0,
        export_everything: true,
        canonicalize_nans: true,
        bulk_memory_enabled: true,
        multi_value_enabled: true,
        saturating_float_to_int_enabled: true,
        sign_extension_ops_enabled: true,
        reference_types_enabled: false,
        simd_enabled: false,
        relaxed_simd_enabled: false,
        threads_enabled: false,
        tail_call_enabled: false,
        exceptions_enabled: false,
        gc_enabled: false,
        memory64_enabled: false,
        wide_arithmetic_enabled: false,
        extended_const_enabled: true,
        custom_page_sizes_enabled: false,
        max_memories: 1,
        max_tables: 1,
        max_memory32_bytes: 1 << 20,
        max_table_elements: 10_000,
        max_funcs: 20,
        min_types: 2,
        min_funcs: 4,
        min_memories: 1,
        ..wasm_smith::Config::default()
    }
}

/// The module of `seed`, guaranteed to terminate.
pub fn generate(seed: u64) -> anyhow::Result<Vec<u8>> {
    let data = bytes(seed, 64 * 1024);
    let mut u = Unstructured::new(&data);
    let mut module = wasm_smith::Module::new(config(), &mut u)?;
    module.ensure_termination(FUEL)?;
    Ok(module.to_bytes())
}

/// One call the reference made and how it ended.
#[derive(Debug, Clone)]
pub struct Call {
    pub export: String,
    pub args: Vec<Value>,
    pub outcome: Outcome,
}

#[derive(Debug, Clone)]
pub enum Outcome {
    Returned(Vec<Value>),
    /// The spec's trap message.
    Trapped(String),
}

/// One reference run from a fresh instance: the start function's trap, if any, or the calls
/// of one exported function made until the first trap (the trapping one last).
#[derive(Debug)]
pub struct Reference {
    pub start_trap: Option<String>,
    pub calls: Vec<Call>,
}

fn spec_message(e: &wasmi::Error) -> Option<&'static str> {
    use wasmi::TrapCode as T;
    Some(match e.as_trap_code()? {
        T::UnreachableCodeReached => "unreachable",
        T::MemoryOutOfBounds => "out of bounds memory access",
        T::TableOutOfBounds => "undefined element",
        T::IndirectCallToNull => "uninitialized element",
        T::IntegerDivisionByZero => "integer divide by zero",
        T::IntegerOverflow => "integer overflow",
        T::BadConversionToInteger => "invalid conversion to integer",
        T::StackOverflow => "call stack exhausted",
        T::BadSignature => "indirect call type mismatch",
        _ => return None,
    })
}

/// Boundary values first, then the seed's own.
fn argument(ty: &wasmi::ValType, k: usize, seed: u64) -> Option<(wasmi::Val, Value)> {
    const I32S: [u32; 6] = [0, 1, u32::MAX, 0x8000_0000, 0x7fff_ffff, 65536];
    const I64S: [u64; 6] = [0, 1, u64::MAX, 1 << 63, (1 << 63) - 1, 1 << 32];
    let random = bytes(seed ^ (k as u64).wrapping_mul(0x2545_f491_4f6c_dd1d), 8);
    let r = u64::from_le_bytes(random[..8].try_into().unwrap());
    let pick32 = if k % 2 == 0 { I32S[(r % 6) as usize] } else { r as u32 };
    let pick64 = if k % 2 == 0 { I64S[(r % 6) as usize] } else { r };
    Some(match ty {
        wasmi::ValType::I32 => (wasmi::Val::I32(pick32 as i32), Value::I32(pick32)),
        wasmi::ValType::I64 => (wasmi::Val::I64(pick64 as i64), Value::I64(pick64)),
        wasmi::ValType::F32 => (wasmi::Val::F32(wasmi::F32::from_bits(pick32)), Value::I32(pick32)),
        wasmi::ValType::F64 => (wasmi::Val::F64(wasmi::F64::from_bits(pick64)), Value::I64(pick64)),
        _ => return None,
    })
}

fn value(v: &wasmi::Val) -> Option<Value> {
    Some(match v {
        wasmi::Val::I32(x) => Value::I32(*x as u32),
        wasmi::Val::I64(x) => Value::I64(*x as u64),
        wasmi::Val::F32(x) => Value::I32(x.to_bits()),
        wasmi::Val::F64(x) => Value::I64(x.to_bits()),
        _ => return None,
    })
}

impl Reference {
    /// One run per exported function (each from a fresh instance, so a trap in one does not
    /// hide the others), or the single run whose start function traps.
    pub fn runs(wasm: &[u8], seed: u64) -> anyhow::Result<Vec<Reference>> {
        let engine = wasmi::Engine::default();
        let module = wasmi::Module::new(&engine, wasm)?;
        let exports: Vec<(String, wasmi::FuncType)> = module
            .exports()
            .filter_map(|e| match e.ty() {
                wasmi::ExternType::Func(f) => Some((e.name().to_string(), f.clone())),
                _ => None,
            })
            .collect();
        let mut runs = Vec::new();
        for (n, (name, ty)) in exports.iter().enumerate() {
            // `memory.grow` may fail (the spec leaves the limit to the host): the reference
            // gets ZisK's, or a module growing past it diverges by design (seed 1289).
            let limits = wasmi::StoreLimitsBuilder::new().memory_size(MEMORY_LIMIT).build();
            let mut store = wasmi::Store::new(&engine, limits);
            store.limiter(|limits| limits);
            let instance = match <wasmi::Linker<wasmi::StoreLimits>>::new(&engine).instantiate_and_start(&mut store, &module) {
                Ok(i) => i,
                Err(e) => match spec_message(&e) {
                    Some(trap) => return Ok(vec![Reference { start_trap: Some(trap.into()), calls: vec![] }]),
                    None => anyhow::bail!("instantiation: {e}"),
                },
            };
            runs.push(Self::calls(&mut store, &instance, n, name, ty, seed)?);
        }
        Ok(runs)
    }

    fn calls(store: &mut wasmi::Store<wasmi::StoreLimits>, instance: &wasmi::Instance, n: usize, name: &str, ty: &wasmi::FuncType, seed: u64) -> anyhow::Result<Reference> {
        let mut calls = Vec::new();
        let func = instance.get_func(&*store, name).expect("an exported function");
        {
            for c in 0..CALLS_PER_EXPORT {
                let k = n * CALLS_PER_EXPORT + c;
                let Some(args) = ty.params().iter().enumerate().map(|(i, t)| argument(t, k + i, seed)).collect::<Option<Vec<_>>>() else {
                    break;
                };
                let mut results: Vec<wasmi::Val> = ty.results().iter().map(|t| wasmi::Val::default_for_ty(*t)).collect();
                let inputs: Vec<wasmi::Val> = args.iter().map(|(v, _)| v.clone()).collect();
                let args: Vec<Value> = args.into_iter().map(|(_, v)| v).collect();
                match func.call(&mut *store, &inputs, &mut results) {
                    Ok(()) => {
                        let Some(values) = results.iter().map(value).collect::<Option<Vec<_>>>() else { break };
                        calls.push(Call { export: name.to_string(), args, outcome: Outcome::Returned(values) });
                    }
                    Err(e) => {
                        let trap = spec_message(&e).ok_or_else(|| anyhow::anyhow!("call {name}: {e}"))?;
                        calls.push(Call { export: name.to_string(), args, outcome: Outcome::Trapped(trap.into()) });
                        return Ok(Reference { start_trap: None, calls });
                    }
                }
            }
        }
        Ok(Reference { start_trap: None, calls })
    }

    /// The driver's invocations and the trap the run must end with, if any.
    pub fn driver(&self) -> (Vec<Invocation>, Option<&str>) {
        let invocations = self
            .calls
            .iter()
            .map(|c| Invocation {
                export: c.export.clone(),
                args: c.args.clone(),
                check: match &c.outcome {
                    Outcome::Returned(v) => Check::Results(v.iter().map(|&v| Expected::from(v)).collect()),
                    Outcome::Trapped(_) => Check::Nothing,
                },
            })
            .collect();
        let trap = self.start_trap.as_deref().or_else(|| match &self.calls.last()?.outcome {
            Outcome::Trapped(t) => Some(t.as_str()),
            Outcome::Returned(_) => None,
        });
        (invocations, trap)
    }
}
