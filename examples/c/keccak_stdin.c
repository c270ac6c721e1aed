/* A C guest (clang --target=wasm32-wasi, wasi-libc): reads its input from stdin, hashes it
 * with the zkVM accelerators zkvm_keccak256 and zkvm_ripemd160 (eth-act's
 * zkvm_accelerators.h; zisk-wasm provides them, keccak on ZisK's keccak-f precompile), checks
 * the empty BN254 pairing product with zkvm_bn254_pairing, and prints the results to stdout,
 * which ZisK publishes. Built and run on both our routes by cargo-zisk-wasm/tests/examples.rs. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* From zkvm_accelerators.h: status 0 (ZKVM_EOK) on success. */
int zkvm_keccak256(const uint8_t *data, size_t len, uint8_t output[32]);
int zkvm_ripemd160(const uint8_t *data, size_t len, uint8_t output[32]);
int zkvm_bn254_pairing(const uint8_t *pairs, size_t num_pairs, bool *verified);

static void hex(const uint8_t *bytes, int n) {
  for (int i = 0; i < n; i++) printf("%02x", bytes[i]);
  printf("\n");
}

int main(void) {
  static uint8_t input[1 << 16];
  size_t len = fread(input, 1, sizeof input, stdin);
  uint8_t digest[32];
  bool verified = false;
  if (zkvm_keccak256(input, len, digest) != 0) {
    fprintf(stderr, "zkvm_keccak256 failed\n");
    return 1;
  }
  printf("keccak256 of %zu bytes: ", len);
  hex(digest, 32);
  /* RIPEMD-160's 20 bytes come after 12 zero bytes, as Ethereum's precompile returns them. */
  if (zkvm_ripemd160(input, len, digest) != 0) {
    fprintf(stderr, "zkvm_ripemd160 failed\n");
    return 1;
  }
  printf("ripemd160: ");
  hex(digest + 12, 20);
  if (zkvm_bn254_pairing(input, 0, &verified) != 0) {
    fprintf(stderr, "zkvm_bn254_pairing failed\n");
    return 1;
  }
  printf("empty pairing product is 1: %d\n", verified);
  return 0;
}
