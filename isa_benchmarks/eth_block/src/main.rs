//! isa_benchmarks eth_block. Input: rsp's bincode witness of mainnet block 18,884,864.
//! Output: the block hash (32 bytes) once every check passed; otherwise a message on the
//! console and a non-zero exit (a panic).
#![cfg_attr(target_os = "none", no_std, no_main)]

ziskos_bindings::entrypoint!(main);

fn main() {
    let input = ziskos_bindings::read_input();
    match eth_block::run(&input) {
        Ok(hash) => {
            ziskos_bindings::println!("block hash {hash}");
            ziskos_bindings::commit(hash.as_slice());
        }
        Err(e) => panic!("eth_block: {e}"),
    }
}
