//! What a program's entry calls, shared by both back ends: the start function, then either
//! the exported `_start` or a test driver (see [`crate::driver`]).

use cranelift_codegen::ir;

use crate::driver::{self, Invocation};
use crate::module::ModuleInfo;
use crate::names::{NS_DRIVER, NS_WASM_FUNC};
use crate::EnvironError;

/// The entry's calls in order, as `(namespace, index)` names, and the driver's body if any.
pub struct Entry {
    pub calls: Vec<(u32, u32)>,
    pub driver: Option<ir::Function>,
}

#[derive(Debug)]
pub enum EntryError {
    /// Neither a start function nor an exported `_start` (and no driver).
    NoEntry,
    /// `_start` takes parameters, which nothing could supply.
    BadEntry,
    Environ(EnvironError),
}

pub fn plan(info: &ModuleInfo, driver: Option<&[Invocation]>) -> Result<Entry, EntryError> {
    let mut calls = Vec::new();
    if let Some(start) = info.start {
        calls.push((NS_WASM_FUNC, start.as_u32()));
    }
    let driver = match driver {
        Some(invocations) => {
            calls.push((NS_DRIVER, 0));
            Some(driver::build(info, invocations).map_err(EntryError::Environ)?)
        }
        None => {
            if let Some(f) = info.exported_func("_start") {
                if !info.func_type(f).params().is_empty() {
                    return Err(EntryError::BadEntry);
                }
                calls.push((NS_WASM_FUNC, f.as_u32()));
            }
            None
        }
    };
    if calls.is_empty() {
        return Err(EntryError::NoEntry);
    }
    Ok(Entry { calls, driver })
}
