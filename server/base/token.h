/*
 * Secrets: participant tokens are 256 random bits from OpenSSL's RAND_bytes,
 * shown once, stored only as SHA-256 hashes and compared in constant time.
 * Calendar feed keys are random too, but read-only and shown again, so the
 * store keeps them as they are.
 */
#ifndef PL_TOKEN_H
#define PL_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PL_TOKEN_LEN 44 /* base64url of 32 bytes (43) and NUL */
#define PL_FEED_LEN 23  /* base64url of 16 bytes (22) and NUL */
#define PL_HASH_LEN 32
#define PL_HASH_HEX_LEN (2 * PL_HASH_LEN + 1) /* upper-case hex and NUL */

/* Fills `out` with a fresh base64url token of `bytes` random bytes.
 * `outlen` must hold 4*bytes/3+2. Returns 0, or -1 if the RNG failed. */
int pl_token_new(char *out, size_t outlen, size_t bytes);

/* SHA-256 of the token text. */
void pl_token_hash(const char *token, uint8_t hash[PL_HASH_LEN]);

/* Constant-time comparison of two hashes. */
bool pl_token_hash_equal(const uint8_t a[PL_HASH_LEN], const uint8_t b[PL_HASH_LEN]);

/* The hash as upper-case hex, as the programme stream carries it (and as
 * SQLite's hex() writes it, which the schema upgrade uses). */
void pl_token_hash_hex(const uint8_t hash[PL_HASH_LEN], char out[PL_HASH_HEX_LEN]);
/* Parses such hex (either case). Returns 0, or -1 when it is not a hash. */
int pl_token_hash_from_hex(const char *hex, uint8_t hash[PL_HASH_LEN]);

#endif
