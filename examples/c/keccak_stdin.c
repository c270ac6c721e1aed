/* A C guest (clang --target=wasm32-wasi, wasi-libc): reads its input from stdin, hashes it
 * with the zkVM accelerator zkvm_keccak256 (eth-act's zkvm_accelerators.h; zisk-wasm
 * provides it on ZisK's keccak-f precompile) and prints the digest to stdout, which ZisK
 * publishes. Built and run on both our routes by cargo-zisk-wasm/tests/examples.rs. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* From zkvm_accelerators.h: status 0 (ZKVM_EOK) on success. */
int zkvm_keccak256(const uint8_t *data, size_t len, uint8_t output[32]);

int main(void) {
  static uint8_t input[1 << 16];
  size_t len = fread(input, 1, sizeof input, stdin);
  uint8_t digest[32];
  if (zkvm_keccak256(input, len, digest) != 0) {
    fprintf(stderr, "zkvm_keccak256 failed\n");
    return 1;
  }
  printf("keccak256 of %zu bytes: ", len);
  for (int i = 0; i < 32; i++) printf("%02x", digest[i]);
  printf("\n");
  return 0;
}
